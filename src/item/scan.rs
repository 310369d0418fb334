//! A page of items read in one pass over its text: the JSON is checked on the way, each item's
//! text is cut out as it was sent, and each object's top-level entries are noted for the
//! intake, so no item is read twice and no tree is built.
//!
//! serde_json stays the reference. This reader accepts a subset of what it accepts, and gives
//! the same result on that subset; on anything else (bad JSON, a shape it does not know, a key
//! written with escapes) it gives up (`None`), and the caller reads the text with serde_json,
//! which gives the exact answer or the exact error. So it only has to be right where it says yes.
//! Where serde_json reads a page, this reader is at least as strict: whitespace, strings
//! (no raw control characters, only JSON's escapes), numbers, literals, no trailing commas,
//! nothing after the page, and the whole text valid UTF-8.

use super::Item;

/// A page of the images endpoint: its items, and the text of its `metadata` (for serde_json to
/// read: it is small) when it has one.
pub struct Page<'a> {
    /// The items in order, read as the intake reads any item.
    pub items: Vec<Item>,
    /// The `metadata` value's text.
    pub metadata: Option<&'a str>,
}

/// Reads `{"items": [...], "metadata": {...}}` (other keys skipped, in any order); `None` when
/// serde_json must read the text instead.
pub fn page(body: &[u8]) -> Option<Page<'_>> {
    let text = std::str::from_utf8(body).ok()?;
    let mut scan = Scan::new(text);
    let (mut items, mut metadata) = (None, None);
    scan.ws();
    scan.object(|scan, key| {
        match key {
            "items" if items.is_none() => items = Some(scan.items()?),
            "metadata" if metadata.is_none() => metadata = Some(scan.value()?),
            // serde_json refuses a page with a field twice; it gives that error.
            "items" | "metadata" => return None,
            _ => {
                scan.value()?;
            }
        }
        Some(())
    })?;
    scan.ws();
    (scan.pos == scan.b.len()).then_some(())?;
    Some(Page {
        items: items?,
        metadata,
    })
}

/// One item's text: its top-level entries noted, if it is an object; `None` when serde_json
/// must read it.
pub fn item(text: &str) -> Option<Item> {
    let mut scan = Scan::new(text);
    scan.ws();
    let item = scan.item()?;
    scan.ws();
    (scan.pos == scan.b.len()).then_some(item)
}

/// A reading position in checked-as-it-goes JSON text.
struct Scan<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    /// The closing brackets of the containers the position is inside.
    open: Vec<u8>,
    /// One item's top-level entries, `(key, value)`, reused from item to item.
    entries: Vec<(&'a str, &'a str)>,
}

/// Past this nesting the reader gives up (serde_json has no limit when it only checks a value,
/// so a deeper item is still read, by serde_json).
const MAX_OPEN: usize = 1024;

impl<'a> Scan<'a> {
    fn new(text: &'a str) -> Scan<'a> {
        Scan {
            text,
            b: text.as_bytes(),
            pos: 0,
            open: Vec::new(),
            entries: Vec::new(),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    /// Takes the byte `c`, or gives up.
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.pos += 1)
    }

    /// An object at the position, its entries handed to `each` with the position at the value
    /// (which `each` must read). Keys with escapes give up: serde_json matches them unescaped.
    fn object(&mut self, mut each: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let start = self.pos;
            if self.string()? {
                return None;
            }
            let key = &self.text[start..self.pos];
            self.ws();
            self.eat(b':')?;
            self.ws();
            each(self, &key[1..key.len() - 1])?;
            if !self.next_member(b'}')? {
                return Some(());
            }
        }
    }

    /// The items array at the position.
    fn items(&mut self) -> Option<Vec<Item>> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']').is_some() {
            return Some(items);
        }
        loop {
            items.push(self.item()?);
            if !self.next_member(b']')? {
                return Some(items);
            }
        }
    }

    /// After a member of a container that `close` ends: past a comma and the space after it,
    /// `Some(true)` (another member follows); past `close`, `Some(false)`; anything else gives up.
    fn next_member(&mut self, close: u8) -> Option<bool> {
        self.ws();
        match self.peek()? {
            b',' => {
                self.pos += 1;
                self.ws();
                Some(true)
            }
            c if c == close => {
                self.pos += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// One item at the position: an object's entries are noted on the way; any other value is
    /// read as a whole and handed to the intake as text.
    fn item(&mut self) -> Option<Item> {
        let start = self.pos;
        if self.peek()? != b'{' {
            self.value()?;
            return Some(Item::from_checked(&self.text[start..self.pos], None));
        }
        let mut entries = std::mem::take(&mut self.entries);
        entries.clear();
        self.object(|scan, key| {
            let value = scan.value()?;
            entries.push((key, value));
            Some(())
        })?;
        let item = Item::from_checked(&self.text[start..self.pos], Some(&entries));
        self.entries = entries;
        Some(item)
    }

    /// One value at the position, nested ones included; its text.
    fn value(&mut self) -> Option<&'a str> {
        let start = self.pos;
        loop {
            // A value.
            match self.peek()? {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    let close = if self.b[self.pos] == b'{' { b'}' } else { b']' };
                    self.pos += 1;
                    self.ws();
                    if self.eat(close).is_none() {
                        if self.open.len() >= MAX_OPEN {
                            return None;
                        }
                        self.open.push(close);
                        if close == b'}' {
                            self.key()?;
                        }
                        continue;
                    }
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => self.number()?,
            }
            // Then commas and closing brackets, until a next value or the end of this one.
            loop {
                let Some(&close) = self.open.last() else {
                    return Some(&self.text[start..self.pos]);
                };
                if self.next_member(close)? {
                    if close == b'}' {
                        self.key()?;
                    }
                    break;
                }
                self.open.pop();
            }
        }
    }

    /// A key and its colon inside a nested object, up to the value.
    fn key(&mut self) -> Option<()> {
        self.string()?;
        self.ws();
        self.eat(b':')?;
        self.ws();
        Some(())
    }

    /// A string at the position (quotes included): no raw control character, only JSON's
    /// escapes (a `\u` with four hex digits; unpaired surrogates pass, as serde_json lets them
    /// pass in a value it only checks). Whether it holds an escape.
    fn string(&mut self) -> Option<bool> {
        let b = self.b;
        let mut i = self.pos;
        if b.get(i) != Some(&b'"') {
            return None;
        }
        i += 1;
        let mut escaped = false;
        loop {
            i = skip_plain(b, i);
            match *b.get(i)? {
                b'"' => {
                    self.pos = i + 1;
                    return Some(escaped);
                }
                b'\\' => {
                    escaped = true;
                    match *b.get(i + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                        b'u' => {
                            let hex = b.get(i + 2..i + 6)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            i += 6;
                        }
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        (self.b.get(self.pos..self.pos + word.len())? == word).then(|| self.pos += word.len())
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.pos;
        self.digits();
        (self.pos > start).then_some(())
    }
}

/// The index of the first byte at or after `i` of a string's text that needs a look (a quote,
/// a backslash or a control character), or the end; eight bytes at a time while it can.
fn skip_plain(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let special = zero_byte(w ^ (ONES * u64::from(b'"')))
            | zero_byte(w ^ (ONES * u64::from(b'\\')))
            | below_space(w);
        if special != 0 {
            // The lowest flag marks the first such byte exactly (a false flag only ever sits
            // above a true one, where a borrow ran on).
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` that is zero, or above one (the classic SWAR test: the
/// lowest flag is exact).
fn zero_byte(w: u64) -> u64 {
    w.wrapping_sub(ONES) & !w & HIGH
}

/// The high bit of each byte of `w` below 0x20, or above one; bytes of 0x80 and up (UTF-8)
/// count as not below.
fn below_space(w: u64) -> u64 {
    w.wrapping_sub(ONES * 0x20) & !w & HIGH
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Items of every shape the keys could be written in, from a seeded generator.
    pub(crate) fn generated_item(rng: &mut fastrand::Rng) -> String {
        fn ws(rng: &mut fastrand::Rng) -> &'static str {
            ["", "", "", " ", "\n  ", "\t"][rng.usize(..6)]
        }
        fn value(rng: &mut fastrand::Rng, depth: u32) -> String {
            let scalars = [
                "null",
                "true",
                "0",
                "17",
                "-3",
                "7.0",
                "1e2",
                "-0",
                "18446744073709551616",
                "\"bob\"",
                "\"b\\\"o\\u0062\"",
                "\"X\"",
                "\"Soft\"",
                "\"\"",
                "\"a]}\"",
            ];
            match rng.usize(..20) {
                0..=14 => scalars[rng.usize(..scalars.len())].to_string(),
                15 => rng.u64(..).to_string(),
                16 | 17 if depth < 3 => {
                    let n = rng.usize(..4);
                    let items: Vec<String> = (0..n).map(|_| value(rng, depth + 1)).collect();
                    format!("[{}]", items.join(&format!(",{}", ws(rng))))
                }
                18 | 19 if depth < 3 => object(rng, depth + 1),
                _ => "\"x\"".to_string(),
            }
        }
        fn object(rng: &mut fastrand::Rng, depth: u32) -> String {
            let names = [
                "id",
                "username",
                "browsingLevel",
                "nsfwLevel",
                "meta",
                "url",
                "x",
                "\\u0069d",
                "ids",
                "m\\\"eta",
            ];
            let n = rng.usize(..6);
            let entries: Vec<String> = (0..n)
                .map(|_| {
                    let key = names[rng.usize(..names.len())];
                    let (a, b) = (ws(rng), ws(rng));
                    format!("\"{key}\"{a}:{b}{}", value(rng, depth))
                })
                .collect();
            format!("{{{}{}{}}}", ws(rng), entries.join(","), ws(rng))
        }
        if rng.usize(..10) == 0 {
            value(rng, 0)
        } else {
            object(rng, 0)
        }
    }

    #[test]
    fn every_byte_of_a_string_is_looked_at_wherever_it_falls_in_a_word() {
        for len in 0..20 {
            for at in 0..len {
                for mark in ["\"", "\\n", "\\", "\u{1}", "\u{1f}", " ", "é", "\u{7f}"] {
                    let mut s = "a".repeat(len);
                    s.replace_range(at..at + 1, mark);
                    let text = format!(r#"{{"items":["{s}"]}}"#);
                    let serde = serde_json::from_str::<serde_json::Value>(&text).is_ok();
                    if let Some(page) = page(text.as_bytes()) {
                        assert!(serde, "{text:?}");
                        assert_eq!(page.items[0].raw(), format!(r#""{s}""#));
                    } else {
                        assert!(!serde, "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn what_serde_json_refuses_is_left_to_it() {
        for bad in [
            r#"{"items":[1,]}"#,
            r#"{"items":[{"a":1,}]}"#,
            r#"{"items":[{"a" 1}]}"#,
            r#"{"items":[{1:1}]}"#,
            r#"{"items":[01]}"#,
            r#"{"items":[-]}"#,
            r#"{"items":[1.]}"#,
            r#"{"items":[1e]}"#,
            r#"{"items":[.5]}"#,
            r#"{"items":[tru]}"#,
            r#"{"items":[nul]}"#,
            r#"{"items":["a\x"]}"#,
            r#"{"items":["a\u12g4"]}"#,
            "{\"items\":[\"a\tb\"]}",
            "{\"items\":[\"a\u{1}b\"]}",
            r#"{"items":[]} x"#,
            r#"{"items":[]}}"#,
            r#"{"items":[]"#,
            r#"{"items":["abc]}"#,
            r#"{"items":[[1,2]]]}"#,
            r#"{"items":[[1,2}]}"#,
            "\u{feff}{\"items\":[]}",
            r#"{"items":[],"items":[]}"#,
            r#"{"metadata":{}}"#,
            r#"{"items":{}}"#,
            r#"[[]]"#,
            r#"{"\u0069tems":[]}"#,
            r#"{"items":[{"\u0069d":1}]}"#,
        ] {
            assert!(page(bad.as_bytes()).is_none(), "{bad}");
        }
        assert!(page(b"{\"items\":[\"\xff\"]}").is_none());
        let good = "{ \"x\" : [1, -0.5e+3, true, false, null, \"\\u00e9\\n\\\"\", {}, []],\n\"items\" : [ 7 , \"é\", {\"id\":1} ] }\n";
        let scanned = page(good.as_bytes()).unwrap();
        let raws: Vec<&str> = scanned.items.iter().map(Item::raw).collect();
        assert_eq!(raws, ["7", "\"é\"", r#"{"id":1}"#]);
        assert_eq!(scanned.items[2].id, Some(1));
        assert!(scanned.metadata.is_none());
    }
}
