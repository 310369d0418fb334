//! Field lookup: dotted paths (`stats.likeCount`, `meta.prompt`) checked as `--fields` names and
//! read from an item as a value or as the text of a cell. `list`'s writers, `--name` templates
//! and `download` read fields here, so none of them depends on another.
//!
//! `meta.<key>` with one of [`NORMALIZED_META_KEYS`] reads the item's normalized
//! [`GenRecord`] (the one `civimg meta ID` prints), so `meta.model`, `meta.clipSkip` and
//! `meta.resources` work although the API spells them `Model`, `Clip skip` and splits
//! resources over `resources`, `civitaiResources` and `hashes`; paths below such a key
//! (`meta.resources.0.name`, `meta.hires.upscaler`) read inside it. Any other path reads the
//! item as the API sent it.

use std::cell::OnceCell;

use serde_json::Value;

use crate::meta::GenRecord;

/// The `meta.<key>` names answered from the normalized record: every key of GenRecord's
/// JSON, by its own name.
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
    "hires",
    "resources",
    "resourcesDropped",
    "generator",
    "source",
    "extra",
];

/// The item fields `--fields` accepts (doc/api.md's item fields); below `meta.`, `tags.` and
/// `modelVersionIds.` any path is accepted, since those hold what the generator or the API put.
pub const ITEM_FIELDS: &[&str] = &[
    "id",
    "url",
    "hash",
    "width",
    "height",
    "nsfwLevel",
    "nsfw",
    "browsingLevel",
    "type",
    "createdAt",
    "postId",
    "username",
    "baseModel",
    "modelVersionIds",
    "tags",
    "meta",
    "stats",
    "stats.likeCount",
    "stats.heartCount",
    "stats.laughCount",
    "stats.cryCount",
    "stats.dislikeCount",
    "stats.commentCount",
    "thumbnail",
    "thumbnail.url",
    "thumbnail.width",
    "thumbnail.height",
    // Collections (tRPC) only: kept under their tRPC names, REST items have no such field.
    "publishedAt",
    "mimeType",
    "duration",
];

/// Paths below these are open-ended.
const OPEN_PREFIXES: &[&str] = &["meta.", "tags.", "modelVersionIds."];

/// Keys the API's `meta` object carries as generators spell them (doc/api.md, "meta"), besides
/// the normalized ones: a `meta.<key>` near one of these but not it is taken as a misspelling.
const API_META_KEYS: &[&str] = &[
    "Model",
    "Model hash",
    "Clip skip",
    "Size",
    "VAE",
    "Denoising strength",
    "Hires upscale",
    "Hires upscaler",
    "Hires steps",
    "Schedule type",
    "resources",
    "civitaiResources",
    "hashes",
    "comfy",
];

/// Words people type for a field, and the field they mean.
const ALIASES: &[(&str, &str)] = &[
    ("likes", "stats.likeCount"),
    ("hearts", "stats.heartCount"),
    ("laughs", "stats.laughCount"),
    ("cries", "stats.cryCount"),
    ("dislikes", "stats.dislikeCount"),
    ("comments", "stats.commentCount"),
    ("user", "username"),
    ("created", "createdAt"),
    ("date", "createdAt"),
    ("level", "nsfwLevel"),
    ("prompt", "meta.prompt"),
    ("seed", "meta.seed"),
    ("model", "meta.model"),
];

/// Checks `--fields` paths: each must be a known field (or below an open-ended one, unless it
/// is a near miss of a known `meta.` key). The error names the nearest known field when there
/// is one; `tags` asks for `--with-tags`, without which the API sends none.
pub fn check_fields(fields: &[String], with_tags: bool) -> Result<(), String> {
    check_names(fields)?;
    let wants_tags = fields
        .iter()
        .any(|f| f.trim() == "tags" || f.trim().starts_with("tags."));
    if wants_tags && !with_tags {
        return Err("--fields tags: add --with-tags, or the API sends no tags".into());
    }
    Ok(())
}

/// Whether `field` is `meta.<key>` with a key close to, but not, a known one.
fn near_miss_meta(field: &str) -> bool {
    let Some(key) = field.strip_prefix("meta.") else {
        return false;
    };
    let known = NORMALIZED_META_KEYS.iter().chain(API_META_KEYS);
    if known.clone().any(|k| *k == key) {
        return false;
    }
    let lower = key.to_ascii_lowercase();
    known
        .map(|k| k.to_ascii_lowercase())
        .any(|k| k == lower || edit_distance(&lower, &k) <= 2.max(k.len() / 4))
}

/// The names themselves: known, or open-ended and no near miss.
fn check_names(fields: &[String]) -> Result<(), String> {
    for field in fields {
        let field = field.trim();
        if field.is_empty() || field.split('.').any(str::is_empty) {
            return Err(format!(
                "--fields: empty field name in `{}` (write them as id,username,stats.likeCount)",
                crate::text::escape_line(&fields.join(","))
            ));
        }
        let open = OPEN_PREFIXES.iter().any(|p| field.starts_with(p));
        if ITEM_FIELDS.contains(&field) || (open && !near_miss_meta(field)) {
            continue;
        }
        let shown = crate::text::escape_line(field);
        return Err(match nearest(field) {
            Some(known) => format!("--fields: unknown field `{shown}`; did you mean `{known}`?"),
            None => format!(
                "--fields: unknown field `{shown}`; known fields: {}, meta.<key>",
                ITEM_FIELDS.join(", ")
            ),
        });
    }
    Ok(())
}

/// The known field closest to `field`: a word people use for it (`likes`), the same but for
/// case, the last part of a dotted field (`likeCount`), else within a few edits.
fn nearest(field: &str) -> Option<String> {
    let lower = field.to_ascii_lowercase();
    if let Some((_, known)) = ALIASES.iter().find(|(alias, _)| *alias == lower) {
        return Some(known.to_string());
    }
    let candidates = ITEM_FIELDS
        .iter()
        .map(|f| f.to_string())
        .chain(NORMALIZED_META_KEYS.iter().map(|k| format!("meta.{k}")))
        .chain(API_META_KEYS.iter().map(|k| format!("meta.{k}")));
    candidates
        .map(|known| {
            let known_lower = known.to_ascii_lowercase();
            let last = known_lower.rsplit('.').next().unwrap_or_default();
            let distance = if known_lower == lower || last == lower {
                0
            } else {
                edit_distance(&lower, &known_lower)
            };
            (distance, known)
        })
        .filter(|(d, known)| *d <= 2.max(known.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, known)| known)
}

/// Levenshtein distance over characters (paths are short: quadratic is fine here).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The item cut down to `fields`, nested as in the item (`stats.likeCount` stays under
/// `stats`), in the order given; a normalized `meta.<key>` carries the normalized value.
/// A field the item lacks is null.
pub fn project(item: &Value, fields: &[String]) -> Value {
    let row = Row::new(item);
    let mut out = Value::Object(serde_json::Map::new());
    for path in fields {
        let value = row.json(path).unwrap_or(Value::Null);
        insert_at(&mut out, path, value);
    }
    out
}

/// Puts `value` at a dotted path, making objects on the way.
fn insert_at(root: &mut Value, path: &str, value: Value) {
    let mut cur = root;
    let mut segments = path.split('.').peekable();
    while let Some(seg) = segments.next() {
        let Value::Object(map) = cur else { return };
        if segments.peek().is_none() {
            map.insert(seg.to_string(), value);
            return;
        }
        let next = map
            .entry(seg.to_string())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        if !next.is_object() {
            *next = Value::Object(serde_json::Map::new());
        }
        cur = next;
    }
}

/// The value at a dotted path (an array's element by its index). The item's `meta` is flat:
/// the legacy wrapper was taken off at intake (`crate::item`).
pub fn lookup<'v>(item: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = item;
    for seg in path.split('.') {
        cur = cur
            .get(seg)
            .or_else(|| cur.get(seg.parse::<usize>().ok()?))?;
    }
    Some(cur)
}

/// One item's cells. Its `meta` is parsed into a [`GenRecord`] at most once, and only when a
/// column asks for a normalized key, so a page of 200 rows stays cheap.
pub struct Row<'v> {
    item: &'v Value,
    record: OnceCell<Option<GenRecord>>,
    record_json: OnceCell<Option<Value>>,
}

impl<'v> Row<'v> {
    /// Cells of `item`; nothing is parsed yet.
    pub fn new(item: &'v Value) -> Self {
        Row {
            item,
            record: OnceCell::new(),
            record_json: OnceCell::new(),
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
        let normalized = normalized_key(path).and_then(|(key, rest)| match (key, rest) {
            ("resources", "") => self.record().map(|r| resource_names(&r.resources)),
            (key, "") => self
                .record()
                .and_then(|r| normalized(r, key))
                .or_else(|| self.normalized_json(path).map(|v| cell(Some(&v)))),
            _ => self.normalized_json(path).map(|v| cell(Some(&v))),
        });
        normalized.unwrap_or_else(|| cell(lookup(self.item, path)))
    }

    /// The JSON value at `path`: the normalized one for a normalized `meta.<key>` the record
    /// has, else the item's own.
    pub fn json(&self, path: &str) -> Option<Value> {
        self.normalized_json(path)
            .or_else(|| lookup(self.item, path).cloned())
    }

    /// The record's value at a normalized `meta.<key>` path, if the record has one.
    fn normalized_json(&self, path: &str) -> Option<Value> {
        let (key, rest) = normalized_key(path)?;
        let value = self.record_json()?.get(key)?;
        if rest.is_empty() {
            Some(value.clone())
        } else {
            lookup(value, rest).cloned()
        }
    }

    /// The record as JSON, serialized at most once for all of the row's fields.
    fn record_json(&self) -> Option<&Value> {
        self.record_json
            .get_or_init(|| serde_json::to_value(self.record()?).ok())
            .as_ref()
    }

    fn record(&self) -> Option<&GenRecord> {
        self.record
            .get_or_init(|| self.item.get("meta").and_then(GenRecord::from_api_meta))
            .as_ref()
    }
}

/// A normalized `meta.<key>` path as its key and the rest of the path below it (empty for
/// the key itself).
fn normalized_key(path: &str) -> Option<(&str, &str)> {
    let below = path.strip_prefix("meta.")?;
    let (key, rest) = below.split_once('.').unwrap_or((below, ""));
    NORMALIZED_META_KEYS.contains(&key).then_some((key, rest))
}

/// Resources in a cell: their names joined by `;`, as `civimg meta --format csv` writes them.
fn resource_names(resources: &[crate::meta::Resource]) -> String {
    resources
        .iter()
        .map(crate::meta::Resource::label)
        .collect::<Vec<_>>()
        .join(";")
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
        "resourcesDropped" => r.resources_dropped.map(|n| n.to_string()),
        "generator" => r.generator.clone(),
        "source" => Some(r.source.clone()),
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

    /// An item as a run has it: through the intake, which takes the legacy wrapper off.
    fn taken_in(item: Value) -> Value {
        crate::item::Item::from_value(&item).unwrap().value()
    }

    #[test]
    fn paths_reach_nested_and_wrapped_meta() {
        let flat = json!({"id": 1, "stats": {"likeCount": 3}, "meta": {"prompt": "a cat"}});
        assert_eq!(cell(lookup(&flat, "stats.likeCount")), "3");
        assert_eq!(cell(lookup(&flat, "meta.prompt")), "a cat");
        let wrapped = taken_in(json!({"id": 1, "meta": {"id": 1, "meta": {"prompt": "a dog"}}}));
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
            taken_in(json!({"id": 1, "meta": {"id": 1, "meta": meta}})),
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
    fn unknown_fields_suggest_the_nearest() {
        let check =
            |f: &[&str]| check_fields(&f.iter().map(|s| s.to_string()).collect::<Vec<_>>(), true);
        assert!(check(&["id", "stats.likeCount", "meta.Clip skip", "tags.0.name"]).is_ok());
        assert!(check(&["meta.Hires upscale", "meta.somethingElse"]).is_ok());
        // issue 17: meta.* misspellings and the words people use are caught too.
        let err = check(&["meta.promt"]).unwrap_err();
        assert!(err.contains("did you mean `meta.prompt`"), "{err}");
        let err = check(&["meta.clip skip"]).unwrap_err();
        assert!(err.contains("`meta.Clip skip`"), "{err}");
        let err = check(&["likes"]).unwrap_err();
        assert!(err.contains("did you mean `stats.likeCount`"), "{err}");
        let err = check(&["commentCount"]).unwrap_err();
        assert!(err.contains("`stats.commentCount`"), "{err}");
        let tags = check_fields(&["id".into(), "tags".into()], false).unwrap_err();
        assert!(tags.contains("--with-tags"), "{tags}");
        let err = check(&["stats.likecount"]).unwrap_err();
        assert!(err.contains("did you mean `stats.likeCount`"), "{err}");
        let err = check(&["usrname"]).unwrap_err();
        assert!(err.contains("`username`"), "{err}");
        let err = check(&["createdat"]).unwrap_err();
        assert!(err.contains("`createdAt`"), "{err}");
        assert!(check(&["id", ""]).unwrap_err().contains("empty"));
        assert!(check(&["stats."]).unwrap_err().contains("empty"));
        assert!(check(&["zzzzzzzz"]).unwrap_err().contains("known fields"));
    }

    #[test]
    fn projection_keeps_the_shape_and_normalizes_meta() {
        let item = json!({"id": 1, "url": "u", "stats": {"likeCount": 3, "cryCount": 1},
            "meta": {"Model": "juggernaut", "seed": 42}});
        let fields: Vec<String> = ["id", "stats.likeCount", "meta.model", "meta.seed", "hash"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            project(&item, &fields),
            json!({"id": 1, "stats": {"likeCount": 3},
                "meta": {"model": "juggernaut", "seed": 42}, "hash": null})
        );
    }

    // issue 18: every key of the normalized record is a `meta.<key>` field, with the values
    // `civimg meta ID` prints.
    #[test]
    fn every_record_key_reads_the_normalized_record() {
        let meta = json!({"prompt": "a cat", "Model": "juggernaut", "Hires upscale": "2",
            "Hires upscaler": "4x", "resources": [{"name": "armor", "type": "lora", "weight": 0.8}],
            "civitaiResources": [{"type": "checkpoint", "modelVersionId": 77}],
            "hashes": {"embed:easyneg": "abc"}, "Odd key": 1});
        let item = json!({"id": 1, "meta": meta});
        let record = GenRecord::from_api_meta(&item["meta"]).unwrap();
        let want = serde_json::to_value(&record).unwrap();
        let row = Row::new(&item);
        for key in NORMALIZED_META_KEYS {
            let path = format!("meta.{key}");
            assert_eq!(row.json(&path).as_ref(), want.get(*key), "{path}");
            assert!(
                check_fields(std::slice::from_ref(&path), false).is_ok(),
                "{path}"
            );
        }
        assert_eq!(row.json("meta.resources"), Some(want["resources"].clone()));
        assert_eq!(record.resources.len(), 3, "{:?}", record.resources);
        assert_eq!(row.cell("meta.resources"), "armor;version 77;easyneg");
        assert_eq!(row.cell("meta.resources.0.weight"), "0.8");
        assert_eq!(row.cell("meta.resources.1.modelVersionId"), "77");
        assert_eq!(row.cell("meta.hires.upscaler"), "4x");
        assert_eq!(row.cell("meta.hires"), want["hires"].to_string());
        assert_eq!(row.cell("meta.extra.Odd key"), "1");
        assert_eq!(row.cell("meta.source"), "api");
        assert_eq!(row.cell("meta.generator"), "");
        // A raw key keeps its raw value.
        assert_eq!(row.cell("meta.Hires upscale"), "2");
        let fields = vec![
            "meta.resources.0.name".to_string(),
            "meta.hires".to_string(),
        ];
        assert_eq!(
            project(&item, &fields),
            json!({"meta": {"resources": {"0": {"name": "armor"}}, "hires": want["hires"]}})
        );
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
