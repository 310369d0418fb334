//! The second origin for files (doc/api.md, "Videos, audio, collections"): when a file's host
//! keeps timing out or answering 5xx, the same file is fetched from
//! `{fallback}/file/civitai-media-cache/{uuid}/original`, resuming the `.part` only when the
//! fallback's copy is the same file.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Mutex;

use futures::StreamExt;
use reqwest::header::RANGE;
use reqwest::StatusCode;
use url::Url;

use super::name::uuid_from_url;
use super::request::content_range;
use super::transfer::{self, Fetched, FileError};
use super::{part, safe_fs, Ctx};
use crate::client::host_of;

/// Bytes at the end of a `.part` compared with the fallback's copy before resuming from it.
const OVERLAP: u64 = 64 * 1024;

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
/// until it answers again. The key is never sent: `ctx.http` has none.
pub async fn fetch(
    ctx: &Ctx,
    url: &Url,
    part: &Path,
    bar: &indicatif::ProgressBar,
) -> Result<Fetched, FileError> {
    let first = host_of(url);
    let fallback = &ctx.fallback;
    let mut policy = ctx.policy;
    if fallback.host.is_some() && fallback.is_down(&first) {
        policy.retries = 0;
    }
    let (why, length) = match transfer::fetch(ctx, url, part, bar, policy).await {
        Err(FileError::Unreachable { why, length }) => (why, length),
        other => {
            fallback.mark(&first, false);
            return other;
        }
    };
    let Some(other) = fallback.host.as_ref().and_then(|h| fallback_url(h, url)) else {
        return Err(FileError::Remote(why));
    };
    fallback.mark(&first, true);
    ctx.log
        .notice(&format!("{url}: {why}; fetching the file from {other}"));
    let host = host_of(&other);
    let failed = |e: FileError| match e {
        FileError::Remote(e) | FileError::Unreachable { why: e, .. } => {
            FileError::Remote(format!("{why}; then from {host}: {e}"))
        }
        other => other,
    };
    keep_if_same(ctx, &other, part, length)
        .await
        .map_err(failed)?;
    transfer::fetch(ctx, &other, part, bar, ctx.policy)
        .await
        .map_err(failed)
}

/// Leaves the `.part` to be resumed from `url` only if that host holds the same file: the
/// same full length as the first host announced, and the same bytes over the last
/// [`OVERLAP`] bytes held. Otherwise the `.part` is removed and the file starts over.
async fn keep_if_same(
    ctx: &Ctx,
    url: &Url,
    part: &Path,
    length: Option<u64>,
) -> Result<(), FileError> {
    let local = |e: std::io::Error| FileError::Local(format!("{}: {e}", part.display()));
    let have = part::resumable_len(part).map_err(local)?;
    if have == 0 {
        return Ok(());
    }
    let from = have - have.min(OVERLAP);
    let resp = ctx
        .http
        .get(url.clone())
        .header(RANGE, format!("bytes={from}-{}", have - 1))
        .send()
        .await
        .map_err(|e| {
            let e = crate::client::transport_error(&host_of(url), &e);
            FileError::Remote(e.to_string())
        })?;
    let status = resp.status();
    if status.is_server_error() {
        let why = format!("HTTP {} from {}", status.as_u16(), host_of(url));
        return Err(FileError::Remote(why));
    }
    if status != StatusCode::PARTIAL_CONTENT {
        // No ranges (or no file): the transfer starts over anyway, or fails on its own.
        return Ok(());
    }
    let same = match content_range(resp.headers()) {
        Some((start, _end, total)) if start == from && total >= have => {
            length.is_none_or(|l| l == total) && same_bytes(resp, part, from, have).await
        }
        _ => false,
    };
    if !same {
        ctx.log.notice(&format!(
            "{url} is not the same file as the {have} bytes held; starting over"
        ));
        safe_fs::remove_entry(part).map_err(local)?;
    }
    Ok(())
}

/// Whether the body holds exactly the bytes `from..have` of `part` (reads no more than that).
async fn same_bytes(resp: reqwest::Response, part: &Path, from: u64, have: u64) -> bool {
    let want = (have - from) as usize;
    let mut got = Vec::with_capacity(want);
    let mut body = resp.bytes_stream();
    while let Some(chunk) = body.next().await {
        let Ok(chunk) = chunk else { return false };
        got.extend_from_slice(&chunk);
        if got.len() > want {
            return false;
        }
    }
    if got.len() != want {
        return false;
    }
    let part = part.to_path_buf();
    let held = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut file = safe_fs::open_read(&part)?;
        file.seek(SeekFrom::Start(from))?;
        let mut held = vec![0; want];
        file.read_exact(&mut held)?;
        Ok(held)
    })
    .await;
    matches!(held, Ok(Ok(held)) if held == got)
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
