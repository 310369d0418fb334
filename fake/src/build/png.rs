//! PNG files: the signature, then chunks (big-endian length, type, data, CRC-32 of type and
//! data): `IHDR` first, text chunks (`tEXt`, `zTXt`, `iTXt`) before or after the image data
//! (`IDAT`), `IEND` last.

use super::zlib;
use crate::util::crc32;

/// The 8 bytes every PNG starts with.
pub const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Pixel layouts, by their `IHDR` colour type (8 bits a sample).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// Colour type 2: red, green, blue.
    Rgb = 2,
    /// Colour type 6: red, green, blue, alpha.
    Rgba = 6,
}

impl Color {
    fn channels(self) -> usize {
        match self {
            Color::Rgb => 3,
            Color::Rgba => 4,
        }
    }
}

/// Which chunk type carries a text entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// `tEXt`: Latin-1, uncompressed.
    Text,
    /// `zTXt`: Latin-1, zlib-compressed.
    Ztxt,
    /// `iTXt`: UTF-8, uncompressed.
    Itxt,
    /// `iTXt` with its compression flag set.
    ItxtCompressed,
}

/// Appends a chunk with its CRC.
pub fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).expect("a chunk under 4 GiB");
    out.extend(len.to_be_bytes());
    out.extend(kind);
    out.extend(data);
    out.extend(crc32(&[kind, data]).to_be_bytes());
}

/// An `IHDR` chunk's data: size, 8 bits a sample, this colour type, no interlace.
pub fn ihdr(width: u32, height: u32, color: Color) -> Vec<u8> {
    let mut data = width.to_be_bytes().to_vec();
    data.extend(height.to_be_bytes());
    data.extend([8, color as u8, 0, 0, 0]);
    data
}

/// The type and data of a text chunk holding `keyword` and `text`. Latin-1 chunks panic on
/// text outside Latin-1 (a test asking for one means a mistake); compressed text is a zlib
/// stream of stored blocks; `iTXt` has no language tag and no translated keyword.
pub fn text_chunk(kind: TextKind, keyword: &str, text: &str) -> ([u8; 4], Vec<u8>) {
    let latin1 = || -> Vec<u8> {
        text.chars()
            .map(|c| u8::try_from(u32::from(c)).expect("tEXt and zTXt hold Latin-1"))
            .collect()
    };
    let key = [keyword.as_bytes(), b"\0"].concat();
    match kind {
        TextKind::Text => (*b"tEXt", [key, latin1()].concat()),
        TextKind::Ztxt => (*b"zTXt", [key, vec![0], zlib::stored(&latin1())].concat()),
        TextKind::Itxt => (
            *b"iTXt",
            [key, vec![0, 0, 0, 0], text.as_bytes().to_vec()].concat(),
        ),
        TextKind::ItxtCompressed => (
            *b"iTXt",
            [key, vec![1, 0, 0, 0], zlib::stored(text.as_bytes())].concat(),
        ),
    }
}

/// A PNG, built chunk by chunk between its `IHDR` and `IEND`.
pub struct Png {
    width: u32,
    height: u32,
    color: Color,
    chunks: Vec<u8>,
}

impl Png {
    /// A `width` x `height` PNG of 8-bit `color` with no chunks yet (no image data either:
    /// [`Png::image`] adds it where it belongs among the text).
    pub fn new(width: u32, height: u32, color: Color) -> Png {
        Png {
            width,
            height,
            color,
            chunks: Vec::new(),
        }
    }

    /// Adds a text chunk ([`text_chunk`]).
    pub fn text(self, kind: TextKind, keyword: &str, text: &str) -> Png {
        let (kind, data) = text_chunk(kind, keyword, text);
        self.chunk(&kind, &data)
    }

    /// Adds the image data: `pixels` row by row (no filter), as one `IDAT`.
    pub fn image(self, pixels: &[u8]) -> Png {
        let row = self.width as usize * self.color.channels();
        assert_eq!(
            pixels.len(),
            row * self.height as usize,
            "pixels for the size"
        );
        let lines: Vec<u8> = pixels
            .chunks(row.max(1))
            .flat_map(|line| [&[0u8][..], line].concat())
            .collect();
        let idat = zlib::stored(&lines);
        self.chunk(b"IDAT", &idat)
    }

    /// Adds a chunk as it is.
    pub fn chunk(mut self, kind: &[u8; 4], data: &[u8]) -> Png {
        chunk(&mut self.chunks, kind, data);
        self
    }

    /// The file's bytes: signature, `IHDR`, the chunks added, `IEND`.
    pub fn build(&self) -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        chunk(
            &mut out,
            b"IHDR",
            &ihdr(self.width, self.height, self.color),
        );
        out.extend(&self.chunks);
        chunk(&mut out, b"IEND", &[]);
        out
    }
}

/// A `width` x `height` RGBA PNG whose alpha channel's low bits carry `payload` the way the
/// stealth PNG-info extension writes it, column by column: the signature
/// (`stealth_pngcomp` when `payload` is gzip, else `stealth_pnginfo`), the payload's length
/// in bits (32-bit big-endian), the payload. The rest of the alpha stays 255.
pub fn stealth(width: u32, height: u32, payload: &[u8], gzip: bool) -> Png {
    let (w, h) = (width as usize, height as usize);
    let signature: &[u8] = if gzip {
        b"stealth_pngcomp"
    } else {
        b"stealth_pnginfo"
    };
    let bit_len = u32::try_from(payload.len() * 8).expect("a payload under 512 MiB");
    let stream = [signature, &bit_len.to_be_bytes(), payload].concat();
    let bits = stream
        .iter()
        .flat_map(|b| (0..8).rev().map(move |i| (b >> i) & 1));
    let mut pixels = vec![255u8; w * h * 4];
    for (i, bit) in bits.enumerate().take(w * h) {
        let (x, y) = (i / h, i % h);
        pixels[(y * w + x) * 4 + 3] = 254 | bit;
    }
    Png::new(width, height, Color::Rgba).image(&pixels)
}
