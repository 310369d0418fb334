//! Opening civimg's own files (`.part`, temporary extras, state) without ever following a
//! symbolic link someone planted at the path: a link is an error or is removed, never written
//! through (issue 8, "never through a link").

use std::fs::{File, OpenOptions};
use std::io::{self, ErrorKind};
use std::path::Path;

/// What is at a path, looked at without following a link.
#[derive(Debug, PartialEq, Eq)]
pub enum Entry {
    /// Nothing.
    Missing,
    /// A regular file of this many bytes.
    File(u64),
    /// A symbolic link, a directory, a FIFO, a device…: never civimg's to write through.
    Other,
}

/// The entry at `path`, without following a link.
pub fn entry(path: &Path) -> io::Result<Entry> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => Ok(Entry::File(m.len())),
        Ok(_) => Ok(Entry::Other),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(Entry::Missing),
        Err(e) => Err(e),
    }
}

/// Removes whatever non-directory entry is at `path` (a link itself, never its target);
/// nothing there is fine.
pub fn remove_entry(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Options that refuse to open through a symbolic link at the last component.
fn no_follow() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// A fresh file: whatever was at `path` (a stale file, a planted link) is removed first, then
/// the file is created exclusively, so a link that appears in between makes this fail.
pub fn create_fresh(path: &Path) -> io::Result<File> {
    remove_entry(path)?;
    no_follow().write(true).create_new(true).open(path)
}

/// An existing regular file opened for appending; fails on a link.
pub fn open_append(path: &Path) -> io::Result<File> {
    no_follow().append(true).open(path)
}

/// A regular file opened for appending, created if missing; fails on a link.
pub fn open_append_or_create(path: &Path) -> io::Result<File> {
    no_follow().append(true).create(true).open(path)
}

/// Opened for reading and writing, created if missing, never truncated; fails on a link.
pub fn open_rw_or_create(path: &Path) -> io::Result<File> {
    no_follow().read(true).write(true).create(true).open(path)
}

/// A file opened for reading; fails on a link.
pub fn open_read(path: &Path) -> io::Result<File> {
    no_follow().read(true).open(path)
}

/// Writes `body` under `path` whole: a temporary `path.part` created fresh, then renamed over.
pub fn write_whole(path: &Path, body: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    let tmp = Path::new(&tmp);
    let mut file = create_fresh(tmp)?;
    file.write_all(body)?;
    drop(file);
    std::fs::rename(tmp, path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_are_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, b"keep").unwrap();
        let link = dir.path().join("link");
        symlink(&target, &link).unwrap();
        assert_eq!(entry(&link).unwrap(), Entry::Other);
        assert!(open_append(&link).is_err());
        assert!(open_read(&link).is_err());
        create_fresh(&link).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"keep");
        assert_eq!(entry(&link).unwrap(), Entry::File(0));
        let dangling = dir.path().join("dangling");
        symlink(dir.path().join("nothing"), &dangling).unwrap();
        write_whole(&dir.path().join("x"), b"1").unwrap();
        symlink(&target, dir.path().join("y.part")).unwrap();
        write_whole(&dir.path().join("y"), b"2").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"keep");
        assert_eq!(std::fs::read(dir.path().join("y")).unwrap(), b"2");
    }
}
