//! Parser for the AUTOMATIC1111 / Forge `parameters` text (PNG chunk or EXIF UserComment).
//!
//! The format (see `doc/api.md`, "Generation parameters inside files") is:
//! prompt lines, an optional `Negative prompt:` block, then one settings line of
//! `Key: value` pairs separated by commas, where a value may be a JSON-style quoted string.
//! Extensions such as Dynamic Prompts append `Template:` / `Negative Template:` lines after it.
//! The parser never fails: whatever it cannot place ends up in the prompt or in a setting.

use serde_json::Value;

use super::normalize;
use super::record::GenRecord;
use super::resources;
use super::value::{insert_unique, Obj};

/// The pieces of an A1111 `parameters` text, in the order they were written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parameters {
    /// The positive prompt (may span several lines; empty when absent).
    pub prompt: String,
    /// The negative prompt, when a `Negative prompt:` line was present.
    pub negative_prompt: Option<String>,
    /// Every `Key: value` setting in order, quotes removed, duplicates kept.
    pub settings: Vec<(String, String)>,
}

const NEGATIVE: &str = "Negative prompt:";

/// Keys that extensions write on their own lines after the settings line.
const TRAILING_KEYS: &[&str] = &["Template", "Negative Template"];

/// Parses A1111 `parameters` text. Total: any input gives a result, nothing panics.
///
/// The prompts come back as written: spaces at line ends and `\r\n` line ends are kept,
/// only the whitespace around each prompt as a whole is dropped.
pub fn parse(text: &str) -> Parameters {
    let lines: Vec<&str> = text.trim().split('\n').collect();
    let settings_at = find_settings_line(&lines);
    let (body, settings, trailing) = match settings_at {
        Some(i) => (&lines[..i], parse_settings(lines[i]), &lines[i + 1..]),
        None => (&lines[..], Vec::new(), &lines[lines.len()..]),
    };
    let mut params = split_prompts(body);
    let one_per_line = settings.len() == 1;
    params.settings = settings;
    if one_per_line {
        // PaddleNLP and others write one `Key: value` per line after `Steps:`.
        let (pairs, rest) = leading_pair_lines(trailing);
        params.settings.extend(pairs);
        params.settings.extend(parse_trailing(rest));
    } else {
        params.settings.extend(parse_trailing(trailing));
    }
    params
}

/// The leading lines that are each exactly one `Key: value` pair, and the lines after them.
fn leading_pair_lines<'a, 'b>(lines: &'b [&'a str]) -> (Vec<(String, String)>, &'b [&'a str]) {
    let mut pairs = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let mut parsed = parse_settings(line);
        match (parsed.len(), parsed.first()) {
            (1, Some((key, _))) if !key.is_empty() => pairs.push(parsed.remove(0)),
            _ => return (pairs, &lines[i..]),
        }
    }
    (pairs, &[])
}

/// Finds the settings line: the last one starting with `Steps:` (A1111 always writes it
/// first), else — like A1111's own reader — the last line if it holds at least 3 pairs.
fn find_settings_line(lines: &[&str]) -> Option<usize> {
    if let Some(i) = lines
        .iter()
        .rposition(|l| l.trim_start().starts_with("Steps:"))
    {
        return Some(i);
    }
    let last = lines.len().checked_sub(1)?;
    let pairs = parse_settings(lines[last]);
    (pairs.len() >= 3 && !lines[last].trim_start().starts_with(NEGATIVE)).then_some(last)
}

/// Splits the lines before the settings into prompt and negative prompt.
fn split_prompts(lines: &[&str]) -> Parameters {
    let mut prompt: Vec<&str> = Vec::new();
    let mut negative: Option<Vec<&str>> = None;
    for line in lines {
        match (&mut negative, line.trim_start().strip_prefix(NEGATIVE)) {
            (None, Some(rest)) => negative = Some(vec![rest.trim_start()]),
            (Some(neg), _) => neg.push(line),
            (None, None) => prompt.push(line),
        }
    }
    Parameters {
        prompt: prompt.join("\n").trim().to_string(),
        negative_prompt: negative.map(|n| n.join("\n").trim().to_string()),
        settings: Vec::new(),
    }
}

/// Parses lines after the settings line: `Template: …` starts an entry, other lines continue it.
fn parse_trailing(lines: &[&str]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in lines {
        let known = TRAILING_KEYS.iter().find_map(|k| {
            let rest = line.strip_prefix(k)?.strip_prefix(':')?;
            Some((k.to_string(), rest.trim().to_string()))
        });
        match (known, out.last_mut()) {
            (Some(entry), _) => out.push(entry),
            (None, Some((_, value))) => {
                value.push('\n');
                value.push_str(line.trim_end());
            }
            // Unlabelled text after the settings: keep it rather than drop it.
            (None, None) => out.push(("Trailing text".to_string(), line.trim().to_string())),
        }
    }
    for (_, value) in &mut out {
        let trimmed = value.trim_end().len();
        value.truncate(trimmed);
    }
    out
}

/// Parses one settings line into `(key, value)` pairs.
///
/// A fragment without a `key:` (an unquoted value that held a comma) is appended to the
/// previous value so that nothing is lost.
pub fn parse_settings(line: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        let (fragment, after) = next_fragment(rest);
        rest = after;
        match fragment {
            Fragment::Pair(key, value) => out.push((key, value)),
            Fragment::Loose(text) if text.is_empty() => {}
            Fragment::Loose(text) => match out.last_mut() {
                Some((_, value)) => {
                    value.push_str(", ");
                    value.push_str(&text);
                }
                None => out.push((String::new(), text)),
            },
        }
    }
    out
}

enum Fragment {
    Pair(String, String),
    Loose(String),
}

/// Takes one comma-separated fragment off the front of `s`; returns it and the remainder.
fn next_fragment(s: &str) -> (Fragment, &str) {
    let s = s.trim_start_matches([' ', '\t', ',']);
    let comma = s.find(',').unwrap_or(s.len());
    let colon = s[..comma].find(':');
    let Some(colon) = colon.filter(|&c| is_key(&s[..c])) else {
        return (Fragment::Loose(s[..comma].trim().to_string()), &s[comma..]);
    };
    let key = s[..colon].trim().to_string();
    let after_colon = s[colon + 1..].trim_start();
    if after_colon.starts_with('"') {
        if let Some((value, rest)) = take_quoted(after_colon) {
            // Anything between the closing quote and the next comma is kept too.
            let tail_end = rest.find(',').unwrap_or(rest.len());
            let tail = rest[..tail_end].trim();
            let value = if tail.is_empty() {
                value
            } else {
                format!("{value}{tail}")
            };
            return (Fragment::Pair(key, value), &rest[tail_end..]);
        }
        // An unterminated quote swallows the rest of the line, as literally as it came.
        return (Fragment::Pair(key, after_colon.trim().to_string()), "");
    }
    let end = after_colon.find(',').unwrap_or(after_colon.len());
    let value = after_colon[..end].trim().to_string();
    (Fragment::Pair(key, value), &after_colon[end..])
}

/// A key is what A1111 writes: starts with a letter/digit, then words, spaces, `-`, `/`, etc.
fn is_key(key: &str) -> bool {
    let key = key.trim();
    let mut chars = key.chars();
    match chars.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => {}
        _ => return false,
    }
    key.chars().count() <= 64 && !key.contains('"')
}

/// Reads a quoted value starting at `s` (which begins with `"`), honouring backslash escapes.
/// Returns the unescaped value and the text after the closing quote, or None if unterminated.
fn take_quoted(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return Some((unescape(&body[..i]), &body[i + 1..])),
            _ => {}
        }
    }
    None
}

/// Undoes the JSON-style escaping A1111 applies to quoted values (it writes them with
/// `json.dumps`); unknown escapes are kept literally.
fn unescape(raw: &str) -> String {
    let quoted = format!("\"{raw}\"");
    if let Ok(s) = serde_json::from_str::<String>(&quoted) {
        return s;
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other @ ('"' | '\\' | '/')) => out.push(other),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Settings keys A1111 always or usually writes.
const KNOWN_KEYS: &[&str] = &[
    "Steps",
    "Sampler",
    "Seed",
    "CFG scale",
    "Size",
    "Model",
    "Model hash",
    "Schedule type",
    "Denoising strength",
    "Clip skip",
];

/// Whether `text` has the shape of generation parameters rather than ordinary text (a photo's
/// caption, "Screenshot"): a `Steps:` or `Negative prompt:` line, or a last line of at
/// least three settings (what [`parse`] takes for the settings line), two of them keys
/// A1111 writes.
pub(crate) fn looks_like_parameters(text: &str) -> bool {
    let mut lines = text.trim().lines().map(str::trim_start);
    if lines
        .clone()
        .any(|l| l.starts_with("Steps:") || l.starts_with(NEGATIVE))
    {
        return true;
    }
    let last = parse_settings(lines.next_back().unwrap_or(""));
    let known = last
        .iter()
        .filter(|(k, _)| KNOWN_KEYS.iter().any(|known| k.eq_ignore_ascii_case(known)))
        .count();
    last.len() >= 3 && known >= 2
}

/// Builds a record from A1111 `parameters` text found in `source`.
pub(crate) fn record(text: &str, source: &str) -> GenRecord {
    let params = parse(text);
    let mut map = Obj::new();
    if !params.prompt.is_empty() {
        map.insert("prompt".into(), Value::String(params.prompt));
    }
    if let Some(neg) = params.negative_prompt {
        map.insert("negativePrompt".into(), Value::String(neg));
    }
    let settings = params.settings.into_iter();
    insert_unique(&mut map, settings.map(|(k, v)| (k, Value::String(v))));
    let mut rec = normalize::from_map(map, source);
    civitai_resources(&mut rec);
    rec
}

/// Civitai's generator lists what it used as a JSON array in `Civitai resources`
/// (`[{"type": "checkpoint", "modelVersionId": 2514310, "modelName": …}]`).
fn civitai_resources(rec: &mut GenRecord) {
    let Some(Value::String(list)) = rec.extra.get("Civitai resources") else {
        return;
    };
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(list) else {
        return;
    };
    let parsed: Vec<_> = items.iter().filter_map(resources::from_api).collect();
    rec.add_resources(parsed);
}

#[cfg(test)]
#[path = "a1111_tests.rs"]
mod tests;
