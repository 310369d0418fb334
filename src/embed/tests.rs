//! Round trips: text embedded by `plan` + `write` reads back through `meta::read_file`, and
//! the files stay valid (a PNG still decodes, CRCs included).

use std::path::Path;

use civimg_fake::build::jpeg::Jpeg;
use civimg_fake::build::png::{Color, Png};
use civimg_fake::build::webp::WebP;

use super::*;

const TEXT: &str = "a fox, é 桜\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, Seed: 7";

fn png_file(path: &Path) {
    let png = Png::new(2, 1, Color::Rgb).image(&[1, 2, 3, 4, 5, 6]);
    std::fs::write(path, png.build()).unwrap();
}

/// SOI, JFIF APP0, a 3x2 grayscale frame and its scan, EOI.
fn jpeg_file(path: &Path) {
    std::fs::write(path, Jpeg::new().jfif().gray(3, 2)).unwrap();
}

/// A simple lossless WebP: RIFF, one VP8L chunk (header 3x2, then filler).
fn webp_file(path: &Path) {
    std::fs::write(path, WebP::new().vp8l(3, 2, &[0, 0, 0]).build()).unwrap();
}

fn round_trip(kind: Kind, make: fn(&Path)) -> Vec<u8> {
    let dir = tempfile::TempDir::new().unwrap();
    let (src, dst) = (dir.path().join("a"), dir.path().join("b"));
    make(&src);
    assert!(matches!(crate::meta::read_file(&src), Ok(None)));
    let plan = plan(&src, kind, TEXT).unwrap().unwrap();
    let (size, sha) = write(&src, &dst, &plan).unwrap();
    let bytes = std::fs::read(&dst).unwrap();
    assert_eq!(size, bytes.len() as u64);
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(sha, digest);
    let rec = crate::meta::read_file(&dst).unwrap().expect("a record");
    assert_eq!(rec.prompt.as_deref(), Some("a fox, é 桜"));
    assert_eq!(rec.seed, Some(7));
    // A second embedding is refused where the file now has EXIF of its own.
    if kind != Kind::Png {
        assert!(super::plan(&dst, kind, TEXT).unwrap().is_err());
    }
    bytes
}

#[test]
fn png_gets_an_itxt_chunk_and_still_decodes() {
    let bytes = round_trip(Kind::Png, png_file);
    let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    reader.next_frame(&mut buf).unwrap();
    assert_eq!(&buf[..6], &[1, 2, 3, 4, 5, 6]);
    let itxt = &reader.info().utf8_text;
    assert_eq!(itxt[0].keyword, "parameters");
}

#[test]
fn jpeg_gets_an_exif_segment_after_jfif() {
    let bytes = round_trip(Kind::Jpeg, jpeg_file);
    assert_eq!(&bytes[2..4], &[0xFF, 0xE0]);
    assert_eq!(&bytes[20..22], &[0xFF, 0xE1]);
    assert!(bytes.ends_with(&[0xFF, 0xD9]));
}

#[test]
fn simple_webp_gets_a_vp8x_header_and_an_exif_chunk() {
    let bytes = round_trip(Kind::Webp, webp_file);
    assert_eq!(&bytes[12..16], b"VP8X");
    assert_eq!(bytes[20] & 0x08, 0x08);
    assert_eq!(&bytes[24..30], &[2, 0, 0, 1, 0, 0]);
    let riff = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    assert_eq!(riff + 8, bytes.len());
}

#[test]
fn a_truncated_or_foreign_file_is_left_alone() {
    let dir = tempfile::TempDir::new().unwrap();
    let p = dir.path().join("x");
    std::fs::write(&p, b"\x89PNG\r\n\x1a\n\0\0").unwrap();
    assert!(plan(&p, Kind::Png, TEXT).unwrap().is_err());
    std::fs::write(&p, b"RIFF\x10\0\0\0WEBPVP8L").unwrap();
    assert!(plan(&p, Kind::Webp, TEXT).unwrap().is_err());
    std::fs::write(&p, [0xFF, 0xD8, 0x00]).unwrap();
    assert!(plan(&p, Kind::Jpeg, TEXT).unwrap().is_err());
}
