//! JPEG: an APP1 `Exif` segment right after SOI (after a JFIF APP0 when the file starts with
//! one). A file with an `Exif` segment of its own is left alone: one EXIF per file.

use std::fs::File;
use std::io;

use super::{exif, read_at, Plan, Skip};

/// Most segments looked at before the image data.
const MAX_SEGMENTS: usize = 1000;
/// Largest segment payload (its 16-bit length counts itself).
const MAX_PAYLOAD: usize = 0xFFFF - 2;

pub fn plan(file: &mut File, text: &str) -> io::Result<Result<Plan, Skip>> {
    if read_at(file, 0, 2)?.as_deref() != Some(&[0xFF, 0xD8]) {
        return Ok(Err("no JPEG start marker".into()));
    }
    let payload = [&b"Exif\0\0"[..], &exif::tiff_with_comment(text)].concat();
    if payload.len() > MAX_PAYLOAD {
        return Ok(Err(
            "the text does not fit in one JPEG EXIF segment (64 KiB)".into(),
        ));
    }
    let mut at = 2u64;
    let mut pos = 2u64;
    for index in 0..MAX_SEGMENTS {
        let Some(head) = read_at(file, pos, 4)? else {
            return Ok(Err("the JPEG ends before its image data".into()));
        };
        if head[0] != 0xFF {
            return Ok(Err("a JPEG segment is damaged".into()));
        }
        let marker = head[1];
        if marker == 0xDA || (0xD0..=0xD9).contains(&marker) {
            break;
        }
        let len = u64::from(u16::from_be_bytes([head[2], head[3]]));
        if marker == 0xE1 && read_at(file, pos + 4, 6)?.as_deref() == Some(b"Exif\0\0") {
            return Ok(Err("it has EXIF of its own".into()));
        }
        pos += 2 + len;
        if index == 0 && marker == 0xE0 {
            at = pos;
        }
    }
    let mut insert = vec![0xFF, 0xE1];
    insert.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    insert.extend_from_slice(&payload);
    Ok(Ok(Plan {
        at,
        insert,
        ..Plan::default()
    }))
}
