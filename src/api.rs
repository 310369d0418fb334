//! Shapes of the images endpoint's answers: pages, cursors and error bodies (see API.md).

use serde::Deserialize;
use serde_json::Value;

/// One page of `GET /api/v1/images`.
///
/// Items stay `serde_json::Value` so that every field the API sent, known or not,
/// is re-emitted as it came (API.md: "keep unknown fields when re-emitting an item").
#[derive(Debug, Deserialize)]
pub struct Page {
    /// The page's items; may be fewer than `limit`, or none, mid-walk.
    pub items: Vec<Value>,
    /// Paging data; `nextCursor` absent or null ends the walk.
    #[serde(default)]
    pub metadata: Metadata,
}

/// The `metadata` object of a page.
#[derive(Debug, Default, Deserialize)]
pub struct Metadata {
    /// A string on the normal path, a number on the imageId / modelId-only path.
    #[serde(rename = "nextCursor", default)]
    pub next_cursor: Value,
}

impl Page {
    /// The cursor for the next page as it goes into the query string, sent back verbatim.
    ///
    /// `Ok(None)` ends the walk; a cursor of another JSON type is a protocol error.
    pub fn next_cursor(&self) -> Result<Option<String>, String> {
        match &self.metadata.next_cursor {
            Value::Null => Ok(None),
            Value::String(s) if s.is_empty() => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            Value::Number(n) => Ok(Some(n.to_string())),
            other => Err(format!(
                "metadata.nextCursor is neither a number nor a string: {other}"
            )),
        }
    }
}

/// The id of an item, if it has a numeric one.
pub fn item_id(item: &Value) -> Option<u64> {
    item.get("id").and_then(Value::as_u64)
}

/// Turns an error body into one readable sentence, or `None` when the body is not one
/// of the API's JSON error shapes (an HTML page from the CDN, say).
///
/// Zod errors carry their issues as a JSON *string* inside `error.message` (API.md):
/// `{"error":{"name":"ZodError","message":"[{\"path\":[\"limit\"],\"message\":\"Too big…\"}]"}}`.
pub fn error_message(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let error = value.get("error")?;
    let text = match error {
        Value::String(s) => s.clone(),
        Value::Object(obj) => {
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
    fn cursors_are_opaque() {
        let page: Page =
            serde_json::from_str(r#"{"items":[],"metadata":{"nextCursor":101}}"#).unwrap();
        assert_eq!(page.next_cursor().unwrap().as_deref(), Some("101"));
        let page: Page =
            serde_json::from_str(r#"{"items":[],"metadata":{"nextCursor":"100|17"}}"#).unwrap();
        assert_eq!(page.next_cursor().unwrap().as_deref(), Some("100|17"));
        let page: Page = serde_json::from_str(r#"{"items":[],"metadata":{}}"#).unwrap();
        assert_eq!(page.next_cursor().unwrap(), None);
    }
}
