//! The full-resolution URL of an item: the variant segment becomes `original=true`.

use url::Url;

/// `…/{key}/{uuid}/{variant}/{name}` with `{variant}` (`width=1024`, `original=true,quality=90`,
/// `transcode=true,width=450` …) replaced by `original=true` (API.md "Image URLs and files").
/// URLs of another shape are returned unchanged.
pub fn original_url(url: &str) -> Result<Url, String> {
    let mut parsed = Url::parse(url).map_err(|e| format!("bad url `{url}`: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("not an http(s) url: `{url}`"));
    }
    let segs: Vec<String> = match parsed.path_segments() {
        Some(s) => s.map(str::to_string).collect(),
        None => return Ok(parsed),
    };
    if segs.len() < 3 {
        return Ok(parsed);
    }
    let variant = &segs[segs.len() - 2];
    if variant.contains('=') && variant != "original=true" {
        let mut new = segs.clone();
        let n = new.len();
        new[n - 2] = "original=true".to_string();
        if let Ok(mut path) = parsed.path_segments_mut() {
            path.clear().extend(new.iter().map(String::as_str));
        }
    }
    Ok(parsed)
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
}
