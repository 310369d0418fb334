//! Images already on disk: each file's sidecar (`download --sidecar`: the API's own item,
//! with version ids) when it has one, else the generation data inside the file. Folders are
//! read with their subfolders; hidden entries, side files and symlinked folders are skipped.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::meta::{find_sidecar, read_file, GenRecord};
use crate::sniff::SNIFF_LEN;
use crate::store::archive::Archive;

/// Largest sidecar read; an API item is a few KiB.
const MAX_SIDECAR: u64 = 16 << 20;
/// Extensions of download's side files, never images themselves.
const SIDE_FILES: &[&str] = &["json", "txt", "part"];

/// Every media file named or below a named folder, sorted within each folder.
pub fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).with_context(|| format!("{}", path.display()))?;
        if meta.is_dir() {
            walk(path, &mut out).with_context(|| format!("cannot list {}", path.display()))?;
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        let side = path
            .extension()
            .is_some_and(|e| SIDE_FILES.iter().any(|s| e.eq_ignore_ascii_case(s)));
        if kind.is_dir() {
            walk(&path, out)?;
        } else if kind.is_file() && !side {
            out.push(path);
        }
    }
    Ok(())
}

/// The download archives (`DIR/.civimg/archive.jsonl`) of the folders named, to tell which
/// item a file is when it holds no data of its own. A damaged archive is skipped.
pub fn archives(paths: &[PathBuf]) -> Vec<(PathBuf, Archive)> {
    paths
        .iter()
        .filter(|p| p.is_dir())
        .filter_map(|dir| Some((dir.clone(), Archive::load(dir).ok()?)))
        .collect()
}

/// The item id the archive of a named folder records for `path`.
pub fn archive_id(archives: &[(PathBuf, Archive)], path: &Path) -> Option<u64> {
    archives.iter().find_map(|(dir, archive)| {
        let rel = path.strip_prefix(dir).ok()?;
        let name: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        archive.owner(&name.join("/"))
    })
}

/// The record of one file: its sidecar's item, else its own data; None when neither holds
/// any (a warning names a file that could not be read).
pub fn record(path: &Path) -> Result<Option<GenRecord>> {
    if let Some(sidecar) = find_sidecar(path) {
        if let Some(rec) = from_sidecar(&sidecar)? {
            return Ok(Some(rec));
        }
    }
    // Videos, audio and anything else that cannot hold generation data: nothing to read.
    let mut head = Vec::with_capacity(SNIFF_LEN);
    crate::store::safe_fs::open_read(path)
        .and_then(|f| f.take(SNIFF_LEN as u64).read_to_end(&mut head))
        .with_context(|| format!("cannot read {}", path.display()))?;
    if !crate::meta::can_hold_generation_data(&head) {
        return Ok(None);
    }
    read_file(path)
}

fn from_sidecar(sidecar: &Path) -> Result<Option<GenRecord>> {
    let mut body = Vec::new();
    crate::store::safe_fs::open_read(sidecar)
        .and_then(|f| f.take(MAX_SIDECAR).read_to_end(&mut body))
        .with_context(|| format!("cannot read sidecar {}", sidecar.display()))?;
    let Ok(item) = serde_json::from_slice::<Value>(&body) else {
        anyhow::bail!("sidecar {} is not valid JSON", sidecar.display());
    };
    Ok(item.get("meta").and_then(GenRecord::from_api_meta))
}
