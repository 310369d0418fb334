//! `--name` templates: placeholders filled from an item, every value sanitized so nothing is
//! ever written outside the output directory.

use std::path::PathBuf;
use std::str::FromStr;

use serde_json::Value;

use crate::item::fields::{cell, lookup};

/// Default `--name`.
pub const DEFAULT_TEMPLATE: &str = "{id}.{ext}";

/// Placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &[
    "id",
    "uuid",
    "username",
    "postId",
    "type",
    "baseModel",
    "createdAt",
    "createdTime",
    "ext",
];

/// Stands for `{ext}` until the real type is known; no sanitized value can contain a NUL.
const EXT_MARK: &str = "\u{0}EXT";

/// Longest file-name component, in bytes, before the extension: leaves room under the
/// usual 255-byte limit for `.{ext}`, `.part` and a sidecar's `.json`.
const MAX_STEM_BYTES: usize = 200;

/// Longest final file name, in bytes, everything after `{ext}` included: leaves room under the
/// usual 255-byte limit for a sidecar's `.json` and the `-{id}` added on a clash (≤ 21 bytes).
const MAX_NAME_BYTES: usize = 228;

/// Longest text after `{ext}` kept, in bytes.
const MAX_TAIL_BYTES: usize = 64;

/// Names Windows reserves for devices, whatever extension follows (`CON.png`, `nul.tar.gz`).
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
    "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// A parsed `--name` template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameTemplate {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(String),
}

impl FromStr for NameTemplate {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = Vec::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            parts.push(Part::Text(rest[..open].to_string()));
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in `{s}`"))?;
            let field = &after[..close];
            if !PLACEHOLDERS.contains(&field) {
                return Err(format!(
                    "unknown placeholder {{{field}}}; known: {}",
                    PLACEHOLDERS
                        .iter()
                        .map(|p| format!("{{{p}}}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ));
            }
            parts.push(Part::Field(field.to_string()));
            rest = &after[close + 1..];
        }
        parts.push(Part::Text(rest.to_string()));
        if !parts.iter().any(|p| matches!(p, Part::Field(_))) {
            return Err("a name template needs a placeholder such as {id}, or every file gets the same name".into());
        }
        Ok(NameTemplate { parts })
    }
}

impl Default for NameTemplate {
    fn default() -> Self {
        DEFAULT_TEMPLATE
            .parse()
            .expect("the default template parses")
    }
}

/// The template as written.
impl std::fmt::Display for NameTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for part in &self.parts {
            match part {
                Part::Text(t) => f.write_str(t)?,
                Part::Field(name) => write!(f, "{{{name}}}")?,
            }
        }
        Ok(())
    }
}

impl NameTemplate {
    /// Whether the template has `{ext}`; without it files are saved with no extension.
    pub fn has_ext(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Field(f) if f == "ext"))
    }

    /// The relative path for an item whose real type is `ext` (`None`: the `.part` name,
    /// i.e. the name without its extension). Components are sanitized and length-capped.
    pub fn render(&self, item: &Value, ext: Option<&str>) -> PathBuf {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => text.push_str(t),
                Part::Field(f) if f == "ext" => text.push_str(EXT_MARK),
                Part::Field(f) => text.push_str(&sanitize_value(&field_value(item, f))),
            }
        }
        let mut path = PathBuf::new();
        let comps: Vec<&str> = text.split(['/', '\\']).collect();
        let last = comps.len().saturating_sub(1);
        for (i, comp) in comps.iter().enumerate() {
            let comp = if i == last {
                finish_file_name(comp, ext)
            } else {
                sanitize_component(&comp.replace(EXT_MARK, ext.unwrap_or("unknown")))
            };
            if !comp.is_empty() {
                path.push(comp);
            }
        }
        if path.as_os_str().is_empty() {
            path.push(finish_file_name("unnamed", ext));
        }
        path
    }
}

/// The raw text of a placeholder; `unknown` when the item lacks it.
fn field_value(item: &Value, field: &str) -> String {
    let text = match field {
        "uuid" => item
            .get("url")
            .and_then(Value::as_str)
            .and_then(uuid_from_url)
            .unwrap_or_default(),
        // `{createdAt}` is the day (`YYYY-MM-DD`); `{createdTime}` adds the UTC time to the
        // second, with `-` for `:` so the name is valid everywhere (`2026-07-12T17-36-54`).
        "createdAt" => cell(lookup(item, "createdAt")).chars().take(10).collect(),
        "createdTime" => cell(lookup(item, "createdAt"))
            .chars()
            .take(19)
            .map(|c| if c == ':' { '-' } else { c })
            .collect(),
        other => cell(lookup(item, other)),
    };
    if text.trim().is_empty() {
        "unknown".to_string()
    } else {
        text
    }
}

/// The `{uuid}` segment of `…/{key}/{uuid}/{variant}/{name}` (doc/api.md).
pub fn uuid_from_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let segs: Vec<&str> = parsed.path_segments()?.collect();
    (segs.len() >= 3).then(|| segs[segs.len() - 3].to_string())
}

/// A value from the network may not make directories, climb out, or hide control codes.
fn sanitize_value(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect()
}

/// One directory component: no `.`/`..`, no leading dot, no control codes, no device name,
/// capped length.
fn sanitize_component(comp: &str) -> String {
    sanitize_capped(comp, MAX_STEM_BYTES)
}

fn sanitize_capped(comp: &str, max: usize) -> String {
    let cleaned: String = comp
        .chars()
        .map(|c| if c.is_control() { '_' } else { c })
        .collect();
    let trimmed = cleaned.trim().trim_end_matches('.');
    if trimmed.is_empty() {
        return String::new();
    }
    let safe = if trimmed.starts_with('.') {
        format!("_{}", trimmed.trim_start_matches('.'))
    } else {
        trimmed.to_string()
    };
    not_reserved(cut_to_bytes(&safe, max).to_string())
}

/// `_CON.png` for `CON.png`: a Windows device name is never a file name.
fn not_reserved(name: String) -> String {
    let base = name.split('.').next().unwrap_or("").trim_end();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(base)) {
        format!("_{name}")
    } else {
        name
    }
}

/// The file-name component: the extension and any text after `{ext}` (capped) first, then the
/// stem sanitized and cut to what is left of [`MAX_NAME_BYTES`], so cutting a long name never
/// cuts the extension. Without an extension (the `.part` name) the stem stands alone.
fn finish_file_name(comp: &str, ext: Option<&str>) -> String {
    let (stem, tail) = match comp.find(EXT_MARK) {
        Some(i) => (&comp[..i], Some(&comp[i + EXT_MARK.len()..])),
        None => (comp, None),
    };
    let suffix = match (tail, ext) {
        (Some(tail), Some(ext)) => {
            let dot = if stem.trim_end().ends_with('.') {
                "."
            } else {
                ""
            };
            let tail: String = tail
                .replace(EXT_MARK, ext)
                .chars()
                .filter(|c| !c.is_control())
                .collect();
            let tail = cut_to_bytes(&tail, MAX_TAIL_BYTES).trim_end_matches(['.', ' ']);
            format!("{dot}{ext}{tail}")
        }
        _ => String::new(),
    };
    let budget = MAX_NAME_BYTES
        .saturating_sub(suffix.len())
        .min(MAX_STEM_BYTES);
    let mut name = sanitize_capped(stem, budget);
    if name.is_empty() {
        name = "unnamed".to_string();
    }
    name.push_str(&suffix);
    not_reserved(name)
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn cut_to_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    fn item() -> Value {
        json!({"id": 7, "url": "https://image.civitai.com/k/abc-123/original=true/abc-123.jpeg",
               "username": "alice", "postId": 9, "type": "image", "baseModel": "SDXL 1.0",
               "createdAt": "2025-03-04T05:06:07.000Z"})
    }

    #[test]
    fn default_template_and_part_name() {
        let t = NameTemplate::default();
        assert_eq!(t.render(&item(), Some("png")), Path::new("7.png"));
        assert_eq!(t.render(&item(), None), Path::new("7"));
    }

    #[test]
    fn placeholders_and_subfolders() {
        let t: NameTemplate = "{username}/{createdAt}_{uuid}_{baseModel}.{ext}"
            .parse()
            .unwrap();
        assert_eq!(
            t.render(&item(), Some("webp")),
            Path::new("alice/2025-03-04_abc-123_SDXL 1.0.webp")
        );
    }

    #[test]
    fn created_time_is_the_date_and_time_without_colons() {
        let t: NameTemplate = "{createdTime}_{id}.{ext}".parse().unwrap();
        assert_eq!(
            t.render(&item(), Some("png")),
            Path::new("2025-03-04T05-06-07_7.png")
        );
    }

    #[test]
    fn network_values_cannot_escape() {
        let evil = json!({"id": 1, "url": "x", "username": "../../etc", "baseModel": "/abs\u{7}",
                          "postId": ".."});
        let t: NameTemplate = "{username}/{postId}/{baseModel}.{ext}".parse().unwrap();
        let p = t.render(&evil, Some("png"));
        assert!(p.is_relative());
        assert!(
            p.components()
                .all(|c| matches!(c, std::path::Component::Normal(_))),
            "{p:?}"
        );
        let t: NameTemplate = "../{id}/./x.{ext}".parse().unwrap();
        assert_eq!(t.render(&evil, Some("png")), Path::new("1/x.png"));
    }

    #[test]
    fn long_names_are_cut_but_keep_their_extension() {
        let long = json!({"id": 1, "url": "x", "username": "é".repeat(300)});
        let t: NameTemplate = "{username}.{ext}".parse().unwrap();
        let p = t.render(&long, Some("jpeg"));
        let name = p.to_str().unwrap();
        assert!(name.len() <= 255 - ".json".len(), "{}", name.len());
        assert!(name.ends_with(".jpeg"));
    }

    #[test]
    fn templates_are_checked() {
        assert!("{nope}.{ext}".parse::<NameTemplate>().is_err());
        assert!("fixed.jpg".parse::<NameTemplate>().is_err());
        assert!("{id".parse::<NameTemplate>().is_err());
    }

    #[test]
    fn windows_device_names_are_never_file_names() {
        let t: NameTemplate = "{username}/{baseModel}.{ext}".parse().unwrap();
        for (user, model) in [("CON", "nul"), ("aux.x", "Com1"), ("lpt9 ", "PRN.tar")] {
            let item = json!({"id": 1, "url": "x", "username": user, "baseModel": model});
            let p = t.render(&item, Some("png"));
            for comp in p.iter() {
                let base = comp.to_str().unwrap().split('.').next().unwrap().trim();
                assert!(
                    !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(base)),
                    "{p:?}"
                );
            }
        }
        let item = json!({"id": 1, "url": "x", "username": "CONSOLE"});
        let t: NameTemplate = "{username}.{ext}".parse().unwrap();
        assert_eq!(t.render(&item, Some("png")), Path::new("CONSOLE.png"));
    }

    #[test]
    fn text_after_ext_counts_toward_the_name_limit() {
        let long =
            json!({"id": 1, "url": "x", "username": "u".repeat(300), "baseModel": "b".repeat(300)});
        let t: NameTemplate = "{username}.{ext}.{baseModel}".parse().unwrap();
        let name = t.render(&long, Some("jpeg")).to_str().unwrap().to_string();
        assert!(name.len() <= MAX_NAME_BYTES, "{}", name.len());
        assert!(name.contains(".jpeg."), "{name}");
        let t: NameTemplate = format!("{{username}}.{{ext}}{}", "x".repeat(400))
            .parse()
            .unwrap();
        let name = t.render(&long, Some("png")).to_str().unwrap().to_string();
        assert!(name.len() + ".json".len() + "-18446744073709551615".len() <= 255);
    }
}
