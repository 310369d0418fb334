//! Shapes of the images endpoint's answers: pages, cursors and error bodies (see doc/api.md).

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::item::Item;

/// One page of `GET /api/v1/images`.
#[derive(Debug, Deserialize)]
pub struct Page {
    /// The page's items; may be fewer than `limit`, or none, mid-walk.
    pub items: Vec<Item>,
    /// Paging data; `nextCursor` absent or null ends the walk.
    #[serde(default)]
    pub metadata: Metadata,
}

impl Page {
    /// A page from the body of an answer: read in one pass by [`crate::item::scan`] where it
    /// can, else by serde_json, which gives the same page, or the error.
    pub fn from_body(body: &[u8]) -> serde_json::Result<Page> {
        match scanned(body) {
            Some(page) => Ok(page),
            None => serde_json::from_slice(body),
        }
    }
}

/// The page as [`crate::item::scan`] reads it, its small `metadata` read by serde_json;
/// `None` when the whole body must go to serde_json (a cursor that is no number or string
/// may fail there, and its error names the place in the body).
fn scanned(body: &[u8]) -> Option<Page> {
    let page = crate::item::scan::page(body)?;
    let metadata = match page.metadata {
        Some(text) if !text.starts_with('{') => return None,
        Some(text) => serde_json::from_str(text).ok()?,
        None => Metadata::default(),
    };
    Some(Page {
        items: page.items,
        metadata,
    })
}

/// The `metadata` object of a page.
#[derive(Debug, Default, Deserialize)]
pub struct Metadata {
    /// The cursor for the next page as it goes into the query string, sent back verbatim:
    /// a string on the normal path, a number on the imageId / modelId-only path. `None`
    /// (absent, null or empty) ends the walk.
    #[serde(rename = "nextCursor", default, deserialize_with = "opaque_cursor")]
    pub next_cursor: Option<String>,
}

/// A cursor of any other JSON type makes the page invalid, like any other malformed answer.
fn opaque_cursor<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(de)? {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(serde::de::Error::custom(format!(
            "metadata.nextCursor is neither a number nor a string: {other}"
        ))),
    }
}

/// Turns an error body into one readable sentence, or `None` when the body is not one
/// of the API's JSON error shapes (an HTML page from the CDN, say).
///
/// Zod errors carry their issues as a JSON *string* inside `error.message` (doc/api.md):
/// `{"error":{"name":"ZodError","message":"[{\"path\":[\"limit\"],\"message\":\"Too big…\"}]"}}`.
pub fn error_message(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let Some(error) = value.get("error") else {
        // The official reference's newer shape: `{"message": "…"}` at the top (errors.md).
        return value
            .get("message")
            .and_then(Value::as_str)
            .filter(|m| !m.trim().is_empty())
            .map(str::to_string);
    };
    let text = match error {
        Value::String(s) => s.clone(),
        Value::Object(obj) => {
            // tRPC puts its error under `json` (superjson).
            let obj = obj.get("json").and_then(Value::as_object).unwrap_or(obj);
            let message = obj.get("message").and_then(Value::as_str)?;
            zod_issues(message).unwrap_or_else(|| message.to_string())
        }
        _ => return None,
    };
    let code = value.get("code").and_then(Value::as_str);
    Some(match code {
        Some(code) => format!("{text} ({code})"),
        None => text,
    })
}

/// Whether a 400's body refuses the cursor rather than another parameter: the reference's
/// top-level `{"message": …}` (errors.md: "This cursor cannot be continued…", "…can no longer be
/// continued…"), or a zod issue about `cursor`.
pub fn refuses_cursor(body: &[u8]) -> bool {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    if value.get("error").is_none() && value.get("message").is_some_and(Value::is_string) {
        return true;
    }
    let issues = value
        .pointer("/error/message")
        .and_then(Value::as_str)
        .and_then(|m| serde_json::from_str::<Vec<Value>>(m).ok())
        .unwrap_or_default();
    issues
        .iter()
        .any(|i| i.pointer("/path/0").and_then(Value::as_str) == Some("cursor"))
}

/// `limit: Too big: expected number to be <=200; username: Invalid` from a zod issues list.
fn zod_issues(message: &str) -> Option<String> {
    let issues: Vec<Value> = serde_json::from_str(message).ok()?;
    let parts: Vec<String> = issues
        .iter()
        .map(|issue| {
            let path: Vec<String> = issue
                .get("path")
                .and_then(Value::as_array)
                .map(|p| {
                    p.iter()
                        .map(|seg| match seg {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let text = issue
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("invalid value");
            if path.is_empty() {
                text.to_string()
            } else {
                format!("{}: {text}", path.join("."))
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zod_body_reads_as_parameter_and_message() {
        let body = br#"{"error":{"name":"ZodError","message":"[{\"code\":\"too_big\",\"maximum\":200,\"path\":[\"limit\"],\"message\":\"Too big: expected number to be <=200\"}]"}}"#;
        assert_eq!(
            error_message(body).unwrap(),
            "limit: Too big: expected number to be <=200"
        );
    }

    #[test]
    fn plain_and_coded_errors() {
        assert_eq!(
            error_message(br#"{"error":"Server busy, please retry shortly."}"#).unwrap(),
            "Server busy, please retry shortly."
        );
        assert_eq!(
            error_message(br#"{"error":"Blocked","code":"REGION_BLOCKED"}"#).unwrap(),
            "Blocked (REGION_BLOCKED)"
        );
        assert!(error_message(b"<html>oops</html>").is_none());
    }

    #[test]
    fn top_level_messages_are_read_and_cursor_refusals_known() {
        let body = br#"{"message":"This cursor cannot be continued with these filters"}"#;
        assert_eq!(
            error_message(body).unwrap(),
            "This cursor cannot be continued with these filters"
        );
        assert!(refuses_cursor(body));
        let zod = br#"{"error":{"name":"ZodError","message":"[{\"path\":[\"cursor\"],\"message\":\"Invalid cursor\"}]"}}"#;
        assert!(refuses_cursor(zod));
        let limit = br#"{"error":{"name":"ZodError","message":"[{\"path\":[\"limit\"],\"message\":\"Too big\"}]"}}"#;
        assert!(!refuses_cursor(limit));
    }

    #[test]
    fn wrapped_meta_is_unwrapped_and_flat_meta_kept() {
        let page: Page = serde_json::from_str(
            r#"{"items":[{"id":1,"meta":{"id":1,"meta":{"prompt":"a cat"}},"url":"u"},
            {"id":2,"meta":{"prompt":"a dog","meta":{"x":1}}},{"id":3,"meta":null}]}"#,
        )
        .unwrap();
        assert_eq!(
            page.items[0].raw(),
            r#"{"id":1,"meta":{"prompt":"a cat"},"url":"u"}"#
        );
        assert!(page.items[1].raw().contains(r#""prompt":"a dog""#));
        assert_eq!(page.items[2].raw(), r#"{"id":3,"meta":null}"#);
    }

    // Issue 21: an item nested past the reader's limit was dropped as "no numeric id".
    #[test]
    fn a_too_deep_item_keeps_its_id_and_says_why_it_cannot_be_read() {
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let text = format!(r#"{{"items":[{{"id":7,"x":{deep}}},{{"id":8,"x":[[1]]}}]}}"#);
        let page: Page = serde_json::from_str(&text).unwrap();
        assert_eq!(page.items[0].id, Some(7));
        let why = page.items[0].try_value().unwrap_err();
        assert!(why.contains("nested deeper than 128 levels"), "{why}");
        assert!(page.items[1].try_value().is_ok());
    }

    #[test]
    fn cursors_are_opaque() {
        let page: Page =
            serde_json::from_str(r#"{"items":[],"metadata":{"nextCursor":101}}"#).unwrap();
        assert_eq!(page.metadata.next_cursor.as_deref(), Some("101"));
        let page: Page =
            serde_json::from_str(r#"{"items":[],"metadata":{"nextCursor":"100|17"}}"#).unwrap();
        assert_eq!(page.metadata.next_cursor.as_deref(), Some("100|17"));
        let page: Page = serde_json::from_str(r#"{"items":[],"metadata":{}}"#).unwrap();
        assert_eq!(page.metadata.next_cursor, None);
        let bad = serde_json::from_str::<Page>(r#"{"items":[],"metadata":{"nextCursor":[1]}}"#);
        assert!(bad
            .unwrap_err()
            .to_string()
            .contains("neither a number nor a string"));
    }

    fn same(a: &Page, b: &Page) -> bool {
        let item = |i: &Item| (i.raw().to_string(), i.id, i.username.clone(), i.level);
        a.metadata.next_cursor == b.metadata.next_cursor
            && a.items.iter().map(item).eq(b.items.iter().map(item))
    }

    /// A page of `n` generated items, with a metadata of some shape.
    fn generated_page(rng: &mut fastrand::Rng, n: usize) -> String {
        let items: Vec<String> = (0..n)
            .map(|_| crate::item::scan::tests::generated_item(rng))
            .collect();
        let cursors = [
            r#""100|17""#,
            "101",
            "1.5",
            "null",
            r#""""#,
            "[1]",
            r#""a\"b""#,
        ];
        let metadata = match rng.usize(..4) {
            0 => String::new(),
            1 => r#","metadata":null"#.to_string(),
            _ => format!(
                r#","metadata":{{"x":[{{}}],"nextCursor":{}}}"#,
                cursors[rng.usize(..cursors.len())]
            ),
        };
        format!(r#"{{"items":[{}]{metadata}}}"#, items.join(","))
    }

    // Issue 19: pages go from the body to items in one pass; serde_json's reading stays the
    // reference, so both must agree wherever the one pass answers.
    #[test]
    fn the_one_pass_reads_every_page_as_serde_json_does() {
        let mut rng = fastrand::Rng::with_seed(6);
        let mut scanned_pages = 0;
        for _ in 0..2000 {
            let n = rng.usize(..6);
            let text = generated_page(&mut rng, n);
            let slow = serde_json::from_str::<Page>(&text);
            let fast = scanned(text.as_bytes());
            if let Some(fast) = &fast {
                scanned_pages += 1;
                assert!(same(fast, slow.as_ref().unwrap()), "{text}");
            }
            assert_eq!(
                Page::from_body(text.as_bytes())
                    .map_err(|e| e.to_string())
                    .map(|_| ()),
                slow.as_ref().map_err(|e| e.to_string()).map(|_| ()),
                "{text}"
            );
        }
        assert!(scanned_pages > 400, "{scanned_pages}");
    }

    #[test]
    fn a_damaged_page_is_never_read_where_serde_json_refuses_it() {
        let mut rng = fastrand::Rng::with_seed(11);
        let marks = b"\",:{}[]\\ 0-e.\x01tnu\xff";
        let mut damaged = 0;
        for _ in 0..20000 {
            let n = rng.usize(1..4);
            let mut body = generated_page(&mut rng, n).into_bytes();
            for _ in 0..rng.usize(1..3) {
                let at = rng.usize(..body.len());
                match rng.usize(..3) {
                    0 => {
                        body.remove(at);
                    }
                    1 => body.insert(at, marks[rng.usize(..marks.len())]),
                    _ => body[at] = marks[rng.usize(..marks.len())],
                }
            }
            let slow = serde_json::from_slice::<Page>(&body);
            damaged += usize::from(slow.is_err());
            if let Some(fast) = scanned(&body) {
                let text = String::from_utf8_lossy(&body);
                assert!(same(&fast, slow.as_ref().expect(&text)), "{text}");
            }
        }
        assert!(damaged > 10000, "{damaged}");
    }
}
