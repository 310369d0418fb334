//! JPEG files (ITU T.81): SOI, marker segments (APP0 JFIF, APP1 EXIF, COM, tables, a
//! baseline frame, a scan header), the scan data, EOI.

/// Largest segment payload: the 16-bit length counts itself.
pub const MAX_SEGMENT: usize = 0xFFFF - 2;

/// The JFIF APP0 payload of version 1.01 at 72 dpi, as encoders and the CDN's re-encoded
/// variants write it.
const JFIF: &[u8] = b"JFIF\0\x01\x01\0\0\x48\0\x48\0\0";

/// Appends a marker segment: `FF marker`, the big-endian length (counting itself), `body`.
pub fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) {
    assert!(body.len() <= MAX_SEGMENT, "JPEG segment too long");
    out.extend([0xFF, marker]);
    out.extend(((body.len() + 2) as u16).to_be_bytes());
    out.extend(body);
}

/// A JPEG, built segment by segment after its SOI.
pub struct Jpeg {
    bytes: Vec<u8>,
}

impl Default for Jpeg {
    fn default() -> Jpeg {
        Jpeg::new()
    }
}

impl Jpeg {
    /// SOI and nothing yet.
    pub fn new() -> Jpeg {
        Jpeg {
            bytes: vec![0xFF, 0xD8],
        }
    }

    /// Adds a JFIF APP0 segment.
    pub fn jfif(self) -> Jpeg {
        self.segment(0xE0, JFIF)
    }

    /// Adds an APP1 EXIF segment: `Exif\0\0`, then `tiff` (a [`super::tiff`] block).
    pub fn exif(self, tiff: &[u8]) -> Jpeg {
        self.segment(0xE1, &[b"Exif\0\0".as_slice(), tiff].concat())
    }

    /// Adds a COM segment holding `text`.
    pub fn comment(self, text: &[u8]) -> Jpeg {
        self.segment(0xFE, text)
    }

    /// Adds a segment with this marker and payload.
    pub fn segment(mut self, marker: u8, body: &[u8]) -> Jpeg {
        segment(&mut self.bytes, marker, body);
        self
    }

    /// Ends with the header of a `width` x `height` YCbCr scan (SOF0 with Y sampled 2x2, Cb
    /// and Cr 1x1, then SOS): the head of a file whose scan data and EOI the caller adds.
    pub fn ycbcr_scan_head(self, width: u16, height: u16) -> Vec<u8> {
        let mut sof = vec![8];
        sof.extend(height.to_be_bytes());
        sof.extend(width.to_be_bytes());
        sof.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        self.segment(0xC0, &sof)
            .segment(0xDA, &[3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0])
            .bytes
    }

    /// Ends as a complete baseline grayscale JPEG of this size: a quantization table, SOF0,
    /// Huffman tables that each hold a single 1-bit code (DC category 0, AC end-of-block),
    /// SOS, one block of mid grey, EOI. A decoder reads it at up to 8x8 (one block); at
    /// larger sizes readers of metadata still find the frame's size.
    pub fn gray(self, width: u16, height: u16) -> Vec<u8> {
        let mut dqt = vec![0x00];
        dqt.extend([1u8; 64]);
        let mut sof = vec![8];
        sof.extend(height.to_be_bytes());
        sof.extend(width.to_be_bytes());
        sof.extend([1, 1, 0x11, 0]);
        let huffman = |class: u8| {
            let mut t = vec![class, 1];
            t.extend([0u8; 15]);
            t.push(0x00);
            t
        };
        let mut out = self
            .segment(0xDB, &dqt)
            .segment(0xC0, &sof)
            .segment(0xC4, &huffman(0x00))
            .segment(0xC4, &huffman(0x10))
            .segment(0xDA, &[1, 1, 0x00, 0, 63, 0])
            .bytes;
        // Bits "0" (DC difference 0) and "0" (end of block), padded with ones; then EOI.
        out.extend([0x3F, 0xFF, 0xD9]);
        out
    }
}
