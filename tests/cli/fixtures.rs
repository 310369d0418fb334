//! Writers of small but real image files carrying generation metadata, for the tests.
//!
//! Each function writes a 1x1 image the way a generator would: PNG text chunks through the
//! `png` encoder, JPEG and WebP with a hand-built EXIF block (IFD0 → Exif IFD → UserComment).

use std::fs;
use std::io::BufWriter;
use std::path::Path;

use png::text_metadata::{ITXtChunk, TEXtChunk, ZTXtChunk};

/// Which PNG text chunk type carries an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// `tEXt`: Latin-1, uncompressed.
    Text,
    /// `zTXt`: Latin-1, zlib-compressed.
    Ztxt,
    /// `iTXt`: UTF-8, uncompressed.
    Itxt,
    /// `iTXt` with its compression flag set.
    ItxtCompressed,
}

/// How `UserComment` is encoded after its 8-byte charset prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentEncoding {
    /// `UNICODE\0` + UTF-16BE in a big-endian TIFF: what A1111 (piexif) writes.
    Utf16Be,
    /// `UNICODE\0` + UTF-16LE in a little-endian TIFF.
    Utf16Le,
    /// `UNICODE\0` + a little-endian BOM + UTF-16LE.
    Utf16LeBom,
    /// `ASCII\0\0\0` + the bytes of the text.
    Ascii,
    /// Eight zero bytes (undefined charset) + UTF-8.
    Undefined,
}

/// Writes a 1x1 RGB PNG whose text chunks (`(keyword, text, kind)`) precede the image data.
pub fn png_with_text(path: &Path, entries: &[(&str, &str, TextKind)]) {
    write_png(path, entries, &[]);
}

/// Writes a 1x1 PNG whose text chunks follow the image data (allowed by the PNG spec).
pub fn png_with_text_after_data(path: &Path, entries: &[(&str, &str, TextKind)]) {
    write_png(path, &[], entries);
}

/// Writes a 1x1 PNG with no text chunks at all.
pub fn png_plain(path: &Path) {
    write_png(path, &[], &[]);
}

fn write_png(path: &Path, before: &[(&str, &str, TextKind)], after: &[(&str, &str, TextKind)]) {
    let file = fs::File::create(path).expect("create png fixture");
    let mut encoder = png::Encoder::new(BufWriter::new(file), 1, 1);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("png header");
    let write_all = |writer: &mut png::Writer<_>, entries: &[(&str, &str, TextKind)]| {
        for &(keyword, text, kind) in entries {
            match kind {
                TextKind::Text => writer.write_text_chunk(&TEXtChunk::new(keyword, text)),
                TextKind::Ztxt => writer.write_text_chunk(&ZTXtChunk::new(keyword, text)),
                TextKind::Itxt => writer.write_text_chunk(&ITXtChunk::new(keyword, text)),
                TextKind::ItxtCompressed => {
                    let mut chunk = ITXtChunk::new(keyword, text);
                    chunk.compressed = true;
                    chunk.compress_text().expect("compress iTXt");
                    writer.write_text_chunk(&chunk)
                }
            }
            .expect("write text chunk");
        }
    };
    write_all(&mut writer, before);
    writer.write_image_data(&[200, 100, 50]).expect("png data");
    write_all(&mut writer, after);
    writer.finish().expect("png end");
}

/// Encodes a UserComment value: charset prefix + text.
pub fn user_comment_bytes(text: &str, encoding: CommentEncoding) -> Vec<u8> {
    let utf16 = |big_endian: bool| -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    match encoding {
        CommentEncoding::Utf16Be => [b"UNICODE\0".to_vec(), utf16(true)].concat(),
        CommentEncoding::Utf16Le => [b"UNICODE\0".to_vec(), utf16(false)].concat(),
        CommentEncoding::Utf16LeBom => {
            [b"UNICODE\0".to_vec(), vec![0xFF, 0xFE], utf16(false)].concat()
        }
        CommentEncoding::Ascii => [b"ASCII\0\0\0".as_slice(), text.as_bytes()].concat(),
        CommentEncoding::Undefined => [[0u8; 8].as_slice(), text.as_bytes()].concat(),
    }
}

/// Builds a TIFF block: IFD0 holding only the Exif IFD pointer, the Exif IFD holding only
/// UserComment (type UNDEFINED), then the comment bytes.
pub fn tiff_with_user_comment(comment: &[u8], little_endian: bool) -> Vec<u8> {
    let u16b = |v: u16| {
        if little_endian {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    };
    let u32b = |v: u32| {
        if little_endian {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    };
    let mut t = Vec::new();
    t.extend(if little_endian { b"II" } else { b"MM" });
    t.extend(u16b(42));
    t.extend(u32b(8)); // IFD0 right after the header
    let exif_ifd = 8 + 2 + 12 + 4;
    t.extend(u16b(1));
    t.extend(u16b(0x8769)); // ExifIFDPointer, LONG
    t.extend(u16b(4));
    t.extend(u32b(1));
    t.extend(u32b(exif_ifd));
    t.extend(u32b(0)); // no IFD1
    let data_at = exif_ifd + 2 + 12 + 4;
    let count = u32::try_from(comment.len()).expect("comment fits a TIFF count");
    t.extend(u16b(1));
    t.extend(u16b(0x9286)); // UserComment, UNDEFINED
    t.extend(u16b(7));
    t.extend(u32b(count));
    if comment.len() <= 4 {
        // Values of up to 4 bytes live in the entry itself.
        let mut inline = comment.to_vec();
        inline.resize(4, 0);
        t.extend(inline);
    } else {
        t.extend(u32b(data_at));
    }
    t.extend(u32b(0));
    if comment.len() > 4 {
        t.extend(comment);
    }
    t
}

/// Writes a 1x1 grayscale baseline JPEG with an APP1 Exif segment holding `text` as
/// UserComment in `encoding`.
pub fn jpeg_with_user_comment(path: &Path, text: &str, encoding: CommentEncoding) {
    let little = matches!(
        encoding,
        CommentEncoding::Utf16Le | CommentEncoding::Utf16LeBom
    );
    let tiff = tiff_with_user_comment(&user_comment_bytes(text, encoding), little);
    let app1 = [b"Exif\0\0".as_slice(), &tiff].concat();
    fs::write(path, jpeg_bytes(&[(0xE1, &app1)])).expect("write jpeg fixture");
}

/// Writes a 1x1 JPEG whose `text` sits in a COM segment (and which has no EXIF).
pub fn jpeg_with_com(path: &Path, text: &str) {
    fs::write(path, jpeg_bytes(&[(0xFE, text.as_bytes())])).expect("write jpeg fixture");
}

/// Writes a 1x1 JPEG without any EXIF.
pub fn jpeg_plain(path: &Path) {
    fs::write(path, jpeg_bytes(&[])).expect("write jpeg fixture");
}

/// A decodable 1x1 grayscale baseline JPEG: `extra` segments (marker, body) first, then
/// one DC-only block whose Huffman tables each hold a single 1-bit code (DC category 0,
/// AC end-of-block).
fn jpeg_bytes(extra: &[(u8, &[u8])]) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    let mut segment = |marker: u8, body: &[u8]| {
        let len = u16::try_from(body.len() + 2).expect("JPEG segment under 64 KiB");
        out.extend([0xFF, marker]);
        out.extend(len.to_be_bytes());
        out.extend(body);
    };
    for &(marker, body) in extra {
        segment(marker, body);
    }
    let mut dqt = vec![0x00];
    dqt.extend([1u8; 64]);
    segment(0xDB, &dqt);
    segment(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
    let mut dht_dc = vec![0x00, 1];
    dht_dc.extend([0u8; 15]);
    dht_dc.push(0x00);
    segment(0xC4, &dht_dc);
    let mut dht_ac = vec![0x10, 1];
    dht_ac.extend([0u8; 15]);
    dht_ac.push(0x00);
    segment(0xC4, &dht_ac);
    segment(0xDA, &[1, 1, 0x00, 0, 63, 0]);
    // Bits "0" (DC diff 0) and "0" (EOB), padded with ones.
    out.extend([0x3F, 0xFF, 0xD9]);
    out
}

/// Writes an extended WebP (VP8X + 1x1 lossless VP8L + EXIF chunk) with `text` as a
/// UTF-16BE UserComment; the EXIF payload is a bare TIFF block, as the WebP spec says.
pub fn webp_with_user_comment(path: &Path, text: &str) {
    fs::write(path, webp_bytes(text, false)).expect("write webp fixture");
}

/// Like [`webp_with_user_comment`] but with the `Exif\0\0` prefix some Pillow versions
/// left in the EXIF chunk.
pub fn webp_with_prefixed_exif(path: &Path, text: &str) {
    fs::write(path, webp_bytes(text, true)).expect("write webp fixture");
}

/// Builds a big-endian TIFF block whose main IFD (IFD0) holds ASCII `fields` (tag, text):
/// where ComfyUI savers put `Make: workflow:{…}`, `Model: prompt:{…}` or a UserComment.
pub fn tiff_with_ifd0_strings(fields: &[(u16, &str)]) -> Vec<u8> {
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    let count = u16::try_from(fields.len()).expect("few fields");
    t.extend(count.to_be_bytes());
    let mut data_at = 8 + 2 + 12 * fields.len() + 4;
    let mut data = Vec::new();
    for (tag, text) in fields {
        let mut bytes = text.as_bytes().to_vec();
        bytes.push(0);
        t.extend(tag.to_be_bytes());
        t.extend(2u16.to_be_bytes()); // ASCII
        t.extend(u32::try_from(bytes.len()).unwrap().to_be_bytes());
        t.extend(u32::try_from(data_at).unwrap().to_be_bytes());
        data_at += bytes.len();
        data.extend(bytes);
    }
    t.extend(0u32.to_be_bytes());
    t.extend(data);
    t
}

/// Writes a 1x1 JPEG whose APP1 Exif segment is `tiff`.
pub fn jpeg_with_tiff(path: &Path, tiff: &[u8]) {
    let app1 = [b"Exif\0\0".as_slice(), tiff].concat();
    fs::write(path, jpeg_bytes(&[(0xE1, &app1)])).expect("write jpeg fixture");
}

/// Writes an extended WebP whose EXIF chunk is `tiff`.
pub fn webp_with_tiff(path: &Path, tiff: &[u8]) {
    fs::write(path, webp_from_exif(tiff.to_vec())).expect("write webp fixture");
}

fn webp_bytes(text: &str, exif_prefix: bool) -> Vec<u8> {
    let tiff = tiff_with_user_comment(&user_comment_bytes(text, CommentEncoding::Utf16Be), false);
    webp_from_exif(if exif_prefix {
        [b"Exif\0\0".as_slice(), &tiff].concat()
    } else {
        tiff
    })
}

fn webp_from_exif(exif: Vec<u8>) -> Vec<u8> {
    // VP8X: flags (0x08 = has EXIF), 3 reserved bytes, canvas width-1 and height-1 (24-bit).
    let vp8x = [0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    // VP8L: signature, 14+14 bits of size-1, alpha/version bits, then no transform, no
    // colour cache, no meta codes and five single-symbol prefix codes: one black pixel.
    let vp8l = [0x2F, 0, 0, 0, 0, 0x88, 0x88, 0x08];
    let mut body = b"WEBP".to_vec();
    for (fourcc, payload) in [(b"VP8X", &vp8x[..]), (b"VP8L", &vp8l[..]), (b"EXIF", &exif)] {
        body.extend(fourcc);
        body.extend(u32::try_from(payload.len()).unwrap().to_le_bytes());
        body.extend(payload);
        if payload.len() % 2 == 1 {
            body.push(0);
        }
    }
    let mut out = b"RIFF".to_vec();
    out.extend(u32::try_from(body.len()).unwrap().to_le_bytes());
    out.extend(body);
    out
}
