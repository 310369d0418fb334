//! WebP: an `EXIF` chunk (bare TIFF) at the end, announced by the `VP8X` header's EXIF flag;
//! a simple WebP (`VP8 ` or `VP8L` alone) gets a `VP8X` header built from its bitstream's
//! size. The RIFF size is patched to match. A file with an `EXIF` chunk is left alone.

use std::fs::File;
use std::io;

use super::{exif, read_at, Plan, Skip};

/// VP8X flag: EXIF present.
const FLAG_EXIF: u8 = 0x08;
/// VP8X flag: alpha.
const FLAG_ALPHA: u8 = 0x10;
/// Most chunks looked at.
const MAX_CHUNKS: usize = 10_000;

pub fn plan(file: &mut File, text: &str) -> io::Result<Result<Plan, Skip>> {
    let len = file.metadata()?.len();
    let Some(head) = read_at(file, 0, 20)? else {
        return Ok(Err("too short for a WebP".into()));
    };
    if &head[..4] != b"RIFF" || &head[8..12] != b"WEBP" {
        return Ok(Err("no RIFF WEBP header".into()));
    }
    let riff = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
    if riff + 8 != len {
        return Ok(Err("its RIFF size does not match its length".into()));
    }
    if has_exif(file, len)? {
        return Ok(Err("it has EXIF of its own".into()));
    }
    let tiff = exif::tiff_with_comment(text);
    // A last chunk of odd size may lack its pad byte: add it before the new chunk.
    let mut append = vec![0u8; (len % 2) as usize];
    append.extend_from_slice(b"EXIF");
    append.extend_from_slice(&(tiff.len() as u32).to_le_bytes());
    append.extend_from_slice(&tiff);
    if tiff.len() % 2 == 1 {
        append.push(0);
    }
    let first = &head[12..16];
    let (at, insert, mut patches) = if first == b"VP8X" {
        let Some(flags) = read_at(file, 20, 1)? else {
            return Ok(Err("its VP8X header is cut".into()));
        };
        (30, Vec::new(), vec![(20, vec![flags[0] | FLAG_EXIF])])
    } else {
        match vp8x_for(file, first)? {
            Some(vp8x) => (12, vp8x, Vec::new()),
            None => return Ok(Err("its bitstream header is not one civimg reads".into())),
        }
    };
    let new_riff = riff + (insert.len() + append.len()) as u64;
    let Ok(new_riff) = u32::try_from(new_riff) else {
        return Ok(Err("too large for a RIFF file".into()));
    };
    patches.push((4, new_riff.to_le_bytes().to_vec()));
    Ok(Ok(Plan {
        at,
        patches,
        insert,
        append,
    }))
}

/// Whether any chunk is `EXIF`.
fn has_exif(file: &mut File, len: u64) -> io::Result<bool> {
    let mut pos = 12u64;
    for _ in 0..MAX_CHUNKS {
        let Some(h) = read_at(file, pos, 8)? else {
            return Ok(false);
        };
        if &h[..4] == b"EXIF" {
            return Ok(true);
        }
        let size = u64::from(u32::from_le_bytes([h[4], h[5], h[6], h[7]]));
        pos += 8 + size + size % 2;
        if pos >= len {
            return Ok(false);
        }
    }
    Ok(false)
}

/// A `VP8X` chunk for a simple WebP whose first chunk is `kind`, from the canvas size in
/// its bitstream header.
fn vp8x_for(file: &mut File, kind: &[u8]) -> io::Result<Option<Vec<u8>>> {
    let need = if kind == b"VP8L" { 5 } else { 10 };
    let Some(data) = read_at(file, 20, need)? else {
        return Ok(None);
    };
    let (w, h, alpha) = match kind {
        b"VP8L" if data[0] == 0x2F => {
            let bits = u32::from_le_bytes([data[1], data[2], data[3], data[4]]);
            (
                (bits & 0x3FFF) + 1,
                ((bits >> 14) & 0x3FFF) + 1,
                bits >> 28 & 1 == 1,
            )
        }
        b"VP8 " if data[3..6] == [0x9D, 0x01, 0x2A] => {
            let w = u32::from(u16::from_le_bytes([data[6], data[7]]) & 0x3FFF);
            let h = u32::from(u16::from_le_bytes([data[8], data[9]]) & 0x3FFF);
            (w, h, false)
        }
        _ => return Ok(None),
    };
    if w == 0 || h == 0 {
        return Ok(None);
    }
    let flags = FLAG_EXIF | if alpha { FLAG_ALPHA } else { 0 };
    let mut chunk = b"VP8X".to_vec();
    chunk.extend_from_slice(&10u32.to_le_bytes());
    chunk.extend_from_slice(&[flags, 0, 0, 0]);
    chunk.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
    chunk.extend_from_slice(&(h - 1).to_le_bytes()[..3]);
    Ok(Some(chunk))
}
