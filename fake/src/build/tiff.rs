//! TIFF blocks, the body of EXIF (TIFF 6.0; EXIF 2.32): the header, IFD0, the Exif IFD when
//! it has fields (IFD0 then points to it), then every value too long for its entry, in the
//! order the fields were added. Generators keep their text here: A1111 and Forge in the
//! Exif IFD's `UserComment` (doc/api.md, "Generation parameters inside files"), ComfyUI
//! savers in IFD0's `Make` and `Model`.

/// Field types (TIFF 6.0, section 2).
pub const ASCII: u16 = 2;
/// A 32-bit unsigned value.
pub const LONG: u16 = 4;
/// Bytes of any meaning.
pub const UNDEFINED: u16 = 7;

/// IFD0's `ImageDescription`.
pub const TAG_IMAGE_DESCRIPTION: u16 = 0x010E;
/// IFD0's `Make`.
pub const TAG_MAKE: u16 = 0x010F;
/// IFD0's `Model`.
pub const TAG_MODEL: u16 = 0x0110;
/// IFD0's pointer to the Exif IFD.
pub const TAG_EXIF_IFD: u16 = 0x8769;
/// The Exif IFD's `ExifVersion`.
pub const TAG_EXIF_VERSION: u16 = 0x9000;
/// The Exif IFD's `UserComment`.
pub const TAG_USER_COMMENT: u16 = 0x9286;

/// How a `UserComment` is encoded after its 8-byte charset prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentEncoding {
    /// `UNICODE\0` + UTF-16BE: what A1111 (piexif) writes.
    Utf16Be,
    /// `UNICODE\0` + UTF-16LE.
    Utf16Le,
    /// `UNICODE\0` + a little-endian BOM + UTF-16LE.
    Utf16LeBom,
    /// `ASCII\0\0\0` + the bytes of the text.
    Ascii,
    /// Eight zero bytes (undefined charset) + UTF-8.
    Undefined,
}

/// A `UserComment` value: charset prefix, then `text` in that encoding.
pub fn user_comment(text: &str, encoding: CommentEncoding) -> Vec<u8> {
    let utf16 = |big_endian: bool| -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    match encoding {
        CommentEncoding::Utf16Be => [b"UNICODE\0".to_vec(), utf16(true)].concat(),
        CommentEncoding::Utf16Le => [b"UNICODE\0".to_vec(), utf16(false)].concat(),
        CommentEncoding::Utf16LeBom => {
            [b"UNICODE\0".to_vec(), vec![0xFF, 0xFE], utf16(false)].concat()
        }
        CommentEncoding::Ascii => [b"ASCII\0\0\0".as_slice(), text.as_bytes()].concat(),
        CommentEncoding::Undefined => [[0u8; 8].as_slice(), text.as_bytes()].concat(),
    }
}

/// The TIFF block A1111 and Forge write around their `parameters` (through piexif): in
/// `big_endian` order (piexif's; other writers use `II`), an Exif IFD with `ExifVersion`
/// and `text` as a UTF-16BE `UserComment`.
pub fn a1111(text: &str, big_endian: bool) -> Vec<u8> {
    Tiff::new(big_endian)
        .exif_version()
        .user_comment(&user_comment(text, CommentEncoding::Utf16Be))
        .build()
}

/// One IFD entry.
struct Field {
    tag: u16,
    kind: u16,
    count: u32,
    /// The value's bytes, already in the block's byte order.
    value: Vec<u8>,
}

/// A TIFF block, built field by field.
pub struct Tiff {
    big_endian: bool,
    ifd0: Vec<Field>,
    exif: Vec<Field>,
}

impl Tiff {
    /// An empty block in big-endian (`MM`) or little-endian (`II`) order.
    pub fn new(big_endian: bool) -> Tiff {
        Tiff {
            big_endian,
            ifd0: Vec::new(),
            exif: Vec::new(),
        }
    }

    /// Adds an ASCII field (`text` and its NUL) to IFD0.
    pub fn ifd0_ascii(mut self, tag: u16, text: &str) -> Tiff {
        let value = [text.as_bytes(), b"\0"].concat();
        self.ifd0.push(Field {
            tag,
            kind: ASCII,
            count: count(&value),
            value,
        });
        self
    }

    /// Adds `ExifVersion` 2.32 to the Exif IFD.
    pub fn exif_version(mut self) -> Tiff {
        self.exif.push(Field {
            tag: TAG_EXIF_VERSION,
            kind: UNDEFINED,
            count: 4,
            value: b"0232".to_vec(),
        });
        self
    }

    /// Adds a `UserComment` holding `value` as it is ([`user_comment`] encodes one) to the
    /// Exif IFD.
    pub fn user_comment(mut self, value: &[u8]) -> Tiff {
        self.exif.push(Field {
            tag: TAG_USER_COMMENT,
            kind: UNDEFINED,
            count: count(value),
            value: value.to_vec(),
        });
        self
    }

    /// The block's bytes. Fields stay in the order added (TIFF wants them sorted by tag:
    /// add them that way); IFD0's pointer to the Exif IFD comes last in IFD0. Values of up
    /// to 4 bytes sit in their entry, longer ones after the IFDs.
    pub fn build(&self) -> Vec<u8> {
        let ifd_len = |fields: usize| 2 + 12 * fields as u32 + 4;
        let exif_at = 8 + ifd_len(self.ifd0.len() + usize::from(!self.exif.is_empty()));
        let mut data_at = exif_at;
        if !self.exif.is_empty() {
            data_at += ifd_len(self.exif.len());
        }
        let mut out = if self.big_endian { b"MM" } else { b"II" }.to_vec();
        out.extend(self.u16(42));
        out.extend(self.u32(8));
        let mut data: Vec<u8> = Vec::new();
        let pointer = Field {
            tag: TAG_EXIF_IFD,
            kind: LONG,
            count: 1,
            value: self.u32(exif_at).to_vec(),
        };
        let ifd0: Vec<&Field> = match self.exif.is_empty() {
            true => self.ifd0.iter().collect(),
            false => self.ifd0.iter().chain([&pointer]).collect(),
        };
        for ifd in [ifd0, self.exif.iter().collect()] {
            if ifd.is_empty() {
                continue;
            }
            out.extend(self.u16(ifd.len() as u16));
            for field in ifd {
                out.extend(self.u16(field.tag));
                out.extend(self.u16(field.kind));
                out.extend(self.u32(field.count));
                if field.value.len() <= 4 {
                    let mut inline = field.value.clone();
                    inline.resize(4, 0);
                    out.extend(inline);
                } else {
                    out.extend(self.u32(data_at + data.len() as u32));
                    data.extend(&field.value);
                }
            }
            out.extend([0; 4]); // no next IFD
        }
        out.extend(data);
        out
    }

    fn u16(&self, v: u16) -> [u8; 2] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    fn u32(&self, v: u32) -> [u8; 4] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
}

/// A value's length as a TIFF count.
fn count(value: &[u8]) -> u32 {
    u32::try_from(value.len()).expect("a TIFF value under 4 GiB")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ifd0_then_the_exif_ifd_then_the_long_values() {
        let t = Tiff::new(true)
            .ifd0_ascii(TAG_MAKE, "abcdefg")
            .user_comment(b"ASCII\0\0\0hi")
            .build();
        assert_eq!(&t[..8], b"MM\0\x2a\0\0\0\x08");
        // IFD0: Make, then the pointer to the Exif IFD at 8 + 2 + 2 * 12 + 4 = 38.
        assert_eq!(&t[8..10], [0, 2]);
        assert_eq!(&t[10..22], b"\x01\x0f\0\x02\0\0\0\x08\0\0\0\x38");
        assert_eq!(&t[22..34], b"\x87\x69\0\x04\0\0\0\x01\0\0\0\x26");
        // The Exif IFD at 38; the values from 56, Make's first, so the comment's at 64.
        assert_eq!(&t[38..40], [0, 1]);
        assert_eq!(&t[40..52], b"\x92\x86\0\x07\0\0\0\x0a\0\0\0\x40");
        assert_eq!(&t[56..], b"abcdefg\0ASCII\0\0\0hi");
    }

    #[test]
    fn short_values_sit_in_their_entry_in_either_order() {
        let t = Tiff::new(false).user_comment(b"ab").build();
        assert_eq!(&t[..4], b"II\x2a\0");
        assert_eq!(&t[28..40], b"\x86\x92\x07\0\x02\0\0\0ab\0\0");
        assert_eq!(t.len(), 26 + 18);
        let plain = Tiff::new(true).ifd0_ascii(TAG_MODEL, "x").build();
        assert_eq!(&plain[10..22], b"\x01\x10\0\x02\0\0\0\x02x\0\0\0");
    }
}
