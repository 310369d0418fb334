//! Gathering: every resource the images used, once each, with the images that used it and
//! the weights seen. Everything here came from the API or a file: names are bounded and made
//! printable, hashes kept only when they are short hex.

use std::collections::HashMap;

use crate::meta::{GenRecord, Resource};
use crate::text::{escape_line, fit_width};

/// Longest name kept, in characters.
const MAX_NAME: usize = 200;
/// Longest type kept.
const MAX_KIND: usize = 40;
/// Most distinct weights kept per resource.
const MAX_WEIGHTS: usize = 16;
/// Most distinct resources tallied; a hostile walk cannot grow the tally for ever.
pub const MAX_ENTRIES: usize = 100_000;

/// What identifies a resource before the API is asked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// A Civitai model version id.
    Version(u64),
    /// A file hash (lowercase hex).
    Hash(String),
    /// Kind family and lowercase base name, when neither of the above is known.
    Name(String, String),
}

/// One resource as the images name it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    /// Kind as the images spelt it, normalized (`checkpoint`, `lora`, `embedding`, …).
    pub kind: Option<String>,
    /// Name as the images wrote it (may be empty for a bare version id).
    pub name: String,
    /// Civitai model version id, when an image gave it.
    pub version_id: Option<u64>,
    /// File hash, when an image gave it (lowercase hex).
    pub hash: Option<String>,
    /// Distinct weights seen, in the order first seen.
    pub weights: Vec<f64>,
}

/// The resources of many images.
#[derive(Default)]
pub struct Tally {
    /// Every distinct resource.
    pub entries: Vec<Entry>,
    index: HashMap<Key, usize>,
    /// For each image with resources: the entries it used.
    pub images: Vec<Vec<usize>>,
    /// Images read that named no resource at all.
    pub without_resources: u64,
    /// Resources left out because the tally was full.
    pub dropped: u64,
}

impl Tally {
    /// Adds one image's record.
    pub fn add(&mut self, record: &GenRecord) {
        let mut used: Vec<usize> = Vec::new();
        for res in resources_of(record) {
            let Some((key, entry)) = clean(&res) else {
                continue;
            };
            let at = match self.index.get(&key) {
                Some(&at) => {
                    merge(&mut self.entries[at], entry);
                    at
                }
                None if self.entries.len() >= MAX_ENTRIES => {
                    self.dropped += 1;
                    continue;
                }
                None => {
                    self.entries.push(entry);
                    self.index.insert(key, self.entries.len() - 1);
                    self.entries.len() - 1
                }
            };
            if !used.contains(&at) {
                used.push(at);
            }
        }
        if used.is_empty() {
            self.without_resources += 1;
        } else {
            self.images.push(used);
        }
    }
}

/// The record's resources, with its checkpoint (`Model`, `Model hash`) as one more: A1111
/// text names the checkpoint only there.
fn resources_of(record: &GenRecord) -> Vec<Resource> {
    let mut all = record.resources.clone();
    if record.model.is_some() || record.model_hash.is_some() {
        all.push(Resource {
            name: record.model.clone().unwrap_or_default(),
            kind: Some("checkpoint".into()),
            hash: record.model_hash.clone(),
            ..Resource::default()
        });
    }
    all
}

/// The key and the bounded, printable entry of one resource; None when it names nothing.
fn clean(res: &Resource) -> Option<(Key, Entry)> {
    let name = printable(&res.name, MAX_NAME);
    let kind = res
        .kind
        .as_deref()
        .map(|k| kind_name(&printable(k, MAX_KIND)));
    let hash = res.hash.as_deref().and_then(clean_hash);
    let key = match (res.model_version_id, &hash) {
        (Some(id), _) if id > 0 => Key::Version(id),
        (_, Some(h)) => Key::Hash(h.clone()),
        _ if !name.trim().is_empty() => Key::Name(
            family(kind.as_deref().unwrap_or("")).to_string(),
            base_name(&name),
        ),
        _ => return None,
    };
    let weights = res.weight.filter(|w| w.is_finite()).into_iter().collect();
    let entry = Entry {
        kind,
        name,
        version_id: res.model_version_id.filter(|&id| id > 0),
        hash,
        weights,
    };
    Some((key, entry))
}

/// Fills what `seen` lacks from `more` and adds its new weights.
pub fn merge(seen: &mut Entry, more: Entry) {
    if seen.name.is_empty() {
        seen.name = more.name;
    }
    seen.kind = seen.kind.take().or(more.kind);
    seen.version_id = seen.version_id.or(more.version_id);
    seen.hash = seen.hash.take().or(more.hash);
    for w in more.weights {
        if seen.weights.len() < MAX_WEIGHTS && !seen.weights.contains(&w) {
            seen.weights.push(w);
        }
    }
}

/// Text on one line, control characters escaped, at most `max` characters.
fn printable(text: &str, max: usize) -> String {
    let cut: String = text.trim().chars().take(max).collect();
    fit_width(&escape_line(&cut), max * 2).into_owned()
}

/// A hash worth asking about: 8 to 64 hex digits, lowercased.
pub fn clean_hash(hash: &str) -> Option<String> {
    let hash = hash.trim();
    let ok = (8..=64).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| hash.to_ascii_lowercase())
}

/// One spelling per kind: the images' `model`, the API's `LORA`, `TextualInversion`… all
/// become the words people use.
pub fn kind_name(kind: &str) -> String {
    let k = kind
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '_', '-'], "");
    match k.as_str() {
        "model" | "checkpoint" | "ckpt" => "checkpoint",
        "lora" => "lora",
        "locon" | "lycoris" | "lyco" | "loha" | "lokr" => "lycoris",
        "dora" => "dora",
        "embed" | "embedding" | "textualinversion" | "ti" => "embedding",
        "vae" => "vae",
        "hypernet" | "hypernetwork" => "hypernetwork",
        "controlnet" => "controlnet",
        "upscaler" => "upscaler",
        "motionmodule" => "motion module",
        _ => return kind.trim().to_ascii_lowercase(),
    }
    .to_string()
}

/// LoRA-like kinds match each other when only a name identifies them.
fn family(kind: &str) -> &str {
    match kind {
        "lora" | "lycoris" | "dora" => "lora",
        other => other,
    }
}

/// The name without folders or a model-file extension, lowercased (ComfyUI writes
/// `loras/detail.safetensors` where A1111 writes `detail`).
fn base_name(name: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let lower = file.trim().to_lowercase();
    [".safetensors", ".ckpt", ".pt", ".bin", ".pth"]
        .iter()
        .find_map(|ext| lower.strip_suffix(ext))
        .unwrap_or(&lower)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(
        name: &str,
        kind: &str,
        id: Option<u64>,
        hash: Option<&str>,
        w: Option<f64>,
    ) -> Resource {
        Resource {
            name: name.into(),
            kind: Some(kind.into()),
            weight: w,
            hash: hash.map(str::to_string),
            model_version_id: id,
        }
    }

    #[test]
    fn one_entry_per_resource_and_one_count_per_image() {
        let mut tally = Tally::default();
        let mut a = GenRecord {
            model: Some("RV".into()),
            model_hash: Some("ABCDEF0123".into()),
            ..GenRecord::default()
        };
        a.resources = vec![
            res("RV", "model", None, Some("abcdef0123"), None),
            res("", "lora", Some(7), None, Some(0.8)),
        ];
        tally.add(&a);
        let b = GenRecord {
            resources: vec![res("x", "LORA", Some(7), None, Some(0.5))],
            ..GenRecord::default()
        };
        tally.add(&b);
        tally.add(&GenRecord::default());
        assert_eq!(tally.entries.len(), 2);
        assert_eq!(tally.images, vec![vec![0, 1], vec![1]]);
        assert_eq!(tally.without_resources, 1);
        assert_eq!(tally.entries[1].weights, vec![0.8, 0.5]);
        assert_eq!(tally.entries[0].kind.as_deref(), Some("checkpoint"));
    }

    #[test]
    fn hostile_names_and_hashes_are_tamed() {
        let mut tally = Tally::default();
        let long = "\u{1b}[31m".to_string() + &"n".repeat(10_000);
        let r = GenRecord {
            resources: vec![res(&long, "lora", None, Some("../../etc"), Some(f64::NAN))],
            ..GenRecord::default()
        };
        tally.add(&r);
        let e = &tally.entries[0];
        assert!(!e.name.contains('\u{1b}'));
        assert!(e.name.chars().count() <= 2 * MAX_NAME);
        assert_eq!(e.hash, None);
        assert!(e.weights.is_empty());
        assert_eq!(clean_hash("AbCdEf0123"), Some("abcdef0123".into()));
        assert_eq!(clean_hash("abc"), None);
    }
}
