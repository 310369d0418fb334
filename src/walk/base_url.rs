//! `--base-url` as people write it: a site root, an endpoint URL (its path dropped), or a
//! bare host (refused with the URL it probably means).

use url::Url;

/// A `--base-url` read: the site root, and whether an endpoint path was dropped from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// The site root (`https://civitai.com`, or a proxy mount such as `https://host/proxy/`).
    pub url: Url,
    /// The text ended in `/api/v1/images` (or `/api/v1`), which civimg adds itself.
    pub dropped_endpoint: bool,
}

/// Reads a `--base-url`: an http(s) URL with a host. A host without a scheme
/// (`civitai.com`) is refused with the URL it probably means; an endpoint path
/// (`…/api/v1/images`) is dropped, since the endpoint is added to the root.
pub fn parse_base_url(text: &str) -> Result<BaseUrl, String> {
    let text = text.trim();
    let shown = crate::text::escape_line(text);
    let no_scheme = !text.contains("://");
    let parsed = Url::parse(text).ok().filter(|u| u.has_host());
    let mut url = match parsed {
        Some(u) if matches!(u.scheme(), "http" | "https") => u,
        _ if no_scheme && !text.is_empty() => {
            let loopback = ["localhost", "127.", "[::1]"]
                .iter()
                .any(|p| text.starts_with(p));
            let scheme = if loopback { "http" } else { "https" };
            return Err(format!(
                "--base-url `{shown}` has no scheme; did you mean `{scheme}://{shown}`?"
            ));
        }
        _ => {
            return Err(format!(
                "--base-url must be an http(s) URL such as `https://civitai.com`, not `{shown}`"
            ))
        }
    };
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_string();
    let root = ["/api/v1/images", "/api/v1"]
        .iter()
        .find_map(|end| path.strip_suffix(end));
    let dropped_endpoint = root.is_some();
    if let Some(root) = root {
        let root = if root.is_empty() { "/" } else { root };
        url.set_path(root);
    }
    Ok(BaseUrl {
        url,
        dropped_endpoint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_read_as_people_write_them() {
        let read = |s: &str| parse_base_url(s).map(|b| (b.url.to_string(), b.dropped_endpoint));
        assert_eq!(
            read("https://civitai.com"),
            Ok(("https://civitai.com/".into(), false))
        );
        assert_eq!(
            read("http://127.0.0.1:8787/api/v1/images/"),
            Ok(("http://127.0.0.1:8787/".into(), true))
        );
        assert_eq!(
            read("https://h/proxy/api/v1?x=1"),
            Ok(("https://h/proxy".into(), true))
        );
        let err = read("civitai.com").unwrap_err();
        assert!(err.contains("`https://civitai.com`"), "{err}");
        let err = read("localhost:8787").unwrap_err();
        assert!(err.contains("`http://localhost:8787`"), "{err}");
        assert!(read("ftp://civitai.com").is_err());
        assert!(read("").is_err());
    }
}
