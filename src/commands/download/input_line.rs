//! What one `--input` line means (issue 16): a JSON item as `civimg list --format jsonl` prints
//! it, or an image id or Civitai page URL (`crate::pasted`), mixed freely. Anything else (a CSV
//! row, a table) is refused with the fix, never skipped: a run over the wrong format must fail
//! loudly, not download nothing and exit 0. An item line goes through the same intake as an
//! item of an API page (`crate::item`).

use crate::item::{json_error, Item};
use crate::pasted::Pasted;

/// One line of `--input`, read.
#[derive(Debug)]
pub enum Line {
    /// A listed item, downloaded as it is.
    Item(Item),
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

/// A JSON object with a numeric `id` and a string `url`, nested no deeper than the JSON
/// reader follows.
fn item(text: &str) -> Result<Item, String> {
    let not_json = |e: &serde_json::Error| format!("not JSON ({}); {FIX}", json_error(e));
    let item = Item::from_text(text).map_err(|e| not_json(&e))?;
    let value: serde_json::Value = serde_json::from_str(item.raw()).map_err(|e| not_json(&e))?;
    let has_url = value
        .get("url")
        .and_then(serde_json::Value::as_str)
        .is_some();
    if item.id.is_some() && has_url {
        Ok(item)
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
        assert!(matches!(item, Line::Item(i) if i.id == Some(1)));
        let target = |line: &str| match read(line) {
            Ok(Line::Target(pasted)) => pasted,
            other => panic!("{line}: {other:?}"),
        };
        assert_eq!(target(" 469632 "), Pasted::Image(469632));
        assert_eq!(
            target("https://civitai.com/user/bob"),
            Pasted::User("bob".into())
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
