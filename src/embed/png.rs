//! PNG: the text goes in a `parameters` chunk right after `IHDR` — `tEXt` when it is ASCII,
//! else `iTXt` (UTF-8, uncompressed), as A1111 saves it.

use std::fs::File;
use std::io;

use super::{read_at, Plan, Skip};

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
/// Signature (8) and the IHDR chunk (4 + 4 + 13 + 4).
const AFTER_IHDR: u64 = 33;

pub fn plan(file: &mut File, text: &str) -> io::Result<Result<Plan, Skip>> {
    let Some(head) = read_at(file, 0, AFTER_IHDR as usize)? else {
        return Ok(Err("too short for a PNG".into()));
    };
    if &head[..8] != SIGNATURE || &head[8..16] != b"\0\0\0\x0dIHDR" {
        return Ok(Err("no IHDR where a PNG has it".into()));
    }
    Ok(Ok(Plan {
        at: AFTER_IHDR,
        insert: chunk(text),
        ..Plan::default()
    }))
}

/// The whole chunk: length, type, data, CRC.
fn chunk(text: &str) -> Vec<u8> {
    let (kind, data): (&[u8; 4], Vec<u8>) = if text.is_ascii() {
        (b"tEXt", [b"parameters\0", text.as_bytes()].concat())
    } else {
        // keyword, NUL, compression flag 0, method 0, empty language, NUL, empty keyword, NUL.
        (b"iTXt", [b"parameters\0\0\0\0\0", text.as_bytes()].concat())
    };
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(&data);
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(&data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out
}
