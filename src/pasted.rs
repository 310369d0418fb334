//! What people paste: Civitai page URLs and bare image ids, read as the target flags they
//! stand for (`https://civitai.com/user/alice` is `--username alice`).
//!
//! Only the path is taken from a URL: requests still go to `--base-url`. The hosts are the
//! site's own front doors (doc/api.md, "Hosts": civitai.com, civitai.red, civitai.green).

use url::Url;

/// The hosts whose page URLs are read (a `www.` in front is accepted too).
pub const HOSTS: &[&str] = &["civitai.com", "civitai.red", "civitai.green"];

/// The forms accepted, for the error that refuses any other.
pub const FORMS: &str = "an image id or a Civitai page URL (civitai.com, .red or .green): \
     /user/NAME (also /images, /videos, /posts), /models/ID[/slug][?modelVersionId=V], \
     /posts/ID, /images/ID, /collections/ID";

/// One pasted target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pasted {
    /// `/user/NAME[/images|/posts]`: `--username NAME`.
    User(String),
    /// `/user/NAME/videos`: `--username NAME --type video`.
    UserVideos(String),
    /// `/models/ID[/slug]`: `--model-id ID`.
    Model(u64),
    /// `/models/ID?modelVersionId=V`: `--model-version-id V` (the version names its model).
    ModelVersion(u64),
    /// `/posts/ID`: `--post-id ID`.
    Post(u64),
    /// `/images/ID` or a bare id: `--image-id ID`.
    Image(u64),
    /// `/collections/ID`: `--collection-id ID`.
    Collection(u64),
}

impl Pasted {
    /// Reads one pasted argument; the error says what was given and lists [`FORMS`].
    pub fn parse(text: &str) -> Result<Pasted, String> {
        let text = text.trim();
        if let Some(id) = parse_id(text) {
            return Ok(Pasted::Image(id));
        }
        from_url(text).ok_or_else(|| {
            format!(
                "`{}` is not {FORMS}",
                crate::text::escape_line(&shorten(text))
            )
        })
    }
}

/// A bare id: ASCII digits only, fitting a u64.
pub fn parse_id(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `--username`: `@name` or a `/user/NAME` page URL read as the name; anything else as it is.
pub fn username_of(text: &str) -> String {
    let trimmed = text.trim();
    match from_url(trimmed) {
        Some(Pasted::User(name) | Pasted::UserVideos(name)) => name,
        _ => match trimmed.strip_prefix('@') {
            Some(name) if !name.is_empty() => name.to_string(),
            _ => text.to_string(),
        },
    }
}

/// The API's zod schema allows `^[A-Za-z0-9_]*$` only (doc/api.md).
fn valid_username(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A page URL on one of [`HOSTS`], read by its path.
fn from_url(text: &str) -> Option<Pasted> {
    let url = Url::parse(text).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    if !HOSTS.contains(&host) {
        return None;
    }
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    let id = |s: &str| parse_id(s);
    match segments.as_slice() {
        ["user", name] | ["user", name, "images" | "posts"] => {
            valid_username(name).then(|| Pasted::User(name.to_string()))
        }
        ["user", name, "videos"] => {
            valid_username(name).then(|| Pasted::UserVideos(name.to_string()))
        }
        ["models", model] | ["models", model, _] => {
            let model = id(model)?;
            let version = url
                .query_pairs()
                .find(|(k, _)| k == "modelVersionId")
                .map(|(_, v)| parse_id(&v));
            match version {
                None => Some(Pasted::Model(model)),
                Some(v) => v.map(Pasted::ModelVersion),
            }
        }
        ["posts", post] => id(post).map(Pasted::Post),
        ["images", image] => id(image).map(Pasted::Image),
        ["collections", c] => id(c).map(Pasted::Collection),
        _ => None,
    }
}

/// At most 80 characters of a refused argument, for the message.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_form_on_every_host() {
        for host in [
            "civitai.com",
            "civitai.red",
            "civitai.green",
            "www.civitai.com",
        ] {
            let p = |path: &str| Pasted::parse(&format!("https://{host}{path}"));
            assert_eq!(p("/user/alice_ai"), Ok(Pasted::User("alice_ai".into())));
            assert_eq!(p("/user/alice_ai/"), Ok(Pasted::User("alice_ai".into())));
            assert_eq!(
                p("/user/alice_ai/images"),
                Ok(Pasted::User("alice_ai".into()))
            );
            assert_eq!(
                p("/user/alice_ai/posts"),
                Ok(Pasted::User("alice_ai".into()))
            );
            assert_eq!(
                p("/user/alice_ai/videos"),
                Ok(Pasted::UserVideos("alice_ai".into()))
            );
            assert_eq!(p("/models/101"), Ok(Pasted::Model(101)));
            assert_eq!(p("/models/101/realistic-vision"), Ok(Pasted::Model(101)));
            assert_eq!(
                p("/models/101/realistic-vision?modelVersionId=1002"),
                Ok(Pasted::ModelVersion(1002))
            );
            assert_eq!(
                p("/models/101?modelVersionId=1002"),
                Ok(Pasted::ModelVersion(1002))
            );
            assert_eq!(p("/posts/7#top"), Ok(Pasted::Post(7)));
            assert_eq!(p("/images/469632?postId=7"), Ok(Pasted::Image(469632)));
            assert_eq!(p("/collections/5001"), Ok(Pasted::Collection(5001)));
        }
        assert_eq!(Pasted::parse(" 469632 "), Ok(Pasted::Image(469632)));
    }

    #[test]
    fn anything_else_lists_the_accepted_forms() {
        for bad in [
            "",
            "alice",
            "12a",
            "-5",
            "99999999999999999999999",
            "https://example.com/user/alice",
            "https://civitai.com/articles/5",
            "https://civitai.com/models/abc",
            "https://civitai.com/models/101?modelVersionId=x",
            "https://civitai.com/user/al-ice",
            "https://civitai.com/images/1/2",
            "ftp://civitai.com/images/1",
            "id,url,username",
        ] {
            let err = Pasted::parse(bad).unwrap_err();
            assert!(err.contains("/collections/ID"), "{bad}: {err}");
        }
        let long = format!("https://civitai.com/{}", "x".repeat(500));
        assert!(Pasted::parse(&long).unwrap_err().len() < 400);
        let err = Pasted::parse("https://civitai.com/\u{1b}[31m").unwrap_err();
        assert!(!err.contains('\u{1b}') && err.contains("\\x1b"), "{err}");
    }

    #[test]
    fn usernames_come_bare_with_an_at_or_as_a_page() {
        assert_eq!(username_of("alice_ai"), "alice_ai");
        assert_eq!(username_of("@alice_ai"), "alice_ai");
        assert_eq!(
            username_of("https://civitai.red/user/alice_ai/videos"),
            "alice_ai"
        );
        for other in ["", "@", "al ice", "https://civitai.com/models/1", "a@b"] {
            assert_eq!(username_of(other), other, "{other}");
        }
    }
}
