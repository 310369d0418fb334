//! Collecting `Resource`s: API arrays, `<lora:…>` prompt tags, `Lora hashes`/`TI hashes`,
//! and one de-duplicating, bounded set they all go through.
//!
//! Everything here is linear in its input: tags are found in one pass, duplicates through
//! hash maps, and a record keeps at most [`MAX_RESOURCES`] (what a hostile file or item
//! holds beyond that is counted in `resourcesDropped`, never kept).

use std::collections::HashMap;

use serde_json::Value;

use super::record::{GenRecord, Resource};
use super::value::{as_f64, as_string, as_u64};

/// Most resources one record keeps. Real images list a handful, rarely a few dozen.
pub(crate) const MAX_RESOURCES: usize = 100;

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

/// `<lora:name:weight>`, `<lyco:name:weight>` and `<hypernet:name:weight>` tags, in one pass:
/// a tag is the text between a `>` and the last `<` before it, so a stray `<` never hides
/// the tag after it and no character is looked at twice.
pub(crate) fn from_prompt_tags(prompt: &str) -> impl Iterator<Item = Resource> + '_ {
    let mut pieces = prompt.split('>');
    // The text after the last '>' closes no tag.
    pieces.next_back();
    pieces.filter_map(|piece| parse_tag(piece.rsplit_once('<')?.1))
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

/// Reads a `Lora hashes` or `TI hashes` value (`"name: hash, name2: hash2"`) into
/// resources of `kind` (`lora`, `embed`).
pub(crate) fn from_hash_list<'a>(
    value: &'a str,
    kind: &'a str,
) -> impl Iterator<Item = Resource> + 'a {
    hash_pairs(value).map(move |(name, hash)| Resource {
        name: name.to_string(),
        kind: Some(kind.to_string()),
        hash: Some(hash.to_string()),
        ..Resource::default()
    })
}

/// Splits a `Lora hashes` / `TI hashes` value (`"name: hash, name2: hash2"`) into pairs.
#[cfg(test)]
pub(crate) fn parse_hash_list(value: &str) -> Vec<(String, String)> {
    hash_pairs(value)
        .map(|(name, hash)| (name.to_string(), hash.to_string()))
        .collect()
}

fn hash_pairs(value: &str) -> impl Iterator<Item = (&str, &str)> {
    value.split(',').filter_map(|part| {
        let (name, hash) = part.rsplit_once(':')?;
        let (name, hash) = (name.trim(), hash.trim());
        (!name.is_empty() && !hash.is_empty()).then_some((name, hash))
    })
}

impl GenRecord {
    /// Adds `more` to the record's resources, merging every duplicate (the existing list's
    /// own too) into its first position and keeping at most [`MAX_RESOURCES`]; the rest is
    /// counted in `resources_dropped`.
    pub(crate) fn add_resources(&mut self, more: impl IntoIterator<Item = Resource>) {
        let mut set = ResourceSet::default();
        for item in std::mem::take(&mut self.resources).into_iter().chain(more) {
            set.add(item);
        }
        self.resources = set.items;
        if set.dropped > 0 {
            *self.resources_dropped.get_or_insert(0) += set.dropped;
        }
    }
}

/// Resources without duplicates, in first-seen order, at most [`MAX_RESOURCES`] of them.
/// Two resources are the same when their version ids match; when either lacks one, when
/// their names (see [`base_name`]) and kinds match.
#[derive(Default)]
struct ResourceSet {
    items: Vec<Resource>,
    /// Position of the first item holding each version id.
    by_id: HashMap<u64, usize>,
    /// Positions of the named items, by base name (at most `MAX_RESOURCES` in all).
    by_name: HashMap<String, Vec<usize>>,
    dropped: u64,
}

impl ResourceSet {
    fn add(&mut self, item: Resource) {
        let base = base_name(&item.name);
        match self.position_of(&item, &base) {
            Some(at) => self.fill(at, item),
            None if self.items.len() >= MAX_RESOURCES => self.dropped += 1,
            None => {
                let at = self.items.len();
                self.index(at, item.model_version_id, &item.name, base);
                self.items.push(item);
            }
        }
    }

    /// The first item `item` duplicates: the one with its version id, or an earlier one of
    /// the same name and kind where one of the two has no version id.
    fn position_of(&self, item: &Resource, base: &str) -> Option<usize> {
        let by_id = item
            .model_version_id
            .and_then(|id| self.by_id.get(&id).copied());
        let by_name = self.by_name.get(base).and_then(|list| {
            list.iter().copied().find(|&at| {
                let seen = &self.items[at];
                (seen.model_version_id.is_none() || item.model_version_id.is_none())
                    && same_kind(seen, item)
            })
        });
        match (by_id, by_name) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn fill(&mut self, at: usize, other: Resource) {
        let seen = &mut self.items[at];
        let (had_id, had_name) = (seen.model_version_id.is_some(), !seen.name.is_empty());
        if seen.name.is_empty() {
            seen.name = other.name;
        }
        seen.kind = seen.kind.take().or(other.kind);
        seen.weight = seen.weight.or(other.weight);
        seen.hash = seen.hash.take().or(other.hash);
        seen.model_version_id = seen.model_version_id.or(other.model_version_id);
        // What the merge taught the item is findable from now on.
        let id = seen.model_version_id.filter(|_| !had_id);
        let name = (!had_name && !seen.name.is_empty()).then(|| seen.name.clone());
        let base = name.as_deref().map(base_name).unwrap_or_default();
        self.index(at, id, name.as_deref().unwrap_or(""), base);
    }

    fn index(&mut self, at: usize, id: Option<u64>, name: &str, base: String) {
        if let Some(id) = id {
            self.by_id.entry(id).or_insert(at);
        }
        if !name.is_empty() {
            let list = self.by_name.entry(base).or_default();
            // Kept in position order, so the first match is the earliest item.
            let pos = list.partition_point(|&p| p < at);
            list.insert(pos, at);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn deduped(items: Vec<Resource>) -> Vec<Resource> {
        let mut rec = GenRecord::default();
        rec.add_resources(items);
        assert_eq!(rec.resources_dropped, None);
        rec.resources
    }

    #[test]
    fn prompt_tags_and_hashes_merge_without_duplicates() {
        let mut items: Vec<_> =
            from_prompt_tags("a <lora:Foo:0.8> b <lyco:bar:1> <lora:foo:0.5> <x:y> <").collect();
        items.extend(from_hash_list("foo: abc, bar: def", "lora"));
        let items = deduped(items);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].name, "Foo");
        assert_eq!(items[0].weight, Some(0.8));
        assert_eq!(items[0].hash.as_deref(), Some("abc"));
        assert_eq!(items[1].kind.as_deref(), Some("lycoris"));
        assert_eq!(items[1].hash.as_deref(), Some("def"));
    }

    #[test]
    fn stray_brackets_do_not_hide_tags() {
        let items: Vec<_> =
            from_prompt_tags("<<lora:a:1> <lora::1> x<y <lora:b:te=1> >> <lora:c:1").collect();
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
        let hashed = from_hash_list("detail: ab", "lora").next().unwrap();
        let items = deduped(vec![comfy, hashed]);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].hash.as_deref(), Some("ab"));
        assert_eq!(base_name("é.pt"), "é");
        assert_eq!(base_name(".pt"), "");
    }

    fn version(id: u64, name: &str) -> Resource {
        Resource {
            name: name.into(),
            model_version_id: Some(id),
            ..Resource::default()
        }
    }

    #[test]
    fn version_ids_dedupe() {
        let a = Resource {
            weight: Some(1.0),
            ..version(7, "")
        };
        let items = deduped(vec![a, version(7, "x"), version(8, "x")]);
        assert_eq!(items.len(), 2, "one name, two versions: two resources");
        assert_eq!(items[0].name, "x", "the merge fills the name");
        assert_eq!(items[0].weight, Some(1.0));
    }

    #[test]
    fn a_name_learned_late_or_an_id_learned_late_still_matches() {
        let plain = Resource {
            name: "detail".into(),
            kind: Some("lora".into()),
            ..Resource::default()
        };
        let items = deduped(vec![
            version(5, ""),
            plain.clone(),
            version(5, "Detail"),
            version(6, "detail"),
        ]);
        // `detail` (no id) is its own entry until the id-5 entry learns that name; the
        // id-6 `detail` then merges with the first entry it matches: the plain one.
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].model_version_id, Some(6));
        assert_eq!(items[1].kind.as_deref(), Some("lora"));
    }

    #[test]
    fn a_record_keeps_a_bounded_number_and_counts_the_rest() {
        let mut rec = GenRecord::default();
        rec.add_resources((0..MAX_RESOURCES as u64 + 50).map(|i| version(i, "")));
        rec.add_resources((0..10).map(|i| version(i, "again")));
        rec.add_resources([version(1_000_000, "")]);
        assert_eq!(rec.resources.len(), MAX_RESOURCES);
        assert_eq!(
            rec.resources[3].name, "again",
            "duplicates still merge when full"
        );
        assert_eq!(rec.resources_dropped, Some(51));
    }
}
