//! JPEG: walks the segments before the scan data. APP1 `Exif` blocks give EXIF fields,
//! APP1 XMP blocks the XMP packet, COM segments their text, SOF markers the size.

use std::io::{BufRead, Read, Seek, SeekFrom};

use anyhow::{bail, Result};

use super::{exif, read_block, Entries};

const XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";

/// Reads the entries of a JPEG positioned at its start.
pub(crate) fn read<R: BufRead + Seek>(reader: &mut R) -> Result<Entries> {
    let mut entries = Entries::default();
    reader.seek(SeekFrom::Start(2))?;
    loop {
        let Some(marker) = next_marker(reader)? else {
            break;
        };
        match marker {
            0xDA | 0xD9 => break,           // start of scan / end of image
            0x01 | 0xD0..=0xD7 => continue, // markers without a length
            _ => {}
        }
        let mut len = [0u8; 2];
        if reader.read_exact(&mut len).is_err() {
            break;
        }
        let len = u64::from(u16::from_be_bytes(len)).saturating_sub(2);
        match marker {
            0xE1 | 0xFE | 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                let Some(body) = read_block(reader, len) else {
                    break;
                };
                segment(marker, &body, &mut entries);
            }
            _ => {
                reader.seek(SeekFrom::Current(len as i64))?;
            }
        }
    }
    Ok(entries)
}

/// The next marker code, skipping fill bytes; None at the end of the data.
fn next_marker<R: Read>(reader: &mut R) -> Result<Option<u8>> {
    let mut byte = [0u8; 1];
    if reader.read_exact(&mut byte).is_err() {
        return Ok(None);
    }
    if byte[0] != 0xFF {
        bail!("corrupt JPEG segment marker");
    }
    loop {
        if reader.read_exact(&mut byte).is_err() {
            return Ok(None);
        }
        if byte[0] != 0xFF {
            return Ok(Some(byte[0]));
        }
    }
}

fn segment(marker: u8, body: &[u8], entries: &mut Entries) {
    match marker {
        0xE1 if body.starts_with(b"Exif\0\0") => exif::read_tiff(&body[6..], entries),
        0xE1 if body.starts_with(XMP_ID) => {
            let xmp = String::from_utf8_lossy(&body[XMP_ID.len()..]).into_owned();
            entries.push("XMP", xmp);
        }
        0xE1 => {}
        0xFE => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
            if !text.is_empty() {
                entries.push("JPEG comment", text.to_string());
            }
        }
        // Start of frame: precision, then height and width.
        _ if body.len() >= 5 && entries.size.is_none() => {
            let h = u32::from(u16::from_be_bytes([body[1], body[2]]));
            let w = u32::from(u16::from_be_bytes([body[3], body[4]]));
            entries.size = Some((w, h));
        }
        _ => {}
    }
}
