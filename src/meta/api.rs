//! The Civitai API's `meta` object (three shapes, see `doc/api.md`) as a record.

use serde_json::Value;

use super::comfy;
use super::normalize;
use super::record::{GenRecord, Resource, API_SOURCE};
use super::resources;
use super::value::{as_string, lenient_json, Obj};

impl GenRecord {
    /// Builds a record from an API item's `meta`: `null` → None; a flat object; or the
    /// `{"id": N, "meta": {…}}` wrapper returned on the imageId/modelId path.
    pub fn from_api_meta(meta: &Value) -> Option<GenRecord> {
        let (obj, wrapper) = unwrap_api_meta(meta.as_object()?)?;
        let mut map = obj.clone();
        // Keep the wrapper's own keys (its `id`) rather than drop them.
        for (k, v) in wrapper.iter().flat_map(|w| w.iter()) {
            if k != "meta" {
                map.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        let arrays = take_resource_arrays(&mut map);
        let graph = comfy_of(&map);
        let aside = set_aside(&mut map);
        let mut rec = normalize::from_map(map, API_SOURCE);
        rec.extra.extend(aside);
        rec.resources.splice(0..0, arrays);
        if rec.model.is_none() {
            rec.model = model_object(&rec.extra).or_else(|| checkpoint_of(&rec.resources));
        }
        hashes(&mut rec);
        if let Some(graph) = graph {
            rec.merge_missing(graph);
        }
        normalize::finish(&mut rec);
        Some(rec)
    }
}

/// Keys the API's meta holds that look like a field but are not it, moved out before
/// normalization and kept under `extra` as they came: Civitai's generator writes the model
/// family (`baseModel: "Flux1"`) beside the checkpoint, and `sampler: "Undefined"` when it
/// used none it could name.
fn set_aside(map: &mut Obj) -> Obj {
    let mut aside = Obj::new();
    if let Some(family) = map.shift_remove("baseModel") {
        aside.insert("baseModel".into(), family);
    }
    if map.get("sampler").and_then(Value::as_str) == Some("Undefined") {
        aside.extend(map.shift_remove_entry("sampler"));
    }
    aside
}

/// A `Model` given as an object (seen: `{"meina_belly_7": "3mix"}`) names the checkpoint only
/// under a `name`-like key; else it stays under `extra` and `model` stays empty.
fn model_object(extra: &Obj) -> Option<String> {
    let obj = extra.get("Model")?.as_object()?;
    ["name", "modelName", "modelVersionName"]
        .iter()
        .find_map(|k| obj.get(*k)?.as_str())
        .filter(|n| !n.trim().is_empty())
        .map(str::to_string)
}

/// The checkpoint the resources name (`civitaiResources` entries of type `checkpoint` carry
/// `modelVersionName`), when the meta itself names none.
fn checkpoint_of(resources: &[Resource]) -> Option<String> {
    resources
        .iter()
        .find(|r| {
            r.kind
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("checkpoint"))
        })
        .map(|r| r.name.trim())
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// The `hashes` object (`model`, `vae`, `lora:<name>`, `embed:<name>`): `model` fills the
/// model hash, each LoRA or embedding becomes (or enriches) a resource with its hash. The
/// object stays under `extra`.
fn hashes(rec: &mut GenRecord) {
    let Some(Value::Object(hashes)) = rec.extra.get("hashes") else {
        return;
    };
    if rec.model_hash.is_none() {
        rec.model_hash = hashes.get("model").and_then(as_string);
    }
    let found: Vec<Resource> = hashes
        .iter()
        .filter_map(|(key, hash)| {
            let (kind, name) = key.split_once(':')?;
            let kind = match kind.trim().to_ascii_lowercase().as_str() {
                "lora" | "lyco" | "lycoris" => "lora",
                "embed" | "embedding" | "ti" => "embed",
                _ => return None,
            };
            Some(Resource {
                name: name.trim().to_string(),
                kind: Some(kind.to_string()),
                hash: Some(as_string(hash)?),
                ..Resource::default()
            })
        })
        .filter(|r| !r.name.is_empty())
        .collect();
    rec.add_resources(found);
}

/// Returns the object holding the generation keys and, for the `{"id": N, "meta": {…}}`
/// wrapper, the wrapper itself. None for an empty object or a null inner meta.
///
/// An item's meta is flat by now (the item intake takes the wrapper off); a wrapper
/// still comes in JSON read from files (a sidecar of an older run, data found in an image),
/// and is known by the intake's rule: `meta` (an object or null), optionally `id`, nothing else.
fn unwrap_api_meta(obj: &Obj) -> Option<(&Obj, Option<&Obj>)> {
    let is_wrapper = matches!(obj.get("meta"), Some(Value::Object(_) | Value::Null))
        && obj.keys().all(|k| k == "id" || k == "meta");
    let (inner, wrapper) = if is_wrapper {
        (obj.get("meta")?.as_object()?, Some(obj))
    } else {
        (obj, None)
    };
    (!inner.is_empty()).then_some((inner, wrapper))
}

/// Moves the API's `resources[]` and `civitaiResources[]` out of `map`; an array holding
/// anything unexpected stays in the map untouched.
fn take_resource_arrays(map: &mut Obj) -> Vec<Resource> {
    let mut out = Vec::new();
    for key in ["resources", "civitaiResources"] {
        let Some(Value::Array(items)) = map.get(key) else {
            continue;
        };
        let parsed: Option<Vec<Resource>> = items.iter().map(resources::from_api).collect();
        if let Some(parsed) = parsed {
            out.extend(parsed);
            map.shift_remove(key);
        }
    }
    out
}

/// Reads the API's `comfy` key (a JSON string `{"prompt": {…}, "workflow": {…}}`) into a
/// record to fill gaps from; the raw key stays in the map so nothing is dropped. The real
/// string is written by JavaScript and may end in `"workflow": undefined`: read leniently.
fn comfy_of(map: &Obj) -> Option<GenRecord> {
    let graph: Value = match map.get("comfy")? {
        Value::String(s) => lenient_json(s)?,
        other => other.clone(),
    };
    let prompt = graph.get("prompt")?.as_object()?;
    Some(comfy::record(prompt))
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
