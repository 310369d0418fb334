//! Civitai's own generator: the JPEG UserComment holds a ComfyUI node graph with two more
//! keys beside the nodes: `extra` (the resources it used, as AIR URNs) and
//! `extraMetadata` (a JSON string of the settings the user chose, API-meta style). The
//! settings come first; the graph fills what they lack.

use serde_json::Value;

use super::comfy;
use super::record::GenRecord;
use super::value::Obj;

/// Whether a JSON object is a Civitai generator graph.
pub(crate) fn detect(obj: &Obj) -> bool {
    obj.contains_key("extraMetadata")
        || (obj.contains_key("extra") && obj.values().any(|v| v.get("class_type").is_some()))
}

/// Builds the record.
pub(crate) fn record(mut obj: Obj, source: &str) -> GenRecord {
    let extra_meta = obj.remove("extraMetadata");
    let extra = obj.remove("extra");
    obj.retain(|_, node| node.get("class_type").is_some());
    let settings = match &extra_meta {
        Some(Value::String(s)) => serde_json::from_str::<Value>(s).ok(),
        Some(other) => Some(other.clone()),
        None => None,
    };
    let mut rec = settings
        .as_ref()
        .and_then(GenRecord::from_api_meta)
        .unwrap_or_default();
    // An upscale-only job starts from the picture the settings describe.
    let graph = comfy::record_over(&obj, rec.width);
    rec.source = source.to_string();
    rec.merge_missing(graph);
    rec.extra.insert("comfyPrompt".into(), Value::Object(obj));
    rec.extra.extend(extra.map(|e| ("extra".to_string(), e)));
    rec
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_first_graph_fills_the_rest() {
        let meta = json!({"prompt": "a cat", "negativePrompt": "dog", "steps": 25,
            "cfgScale": 5, "sampler": "Euler a", "seed": 13, "baseModel": "Illustrious",
            "width": 1024, "height": 1024});
        let obj = json!({
            "3": {"class_type": "KSampler", "inputs": {"seed": 99, "steps": 25, "cfg": 5,
                "sampler_name": "euler_ancestral", "scheduler": "normal", "denoise": 1.0,
                "model": ["4", 0], "positive": ["6", 0], "negative": ["6", 0],
                "latent_image": ["5", 0]}},
            "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "urn:air:x"}},
            "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 1024}},
            "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat"}},
            "9": {"class_type": "SaveImage", "inputs": {"images": ["3", 0]}},
            "extra": {"airs": ["urn:air:x"]},
            "extraMetadata": meta.to_string()});
        let obj = obj.as_object().unwrap().clone();
        assert!(detect(&obj));
        let rec = record(obj, "c.jpeg");
        assert_eq!(rec.seed, Some(13));
        assert_eq!(rec.sampler.as_deref(), Some("Euler a"));
        // `baseModel` is the model family (issue 18): the checkpoint comes from the graph.
        assert_eq!(rec.model.as_deref(), Some("urn:air:x"));
        assert_eq!(rec.extra["baseModel"], "Illustrious");
        assert_eq!(rec.scheduler.as_deref(), Some("normal"), "from the graph");
        assert_eq!(rec.extra["extra"]["airs"][0], "urn:air:x");
    }
}
