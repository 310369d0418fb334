//! zlib streams (RFC 1950) of stored deflate blocks (RFC 1951, section 3.2.4): valid input
//! for any inflater, written without a compressor.

/// Largest stored block.
const BLOCK: usize = 0xFFFF;

/// `data` as a zlib stream of stored blocks.
pub fn stored(data: &[u8]) -> Vec<u8> {
    // CMF 0x78 (deflate, 32 KiB window) and FLG 0x01: their 16-bit value is a multiple of 31.
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(BLOCK).peekable();
    if blocks.peek().is_none() {
        out.extend([1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(block) = blocks.next() {
        out.push(u8::from(blocks.peek().is_none()));
        let len = block.len() as u16;
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend(block);
    }
    out.extend(adler32(data).to_be_bytes());
    out
}

fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % MOD;
        b = (b + a) % MOD;
    }
    b << 16 | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_streams() {
        // What `zlib.compress(b"", 0)` and `zlib.compress(b"a", 0)` give.
        assert_eq!(stored(b""), [0x78, 1, 1, 0, 0, 0xFF, 0xFF, 0, 0, 0, 1]);
        assert_eq!(
            stored(b"a"),
            [0x78, 1, 1, 1, 0, 0xFE, 0xFF, b'a', 0, 0x62, 0, 0x62]
        );
        let big = vec![7u8; BLOCK + 1];
        let z = stored(&big);
        assert_eq!(z[2], 0, "first of two blocks");
        assert_eq!(z[2 + 5 + BLOCK], 1, "the last block");
        assert_eq!(z.len(), 2 + 2 * 5 + big.len() + 4);
    }
}
