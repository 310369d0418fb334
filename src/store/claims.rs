//! The names of one run: each item's `.part`, its final name (a name belongs to one item), and
//! a file already under an item's name that the archive does not record.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::digest::FileDigest;
use super::{safe_fs, Store};
use crate::sniff;

/// The names (and, with captions, the caption names) taken in this run, and by which item.
#[derive(Default)]
pub(super) struct Claims {
    names: HashMap<PathBuf, u64>,
    captions: HashMap<PathBuf, u64>,
}

impl Claims {
    fn taken(&self, rel: &Path, id: u64) -> bool {
        self.names.get(rel).is_some_and(|other| *other != id)
    }

    fn caption_taken(&self, caption: &Path, id: u64) -> bool {
        self.captions.get(caption).is_some_and(|other| *other != id)
    }

    /// Takes `rel` (and its caption) for item `id`.
    fn claim(&mut self, rel: &Path, id: u64, captions: bool) {
        self.names.insert(rel.to_path_buf(), id);
        if captions {
            self.captions.insert(rel.with_extension("txt"), id);
        }
    }
}

impl Store {
    /// `<name>.part` beside the final file, unique per item id whatever the template: the
    /// name is the id itself, or has `.{id}` added, so two items never share a `.part`.
    pub fn part_name(&self, item: &Value, id: u64) -> PathBuf {
        let mut rel = self.template.render(item, None).into_os_string();
        let id = id.to_string();
        if Path::new(&rel).file_name() != Some(std::ffi::OsStr::new(&id)) {
            rel.push(format!(".{id}"));
        }
        rel.push(".part");
        PathBuf::from(rel)
    }

    /// A file already under this item's name (with any extension civimg saves) that the
    /// archive does not know: left by a run whose archive was lost, or copied in. Only an
    /// unambiguous match counts, a regular file reached through real folders, that no other
    /// item owns. `None` with `--overwrite`.
    pub fn unrecorded_file(&self, item: &Value, id: u64) -> Option<PathBuf> {
        if self.options.overwrite {
            return None;
        }
        let found: Vec<PathBuf> = sniff::EXTENSIONS
            .iter()
            .map(|ext| self.template.render(item, Some(ext)))
            .filter(|rel| {
                let path = self.dir.join(rel);
                self.archive
                    .owner(&slash_path(rel))
                    .is_none_or(|owner| owner == id)
                    && safe_fs::real_dirs_below(&self.dir, &path)
                    && matches!(safe_fs::entry(&path), Ok(safe_fs::Entry::File(_)))
            })
            .collect();
        match found.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }

    /// Takes `rel` for item `id` as it is (an unrecorded file found whole); `false` when
    /// another item took it in this run.
    pub fn claim_as_is(&self, rel: &Path, id: u64) -> bool {
        let mut claims = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        if claims.taken(rel, id) {
            return false;
        }
        claims.claim(rel, id, self.options.captions);
        true
    }

    /// The final relative name. A name belongs to one item: one that another item holds
    /// (claimed in this run, owned in the archive even while its file is missing, or on disk
    /// with other content) is not taken, and this item gets `-{id}` added to its stem.
    /// `--overwrite` replaces only files no other item owns. With `--captions` the caption
    /// beside the name (`5.txt` for `5.png`) must be free for this item too, so `5.png` and
    /// `5.jpeg` of two items each get their own.
    pub fn claim_name(&self, item: &Value, id: u64, ext: &str, size: u64, sha256: &str) -> PathBuf {
        let wanted = self.template.render(item, Some(ext));
        let mut claims = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        let free = |rel: &Path| -> bool {
            let name = slash_path(rel);
            let owner = self.archive.owner(&name);
            if claims.taken(rel, id) || owner.is_some_and(|o| o != id) {
                return false;
            }
            if self.options.captions && self.caption_taken(&claims, rel, id) {
                return false;
            }
            let path = self.dir.join(rel);
            owner == Some(id)
                || !path.exists()
                || self.options.overwrite
                || same_content(&path, size, sha256)
        };
        let rel = if free(&wanted) {
            wanted
        } else {
            let other = with_id_suffix(&wanted, id);
            if let Ok(mut renamed) = self.renamed.lock() {
                renamed.push((other.clone(), wanted));
            }
            other
        };
        claims.claim(&rel, id, self.options.captions);
        rel
    }

    /// Whether the caption beside `rel` is another item's (in this run or in the archive).
    fn caption_taken(&self, claims: &Claims, rel: &Path, id: u64) -> bool {
        let caption = rel.with_extension("txt");
        claims.caption_taken(&caption, id) || self.archive.caption_taken(&slash_path(&caption), id)
    }

    /// [`Store::caption_taken`] under the lock of the run's claims.
    pub(super) fn caption_is_taken(&self, rel: &Path, id: u64) -> bool {
        let claims = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        self.caption_taken(&claims, rel, id)
    }
}

/// `a/b.png` → `a/b-42.png`.
fn with_id_suffix(rel: &Path, id: u64) -> PathBuf {
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match rel.extension() {
        Some(ext) => format!("{stem}-{id}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{id}"),
    };
    rel.with_file_name(name)
}

/// Whether the file at `path` holds exactly these bytes.
fn same_content(path: &Path, size: u64, sha256: &str) -> bool {
    if std::fs::metadata(path).map(|m| m.len()).ok() != Some(size) {
        return false;
    }
    FileDigest::of_file(path).is_ok_and(|d| d.sha256_hex() == sha256)
}

/// Archive names use `/` whatever the platform.
pub(super) fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
