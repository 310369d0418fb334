//! The record of completed items: `DIR/.civimg/archive.jsonl`, one JSON line per file saved.
//!
//! A re-run sends no request for an item recorded here whose file is still on disk with the
//! recorded size; a deleted or shortened file is fetched again.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// Folder inside the output directory that holds civimg's own state.
pub const STATE_DIR: &str = ".civimg";
/// The archive's file name inside [`STATE_DIR`].
pub const ARCHIVE_FILE: &str = "archive.jsonl";

/// One completed item.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Record {
    /// The item's id.
    pub id: u64,
    /// Path of the file, relative to the output directory, `/`-separated.
    pub name: String,
    /// Bytes on disk.
    pub size: u64,
    /// Hex SHA-256 of the file.
    pub sha256: String,
}

/// The loaded archive plus an append handle.
pub struct Archive {
    dir: PathBuf,
    records: HashMap<u64, Record>,
    /// `None` for a dry run, which writes nothing.
    file: Option<Mutex<File>>,
}

impl Archive {
    /// Opens (creating if needed) the archive under `dir` for appending.
    pub fn open(dir: &Path) -> Result<Self> {
        let state = dir.join(STATE_DIR);
        std::fs::create_dir_all(&state)
            .with_context(|| format!("cannot create {}", state.display()))?;
        let mut archive = Archive::load(dir)?;
        let path = state.join(ARCHIVE_FILE);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        archive.file = Some(Mutex::new(file));
        Ok(archive)
    }

    /// Reads the archive under `dir`, if any, without creating anything; unreadable lines
    /// (a torn last line, say) are skipped.
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join(STATE_DIR).join(ARCHIVE_FILE);
        let mut records = HashMap::new();
        if let Ok(f) = File::open(&path) {
            for line in BufReader::new(f).lines() {
                let line = line.with_context(|| format!("cannot read {}", path.display()))?;
                if let Ok(rec) = serde_json::from_str::<Record>(&line) {
                    records.insert(rec.id, rec);
                }
            }
        }
        Ok(Archive {
            dir: dir.to_path_buf(),
            records,
            file: None,
        })
    }

    /// The record of `id` if its file is still there with the recorded size.
    pub fn complete(&self, id: u64) -> Option<&Record> {
        let rec = self.records.get(&id)?;
        let meta = std::fs::metadata(self.dir.join(&rec.name)).ok()?;
        (meta.is_file() && meta.len() == rec.size).then_some(rec)
    }

    /// The recorded name of `id`, whether or not its file is still there.
    pub fn recorded_name(&self, id: u64) -> Option<&str> {
        self.records.get(&id).map(|r| r.name.as_str())
    }

    /// Appends a record; one whole line per write, flushed, so a crash leaves at most a
    /// torn last line, which the next load skips.
    pub fn append(&self, rec: &Record) -> Result<()> {
        let mut line = serde_json::to_vec(rec)?;
        line.push(b'\n');
        let Some(file) = &self.file else {
            return Ok(());
        };
        let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
        file.write_all(&line)
            .and_then(|_| file.flush())
            .context("cannot append to the download archive")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_a_reopen_and_need_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let rec = Record {
            id: 5,
            name: "5.png".into(),
            size: 3,
            sha256: "ab".into(),
        };
        {
            let a = Archive::open(dir.path()).unwrap();
            a.append(&rec).unwrap();
        }
        let a = Archive::open(dir.path()).unwrap();
        assert_eq!(a.recorded_name(5), Some("5.png"));
        assert!(a.complete(5).is_none(), "no file yet");
        std::fs::write(dir.path().join("5.png"), b"abc").unwrap();
        assert_eq!(a.complete(5), Some(&rec));
        std::fs::write(dir.path().join("5.png"), b"ab").unwrap();
        assert!(a.complete(5).is_none(), "shortened file");
    }
}
