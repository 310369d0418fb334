//! The files beside a saved one: `--sidecar` (`<name>.json`, the full item) and `--captions`
//! (`<stem>.txt`, the prompt).

use std::path::Path;

use anyhow::Context;
use serde_json::Value;

use super::{safe_fs, Store};

impl Store {
    /// The extras of the file `rel` of item `id`, each written whole under a temporary name
    /// first, through real folders only (a folder planted as a link fails, as it does for
    /// downloads). Existing extras are left alone; a caption another item owns is not written.
    pub fn write_extras(&self, rel: &Path, id: u64, item: &Value) -> anyhow::Result<()> {
        if !self.options.sidecar && !self.options.captions {
            return Ok(());
        }
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            safe_fs::create_dirs_inside(&self.dir, parent)
                .map_err(|e| anyhow::anyhow!("cannot write beside {}: {e}", path.display()))?;
        }
        if self.options.sidecar {
            let mut name = path.as_os_str().to_owned();
            name.push(".json");
            let mut body = serde_json::to_vec_pretty(item)?;
            body.push(b'\n');
            write_new(Path::new(&name), &body)?;
        }
        if self.options.captions {
            // The prompt of the normalized record, as `meta ID` and `list --fields meta.prompt`
            // give it (a ComfyUI-only meta has it in its graph).
            let record = item
                .get("meta")
                .and_then(crate::meta::GenRecord::from_api_meta);
            let prompt = record.and_then(|r| r.prompt);
            let Some(prompt) = prompt.filter(|p| !p.trim().is_empty()) else {
                return Ok(());
            };
            if self.caption_is_taken(rel, id) {
                anyhow::bail!(
                    "no caption for {id}: {} is another item's",
                    rel.with_extension("txt").display()
                );
            }
            write_new(
                &path.with_extension("txt"),
                format!("{}\n", prompt.trim()).as_bytes(),
            )?;
        }
        Ok(())
    }
}

/// Writes `path` via a fresh `path.part` and a rename, unless `path` already exists (as
/// anything, a link included: it is left alone, never written through).
fn write_new(path: &Path, body: &[u8]) -> anyhow::Result<()> {
    if safe_fs::entry(path)? != safe_fs::Entry::Missing {
        return Ok(());
    }
    safe_fs::write_whole(path, body).with_context(|| format!("cannot write {}", path.display()))
}
