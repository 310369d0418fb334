//! The top level of an object's JSON text, read without building anything: its entries in
//! order, each key and value as the text they were sent as.
//!
//! The intake runs this over an item's text right after serde_json has checked that text is
//! JSON (it was read as a `RawValue`), so it only has to find where each entry starts and ends:
//! a string runs to its first unescaped quote, a container to its matching bracket, any other
//! value to the next delimiter. On text that is not valid JSON it stops early (`None`), never
//! panics and never reads past the text.

/// The entries of the object `text` holds; `None` when the text is no object.
pub fn entries(text: &str) -> Option<Entries<'_>> {
    let b = text.as_bytes();
    let start = skip_ws(b, 0);
    (b.get(start) == Some(&b'{')).then_some(Entries {
        text,
        pos: start + 1,
        done: false,
    })
}

/// The entries of one object's top level: `(key, value)`, the key as written between its
/// quotes (escapes left as they are), the value's whole text.
pub struct Entries<'a> {
    text: &'a str,
    pos: usize,
    done: bool,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let entry = self.entry();
        if entry.is_none() {
            self.done = true;
        }
        entry
    }
}

impl<'a> Entries<'a> {
    /// The entry at `pos`, moving past it; `None` at the closing brace (or on damage).
    fn entry(&mut self) -> Option<(&'a str, &'a str)> {
        let b = self.text.as_bytes();
        let mut i = skip_ws(b, self.pos);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(b, i + 1)?;
        let key = self.text.get(i + 1..key_end)?;
        i = skip_ws(b, key_end + 1);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_ws(b, i + 1);
        let end = value_end(b, start)?;
        self.pos = end;
        Some((key, self.text.get(start..end)?))
    }
}

/// Whether a value's text is a JSON string (its quotes included).
pub fn is_string(value: &str) -> bool {
    value.len() >= 2 && value.starts_with('"') && value.ends_with('"')
}

/// The first index at or after `i` that is not JSON whitespace.
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The index of the quote that closes a string whose text starts at `i` (just after its
/// opening quote).
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i += memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        if b[i] == b'"' {
            return Some(i);
        }
        // A backslash and the character it escapes; a `\uXXXX`'s digits are plain text.
        i += 2;
    }
}

/// The index just past the value that starts at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i + 1).map(|end| end + 1),
        b'{' | b'[' => container_end(b, i + 1),
        _ => {
            let rest = b.get(i..)?;
            let len = rest
                .iter()
                .position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(rest.len());
            (len > 0).then_some(i + len)
        }
    }
}

/// The index just past the bracket that closes a container whose inside starts at `i`.
fn container_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 1usize;
    loop {
        match *b.get(i)? {
            b'"' => i = string_end(b, i + 1)?,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Option<Vec<(&str, &str)>> {
        entries(text).map(Iterator::collect)
    }

    #[test]
    fn entries_come_as_written() {
        assert_eq!(
            all(r#" { "a" : 1 , "b\"c":"x\\\"}", "d":{"e":[1,{"f":"]"}]},"g":null,"h":-1.5e3}"#)
                .unwrap(),
            [
                ("a", "1"),
                (r#"b\"c"#, r#""x\\\"}""#),
                ("d", r#"{"e":[1,{"f":"]"}]}"#),
                ("g", "null"),
                ("h", "-1.5e3"),
            ]
        );
        assert_eq!(all("{}").unwrap(), []);
        assert_eq!(all("{\n}").unwrap(), []);
        assert!(all("[1]").is_none());
        assert!(all(r#""{}""#).is_none());
        assert!(all("").is_none());
    }

    #[test]
    fn damaged_text_ends_the_entries_without_a_panic() {
        for text in [
            r#"{"a"#,
            r#"{"a":"#,
            r#"{"a":"x"#,
            r#"{"a":[1,"#,
            r#"{"a":"\"#,
            r#"{"a" 1}"#,
            r#"{1:2}"#,
            "{\"\u{e9}\":\"\u{e9}",
        ] {
            let got = all(text).unwrap();
            assert!(got.len() <= 1, "{text}: {got:?}");
        }
    }
}
