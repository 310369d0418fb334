//! Dotted field paths (`stats.likeCount`, `meta.prompt`) and their text in a cell.
//!
//! `meta.<key>` with one of [`NORMALIZED_META_KEYS`] reads the item's normalized
//! [`GenRecord`], so `meta.model` and `meta.clipSkip` work although the API spells them
//! `Model` and `Clip skip`; any other path reads the item as the API sent it.

use std::cell::OnceCell;

use serde_json::Value;

use crate::meta::GenRecord;

/// The `meta.<key>` names answered from the normalized record (GenRecord's own field names).
pub const NORMALIZED_META_KEYS: &[&str] = &[
    "prompt",
    "negativePrompt",
    "steps",
    "sampler",
    "scheduler",
    "cfgScale",
    "seed",
    "width",
    "height",
    "model",
    "modelHash",
    "clipSkip",
    "denoisingStrength",
];

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

/// One item's cells. Its `meta` is parsed into a [`GenRecord`] at most once, and only when a
/// column asks for a normalized key, so a page of 200 rows stays cheap.
pub struct Row<'v> {
    item: &'v Value,
    record: OnceCell<Option<GenRecord>>,
}

impl<'v> Row<'v> {
    /// Cells of `item`; nothing is parsed yet.
    pub fn new(item: &'v Value) -> Self {
        Row {
            item,
            record: OnceCell::new(),
        }
    }

    /// The text of the column at `path`. A normalized `meta.<key>` the record lacks (a
    /// value it could not parse, say) falls back to the raw path.
    pub fn cell(&self, path: &str) -> String {
        if path == "tags" {
            if let Some(names) = tag_names(self.item) {
                return names;
            }
        }
        let normalized = path
            .strip_prefix("meta.")
            .filter(|key| NORMALIZED_META_KEYS.contains(key))
            .and_then(|key| normalized(self.record()?, key));
        normalized.unwrap_or_else(|| cell(lookup(self.item, path)))
    }

    fn record(&self) -> Option<&GenRecord> {
        self.record
            .get_or_init(|| self.item.get("meta").and_then(GenRecord::from_api_meta))
            .as_ref()
    }
}

/// `withTags` gives `tags: [{id, name}]`; a cell shows the names joined by `;`.
fn tag_names(item: &Value) -> Option<String> {
    let tags = item.get("tags")?.as_array()?;
    let names: Option<Vec<&str>> = tags
        .iter()
        .map(|t| t.get("name").and_then(Value::as_str))
        .collect();
    Some(names?.join(";"))
}

/// The text of a normalized field; numbers printed as people write them (`7`, not `7.0`).
fn normalized(r: &GenRecord, key: &str) -> Option<String> {
    let num = |v: Option<f64>| v.map(|n| n.to_string());
    let int = |v: Option<u32>| v.map(|n| n.to_string());
    match key {
        "prompt" => r.prompt.clone(),
        "negativePrompt" => r.negative_prompt.clone(),
        "steps" => int(r.steps),
        "sampler" => r.sampler.clone(),
        "scheduler" => r.scheduler.clone(),
        "cfgScale" => num(r.cfg_scale),
        "seed" => r.seed.map(|n| n.to_string()),
        "width" => int(r.width),
        "height" => int(r.height),
        "model" => r.model.clone(),
        "modelHash" => r.model_hash.clone(),
        "clipSkip" => int(r.clip_skip),
        "denoisingStrength" => num(r.denoising_strength),
        _ => None,
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
    fn tags_show_their_names() {
        let item = json!({"id": 1, "tags": [{"id": 4, "name": "anime"}, {"id": 5, "name": "cat"}]});
        assert_eq!(Row::new(&item).cell("tags"), "anime;cat");
        assert_eq!(Row::new(&json!({"id": 1})).cell("tags"), "");
    }

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

    #[test]
    fn normalized_meta_keys_read_the_api_spellings() {
        let meta = json!({"prompt": "a cat", "cfgScale": 7, "Model": "juggernaut",
            "Clip skip": "2", "Size": "512x768", "seed": 42, "steps": "bad"});
        for item in [
            json!({"id": 1, "meta": meta}),
            json!({"id": 1, "meta": {"id": 1, "meta": meta}}),
        ] {
            let row = Row::new(&item);
            assert_eq!(row.cell("meta.model"), "juggernaut");
            assert_eq!(row.cell("meta.clipSkip"), "2");
            assert_eq!(row.cell("meta.width"), "512");
            assert_eq!(row.cell("meta.cfgScale"), "7");
            assert_eq!(row.cell("meta.seed"), "42");
            // Raw spellings keep working, and an unparsable value falls back to the raw one.
            assert_eq!(row.cell("meta.Model"), "juggernaut");
            assert_eq!(row.cell("meta.Clip skip"), "2");
            assert_eq!(row.cell("meta.steps"), "bad");
            assert_eq!(row.cell("id"), "1");
        }
        let none = json!({"id": 2, "meta": null});
        assert_eq!(Row::new(&none).cell("meta.model"), "");
        assert_eq!(Row::new(&json!({"id": 3})).cell("meta.seed"), "");
    }

    #[test]
    fn the_record_is_parsed_only_when_a_normalized_key_is_asked() {
        let item = json!({"id": 1, "meta": {"prompt": "a cat"}});
        let row = Row::new(&item);
        row.cell("id");
        row.cell("meta.Model");
        assert!(row.record.get().is_none());
        row.cell("meta.prompt");
        assert!(row.record.get().is_some());
    }
}
