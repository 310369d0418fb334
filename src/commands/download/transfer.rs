//! One file's transfer: `.part` first, resumed with `Range` where the server allows it,
//! checked against `Content-Length`, synced, then renamed to its final name. The request
//! (`request`), the body (`body`) and the `.part` itself (`part`) each have their own file.

use std::io::ErrorKind;
use std::path::Path;
use std::time::Duration;

use url::Url;

use super::digest::FileDigest;
use super::part::{self, PartWriter};
use super::provenance::{self, Held};
use super::{body, request, safe_fs, sniff, Ctx};
use crate::walk::client::host_of;
use crate::walk::retry::{self, RetryPolicy, MAX_RETRY_AFTER};

/// How a file failed.
#[derive(Debug)]
pub enum FileError {
    /// The server or the network: this file failed, the others go on.
    Remote(String),
    /// Like `Remote`, but the host kept timing out, dropping the connection or answering 5xx:
    /// the same file may still come from another host (`fallback`).
    Unreachable(String),
    /// The local disk: full, read-only. Nothing else will fare better, so the run stops.
    Fatal(anyhow::Error),
    /// A local problem with this one file (a name the filesystem refuses, say).
    Local(String),
    /// Saved under its final name, but the archive could not record it (a full disk): the
    /// file counts as downloaded, and the run stops with this error.
    Unrecorded(anyhow::Error),
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
    /// Its first [`sniff::SNIFF_LEN`] bytes, for its type.
    pub head: Vec<u8>,
}

/// What one try ended with, short of success.
pub enum TryError {
    /// Worth another try, after the server's wait when it gave one.
    Retry(String, Option<Duration>),
    /// The host did not answer properly (timeout, connection, stall, 5xx); retried when
    /// `again`, and once the tries are spent the file is [`FileError::Unreachable`].
    Down {
        why: String,
        wait: Option<Duration>,
        again: bool,
    },
    /// This file failed; the `.part` stays for a later run.
    Fail(String),
    /// The `.part` cannot be resumed: removed, and the file is tried again from its start.
    Restart(String),
    /// Not the file (an HTML page, over the size cap): the `.part` is removed, the item fails.
    Refused(String),
    /// Writing the `.part` failed.
    Write(std::io::Error),
}

impl TryError {
    /// A try that found the host down: see [`FileError::Unreachable`].
    pub fn down(why: String, wait: Option<Duration>, again: bool) -> Self {
        TryError::Down { why, wait, again }
    }
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
        safe_fs::create_dirs_inside(&ctx.dir, parent).map_err(|e| disk_error(e, parent))?;
    }
    let mut attempt = 0;
    loop {
        let (msg, wait, down) = match try_once(ctx, url, part, bar).await {
            Ok(done) => return Ok(done),
            Err(TryError::Retry(msg, wait)) => (msg, wait, false),
            Err(TryError::Down {
                why,
                wait,
                again: true,
            }) => (why, wait, true),
            Err(TryError::Down { why, .. }) => return Err(FileError::Unreachable(why)),
            Err(TryError::Restart(msg)) => {
                part::remove(part).map_err(|e| disk_error(e, part))?;
                (msg, Some(Duration::ZERO), false)
            }
            Err(TryError::Fail(msg)) => return Err(FileError::Remote(msg)),
            Err(TryError::Refused(msg)) => {
                part::remove(part).map_err(|e| disk_error(e, part))?;
                return Err(FileError::Remote(msg));
            }
            Err(TryError::Write(e)) => return Err(disk_error(e, part)),
        };
        let give_up = |why: String| match down {
            true => FileError::Unreachable(why),
            false => FileError::Remote(why),
        };
        if attempt >= policy.retries {
            return Err(give_up(msg));
        }
        let delay = policy.delay(attempt, wait);
        if delay > MAX_RETRY_AFTER {
            let why = format!("{msg}; server asks to wait {}s", delay.as_secs());
            return Err(give_up(why));
        }
        attempt += 1;
        ctx.log.notice(&format!(
            "{}: {msg}; retrying in {} (retry {attempt} of {})",
            crate::walk::client::display_url(url),
            retry::human_wait(delay),
            policy.retries
        ));
        tokio::time::sleep(delay).await;
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

/// One request and its body into the `.part`: resumed when the `.part` holds a beginning of
/// the same file from this origin (`provenance`) and the server sends exactly the rest,
/// started afresh otherwise.
async fn try_once(
    ctx: &Ctx,
    url: &Url,
    part: &Path,
    bar: &indicatif::ProgressBar,
) -> Result<Fetched, TryError> {
    let host = host_of(url);
    let (have, recorded) = match provenance::check(ctx, url, part).await? {
        Held::Resume { have, total } => (have, total),
        Held::Fresh => (0, None),
    };
    let reply = request::send(ctx, url, have, &host).await?;
    if reply.start > 0 && recorded.is_some() && reply.total != recorded {
        return Err(TryError::Restart(format!(
            "{host} now announces another length for the file"
        )));
    }
    if reply.start == 0 {
        // Recorded before the first byte, so a `.part` never holds bytes of unknown origin.
        let source = part::Source {
            origin: provenance::origin_of(url),
            total: reply.total,
        };
        part::write_source(part, &source).map_err(TryError::Write)?;
    }
    let (mut digest, file) = if reply.start > 0 {
        // Resuming: the hash and the type cover the bytes already in the `.part` too.
        let path = part.to_path_buf();
        let digest = tokio::task::spawn_blocking(move || FileDigest::of_file(&path))
            .await
            .map_err(|e| TryError::Write(std::io::Error::other(e)))?
            .map_err(TryError::Write)?;
        (digest, safe_fs::open_append(part))
    } else {
        (FileDigest::default(), safe_fs::create_fresh(part))
    };
    let mut out = PartWriter::new(file.map_err(TryError::Write)?);
    bar.set_length(reply.total.unwrap_or(0));
    bar.set_position(reply.start);
    let total = reply.total;
    if let Err(e) = body::receive(ctx, reply, &mut out, &mut digest, bar, &host).await {
        match e {
            TryError::Refused(_) => out.discard(),
            _ => out.flush().await.map_err(TryError::Write)?,
        }
        return Err(e);
    }
    let received = digest.size;
    if let Some(total) = total {
        if received != total {
            out.flush().await.map_err(TryError::Write)?;
            return Err(TryError::Retry(
                format!("{host} sent {received} of {total} bytes"),
                None,
            ));
        }
    }
    out.sync().await.map_err(TryError::Write)?;
    Ok(Fetched {
        ext: sniff::extension_or_fallback(&digest.head, url.as_str()),
        size: received,
        sha256: digest.sha256_hex(),
        head: digest.head,
    })
}
