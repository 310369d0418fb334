//! After the bytes: pick the final name, rename the `.part` onto it, record it, write extras.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::archive::Record;
use super::digest::FileDigest;
use super::sniff;
use super::transfer::FileError;
use super::{Ctx, Job};

/// Fetches one job to its final name; returns the bytes saved.
pub(super) async fn download(
    ctx: &Ctx,
    job: &Job,
    bar: &indicatif::ProgressBar,
) -> Result<Saved, FileError> {
    if let Some(rel) = &job.unrecorded {
        if adopt(ctx, job, rel).await? {
            return Ok(Saved::Adopted);
        }
    }
    let part = ctx.dir.join(part_name(ctx, job));
    let (fetched, part) = super::video::fetch(ctx, job, &part, bar).await?;
    // `--embed-meta` may save a copy holding the item's text: its size and hash are recorded.
    let embedded = super::embed::apply(ctx, job, &part, &fetched).await?;
    let (saved, size, sha256) = match &embedded {
        Some(e) => (e.path.clone(), e.size, e.sha256.clone()),
        None => (part.clone(), fetched.size, fetched.sha256.clone()),
    };
    let rel = claim_name(ctx, job, fetched.ext, size, &sha256);
    let path = ctx.dir.join(&rel);
    let local = |e: std::io::Error, p: &Path| {
        FileError::Local(format!("cannot write {}: {e}", p.display()))
    };
    if let Some(parent) = path.parent() {
        super::safe_fs::create_dirs_inside(&ctx.dir, parent).map_err(|e| local(e, parent))?;
    }
    std::fs::rename(&saved, &path).map_err(|e| local(e, &path))?;
    if embedded.is_some() {
        std::fs::remove_file(&part).map_err(|e| local(e, &part))?;
    }
    let _ = super::part::forget_source(&part);
    ctx.archive
        .append(&Record {
            id: job.id,
            name: slash_path(&rel),
            size,
            sha256,
        })
        .map_err(FileError::Unrecorded)?;
    let item = super::embed::sidecar_item(ctx, job, fetched.ext);
    write_extras(ctx, &rel, job.id, &item).map_err(|e| FileError::Local(format!("{e:#}")))?;
    Ok(Saved::Downloaded)
}

/// How a job ended well.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Saved {
    /// Fetched and saved.
    Downloaded,
    /// Already on disk, unrecorded; checked and recorded without fetching it.
    Adopted,
}

/// A file already under this item's name (with any extension civimg saves) that the archive
/// does not know: left by a run whose archive was lost, or copied in. Only an unambiguous
/// match counts, a regular file reached through real folders, that no other item owns.
pub(super) fn unrecorded_file(ctx: &Ctx, item: &Value, id: u64) -> Option<PathBuf> {
    let found: Vec<PathBuf> = sniff::EXTENSIONS
        .iter()
        .map(|ext| ctx.template.render(item, Some(ext)))
        .filter(|rel| {
            let path = ctx.dir.join(rel);
            ctx.archive
                .owner(&slash_path(rel))
                .is_none_or(|owner| owner == id)
                && super::safe_fs::real_dirs_below(&ctx.dir, &path)
                && matches!(
                    super::safe_fs::entry(&path),
                    Ok(super::safe_fs::Entry::File(_))
                )
        })
        .collect();
    match found.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// Records an unrecorded file as complete when it is whole: the original's `Content-Length`
/// (one `HEAD`, no body) equals its size and its first bytes match its extension. Anything
/// else (a failed `HEAD` included) leaves the item to a normal download, which never
/// overwrites a file it did not write.
async fn adopt(ctx: &Ctx, job: &Job, rel: &Path) -> Result<bool, FileError> {
    let path = ctx.dir.join(rel);
    ctx.log.verbose(&format!(
        "HEAD {}",
        crate::walk::client::display_url(&job.url)
    ));
    // Under the stall rule of every request: an answer within `--timeout`.
    let head = tokio::time::timeout(ctx.timeout, ctx.http.head(job.url.clone()).send()).await;
    let Ok(Ok(resp)) = head else {
        return Ok(false);
    };
    let length = resp
        .headers()
        .get(reqwest::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if !resp.status().is_success() || length.is_none() {
        return Ok(false);
    }
    let hashed = tokio::task::spawn_blocking(move || FileDigest::of_file(&path)).await;
    let Ok(Ok(digest)) = hashed else {
        return Ok(false);
    };
    let ext = sniff::extension_or_fallback(&digest.head, job.url.as_str());
    if Some(digest.size) != length || rel.extension().is_none_or(|e| e != ext) {
        return Ok(false);
    }
    let record = Record {
        id: job.id,
        name: slash_path(rel),
        size: digest.size,
        sha256: digest.sha256_hex(),
    };
    {
        let mut claims = ctx.claimed.lock().unwrap_or_else(|e| e.into_inner());
        if claims.taken(rel, job.id) {
            return Ok(false);
        }
        claims.claim(rel, job.id, ctx.captions);
    }
    ctx.archive.append(&record).map_err(FileError::Fatal)?;
    write_extras(ctx, rel, job.id, &job.item).map_err(|e| FileError::Local(format!("{e:#}")))?;
    Ok(true)
}

/// `<name>.part` beside the final file, unique per item id whatever the template: the name
/// is the id itself, or has `.{id}` added, so two items never share a `.part`.
fn part_name(ctx: &Ctx, job: &Job) -> PathBuf {
    let mut rel = ctx.template.render(&job.item, None).into_os_string();
    let id = job.id.to_string();
    if Path::new(&rel).file_name() != Some(std::ffi::OsStr::new(&id)) {
        rel.push(format!(".{id}"));
    }
    rel.push(".part");
    PathBuf::from(rel)
}

/// The final relative name. A name belongs to one item: one that another item holds (claimed
/// in this run, owned in the archive even while its file is missing, or on disk with other
/// content) is not taken, and this item gets `-{id}` added to its stem. `--overwrite` replaces
/// only files no other item owns. With `--captions` the caption beside the name (`5.txt` for
/// `5.png`) must be free for this item too, so `5.png` and `5.jpeg` of two items each get
/// their own.
fn claim_name(ctx: &Ctx, job: &Job, ext: &str, size: u64, sha256: &str) -> PathBuf {
    let wanted = ctx.template.render(&job.item, Some(ext));
    let mut claims = ctx.claimed.lock().unwrap_or_else(|e| e.into_inner());
    let free = |rel: &Path| -> bool {
        let name = slash_path(rel);
        let owner = ctx.archive.owner(&name);
        if claims.taken(rel, job.id) || owner.is_some_and(|o| o != job.id) {
            return false;
        }
        if ctx.captions && caption_taken(ctx, &claims, rel, job.id) {
            return false;
        }
        let path = ctx.dir.join(rel);
        owner == Some(job.id)
            || !path.exists()
            || ctx.overwrite
            || same_content(&path, size, sha256)
    };
    let rel = if free(&wanted) {
        wanted
    } else {
        let other = with_id_suffix(&wanted, job.id);
        if let Ok(mut renamed) = ctx.renamed.lock() {
            renamed.push((other.clone(), wanted));
        }
        other
    };
    claims.claim(&rel, job.id, ctx.captions);
    rel
}

/// Whether the caption beside `rel` is another item's (in this run or in the archive).
fn caption_taken(ctx: &Ctx, claims: &Claims, rel: &Path, id: u64) -> bool {
    let caption = rel.with_extension("txt");
    claims.caption_taken(&caption, id) || ctx.archive.caption_taken(&slash_path(&caption), id)
}

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
    pub(super) fn claim(&mut self, rel: &Path, id: u64, captions: bool) {
        self.names.insert(rel.to_path_buf(), id);
        if captions {
            self.captions.insert(rel.with_extension("txt"), id);
        }
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
fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `--sidecar` (`<name>.json`, the full item) and `--captions` (`<stem>.txt`, the prompt) of
/// the file `rel` of item `id`, each written whole under a temporary name first, through real
/// folders only (a folder planted as a link fails, as it does for downloads). Existing extras
/// are left alone; a caption another item owns is not written.
pub(super) fn write_extras(ctx: &Ctx, rel: &Path, id: u64, item: &Value) -> anyhow::Result<()> {
    if !ctx.sidecar && !ctx.captions {
        return Ok(());
    }
    let path = ctx.dir.join(rel);
    if let Some(parent) = path.parent() {
        super::safe_fs::create_dirs_inside(&ctx.dir, parent)
            .map_err(|e| anyhow::anyhow!("cannot write beside {}: {e}", path.display()))?;
    }
    if ctx.sidecar {
        let mut name = path.as_os_str().to_owned();
        name.push(".json");
        let mut body = serde_json::to_vec_pretty(item)?;
        body.push(b'\n');
        write_new(Path::new(&name), &body)?;
    }
    if ctx.captions {
        // The prompt of the normalized record, as `meta ID` and `list --fields meta.prompt`
        // give it (a ComfyUI-only meta has it in its graph).
        let record = item
            .get("meta")
            .and_then(crate::meta::GenRecord::from_api_meta);
        let prompt = record.and_then(|r| r.prompt);
        let Some(prompt) = prompt.filter(|p| !p.trim().is_empty()) else {
            return Ok(());
        };
        let claims = ctx.claimed.lock().unwrap_or_else(|e| e.into_inner());
        if caption_taken(ctx, &claims, rel, id) {
            anyhow::bail!(
                "no caption for {id}: {} is another item's",
                rel.with_extension("txt").display()
            );
        }
        drop(claims);
        write_new(
            &path.with_extension("txt"),
            format!("{}\n", prompt.trim()).as_bytes(),
        )?;
    }
    Ok(())
}

/// Writes `path` via a fresh `path.part` and a rename, unless `path` already exists (as
/// anything, a link included: it is left alone, never written through).
fn write_new(path: &Path, body: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context;
    if super::safe_fs::entry(path)? != super::safe_fs::Entry::Missing {
        return Ok(());
    }
    super::safe_fs::write_whole(path, body)
        .with_context(|| format!("cannot write {}", path.display()))
}
