//! A1111 "stealth" parameters: the text hidden in the lowest bit of each alpha value,
//! read column by column (x outer, y inner), most significant bit first: the 15-byte
//! signature `stealth_pnginfo` (plain) or `stealth_pngcomp` (gzip), a 32-bit length in
//! bits, then the data. Only PNGs with an alpha channel are decoded, and only when their
//! pixels fit in [`MAX_PIXEL_BYTES`].

use std::io::Read;

use super::Budget;

/// Largest decoded image (all channels) read for hidden text.
const MAX_PIXEL_BYTES: usize = 64 << 20;

const SIGNATURE_BITS: usize = 15 * 8;

/// The hidden text, if the image carries any.
pub(crate) fn read<R: Read>(reader: R, budget: &mut Budget) -> Option<String> {
    let mut decoder = png::Decoder::new_with_limits(
        reader,
        png::Limits {
            bytes: MAX_PIXEL_BYTES,
        },
    );
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut image = decoder.read_info().ok()?;
    let size = image.output_buffer_size();
    let (color, _) = image.output_color_type();
    let channels = match color {
        png::ColorType::Rgba => 4,
        png::ColorType::GrayscaleAlpha => 2,
        _ => return None,
    };
    if size > MAX_PIXEL_BYTES {
        return None;
    }
    let info = image.info();
    let (w, h) = (info.width as usize, info.height as usize);
    let pixels = if info.interlaced {
        let mut pixels = vec![0u8; size];
        image.next_frame(&mut pixels).ok()?;
        pixels
    } else {
        rows_if_signed(&mut image, w * channels, h, channels, size)?
    };
    let mut bits = (0..w)
        .flat_map(|x| (0..h).map(move |y| (x, y)))
        .map(|(x, y)| {
            let at = (y * w + x) * channels + channels - 1;
            pixels.get(at).map_or(0, |a| a & 1)
        });
    let signature = take_bytes(&mut bits, SIGNATURE_BITS / 8)?;
    let compressed = match signature.as_slice() {
        b"stealth_pnginfo" => false,
        b"stealth_pngcomp" => true,
        _ => return None,
    };
    let len_bits = take_bytes(&mut bits, 4)?;
    let len = u32::from_be_bytes([len_bits[0], len_bits[1], len_bits[2], len_bits[3]]) as usize;
    let data = take_bytes(&mut bits, (len / 8).min(w * h / 8))?;
    let text = if compressed {
        budget.inflate(&data, true)?
    } else {
        data
    };
    String::from_utf8(text).ok()
}

/// Decodes row by row, giving up after the first rows when the first column's alpha bits
/// do not start with a signature: a plain image costs a few rows, not a whole decode.
fn rows_if_signed<R: Read>(
    image: &mut png::Reader<R>,
    stride: usize,
    h: usize,
    channels: usize,
    size: usize,
) -> Option<Vec<u8>> {
    let mut pixels = vec![0u8; size];
    for y in 0..h {
        let row = image.next_row().ok()??;
        let dest = pixels.get_mut(y * stride..(y + 1) * stride)?;
        let data = row.data();
        dest.copy_from_slice(data.get(..stride)?);
        if y + 1 == SIGNATURE_BITS {
            let mut bits = (0..SIGNATURE_BITS).map(|r| pixels[r * stride + channels - 1] & 1);
            let signature = take_bytes(&mut bits, SIGNATURE_BITS / 8)?;
            if !signature.starts_with(b"stealth_png") {
                return None;
            }
        }
    }
    Some(pixels)
}

/// The next `n` bytes of the bit stream; None when it runs out.
fn take_bytes(bits: &mut impl Iterator<Item = u8>, n: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let mut byte = 0u8;
        for _ in 0..8 {
            byte = (byte << 1) | bits.next()?;
        }
        out.push(byte);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    use civimg_fake::build::png::{stealth, Color, Png};

    /// A 32x32 RGBA PNG whose alpha low bits carry `payload` the stealth way.
    pub(crate) fn stealth_png(payload: &[u8], compressed: bool) -> Vec<u8> {
        stealth(32, 32, payload, compressed).build()
    }

    #[test]
    fn plain_and_gzip_payloads() {
        let text = "a circle\nNegative prompt: a square\nSteps: 20, Seed: 5";
        let png = stealth_png(text.as_bytes(), false);
        assert_eq!(read(&png[..], &mut Budget::new()).as_deref(), Some(text));
        let gz = {
            use std::io::Write;
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            enc.write_all(text.as_bytes()).unwrap();
            enc.finish().unwrap()
        };
        let png = stealth_png(&gz, true);
        assert_eq!(read(&png[..], &mut Budget::new()).as_deref(), Some(text));
    }

    #[test]
    fn tall_images_are_read_row_by_row() {
        let text = "a tall one\nSteps: 3";
        let png = stealth(4, 300, text.as_bytes(), false).build();
        assert_eq!(read(&png[..], &mut Budget::new()).as_deref(), Some(text));
        let plain = Png::new(4, 300, Color::Rgba)
            .image(&[255u8; 4 * 300 * 4])
            .build();
        assert_eq!(read(&plain[..], &mut Budget::new()), None);
    }

    #[test]
    fn opaque_or_unsigned_images_hold_nothing() {
        let png = stealth_png(b"", false);
        assert_eq!(read(&png[..], &mut Budget::new()).as_deref(), Some(""));
        let out = Png::new(4, 4, Color::Rgba).image(&[255u8; 64]).build();
        assert_eq!(read(&out[..], &mut Budget::new()), None);
    }
}
