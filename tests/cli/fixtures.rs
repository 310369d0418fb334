//! Small but real image files carrying generation metadata, written where a test wants them.
//! The bytes come from the fake's one builder of test images (`civimg_fake::build`); each
//! function here names a file a generator would write: a 1x1 PNG with text chunks, a JPEG or
//! WebP with an EXIF block (IFD0 → Exif IFD → UserComment).

use std::fs;
use std::path::Path;

use civimg_fake::build::jpeg::Jpeg;
use civimg_fake::build::png::{Color, Png};
use civimg_fake::build::tiff::{self, Tiff};
use civimg_fake::build::webp::{WebP, EXIF_FLAG};

pub use civimg_fake::build::png::TextKind;
pub use civimg_fake::build::tiff::CommentEncoding;

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
    let texts = |png: Png, entries: &[(&str, &str, TextKind)]| {
        entries
            .iter()
            .fold(png, |png, &(key, text, kind)| png.text(kind, key, text))
    };
    let png = texts(Png::new(1, 1, Color::Rgb), before).image(&[200, 100, 50]);
    fs::write(path, texts(png, after).build()).expect("write png fixture");
}

/// A TIFF block whose Exif IFD holds only `text` as a UserComment in `encoding`, in the byte
/// order that goes with it (little-endian for the UTF-16LE ones).
fn tiff_with_comment(text: &str, encoding: CommentEncoding) -> Vec<u8> {
    let little = matches!(
        encoding,
        CommentEncoding::Utf16Le | CommentEncoding::Utf16LeBom
    );
    Tiff::new(!little)
        .user_comment(&tiff::user_comment(text, encoding))
        .build()
}

/// Writes a 1x1 grayscale baseline JPEG with an APP1 Exif segment holding `text` as
/// UserComment in `encoding`.
pub fn jpeg_with_user_comment(path: &Path, text: &str, encoding: CommentEncoding) {
    jpeg_with_tiff(path, &tiff_with_comment(text, encoding));
}

/// Writes a 1x1 JPEG whose `text` sits in a COM segment (and which has no EXIF).
pub fn jpeg_with_com(path: &Path, text: &str) {
    let bytes = Jpeg::new().comment(text.as_bytes()).gray(1, 1);
    fs::write(path, bytes).expect("write jpeg fixture");
}

/// Writes a 1x1 JPEG without any EXIF.
pub fn jpeg_plain(path: &Path) {
    fs::write(path, Jpeg::new().gray(1, 1)).expect("write jpeg fixture");
}

/// Writes a 1x1 JPEG whose APP1 Exif segment is `tiff`.
pub fn jpeg_with_tiff(path: &Path, tiff: &[u8]) {
    fs::write(path, Jpeg::new().exif(tiff).gray(1, 1)).expect("write jpeg fixture");
}

/// Writes an extended WebP (VP8X + 1x1 lossless VP8L + EXIF chunk) with `text` as a
/// UTF-16BE UserComment; the EXIF payload is a bare TIFF block, as the WebP spec says.
pub fn webp_with_user_comment(path: &Path, text: &str) {
    webp_with_tiff(path, &tiff_with_comment(text, CommentEncoding::Utf16Be));
}

/// Like [`webp_with_user_comment`] but with the `Exif\0\0` prefix some Pillow versions
/// left in the EXIF chunk.
pub fn webp_with_prefixed_exif(path: &Path, text: &str) {
    let tiff = tiff_with_comment(text, CommentEncoding::Utf16Be);
    webp_with_tiff(path, &[b"Exif\0\0".as_slice(), &tiff].concat());
}

/// Builds a big-endian TIFF block whose main IFD (IFD0) holds ASCII `fields` (tag, text):
/// where ComfyUI savers put `Make: workflow:{…}`, `Model: prompt:{…}` or a UserComment.
pub fn tiff_with_ifd0_strings(fields: &[(u16, &str)]) -> Vec<u8> {
    fields
        .iter()
        .fold(Tiff::new(true), |t, &(tag, text)| t.ifd0_ascii(tag, text))
        .build()
}

/// Writes an extended WebP whose EXIF chunk is `tiff`.
pub fn webp_with_tiff(path: &Path, tiff: &[u8]) {
    let bytes = WebP::new().vp8x(EXIF_FLAG, 1, 1).pixel().exif(tiff).build();
    fs::write(path, bytes).expect("write webp fixture");
}
