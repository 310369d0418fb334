//! Tests of the fake's JPEG and WebP originals: valid containers whose EXIF UserComment holds
//! the item's A1111 parameters (doc/api.md, "Generation parameters inside files"), read back by
//! civimg's own reader, through Range requests, forced sizes and a real download.

use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use super::{fetch, index_of, original};
use crate::fake::{FakeCivitai, FakeConfig};
use crate::support::{civimg, json_lines, text};

/// Generator indices of JPEG and WebP originals (see the `Files` paragraph of the fake).
fn is_jpeg(i: u64) -> bool {
    i % 40 != 17 && i % 300 != 150 && matches!(i % 10, 6 | 7)
}
fn is_webp(i: u64) -> bool {
    i % 40 != 17 && i % 300 != 150 && i % 10 == 8
}

/// Ids of the first `n` generated items (oldest first) that pass `filter`.
fn ids(n: u64, filter: impl Fn(u64) -> bool) -> Vec<u64> {
    (0..n)
        .filter(|&i| filter(i))
        .map(|i| 10_000_000 + 13 * i)
        .collect()
}

/// What `civimg::meta::read_file` makes of these bytes, written to a temporary file.
fn read_back(dir: &TempDir, name: &str, bytes: &[u8]) -> Option<civimg::meta::GenRecord> {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    civimg::meta::read_file(&path).unwrap_or_else(|e| panic!("{name}: {e:#}"))
}

/// The record carries the item's API meta (prompt, seed, steps, sampler).
fn assert_matches(record: &civimg::meta::GenRecord, meta: &Value, what: &str) {
    assert_eq!(record.prompt.as_deref(), meta["prompt"].as_str(), "{what}");
    assert_eq!(record.seed, meta["seed"].as_u64(), "{what}");
    assert_eq!(
        record.steps.map(u64::from),
        meta["steps"].as_u64(),
        "{what}"
    );
    assert_eq!(
        record.sampler.as_deref(),
        meta["sampler"].as_str(),
        "{what}"
    );
}

/// Walks the RIFF chunks of a WebP: every size even-padded, the last ending at the file's end
/// (but for its pad byte when a forced size is odd).
fn riff_chunks(bytes: &[u8]) -> Vec<[u8; 4]> {
    let size = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    assert_eq!(size, bytes.len() - 8, "RIFF size field");
    assert_eq!(&bytes[8..12], b"WEBP");
    let (mut at, mut kinds) = (12, vec![]);
    while at < bytes.len() {
        let kind: [u8; 4] = bytes[at..at + 4].try_into().unwrap();
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        at += 8 + len + len % 2;
        kinds.push(kind);
    }
    assert_eq!(
        at,
        bytes.len() + bytes.len() % 2,
        "chunks end with the file"
    );
    kinds
}

#[test]
fn jpeg_and_webp_originals_carry_parameters_in_exif() {
    // Covers both TIFF byte orders (i % 10 == 6 and 7), ComfyUI items, unicode prompts and
    // items whose meta is null (which carry no EXIF and read as "no generation data").
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let (mut read, mut without) = (0, 0);
    for id in ids(300, |i| is_jpeg(i) || is_webp(i)) {
        let bytes = fake.original_bytes(id);
        let meta = &fake.item(id).unwrap()["meta"];
        let jpeg = is_jpeg(index_of(id));
        if jpeg {
            assert_eq!(bytes[..3], [0xFF, 0xD8, 0xFF], "{id}");
            assert_eq!(bytes[bytes.len() - 2..], [0xFF, 0xD9], "{id}: EOI last");
        } else {
            let kinds = riff_chunks(&bytes);
            let expected: &[&[u8; 4]] = if meta.is_null() {
                &[b"VP8L"]
            } else {
                &[b"VP8X", b"EXIF", b"VP8L"]
            };
            assert!(kinds.iter().eq(expected.iter().copied()), "{id}: {kinds:?}");
        }
        let record = read_back(&dir, &format!("{id}.jpeg"), &bytes);
        match record {
            Some(record) => {
                assert!(!meta.is_null(), "{id}: record from an item without meta");
                assert_matches(&record, meta, &id.to_string());
                read += 1;
            }
            None => {
                assert!(meta.is_null(), "{id}: no record, yet meta {meta}");
                without += 1;
            }
        }
    }
    assert!(
        read > 40 && without > 0,
        "{read} read, {without} without meta"
    );
}

#[test]
fn jpeg_scan_filler_never_holds_a_marker() {
    // A 0xFF in the scan data would read as a marker and break a segment walker.
    let fake = FakeCivitai::start();
    let id = ids(100, is_jpeg)[0];
    let bytes = fake.original_bytes(id);
    let sos = bytes.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let scan = &bytes[sos + 2 + 12..bytes.len() - 2];
    assert!(scan.len() > 1000 && !scan.contains(&0xFF));
}

#[test]
fn range_from_the_middle_of_jpeg_and_webp_is_the_tail() {
    let fake = FakeCivitai::start();
    for filter in [is_jpeg, is_webp] {
        let id = ids(100, filter)[1];
        let url = original(fake.item(id).unwrap()["url"].as_str().unwrap());
        let full = fake.original_bytes(id);
        let mid = full.len() / 2 + 1;
        let r = fetch(&url, &[("range", &format!("bytes={mid}-"))]);
        assert_eq!(r.status, 206);
        assert!(r.body.unwrap() == full[mid..], "{id}: tail differs");
        // A window across the head/filler boundary too.
        let r = fetch(&url, &[("range", "bytes=7-5000")]);
        assert!(
            r.body.unwrap() == full[7..5001],
            "{id}: head window differs"
        );
        assert!(
            fetch(&url, &[]).body.unwrap() == full,
            "{id}: full body differs"
        );
    }
}

#[test]
fn forced_sizes_keep_containers_valid() {
    let dir = TempDir::new().unwrap();
    // An odd size: the WebP's last chunk lacks its pad byte; a size below the EXIF head drops
    // the text but keeps a valid JPEG/WebP; a size below any structure keeps the signature.
    for (size, with_text) in [(100_001, true), (300, false), (12, false)] {
        let fake = FakeCivitai::start_with(FakeConfig {
            images: 100,
            image_size: Some(size),
            ..FakeConfig::default()
        });
        for filter in [is_jpeg, is_webp] {
            let with_meta = |&id: &u64| !fake.item(id).unwrap()["meta"].is_null();
            let id = ids(100, filter).into_iter().find(with_meta).unwrap();
            let bytes = fake.original_bytes(id);
            assert_eq!(bytes.len() as u64, size, "{id}");
            if size < 64 {
                assert!(bytes.starts_with(b"\xFF\xD8\xFF") || bytes.starts_with(b"RIFF"));
                continue;
            }
            if bytes.starts_with(b"RIFF") {
                riff_chunks(&bytes);
            } else {
                assert_eq!(bytes[bytes.len() - 2..], [0xFF, 0xD9]);
            }
            let record = read_back(&dir, &format!("{size}-{id}.jpeg"), &bytes);
            assert_eq!(record.is_some(), with_text, "{size} bytes, item {id}");
        }
    }
}

#[test]
fn downloaded_jpeg_and_webp_files_read_back_with_meta() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    civimg(&fake)
        .args([
            "download",
            "--username",
            "alice_ai",
            "--max",
            "30",
            "-q",
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let out = civimg(&fake)
        .arg("meta")
        .arg(dir.path())
        .args(["--format", "jsonl"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    // Only items without meta are noted (videos are skipped silently): a JPEG or WebP with
    // meta never is, and notes are not failures.
    assert!(
        err.lines()
            .all(|l| l.starts_with("civimg: note: ") && l.ends_with("has no generation data")),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(0));
    let mut seen = (0, 0);
    for record in json_lines(&out.stdout) {
        let source = record["source"].as_str().unwrap();
        let id: u64 = Path::new(source)
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{source}"));
        let meta = &fake.item(id).unwrap()["meta"];
        assert_eq!(record["prompt"], meta["prompt"], "{source}");
        assert_eq!(record["seed"], meta["seed"], "{source}");
        if is_jpeg(index_of(id)) {
            seen.0 += 1;
        } else if is_webp(index_of(id)) {
            seen.1 += 1;
        }
    }
    assert!(seen.0 > 0 && seen.1 > 0, "JPEG and WebP records: {seen:?}");
    for line in err.lines() {
        let id: u64 = line
            .split(|c: char| !c.is_ascii_digit())
            .find(|s| s.len() == 8)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{line}"));
        let i = index_of(id);
        assert!(
            fake.item(id).unwrap()["meta"].is_null() || !(is_jpeg(i) || is_webp(i)),
            "{line}"
        );
    }
}
