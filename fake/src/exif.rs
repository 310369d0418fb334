//! Heads of JPEG and WebP originals: A1111 / Forge keep their `parameters` text in EXIF
//! `UserComment` (doc/api.md, "Generation parameters inside files"), so these files carry a small
//! TIFF with that tag, in a JPEG APP1 segment or a WebP `EXIF` chunk.
//!
//! Only the head and tail are built here; the bulk of the file (scan data, VP8L bitstream) is
//! filler that [`super::files::FileSpec`] generates by offset.

/// TIFF field types (TIFF 6.0, section 2).
const LONG: u16 = 4;
const UNDEFINED: u16 = 7;
/// Tags: the pointer from IFD0 to the Exif IFD, and two Exif IFD tags (EXIF 2.32).
const TAG_EXIF_IFD: u16 = 0x8769;
const TAG_EXIF_VERSION: u16 = 0x9000;
const TAG_USER_COMMENT: u16 = 0x9286;

/// Largest JPEG segment payload: the 16-bit length counts itself.
const MAX_SEGMENT: usize = 0xFFFF - 2;

/// One IFD entry: tag, type, count and the 4-byte value-or-offset field, already in byte order.
type Entry = (u16, u16, u32, [u8; 4]);

/// Writes TIFF words in one byte order.
struct Order {
    big_endian: bool,
}

impl Order {
    fn u16(&self, v: u16) -> [u8; 2] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    fn u32(&self, v: u32) -> [u8; 4] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    /// An IFD (entries sorted by tag, as TIFF requires) with no next IFD.
    fn ifd(&self, out: &mut Vec<u8>, entries: &[Entry]) {
        out.extend_from_slice(&self.u16(entries.len() as u16));
        for &(tag, ty, count, value) in entries {
            out.extend_from_slice(&self.u16(tag));
            out.extend_from_slice(&self.u16(ty));
            out.extend_from_slice(&self.u32(count));
            out.extend_from_slice(&value);
        }
        out.extend_from_slice(&[0; 4]);
    }
}

/// `UNICODE\0` then UTF-16BE: what A1111 writes through piexif's `UserComment.dump`.
fn user_comment(text: &str) -> Vec<u8> {
    let mut out = b"UNICODE\0".to_vec();
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

/// A TIFF block: header, IFD0 holding only the Exif IFD pointer, the Exif IFD (ExifVersion
/// and the UserComment), then the comment bytes. piexif writes `MM`; other writers `II`.
fn tiff(comment: &str, big_endian: bool) -> Vec<u8> {
    let o = Order { big_endian };
    let comment = user_comment(comment);
    const IFD0: u32 = 8;
    let exif_ifd = IFD0 + 2 + 12 + 4;
    let comment_at = exif_ifd + 2 + 2 * 12 + 4;
    let mut out = if big_endian { b"MM" } else { b"II" }.to_vec();
    out.extend_from_slice(&o.u16(42));
    out.extend_from_slice(&o.u32(IFD0));
    o.ifd(&mut out, &[(TAG_EXIF_IFD, LONG, 1, o.u32(exif_ifd))]);
    o.ifd(
        &mut out,
        &[
            (TAG_EXIF_VERSION, UNDEFINED, 4, *b"0232"),
            (
                TAG_USER_COMMENT,
                UNDEFINED,
                comment.len() as u32,
                o.u32(comment_at),
            ),
        ],
    );
    debug_assert_eq!(out.len() as u32, comment_at);
    out.extend_from_slice(&comment);
    out
}

/// The big-endian TIFF block A1111 writes around `comment` (for other containers' builders).
pub(crate) fn tiff_for(comment: &str) -> Vec<u8> {
    tiff(comment, true)
}

/// Append a JPEG marker segment (`FF code`, big-endian length including itself, payload).
fn segment(out: &mut Vec<u8>, code: u8, payload: &[u8]) {
    assert!(payload.len() <= MAX_SEGMENT, "JPEG segment too long");
    out.extend_from_slice(&[0xFF, code]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(payload);
}

/// Head and tail of a JPEG: SOI, APP1 `Exif` with the comment (else a plain JFIF APP0, as the
/// CDN's re-encoded variants and images without parameters have), SOF0 with the dimensions,
/// SOS; the filler between head and tail is the scan data; EOI ends the file.
pub fn jpeg_layout(seed: u64, (w, h): (u64, u64), comment: Option<&str>) -> (Vec<u8>, Vec<u8>) {
    let mut head = vec![0xFF, 0xD8];
    let app1 = comment
        .map(|c| [&b"Exif\0\0"[..], &tiff(c, seed & 1 == 0)].concat())
        .filter(|p| p.len() <= MAX_SEGMENT);
    match app1 {
        Some(payload) => segment(&mut head, 0xE1, &payload),
        None => segment(&mut head, 0xE0, b"JFIF\0\x01\x01\0\0\x48\0\x48\0\0"),
    }
    let dim = |v: u64| (v.clamp(1, 0xFFFF) as u16).to_be_bytes();
    let mut sof = vec![8];
    sof.extend_from_slice(&dim(h));
    sof.extend_from_slice(&dim(w));
    // Three components, Y sampled 2x2, Cb and Cr 1x1 (4:2:0).
    sof.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    segment(&mut head, 0xC0, &sof);
    segment(&mut head, 0xDA, &[3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
    (head, vec![0xFF, 0xD9])
}

/// Head and tail of a WebP of `len` bytes: `RIFF` size `WEBP`, then with a comment a `VP8X`
/// chunk flagging EXIF and the `EXIF` chunk (bare TIFF, no `Exif\0\0`, padded even), then a
/// `VP8L` chunk whose 5-byte header is real and whose bitstream is the filler to the end.
pub fn webp_layout(len: u64, (w, h): (u64, u64), comment: Option<&str>) -> (Vec<u8>, Vec<u8>) {
    let riff_size = len.saturating_sub(8).min(u64::from(u32::MAX)) as u32;
    let mut head = b"RIFF".to_vec();
    head.extend_from_slice(&riff_size.to_le_bytes());
    head.extend_from_slice(b"WEBP");
    let (w, h) = (w.clamp(1, 1 << 14) as u32, h.clamp(1, 1 << 14) as u32);
    if let Some(comment) = comment {
        let mut vp8x = vec![0x08, 0, 0, 0]; // flags: EXIF metadata present
        vp8x.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
        vp8x.extend_from_slice(&(h - 1).to_le_bytes()[..3]);
        riff_chunk(&mut head, b"VP8X", &vp8x);
        riff_chunk(&mut head, b"EXIF", &tiff(comment, true));
    }
    // Natural WebP sizes are even; an odd forced size leaves out the last chunk's pad byte.
    let payload = len
        .saturating_sub(head.len() as u64 + 8)
        .min(u64::from(u32::MAX));
    head.extend_from_slice(b"VP8L");
    head.extend_from_slice(&(payload as u32).to_le_bytes());
    // Signature 0x2F, then 14-bit width-1 and height-1, alpha unused, version 0.
    head.push(0x2F);
    head.extend_from_slice(&((w - 1) | (h - 1) << 14).to_le_bytes());
    (head, vec![])
}

/// Append a RIFF chunk, padded to an even size.
fn riff_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(kind);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}
