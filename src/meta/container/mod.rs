//! The container step: the raw text entries of an image file and its pixel size, whatever
//! the format. PNG text chunks (tEXt, zTXt, iTXt) and `eXIf`; JPEG APP1 EXIF (main IFD
//! and Exif IFD), XMP and COM; WebP EXIF and XMP chunks; AVIF and HEIC `Exif` and XMP
//! items. The container is decided from the first bytes, never the extension: Civitai
//! names every image `.jpeg` whatever it holds (`doc/api.md`, "Image URLs and files").
//!
//! Everything here is bounded: a file yields at most [`MAX_TEXT`] bytes of text across all
//! its entries (compressed text inflated), and only chunks a parser reads are inflated; no
//! single chunk, segment or item is read past [`MAX_CHUNK`] bytes. The readers take any
//! `Read + Seek`, so they run over bytes in memory as well as over files
//! (`crate::meta::read_bytes`; the property tests in `props.rs`).

mod exif;
mod heif;
mod jpeg;
mod png;
mod stealth;
mod webp;
mod xmp;

#[cfg(test)]
mod props;

use std::io::{BufRead, Read, Seek};

use anyhow::Result;

use crate::sniff::Format;

pub use exif::decode_user_comment;

/// Most text a file may yield in total (compressed text inflated, stored text as is).
pub const MAX_TEXT: usize = 64 << 20;

/// Largest chunk or metadata block read into memory at once.
const MAX_CHUNK: u64 = 16 << 20;

/// Most entries kept from one file; real files have a handful.
const MAX_ENTRIES: usize = 256;

/// PNG keywords some generator parser reads: only these chunks are inflated when
/// compressed (other compressed chunks are skipped unread; stored ones ride along).
const READ_KEYS: &[&str] = &[
    "parameters",
    "prompt",
    "workflow",
    "Comment",
    "Description",
    "Source",
    "Software",
    "Title",
    "Dream",
    "sd-metadata",
    "invokeai_metadata",
    "invokeai_graph",
    "generation_data",
    "parameters-json",
    "smproj",
    "fooocus_scheme",
    "XML:com.adobe.xmp",
];

/// The image formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    Png,
    Jpeg,
    WebP,
    /// AVIF: HEIF with AV1 images.
    Avif,
    /// HEIC and other HEIF files.
    Heif,
}

impl std::fmt::Display for Container {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Container::Png => "PNG",
            Container::Jpeg => "JPEG",
            Container::WebP => "WebP",
            Container::Avif => "AVIF",
            Container::Heif => "HEIF",
        })
    }
}

impl Container {
    /// The container to parse in a file whose first bytes are `head`, as the one sniffer
    /// ([`crate::sniff`]) reads them; `None` for files that hold no metadata read here
    /// (GIF, videos, audio, anything unknown).
    pub(crate) fn sniff(head: &[u8]) -> Option<Container> {
        Format::sniff(head).and_then(Container::of)
    }

    /// The container of a file of this format. AVIF, HEIC and generic HEIF share one reader;
    /// only the name in messages tells an AVIF apart.
    pub(crate) fn of(format: Format) -> Option<Container> {
        match format {
            Format::Png => Some(Container::Png),
            Format::Jpeg => Some(Container::Jpeg),
            Format::WebP { .. } => Some(Container::WebP),
            Format::Avif { .. } => Some(Container::Avif),
            Format::Heic { .. } | Format::Heif { .. } => Some(Container::Heif),
            Format::Gif | Format::Mp4 | Format::WebM | Format::Mp3 => None,
        }
    }
}

/// The raw entries of one file, in file order: (key, text).
///
/// At most [`MAX_ENTRIES`] entries and [`MAX_TEXT`] bytes of text in all: an entry past
/// either is dropped, so no file can make its entries larger, however its fields point
/// at each other.
///
/// Keys are PNG keywords as written; EXIF fields by tag name (`UserComment`,
/// `ImageDescription`, `Make`, `Model`, `Software`), except that a field holding
/// `prompt: {…}` or `workflow: {…}` (ComfyUI savers) is filed under `prompt`/`workflow`;
/// `XMP` and `JPEG comment` for the other blocks.
#[derive(Debug, Default, Clone)]
pub(crate) struct Entries {
    /// Key and text of every entry.
    pub texts: Vec<(String, String)>,
    /// Pixel size from the image header.
    pub size: Option<(u32, u32)>,
    /// Bytes of text held (keys are not counted: each is at most its chunk).
    held: usize,
}

impl Entries {
    /// The first entry named `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.texts
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t.as_str())
    }

    /// Adds an entry unless the file already gave too many, or too much text.
    pub(crate) fn push(&mut self, key: &str, text: String) {
        let held = self.held.saturating_add(text.len());
        if self.texts.len() < MAX_ENTRIES && held <= MAX_TEXT {
            self.held = held;
            self.texts.push((key.to_string(), text));
        }
    }

    /// Bytes of text held in all.
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.held
    }

    /// Entries from literal pairs (tests build their records this way).
    #[cfg(test)]
    pub(crate) fn from_texts(pairs: &[(&str, &str)]) -> Entries {
        Entries {
            texts: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            size: None,
            held: 0,
        }
    }
}

/// What is left of a file's text allowance.
pub(crate) struct Budget {
    left: usize,
}

impl Budget {
    pub(crate) fn new() -> Budget {
        Budget { left: MAX_TEXT }
    }

    /// Counts stored text; false (and nothing counted) once it would pass the allowance.
    pub(crate) fn take(&mut self, len: usize) -> bool {
        if len > self.left {
            return false;
        }
        self.left -= len;
        true
    }

    /// Inflates zlib (or gzip) data within what is left; None when corrupt or too large.
    /// A chunk that would pass the allowance uses it up: later chunks are not inflated.
    pub(crate) fn inflate(&mut self, data: &[u8], gzip: bool) -> Option<Vec<u8>> {
        let limit = self.left as u64 + 1;
        let mut out = Vec::new();
        let read = if gzip {
            flate2::read::GzDecoder::new(data)
                .take(limit)
                .read_to_end(&mut out)
        } else {
            flate2::read::ZlibDecoder::new(data)
                .take(limit)
                .read_to_end(&mut out)
        };
        if out.len() > self.left {
            self.left = 0;
            return None;
        }
        self.left -= out.len();
        read.ok().map(|_| out)
    }
}

/// Reads the entries of a file of a known container, with what its XMP packet adds
/// ([`from_xmp`]).
pub(crate) fn read<R: BufRead + Seek>(reader: &mut R, container: Container) -> Result<Entries> {
    let mut budget = Budget::new();
    let mut entries = match container {
        Container::Png => png::read(reader, &mut budget),
        Container::Jpeg => jpeg::read(reader),
        Container::WebP => webp::read(reader),
        Container::Avif | Container::Heif => heif::read(reader, &mut budget),
    }?;
    // The packet is lent out, not copied, while what it adds is pushed after it.
    if let Some(at) = entries.texts.iter().position(|(k, _)| k == "XMP") {
        let packet = std::mem::take(&mut entries.texts[at].1);
        from_xmp(&mut entries, &packet);
        entries.texts[at].1 = packet;
    }
    Ok(entries)
}

/// Fields an XMP packet holds that the file gave no other way: `exif:UserComment` stands in
/// for a missing EXIF one, ComfyUI's `comfy:prompt` and `comfy:workflow` for missing
/// `prompt` and `workflow` entries.
fn from_xmp(entries: &mut Entries, packet: &str) {
    if entries.get("UserComment").is_none() {
        if let Some(text) = xmp::user_comment(packet) {
            entries.push("UserComment", text);
        }
    }
    for (key, graph) in xmp::comfy_graphs(packet) {
        if entries.get(key).is_none() {
            entries.push(key, graph);
        }
    }
}

/// The container of an image held in memory and its entries; None when the bytes are no
/// image read here.
#[cfg(test)]
pub(crate) fn read_bytes(bytes: &[u8]) -> Option<(Container, Result<Entries>)> {
    let head = bytes.get(..crate::sniff::SNIFF_LEN).unwrap_or(bytes);
    let container = Container::sniff(head)?;
    Some((container, read(&mut std::io::Cursor::new(bytes), container)))
}

/// A1111 parameters hidden in the low bits of a PNG's alpha channel, read only when the
/// file holds nothing else.
pub(crate) fn stealth<R: Read + Seek>(reader: &mut R) -> Option<String> {
    reader.rewind().ok()?;
    stealth::read(reader, &mut Budget::new())
}

/// Files a decoded text field under its key, moving ComfyUI's `prompt:`/`workflow:`
/// prefixed fields to those keys.
pub(crate) fn push_field(entries: &mut Entries, key: &str, text: String) {
    let trimmed = text.trim_start();
    for (prefix, name) in [("prompt:", "prompt"), ("workflow:", "workflow")] {
        let head = trimmed.get(..prefix.len());
        if head.is_some_and(|h| h.eq_ignore_ascii_case(prefix)) {
            let rest = trimmed[prefix.len()..].trim_start();
            if rest.starts_with('{') {
                entries.push(name, rest.to_string());
                return;
            }
        }
    }
    entries.push(key, text);
}

/// Reads `len` bytes (at most [`MAX_CHUNK`]); None when the block is larger or cut short.
fn read_block<R: Read>(reader: &mut R, len: u64) -> Option<Vec<u8>> {
    if len > MAX_CHUNK {
        return None;
    }
    let mut buf = Vec::with_capacity(len as usize);
    reader.take(len).read_to_end(&mut buf).ok()?;
    (buf.len() as u64 == len).then_some(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_is_shared_across_chunks() {
        let mut budget = Budget::new();
        let bomb = {
            use std::io::Write;
            let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            enc.write_all(&vec![b'a'; 40 << 20]).unwrap();
            enc.finish().unwrap()
        };
        assert!(bomb.len() < 1 << 20);
        assert_eq!(
            budget.inflate(&bomb, false).map(|v| v.len()),
            Some(40 << 20)
        );
        assert_eq!(budget.inflate(&bomb, false), None, "past 64 MiB in total");
        assert_eq!(budget.inflate(&bomb, false), None, "used up");
        assert!(!budget.take(1));
    }

    // The sniffer the download side uses decides here too: a generic `mif1` file that lists
    // `avif` among its brands is an AVIF (it was "HEIF" here, `.avif` when downloaded).
    #[test]
    fn the_container_is_what_the_one_sniffer_reads() {
        let sniff = |head: &[u8]| Container::sniff(head);
        assert_eq!(
            sniff(b"\0\0\0\x18ftypmif1\0\0\0\0mif1avif"),
            Some(Container::Avif)
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic"),
            Some(Container::Heif)
        );
        assert_eq!(sniff(b"\0\0\0\x10ftypmsf1\0\0\0\0"), Some(Container::Heif));
        assert_eq!(sniff(b"\0\0\0\x18ftypavis"), Some(Container::Avif));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Some(Container::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8X"), Some(Container::WebP));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0"), Some(Container::Jpeg));
        for not_read in [
            &b"\0\0\0\x18ftypisom\0\0\0\0"[..],
            b"GIF89a\x01\0",
            b"ID3\x04\0",
            b"\x1a\x45\xdf\xa3",
            b"RIFF\0\0\0\0WAVE",
        ] {
            assert_eq!(sniff(not_read), None, "{not_read:?}");
        }
    }

    #[test]
    fn comfy_prefixes_become_keys() {
        let mut e = Entries::default();
        push_field(&mut e, "Make", "workflow:{\"a\":1}".into());
        push_field(&mut e, "ImageDescription", "Prompt: {\"3\":{}}".into());
        push_field(&mut e, "Model", "prompt: not json".into());
        assert_eq!(e.get("workflow"), Some("{\"a\":1}"));
        assert_eq!(e.get("prompt"), Some("{\"3\":{}}"));
        assert_eq!(e.get("Model"), Some("prompt: not json"));
    }
}
