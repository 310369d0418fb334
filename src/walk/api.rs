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
}
