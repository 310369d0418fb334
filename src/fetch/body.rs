//! Reading a file's body into its `.part`, bounded: a body that delivers less than 1 KiB in
//! `--timeout` is a stalled transfer, one that passes `--max-file-size` is cut off, and one
//! whose first bytes are no media type civimg knows is not the file at all.

use std::time::Duration;

use futures::StreamExt;
use tokio::time::Instant;

use super::attempt::TryError;
use super::request::{html_page, Reply};
use super::{Fetcher, Shown};
use crate::sniff::{self, SNIFF_LEN};
use crate::store::digest::FileDigest;
use crate::store::part::PartWriter;

/// The least a transfer must deliver per `--timeout` to count as moving.
pub const MIN_PROGRESS: u64 = 1024;

/// Progress over time: at least [`MIN_PROGRESS`] bytes before each deadline.
pub struct Window {
    span: Duration,
    deadline: Instant,
    bytes: u64,
}

impl Window {
    /// A window whose first deadline is `span` from now.
    pub fn new(span: Duration) -> Self {
        Window {
            span,
            deadline: Instant::now() + span,
            bytes: 0,
        }
    }

    /// When the next [`MIN_PROGRESS`] bytes must have come.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Counts `n` bytes; enough of them push the deadline a full span on.
    pub fn add(&mut self, n: u64) {
        self.bytes += n;
        if self.bytes >= MIN_PROGRESS {
            self.bytes = 0;
            self.deadline = Instant::now() + self.span;
        }
    }
}

/// Streams `reply`'s body through `digest` into `out`. Every byte received is in `out` when
/// this returns, whatever the outcome, unless the body was refused (the caller removes the
/// `.part` then).
pub async fn receive(
    fetcher: &Fetcher,
    reply: Reply,
    out: &mut PartWriter,
    digest: &mut FileDigest,
    shown: &Shown<'_>,
    host: &str,
) -> Result<(), TryError> {
    let status = reply.resp.status().as_u16();
    let mut checked = digest.head.len() >= SNIFF_LEN && is_media(digest, status).is_ok();
    if checked {
        show_type(shown, digest);
    }
    let mut window = Window::new(fetcher.timeout);
    let mut body = reply.resp.bytes_stream();
    loop {
        let next = tokio::time::timeout_at(window.deadline, body.next()).await;
        let chunk = match next {
            Ok(Some(Ok(chunk))) => chunk,
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                let msg = crate::walk::client::transport_error(host, &e).to_string();
                return Err(TryError::down(msg, None, true));
            }
            Err(_) => {
                let msg = format!(
                    "timed out waiting for {host}: less than 1 KiB in {}s",
                    fetcher.timeout.as_secs()
                );
                return Err(TryError::down(msg, None, true));
            }
        };
        let len = chunk.len() as u64;
        if digest.size + len > fetcher.max_file_size {
            return Err(TryError::Refused(format!(
                "the file passed --max-file-size {} bytes; cut off",
                fetcher.max_file_size
            )));
        }
        window.add(len);
        digest.update(&chunk);
        if !checked && digest.head.len() >= SNIFF_LEN {
            is_media(digest, status)?;
            checked = true;
            show_type(shown, digest);
        }
        out.write(&chunk).await.map_err(TryError::Write)?;
        shown.bar.set_position(digest.size);
        fetcher.add_received(len);
    }
    if !checked {
        is_media(digest, status)?;
    }
    Ok(())
}

/// Names the bar's file with the type its first bytes tell.
fn show_type(shown: &Shown<'_>, digest: &FileDigest) {
    if let Some(ext) = sniff::extension(&digest.head) {
        shown.typed(ext);
    }
}

/// The body must start like a file type civimg knows; an HTML page or anything else is
/// refused (a CDN's error or login page served with `200`).
fn is_media(digest: &FileDigest, status: u16) -> Result<(), TryError> {
    if sniff::extension(&digest.head).is_some() {
        return Ok(());
    }
    let text = digest.head.trim_ascii_start();
    if text.starts_with(b"<") {
        return Err(TryError::Refused(html_page(status)));
    }
    Err(TryError::Refused(format!(
        "the image host sent something that is not an image, video or audio file (HTTP {status})"
    )))
}
