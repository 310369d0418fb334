//! EXIF in TIFF layout: the main IFD and the Exif IFD, read by hand within the block's
//! bounds (no offset is trusted, no IFD is visited twice). Text fields generators write
//! to: `UserComment` (A1111, SwarmUI, Civitai, NovelAI, ComfyUI savers; in either IFD),
//! `ImageDescription`, `Make`, `Model` and `Software`.
//!
//! A1111 writes UserComment with piexif as `UNICODE\0` + UTF-16 **big-endian** (see
//! `doc/api.md`); other tools write little-endian, a BOM, or `ASCII\0\0\0`.

use super::{push_field, Entries};

/// Tags read, with the key each is filed under.
const TAGS: &[(u16, &str)] = &[
    (0x9286, "UserComment"),
    (0x010E, "ImageDescription"),
    (0x010F, "Make"),
    (0x0110, "Model"),
    (0x0131, "Software"),
];

/// Pointer to the Exif IFD.
const EXIF_IFD: u16 = 0x8769;

/// Most entries read from one IFD.
const MAX_IFD_ENTRIES: usize = 512;

/// Reads the text fields of a TIFF-layout EXIF block into `entries`.
pub(crate) fn read_tiff(tiff: &[u8], entries: &mut Entries) {
    let big = match tiff.get(..4) {
        Some(b"MM\0*") => true,
        Some(b"II*\0") => false,
        _ => return,
    };
    let t = Tiff { data: tiff, big };
    let Some(ifd0) = t.u32(4) else { return };
    let exif = t.ifd(ifd0 as usize, entries);
    if let Some(sub) = exif.filter(|&o| o != ifd0) {
        t.ifd(sub as usize, entries);
    }
}

struct Tiff<'a> {
    data: &'a [u8],
    big: bool,
}

impl Tiff<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b = self.data.get(at..at + 2)?;
        Some(if self.big {
            u16::from_be_bytes([b[0], b[1]])
        } else {
            u16::from_le_bytes([b[0], b[1]])
        })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b = self.data.get(at..at + 4)?;
        let b = [b[0], b[1], b[2], b[3]];
        Some(if self.big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }

    /// Reads the wanted fields of the IFD at `at`; returns the Exif IFD pointer if any.
    /// Each tag is read once (its first readable entry): a repeated tag, every entry
    /// pointing at one large value say, adds nothing.
    fn ifd(&self, at: usize, entries: &mut Entries) -> Option<u32> {
        let count = usize::from(self.u16(at)?).min(MAX_IFD_ENTRIES);
        let mut exif = None;
        let mut seen = [false; TAGS.len()];
        for i in 0..count {
            let e = at + 2 + 12 * i;
            let (Some(tag), Some(kind), Some(n)) = (self.u16(e), self.u16(e + 2), self.u32(e + 4))
            else {
                break;
            };
            if tag == EXIF_IFD {
                exif = self.u32(e + 8);
            } else if let Some(t) = TAGS.iter().position(|(t, _)| *t == tag) {
                let Some(raw) = self.value(e, kind, n).filter(|_| !seen[t]) else {
                    continue;
                };
                seen[t] = true;
                if let Some(text) = decode(tag, kind, raw) {
                    push_field(entries, TAGS[t].1, text);
                }
            }
        }
        exif
    }

    /// The bytes of a BYTE, ASCII or UNDEFINED field: inline up to 4 bytes, else at its
    /// offset.
    fn value(&self, entry: usize, kind: u16, n: u32) -> Option<&[u8]> {
        if !matches!(kind, 1 | 2 | 7) {
            return None;
        }
        let n = n as usize;
        let start = if n <= 4 {
            entry + 8
        } else {
            self.u32(entry + 8)? as usize
        };
        self.data.get(start..start.checked_add(n)?)
    }
}

fn decode(tag: u16, kind: u16, raw: &[u8]) -> Option<String> {
    if tag == 0x9286 && kind != 2 {
        return decode_user_comment(raw);
    }
    let text = String::from_utf8_lossy(raw);
    let text = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    (!text.is_empty()).then(|| text.to_string())
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

    use civimg_fake::build::tiff::{user_comment, CommentEncoding};

    #[test]
    fn decodes_every_prefix() {
        let text = "cat 猫\nSteps: 20";
        assert_eq!(
            decode_user_comment(&user_comment(text, CommentEncoding::Utf16Be)).as_deref(),
            Some(text)
        );
        assert_eq!(
            decode_user_comment(&user_comment(text, CommentEncoding::Utf16Le)).as_deref(),
            Some(text)
        );
        let bom = user_comment("Z", CommentEncoding::Utf16LeBom);
        assert!(bom.starts_with(b"UNICODE\0\xFF\xFE"));
        assert_eq!(decode_user_comment(&bom).as_deref(), Some("Z"));
        let ascii = user_comment("hello\0\0", CommentEncoding::Ascii);
        assert_eq!(decode_user_comment(&ascii).as_deref(), Some("hello"));
        let undefined = user_comment("é", CommentEncoding::Undefined);
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
