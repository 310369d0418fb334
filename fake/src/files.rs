//! The bytes of image and video files: a real signature and header, then generated filler.
//!
//! A file is computed from (seed, offset) on demand, so a 1 GiB original is never held in
//! memory: [`FileSpec::read_at`] fills any window of it.

use super::build::{jpeg, png, tiff, webp};
use super::util::mix;

/// The real type of a file, decided by its first bytes whatever its name says (doc/api.md,
/// "Image URLs and files").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `\x89PNG`, with IHDR and generation text chunks.
    Png,
    /// `\xFF\xD8\xFF`: EXIF (with the generation text) or JFIF, SOF0, SOS.
    Jpeg,
    /// `RIFF....WEBP`: `VP8X` + `EXIF` (with the generation text), `VP8L`.
    Webp,
    /// `GIF89a`.
    Gif,
    /// ISO BMFF with an `ftyp` box.
    Mp4,
    /// EBML / Matroska with DocType `webm`.
    Webm,
    /// MPEG-1 Layer III audio: an `ID3` tag first, or (odd seeds) a bare frame sync.
    Mp3,
}

impl Format {
    /// Whether items of this format are `type: "video"`.
    pub fn is_video(self) -> bool {
        matches!(self, Format::Mp4 | Format::Webm)
    }

    /// The correct `Content-Type`.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
            Format::Mp4 => "video/mp4",
            Format::Webm => "video/webm",
            Format::Mp3 => "audio/mpeg",
        }
    }
}

/// Layout of one file: a small head, `len - head - tail` filler bytes, a small tail.
pub struct FileSpec {
    head: Vec<u8>,
    tail: Vec<u8>,
    len: u64,
    seed: u64,
    /// The filler is JPEG scan data, where a 0xFF byte would read as a marker.
    no_ff: bool,
}

impl FileSpec {
    /// A file of exactly `len` bytes. `text` goes into PNG text chunks; JPEG and WebP carry its
    /// `parameters` entry as EXIF UserComment. Text that does not fit is left out.
    pub fn new(
        format: Format,
        len: u64,
        seed: u64,
        dims: (u64, u64),
        text: &[(&str, String)],
    ) -> FileSpec {
        let fits = |(head, tail): &(Vec<u8>, Vec<u8>)| (head.len() + tail.len()) as u64 <= len;
        let mut parts = layout(format, len, seed, dims, text);
        if !fits(&parts) {
            parts = layout(format, len, seed, dims, &[]);
        }
        if !fits(&parts) {
            // Too small for the structure: keep the signature, which is what clients sniff.
            let (head, tail) = &mut parts;
            tail.clear();
            head.truncate(len.min(head.len() as u64) as usize);
            if format == Format::Png {
                head.truncate(8.min(len as usize));
            }
        }
        let (head, tail) = parts;
        FileSpec {
            head,
            tail,
            len,
            seed,
            no_ff: format == Format::Jpeg,
        }
    }

    /// Total size in bytes (the `Content-Length` of a full response).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Fill `buf` with the bytes at `offset..offset + buf.len()` (must lie within the file).
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) {
        let end = offset + buf.len() as u64;
        let head_end = self.head.len() as u64;
        let tail_start = self.len - self.tail.len() as u64;
        let (mut p, mut k) = (offset, 0usize);
        while p < end {
            let n = if p < head_end {
                let n = (head_end.min(end) - p) as usize;
                buf[k..k + n].copy_from_slice(&self.head[p as usize..p as usize + n]);
                n
            } else if p >= tail_start {
                let from = (p - tail_start) as usize;
                let n = (end - p) as usize;
                buf[k..k + n].copy_from_slice(&self.tail[from..from + n]);
                n
            } else {
                let n = (tail_start.min(end) - p) as usize;
                let out = &mut buf[k..k + n];
                fill(self.seed, p, out);
                if self.no_ff {
                    out.iter_mut()
                        .filter(|b| **b == 0xFF)
                        .for_each(|b| *b = 0xFE);
                }
                n
            };
            p += n as u64;
            k += n;
        }
    }

    /// The whole file in memory (only for small files: the `original_bytes` oracle).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = vec![0; self.len as usize];
        self.read_at(0, &mut v);
        v
    }
}

/// Filler bytes at absolute positions `p..p + out.len()`: one hashed word per 8 bytes.
fn fill(seed: u64, p: u64, out: &mut [u8]) {
    let word = |block: u64| mix(seed ^ block.wrapping_mul(0x9E37_79B9_7F4A_7C15)).to_le_bytes();
    let mut k = 0;
    while k < out.len() {
        let q = p + k as u64;
        let (block, within) = (q / 8, (q % 8) as usize);
        let n = (8 - within).min(out.len() - k);
        out[k..k + n].copy_from_slice(&word(block)[within..within + n]);
        k += n;
    }
}

/// Head and tail bytes of a file of `len` bytes in `format`.
fn layout(
    format: Format,
    len: u64,
    seed: u64,
    (w, h): (u64, u64),
    text: &[(&str, String)],
) -> (Vec<u8>, Vec<u8>) {
    match format {
        Format::Png => png_layout(len, seed, (w, h), text),
        Format::Jpeg => jpeg_layout(seed, (w, h), parameters(text)),
        Format::Webp => webp_layout(len, (w, h), parameters(text)),
        Format::Gif => {
            let mut head = b"GIF89a".to_vec();
            head.extend_from_slice(&(w as u16).to_le_bytes());
            head.extend_from_slice(&(h as u16).to_le_bytes());
            head.extend_from_slice(&[0xF7, 0, 0]);
            (head, vec![0x3B])
        }
        Format::Mp4 => {
            let mut head = vec![0, 0, 0, 0x20];
            head.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2avc1mp41");
            head.extend_from_slice(&[0, 0, 0, 1]);
            head.extend_from_slice(b"mdat");
            head.extend_from_slice(&len.saturating_sub(32).to_be_bytes());
            (head, vec![])
        }
        Format::Webm => {
            let mut head = vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F];
            head.extend_from_slice(&[
                0x42, 0x86, 0x81, 1, 0x42, 0xF7, 0x81, 1, 0x42, 0xF2, 0x81, 4,
            ]);
            head.extend_from_slice(&[0x42, 0xF3, 0x81, 8, 0x42, 0x82, 0x84]);
            head.extend_from_slice(b"webm");
            head.extend_from_slice(&[0x42, 0x87, 0x81, 4, 0x42, 0x85, 0x81, 2]);
            head.extend_from_slice(&[
                0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            ]);
            (head, vec![])
        }
        Format::Mp3 => (mp3_head(seed), vec![]),
    }
}

/// An ID3v2.4 tag holding a title, then an MPEG-1 Layer III frame header (128 kbit/s,
/// 44.1 kHz); for odd seeds the frame header alone, as files without tags start.
fn mp3_head(seed: u64) -> Vec<u8> {
    const FRAME: [u8; 4] = [0xFF, 0xFB, 0x90, 0x64];
    if seed % 2 == 1 {
        return FRAME.to_vec();
    }
    let title = b"\x03fake civitai audio";
    let mut frame = b"TIT2".to_vec();
    frame.extend_from_slice(&(title.len() as u32).to_be_bytes());
    frame.extend_from_slice(&[0, 0]);
    frame.extend_from_slice(title);
    // The tag size is "syncsafe": 7 bits per byte.
    let n = frame.len() as u32;
    let size = [
        (n >> 21) as u8 & 0x7F,
        (n >> 14) as u8 & 0x7F,
        (n >> 7) as u8 & 0x7F,
        n as u8 & 0x7F,
    ];
    let mut head = b"ID3\x04\x00\x00".to_vec();
    head.extend_from_slice(&size);
    head.extend_from_slice(&frame);
    head.extend_from_slice(&FRAME);
    head
}

/// The A1111 `parameters` text among `text`, which JPEG and WebP keep in EXIF.
fn parameters<'a>(text: &'a [(&str, String)]) -> Option<&'a str> {
    text.iter()
        .find(|(key, _)| *key == "parameters")
        .map(|(_, value)| value.as_str())
}

/// A structurally valid PNG: signature, IHDR, text chunks, one IDAT of filler, IEND.
/// The IDAT is not real zlib data (so not decodable), but every chunk before it is well formed,
/// which is all a reader of generation parameters needs.
fn png_layout(
    len: u64,
    seed: u64,
    (w, h): (u64, u64),
    text: &[(&str, String)],
) -> (Vec<u8>, Vec<u8>) {
    let mut head = png::SIGNATURE.to_vec();
    png::chunk(
        &mut head,
        b"IHDR",
        &png::ihdr(w as u32, h as u32, png::Color::Rgb),
    );
    for (key, value) in text {
        // Text outside ASCII goes in iTXt (UTF-8) rather than tEXt (Latin-1).
        let kind = match value.is_ascii() {
            true => png::TextKind::Text,
            false => png::TextKind::Itxt,
        };
        let (kind, data) = png::text_chunk(kind, key, value);
        png::chunk(&mut head, &kind, &data);
    }
    let mut tail = (mix(seed) as u32).to_be_bytes().to_vec(); // IDAT CRC (not checked by text readers)
    png::chunk(&mut tail, b"IEND", &[]);
    let idat = len.saturating_sub((head.len() + 8 + tail.len()) as u64);
    head.extend_from_slice(&(idat.min(u64::from(u32::MAX)) as u32).to_be_bytes());
    head.extend_from_slice(b"IDAT");
    (head, tail)
}

/// Head and tail of a JPEG: SOI, APP1 `Exif` with the comment (A1111's TIFF, `MM` or `II` by
/// seed; else a plain JFIF APP0, as the CDN's re-encoded variants and images without
/// parameters have), SOF0 with the dimensions, SOS; the filler between head and tail is the
/// scan data; EOI ends the file.
fn jpeg_layout(seed: u64, (w, h): (u64, u64), comment: Option<&str>) -> (Vec<u8>, Vec<u8>) {
    let tiff = comment
        .map(|c| tiff::a1111(c, seed & 1 == 0))
        .filter(|t| t.len() + 6 <= jpeg::MAX_SEGMENT);
    let start = match tiff {
        Some(tiff) => jpeg::Jpeg::new().exif(&tiff),
        None => jpeg::Jpeg::new().jfif(),
    };
    let dim = |v: u64| v.clamp(1, 0xFFFF) as u16;
    (start.ycbcr_scan_head(dim(w), dim(h)), vec![0xFF, 0xD9])
}

/// Head and tail of a WebP of `len` bytes: `RIFF` size `WEBP`, then with a comment a `VP8X`
/// chunk flagging EXIF and the `EXIF` chunk (A1111's TIFF, bare), then a `VP8L` chunk whose
/// 5-byte header is real and whose bitstream is the filler to the end.
fn webp_layout(len: u64, (w, h): (u64, u64), comment: Option<&str>) -> (Vec<u8>, Vec<u8>) {
    let riff_size = len.saturating_sub(8).min(u64::from(u32::MAX)) as u32;
    let mut head = b"RIFF".to_vec();
    head.extend_from_slice(&riff_size.to_le_bytes());
    head.extend_from_slice(b"WEBP");
    let (w, h) = (w.clamp(1, 1 << 14) as u32, h.clamp(1, 1 << 14) as u32);
    if let Some(comment) = comment {
        webp::chunk(&mut head, b"VP8X", &webp::vp8x(webp::EXIF_FLAG, w, h));
        webp::chunk(&mut head, b"EXIF", &tiff::a1111(comment, true));
    }
    // Natural WebP sizes are even; an odd forced size leaves out the last chunk's pad byte.
    let payload = len
        .saturating_sub(head.len() as u64 + 8)
        .min(u64::from(u32::MAX));
    head.extend_from_slice(b"VP8L");
    head.extend_from_slice(&(payload as u32).to_le_bytes());
    head.extend_from_slice(&webp::vp8l_header(w, h));
    (head, vec![])
}
