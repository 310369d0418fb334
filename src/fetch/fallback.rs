//! The second origin for files (doc/api.md, "Videos, audio, collections"): when a file's host
//! keeps timing out or answering 5xx, the same file is fetched from
//! `{fallback}/file/civitai-media-cache/{uuid}/original`, resuming the `.part` only when the
//! fallback proves its copy is the same file (`provenance`).

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

use url::Url;

use super::transfer;
use super::{Fetched, Fetcher, FileError, Shown};
use crate::store::name::uuid_from_url;
use crate::walk::client::{display_url, host_of};

/// `{host}/file/civitai-media-cache/{uuid}/original` for a file URL of the usual
/// `…/{key}/{uuid}/{variant}/{name}` shape; `None` for any other shape or an odd uuid.
pub fn fallback_url(host: &Url, file: &Url) -> Option<Url> {
    let uuid = uuid_from_url(file.as_str())?;
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-';
    if uuid.is_empty() || uuid.len() > 64 || !uuid.chars().all(plain) {
        return None;
    }
    let mut url = host.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.path_segments_mut().ok()?.pop_if_empty().extend([
        "file",
        "civitai-media-cache",
        &uuid,
        "original",
    ]);
    Some(url)
}

/// `--image-fallback-host`, and the file hosts found unreachable so far in this run.
pub struct Fallback {
    host: Option<Url>,
    down: Mutex<HashSet<String>>,
}

impl Fallback {
    /// The fallback host, or `None` when turned off.
    pub fn new(host: Option<Url>) -> Self {
        Fallback {
            host,
            down: Mutex::new(HashSet::new()),
        }
    }

    fn is_down(&self, host: &str) -> bool {
        self.down
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(host)
    }

    fn mark(&self, host: &str, down: bool) {
        let mut set = self.down.lock().unwrap_or_else(|e| e.into_inner());
        if down {
            set.insert(host.to_string());
        } else {
            set.remove(host);
        }
    }
}

/// Fetches `url` into `part`; when its host is unreachable after the retries, fetches the
/// same file from the fallback host instead. A host found unreachable for one file gets a
/// single try for the next ones (an outage costs every file its full retries otherwise),
/// until it answers again. The key is never sent: the fetcher's pool has none.
pub async fn fetch(
    fetcher: &Fetcher,
    url: &Url,
    part: &Path,
    shown: &Shown<'_>,
) -> Result<Fetched, FileError> {
    let first = host_of(url);
    let fallback = &fetcher.fallback;
    let mut policy = fetcher.policy;
    if fallback.host.is_some() && fallback.is_down(&first) {
        policy.retries = 0;
    }
    let why = match transfer::fetch(fetcher, url, part, shown, policy).await {
        Err(FileError::Unreachable(why)) => why,
        other => {
            fallback.mark(&first, false);
            return other;
        }
    };
    let Some(other) = fallback.host.as_ref().and_then(|h| fallback_url(h, url)) else {
        return Err(FileError::Remote(why));
    };
    fallback.mark(&first, true);
    // User-info in either URL is never printed.
    fetcher.log.notice(&format!(
        "{}: {why}; fetching the file from {}",
        display_url(url),
        display_url(&other)
    ));
    let host = host_of(&other);
    let failed = |e: FileError| match e {
        FileError::Remote(e) | FileError::Unreachable(e) => {
            FileError::Remote(format!("{why}; then from {host}: {e}"))
        }
        other => other,
    };
    // The `.part` the first host began is resumed only once the fallback proves it holds the
    // same file (`provenance`, inside each try).
    transfer::fetch(fetcher, &other, part, shown, fetcher.policy)
        .await
        .map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_urls_carry_only_a_plain_uuid() {
        let host = Url::parse("https://image-b2.civitai.com").unwrap();
        let file = Url::parse(
            "https://image.civitai.com/xG1nkqKTMzGDvpLrqFT7WA/3f6c-41ab/original=true/3f6c-41ab.mp4",
        )
        .unwrap();
        assert_eq!(
            fallback_url(&host, &file).unwrap().as_str(),
            "https://image-b2.civitai.com/file/civitai-media-cache/3f6c-41ab/original"
        );
        let mounted = Url::parse("http://127.0.0.1:9/b2/?x=1").unwrap();
        assert_eq!(
            fallback_url(&mounted, &file).unwrap().as_str(),
            "http://127.0.0.1:9/b2/file/civitai-media-cache/3f6c-41ab/original"
        );
        for odd in [
            "https://h/k/..%2F..%2Fetc/original=true/x.mp4",
            "https://h/k/a.b/original=true/x.mp4",
            "https://h/x.mp4",
        ] {
            assert!(
                fallback_url(&host, &Url::parse(odd).unwrap()).is_none(),
                "{odd}"
            );
        }
    }
}
