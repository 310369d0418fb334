//! The full-resolution URL of an item: the variant segment becomes `original=true` (or, for
//! a video's re-fetch, another variant).

use url::Url;

/// `…/{key}/{uuid}/{variant}/{name}` with `{variant}` (`width=1024`, `original=true,quality=90`,
/// `transcode=true,width=450` …) replaced by `original=true` (doc/api.md "Image URLs and files").
/// URLs of another shape are returned unchanged.
pub fn original_url(url: &str) -> Result<Url, String> {
    let parsed = Url::parse(url).map_err(|e| format!("bad url `{url}`: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("not an http(s) url: `{url}`"));
    }
    Ok(with_variant(&parsed, "original=true").unwrap_or(parsed))
}

/// The same file under another variant segment (`original=true,quality=100` …); `None` when
/// the URL has no variant segment to replace.
pub fn with_variant(url: &Url, variant: &str) -> Option<Url> {
    let mut segs: Vec<String> = url.path_segments()?.map(str::to_string).collect();
    let n = segs.len();
    if n < 3 || !segs[n - 2].contains('=') {
        return None;
    }
    if segs[n - 2] == variant {
        return Some(url.clone());
    }
    segs[n - 2] = variant.to_string();
    let mut out = url.clone();
    // The other segments are still percent-encoded as they came: set as a path, they stay so.
    out.set_path(&format!("/{}", segs.join("/")));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_become_original() {
        let base = "https://image.civitai.com/xG1nkqKTMzGDvpLrqFT7WA/cc5caabb";
        for variant in [
            "width=1024",
            "original=true,quality=90",
            "anim=false,width=450",
        ] {
            let url = format!("{base}/{variant}/cc5caabb.jpeg");
            assert_eq!(
                original_url(&url).unwrap().as_str(),
                format!("{base}/original=true/cc5caabb.jpeg")
            );
        }
        let url = format!("{base}/original=true/cc5caabb.jpeg");
        assert_eq!(original_url(&url).unwrap().as_str(), url);
        assert!(original_url("file:///etc/passwd").is_err());
    }

    #[test]
    fn variants_are_swapped_only_where_there_is_one() {
        let url = Url::parse("https://h/k/u/original=true/u.mp4").unwrap();
        let q = with_variant(&url, "original=true,quality=100").unwrap();
        assert_eq!(q.as_str(), "https://h/k/u/original=true,quality=100/u.mp4");
        assert!(with_variant(&Url::parse("https://h/k/u/plain/u.mp4").unwrap(), "x=1").is_none());
        assert!(with_variant(&Url::parse("https://h/u.mp4").unwrap(), "x=1").is_none());
        let odd = Url::parse("https://h/k/u/width=9/..%2Fx.jpeg").unwrap();
        let kept = with_variant(&odd, "original=true").unwrap();
        assert_eq!(kept.as_str(), "https://h/k/u/original=true/..%2Fx.jpeg");
    }
}
