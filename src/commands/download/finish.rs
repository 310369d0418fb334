//! One job from start to end: a file already on disk adopted, or fetched (`crate::fetch`) and,
//! after the bytes, given its final name, recorded and its extras written (`crate::store`).

use std::path::Path;

use super::{Ctx, Job};
use crate::fetch::{FileError, Shown, Wanted};
use crate::sniff;
use crate::store::digest::FileDigest;

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
    let store = &ctx.store;
    let part = store.dir().join(store.part_name(&job.item, job.id));
    if let Some(parent) = part.parent() {
        store
            .create_dirs(parent)
            .map_err(|e| FileError::disk(e, parent))?;
    }
    let wanted = Wanted {
        id: job.id,
        url: &job.url,
        video: crate::fetch::is_video(&job.item),
        part: &part,
    };
    // The row shows the name the file will have, with its type once its first bytes tell it.
    let name = |ext: &str| shown_name(ctx, job, Some(ext));
    let shown = Shown { bar, name: &name };
    let (fetched, part) = ctx.fetcher.fetch(&wanted, &shown).await?;
    // `--embed-meta` may save a copy holding the item's text: its size and hash are recorded.
    let embedded = super::embed::apply(ctx, job, &part, &fetched).await?;
    let (saved, size, sha256) = match &embedded {
        Some(e) => (e.path.clone(), e.size, e.sha256.clone()),
        None => (part.clone(), fetched.size, fetched.sha256.clone()),
    };
    let rel = store.claim_name(&job.item, job.id, fetched.ext, size, &sha256);
    let path = store.dir().join(&rel);
    let local = |e: std::io::Error, p: &Path| {
        FileError::Local(format!("cannot write {}: {e}", p.display()))
    };
    if let Some(parent) = path.parent() {
        store.create_dirs(parent).map_err(|e| local(e, parent))?;
    }
    std::fs::rename(&saved, &path).map_err(|e| local(e, &path))?;
    if embedded.is_some() {
        std::fs::remove_file(&part).map_err(|e| local(e, &part))?;
    }
    let _ = crate::store::part::forget_source(&part);
    store
        .record(&rel, job.id, size, sha256)
        .map_err(FileError::Unrecorded)?;
    let item = super::embed::sidecar_item(ctx, job, fetched.ext);
    store
        .write_extras(&rel, job.id, &item)
        .map_err(|e| FileError::Local(format!("{e:#}")))?;
    Ok(Saved::Downloaded(size))
}

/// The name a job's file will have in the output folder, for its progress row: without an
/// extension until its type is known (`ext`).
pub(super) fn shown_name(ctx: &Ctx, job: &Job, ext: Option<&str>) -> String {
    let rel = ctx.store.template().render(&job.item, ext);
    crate::text::escape_line(&rel.to_string_lossy()).into_owned()
}

/// How a job ended well.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Saved {
    /// Fetched and saved: the file's size.
    Downloaded(u64),
    /// Already on disk, unrecorded; checked and recorded without fetching it.
    Adopted,
}

/// Records an unrecorded file as complete when it is whole: the original's `Content-Length`
/// (one `HEAD`, no body) equals its size and its first bytes match its extension. Anything
/// else (a failed `HEAD` included) leaves the item to a normal download, which never
/// overwrites a file it did not write.
async fn adopt(ctx: &Ctx, job: &Job, rel: &Path) -> Result<bool, FileError> {
    let path = ctx.store.dir().join(rel);
    let Some((status, length)) = ctx.fetcher.head(&job.url).await else {
        return Ok(false);
    };
    if !status.is_success() || length.is_none() {
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
    if !ctx.store.claim_as_is(rel, job.id) {
        return Ok(false);
    }
    ctx.store
        .record(rel, job.id, digest.size, digest.sha256_hex())
        .map_err(FileError::Fatal)?;
    ctx.store
        .write_extras(rel, job.id, &job.item)
        .map_err(|e| FileError::Local(format!("{e:#}")))?;
    Ok(true)
}
