//! `--since` / `--until`: the date window on items' `createdAt`, and where a sorted walk may
//! stop early because every later item is outside it.

use std::str::FromStr;

use serde::Deserialize;

use crate::item::Item;
use crate::values::Sort;

const DAY_MS: i64 = 86_400_000;

/// A `--since` / `--until` value: a whole UTC day, or one instant (RFC 3339).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateArg {
    /// `YYYY-MM-DD`: days since 1970-01-01, UTC.
    Day(i64),
    /// A full RFC 3339 time, as milliseconds since the epoch.
    Instant(i64),
}

impl FromStr for DateArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let bad = || {
            format!(
                "`{s}` is not a date: use YYYY-MM-DD (a UTC day) or an RFC 3339 time such as 2026-10-01T12:00:00Z"
            )
        };
        if s.len() == 10 {
            return parse_day(s).map(DateArg::Day).ok_or_else(bad);
        }
        parse_rfc3339(s).map(DateArg::Instant).ok_or_else(bad)
    }
}

impl DateArg {
    /// The first millisecond it covers.
    fn first_ms(self) -> i64 {
        match self {
            DateArg::Day(d) => d * DAY_MS,
            DateArg::Instant(ms) => ms,
        }
    }

    /// The last millisecond it covers: a day's last, or the instant itself.
    fn last_ms(self) -> i64 {
        match self {
            DateArg::Day(d) => (d + 1) * DAY_MS - 1,
            DateArg::Instant(ms) => ms,
        }
    }
}

/// Which end of the window a sorted walk runs past, after which no page can hold a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StopAt {
    /// Any other order: every page is read.
    Never,
    /// `--sort newest`: the first item older than `--since`.
    BeforeSince,
    /// `--sort oldest`: the first item newer than `--until`.
    AfterUntil,
}

/// Items created from `since` to `until`, both inclusive, in milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateWindow {
    since: Option<i64>,
    until: Option<i64>,
    stop: StopAt,
}

/// One page after the window: the items inside it, and what else was learnt.
pub struct Filtered {
    /// Items whose `createdAt` is inside the window, in the page's order.
    pub kept: Vec<Item>,
    /// The walk has gone past the window: no later page can hold a match.
    pub past: bool,
    /// Items left out because their `createdAt` is missing or unreadable.
    pub undated: u64,
}

impl DateWindow {
    /// The window of these flags, or `None` when neither is given; an error when it is empty.
    pub fn new(
        since: Option<DateArg>,
        until: Option<DateArg>,
        sort: Option<Sort>,
    ) -> Result<Option<DateWindow>, String> {
        if since.is_none() && until.is_none() {
            return Ok(None);
        }
        let (since_ms, until_ms) = (since.map(DateArg::first_ms), until.map(DateArg::last_ms));
        if let (Some(a), Some(b)) = (since_ms, until_ms) {
            if a > b {
                return Err("--since is later than --until: no item can match".into());
            }
        }
        let stop = match sort {
            Some(Sort::Newest) if since.is_some() => StopAt::BeforeSince,
            Some(Sort::Oldest) if until.is_some() => StopAt::AfterUntil,
            _ => StopAt::Never,
        };
        Ok(Some(DateWindow {
            since: since_ms,
            until: until_ms,
            stop,
        }))
    }

    /// Keeps the items of a page that fall inside the window.
    pub fn filter(&self, items: Vec<Item>) -> Filtered {
        let mut out = Filtered {
            kept: Vec::with_capacity(items.len()),
            past: false,
            undated: 0,
        };
        for item in items {
            let Some(ms) = created_ms(&item) else {
                out.undated += 1;
                continue;
            };
            let early = self.since.is_some_and(|s| ms < s);
            let late = self.until.is_some_and(|u| ms > u);
            out.past |= match self.stop {
                StopAt::BeforeSince => early,
                StopAt::AfterUntil => late,
                StopAt::Never => false,
            };
            if !early && !late {
                out.kept.push(item);
            }
        }
        out
    }
}

/// An item's `createdAt`, read from its text only when a window is in force.
fn created_ms(item: &Item) -> Option<i64> {
    #[derive(Deserialize)]
    struct Created<'a> {
        #[serde(rename = "createdAt", borrow)]
        created_at: Option<&'a str>,
    }
    let created: Created = serde_json::from_str(item.raw()).ok()?;
    parse_rfc3339(created.created_at?)
}

/// `YYYY-MM-DD` as days since 1970-01-01, checking the day exists.
fn parse_day(s: &str) -> Option<i64> {
    parse_day_bytes(s.as_bytes())
}

/// [`parse_day`] over bytes: every position is looked at as a byte, so text with multibyte
/// characters anywhere is simply not a date (slicing a `str` inside a character panics).
fn parse_day_bytes(b: &[u8]) -> Option<i64> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// RFC 3339 (`2026-10-31T23:59:59.999Z`, `…+02:00`; `t`, `z` or a space allowed) as
/// milliseconds since the epoch. Fractions beyond milliseconds are cut, not rounded. Read as
/// bytes throughout: a multibyte character anywhere (a hostile `createdAt`) is no time.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let day = parse_day_bytes(b.get(..10)?)?;
    let rest = b.get(10..)?;
    let rest = match rest.first()? {
        b'T' | b't' | b' ' => &rest[1..],
        _ => return None,
    };
    if rest.len() < 8 || rest[2] != b':' || rest[5] != b':' {
        return None;
    }
    let (h, mi, sec) = (
        digits(&rest[0..2])?,
        digits(&rest[3..5])?,
        digits(&rest[6..8])?,
    );
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &rest[8..];
    let mut millis = 0;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        // The first three digits, padded: `.5` is 500 ms.
        millis = frac[..n.min(3)]
            .iter()
            .chain(std::iter::repeat(&b'0'))
            .take(3)
            .fold(0, |ms, c| ms * 10 + i64::from(c - b'0'));
        rest = &frac[n..];
    }
    let offset_min = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), hhmm @ ..] => {
            if hhmm.len() != 5 || hhmm[2] != b':' {
                return None;
            }
            let (oh, om) = (digits(&hhmm[0..2])?, digits(&hhmm[3..5])?);
            if oh > 23 || om > 59 {
                return None;
            }
            let sign = if *sign == b'+' { 1 } else { -1 };
            sign * (oh * 60 + om)
        }
        _ => return None,
    };
    let local = day * DAY_MS + ((h * 60 + mi) * 60 + sec) * 1000 + millis;
    Some(local - offset_min * 60_000)
}

/// A run of ASCII digits as a number (no sign, no spaces).
fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0i64, |n, c| {
        n.checked_mul(10)?.checked_add(i64::from(c - b'0'))
    })
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(json: &str) -> Item {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn days_and_times() {
        assert_eq!("1970-01-02".parse(), Ok(DateArg::Day(1)));
        assert_eq!(
            "2024-02-29".parse::<DateArg>().map(|d| d.first_ms()),
            Ok(1_709_164_800_000)
        );
        assert!("2023-02-29".parse::<DateArg>().is_err());
        assert!("2026-13-01".parse::<DateArg>().is_err());
        assert!("2026-1-01".parse::<DateArg>().is_err());
        assert!("yesterday".parse::<DateArg>().is_err());
        let t = |s: &str| parse_rfc3339(s);
        assert_eq!(t("2026-11-01T00:00:00Z"), Some(1_793_491_200_000));
        assert_eq!(t("2026-10-31T23:59:59.999Z"), Some(1_793_491_199_999));
        assert_eq!(t("2026-11-01T02:00:00+02:00"), Some(1_793_491_200_000));
        assert_eq!(t("2026-10-31t19:30:00.5-04:30"), Some(1_793_491_200_500));
        assert_eq!(t("2026-11-01 00:00:00.123456789z"), Some(1_793_491_200_123));
        for bad in [
            "2026-11-01T00:00:00",
            "2026-11-01T24:00:00Z",
            "2026-11-01T00:00:00.Z",
            "2026-11-01T00:00Z",
            "2026-11-01T00:00:00+0200",
            "2026-11-01T00:00:00Zjunk",
            "２026-11-01T00:00:00Z",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }

    // Issue 21: a multibyte character inside a `createdAt` or `--since` panicked the parser.
    #[test]
    fn multibyte_characters_anywhere_are_no_date() {
        let good = "2026-10-31T19:30:00.5-04:30";
        for i in 0..good.len() {
            for odd in ["é", "２", "😀"] {
                let text = format!("{}{odd}{}", &good[..i], &good[i + 1..]);
                assert_eq!(parse_rfc3339(&text), None, "{text}");
                assert!(text.parse::<DateArg>().is_err(), "{text}");
                let inserted = format!("{}{odd}{}", &good[..i], &good[i..]);
                assert_eq!(parse_rfc3339(&inserted), None, "{inserted}");
            }
        }
        assert!("2026-é-01".parse::<DateArg>().is_err());
        assert!("2026-11-é".parse::<DateArg>().is_err());
    }

    #[test]
    fn until_covers_its_whole_day() {
        let day: DateArg = "2026-10-31".parse().unwrap();
        let w = DateWindow::new(Some(day), Some(day), None)
            .unwrap()
            .unwrap();
        let page = vec![
            item(r#"{"id":1,"createdAt":"2026-10-30T23:59:59.999Z"}"#),
            item(r#"{"id":2,"createdAt":"2026-10-31T00:00:00.000Z"}"#),
            item(r#"{"id":3,"createdAt":"2026-10-31T23:59:59.999Z"}"#),
            item(r#"{"id":4,"createdAt":"2026-11-01T00:00:00.000Z"}"#),
            item(r#"{"id":5}"#),
            item(r#"{"id":6,"createdAt":"soon"}"#),
        ];
        let out = w.filter(page);
        let ids: Vec<_> = out.kept.iter().map(|i| i.id.unwrap()).collect();
        assert_eq!(ids, [2, 3]);
        assert_eq!(out.undated, 2);
        assert!(!out.past, "unsorted walks never stop");
    }

    #[test]
    fn sorted_walks_stop_past_their_end() {
        let since = Some("2026-10-01".parse().unwrap());
        let until = Some("2026-10-07".parse().unwrap());
        let old = || vec![item(r#"{"id":1,"createdAt":"2026-09-30T12:00:00Z"}"#)];
        let new = || vec![item(r#"{"id":1,"createdAt":"2026-10-08T12:00:00Z"}"#)];
        let newest = DateWindow::new(since, until, Some(Sort::Newest))
            .unwrap()
            .unwrap();
        assert!(newest.filter(old()).past);
        assert!(!newest.filter(new()).past);
        let oldest = DateWindow::new(since, until, Some(Sort::Oldest))
            .unwrap()
            .unwrap();
        assert!(oldest.filter(new()).past);
        assert!(!oldest.filter(old()).past);
        let newest_until_only = DateWindow::new(None, until, Some(Sort::Newest))
            .unwrap()
            .unwrap();
        assert!(!newest_until_only.filter(old()).past);
        assert!(DateWindow::new(until, since, None).is_err());
        assert_eq!(DateWindow::new(None, None, Some(Sort::Newest)), Ok(None));
    }
}
