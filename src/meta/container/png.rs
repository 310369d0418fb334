//! PNG: walks the chunks, keeping the size from IHDR and every text chunk, seeking past
//! image data (never decoding it); `eXIf` is read as EXIF. Chunk CRCs are not checked: a
//! damaged chunk's text is still what the generator wrote.

use std::io::{BufRead, Seek, SeekFrom};

use anyhow::Result;

use super::{exif, read_block, Budget, Entries, READ_KEYS};

/// Reads the entries of a PNG positioned at its start (the signature already sniffed).
pub(crate) fn read<R: BufRead + Seek>(reader: &mut R, budget: &mut Budget) -> Result<Entries> {
    let mut entries = Entries::default();
    reader.seek(SeekFrom::Start(8))?;
    // A truncated or damaged tail ends the walk with what was read so far.
    while let Some((len, kind)) = chunk_header(reader) {
        match &kind {
            b"IHDR" | b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" => {
                let Some(body) = read_block(reader, u64::from(len)) else {
                    reader.seek(SeekFrom::Current(i64::from(len) + 4))?;
                    continue;
                };
                reader.seek(SeekFrom::Current(4))?;
                chunk(&kind, &body, budget, &mut entries);
            }
            b"IEND" => break,
            _ => {
                reader.seek(SeekFrom::Current(i64::from(len) + 4))?;
            }
        }
    }
    Ok(entries)
}

fn chunk_header<R: BufRead>(reader: &mut R) -> Option<(u32, [u8; 4])> {
    let mut head = [0u8; 8];
    reader.read_exact(&mut head).ok()?;
    let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    // The spec caps chunk lengths at 2^31 - 1.
    (len <= i32::MAX as u32).then_some((len, [head[4], head[5], head[6], head[7]]))
}

fn chunk(kind: &[u8; 4], body: &[u8], budget: &mut Budget, entries: &mut Entries) {
    match kind {
        b"IHDR" if body.len() >= 8 => {
            let w = u32::from_be_bytes([body[0], body[1], body[2], body[3]]);
            let h = u32::from_be_bytes([body[4], body[5], body[6], body[7]]);
            entries.size = Some((w, h));
        }
        b"tEXt" => {
            if let Some((key, text)) = split_nul(body) {
                if budget.take(text.len()) {
                    entries.push(&latin1(key), latin1_or_utf8(text));
                }
            }
        }
        b"zTXt" => {
            let Some((key, rest)) = split_nul(body).filter(|(k, _)| is_read(k)) else {
                return;
            };
            // One byte of compression method (always 0, zlib), then the stream.
            if let Some(text) = rest.get(1..).and_then(|z| budget.inflate(z, false)) {
                entries.push(&latin1(key), latin1_or_utf8(&text));
            }
        }
        b"iTXt" => itxt(body, budget, entries),
        b"eXIf" => exif::read_tiff(body, entries),
        _ => {}
    }
}

/// iTXt: keyword, compression flag and method, language tag, translated keyword, text.
fn itxt(body: &[u8], budget: &mut Budget, entries: &mut Entries) {
    let Some((key, rest)) = split_nul(body) else {
        return;
    };
    let [flag, _method, rest @ ..] = rest else {
        return;
    };
    let Some((_lang, rest)) = split_nul(rest) else {
        return;
    };
    let Some((_translated, text)) = split_nul(rest) else {
        return;
    };
    let text = if *flag == 1 {
        if !is_read(key) {
            return;
        }
        match budget.inflate(text, false) {
            Some(t) => t,
            None => return,
        }
    } else if budget.take(text.len()) {
        text.to_vec()
    } else {
        return;
    };
    // XMP lives in an iTXt chunk with this keyword; it is filed as in JPEG and WebP.
    let key = match key {
        b"XML:com.adobe.xmp" => "XMP".to_string(),
        other => latin1(other),
    };
    entries.push(&key, String::from_utf8_lossy(&text).into_owned());
}

/// Whether a parser reads the chunk named `key`.
fn is_read(key: &[u8]) -> bool {
    READ_KEYS.iter().any(|k| k.as_bytes() == key)
}

fn split_nul(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = data.iter().position(|&b| b == 0)?;
    Some((&data[..at], &data[at + 1..]))
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// tEXt is Latin-1 by the spec, but several generators put UTF-8 bytes in it: keep them
/// as UTF-8 when they form valid UTF-8.
fn latin1_or_utf8(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => latin1(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    use civimg_fake::build::png::{Color, Png};

    /// A 640x480 RGBA PNG with these chunks between its header and end.
    fn png(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        chunks
            .iter()
            .fold(Png::new(640, 480, Color::Rgba), |png, (kind, body)| {
                png.chunk(kind, body)
            })
            .build()
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn every_text_chunk_kind_and_the_header_size() {
        let mut ztxt = b"prompt\0\0".to_vec();
        ztxt.extend(zlib("zé".as_bytes()));
        let mut itxt = b"Comment\0\x01\0en\0\0".to_vec();
        itxt.extend(zlib("騎士".as_bytes()));
        let bytes = png(&[
            (b"tEXt", "a\0caf\u{e9}".as_bytes().to_vec()),
            (b"tEXt", b"l\0caf\xe9".to_vec()),
            (b"IDAT", vec![1, 2, 3]),
            (b"zTXt", ztxt),
            (b"iTXt", itxt),
        ]);
        let e = read(&mut Cursor::new(bytes), &mut Budget::new()).unwrap();
        assert_eq!(e.size, Some((640, 480)));
        assert_eq!(e.get("a"), Some("café"), "UTF-8 in tEXt");
        assert_eq!(e.get("l"), Some("café"), "Latin-1 in tEXt");
        assert_eq!(e.get("prompt"), Some("zé"));
        assert_eq!(e.get("Comment"), Some("騎士"));
    }

    #[test]
    fn many_small_bombs_stop_at_the_budget() {
        let mut body = b"workflow\0\0".to_vec();
        body.extend(zlib(&vec![b'x'; 8 << 20]));
        let chunks: Vec<(&[u8; 4], Vec<u8>)> = (0..20).map(|_| (b"zTXt", body.clone())).collect();
        let e = read(&mut Cursor::new(png(&chunks)), &mut Budget::new()).unwrap();
        let total: usize = e.texts.iter().map(|(_, t)| t.len()).sum();
        assert_eq!(e.texts.len(), 8, "8 MiB each: only 64 MiB in total");
        assert!(total <= super::super::MAX_TEXT);
    }

    #[test]
    fn compressed_chunks_no_parser_reads_are_not_inflated() {
        let mut body = b"junk\0\0".to_vec();
        body.extend(zlib(b"hidden"));
        let bytes = png(&[(b"zTXt", body), (b"tEXt", b"note\0kept".to_vec())]);
        let e = read(&mut Cursor::new(bytes), &mut Budget::new()).unwrap();
        assert_eq!(e.get("junk"), None);
        assert_eq!(e.get("note"), Some("kept"));
    }

    #[test]
    fn truncated_files_keep_what_was_read() {
        let bytes = png(&[(b"tEXt", b"a\0b".to_vec()), (b"tEXt", b"c\0d".to_vec())]);
        let cut = &bytes[..bytes.len() - 20];
        let e = read(&mut Cursor::new(cut.to_vec()), &mut Budget::new()).unwrap();
        assert_eq!(e.get("a"), Some("b"));
    }
}
