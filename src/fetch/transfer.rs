//! One file's transfer from one URL: `.part` first, resumed with `Range` where the server
//! allows it, checked against `Content-Length`, synced; under the retry loop shared with the
//! API client. The request (`request`), the body (`body`) and the `.part` itself
//! (`store::part`) each have their own file.

use std::path::Path;
use std::time::Duration;

use url::Url;

use super::attempt::TryError;
use super::provenance::{self, Held};
use super::{body, request, Fetched, Fetcher, FileError, Shown};
use crate::sniff;
use crate::store::digest::FileDigest;
use crate::store::part::{self, PartWriter};
use crate::store::safe_fs;
use crate::walk::client::{display_url, host_of};
use crate::walk::retry::{self, RetryPolicy, Retrying};

/// Downloads `url` into `part`, retrying and resuming as the policy allows.
pub async fn fetch(
    fetcher: &Fetcher,
    url: &Url,
    part: &Path,
    shown: &Shown<'_>,
    policy: RetryPolicy,
) -> Result<Fetched, FileError> {
    let turns = Turns {
        fetcher,
        url,
        retries: policy.retries,
    };
    retry::with_retries(policy, &turns, || async {
        try_once(fetcher, url, part, shown)
            .await
            .map_err(|e| e.classify(part))
    })
    .await
}

/// A file's turns of the retry loop: the wait too long to sit through ends it like the
/// failure before it; each retry is said, naming the URL.
struct Turns<'a> {
    fetcher: &'a Fetcher,
    url: &'a Url,
    retries: u32,
}

impl Retrying<FileError> for Turns<'_> {
    fn too_long(&self, err: FileError, delay: Duration) -> FileError {
        let asks = |msg: String| format!("{msg}; server asks to wait {}s", delay.as_secs());
        match err {
            FileError::Remote(msg) => FileError::Remote(asks(msg)),
            FileError::Unreachable(msg) => FileError::Unreachable(asks(msg)),
            other => other,
        }
    }

    fn retrying(&self, err: &FileError, delay: Duration, attempt: u32) {
        let msg = match err {
            FileError::Remote(msg) | FileError::Unreachable(msg) | FileError::Local(msg) => {
                msg.clone()
            }
            FileError::Fatal(e) | FileError::Unrecorded(e) => format!("{e:#}"),
        };
        self.fetcher.log.notice(&format!(
            "{}: {msg}; retrying in {} (retry {attempt} of {})",
            display_url(self.url),
            retry::human_wait(delay),
            self.retries
        ));
    }
}

/// One request and its body into the `.part`: resumed when the `.part` holds a beginning of
/// the same file from this origin (`provenance`) and the server sends exactly the rest,
/// started afresh otherwise.
async fn try_once(
    fetcher: &Fetcher,
    url: &Url,
    part: &Path,
    shown: &Shown<'_>,
) -> Result<Fetched, TryError> {
    let host = host_of(url);
    let (have, recorded) = match provenance::check(fetcher, url, part).await? {
        Held::Resume { have, total } => (have, total),
        Held::Fresh => (0, None),
    };
    let reply = request::send(fetcher, url, have, &host).await?;
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
    shown.bar.set_length(reply.total.unwrap_or(0));
    shown.bar.set_position(reply.start);
    let total = reply.total;
    if let Err(e) = body::receive(fetcher, reply, &mut out, &mut digest, shown, &host).await {
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
