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

/// Options that refuse to open through a symbolic link at the last component, and that never
/// wait on the open itself (a FIFO planted at `.civimg/archive.jsonl` would block a read-only
/// open for ever); [`regular`] then refuses anything but a regular file.
fn no_follow() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options
}

/// `file` if it is a regular file (with blocking I/O again), else an error naming `path`: a
/// FIFO, a device or a folder is never civimg's state.
fn regular(file: File, path: &Path) -> io::Result<File> {
    if !file.metadata()?.file_type().is_file() {
        return Err(io::Error::other(format!(
            "{} is not a regular file; civimg keeps its own files only in regular files",
            path.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        // SAFETY: `fd` is open for the life of `file`; F_GETFL/F_SETFL only change its flags.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(file)
}

/// A fresh file: whatever was at `path` (a stale file, a planted link) is removed first, then
/// the file is created exclusively, so a link that appears in between makes this fail.
pub fn create_fresh(path: &Path) -> io::Result<File> {
    remove_entry(path)?;
    regular(no_follow().write(true).create_new(true).open(path)?, path)
}

/// An existing regular file opened for appending; fails on a link or any other kind of file.
pub fn open_append(path: &Path) -> io::Result<File> {
    regular(no_follow().append(true).open(path)?, path)
}

/// A regular file opened for appending, created if missing; fails on a link or any other
/// kind of file.
pub fn open_append_or_create(path: &Path) -> io::Result<File> {
    regular(no_follow().append(true).create(true).open(path)?, path)
}

/// Opened for reading and writing, created if missing, never truncated; fails on a link or
/// any other kind of file.
pub fn open_rw_or_create(path: &Path) -> io::Result<File> {
    regular(
        no_follow().read(true).write(true).create(true).open(path)?,
        path,
    )
}

/// A regular file opened for reading; fails on a link or any other kind of file.
pub fn open_read(path: &Path) -> io::Result<File> {
    regular(no_follow().read(true).open(path)?, path)
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

/// Whether every folder between `root` and `path` (its last component excluded) is a real
/// folder, not a link: a file reached only through a planted link is none of civimg's.
pub fn real_dirs_below(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut at = root.to_path_buf();
    let mut parts: Vec<_> = rel.components().collect();
    parts.pop();
    parts.into_iter().all(|part| {
        at.push(part);
        std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_dir())
    })
}

/// Creates the folders of `path` below `root` one by one, refusing any component that is a
/// symbolic link or not a folder, so a link planted as a subfolder (`DIR/bob -> /etc` with a
/// `{username}/…` template) can never lead a write outside `root`. `root` itself is trusted:
/// the user named it.
pub fn create_dirs_inside(root: &Path, path: &Path) -> io::Result<()> {
    let Ok(rel) = path.strip_prefix(root) else {
        return Err(io::Error::other(format!(
            "{} is outside {}",
            path.display(),
            root.display()
        )));
    };
    let mut at = root.to_path_buf();
    for part in rel.components() {
        at.push(part);
        if let Err(e) = std::fs::create_dir(&at) {
            if e.kind() != ErrorKind::AlreadyExists {
                return Err(e);
            }
        }
        if !std::fs::symlink_metadata(&at)?.file_type().is_dir() {
            return Err(io::Error::other(format!(
                "{} is a link or a file, not a folder: civimg never writes through a link",
                at.display()
            )));
        }
    }
    Ok(())
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

    #[test]
    fn fifos_are_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        for open in [open_read, open_rw_or_create] {
            let err = open(&fifo).unwrap_err();
            assert!(err.to_string().contains("not a regular file"), "{err}");
        }
        // Write-only opens of a FIFO without a reader fail at once too (ENXIO).
        assert!(open_append(&fifo).is_err() && open_append_or_create(&fifo).is_err());
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        let mut text = String::new();
        use std::io::Read;
        open_read(&file).unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "x");
    }

    #[test]
    fn folders_are_made_inside_and_never_through_a_link() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        create_dirs_inside(root.path(), &root.path().join("a/b")).unwrap();
        assert!(root.path().join("a/b").is_dir());
        symlink(outside.path(), root.path().join("bob")).unwrap();
        let err = create_dirs_inside(root.path(), &root.path().join("bob/x")).unwrap_err();
        assert!(
            err.to_string().contains("never writes through a link"),
            "{err}"
        );
        assert!(!outside.path().join("x").exists());
        std::fs::write(root.path().join("f"), b"").unwrap();
        assert!(create_dirs_inside(root.path(), &root.path().join("f/x")).is_err());
        assert!(create_dirs_inside(root.path(), outside.path()).is_err());
    }
}
