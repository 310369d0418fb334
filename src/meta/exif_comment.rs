//! EXIF `UserComment` from JPEG and WebP files, where A1111 stores its `parameters` text.
//!
//! A1111 writes it with piexif as `UNICODE\0` + UTF-16 **big-endian** (see
//! `shared/civitai/API.md`); other tools write little-endian, a BOM, or `ASCII\0\0\0`.

use std::io::{BufRead, Read, Seek, SeekFrom};

use anyhow::{bail, Context, Result};
use exif::{In, Tag, Value};

/// Largest EXIF block we accept; real ones are a few KiB, this stops a bogus size field
/// from making us allocate gigabytes.
const MAX_EXIF: u64 = 16 << 20;

/// Reads the UserComment text of a JPEG (None when it has no EXIF or no comment).
pub(crate) fn jpeg_comment<R: BufRead + Seek>(reader: &mut R) -> Result<Option<String>> {
    let exif = exif::Reader::new()
        .continue_on_error(true)
        .read_from_container(reader);
    comment_of(exif)
}

/// Reads the UserComment text of a WebP file.
///
/// kamadak-exif 0.6 reads WebP itself, but hands over the `EXIF` chunk verbatim; Pillow
/// (which A1111 uses to save WebP) has written that chunk with and without the JPEG-style
/// `Exif\0\0` prefix, so we walk the RIFF chunks here and accept both.
pub(crate) fn webp_comment<R: Read + Seek>(reader: &mut R) -> Result<Option<String>> {
    let Some(mut tiff) = webp_exif_chunk(reader)? else {
        return Ok(None);
    };
    if tiff.starts_with(b"Exif\0\0") {
        tiff.drain(..6);
    }
    comment_of(exif::Reader::new().continue_on_error(true).read_raw(tiff))
}

/// Returns the payload of the first `EXIF` chunk of a RIFF/WEBP stream.
fn webp_exif_chunk<R: Read + Seek>(reader: &mut R) -> Result<Option<Vec<u8>>> {
    let mut header = [0u8; 12];
    reader
        .read_exact(&mut header)
        .context("truncated WebP header")?;
    if &header[..4] != b"RIFF" || &header[8..] != b"WEBP" {
        bail!("not a RIFF/WEBP file");
    }
    loop {
        let mut chunk = [0u8; 8];
        match reader.read_exact(&mut chunk) {
            Ok(()) => {}
            // The end of the chunk list (or a truncated tail): no EXIF here.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e).context("reading WebP chunk header"),
        }
        let size = u64::from(u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]));
        if &chunk[..4] == b"EXIF" {
            if size > MAX_EXIF {
                bail!("WebP EXIF chunk of {size} bytes is implausibly large");
            }
            let mut payload = Vec::new();
            reader.take(size).read_to_end(&mut payload)?;
            if payload.len() as u64 != size {
                bail!("truncated WebP EXIF chunk");
            }
            return Ok(Some(payload));
        }
        // Chunks are padded to an even size.
        let skip = size + (size & 1);
        reader.seek(SeekFrom::Current(skip as i64))?;
    }
}

/// Extracts and decodes UserComment from an EXIF parse result.
fn comment_of(parsed: Result<exif::Exif, exif::Error>) -> Result<Option<String>> {
    let exif = match parsed.map_err(|e| e.distill_partial_result(|_| ())) {
        Ok(exif) | Err(Ok(exif)) => exif,
        Err(Err(exif::Error::NotFound(_))) => return Ok(None),
        Err(Err(e)) => return Err(e).context("invalid EXIF data"),
    };
    // kamadak-exif files Exif-IFD tags under the primary image.
    let Some(field) = exif.get_field(Tag::UserComment, In::PRIMARY) else {
        return Ok(None);
    };
    let raw: Vec<u8> = match &field.value {
        Value::Undefined(bytes, _) | Value::Byte(bytes) => bytes.clone(),
        Value::Ascii(parts) => parts.join(&b'\n'),
        _ => return Ok(None),
    };
    Ok(decode_user_comment(&raw))
}

/// Decodes an EXIF UserComment: an 8-byte charset prefix, then the text.
/// `UNICODE\0` → UTF-16 (BOM, else byte order guessed from where the zero bytes are),
/// `ASCII\0\0\0` / `JIS` / all-zero (undefined) → UTF-8, lossily. Trailing NULs and
/// whitespace are dropped; None for an empty comment.
pub fn decode_user_comment(raw: &[u8]) -> Option<String> {
    let (prefix, body) = raw.split_at(raw.len().min(8));
    let text = match prefix {
        b"UNICODE\0" => decode_utf16(body),
        b"ASCII\0\0\0" | b"JIS\0\0\0\0\0" => String::from_utf8_lossy(body).into_owned(),
        _ if prefix.len() == 8 && prefix.iter().all(|&b| b == 0) => {
            String::from_utf8_lossy(body).into_owned()
        }
        // No recognised prefix: some writers put the bare text there.
        _ => String::from_utf8_lossy(raw).into_owned(),
    };
    let text = text.trim_end_matches(|c: char| c == '\0' || c.is_whitespace());
    (!text.trim().is_empty()).then(|| text.to_string())
}

fn decode_utf16(body: &[u8]) -> String {
    let (big_endian, body) = match body {
        [0xFE, 0xFF, rest @ ..] => (true, rest),
        [0xFF, 0xFE, rest @ ..] => (false, rest),
        // Some writers label UTF-8 as UNICODE; UTF-16 of A1111 text always has zero bytes.
        _ if !body.contains(&0) => return String::from_utf8_lossy(body).into_owned(),
        _ => (guess_big_endian(body), body),
    };
    let units = body.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// ASCII-heavy text in UTF-16BE has its zero bytes at even offsets, in LE at odd ones.
fn guess_big_endian(body: &[u8]) -> bool {
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &b) in body.iter().enumerate() {
        if b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    even >= odd
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, be: bool) -> Vec<u8> {
        let mut out = b"UNICODE\0".to_vec();
        for u in text.encode_utf16() {
            out.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        out
    }

    #[test]
    fn decodes_every_prefix() {
        let text = "cat 猫\nSteps: 20";
        assert_eq!(
            decode_user_comment(&utf16(text, true)).as_deref(),
            Some(text)
        );
        assert_eq!(
            decode_user_comment(&utf16(text, false)).as_deref(),
            Some(text)
        );
        let mut bom = b"UNICODE\0\xFF\xFE".to_vec();
        bom.extend(utf16("Z", false).split_off(8));
        assert_eq!(decode_user_comment(&bom).as_deref(), Some("Z"));
        let ascii = [b"ASCII\0\0\0".as_slice(), b"hello\0\0"].concat();
        assert_eq!(decode_user_comment(&ascii).as_deref(), Some("hello"));
        let undefined = [[0u8; 8].as_slice(), "é".as_bytes()].concat();
        assert_eq!(decode_user_comment(&undefined).as_deref(), Some("é"));
        assert_eq!(decode_user_comment(b"bare").as_deref(), Some("bare"));
        assert_eq!(
            decode_user_comment(b"UNICODE\0utf8 text").as_deref(),
            Some("utf8 text")
        );
        assert_eq!(decode_user_comment(b"ASCII\0\0\0   "), None);
        assert_eq!(decode_user_comment(b"UNICODE\0\0"), None);
        assert_eq!(decode_user_comment(b""), None);
    }
}
