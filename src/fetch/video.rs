//! Videos that come back as a still (doc/api.md, "Videos, audio, collections"): some videos answer
//! `original=true` with a one-frame WebP. Such a still is not saved as the video; the file is
//! asked for again as `original=true,quality=100`, then as `transcode=true,original=true`.

use std::path::{Path, PathBuf};

use serde_json::Value;
use url::Url;

use super::original::with_variant;
use super::{fallback, Fetched, Fetcher, FileError, Shown, Wanted};
use crate::sniff::{self, Media};
use crate::store::part;

/// The variants a video is asked for, in turn, while it comes back as a still.
const VARIANTS: [&str; 3] = [
    "original=true",
    "original=true,quality=100",
    "transcode=true,original=true",
];

/// Fetches a file; for a video, until the bytes are a video. Returns what was fetched and
/// the `.part` that holds it.
pub(super) async fn fetch(
    fetcher: &Fetcher,
    file: &Wanted<'_>,
    shown: &Shown<'_>,
) -> Result<(Fetched, PathBuf), FileError> {
    let part = file.part;
    if !file.video {
        let fetched = fallback::fetch(fetcher, file.url, part, shown).await?;
        return Ok((fetched, part.to_path_buf()));
    }
    let mut sent = Vec::new();
    for (k, variant) in VARIANTS.iter().enumerate() {
        let Some(url) = with_variant(file.url, variant) else {
            // No variant segment to change: the URL as it is, once.
            let fetched = fallback::fetch(fetcher, file.url, part, shown).await?;
            return Ok((fetched, part.to_path_buf()));
        };
        let this_part = variant_part(part, k);
        let fetched = match fallback::fetch(fetcher, &url, &this_part, shown).await {
            Ok(fetched) => fetched,
            // A later variant the host refuses: say so, and try the next one.
            Err(FileError::Remote(why)) if k > 0 => {
                sent.push(format!("{why} for {variant}"));
                continue;
            }
            Err(e) => return Err(e),
        };
        if sniff::media(&fetched.head) != Some(Media::Still) {
            // A `.part` of another variant, left by an earlier run, is no use any more.
            for other in (0..VARIANTS.len()).filter(|&j| j != k) {
                let _ = part::remove(&variant_part(part, other));
            }
            return Ok((fetched, this_part));
        }
        let what = sniff::describe(&fetched.head);
        let _ = part::remove(&this_part);
        if let Some(next) = VARIANTS.get(k + 1) {
            // Detail for `-v`: without it the user sees the video saved, which is what happened.
            fetcher.log.verbose(&format!(
                "{}: the host sent {what} for a video under {variant}; asking for {next}",
                file.id
            ));
        }
        sent.push(format!("{what} for {variant}"));
    }
    Err(FileError::Remote(format!(
        "the host sent no video: {}",
        sent.join("; ")
    )))
}

/// Whether an item is a video: its `type`, or for items without one, a video file name.
pub fn is_video(item: &Value) -> bool {
    match item.get("type").and_then(Value::as_str) {
        Some(kind) => kind == "video",
        None => item
            .get("url")
            .and_then(Value::as_str)
            .and_then(|u| Url::parse(u).ok())
            .is_some_and(|u| {
                let path = u.path().to_ascii_lowercase();
                path.ends_with(".mp4") || path.ends_with(".webm")
            }),
    }
}

/// The `.part` of variant `k`: the first keeps the job's own; the others get their own, so
/// that a resumed `.part` always continues the same variant's bytes.
fn variant_part(part: &Path, k: usize) -> PathBuf {
    const TAGS: [&str; 3] = ["", ".q100", ".transcode"];
    if k == 0 {
        return part.to_path_buf();
    }
    let name = part.file_name().unwrap_or_default().to_string_lossy();
    let stem = name.strip_suffix(".part").unwrap_or(&name);
    part.with_file_name(format!("{stem}{}.part", TAGS[k]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn videos_by_type_or_by_name() {
        assert!(is_video(
            &json!({"type": "video", "url": "https://h/a.jpeg"})
        ));
        assert!(!is_video(
            &json!({"type": "image", "url": "https://h/a.mp4"})
        ));
        assert!(!is_video(
            &json!({"type": "audio", "url": "https://h/a.mp3"})
        ));
        assert!(is_video(
            &json!({"url": "https://h/k/u/original=true/a.MP4"})
        ));
        assert!(!is_video(
            &json!({"url": "https://h/k/u/original=true/a.jpeg"})
        ));
    }

    #[test]
    fn each_variant_has_its_own_part() {
        let part = Path::new("out/sub/42.part");
        assert_eq!(variant_part(part, 0), Path::new("out/sub/42.part"));
        assert_eq!(variant_part(part, 1), Path::new("out/sub/42.q100.part"));
        assert_eq!(
            variant_part(part, 2),
            Path::new("out/sub/42.transcode.part")
        );
    }
}
