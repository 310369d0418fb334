//! WebP files (RFC 9649): `RIFF`, the size of what follows, `WEBP`, then chunks each padded to
//! an even size. An extended file starts with `VP8X` (flags and canvas size) and may carry
//! `EXIF` (a bare TIFF block) and `XMP ` chunks; the image is a `VP8L` (lossless) chunk.

/// `VP8X` flag: the file has an `EXIF` chunk.
pub const EXIF_FLAG: u8 = 0x08;
/// `VP8X` flag: the file has an `XMP ` chunk.
pub const XMP_FLAG: u8 = 0x04;
/// `VP8X` flag: the file is an animation.
pub const ANIMATION_FLAG: u8 = 0x02;

/// Appends a chunk: fourcc, little-endian size, data, a pad byte when the size is odd.
pub fn chunk(out: &mut Vec<u8>, fourcc: &[u8; 4], data: &[u8]) {
    out.extend(fourcc);
    out.extend(
        u32::try_from(data.len())
            .expect("a chunk under 4 GiB")
            .to_le_bytes(),
    );
    out.extend(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}

/// A `VP8X` chunk's data: flags, three reserved bytes, canvas width - 1 and height - 1 in
/// 24 bits each.
pub fn vp8x(flags: u8, width: u32, height: u32) -> Vec<u8> {
    let mut data = vec![flags, 0, 0, 0];
    data.extend(&(width - 1).to_le_bytes()[..3]);
    data.extend(&(height - 1).to_le_bytes()[..3]);
    data
}

/// The 5-byte header of a `VP8L` bitstream: signature 0x2F, then 14-bit width - 1 and
/// height - 1, alpha unused, version 0.
pub fn vp8l_header(width: u32, height: u32) -> [u8; 5] {
    let mut header = [0x2F, 0, 0, 0, 0];
    header[1..].copy_from_slice(&((width - 1) | (height - 1) << 14).to_le_bytes());
    header
}

/// A WebP, built chunk by chunk.
#[derive(Default)]
pub struct WebP {
    chunks: Vec<u8>,
}

impl WebP {
    /// No chunks yet.
    pub fn new() -> WebP {
        WebP::default()
    }

    /// Adds a `VP8X` chunk with these flags and canvas size.
    pub fn vp8x(self, flags: u8, width: u32, height: u32) -> WebP {
        self.chunk(b"VP8X", &vp8x(flags, width, height))
    }

    /// Adds a `VP8L` chunk: the header for this size, then `bitstream`.
    pub fn vp8l(self, width: u32, height: u32, bitstream: &[u8]) -> WebP {
        self.chunk(
            b"VP8L",
            &[&vp8l_header(width, height)[..], bitstream].concat(),
        )
    }

    /// Adds a `VP8L` chunk that decodes to one black pixel: no transform, no colour cache,
    /// no meta prefix codes, and five prefix codes of a single symbol each.
    pub fn pixel(self) -> WebP {
        self.vp8l(1, 1, &[0x88, 0x88, 0x08])
    }

    /// Adds an `EXIF` chunk holding `exif` as it is (a bare TIFF block, as the WebP spec
    /// says; some Pillow versions left an `Exif\0\0` before it).
    pub fn exif(self, exif: &[u8]) -> WebP {
        self.chunk(b"EXIF", exif)
    }

    /// Adds an `XMP ` chunk holding `packet`.
    pub fn xmp(self, packet: &[u8]) -> WebP {
        self.chunk(b"XMP ", packet)
    }

    /// Adds a chunk.
    pub fn chunk(mut self, fourcc: &[u8; 4], data: &[u8]) -> WebP {
        chunk(&mut self.chunks, fourcc, data);
        self
    }

    /// The file's bytes.
    pub fn build(&self) -> Vec<u8> {
        let size = u32::try_from(4 + self.chunks.len()).expect("a WebP under 4 GiB");
        let mut out = b"RIFF".to_vec();
        out.extend(size.to_le_bytes());
        out.extend(b"WEBP");
        out.extend(&self.chunks);
        out
    }
}
