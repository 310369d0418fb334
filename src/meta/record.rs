//! `GenRecord`: one normalized view of how an image was made, whatever the source.
//!
//! Builders read the Civitai API `meta` object (three shapes, see `shared/civitai/API.md`),
//! A1111 `parameters` text and ComfyUI graphs. Known keys become typed fields; every other
//! key lands in `extra`, and a known key whose value cannot be parsed stays in `extra` as-is.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{a1111, comfy, resources};

/// How an image was generated, normalized across the API and file sources.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GenRecord {
    /// Positive prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// Negative prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    /// Sampling steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<u32>,
    /// Sampler name (`DPM++ 2M Karras`, `euler`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sampler: Option<String>,
    /// Noise schedule (`Karras`, `normal`, …) when given apart from the sampler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduler: Option<String>,
    /// Classifier-free guidance scale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cfg_scale: Option<f64>,
    /// Seed; u64 because ComfyUI seeds go up to 2^64 - 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Width in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Checkpoint name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Checkpoint hash as written by the generator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_hash: Option<String>,
    /// CLIP skip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clip_skip: Option<u32>,
    /// Denoising strength (img2img, hires fix, ComfyUI `denoise`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denoising_strength: Option<f64>,
    /// Hires-fix settings, when any were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hires: Option<Hires>,
    /// LoRAs, embeddings, checkpoints… without duplicates.
    pub resources: Vec<Resource>,
    /// `"api"`, the image file path, or `sidecar:<path>`.
    pub source: String,
    /// Every other key, in source order.
    pub extra: Map<String, Value>,
}

/// A1111 hires-fix settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hires {
    /// Upscaler name (`Latent`, `4x-UltraSharp`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upscaler: Option<String>,
    /// Upscale factor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upscale: Option<f64>,
}

/// A model resource used for the image.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// Resource name (LoRA file name, checkpoint name, …); may be empty for a
    /// `civitaiResources` entry that only names a version id.
    pub name: String,
    /// Kind: `lora`, `lycoris`, `checkpoint`, `embed`, … as the source spelled it.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Strength / weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// Hash as written by the source (AutoV2, AutoV3, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// Civitai model version id (from `civitaiResources`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_version_id: Option<u64>,
}

/// Source label for records built from the API.
pub const API_SOURCE: &str = "api";

impl GenRecord {
    /// Builds a record from an API item's `meta`: `null` → None; a flat object; or the
    /// `{"id": N, "meta": {…}}` wrapper returned on the imageId/modelId path.
    pub fn from_api_meta(meta: &Value) -> Option<GenRecord> {
        let (obj, wrapper) = unwrap_api_meta(meta.as_object()?)?;
        let mut map = obj.clone();
        let mut rec = GenRecord {
            source: API_SOURCE.to_string(),
            ..GenRecord::default()
        };
        // Keep the wrapper's own keys (its `id`) rather than drop them.
        for (k, v) in wrapper.iter().flat_map(|w| w.iter()) {
            if k != "meta" {
                map.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        rec.take_resource_arrays(&mut map);
        let comfy = take_comfy(&mut map);
        rec.take_fields(map);
        if let Some(comfy) = comfy {
            rec.merge_missing(comfy);
        }
        rec.finish_resources();
        Some(rec)
    }

    /// Builds a record from A1111 `parameters` text found in `source`.
    pub fn from_a1111(text: &str, source: &str) -> GenRecord {
        let params = a1111::parse(text);
        let mut map = Map::new();
        if !params.prompt.is_empty() {
            map.insert("prompt".into(), Value::String(params.prompt));
        }
        if let Some(neg) = params.negative_prompt {
            map.insert("negativePrompt".into(), Value::String(neg));
        }
        for (key, value) in params.settings {
            insert_unique(&mut map, key, Value::String(value));
        }
        let mut rec = GenRecord {
            source: source.to_string(),
            ..GenRecord::default()
        };
        rec.take_fields(map);
        rec.finish_resources();
        rec
    }

    /// Builds a record from a ComfyUI API-format `prompt` graph and optional UI `workflow`,
    /// both as JSON text. Malformed graphs give a record holding only the raw text.
    pub fn from_comfy(prompt_graph_json: &str, workflow_json: Option<&str>, source: &str) -> Self {
        let mut rec = comfy::from_graph(prompt_graph_json, workflow_json);
        rec.source = source.to_string();
        rec.finish_resources();
        rec
    }

    /// Builds a record from free text found in a file: JSON (a ComfyUI graph or an
    /// API-style meta object) or else A1111 `parameters` text. None for blank text.
    pub fn from_text(text: &str, source: &str) -> Option<GenRecord> {
        let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\0');
        if trimmed.is_empty() {
            return None;
        }
        if trimmed.starts_with('{') {
            if let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(trimmed) {
                return Some(from_json_text(obj, trimmed, source));
            }
        }
        Some(GenRecord::from_a1111(trimmed, source))
    }

    /// Fills every field of `self` that is unset from `other`; merges resources and extras.
    pub fn merge_missing(&mut self, other: GenRecord) {
        fn fill<T>(mine: &mut Option<T>, theirs: Option<T>) {
            if mine.is_none() {
                *mine = theirs;
            }
        }
        fill(&mut self.prompt, other.prompt);
        fill(&mut self.negative_prompt, other.negative_prompt);
        fill(&mut self.steps, other.steps);
        fill(&mut self.sampler, other.sampler);
        fill(&mut self.scheduler, other.scheduler);
        fill(&mut self.cfg_scale, other.cfg_scale);
        fill(&mut self.seed, other.seed);
        fill(&mut self.width, other.width);
        fill(&mut self.height, other.height);
        fill(&mut self.model, other.model);
        fill(&mut self.model_hash, other.model_hash);
        fill(&mut self.clip_skip, other.clip_skip);
        fill(&mut self.denoising_strength, other.denoising_strength);
        fill(&mut self.hires, other.hires);
        self.resources.extend(other.resources);
        for (k, v) in other.extra {
            self.extra.entry(k).or_insert(v);
        }
    }

    /// Moves the known keys of `map` into typed fields; the rest goes to `extra`.
    fn take_fields(&mut self, mut map: Map<String, Value>) {
        self.prompt = take(&mut map, &["prompt"], as_string);
        self.negative_prompt = take(&mut map, &["negativeprompt"], as_string);
        self.steps = take(&mut map, &["steps"], as_u32);
        self.sampler = take(&mut map, &["sampler", "samplername"], as_string);
        self.scheduler = take(&mut map, &["scheduletype", "scheduler"], as_string);
        self.cfg_scale = take(&mut map, &["cfgscale", "cfg"], as_f64);
        self.seed = take(&mut map, &["seed"], as_u64);
        if let Some((w, h)) = take(&mut map, &["size"], as_size) {
            (self.width, self.height) = (Some(w), Some(h));
        }
        self.width = self.width.or_else(|| take(&mut map, &["width"], as_u32));
        self.height = self.height.or_else(|| take(&mut map, &["height"], as_u32));
        self.model = take(&mut map, &["model"], as_string);
        self.model_hash = take(&mut map, &["modelhash"], as_string);
        self.clip_skip = take(&mut map, &["clipskip"], as_u32);
        self.denoising_strength = take(&mut map, &["denoisingstrength", "denoise"], as_f64);
        let hires = Hires {
            upscaler: take(&mut map, &["hiresupscaler"], as_string),
            upscale: take(&mut map, &["hiresupscale"], as_f64),
        };
        if hires != Hires::default() {
            self.hires = Some(hires);
        }
        if let Some(Value::String(hashes)) =
            find_key(&map, &["lorahashes"]).and_then(|k| map.get(&k))
        {
            self.resources.extend(resources::from_hash_list(hashes));
        }
        self.extra = map;
    }

    /// Moves the API's `resources[]` and `civitaiResources[]` into `self.resources`;
    /// an array holding anything unexpected stays in the map untouched.
    fn take_resource_arrays(&mut self, map: &mut Map<String, Value>) {
        for key in ["resources", "civitaiResources"] {
            let Some(Value::Array(items)) = map.get(key) else {
                continue;
            };
            let parsed: Option<Vec<Resource>> = items.iter().map(resources::from_api).collect();
            if let Some(parsed) = parsed {
                self.resources.extend(parsed);
                map.shift_remove(key);
            }
        }
    }

    /// Adds `<lora:…>` tags from the prompt, then removes duplicate resources.
    fn finish_resources(&mut self) {
        if let Some(prompt) = &self.prompt {
            self.resources.extend(resources::from_prompt_tags(prompt));
        }
        self.resources = resources::dedupe(std::mem::take(&mut self.resources));
    }
}

type Obj = Map<String, Value>;

/// Returns the object holding the generation keys and, for the `{"id": N, "meta": {…}}`
/// wrapper, the wrapper itself. None for an empty object or a null inner meta.
fn unwrap_api_meta(obj: &Obj) -> Option<(&Obj, Option<&Obj>)> {
    // The wrapper has `meta` and few other keys; a flat meta never has a `meta` object.
    let is_wrapper = obj.len() <= 3
        && !obj.contains_key("prompt")
        && matches!(obj.get("meta"), Some(Value::Object(_) | Value::Null));
    let (inner, wrapper) = if is_wrapper {
        (obj.get("meta")?.as_object()?, Some(obj))
    } else {
        (obj, None)
    };
    (!inner.is_empty()).then_some((inner, wrapper))
}

/// Parses the API's `comfy` key (a JSON string `{"prompt": {…}, "workflow": {…}}`) into a
/// record to fill gaps from; the raw key stays in the map so nothing is dropped.
fn take_comfy(map: &mut Map<String, Value>) -> Option<GenRecord> {
    let graph: Value = match map.get("comfy")? {
        Value::String(s) => serde_json::from_str(s).ok()?,
        other => other.clone(),
    };
    let prompt = graph.get("prompt")?;
    let prompt_text = prompt.to_string();
    let mut rec = comfy::from_graph(&prompt_text, None);
    // The raw graph is already kept under `comfy`; don't duplicate it.
    rec.extra.shift_remove("comfyPrompt");
    Some(rec)
}

/// Builds a record from a JSON object found inside a file.
fn from_json_text(obj: Map<String, Value>, text: &str, source: &str) -> GenRecord {
    if let Some(graph @ Value::Object(_)) = obj.get("prompt") {
        let workflow = obj.get("workflow").map(Value::to_string);
        return GenRecord::from_comfy(&graph.to_string(), workflow.as_deref(), source);
    }
    if comfy::looks_like_graph(&obj) {
        return GenRecord::from_comfy(text, None, source);
    }
    let mut rec = GenRecord::from_api_meta(&Value::Object(obj)).unwrap_or_default();
    rec.source = source.to_string();
    rec
}

/// Inserts `key`, renaming it `key (2)`, `key (3)`… when a duplicate would overwrite a value.
fn insert_unique(map: &mut Map<String, Value>, key: String, value: Value) {
    if !map.contains_key(&key) {
        map.insert(key, value);
        return;
    }
    let mut n = 2;
    while map.contains_key(&format!("{key} ({n})")) {
        n += 1;
    }
    map.insert(format!("{key} ({n})"), value);
}

/// Key comparison that ignores case, spaces, `_` and `-` (`CFG scale` = `cfgScale`).
fn norm(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn find_key(map: &Map<String, Value>, names: &[&str]) -> Option<String> {
    map.keys()
        .find(|k| names.contains(&norm(k).as_str()))
        .cloned()
}

/// Removes and parses the first key matching `names` whose value `parse` accepts.
fn take<T>(
    map: &mut Map<String, Value>,
    names: &[&str],
    parse: fn(&Value) -> Option<T>,
) -> Option<T> {
    let keys: Vec<String> = map
        .keys()
        .filter(|k| names.contains(&norm(k).as_str()))
        .cloned()
        .collect();
    for key in keys {
        if let Some(parsed) = map.get(&key).and_then(parse) {
            map.shift_remove(&key);
            return Some(parsed);
        }
    }
    None
}

/// A string, or a number/bool spelled as one.
pub(crate) fn as_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A float from a number or a numeric string (the API sends `"Clip skip": "2"`).
pub(crate) fn as_f64(v: &Value) -> Option<f64> {
    let f = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    f.is_finite().then_some(f)
}

/// A non-negative integer from an integer, an integral float or a numeric string.
pub(crate) fn as_u64(v: &Value) -> Option<u64> {
    if let Some(n) = v.as_u64() {
        return Some(n);
    }
    if let Some(n) = v.as_str().and_then(|s| s.trim().parse::<u64>().ok()) {
        return Some(n);
    }
    let f = as_f64(v)?;
    // 2^64 as f64; anything at or above it would saturate silently.
    (f >= 0.0 && f.fract() == 0.0 && f < 18_446_744_073_709_551_616.0).then_some(f as u64)
}

pub(crate) fn as_u32(v: &Value) -> Option<u32> {
    as_u64(v).and_then(|n| u32::try_from(n).ok())
}

/// `"512x768"` → (512, 768).
fn as_size(v: &Value) -> Option<(u32, u32)> {
    let (w, h) = v.as_str()?.trim().split_once(['x', 'X', '×'])?;
    Some((w.trim().parse().ok()?, h.trim().parse().ok()?))
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
