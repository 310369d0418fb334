//! One directory, one civimg: `download` holds an exclusive advisory lock on
//! `DIR/.civimg/lock` for its whole run. The OS releases it when the process ends, however it
//! ends, so a crash never leaves a stale lock behind. The file holds the holder's pid, for the
//! message a second run prints.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::Path;

use anyhow::{Context, Result};

use super::archive;
use super::safe_fs;

/// The lock's file name inside the state folder.
pub const LOCK_FILE: &str = "lock";

/// Held for the run; dropping it (or the process ending) releases the lock.
pub struct DirLock {
    _file: File,
}

/// Takes the lock on `dir` (created if missing), or fails at once, touching nothing, when
/// another process holds it.
pub fn acquire(dir: &Path) -> Result<DirLock> {
    let state = archive::state_dir(dir)?;
    let path = state.join(LOCK_FILE);
    let mut file = safe_fs::open_rw_or_create(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => {}
        Err(fs4::TryLockError::WouldBlock) => {
            let holder = holder_pid(&mut file)
                .map(|pid| format!(" (pid {pid})"))
                .unwrap_or_default();
            anyhow::bail!(
                "another civimg{holder} is downloading into {}",
                dir.display()
            );
        }
        Err(fs4::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
    // The pid is for messages only: a full disk that refuses it does not stop the run.
    let _ = write_pid(&mut file);
    Ok(DirLock { _file: file })
}

fn write_pid(file: &mut File) -> std::io::Result<()> {
    file.set_len(0)?;
    file.rewind()?;
    writeln!(file, "{}", std::process::id())
}

/// The pid the holder wrote, if it did.
fn holder_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}
