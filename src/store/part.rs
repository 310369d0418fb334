//! The `.part` file of a transfer: where it may resume from, where its bytes came from, and a
//! writer that never loses received bytes, not even when its task is dropped by Ctrl-C (its
//! buffer is written out on drop), so a re-run asks `Range` for exactly what is missing.
//!
//! Every `.part` has a small companion, `X.from.part` for `X.part` (a `.part` too, so whatever
//! tidies or skips unfinished files treats both alike), written before its first byte: the
//! origin (`scheme://host:port`) that served it and the full length that origin announced. A
//! `.part` is resumed directly only from that origin (and only while it announces that length);
//! any other host must first prove it serves the same file (`provenance`).

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::safe_fs::{self, Entry};

/// Bytes gathered before one write to disk.
const BUFFER: usize = 256 * 1024;

/// How many bytes a `.part` holds to resume from. Anything but a regular file at the path (a
/// planted link, a FIFO) is removed (the link itself, never its target) and counts as nothing.
/// `Err` when it cannot be looked at or removed (a directory, say).
pub fn resumable_len(part: &Path) -> std::io::Result<u64> {
    match safe_fs::entry(part)? {
        Entry::File(len) => Ok(len),
        Entry::Missing => Ok(0),
        Entry::Other => {
            safe_fs::remove_entry(part)?;
            Ok(0)
        }
    }
}

/// Longest `.from.part` companion read; a longer one is not civimg's and counts as none.
const MAX_SOURCE: u64 = 4096;

/// Where a `.part`'s bytes came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The origin asked, `scheme://host:port`.
    pub origin: String,
    /// The file's full length as that origin announced it, if it did.
    pub total: Option<u64>,
}

/// The companion of `part`: `X.part` → `X.from.part`.
fn source_path(part: &Path) -> PathBuf {
    let name = part.file_name().unwrap_or_default().to_string_lossy();
    let stem = name.strip_suffix(".part").unwrap_or(&name);
    part.with_file_name(format!("{stem}.from.part"))
}

/// The recorded source of `part`; `None` when there is none, or it is not a small regular
/// file of civimg's shape (a link, a FIFO, damage: the `.part` must then prove itself).
pub fn read_source(part: &Path) -> Option<Source> {
    let path = source_path(part);
    match safe_fs::entry(&path).ok()? {
        Entry::File(len) if len <= MAX_SOURCE => {}
        _ => return None,
    }
    let mut text = String::new();
    safe_fs::open_read(&path)
        .ok()?
        .take(MAX_SOURCE)
        .read_to_string(&mut text)
        .ok()?;
    // A record written in part (a crash) lacks its final newline: none.
    if !text.ends_with('\n') {
        return None;
    }
    let mut lines = text.lines();
    let origin = lines.next()?.to_string();
    let total = match lines.next()? {
        "" => None,
        n => Some(n.parse().ok()?),
    };
    (origin.contains("://") && !origin.is_empty()).then_some(Source { origin, total })
}

/// Records where `part`'s bytes come from, in a file created fresh (never through a link).
/// No temporary and rename: a torn record reads as none, and a `.part` without a record must
/// prove itself, so a crash mid-write can only cost a range request, never splice a file.
pub fn write_source(part: &Path, source: &Source) -> std::io::Result<()> {
    let total = source.total.map(|t| t.to_string()).unwrap_or_default();
    let text = format!("{}\n{total}\n", source.origin);
    safe_fs::create_fresh(&source_path(part))?.write_all(text.as_bytes())
}

/// Removes a `.part` and its companion (links themselves, never their targets).
pub fn remove(part: &Path) -> std::io::Result<()> {
    safe_fs::remove_entry(part)?;
    safe_fs::remove_entry(&source_path(part))
}

/// Removes only the companion, once its `.part` has its final name.
pub fn forget_source(part: &Path) -> std::io::Result<()> {
    safe_fs::remove_entry(&source_path(part))
}

/// Buffered appends to a `.part`; disk writes run on the blocking pool.
pub struct PartWriter {
    file: Arc<File>,
    buf: Vec<u8>,
}

impl PartWriter {
    /// A writer appending to `file`.
    pub fn new(file: File) -> Self {
        PartWriter {
            file: Arc::new(file),
            buf: Vec::with_capacity(BUFFER),
        }
    }

    /// Takes in `bytes`, writing to disk once a buffer's worth has gathered.
    pub async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= BUFFER {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes out everything taken in so far. The buffer moves into the blocking write, so a
    /// writer dropped while this waits loses nothing: that write completes on its own.
    pub async fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut buf = std::mem::take(&mut self.buf);
        let file = self.file.clone();
        let (result, mut buf) = tokio::task::spawn_blocking(move || {
            let result = (&*file).write_all(&buf);
            (result, std::mem::take(&mut buf))
        })
        .await
        .map_err(std::io::Error::other)?;
        buf.clear();
        self.buf = buf;
        result
    }

    /// Flushes and syncs the file to disk, before it gets its final name.
    pub async fn sync(mut self) -> std::io::Result<()> {
        self.flush().await?;
        let file = self.file.clone();
        tokio::task::spawn_blocking(move || file.sync_all())
            .await
            .map_err(std::io::Error::other)?
    }

    /// Drops the writer without writing what it holds (its file is about to be removed).
    pub fn discard(mut self) {
        self.buf.clear();
    }
}

impl Drop for PartWriter {
    fn drop(&mut self) {
        // A transfer dropped mid-body (Ctrl-C, the run's fatal error) keeps every byte it got.
        if !self.buf.is_empty() {
            let _ = (&*self.file).write_all(&self.buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_dropped_writer_keeps_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.part");
        let mut w = PartWriter::new(safe_fs::create_fresh(&path).unwrap());
        w.write(b"abc").await.unwrap();
        drop(w);
        assert_eq!(std::fs::read(&path).unwrap(), b"abc");
        let mut w = PartWriter::new(safe_fs::open_append(&path).unwrap());
        w.write(&[7; BUFFER + 1]).await.unwrap();
        w.write(b"z").await.unwrap();
        w.discard();
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            3 + BUFFER as u64 + 1
        );
        assert_eq!(resumable_len(&path).unwrap(), 3 + BUFFER as u64 + 1);
    }

    #[test]
    fn a_source_round_trips_and_damage_reads_as_none() {
        let dir = tempfile::tempdir().unwrap();
        let part = dir.path().join("x.part");
        assert_eq!(read_source(&part), None);
        let source = Source {
            origin: "https://image.civitai.com".into(),
            total: Some(12),
        };
        write_source(&part, &source).unwrap();
        assert_eq!(read_source(&part), Some(source));
        let unknown = Source {
            origin: "http://127.0.0.1:9".into(),
            total: None,
        };
        write_source(&part, &unknown).unwrap();
        assert_eq!(read_source(&part), Some(unknown));
        std::fs::write(source_path(&part), "https://h\nnot a number\n").unwrap();
        assert_eq!(read_source(&part), None);
        std::fs::write(source_path(&part), "https://h\n12").unwrap();
        assert_eq!(read_source(&part), None, "torn");
        std::fs::write(&part, b"x").unwrap();
        remove(&part).unwrap();
        assert!(!part.exists() && !source_path(&part).exists());
    }
}
