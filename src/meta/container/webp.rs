//! WebP: walks the RIFF chunks. `EXIF` (with or without the JPEG-style `Exif\0\0`
//! prefix, Pillow has written both) gives EXIF fields, `XMP ` the XMP packet, and
//! `VP8X` / `VP8 ` / `VP8L` the size.

use std::io::{BufRead, Seek, SeekFrom};

use anyhow::Result;

use super::{exif, read_block, Entries};

/// Reads the entries of a WebP (its `RIFF`…`WEBP` header already sniffed).
pub(crate) fn read<R: BufRead + Seek>(reader: &mut R) -> Result<Entries> {
    reader.seek(SeekFrom::Start(12))?;
    let mut entries = Entries::default();
    loop {
        let mut chunk = [0u8; 8];
        // The end of the chunk list (or a truncated tail) ends the walk.
        if reader.read_exact(&mut chunk).is_err() {
            break;
        }
        let size = u64::from(u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]));
        // Chunks are padded to an even size.
        let padded = size + (size & 1);
        let kind = [chunk[0], chunk[1], chunk[2], chunk[3]];
        let wanted = match &kind {
            b"EXIF" | b"XMP " => size,
            b"VP8X" | b"VP8 " | b"VP8L" => size.min(16),
            _ => 0,
        };
        if wanted == 0 {
            reader.seek(SeekFrom::Current(padded as i64))?;
            continue;
        }
        let Some(body) = read_block(reader, wanted) else {
            break;
        };
        reader.seek(SeekFrom::Current((padded - wanted) as i64))?;
        chunk_body(&kind, &body, &mut entries);
    }
    Ok(entries)
}

fn chunk_body(kind: &[u8; 4], body: &[u8], entries: &mut Entries) {
    match kind {
        b"EXIF" => exif::read_tiff(body.strip_prefix(b"Exif\0\0").unwrap_or(body), entries),
        b"XMP " => entries.push("XMP", String::from_utf8_lossy(body).into_owned()),
        _ => {
            if entries.size.is_none() {
                entries.size = frame_size(kind, body);
            }
        }
    }
}

/// Canvas or frame size: VP8X stores width-1 and height-1 in 24 bits each; VP8 14-bit
/// sizes after its start code; VP8L 14-bit width-1 and height-1 after its signature.
fn frame_size(kind: &[u8; 4], b: &[u8]) -> Option<(u32, u32)> {
    let le24 = |i: usize| -> Option<u32> {
        Some(u32::from_le_bytes([
            *b.get(i)?,
            *b.get(i + 1)?,
            *b.get(i + 2)?,
            0,
        ]))
    };
    match kind {
        b"VP8X" => Some((le24(4)? + 1, le24(7)? + 1)),
        b"VP8 " if b.get(3..6) == Some(&[0x9d, 0x01, 0x2a][..]) => {
            let w = u16::from_le_bytes([*b.get(6)?, *b.get(7)?]) & 0x3fff;
            let h = u16::from_le_bytes([*b.get(8)?, *b.get(9)?]) & 0x3fff;
            Some((u32::from(w), u32::from(h)))
        }
        b"VP8L" if b.first() == Some(&0x2f) => {
            let bits = u32::from_le_bytes([*b.get(1)?, *b.get(2)?, *b.get(3)?, *b.get(4)?]);
            Some(((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use civimg_fake::build::webp as build;

    #[test]
    fn frame_sizes() {
        let vp8x = build::vp8x(0, 1024, 1536);
        assert_eq!(frame_size(b"VP8X", &vp8x), Some((1024, 1536)));
        let vp8 = [0, 0, 0, 0x9d, 0x01, 0x2a, 0x00, 0x04, 0x00, 0x03];
        assert_eq!(frame_size(b"VP8 ", &vp8), Some((1024, 768)));
        let vp8l = build::vp8l_header(1024, 512);
        assert_eq!(frame_size(b"VP8L", &vp8l), Some((1024, 512)));
        assert_eq!(frame_size(b"VP8 ", &[1, 2]), None);
    }
}
