//! One file's transfer: `.part` first, resumed with `Range` where the server allows it,
//! checked against `Content-Length`, synced, then renamed to its final name.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use reqwest::header::{CONTENT_RANGE, RANGE};
use reqwest::StatusCode;
use tokio::io::{AsyncWriteExt, BufWriter};
use url::Url;

use super::digest::FileDigest;
use super::sniff;
use super::Ctx;
use crate::client::host_of;
use crate::retry::{self, RetryPolicy, MAX_RETRY_AFTER};

/// How a file failed.
#[derive(Debug)]
pub enum FileError {
    /// The server or the network: this file failed, the others go on.
    Remote(String),
    /// Like `Remote`, but the host kept timing out, dropping the connection or answering 5xx:
    /// the same file may still come from another host (`fallback`). `length` is the file's
    /// full length if the host ever told it.
    Unreachable {
        /// What happened last.
        why: String,
        /// The full length the host announced, if any.
        length: Option<u64>,
    },
    /// The local disk: full, read-only. Nothing else will fare better, so the run stops.
    Fatal(anyhow::Error),
    /// A local problem with this one file (a name the filesystem refuses, say).
    Local(String),
}

/// A complete, synced `.part` file, with what the archive records of it.
#[derive(Debug)]
pub struct Fetched {
    /// Its sniffed extension.
    pub ext: &'static str,
    /// Bytes.
    pub size: u64,
    /// Hex SHA-256.
    pub sha256: String,
}

/// What one try ended with, short of success.
enum TryError {
    Retry(String, Option<Duration>),
    /// The host did not answer properly (timeout, connection, 5xx); retried when `again`.
    Down {
        why: String,
        wait: Option<Duration>,
        again: bool,
    },
    Fail(String),
    Disk(std::io::Error, PathBuf),
}

/// Downloads `url` into `part`, retrying and resuming as the policy allows.
pub async fn fetch(
    ctx: &Ctx,
    url: &Url,
    part: &Path,
    bar: &indicatif::ProgressBar,
    policy: RetryPolicy,
) -> Result<Fetched, FileError> {
    if let Some(parent) = part.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|e| disk_error(e, parent))?;
    }
    let mut attempt = 0;
    let mut length = None;
    loop {
        let result = try_once(ctx, url, part, bar, &mut length).await;
        let down_now = matches!(result, Err(TryError::Down { .. }));
        let result = result.map_err(|e| match e {
            TryError::Down {
                why,
                wait,
                again: true,
            } if attempt < policy.retries => TryError::Retry(why, wait),
            other => other,
        });
        match result {
            Ok(done) => return Ok(done),
            Err(TryError::Retry(msg, wait)) if attempt < policy.retries => {
                let delay = policy.delay(attempt, wait);
                if delay > MAX_RETRY_AFTER {
                    let why = format!("{msg}; server asks to wait {}s", delay.as_secs());
                    return Err(if down_now {
                        FileError::Unreachable { why, length }
                    } else {
                        FileError::Remote(why)
                    });
                }
                attempt += 1;
                ctx.log.notice(&format!(
                    "{url}: {msg}; retrying in {} (retry {attempt} of {})",
                    retry::human_wait(delay),
                    policy.retries
                ));
                tokio::time::sleep(delay).await;
            }
            Err(TryError::Retry(msg, _)) | Err(TryError::Fail(msg)) => {
                return Err(FileError::Remote(msg))
            }
            Err(TryError::Down { why, .. }) => return Err(FileError::Unreachable { why, length }),
            Err(TryError::Disk(e, path)) => return Err(disk_error(e, &path)),
        }
    }
}

/// Full, read-only or over quota: fatal; anything else fails this file only.
fn disk_error(e: std::io::Error, path: &Path) -> FileError {
    let text = format!("cannot write {}: {e}", path.display());
    match e.kind() {
        ErrorKind::StorageFull | ErrorKind::ReadOnlyFilesystem | ErrorKind::QuotaExceeded => {
            FileError::Fatal(anyhow::anyhow!(text))
        }
        _ => FileError::Local(text),
    }
}

async fn try_once(
    ctx: &Ctx,
    url: &Url,
    part: &Path,
    bar: &indicatif::ProgressBar,
    length: &mut Option<u64>,
) -> Result<Fetched, TryError> {
    let host = host_of(url);
    let disk = |e: std::io::Error| TryError::Disk(e, part.to_path_buf());
    let (resp, start, total) = request(ctx, url, part, &host).await?;
    *length = total.or(*length);
    let mut digest = if start > 0 {
        // Resuming: the hash and the type cover the bytes already in the `.part` too.
        let path = part.to_path_buf();
        tokio::task::spawn_blocking(move || FileDigest::of_file(&path))
            .await
            .map_err(|e| disk(std::io::Error::other(e)))?
            .map_err(disk)?
    } else {
        FileDigest::default()
    };
    let file = tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(start > 0)
        .truncate(start == 0)
        .open(part)
        .await
        .map_err(disk)?;
    let mut out = BufWriter::with_capacity(256 * 1024, file);
    bar.set_length(total.unwrap_or(0));
    bar.set_position(start);
    let mut body = resp.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                out.flush().await.map_err(disk)?;
                let why = crate::client::transport_error(&host, &e).to_string();
                return Err(down(why, None, true));
            }
        };
        digest.update(&chunk);
        out.write_all(&chunk).await.map_err(disk)?;
        bar.set_position(digest.size);
        ctx.add_bytes(chunk.len() as u64);
    }
    out.flush().await.map_err(disk)?;
    let received = digest.size;
    if let Some(total) = total {
        if received != total {
            return Err(TryError::Retry(
                format!("{host} sent {received} of {total} bytes"),
                None,
            ));
        }
    }
    out.get_ref().sync_all().await.map_err(disk)?;
    Ok(Fetched {
        ext: sniff::extension_or_fallback(&digest.head, url.as_str()),
        size: received,
        sha256: digest.sha256_hex(),
    })
}

/// Asks for the file, or for the rest of it when a `.part` holds its beginning. Returns the
/// response, the offset its body starts at, and the file's full length when known.
async fn request(
    ctx: &Ctx,
    url: &Url,
    part: &Path,
    host: &str,
) -> Result<(reqwest::Response, u64, Option<u64>), TryError> {
    let disk = |e: std::io::Error| TryError::Disk(e, part.to_path_buf());
    let have = tokio::fs::metadata(part)
        .await
        .map(|m| m.len())
        .unwrap_or(0);
    let mut req = ctx.http.get(url.clone());
    if have > 0 {
        req = req.header(RANGE, format!("bytes={have}-"));
    }
    let resp = req.send().await.map_err(|e| {
        down(
            crate::client::transport_error(host, &e).to_string(),
            None,
            true,
        )
    })?;
    match resp.status() {
        StatusCode::PARTIAL_CONTENT if have > 0 => match content_range(resp.headers()) {
            Some((start, total)) if start == have => Ok((resp, have, Some(total))),
            _ => {
                // A range other than the one asked for: start the file over.
                tokio::fs::remove_file(part).await.map_err(disk)?;
                let why = "server sent another range".into();
                Err(TryError::Retry(why, Some(Duration::ZERO)))
            }
        },
        StatusCode::RANGE_NOT_SATISFIABLE => {
            tokio::fs::remove_file(part).await.map_err(disk)?;
            let why = "stale partial file".into();
            Err(TryError::Retry(why, Some(Duration::ZERO)))
        }
        s if s.is_success() => {
            let total = resp.content_length();
            Ok((resp, 0, total))
        }
        s if retry::is_retryable_status(s) => {
            let wait = retry::retry_after(resp.headers());
            let why = format!("HTTP {} from {host}", s.as_u16());
            if s.is_server_error() {
                Err(down(why, wait, true))
            } else {
                Err(TryError::Retry(why, wait))
            }
        }
        s if s.is_server_error() => Err(down(
            format!("HTTP {} from {host}", s.as_u16()),
            None,
            false,
        )),
        s => Err(TryError::Fail(format!("HTTP {} from {host}", s.as_u16()))),
    }
}

/// A try that found the host down: see [`FileError::Unreachable`].
fn down(why: String, wait: Option<Duration>, again: bool) -> TryError {
    TryError::Down { why, wait, again }
}

/// `Content-Range: bytes START-END/TOTAL` → (START, TOTAL).
pub fn content_range(headers: &reqwest::header::HeaderMap) -> Option<(u64, u64)> {
    let value = headers.get(CONTENT_RANGE)?.to_str().ok()?;
    let rest = value.strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, _end) = range.split_once('-')?;
    Some((start.trim().parse().ok()?, total.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_parses() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(CONTENT_RANGE, "bytes 100-199/200".parse().unwrap());
        assert_eq!(content_range(&h), Some((100, 200)));
        h.insert(CONTENT_RANGE, "bytes */200".parse().unwrap());
        assert_eq!(content_range(&h), None);
    }
}
