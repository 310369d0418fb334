//! The record of completed items: `DIR/.civimg/archive.jsonl`, one JSON line per file saved.
//!
//! A re-run sends no request for an item recorded here whose file is still on disk with the
//! recorded size; a deleted or shortened file is fetched again. The file is untrusted input:
//! damaged lines are skipped and names outside the output directory ignored.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::safe_fs;

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

/// Longest archive line read; a longer one is damage, skipped.
const MAX_LINE: u64 = 64 * 1024;

/// The loaded archive plus an append handle.
pub struct Archive {
    dir: PathBuf,
    path: PathBuf,
    records: HashMap<u64, Record>,
    /// `None` for a dry run, which writes nothing.
    file: Option<Mutex<Appender>>,
    /// Lines that were not valid UTF-8 or not a record: skipped.
    pub damaged: u64,
    /// Records naming a path outside the output directory (absolute, `..`): ignored.
    pub outside: u64,
    /// The file does not end in a newline (a torn last line).
    torn: bool,
}

/// The append handle, and whether a newline must come before the next record.
struct Appender {
    file: File,
    needs_newline: bool,
}

/// `DIR/.civimg`, created if missing; a link or a file there is refused, so civimg's state is
/// never written through a link.
pub fn state_dir(dir: &Path) -> Result<PathBuf> {
    let state = dir.join(STATE_DIR);
    match std::fs::symlink_metadata(&state) {
        Ok(m) if m.is_dir() => return Ok(state),
        Ok(m) if m.file_type().is_symlink() => anyhow::bail!(
            "{} is a symbolic link; civimg keeps its state only in a real directory",
            state.display()
        ),
        Ok(_) => anyhow::bail!("{} is not a directory", state.display()),
        Err(_) => {}
    }
    std::fs::create_dir_all(&state)
        .with_context(|| format!("cannot create {}", state.display()))?;
    Ok(state)
}

impl Archive {
    /// Opens (creating if needed) the archive under `dir` for appending.
    pub fn open(dir: &Path) -> Result<Self> {
        state_dir(dir)?;
        let mut archive = Archive::load(dir)?;
        let file = safe_fs::open_append_or_create(&archive.path)
            .with_context(|| format!("cannot write {}", archive.path.display()))?;
        archive.file = Some(Mutex::new(Appender {
            file,
            needs_newline: archive.torn,
        }));
        Ok(archive)
    }

    /// Reads the archive under `dir`, if any, without creating anything. It is read as bytes:
    /// a line that is not valid UTF-8 or not a record is counted in `damaged` and skipped, a
    /// record naming a path outside `dir` is counted in `outside` and ignored; neither stops
    /// the run.
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join(STATE_DIR).join(ARCHIVE_FILE);
        let mut archive = Archive {
            dir: dir.to_path_buf(),
            path,
            records: HashMap::new(),
            file: None,
            damaged: 0,
            outside: 0,
            torn: false,
        };
        let file = match safe_fs::open_read(&archive.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(archive),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", archive.path.display()))
            }
        };
        archive
            .read_lines(BufReader::new(file))
            .with_context(|| format!("cannot read {}", archive.path.display()))?;
        Ok(archive)
    }

    fn read_lines(&mut self, mut reader: impl BufRead) -> std::io::Result<()> {
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line)?;
            if n == 0 {
                return Ok(());
            }
            self.torn = !line.ends_with(b"\n");
            if self.torn && n as u64 == MAX_LINE {
                // Too long to be a record: skip to the end of the line.
                self.damaged += 1;
                let mut rest = Vec::new();
                reader.read_until(b'\n', &mut rest).map(|_| ())?;
                self.torn = !rest.ends_with(b"\n");
                continue;
            }
            self.take_line(&line);
        }
    }

    fn take_line(&mut self, line: &[u8]) {
        if line.trim_ascii().is_empty() {
            return;
        }
        match serde_json::from_slice::<Record>(line) {
            Ok(rec) if is_inside(&rec.name) => {
                self.records.insert(rec.id, rec);
            }
            Ok(_) => self.outside += 1,
            Err(_) => self.damaged += 1,
        }
    }

    /// The archive file's path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The record of `id` if its file is still there, a regular file with the recorded size.
    pub fn complete(&self, id: u64) -> Option<&Record> {
        let rec = self.records.get(&id)?;
        let entry = safe_fs::entry(&self.dir.join(&rec.name)).ok()?;
        (entry == safe_fs::Entry::File(rec.size)).then_some(rec)
    }

    /// The recorded name of `id`, whether or not its file is still there.
    pub fn recorded_name(&self, id: u64) -> Option<&str> {
        self.records.get(&id).map(|r| r.name.as_str())
    }

    /// Appends a record; one whole line per write, flushed, so a crash leaves at most a torn
    /// last line, which the next load skips and the next append ends with a newline first.
    pub fn append(&self, rec: &Record) -> Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let mut out = file.lock().unwrap_or_else(|e| e.into_inner());
        let mut line = Vec::with_capacity(160);
        if out.needs_newline {
            line.push(b'\n');
        }
        serde_json::to_writer(&mut line, rec)?;
        line.push(b'\n');
        let written = out.file.write_all(&line).and_then(|_| out.file.flush());
        // After a failed write the file may end mid-line.
        out.needs_newline = written.is_err();
        written.with_context(|| {
            format!(
                "cannot append to the download archive {}",
                self.path.display()
            )
        })
    }
}

/// Whether an archive name is a relative path of normal components (`a/b.png`), so joining it
/// to the output directory stays inside it.
fn is_inside(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['\\', '\0'])
        && name
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
        && Path::new(name)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
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

    #[test]
    fn damage_is_skipped_and_names_outside_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join(STATE_DIR);
        std::fs::create_dir_all(&state).unwrap();
        let mut text = Vec::new();
        text.extend_from_slice(b"{\"id\":1,\"name\":\"a/1.png\",\"size\":1,\"sha256\":\"x\"}\n");
        text.extend_from_slice(b"\xff\xfe not utf-8\n\n");
        text.extend_from_slice(b"{\"id\":2,\"name\":\"../2.png\",\"size\":1,\"sha256\":\"x\"}\n");
        text.extend_from_slice(b"{\"id\":3,\"name\":\"/etc/3\",\"size\":1,\"sha256\":\"x\"}\n");
        text.extend_from_slice(&vec![b'x'; MAX_LINE as usize * 2]);
        text.extend_from_slice(b"\n{\"id\":4,\"na");
        std::fs::write(state.join(ARCHIVE_FILE), &text).unwrap();
        let a = Archive::open(dir.path()).unwrap();
        assert_eq!((a.damaged, a.outside), (3, 2));
        assert_eq!(a.recorded_name(1), Some("a/1.png"));
        assert_eq!(a.recorded_name(2), None);
        let rec = Record {
            id: 5,
            name: "5.png".into(),
            size: 3,
            sha256: "ab".into(),
        };
        a.append(&rec).unwrap();
        drop(a);
        let a = Archive::open(dir.path()).unwrap();
        assert_eq!(
            a.recorded_name(5),
            Some("5.png"),
            "the torn line did not swallow it"
        );
        assert_eq!(a.damaged, 3);
    }

    #[test]
    fn only_plain_relative_names_are_inside() {
        for good in ["a.png", "bob/2025_1.png", "x y/é.webp"] {
            assert!(is_inside(good), "{good}");
        }
        for bad in [
            "",
            "/a",
            "../a",
            "a/../../b",
            "a//b",
            "./a",
            "a\\..\\b",
            "c:\\x",
            "a\0",
        ] {
            assert!(!is_inside(bad), "{bad}");
        }
    }
}
