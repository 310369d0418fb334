//! Reading generation metadata from local image files (PNG, JPEG, WebP) and sidecars.
//!
//! The container is decided from the first bytes, never the extension: Civitai names every
//! image `.jpeg` whatever it holds (`shared/civitai/API.md`, "Image URLs and files").

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

use super::exif_comment;
use super::record::GenRecord;

/// Cap on one decompressed zTXt/iTXt chunk; ComfyUI workflows are large but not this large.
const MAX_TEXT: usize = 32 << 20;

/// Largest sidecar we read; an API item is a few KiB.
const MAX_SIDECAR: u64 = 64 << 20;

#[derive(Debug, Clone, Copy)]
enum Container {
    Png,
    Jpeg,
    WebP,
}

impl std::fmt::Display for Container {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Container::Png => "PNG",
            Container::Jpeg => "JPEG",
            Container::WebP => "WebP",
        })
    }
}

impl Container {
    fn sniff(head: &[u8]) -> Option<Container> {
        if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Container::Png)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Container::Jpeg)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(Container::WebP)
        } else {
            None
        }
    }
}

/// Reads the generation data embedded in an image file.
///
/// `Ok(None)`: a PNG/JPEG/WebP without generation data. `Err`: the file cannot be read,
/// is not one of those images, or its metadata is corrupt; the message names the file.
pub fn read_file(path: &Path) -> Result<Option<GenRecord>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut reader = BufReader::new(file);
    let mut head = Vec::with_capacity(12);
    (&mut reader)
        .take(12)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let container = Container::sniff(&head)
        .ok_or_else(|| anyhow!("{}: not a PNG, JPEG or WebP image", path.display()))?;
    reader.rewind()?;
    let source = path.display().to_string();
    let record = match container {
        Container::Png => png_texts(reader).map(|texts| from_png_texts(texts, &source)),
        Container::Jpeg => {
            jpeg_text(&mut reader).map(|text| text.and_then(|t| GenRecord::from_text(&t, &source)))
        }
        Container::WebP => exif_comment::webp_comment(&mut reader)
            .map(|text| text.and_then(|t| GenRecord::from_text(&t, &source))),
    };
    record.with_context(|| format!("reading {container} metadata of {}", path.display()))
}

/// A JPEG's EXIF UserComment, else its first non-empty COM segment (where some tools
/// write the same `parameters` text).
fn jpeg_text<R: BufRead + Seek>(reader: &mut R) -> Result<Option<String>> {
    if let Some(text) = exif_comment::jpeg_comment(reader)? {
        return Ok(Some(text));
    }
    reader.rewind()?;
    jpeg_com_segment(reader)
}

/// Walks the JPEG segments before the scan data looking for a COM (0xFFFE) segment.
fn jpeg_com_segment<R: Read + Seek>(reader: &mut R) -> Result<Option<String>> {
    let mut byte = [0u8; 2];
    reader.read_exact(&mut byte)?; // SOI, already sniffed
    loop {
        reader.read_exact(&mut byte[..1])?;
        if byte[0] != 0xFF {
            bail!("corrupt JPEG segment marker");
        }
        // Any number of 0xFF fill bytes may precede the marker code.
        let marker = loop {
            reader.read_exact(&mut byte[..1])?;
            if byte[0] != 0xFF {
                break byte[0];
            }
        };
        match marker {
            0xDA | 0xD9 => return Ok(None), // start of scan / end of image
            0x01 | 0xD0..=0xD7 => continue, // markers without a length
            _ => {}
        }
        reader.read_exact(&mut byte)?;
        let len = u64::from(u16::from_be_bytes(byte)).saturating_sub(2);
        if marker != 0xFE {
            reader.seek(SeekFrom::Current(len as i64))?;
            continue;
        }
        let mut body = Vec::new();
        reader.take(len).read_to_end(&mut body)?;
        let text = String::from_utf8_lossy(&body);
        let text = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
        if !text.is_empty() {
            return Ok(Some(text.to_string()));
        }
    }
}

/// Reads every text chunk (tEXt, zTXt, iTXt) of a PNG as `(keyword, text)`.
///
/// Chunks before the image data come with the header; only when those lack generation
/// data do we read on past the pixels (which the decoder skips, not stores).
fn png_texts<R: Read>(reader: R) -> Result<Vec<(String, String)>> {
    let mut png = png::Decoder::new(reader)
        .read_info()
        .context("invalid PNG")?;
    let mut texts = collect_texts(png.info());
    if !texts.iter().any(|(k, _)| is_generation_key(k)) {
        // Pixel data that cannot be inflated (a truncated download, say) tells nothing about
        // the metadata: keep the text chunks read up to there instead of failing the file,
        // so it reads as "no generation data" and a sidecar can still stand in.
        let _ = png.finish();
        texts = collect_texts(png.info());
    }
    Ok(texts)
}

fn is_generation_key(keyword: &str) -> bool {
    matches!(keyword, "parameters" | "prompt" | "workflow")
}

fn collect_texts(info: &png::Info) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for chunk in &info.uncompressed_latin1_text {
        out.push((chunk.keyword.clone(), latin1_or_utf8(&chunk.text)));
    }
    // A chunk whose compressed text is corrupt is skipped, not fatal: others may be fine.
    for chunk in &info.compressed_latin1_text {
        let mut chunk = chunk.clone();
        if chunk.decompress_text_with_limit(MAX_TEXT).is_ok() {
            if let Ok(text) = chunk.get_text() {
                out.push((chunk.keyword.clone(), latin1_or_utf8(&text)));
            }
        }
    }
    for chunk in &info.utf8_text {
        let mut chunk = chunk.clone();
        if chunk.decompress_text_with_limit(MAX_TEXT).is_ok() {
            if let Ok(text) = chunk.get_text() {
                out.push((chunk.keyword.clone(), text));
            }
        }
    }
    out
}

/// tEXt is Latin-1 by the spec, but several generators put UTF-8 bytes in it; the png
/// crate then hands us mojibake. Undo that when the bytes form valid UTF-8.
fn latin1_or_utf8(text: &str) -> String {
    let bytes: Option<Vec<u8>> = text.chars().map(|c| u8::try_from(c).ok()).collect();
    match bytes {
        Some(b) if !b.is_ascii() => String::from_utf8(b).unwrap_or_else(|_| text.to_string()),
        _ => text.to_string(),
    }
}

/// Turns PNG text chunks into a record: `parameters` (A1111) first, then ComfyUI's
/// `prompt`/`workflow`; other chunks ride along in `extra`.
fn from_png_texts(texts: Vec<(String, String)>, source: &str) -> Option<GenRecord> {
    let get = |key: &str| {
        texts
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t.as_str())
    };
    let a1111 = get("parameters").and_then(|t| GenRecord::from_text(t, source));
    let comfy = match (get("prompt"), get("workflow")) {
        (Some(prompt), workflow) => Some(GenRecord::from_comfy(prompt, workflow, source)),
        (None, Some(workflow)) => Some(GenRecord::from_comfy("null", Some(workflow), source)),
        (None, None) => None,
    };
    let mut record = match (a1111, comfy) {
        (Some(mut a), Some(c)) => {
            a.merge_missing(c);
            a
        }
        (a, c) => a.or(c)?,
    };
    if record.extra.get("comfyPrompt") == Some(&Value::Null) {
        record.extra.shift_remove("comfyPrompt");
    }
    for (keyword, text) in texts {
        if !is_generation_key(&keyword) {
            record.extra.entry(keyword).or_insert(Value::String(text));
        }
    }
    Some(record)
}

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
/// Such a record's `source` is `sidecar:<sidecar path>`.
pub fn read_file_or_sidecar(path: &Path) -> Result<Option<GenRecord>> {
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
    fn utf8_bytes_in_text_chunks_are_recovered() {
        // "é" as UTF-8 bytes read back as Latin-1 by the png crate.
        assert_eq!(latin1_or_utf8("\u{c3}\u{a9}"), "é");
        assert_eq!(latin1_or_utf8("caf\u{e9}"), "café");
        assert_eq!(latin1_or_utf8("plain"), "plain");
    }

    #[test]
    fn sidecar_names() {
        assert_eq!(sidecar_for(Path::new("d/1.jpeg")), Path::new("d/1.json"));
        assert_eq!(sidecar_for(Path::new("d/1")), Path::new("d/1.json"));
    }
}
