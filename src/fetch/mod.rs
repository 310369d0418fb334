//! The fetcher: one file's bytes from the network into its `.part`, through a chain of steps,
//! each in its own file and each calling the next:
//!
//! 1. `original` — the item's URL asks for the full-resolution original (done at intake);
//! 2. `video` — a video that comes back as a still is asked for again under other variants;
//! 3. `fallback` — a file whose host is unreachable comes from the second file host;
//! 4. `transfer` — tries under the retry loop shared with the API client
//!    (`walk::retry::with_retries`); each try checks what the `.part` holds (`provenance`),
//!    sends the request (`request`) and reads the body (`body`). How a try ends is `attempt`.
//!
//! The `.part` files themselves, the names and the archive are the store's (`crate::store`).

mod attempt;
mod body;
mod fallback;
pub mod original;
mod provenance;
mod request;
mod transfer;
mod video;

pub use self::video::is_video;

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use url::Url;

use crate::log::Log;
use crate::walk::retry::RetryPolicy;

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

impl FileError {
    /// Writing `path` failed: full, read-only or over quota is fatal; anything else fails
    /// this file only.
    pub fn disk(e: std::io::Error, path: &Path) -> Self {
        let text = format!("cannot write {}: {e}", path.display());
        match e.kind() {
            ErrorKind::StorageFull | ErrorKind::ReadOnlyFilesystem | ErrorKind::QuotaExceeded => {
                FileError::Fatal(anyhow::anyhow!(text))
            }
            _ => FileError::Local(text),
        }
    }
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
    /// Its first bytes (as many as the sniffer needs), for its type.
    pub head: Vec<u8>,
}

/// One file to fetch.
pub struct Wanted<'a> {
    /// The item's id, for messages.
    pub id: u64,
    /// Its original's URL.
    pub url: &'a Url,
    /// Whether the item is a video (which may come back as a still).
    pub video: bool,
    /// Its `.part`, beside the final name.
    pub part: &'a Path,
}

/// Where a file's progress shows: its bar, and the name it is shown under once its first
/// bytes tell its type (the name it will have in the output folder).
pub struct Shown<'a> {
    /// The transfer's bar.
    pub bar: &'a indicatif::ProgressBar,
    /// The file's name, given its extension.
    pub name: &'a (dyn Fn(&str) -> String + Sync),
}

impl Shown<'_> {
    /// The bytes are of type `ext`: the bar shows the file's name with it.
    fn typed(&self, ext: &str) {
        self.bar.set_message((self.name)(ext));
    }
}

/// What every file's fetch shares: the connection pool (without the API key), the retry
/// policy, the stall and size limits, the fallback host and the bytes received so far.
pub struct Fetcher {
    http: reqwest::Client,
    policy: RetryPolicy,
    log: Log,
    /// `--timeout`: a body must deliver 1 KiB within it.
    timeout: Duration,
    /// `--max-file-size`, in bytes.
    max_file_size: u64,
    /// `--image-fallback-host`: the second origin for files whose host is unreachable.
    fallback: fallback::Fallback,
    /// Body bytes received in this run, for the progress line.
    received: AtomicU64,
}

/// The settings a [`Fetcher`] is built from.
pub struct FetchConfig {
    /// The pool to send with; it must carry no credentials.
    pub http: reqwest::Client,
    /// `--retries` and the backoff.
    pub policy: RetryPolicy,
    /// `--timeout`.
    pub timeout: Duration,
    /// `--max-file-size`, in bytes.
    pub max_file_size: u64,
    /// `--image-fallback-host`, when on.
    pub fallback_host: Option<Url>,
}

impl Fetcher {
    /// A fetcher reporting to `log`.
    pub fn new(config: FetchConfig, log: Log) -> Self {
        Fetcher {
            http: config.http,
            policy: config.policy,
            log,
            timeout: config.timeout,
            max_file_size: config.max_file_size,
            fallback: fallback::Fallback::new(config.fallback_host),
            received: AtomicU64::new(0),
        }
    }

    /// Fetches a file into its `.part` (the folder must exist); for a video, until the bytes
    /// are a video. Returns what was fetched and the `.part` that holds it.
    pub async fn fetch(
        &self,
        file: &Wanted<'_>,
        shown: &Shown<'_>,
    ) -> Result<(Fetched, PathBuf), FileError> {
        video::fetch(self, file, shown).await
    }

    /// The status and `Content-Length` of a `HEAD` for `url`, under the stall rule of every
    /// request (an answer within `--timeout`); `None` when there was no answer.
    pub async fn head(&self, url: &Url) -> Option<(reqwest::StatusCode, Option<u64>)> {
        self.log
            .verbose(&format!("HEAD {}", crate::walk::client::display_url(url)));
        let head = tokio::time::timeout(self.timeout, self.http.head(url.clone()).send()).await;
        let Ok(Ok(resp)) = head else {
            return None;
        };
        let length = resp
            .headers()
            .get(reqwest::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        Some((resp.status(), length))
    }

    /// Body bytes received so far in this run.
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    fn add_received(&self, n: u64) {
        self.received.fetch_add(n, Ordering::Relaxed);
    }
}
