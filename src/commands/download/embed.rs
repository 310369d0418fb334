//! `--embed-meta`, between the verified transfer and the archive: a saved PNG, JPEG or WebP
//! that carries no generation data gets the item's `meta` written in as A1111 text
//! (`crate::embed`). The original `.part` stays untouched until the embedded copy has its
//! final name, so an interrupted run resumes the original bytes; the archive records the
//! size and hash of the file as saved. Videos and audio get the same text in their sidecar.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Ctx, Job};
use crate::embed::{self, Kind};
use crate::fetch::{Fetched, FileError};
use crate::meta::GenRecord;

/// The file to give the final name, when the text was embedded.
pub(super) struct Embedded {
    /// The written copy (`<part>.embed`).
    pub path: PathBuf,
    /// Its size.
    pub size: u64,
    /// Its hex SHA-256.
    pub sha256: String,
}

/// The A1111 text of the item's `meta`, if it has any.
fn text_of(item: &Value) -> Option<String> {
    let rec = item.get("meta").and_then(GenRecord::from_api_meta)?;
    embed::a1111_text(&rec)
}

/// Writes the item's text into a copy of `part` when asked and when the file has none.
pub(super) async fn apply(
    ctx: &Ctx,
    job: &Job,
    part: &Path,
    fetched: &Fetched,
) -> Result<Option<Embedded>, FileError> {
    let Some(kind) = Kind::from_ext(fetched.ext).filter(|_| ctx.embed_meta) else {
        return Ok(None);
    };
    let Some(text) = text_of(&job.item) else {
        return Ok(None);
    };
    let (part, id, log) = (part.to_path_buf(), job.id, ctx.log.clone());
    let work = move || -> std::io::Result<Option<Embedded>> {
        // Data of its own (or a file meta cannot read): left exactly as it came.
        if !matches!(crate::meta::read_file(&part), Ok(None)) {
            return Ok(None);
        }
        let plan = match embed::plan(&part, kind, &text)? {
            Ok(plan) => plan,
            Err(why) => {
                log.verbose(&format!("item {id}: generation data not embedded: {why}"));
                return Ok(None);
            }
        };
        let mut path = part.clone().into_os_string();
        path.push(".embed");
        let path = PathBuf::from(path);
        let (size, sha256) = embed::write(&part, &path, &plan)?;
        Ok(Some(Embedded { path, size, sha256 }))
    };
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(e)) => Err(FileError::Local(format!(
            "cannot embed generation data for item {}: {e}",
            job.id
        ))),
        Err(e) => Err(FileError::Local(format!("embedding failed: {e}"))),
    }
}

/// The item as its sidecar holds it: with `--embed-meta`, a video's or an audio file's
/// sidecar also carries the A1111 text under `parameters`.
pub(super) fn sidecar_item<'a>(ctx: &Ctx, job: &'a Job, ext: &str) -> Cow<'a, Value> {
    let media = matches!(ext, "mp4" | "webm" | "mp3");
    let text = (ctx.embed_meta && media)
        .then(|| text_of(&job.item))
        .flatten();
    match (text, job.item.as_object()) {
        (Some(text), Some(obj)) => {
            let mut obj = obj.clone();
            obj.insert("parameters".into(), Value::String(text));
            Cow::Owned(Value::Object(obj))
        }
        _ => Cow::Borrowed(&job.item),
    }
}
