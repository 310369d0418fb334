//! What `download` keeps on disk below DIR: the names files get (`name`, `claims`), the
//! `.part` files (`part`), the archive of completed items (`archive`), the files beside each
//! one (`extras`), the run's lock (`lock`), what is recorded of a file (`digest`; what it
//! is, `crate::sniff`), and the one way every file below DIR is opened (`safe_fs`: no link
//! followed, nothing but regular files). [`Store`] holds them for one run; the fetcher
//! (the `fetch` folder) writes `.part` files into it.

pub mod archive;
mod claims;
pub mod digest;
mod extras;
pub mod lock;
pub mod name;
pub mod part;
pub mod safe_fs;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

use self::archive::Archive;
use self::claims::Claims;
use self::name::NameTemplate;

/// How the store treats what it finds.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreOptions {
    /// `--overwrite`: replace files no other item owns, and fetch recorded items again.
    pub overwrite: bool,
    /// `--sidecar`: `<name>.json` beside each file.
    pub sidecar: bool,
    /// `--captions`: `<stem>.txt` beside each file.
    pub captions: bool,
}

/// The output folder of one run: its archive, the names taken so far, its lock.
pub struct Store {
    dir: PathBuf,
    template: NameTemplate,
    archive: Archive,
    options: StoreOptions,
    /// Final names (and captions) taken in this run, and by which id: two items never share
    /// a name.
    claimed: Mutex<Claims>,
    /// Files saved as `{stem}-{id}` because their name was taken: (saved, wanted).
    renamed: Mutex<Vec<(PathBuf, PathBuf)>>,
    /// Held for the whole run (none for a dry run, which writes nothing).
    _lock: Option<lock::DirLock>,
}

impl Store {
    /// Opens `dir` (created and locked; only read for a dry run) and its archive.
    pub fn open(
        dir: PathBuf,
        template: NameTemplate,
        options: StoreOptions,
        dry_run: bool,
    ) -> Result<Self> {
        let (archive, lock) = if dry_run {
            (Archive::load(&dir)?, None)
        } else {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let lock = lock::acquire(&dir)?;
            (Archive::open(&dir)?, Some(lock))
        };
        Ok(Store {
            dir,
            template,
            archive,
            options,
            claimed: Mutex::new(Claims::default()),
            renamed: Mutex::new(Vec::new()),
            _lock: lock,
        })
    }

    /// The output folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The `--name` template.
    pub fn template(&self) -> &NameTemplate {
        &self.template
    }

    /// The archive of completed items.
    pub fn archive(&self) -> &Archive {
        &self.archive
    }

    /// The recorded file of item `id` when it is complete on disk (never with
    /// `--overwrite`, which fetches every item again).
    pub fn complete(&self, id: u64) -> Option<PathBuf> {
        if self.options.overwrite {
            return None;
        }
        self.archive
            .complete(id)
            .map(|rec| PathBuf::from(&rec.name))
    }

    /// Records a file saved under `rel`.
    pub fn record(&self, rel: &Path, id: u64, size: u64, sha256: String) -> Result<()> {
        self.archive.append(&archive::Record {
            id,
            name: claims::slash_path(rel),
            size,
            sha256,
        })
    }

    /// Creates `path`'s folders below DIR, through real folders only.
    pub fn create_dirs(&self, path: &Path) -> std::io::Result<()> {
        safe_fs::create_dirs_inside(&self.dir, path)
    }

    /// The files saved under another name so far, for the summary.
    pub fn renamed_files(&self) -> Vec<(PathBuf, PathBuf)> {
        self.renamed.lock().map(|r| r.clone()).unwrap_or_default()
    }
}
