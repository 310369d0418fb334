//! Writing generation data into a saved image (`download --embed-meta`): the A1111 text
//! (`text`) as a PNG `parameters` chunk (`png`), or as EXIF `UserComment` in JPEG (`jpeg`)
//! and WebP (`webp`), built by `exif`.
//!
//! Each format only plans an edit from the file's first bytes (where to insert, which header
//! bytes change, what to append); [`write`] then streams the file through once, so a large
//! image costs no more memory than a small one, and hashes what it writes.

mod exif;
mod jpeg;
mod png;
mod text;
mod webp;

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

pub use text::a1111_text;

/// Longest text embedded; a record longer than this is not a prompt.
pub const MAX_TEXT: usize = 1 << 20;

/// An edit of a file: bytes `..at` (with `patches` applied, each inside them), then `insert`,
/// then the rest of the file, then `append`.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    at: u64,
    patches: Vec<(usize, Vec<u8>)>,
    insert: Vec<u8>,
    append: Vec<u8>,
}

/// The image formats that take embedded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// PNG: a `tEXt` (ASCII) or `iTXt` (UTF-8) chunk after `IHDR`.
    Png,
    /// JPEG: an APP1 `Exif` segment after SOI (and after a JFIF APP0).
    Jpeg,
    /// WebP: an `EXIF` chunk, with the `VP8X` header that announces it.
    Webp,
}

impl Kind {
    /// The kind of a saved file by the extension download gave it.
    pub fn from_ext(ext: &str) -> Option<Kind> {
        match ext {
            "png" => Some(Kind::Png),
            "jpeg" | "jpg" => Some(Kind::Jpeg),
            "webp" => Some(Kind::Webp),
            _ => None,
        }
    }
}

/// Why a file was left as it was.
pub type Skip = String;

/// Plans the edit that puts `text` into the image at `src`; Err(reason) when the file is
/// left alone (it carries EXIF of its own, its layout is not one civimg writes into, …).
pub fn plan(src: &Path, kind: Kind, text: &str) -> io::Result<Result<Plan, Skip>> {
    if text.len() > MAX_TEXT {
        return Ok(Err("the text is longer than 1 MiB".into()));
    }
    let mut file = File::open(src)?;
    match kind {
        Kind::Png => png::plan(&mut file, text),
        Kind::Jpeg => jpeg::plan(&mut file, text),
        Kind::Webp => webp::plan(&mut file, text),
    }
}

/// Writes `src` with `plan` applied to a fresh `dst` (synced to disk); returns its size and
/// hex SHA-256.
pub fn write(src: &Path, dst: &Path, plan: &Plan) -> io::Result<(u64, String)> {
    let mut input = File::open(src)?;
    let mut out = create_fresh(dst)?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut emit = |bytes: &[u8], out: &mut File| -> io::Result<()> {
        hasher.update(bytes);
        size += bytes.len() as u64;
        out.write_all(bytes)
    };
    let mut prefix = vec![0u8; plan.at as usize];
    input.read_exact(&mut prefix)?;
    for (offset, bytes) in &plan.patches {
        let end = offset + bytes.len();
        prefix
            .get_mut(*offset..end)
            .ok_or_else(|| io::Error::other("patch outside the head"))?
            .copy_from_slice(bytes);
    }
    emit(&prefix, &mut out)?;
    emit(&plan.insert, &mut out)?;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        emit(&buf[..n], &mut out)?;
    }
    emit(&plan.append, &mut out)?;
    out.sync_all()?;
    let sha = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((size, sha))
}

/// A new file at `path`: whatever was there (a stale copy, a link) is removed, never written
/// through, and the file is created exclusively.
fn create_fresh(path: &Path) -> io::Result<File> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Reads exactly `n` bytes at `offset`; None when the file is shorter.
fn read_at(file: &mut File, offset: u64, n: usize) -> io::Result<Option<Vec<u8>>> {
    file.seek(SeekFrom::Start(offset))?;
    let mut buf = vec![0u8; n];
    match file.read_exact(&mut buf) {
        Ok(()) => Ok(Some(buf)),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests;
