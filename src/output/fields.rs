//! Dotted field paths (`stats.likeCount`, `meta.prompt`) and their text in a cell.

use serde_json::Value;

/// CSV columns when `--fields` is not given: every documented item field, flattened.
pub const DEFAULT_CSV_FIELDS: &[&str] = &[
    "id",
    "url",
    "width",
    "height",
    "type",
    "nsfwLevel",
    "browsingLevel",
    "createdAt",
    "postId",
    "username",
    "baseModel",
    "modelVersionIds",
    "hash",
    "stats.likeCount",
    "stats.heartCount",
    "stats.laughCount",
    "stats.cryCount",
    "stats.dislikeCount",
    "stats.commentCount",
    "meta.prompt",
    "meta.negativePrompt",
    "meta.seed",
    "meta.steps",
    "meta.sampler",
    "meta.cfgScale",
    "meta.Model",
];

/// The value at a dotted path. `meta.*` also looks inside the `{id, meta}` wrapper that the
/// imageId / modelId-only path sends (API.md).
pub fn lookup<'v>(item: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = item;
    let mut segments = path.split('.').peekable();
    while let Some(seg) = segments.next() {
        cur = cur
            .get(seg)
            .or_else(|| cur.get(seg.parse::<usize>().ok()?))?;
        if seg == "meta" && segments.peek().is_some_and(|next| *next != "meta") {
            cur = unwrap_meta(cur);
        }
    }
    Some(cur)
}

/// The flat meta object inside a `{"id": …, "meta": {…}}` wrapper, or the value itself.
pub fn unwrap_meta(meta: &Value) -> &Value {
    match meta.get("meta") {
        Some(inner @ Value::Object(_)) if meta.get("prompt").is_none() => inner,
        _ => meta,
    }
}

/// A cell's text: strings as they are, numbers and booleans printed, null or missing empty,
/// arrays and objects as compact JSON.
pub fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_reach_nested_and_wrapped_meta() {
        let flat = json!({"id": 1, "stats": {"likeCount": 3}, "meta": {"prompt": "a cat"}});
        assert_eq!(cell(lookup(&flat, "stats.likeCount")), "3");
        assert_eq!(cell(lookup(&flat, "meta.prompt")), "a cat");
        let wrapped = json!({"id": 1, "meta": {"id": 1, "meta": {"prompt": "a dog"}}});
        assert_eq!(cell(lookup(&wrapped, "meta.prompt")), "a dog");
        assert_eq!(cell(lookup(&wrapped, "missing.path")), "");
        let null_meta = json!({"id": 1, "meta": null});
        assert_eq!(cell(lookup(&null_meta, "meta.prompt")), "");
    }
}
