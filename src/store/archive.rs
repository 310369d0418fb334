//! The record of completed items: `DIR/.civimg/archive.jsonl`, one JSON line per file saved.
//!
//! A re-run sends no request for an item recorded here whose file is still on disk with the
//! recorded size; a deleted or shortened file is fetched again. The file is untrusted input:
//! damaged lines are skipped and names outside the output directory ignored.
//!
//! A name belongs to one item: the last record naming a file owns it. An older record naming
//! the same file is stale (that file now holds another item's bytes), so its item is not
//! complete and is fetched again under a name of its own. With captions, the same holds for
//! the `.txt` beside each file: one item's caption, never two.

use std::collections::hash_map::Entry as MapEntry;
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
    /// Each recorded name and the item of the last record naming it.
    names: HashMap<String, u64>,
    /// Each owned file's caption name (`a/5.txt`) and its item; `None` when two items' files
    /// share it (left so by an older civimg).
    captions: HashMap<String, Option<u64>>,
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
            names: HashMap::new(),
            captions: HashMap::new(),
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
        archive.index_captions();
        Ok(archive)
    }

    /// Who owns each caption name: the items whose records own their files.
    fn index_captions(&mut self) {
        for (id, rec) in &self.records {
            if self.names.get(&rec.name) != Some(id) {
                continue;
            }
            match self.captions.entry(caption_name(&rec.name)) {
                MapEntry::Vacant(slot) => {
                    slot.insert(Some(*id));
                }
                MapEntry::Occupied(mut slot) if *slot.get() != Some(*id) => {
                    slot.insert(None);
                }
                MapEntry::Occupied(_) => {}
            }
        }
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
                self.names.insert(rec.name.clone(), rec.id);
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

    /// The record of `id` if its file is still there, a regular file with the recorded size,
    /// reached through real folders only, and no later record names that file for another item.
    pub fn complete(&self, id: u64) -> Option<&Record> {
        let rec = self.records.get(&id)?;
        if self.owner(&rec.name) != Some(id) {
            return None;
        }
        let path = self.dir.join(&rec.name);
        if !safe_fs::real_dirs_below(&self.dir, &path) {
            return None;
        }
        let entry = safe_fs::entry(&path).ok()?;
        (entry == safe_fs::Entry::File(rec.size)).then_some(rec)
    }

    /// The item that owns the file `name` (`/`-separated): the last record naming it, while
    /// that item's own latest record still names it.
    pub fn owner(&self, name: &str) -> Option<u64> {
        let id = *self.names.get(name)?;
        (self.records.get(&id)?.name == name).then_some(id)
    }

    /// Whether the caption `caption` (`a/5.txt`) belongs to an item other than `id`, or to
    /// two items at once.
    pub fn caption_taken(&self, caption: &str, id: u64) -> bool {
        self.captions
            .get(caption)
            .is_some_and(|owner| *owner != Some(id))
    }

    /// The recorded name of `id`, whether or not its file is still there.
    #[cfg(test)]
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

/// The caption beside a file: `a/5.png` → `a/5.txt`.
pub fn caption_name(name: &str) -> String {
    let (dir, file) = match name.rsplit_once('/') {
        Some((dir, file)) => (Some(dir), file),
        None => (None, name),
    };
    let stem = Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match dir {
        Some(dir) => format!("{dir}/{stem}.txt"),
        None => format!("{stem}.txt"),
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
    fn the_last_record_naming_a_file_owns_it() {
        let dir = tempfile::tempdir().unwrap();
        let rec = |id, name: &str| Record {
            id,
            name: name.into(),
            size: 3,
            sha256: "ab".into(),
        };
        {
            let a = Archive::open(dir.path()).unwrap();
            a.append(&rec(1, "p/5.png")).unwrap();
            a.append(&rec(2, "p/5.png")).unwrap();
            a.append(&rec(3, "p/5.jpeg")).unwrap();
            a.append(&rec(4, "7.png")).unwrap();
            a.append(&rec(4, "7-4.png")).unwrap();
        }
        std::fs::create_dir(dir.path().join("p")).unwrap();
        std::fs::write(dir.path().join("p/5.png"), b"abc").unwrap();
        let a = Archive::open(dir.path()).unwrap();
        assert!(a.complete(1).is_none(), "stale: item 2's bytes");
        assert!(a.complete(2).is_some());
        assert_eq!(a.owner("p/5.png"), Some(2));
        assert_eq!(a.owner("7.png"), None, "item 4 moved on");
        assert!(a.caption_taken("p/5.txt", 2), "shared with item 3");
        assert!(!a.caption_taken("7-4.txt", 4));
        assert!(a.caption_taken("7-4.txt", 5));
        assert_eq!(caption_name("a/b.c.png"), "a/b.c.txt");
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
