//! Collecting `Resource`s: API arrays, `<lora:…>` prompt tags, `Lora hashes`, and dedupe.

use serde_json::Value;

use super::record::Resource;
use super::value::{as_f64, as_string, as_u64};

/// Reads one `resources[]` entry (`{name, type, weight, hash}`) or `civitaiResources[]`
/// entry (`{type, modelVersionId, modelVersionName?, weight}`); None if not an object.
pub(crate) fn from_api(item: &Value) -> Option<Resource> {
    let obj = item.as_object()?;
    let first = |keys: &[&str]| keys.iter().find_map(|k| obj.get(*k).and_then(as_string));
    Some(Resource {
        name: first(&["name", "modelVersionName", "modelName"]).unwrap_or_default(),
        kind: first(&["type"]),
        weight: ["weight", "strength"]
            .iter()
            .find_map(|k| obj.get(*k).and_then(as_f64)),
        hash: first(&["hash"]),
        model_version_id: obj.get("modelVersionId").and_then(as_u64),
    })
}

/// Most tags or hash entries read from one text. Real prompts hold a handful; the cap keeps
/// a hostile file from making the quadratic dedupe crawl. The tags stay in the prompt text.
const MAX_FROM_TEXT: usize = 256;

/// Finds `<lora:name:weight>`, `<lyco:name:weight>` and `<hypernet:name:weight>` tags.
pub(crate) fn from_prompt_tags(prompt: &str) -> Vec<Resource> {
    let mut out = Vec::new();
    let mut rest = prompt;
    while let Some(open) = rest.find('<').filter(|_| out.len() < MAX_FROM_TEXT) {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else { break };
        if let Some(res) = parse_tag(&after[..close]) {
            out.push(res);
        }
        // Resume right after '<' so a stray '<' cannot hide a following tag.
        rest = after;
    }
    out
}

fn parse_tag(inner: &str) -> Option<Resource> {
    let mut parts = inner.split(':');
    let kind = match parts.next()?.trim().to_ascii_lowercase().as_str() {
        "lora" => "lora",
        "lyco" => "lycoris",
        "hypernet" => "hypernetwork",
        _ => return None,
    };
    let name = parts.next()?.trim();
    if name.is_empty() {
        return None;
    }
    Some(Resource {
        name: name.to_string(),
        kind: Some(kind.to_string()),
        // `<lora:x:0.8>`; newer forms like `te=0.8` carry no plain weight.
        weight: parts.next().and_then(|w| w.trim().parse::<f64>().ok()),
        ..Resource::default()
    })
}

/// Reads a `Lora hashes` value (`"name: hash, name2: hash2"`) into LoRA resources.
pub(crate) fn from_hash_list(value: &str) -> Vec<Resource> {
    parse_hash_list(value)
        .into_iter()
        .take(MAX_FROM_TEXT)
        .map(|(name, hash)| Resource {
            name,
            kind: Some("lora".into()),
            hash: Some(hash),
            ..Resource::default()
        })
        .collect()
}

/// Splits a `Lora hashes` / `TI hashes` value (`"name: hash, name2: hash2"`) into pairs.
pub(crate) fn parse_hash_list(value: &str) -> Vec<(String, String)> {
    value
        .split(',')
        .filter_map(|part| {
            let (name, hash) = part.rsplit_once(':')?;
            let (name, hash) = (name.trim(), hash.trim());
            (!name.is_empty() && !hash.is_empty()).then(|| (name.to_string(), hash.to_string()))
        })
        .collect()
}

/// Merges resources that name the same thing, keeping the first position and filling
/// each entry's missing fields from its duplicates.
pub(crate) fn dedupe(items: Vec<Resource>) -> Vec<Resource> {
    let mut out: Vec<Resource> = Vec::with_capacity(items.len());
    for item in items {
        match out.iter_mut().find(|seen| same(seen, &item)) {
            Some(seen) => fill(seen, item),
            None => out.push(item),
        }
    }
    out
}

fn same(a: &Resource, b: &Resource) -> bool {
    if let (Some(x), Some(y)) = (a.model_version_id, b.model_version_id) {
        return x == y;
    }
    !a.name.is_empty() && base_name(&a.name) == base_name(&b.name) && same_kind(a, b)
}

/// The name without folders or a model-file extension, lowercased: ComfyUI says
/// `loras/detail.safetensors` where A1111 and the API say `detail`.
fn base_name(name: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = [".safetensors", ".ckpt", ".pt", ".bin", ".pth"]
        .iter()
        .find_map(|ext| {
            let cut = file.len().checked_sub(ext.len())?;
            let (stem, tail) = (file.get(..cut)?, file.get(cut..)?);
            tail.eq_ignore_ascii_case(ext).then_some(stem)
        })
        .unwrap_or(file);
    stem.trim().to_lowercase()
}

/// Kinds match when either is unknown or both are LoRA-like (sources spell it differently).
fn same_kind(a: &Resource, b: &Resource) -> bool {
    let family = |k: &str| {
        let k = k.to_ascii_lowercase();
        match k.as_str() {
            "lora" | "lycoris" | "locon" | "lyco" | "dora" => "lora".to_string(),
            _ => k,
        }
    };
    match (&a.kind, &b.kind) {
        (Some(x), Some(y)) => family(x) == family(y),
        _ => true,
    }
}

fn fill(seen: &mut Resource, other: Resource) {
    if seen.name.is_empty() {
        seen.name = other.name;
    }
    seen.kind = seen.kind.take().or(other.kind);
    seen.weight = seen.weight.or(other.weight);
    seen.hash = seen.hash.take().or(other.hash);
    seen.model_version_id = seen.model_version_id.or(other.model_version_id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_tags_and_hashes_merge_without_duplicates() {
        let mut items = from_prompt_tags("a <lora:Foo:0.8> b <lyco:bar:1> <lora:foo:0.5> <x:y> <");
        items.extend(from_hash_list("foo: abc, bar: def"));
        let items = dedupe(items);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].name, "Foo");
        assert_eq!(items[0].weight, Some(0.8));
        assert_eq!(items[0].hash.as_deref(), Some("abc"));
        assert_eq!(items[1].kind.as_deref(), Some("lycoris"));
        assert_eq!(items[1].hash.as_deref(), Some("def"));
    }

    #[test]
    fn stray_brackets_do_not_hide_tags() {
        let items = from_prompt_tags("<<lora:a:1> <lora::1> <lora:b:te=1>");
        let names: Vec<_> = items.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(items[1].weight, None);
    }

    #[test]
    fn file_names_and_folders_match_plain_names() {
        let comfy = Resource {
            name: "loras\\Detail.SafeTensors".into(),
            weight: Some(0.5),
            ..Resource::default()
        };
        let items = dedupe(vec![comfy, from_hash_list("detail: ab").remove(0)]);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].hash.as_deref(), Some("ab"));
        assert_eq!(base_name("é.pt"), "é");
        assert_eq!(base_name(".pt"), "");
    }

    #[test]
    fn version_ids_dedupe() {
        let a = Resource {
            model_version_id: Some(7),
            weight: Some(1.0),
            ..Resource::default()
        };
        let b = Resource {
            name: "x".into(),
            model_version_id: Some(7),
            ..Resource::default()
        };
        assert_eq!(dedupe(vec![a, b]).len(), 1);
    }
}
