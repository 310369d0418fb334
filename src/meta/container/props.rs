//! Property tests of every container reader over bytes in memory (issue 19, step 5): random
//! bytes behind each signature, and well-formed files with bytes flipped and the tail cut,
//! give entries or an error, never a panic, and never more than the caps: at most
//! [`MAX_ENTRIES`] entries and [`MAX_TEXT`] bytes of text, and for containers without
//! compression no more keys and text than a small multiple of the input.

use std::io::Cursor;

use proptest::prelude::*;

use super::*;

use civimg_fake::build;
use civimg_fake::build::heif::{Builder, Place};
use civimg_fake::build::jpeg::Jpeg;
use civimg_fake::build::png::{Color, Png, TextKind};
use civimg_fake::build::webp::{WebP, EXIF_FLAG};

const A1111: &str = "a knight\nNegative prompt: blurry\nSteps: 30, Sampler: Euler a, Seed: 5";

/// Each reader, by the container it reads.
#[derive(Debug, Clone, Copy)]
enum Reader {
    Png,
    Jpeg,
    WebP,
    Heif,
    Stealth,
    Exif,
}

const READERS: [Reader; 6] = [
    Reader::Png,
    Reader::Jpeg,
    Reader::WebP,
    Reader::Heif,
    Reader::Stealth,
    Reader::Exif,
];

/// Runs one reader over `bytes` and checks what it gave; then the whole of `meta` on a file
/// (container, detection, the generator's parser) over the same bytes.
fn run(reader: Reader, bytes: &[u8]) {
    let _ = crate::meta::read_bytes(bytes, "memory");
    read_entries(reader, bytes);
}

fn read_entries(reader: Reader, bytes: &[u8]) {
    let mut budget = Budget::new();
    let mut cursor = Cursor::new(bytes);
    let entries = match reader {
        Reader::Png => png::read(&mut cursor, &mut budget),
        Reader::Jpeg => jpeg::read(&mut cursor),
        Reader::WebP => webp::read(&mut cursor),
        Reader::Heif => heif::read(&mut cursor, &mut budget),
        Reader::Stealth => {
            let text = stealth::read(bytes, &mut budget);
            assert!(text.is_none_or(|t| t.len() <= MAX_TEXT));
            return;
        }
        Reader::Exif => {
            let mut entries = Entries::default();
            exif::read_tiff(bytes, &mut entries);
            Ok(entries)
        }
    };
    let Ok(entries) = entries else { return };
    let text: usize = entries.texts.iter().map(|(_, t)| t.len()).sum();
    let total = text + entries.texts.iter().map(|(k, _)| k.len()).sum::<usize>();
    assert!(entries.texts.len() <= MAX_ENTRIES);
    assert_eq!(text, entries.held());
    assert!(text <= MAX_TEXT);
    // Stored text grows at most threefold (a lossy byte becomes U+FFFD), read from each of
    // five fields in two IFDs.
    if !matches!(reader, Reader::Png) {
        assert!(
            total <= 40 * bytes.len() + 64,
            "{total} from {}",
            bytes.len()
        );
    }
}

/// The signature each reader's files start with (the readers skip it unread).
fn signature(reader: Reader) -> &'static [u8] {
    match reader {
        Reader::Png | Reader::Stealth => b"\x89PNG\r\n\x1a\n",
        Reader::Jpeg => &[0xFF, 0xD8, 0xFF],
        Reader::WebP => b"RIFF\0\0\0\0WEBP",
        Reader::Heif => b"\0\0\0\x14ftypavif\0\0\0\0avif",
        Reader::Exif => b"MM\0*",
    }
}

/// A well-formed file for each reader, carrying A1111 text.
fn sample(reader: Reader) -> Vec<u8> {
    let tiff = build::tiff::a1111(A1111, true);
    match reader {
        Reader::Png => Png::new(64, 48, Color::Rgb)
            .text(TextKind::Text, "parameters", A1111)
            .text(TextKind::Ztxt, "prompt", "{}")
            .chunk(b"eXIf", &tiff)
            .build(),
        Reader::Jpeg => Jpeg::new().exif(&tiff).comment(b"a comment").gray(64, 48),
        Reader::WebP => WebP::new()
            .vp8x(EXIF_FLAG, 64, 48)
            .exif(&tiff)
            .xmp(b"<x exif:UserComment=\"x\"/>")
            .build(),
        Reader::Heif => Builder::avif(64, 48)
            .exif(&tiff, Place::File)
            .xmp(b"<x exif:UserComment=\"x\"/>", Place::Idat)
            .build(),
        Reader::Stealth => build::png::stealth(8, 160, A1111.as_bytes(), false).build(),
        Reader::Exif => tiff,
    }
}

/// The sample files, built once.
fn samples() -> &'static [Vec<u8>] {
    static SAMPLES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    SAMPLES.get_or_init(|| READERS.iter().map(|r| sample(*r)).collect())
}

#[test]
fn the_samples_are_read() {
    for reader in [Reader::Png, Reader::Jpeg, Reader::WebP, Reader::Heif] {
        let bytes = &samples()[reader as usize];
        let (_, entries) = read_bytes(bytes).expect("a known container");
        let entries = entries.unwrap();
        assert_eq!(entries.get("UserComment"), Some(A1111), "{reader:?}");
        assert!(entries.size.is_some(), "{reader:?}");
    }
    let text = stealth::read(&samples()[Reader::Stealth as usize][..], &mut Budget::new());
    assert_eq!(text.as_deref(), Some(A1111));
}

#[test]
fn a_repeated_exif_tag_is_read_once() {
    // 500 UserComment entries all pointing at one 60 KB value.
    let value = vec![b'x'; 60_000];
    let count = 500u16;
    let value_at = 8 + 2 + 12 * u32::from(count) + 4;
    let mut tiff = b"MM\0*\0\0\0\x08".to_vec();
    tiff.extend(count.to_be_bytes());
    for _ in 0..count {
        tiff.extend(0x9286u16.to_be_bytes());
        tiff.extend(7u16.to_be_bytes());
        tiff.extend((value.len() as u32).to_be_bytes());
        tiff.extend(value_at.to_be_bytes());
    }
    tiff.extend([0; 4]);
    tiff.extend(&value);
    let mut entries = Entries::default();
    exif::read_tiff(&tiff, &mut entries);
    assert_eq!(entries.texts.len(), 1);
    run(Reader::Exif, &tiff);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random bytes behind each reader's signature.
    #[test]
    fn random_bytes_never_panic(
        which in 0..READERS.len(),
        body in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let reader = READERS[which];
        run(reader, &[signature(reader), &body].concat());
    }

    /// Well-formed files with a few bytes changed and the tail perhaps cut.
    #[test]
    fn mutated_files_never_panic(
        which in 0..READERS.len(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let reader = READERS[which];
        let mut bytes = samples()[which].clone();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= value;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        run(reader, &bytes);
    }

    /// Sizes and offsets set to extreme values, where a 32- or 64-bit field is: each file's
    /// numbers are what a hostile writer controls.
    #[test]
    fn extreme_numbers_never_panic(
        which in 0..READERS.len(),
        at in any::<prop::sample::Index>(),
        value in prop::sample::select(vec![0u64, 1, 7, 8, 15, 16, 0x7FFF_FFFF, 0xFFFF_FFFF, u64::MAX]),
        wide in any::<bool>(),
    ) {
        let reader = READERS[which];
        let mut bytes = samples()[which].clone();
        let width = if wide { 8 } else { 4 };
        if bytes.len() > width {
            let i = at.index(bytes.len() - width);
            bytes[i..i + width].copy_from_slice(&value.to_be_bytes()[8 - width..]);
        }
        run(reader, &bytes);
    }
}
