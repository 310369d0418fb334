//! What one `--input` line means (issue 16): a JSON item as `civimg list --format jsonl` prints
//! it, or an image id or Civitai page URL (`crate::pasted`), mixed freely. Anything else (a CSV
//! row, a table) is refused with the fix, never skipped: a run over the wrong format must fail
//! loudly, not download nothing and exit 0.

use serde_json::Value;

use crate::pasted::Pasted;

/// One line of `--input`, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A listed item, downloaded as it is.
    Item(Value),
    /// A target to walk (an image id is one too).
    Target(Pasted),
}

/// How `--input` reads, for the error that refuses a line.
const FIX: &str = "--input reads what `civimg list --format jsonl` prints, or one image id or \
                   Civitai page URL per line (CSV? list with --format jsonl instead)";

/// Reads one non-blank line; the error names the fix.
pub fn read(line: &str) -> Result<Line, String> {
    let text = line.trim();
    if text.starts_with('{') {
        return item(text).map(Line::Item);
    }
    Pasted::parse(text).map(Line::Target).map_err(|_| {
        let shown = crate::text::escape_line(&shorten(text)).into_owned();
        format!("`{shown}` is not a JSON item, an image id or a Civitai page URL; {FIX}")
    })
}

/// A JSON object with a numeric `id` and a string `url`.
fn item(text: &str) -> Result<Value, String> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| format!("not JSON ({}); {FIX}", crate::walk::api::json_error(&e)))?;
    let has_id = value.get("id").and_then(Value::as_u64).is_some();
    let has_url = value.get("url").and_then(Value::as_str).is_some();
    if has_id && has_url {
        Ok(value)
    } else {
        Err(format!(
            "a JSON item needs a numeric \"id\" and a \"url\" (list with --fields leaves them \
             out?); {FIX}"
        ))
    }
}

/// At most 60 characters of a refused line.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_ids_and_urls_mix() {
        let item = read(r#"{"id":1,"url":"http://x/a/b/c/d"}"#).unwrap();
        assert!(matches!(item, Line::Item(v) if v["id"] == 1));
        assert_eq!(read(" 469632 "), Ok(Line::Target(Pasted::Image(469632))));
        assert_eq!(
            read("https://civitai.com/user/bob"),
            Ok(Line::Target(Pasted::User("bob".into())))
        );
    }

    #[test]
    fn anything_else_names_the_fix() {
        for bad in [
            "id,url,username",
            "10000013,http://x/y.jpeg,bob",
            r#"{"id":"1","url":"u"}"#,
            r#"{"id":1"#,
            r#"{"id":1}"#,
            "[1]",
            "https://example.com/user/bob",
        ] {
            let err = read(bad).unwrap_err();
            assert!(err.contains("--format jsonl"), "{bad}: {err}");
        }
    }
}
