//! The `.part` file of a transfer: where it may resume from, and a writer that never loses
//! received bytes, not even when its task is dropped by Ctrl-C (its buffer is written out on
//! drop), so a re-run asks `Range` for exactly what is missing.

use std::fs::File;
use std::io::Write;
use std::path::Path;
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
}
