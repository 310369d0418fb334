//! One request for a file, or for the rest of it, and what its status and headers allow:
//! a `206` is taken only for exactly the range asked for (or, unasked, for the whole file),
//! an HTML page is never a file, and a length over `--max-file-size` is refused before any
//! byte is written.

use reqwest::header::{CONTENT_RANGE, CONTENT_TYPE, RANGE};
use reqwest::StatusCode;
use url::Url;

use super::attempt::TryError;
use super::Fetcher;
use crate::walk::retry;

/// What an HTML page instead of the file is called in messages (issue 8).
pub fn html_page(status: u16) -> String {
    format!("the image host sent an HTML page (HTTP {status}) instead of the file")
}

/// A response whose body is (the rest of) the file.
pub struct Reply {
    /// The response, its body not yet read.
    pub resp: reqwest::Response,
    /// The offset its body starts at: 0, or the `.part`'s length when resuming.
    pub start: u64,
    /// The file's full length, when known.
    pub total: Option<u64>,
}

/// Asks for `url`, from byte `have` on when a `.part` holds its beginning.
pub async fn send(fetcher: &Fetcher, url: &Url, have: u64, host: &str) -> Result<Reply, TryError> {
    let mut req = fetcher.http.get(url.clone());
    let range = if have > 0 {
        req = req.header(RANGE, format!("bytes={have}-"));
        format!(" (Range: bytes={have}-)")
    } else {
        String::new()
    };
    fetcher.log.verbose(&format!(
        "GET {}{range}",
        crate::walk::client::display_url(url)
    ));
    crate::walk::hops::forget(url);
    let resp = req.send().await.map_err(|e| {
        let err = crate::walk::client::transport_error(host, &e);
        // A redirect loop or an unusable URL meets the same fate on every try.
        if e.is_redirect() || e.is_builder() {
            TryError::Fail(err.to_string())
        } else {
            TryError::down(err.to_string(), None, true)
        }
    })?;
    let status = resp.status();
    // After a redirect, messages name the host that answered, not the one first asked.
    let answered = crate::walk::client::host_of(resp.url());
    let host = answered.as_str();
    if resp.url() != url {
        fetcher.log.verbose(&format!(
            "  redirected to {}",
            crate::walk::client::display_url(resp.url())
        ));
    }
    let reply = match status {
        StatusCode::PARTIAL_CONTENT => partial(resp, have, host)?,
        StatusCode::RANGE_NOT_SATISFIABLE => {
            return Err(TryError::Restart("stale partial file".into()))
        }
        s if s.is_success() => {
            let total = resp.content_length();
            Reply {
                resp,
                start: 0,
                total,
            }
        }
        s if retry::is_retryable_status(s) => {
            let wait = retry::retry_after(resp.headers());
            let why = format!("HTTP {} from {host}", s.as_u16());
            return Err(if s.is_server_error() {
                TryError::down(why, wait, true)
            } else {
                TryError::Retry(why, wait)
            });
        }
        s if s.is_server_error() => {
            let why = format!("HTTP {} from {host}", s.as_u16());
            return Err(TryError::down(why, None, false));
        }
        s if s.is_redirection() => {
            let why = format!("HTTP {} from {host} without a usable Location", s.as_u16());
            return Err(TryError::Fail(why));
        }
        s => return Err(TryError::Fail(format!("HTTP {} from {host}", s.as_u16()))),
    };
    if is_html(reply.resp.headers()) {
        return Err(TryError::Refused(html_page(status.as_u16())));
    }
    check_size(fetcher, reply.total)?;
    Ok(reply)
}

/// A `206` is the range asked for, to the file's end; unasked, only `bytes 0-(N-1)/N` (the
/// whole file). Any other is a failed try: a resumed one starts the file over.
fn partial(resp: reqwest::Response, have: u64, host: &str) -> Result<Reply, TryError> {
    let range = content_range(resp.headers());
    match range {
        Some((start, end, total)) if start == have && end.checked_add(1) == Some(total) => {
            Ok(Reply {
                resp,
                start,
                total: Some(total),
            })
        }
        _ if have > 0 => Err(TryError::Restart(format!("{host} sent another range"))),
        _ => {
            let what = resp
                .headers()
                .get(CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .map(|v| crate::text::escape_line(v).into_owned())
                .unwrap_or_else(|| "no Content-Range".into());
            Err(TryError::Retry(
                format!(
                    "{host} sent part of the file (HTTP 206, {what}) to a request for all of it"
                ),
                None,
            ))
        }
    }
}

/// `--max-file-size`: a length above it fails the item before any byte is written.
fn check_size(fetcher: &Fetcher, total: Option<u64>) -> Result<(), TryError> {
    match total {
        Some(total) if total > fetcher.max_file_size => Err(TryError::Refused(format!(
            "the file is {} bytes, over --max-file-size {}",
            total, fetcher.max_file_size
        ))),
        _ => Ok(()),
    }
}

/// Whether the response says it is an HTML page.
fn is_html(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"))
}

/// `Content-Range: bytes START-END/TOTAL` → (START, END, TOTAL).
pub fn content_range(headers: &reqwest::header::HeaderMap) -> Option<(u64, u64, u64)> {
    let value = headers.get(CONTENT_RANGE)?.to_str().ok()?;
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let (start, end): (u64, u64) = (start.trim().parse().ok()?, end.trim().parse().ok()?);
    (start <= end).then_some(())?;
    Some((start, end, total.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_parses() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(CONTENT_RANGE, "bytes 100-199/200".parse().unwrap());
        assert_eq!(content_range(&h), Some((100, 199, 200)));
        h.insert(CONTENT_RANGE, "bytes */200".parse().unwrap());
        assert_eq!(content_range(&h), None);
        h.insert(CONTENT_RANGE, "bytes 9-3/200".parse().unwrap());
        assert_eq!(content_range(&h), None);
    }

    #[test]
    fn html_is_told_by_its_content_type() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(CONTENT_TYPE, "Text/HTML; charset=utf-8".parse().unwrap());
        assert!(is_html(&h));
        h.insert(CONTENT_TYPE, "text/plain".parse().unwrap());
        assert!(!is_html(&h));
    }
}
