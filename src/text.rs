//! Text that came from outside (the API, a file, a server's error body) made safe for a person's
//! terminal: control characters shown as visible escapes, cells cut to a display width, and
//! values quoted for pasting into a POSIX shell.
//!
//! JSON, JSON lines and CSV outputs never go through here: they stay exact.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Whether `c` must never reach a terminal raw: C0 controls, DEL and C1 controls.
fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// Replaces every control character (newlines and tabs included) with a visible escape
/// (`\x1b`, `\u{85}`), for text that must stay on one line: warnings, errors, the summary.
pub fn escape_line(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// Like [`escape_line`] but keeps newlines, for table cells that may wrap over several lines.
pub fn escape_cell(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

fn escape(s: &str, keep_newline: bool) -> Cow<'_, str> {
    let bad = |c: char| is_control(c) && !(keep_newline && c == '\n');
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if !bad(c) => out.push(c),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// The display width of `s` in terminal columns (wide CJK characters count 2).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` display columns, ending in `…` when something was cut.
/// Runs in time linear in the part kept, however long `s` is.
pub fn fit_width(s: &str, max: usize) -> Cow<'_, str> {
    // Fast path without measuring the whole string: a string of at most `max` bytes is at most
    // `max` columns wide (no character is wider than its UTF-8 encoding is long).
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let (mut used, mut cut) = (0, None);
    for (i, c) in s.char_indices() {
        let w = char_w(c);
        if cut.is_none() && used + w > max - 1 {
            cut = Some(i); // where the ellipsis goes if the whole string does not fit
        }
        used += w;
        if used > max {
            let kept = &s[..cut.unwrap_or(i)];
            return Cow::Owned(format!("{kept}…"));
        }
    }
    Cow::Borrowed(s)
}

fn char_w(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Quotes `s` for a POSIX shell so that pasting it runs nothing: single quotes around it, each
/// `'` inside written as `'\''`. Control characters are not escaped here (a caller printing the
/// result to a terminal passes it through [`escape_line`] too).
pub fn shell_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible() {
        assert_eq!(escape_line("a\x1b[31mb"), "a\\x1b[31mb");
        assert_eq!(escape_line("a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(
            escape_line("del\x7f c1\u{85}\u{9b}"),
            "del\\x7f c1\\u{85}\\u{9b}"
        );
        assert_eq!(escape_cell("a\nb\x07"), "a\nb\\x07");
        assert!(matches!(escape_line("plain ünïcode ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn fit_width_counts_columns_not_bytes() {
        assert_eq!(fit_width("abcdef", 6), "abcdef");
        assert_eq!(fit_width("abcdefg", 6), "abcde…");
        assert_eq!(fit_width("日本語テキスト", 7), "日本語…");
        assert_eq!(width(&fit_width("日本語テキスト", 7)), 7);
        assert_eq!(fit_width("ééé", 3), "ééé");
        assert_eq!(fit_width("abc", 0), "");
    }

    #[test]
    fn fit_width_is_linear_on_huge_input() {
        let huge = "x".repeat(1 << 20);
        assert_eq!(width(&fit_width(&huge, 40)), 40);
    }

    #[test]
    fn shell_quote_survives_quotes() {
        assert_eq!(shell_quote("abc"), "'abc'");
        assert_eq!(shell_quote("a'; rm -rf ~; '"), "'a'\\''; rm -rf ~; '\\'''");
    }
}
