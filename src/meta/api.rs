//! The Civitai API's `meta` object (three shapes, see `doc/api.md`) as a record.

use serde_json::Value;

use super::comfy;
use super::normalize;
use super::record::{GenRecord, Resource, API_SOURCE};
use super::resources;
use super::value::Obj;

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
        let mut rec = normalize::from_map(map, API_SOURCE);
        rec.resources.splice(0..0, arrays);
        if let Some(graph) = graph {
            rec.merge_missing(graph);
        }
        normalize::finish(&mut rec);
        Some(rec)
    }
}

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
/// record to fill gaps from; the raw key stays in the map so nothing is dropped.
fn comfy_of(map: &Obj) -> Option<GenRecord> {
    let graph: Value = match map.get("comfy")? {
        Value::String(s) => serde_json::from_str(s).ok()?,
        other => other.clone(),
    };
    let prompt = graph.get("prompt")?.as_object()?;
    Some(comfy::record(prompt))
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
