//! Sidecars: the API item `civimg download --sidecar` writes beside an image, read when
//! the image itself holds no generation data.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

use super::file::{check_regular, read_file};
use super::record::GenRecord;

/// Largest sidecar we read; an API item is a few KiB.
const MAX_SIDECAR: u64 = 64 << 20;

/// Where `civimg download --sidecar` puts the API item for `path`: `<stem>.json` beside it.
pub fn sidecar_for(path: &Path) -> PathBuf {
    path.with_extension("json")
}

/// Finds an existing sidecar for `path`: `<stem>.json`, else `<file name>.json`.
pub fn find_sidecar(path: &Path) -> Option<PathBuf> {
    let mut appended = path.as_os_str().to_owned();
    appended.push(".json");
    [sidecar_for(path), PathBuf::from(appended)]
        .into_iter()
        .find(|p| p != path && p.is_file())
}

/// Like [`read_file`], but when the file holds no generation data (or cannot be read, as
/// with a video) and a sidecar exists, reads the API item's `meta` from the sidecar.
/// Such a record's `source` is `sidecar:<sidecar path>`. A path that is not a regular
/// file (a FIFO, a device) fails at once, sidecar or not.
pub fn read_file_or_sidecar(path: &Path) -> Result<Option<GenRecord>> {
    if let Ok(meta) = std::fs::metadata(path) {
        check_regular(path, &meta)?;
    }
    let own = read_file(path);
    if let Ok(Some(_)) = own {
        return own;
    }
    let Some(sidecar) = find_sidecar(path) else {
        return own;
    };
    match read_sidecar(&sidecar)? {
        Some(record) => Ok(Some(record)),
        None => own,
    }
}

/// Reads a sidecar holding the full API item (`{"id": …, "meta": {…}, …}`) or a bare meta.
fn read_sidecar(sidecar: &Path) -> Result<Option<GenRecord>> {
    let mut text = String::new();
    File::open(sidecar)
        .and_then(|f| f.take(MAX_SIDECAR).read_to_string(&mut text))
        .with_context(|| format!("cannot read sidecar {}", sidecar.display()))?;
    let item: Value = serde_json::from_str(&text)
        .with_context(|| format!("sidecar {} is not valid JSON", sidecar.display()))?;
    let meta = match item.get("meta") {
        Some(meta) if item.get("url").is_some() || item.get("id").is_some() => meta,
        _ => &item,
    };
    let mut record = GenRecord::from_api_meta(meta);
    if let Some(record) = &mut record {
        record.source = format!("sidecar:{}", sidecar.display());
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecar_names() {
        assert_eq!(sidecar_for(Path::new("d/1.jpeg")), Path::new("d/1.json"));
        assert_eq!(sidecar_for(Path::new("d/1")), Path::new("d/1.json"));
    }
}
