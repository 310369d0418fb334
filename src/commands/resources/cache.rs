//! What civimg remembers between runs of `resources`, under the platform's cache folder
//! (`$CIVIMG_CACHE_DIR`, else `$XDG_CACHE_HOME/civimg` or `~/.cache/civimg` on Linux): the
//! API's answers about model versions, per API host, and the hashes of local model files.
//!
//! Both files are read as untrusted input (bounded, a damaged file is ignored with a warning)
//! and written whole under a temporary name, then renamed.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::log::Log;
use crate::store::safe_fs;

/// Largest cache file read.
const MAX_CACHE_BYTES: u64 = 64 << 20;
/// How long "the API knows no version with this hash" is believed, in seconds: a model may
/// be published later.
pub const NOT_FOUND_TTL: u64 = 7 * 24 * 3600;

/// The cache folder: `$CIVIMG_CACHE_DIR` when set, else the platform's cache folder + `civimg`.
pub fn cache_dir() -> Option<PathBuf> {
    match std::env::var_os("CIVIMG_CACHE_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::cache_dir().map(|d| d.join("civimg")),
    }
}

/// The API's answers, as last received.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Versions {
    /// Version id → the API's answer about it (`null`: the API said there is none).
    pub by_id: BTreeMap<u64, Stamped<Value>>,
    /// Lowercase hash → the version id the API gave for it (`null`: none).
    pub by_hash: BTreeMap<String, Stamped<Option<u64>>>,
}

/// A remembered answer and when it was received (Unix seconds).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stamped<T> {
    /// The answer.
    pub value: T,
    /// When it came.
    pub at: u64,
}

impl<T> Stamped<T> {
    /// Stamped now.
    pub fn now(value: T) -> Self {
        Stamped { value, at: now() }
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether a "not found" stamped at `at` is still believed.
pub fn fresh_not_found(at: u64) -> bool {
    now().saturating_sub(at) < NOT_FOUND_TTL
}

/// A local model file's hash, valid while its size and modified time stay the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHash {
    /// Bytes.
    pub size: u64,
    /// Modified time in nanoseconds since the epoch.
    pub mtime_ns: u128,
    /// Lowercase hex SHA-256.
    pub sha256: String,
}

/// Local model files by absolute path.
pub type FileHashes = BTreeMap<PathBuf, FileHash>;

/// One cache file: its path (None when there is no cache folder) and whether it changed.
pub struct Stored<T> {
    path: Option<PathBuf>,
    /// What it holds.
    pub data: T,
    dirty: bool,
}

impl<T: Default + Serialize + DeserializeOwned> Stored<T> {
    /// Loads `name` from the cache folder; a missing file is empty, a damaged one is empty
    /// with a warning.
    pub fn load(name: &str, log: &Log) -> Self {
        let path = cache_dir().map(|d| d.join(name));
        let data = match path.as_deref().map(read) {
            Some(Ok(Some(data))) => data,
            Some(Err(why)) => {
                log.warn(&format!("ignoring the cache file {}: {why}", show(&path)));
                T::default()
            }
            _ => T::default(),
        };
        Stored {
            path,
            data,
            dirty: false,
        }
    }

    /// Marks the data changed, so that [`Stored::save`] writes it.
    pub fn touch(&mut self) {
        self.dirty = true;
    }

    /// Writes the data back when it changed; a failure is a warning, never fatal (the run's
    /// answers are right, only the next run will ask again).
    pub fn save(&mut self, log: &Log) {
        let Some(path) = self.path.as_deref().filter(|_| self.dirty) else {
            return;
        };
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| serde_json::to_vec(&self.data).map_err(std::io::Error::other))
            .and_then(|body| safe_fs::write_whole(path, &body));
        match written {
            Ok(()) => self.dirty = false,
            Err(e) => log.warn(&format!(
                "cannot write the cache file {}: {e}",
                path.display()
            )),
        }
    }
}

fn show(path: &Option<PathBuf>) -> String {
    path.as_deref()
        .map_or(String::new(), |p| p.display().to_string())
}

/// The file's data; `Ok(None)` when it does not exist.
fn read<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, String> {
    let file = match safe_fs::open_read(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let mut body = Vec::new();
    file.take(MAX_CACHE_BYTES + 1)
        .read_to_end(&mut body)
        .map_err(|e| e.to_string())?;
    if body.len() as u64 > MAX_CACHE_BYTES {
        return Err("larger than 64 MiB".into());
    }
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| format!("not a cache file ({e})"))
}

/// The cache file name for one API host (`versions-civitai.com.json`): answers from a test
/// server never mix with civitai.com's.
pub fn versions_file(host: &str) -> String {
    let host: String = host
        .chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("versions-{host}.json")
}

/// The cache file of local model hashes.
pub const FILE_HASHES: &str = "model-hashes.json";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_make_safe_file_names() {
        assert_eq!(versions_file("civitai.com"), "versions-civitai.com.json");
        assert_eq!(
            versions_file("127.0.0.1:8787"),
            "versions-127.0.0.1_8787.json"
        );
        assert_eq!(versions_file("../x/y"), "versions-.._x_y.json");
    }
}
