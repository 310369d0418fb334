//! Small pure helpers of the fake: deterministic hashing, dates, CRC-32.

/// The fake's "now": every `period` window and every `createdAt` is relative to it,
/// so the dataset is the same on every run whatever the wall clock says.
pub const NOW_MS: i64 = 1_793_491_200_000; // 2026-11-01T00:00:00.000Z

/// Milliseconds in a day, for the `period` windows (doc/api.md, "period").
pub const DAY_MS: i64 = 86_400_000;

/// SplitMix64 finaliser: a cheap, well-mixed, stateless hash of one word.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash of an item index under a salt, so each property draws independent "random" bits.
pub fn h(index: u64, salt: u64) -> u64 {
    mix(index ^ mix(salt.wrapping_mul(0x0100_0000_01B3)))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date of a day count since the epoch (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `createdAt` as Civitai writes it: ISO 8601 with milliseconds and `Z` (doc/api.md, item fields).
pub fn iso_ms(ms: i64) -> String {
    let (y, mo, d) = civil_from_days(ms.div_euclid(DAY_MS));
    let rem = ms.rem_euclid(DAY_MS);
    let (hh, mm, ss, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    format!("{y:04}-{mo:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{milli:03}Z")
}

/// Parse the subset of ISO 8601 that [`iso_ms`] writes (and plain dates), for hand-added items.
pub fn parse_iso_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    if b.len() < 10 {
        return None;
    }
    let days = days_from_civil(num(0..4)?, num(5..7)?, num(8..10)?);
    let mut ms = days * DAY_MS;
    if b.len() >= 19 {
        ms += num(11..13)? * 3_600_000 + num(14..16)? * 60_000 + num(17..19)? * 1000;
    }
    if b.len() >= 23 && b[19] == b'.' {
        ms += num(20..23)?;
    }
    Some(ms)
}

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
}

static CRC_TABLE: [u32; 256] = crc_table();

/// CRC-32 (ISO-HDLC, as PNG uses) of the concatenation of `parts`.
pub fn crc32(parts: &[&[u8]]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for part in parts {
        for &byte in *part {
            c = CRC_TABLE[((c ^ u32::from(byte)) & 0xFF) as usize] ^ (c >> 8);
        }
    }
    c ^ 0xFFFF_FFFF
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_first_of_november_2026() {
        assert_eq!(days_from_civil(2026, 11, 1) * DAY_MS, NOW_MS);
        assert_eq!(iso_ms(NOW_MS - 1), "2026-10-31T23:59:59.999Z");
        assert_eq!(parse_iso_ms("2026-10-31T23:59:59.999Z"), Some(NOW_MS - 1));
    }

    #[test]
    fn crc_of_iend() {
        assert_eq!(crc32(&[b"IEND"]), 0xAE42_6082);
    }
}
