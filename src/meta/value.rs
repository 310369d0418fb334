//! Loose JSON value coercions shared by every parser: numbers written as strings, sizes
//! written as `512x768`, `1024 x 1024` or `(768, 1280)`, keys compared without case or
//! separators.

use std::collections::HashMap;

use serde_json::{Map, Value};

/// A JSON object.
pub(crate) type Obj = Map<String, Value>;

/// A string, or a number/bool spelled as one.
pub(crate) fn as_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A float from a number or a numeric string (the API sends `"Clip skip": "2"`).
pub(crate) fn as_f64(v: &Value) -> Option<f64> {
    let f = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    f.is_finite().then_some(f)
}

/// A non-negative integer from an integer, an integral float or a numeric string.
pub(crate) fn as_u64(v: &Value) -> Option<u64> {
    if let Some(n) = v.as_u64() {
        return Some(n);
    }
    if let Some(n) = v.as_str().and_then(|s| s.trim().parse::<u64>().ok()) {
        return Some(n);
    }
    let f = as_f64(v)?;
    // 2^64 as f64; anything at or above it would saturate silently.
    (f >= 0.0 && f.fract() == 0.0 && f < 18_446_744_073_709_551_616.0).then_some(f as u64)
}

/// Like [`as_u64`], within u32.
pub(crate) fn as_u32(v: &Value) -> Option<u32> {
    as_u64(v).and_then(|n| u32::try_from(n).ok())
}

/// `"512x768"`, `"1024 x 1024 (square)"`, `"(768, 1280)"` → (width, height).
pub(crate) fn as_size(v: &Value) -> Option<(u32, u32)> {
    parse_size(v.as_str()?)
}

/// The text form of [`as_size`].
pub(crate) fn parse_size(text: &str) -> Option<(u32, u32)> {
    let text = text.trim().trim_start_matches('(');
    let (w, rest) = leading_number(text)?;
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(['x', 'X', '×', ','])?;
    let (h, _) = leading_number(rest.trim_start())?;
    Some((w, h))
}

fn leading_number(text: &str) -> Option<(u32, &str)> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    Some((text[..end].parse().ok()?, &text[end..]))
}

/// Key comparison that ignores case, spaces, `_` and `-` (`CFG scale` = `cfgScale`).
#[cfg(test)]
pub(crate) fn norm(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `key` normalizes (see [`norm`]) to `name`, without allocating.
pub(crate) fn norm_eq(key: &str, name: &str) -> bool {
    let mut wanted = name.chars();
    for c in key.chars().filter(|c| !matches!(c, ' ' | '_' | '-')) {
        for lower in c.to_lowercase() {
            if wanted.next() != Some(lower) {
                return false;
            }
        }
    }
    wanted.next().is_none()
}

/// Removes and parses the first key matching `names` (normalized) whose value `parse`
/// accepts; keys whose value it rejects stay where they are.
pub(crate) fn take<T>(map: &mut Obj, names: &[&str], parse: fn(&Value) -> Option<T>) -> Option<T> {
    for name in names {
        let found = map
            .iter()
            .filter(|(k, _)| norm_eq(k, name))
            .find_map(|(k, v)| Some((k.clone(), parse(v)?)));
        if let Some((key, parsed)) = found {
            map.shift_remove(&key);
            return Some(parsed);
        }
    }
    None
}

/// Inserts every pair, renaming a key that is already there `key (2)`, `key (3)`… so no
/// value is overwritten. Linear however many times a key repeats: the next free number of
/// each key is remembered, never searched for from 2 again.
pub(crate) fn insert_unique(map: &mut Obj, pairs: impl IntoIterator<Item = (String, Value)>) {
    let mut next: HashMap<String, usize> = HashMap::new();
    for (key, value) in pairs {
        if !map.contains_key(&key) {
            map.insert(key, value);
            continue;
        }
        let n = next.entry(key.clone()).or_insert(2);
        while map.contains_key(&format!("{key} ({n})")) {
            *n += 1;
        }
        map.insert(format!("{key} ({n})"), value);
        *n += 1;
    }
}

/// Parses JSON text as JavaScript may write it: bare `undefined`, `NaN` and `Infinity`
/// (signed or not) outside strings read as `null`. One pass over the text, then the strict
/// parser; None when it is still not JSON.
pub(crate) fn lenient_json(text: &str) -> Option<Value> {
    if let Ok(value) = serde_json::from_str(text) {
        return Some(value);
    }
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            (in_string, escaped) = match (escaped, c) {
                (true, _) => (true, false),
                (false, '\\') => (true, true),
                (false, '"') => (false, false),
                _ => (true, false),
            };
        } else if c == '"' {
            in_string = true;
        } else {
            let word = ["undefined", "NaN", "-Infinity", "Infinity"]
                .into_iter()
                .find(|w| rest.starts_with(w));
            if let Some(word) = word {
                out.push_str("null");
                rest = &rest[word.len()..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    serde_json::from_str(&out).ok()
}

/// Parses JSON text into an object, None for anything else.
pub(crate) fn json_object(text: &str) -> Option<Obj> {
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    if !trimmed.starts_with('{') {
        return None;
    }
    match serde_json::from_str(trimmed) {
        Ok(Value::Object(obj)) => Some(obj),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sizes_in_every_spelling() {
        assert_eq!(parse_size("512x768"), Some((512, 768)));
        assert_eq!(parse_size("1024 x 1024"), Some((1024, 1024)));
        assert_eq!(parse_size("1216 x 832   (landscape)"), Some((1216, 832)));
        assert_eq!(parse_size("(768, 1280)"), Some((768, 1280)));
        assert_eq!(parse_size("x768"), None);
        assert_eq!(parse_size("99999999999x1"), None);
        assert_eq!(as_size(&json!(5)), None);
    }

    #[test]
    fn numbers_from_strings_and_floats() {
        assert_eq!(as_u64(&json!("42")), Some(42));
        assert_eq!(as_u64(&json!(3.0)), Some(3));
        assert_eq!(as_u64(&json!(-1)), None);
        assert_eq!(as_u64(&json!("-1")), None);
        assert_eq!(as_f64(&json!(" 7.5 ")), Some(7.5));
        assert_eq!(as_u32(&json!(1u64 << 40)), None);
    }

    #[test]
    fn javascript_words_outside_strings_read_as_null() {
        let text = r#"{"a": undefined, "b": [NaN, -Infinity], "c": "undefined \" NaN", "d": 1}"#;
        let v = lenient_json(text).unwrap();
        assert_eq!(v["a"], Value::Null);
        assert_eq!(v["b"], serde_json::json!([null, null]));
        assert_eq!(v["c"], "undefined \" NaN");
        assert_eq!(lenient_json("{\"a\": undefinedx}"), None);
        assert_eq!(lenient_json("[1, 2]"), Some(serde_json::json!([1, 2])));
    }

    #[test]
    fn normalized_comparison() {
        for (key, name) in [
            ("CFG scale", "cfgscale"),
            ("cfg_Scale", "cfgscale"),
            ("ÉA", "éa"),
        ] {
            assert!(norm_eq(key, name), "{key}");
            assert_eq!(norm(key), name);
        }
        assert!(!norm_eq("cfg", "cfgscale"));
        assert!(!norm_eq("cfgscales", "cfgscale"));
    }

    #[test]
    fn take_follows_name_priority() {
        let mut map = json!({"cfg": "bad", "CFG scale": 7, "guidance_scale": 3})
            .as_object()
            .unwrap()
            .clone();
        assert_eq!(take(&mut map, &["cfgscale", "cfg"], as_f64), Some(7.0));
        assert!(map.contains_key("cfg"), "an unparsable value stays");
        assert_eq!(take(&mut map, &["guidancescale"], as_f64), Some(3.0));
    }
}
