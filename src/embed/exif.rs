//! The smallest EXIF that carries a `UserComment`: a big-endian TIFF with IFD0 pointing at an
//! Exif IFD whose one entry is the comment, `UNICODE\0` then UTF-16BE, as A1111 writes it.

/// TIFF tag of the Exif IFD pointer.
const EXIF_IFD: u16 = 0x8769;
/// TIFF tag of `UserComment`.
const USER_COMMENT: u16 = 0x9286;

/// The TIFF bytes (from `MM`) holding `text` as `UserComment`.
pub fn tiff_with_comment(text: &str) -> Vec<u8> {
    let mut comment = b"UNICODE\0".to_vec();
    for unit in text.encode_utf16() {
        comment.extend_from_slice(&unit.to_be_bytes());
    }
    // Header (8), IFD0 with one entry (2 + 12 + 4), Exif IFD with one entry (2 + 12 + 4).
    let exif_ifd: u32 = 8 + 18;
    let data: u32 = exif_ifd + 18;
    let mut t = b"MM\0\x2a".to_vec();
    t.extend_from_slice(&8u32.to_be_bytes());
    ifd(&mut t, EXIF_IFD, 4, 1, exif_ifd);
    ifd(&mut t, USER_COMMENT, 7, comment.len() as u32, data);
    t.extend_from_slice(&comment);
    t
}

/// One IFD with a single entry (tag, type, count, value or offset) and no next IFD.
fn ifd(out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32) {
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&tag.to_be_bytes());
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&value.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_comment_sits_where_the_ifd_says() {
        let t = tiff_with_comment("é");
        assert_eq!(&t[..8], b"MM\0\x2a\0\0\0\x08");
        assert_eq!(&t[44..52], b"UNICODE\0");
        assert_eq!(&t[52..], &[0x00, 0xE9]);
        assert_eq!(
            crate::meta::decode_user_comment(&t[44..]).as_deref(),
            Some("é")
        );
    }
}
