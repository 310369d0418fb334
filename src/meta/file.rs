//! Reading generation metadata from a local image file: open it safely, run the container
//! step, then detection and the generator's parser; the image header gives the size when
//! the metadata does not.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{BufRead, BufReader, Cursor, Read, Seek};
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

use super::a1111;
use super::container::{self, Container};
use super::detect;
use super::record::GenRecord;
use crate::sniff::SNIFF_LEN;

/// Reads the generation data embedded in an image file.
///
/// `Ok(None)`: a PNG, JPEG, WebP, AVIF or HEIF without generation data. `Err`: the file
/// cannot be read, is not a regular file (a FIFO or a device fails at once, never blocks),
/// is not one of those images, or its metadata is corrupt; the message names the file.
pub fn read_file(path: &Path) -> Result<Option<GenRecord>> {
    let file = open_regular(path)?;
    read_from(&mut BufReader::new(file), &path.display().to_string())
}

/// [`read_file`] over an image held in memory; `source` names it in the record and in
/// errors.
pub fn read_bytes(bytes: &[u8], source: &str) -> Result<Option<GenRecord>> {
    read_from(&mut Cursor::new(bytes), source)
}

fn read_from<R: BufRead + Seek>(reader: &mut R, source: &str) -> Result<Option<GenRecord>> {
    let mut head = Vec::with_capacity(SNIFF_LEN);
    (&mut *reader)
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {source}"))?;
    let container = Container::sniff(&head)
        .ok_or_else(|| anyhow!("{source}: not a PNG, JPEG, WebP, AVIF or HEIF image"))?;
    let entries = container::read(reader, container)
        .with_context(|| format!("reading {container} metadata of {source}"))?;
    let size = entries.size;
    let mut record = detect::record(entries, source);
    if record.is_none() && container == Container::Png {
        record = container::stealth(reader).map(|text| stealth_record(&text, source));
    }
    Ok(record.map(|mut rec| {
        if rec.width.is_none() || rec.height.is_none() {
            if let Some((w, h)) = size {
                (rec.width, rec.height) = (Some(w), Some(h));
            }
        }
        rec
    }))
}

fn stealth_record(text: &str, source: &str) -> GenRecord {
    let mut rec = a1111::record(text, source);
    rec.generator = Some("A1111".into());
    rec.extra.insert("stealth".into(), Value::Bool(true));
    rec
}

/// Opens `path` for reading only if it is a regular file. The open itself cannot block:
/// it is non-blocking on Unix, so a FIFO without a writer opens at once and is refused.
pub(crate) fn open_regular(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let meta = file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?;
    check_regular(path, &meta)?;
    Ok(file)
}

/// Refuses anything but a regular file, naming what it is.
pub(crate) fn check_regular(path: &Path, meta: &Metadata) -> Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    let kind = if meta.is_dir() {
        "a directory"
    } else {
        special_kind(meta)
    };
    bail!("{}: not a regular file ({kind})", path.display())
}

#[cfg(unix)]
fn special_kind(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_meta: &Metadata) -> &'static str {
    "a special file"
}
