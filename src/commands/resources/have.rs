//! `--have DIR`: the model files on disk (`.safetensors`, `.ckpt`, `.pt`, `.bin`), each
//! hashed once (SHA-256; its first 10 hex digits are the AutoV2 hash Civitai shows) and
//! remembered by path, size and modified time, so a later run reads only new or changed
//! files.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sha2::{Digest, Sha256};

use super::cache::{FileHash, FileHashes, Stored};
use crate::log::Log;

/// Extensions of model files.
const MODEL_EXTENSIONS: &[&str] = &["safetensors", "ckpt", "pt", "bin"];
/// Read size while hashing: large reads keep a disk streaming.
const CHUNK: usize = 4 << 20;

/// One local model file.
#[derive(Debug, Clone)]
pub struct LocalModel {
    /// Where it is.
    pub path: PathBuf,
    /// Lowercase hex SHA-256.
    pub sha256: String,
}

impl LocalModel {
    /// The AutoV2 hash: the first 10 hex digits of the SHA-256.
    pub fn autov2(&self) -> &str {
        &self.sha256[..10]
    }
}

/// Hashes the model files below `dirs` (new or changed ones only) and returns them all.
pub fn scan(
    dirs: &[PathBuf],
    cache: &mut Stored<FileHashes>,
    log: &Log,
    quiet: bool,
) -> Result<Vec<LocalModel>> {
    let mut files = Vec::new();
    for dir in dirs {
        let meta = std::fs::metadata(dir).with_context(|| format!("--have {}", dir.display()))?;
        anyhow::ensure!(meta.is_dir(), "--have {}: not a directory", dir.display());
        walk(dir, &mut files).with_context(|| format!("cannot list {}", dir.display()))?;
    }
    let mut todo = Vec::new();
    let mut found = Vec::new();
    for (path, size, mtime_ns) in files {
        match cache.data.get(&path) {
            Some(h) if h.size == size && h.mtime_ns == mtime_ns => found.push(LocalModel {
                path,
                sha256: h.sha256.clone(),
            }),
            _ => todo.push((path, size, mtime_ns)),
        }
    }
    let total: u64 = todo.iter().map(|(_, size, _)| size).sum();
    let bar = bar(total, quiet);
    for (path, size, mtime_ns) in todo {
        bar.set_message(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        match hash_file(&path, &bar) {
            Ok(sha256) => {
                let entry = FileHash {
                    size,
                    mtime_ns,
                    sha256: sha256.clone(),
                };
                cache.data.insert(path.clone(), entry);
                cache.touch();
                found.push(LocalModel { path, sha256 });
            }
            Err(e) => log.warn(&format!("cannot read {}: {e}", path.display())),
        }
    }
    bar.finish_and_clear();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// The hashing bar: bytes and speed, on stderr when it is a terminal and not `-q`.
fn bar(total: u64, quiet: bool) -> ProgressBar {
    let target = if quiet || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let style = ProgressStyle::with_template(
        "hashing {wide_msg} {bytes:>10}/{total_bytes:<10} {binary_bytes_per_sec:>12} [{bar:25}]",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    ProgressBar::with_draw_target(Some(total), target).with_style(style)
}

/// SHA-256 of a file, read in large chunks; a link is never followed.
fn hash_file(path: &Path, bar: &ProgressBar) -> std::io::Result<String> {
    let mut file = crate::store::safe_fs::open_read(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bar.inc(n as u64);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Appends the model files below `dir` (path made absolute, size, modified time); hidden
/// entries and symlinked folders are skipped.
fn walk(dir: &Path, files: &mut Vec<(PathBuf, u64, u128)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&path, files)?;
            continue;
        }
        let model = path
            .extension()
            .is_some_and(|e| MODEL_EXTENSIONS.iter().any(|m| e.eq_ignore_ascii_case(m)));
        if !model || !kind.is_file() {
            continue;
        }
        let meta = entry.metadata()?;
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let path = std::path::absolute(&path).unwrap_or(path);
        files.push((path, meta.len(), mtime_ns));
    }
    Ok(())
}
