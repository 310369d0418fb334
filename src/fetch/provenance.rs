//! Which `.part` may be resumed from which host. A `.part` resumes directly only from the
//! origin its companion names (`part::Source`); any other host — the fallback for a `.part`
//! the first host began, the first host for one the fallback began, any host for a `.part`
//! without a companion — must first prove it serves the same file: a `206` for exactly the
//! last [`OVERLAP`] bytes held, with the same full length, whose bytes equal those held.
//! A refusal, a plain `200`, another range, length or byte never keeps the `.part`: the file
//! starts over. A host that does not answer (timeout, stall, 5xx) proves nothing either way:
//! the `.part` stays as it is and the try fails like any other on a host that is down.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use futures::StreamExt;
use reqwest::header::RANGE;
use reqwest::StatusCode;
use url::Url;

use super::attempt::TryError;
use super::body::Window;
use super::request::content_range;
use super::Fetcher;
use crate::store::part::{self, Source};
use crate::store::safe_fs;
use crate::walk::client::{display_url, host_of};
use crate::walk::retry;

/// Bytes at the end of a `.part` compared with a new host's copy before resuming from it.
pub const OVERLAP: u64 = 64 * 1024;

/// What a transfer may do with the `.part` it found.
#[derive(Debug, PartialEq, Eq)]
pub enum Held {
    /// Resume after `have` bytes; the origin announced `total` for the whole file.
    Resume {
        /// Bytes held.
        have: u64,
        /// The full length recorded, if any.
        total: Option<u64>,
    },
    /// Nothing usable: start from the first byte.
    Fresh,
}

/// The origin of a URL as a `.part`'s companion records it.
pub fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// Decides whether the `.part` at `part` may be resumed from `url`.
pub async fn check(fetcher: &Fetcher, url: &Url, part: &Path) -> Result<Held, TryError> {
    let have = part::resumable_len(part).map_err(TryError::Write)?;
    if have == 0 {
        return Ok(Held::Fresh);
    }
    let origin = origin_of(url);
    let recorded = part::read_source(part);
    if let Some(source) = &recorded {
        if source.origin == origin {
            return Ok(Held::Resume {
                have,
                total: source.total,
            });
        }
    }
    let total = recorded.and_then(|s| s.total);
    match prove(fetcher, url, part, have, total).await? {
        Ok(total) => {
            let source = Source {
                origin,
                total: Some(total),
            };
            part::write_source(part, &source).map_err(TryError::Write)?;
            Ok(Held::Resume {
                have,
                total: Some(total),
            })
        }
        Err(why) => {
            fetcher.log.notice(&format!(
                "{} is not the same file as the {have} bytes held ({why}); starting over",
                display_url(url)
            ));
            Ok(Held::Fresh)
        }
    }
}

/// One range request for the last bytes held: `Ok(Ok(total))` when `url` serves the same
/// file, `Ok(Err(why))` when it does not (or will not say), `Err` when the host is down.
async fn prove(
    fetcher: &Fetcher,
    url: &Url,
    part: &Path,
    have: u64,
    total: Option<u64>,
) -> Result<Result<u64, String>, TryError> {
    let host = host_of(url);
    let from = have - have.min(OVERLAP);
    fetcher.log.verbose(&format!(
        "GET {} (Range: bytes={from}-{}, to compare)",
        display_url(url),
        have - 1
    ));
    crate::walk::hops::forget(url);
    let request = fetcher
        .http
        .get(url.clone())
        .header(RANGE, format!("bytes={from}-{}", have - 1))
        .send();
    // The same stall rule as every file: an answer within `--timeout`.
    let resp = match tokio::time::timeout(fetcher.timeout, request).await {
        Err(_) => return Err(stalled(fetcher, &host)),
        Ok(Err(e)) => {
            let why = crate::walk::client::transport_error(&host, &e).to_string();
            return Err(TryError::down(why, None, true));
        }
        Ok(Ok(resp)) => resp,
    };
    let status = resp.status();
    if status.is_server_error() {
        let wait = retry::retry_after(resp.headers());
        let why = format!("HTTP {} from {host}", status.as_u16());
        return Err(TryError::down(why, wait, true));
    }
    if status != StatusCode::PARTIAL_CONTENT {
        return Ok(Err(format!(
            "HTTP {} to a request for bytes {from}-{}",
            status.as_u16(),
            have - 1
        )));
    }
    let served = match content_range(resp.headers()) {
        Some((start, end, served)) if start == from && end == have - 1 && served >= have => served,
        _ => return Ok(Err("another range than asked".into())),
    };
    if total.is_some_and(|t| t != served) {
        return Ok(Err(format!(
            "{served} bytes in all, not {}",
            total.unwrap_or(0)
        )));
    }
    let got = read_exactly(fetcher, resp, (have - from) as usize, &host).await?;
    match got {
        Some(got)
            if held_bytes(part, from, got.len())
                .await
                .is_some_and(|h| h == got) =>
        {
            Ok(Ok(served))
        }
        Some(_) => Ok(Err("other bytes".into())),
        None => Ok(Err("another length of answer".into())),
    }
}

/// The body, when it is exactly `want` bytes (reads no more than one chunk past that), under
/// the stall rule of every transfer.
async fn read_exactly(
    fetcher: &Fetcher,
    resp: reqwest::Response,
    want: usize,
    host: &str,
) -> Result<Option<Vec<u8>>, TryError> {
    let mut got = Vec::with_capacity(want);
    let mut window = Window::new(fetcher.timeout);
    let mut body = resp.bytes_stream();
    loop {
        match tokio::time::timeout_at(window.deadline(), body.next()).await {
            Err(_) => return Err(stalled(fetcher, host)),
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                let why = crate::walk::client::transport_error(host, &e).to_string();
                return Err(TryError::down(why, None, true));
            }
            Ok(Some(Ok(chunk))) => {
                window.add(chunk.len() as u64);
                got.extend_from_slice(&chunk);
                if got.len() > want {
                    return Ok(None);
                }
            }
        }
    }
    Ok((got.len() == want).then_some(got))
}

fn stalled(fetcher: &Fetcher, host: &str) -> TryError {
    let why = format!(
        "timed out waiting for {host}: less than 1 KiB in {}s",
        fetcher.timeout.as_secs()
    );
    TryError::down(why, None, true)
}

/// Bytes `from..from+len` of the `.part`, read without following a link.
async fn held_bytes(part: &Path, from: u64, len: usize) -> Option<Vec<u8>> {
    let part = part.to_path_buf();
    let read = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut file = safe_fs::open_read(&part)?;
        file.seek(SeekFrom::Start(from))?;
        let mut held = vec![0; len];
        file.read_exact(&mut held)?;
        Ok(held)
    })
    .await;
    read.ok()?.ok()
}
