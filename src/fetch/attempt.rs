//! How one try at a file ended, short of success, and what the retry loop makes of it.

use std::path::Path;
use std::time::Duration;

use super::FileError;
use crate::store::part;
use crate::walk::retry::Retry;

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

    /// For the retry loop: another try, or the file's error. A restart or a refusal removes
    /// the `.part` first (failing to is a disk error).
    pub fn classify(self, part: &Path) -> Retry<FileError> {
        let removed = |then: Retry<FileError>| match part::remove(part) {
            Ok(()) => then,
            Err(e) => Retry::Stop(FileError::disk(e, part)),
        };
        match self {
            TryError::Retry(msg, wait) => Retry::Again(FileError::Remote(msg), wait),
            TryError::Down {
                why,
                wait,
                again: true,
            } => Retry::Again(FileError::Unreachable(why), wait),
            TryError::Down { why, .. } => Retry::Stop(FileError::Unreachable(why)),
            // Started over at once: no wait.
            TryError::Restart(msg) => {
                removed(Retry::Again(FileError::Remote(msg), Some(Duration::ZERO)))
            }
            TryError::Fail(msg) => Retry::Stop(FileError::Remote(msg)),
            TryError::Refused(msg) => removed(Retry::Stop(FileError::Remote(msg))),
            TryError::Write(e) => Retry::Stop(FileError::disk(e, part)),
        }
    }
}
