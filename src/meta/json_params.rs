//! Flat JSON settings objects: Fooocus and RuinedFooocus (`parameters` JSON, with
//! `fooocus_scheme` or `metadata_scheme`), Gradio / Hugging Face Spaces
//! (`num_inference_steps`, `"resolution": "1024 x 1024"`, `use_upscaler`), Stability
//! Matrix `parameters-json` and TensorArt `generation_data`. Their keys are spellings the
//! one normalization knows; only nested objects need undoing here.

use serde_json::Value;

use super::normalize;
use super::record::{GenRecord, Hires};
use super::value::{as_f64, as_string, Obj};

/// Which program wrote a settings object, from its keys.
pub(crate) fn generator(obj: &Obj, fooocus_scheme: bool) -> &'static str {
    let software = obj.get("software").and_then(Value::as_str).unwrap_or("");
    if software.contains("RuinedFooocus") {
        "RuinedFooocus"
    } else if fooocus_scheme
        || obj.contains_key("metadata_scheme")
        || obj.contains_key("fooocus_scheme")
    {
        "Fooocus"
    } else if obj.contains_key("PositivePrompt") {
        "StabilityMatrix"
    } else if obj.contains_key("ksamplerName") || obj.contains_key("baseModel") {
        "TensorArt"
    } else {
        "Gradio"
    }
}

/// Whether a JSON object looks like generation settings at all.
pub(crate) fn detect(obj: &Obj) -> bool {
    ["prompt", "Prompt", "PositivePrompt", "positive_prompt"]
        .iter()
        .any(|k| obj.get(*k).is_some_and(Value::is_string))
}

/// Builds the record.
pub(crate) fn record(mut obj: Obj, source: &str) -> GenRecord {
    let upscaler = obj.remove("use_upscaler");
    if let Some(Value::Object(base)) = obj.get("baseModel").cloned() {
        let name = base.get("modelFileName").or_else(|| base.get("label"));
        obj.extend(name.map(|n| ("model".to_string(), n.clone())));
        obj.extend(
            base.get("hash")
                .map(|h| ("modelHash".to_string(), h.clone())),
        );
    }
    let mut rec = normalize::from_map(obj, source);
    if let Some(Value::Object(up)) = upscaler {
        rec.hires = Some(Hires {
            upscaler: up.get("upscale_method").and_then(as_string),
            upscale: up.get("upscale_by").and_then(as_f64),
            steps: None,
        });
        rec.denoising_strength = rec
            .denoising_strength
            .or_else(|| up.get("upscaler_strength").and_then(as_f64));
        rec.extra.insert("use_upscaler".into(), Value::Object(up));
    }
    rec
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Obj {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn gradio_space_with_upscaler() {
        let o = obj(
            json!({"prompt": "p", "negative_prompt": "n", "resolution": "1024 x 1024",
            "guidance_scale": 5.5, "num_inference_steps": 20, "seed": 19, "Model": "wai",
            "use_upscaler": {"upscale_method": "nearest-exact", "upscaler_strength": 0.7,
            "upscale_by": 1.5}}),
        );
        assert!(detect(&o));
        assert_eq!(generator(&o, false), "Gradio");
        let rec = record(o, "g");
        assert_eq!(
            (rec.width, rec.steps, rec.cfg_scale),
            (Some(1024), Some(20), Some(5.5))
        );
        assert_eq!(rec.hires.unwrap().upscale, Some(1.5));
        assert_eq!(rec.denoising_strength, Some(0.7));
    }

    #[test]
    fn tensorart_base_model_and_ruined_fooocus() {
        let o = obj(json!({"prompt": "p", "seed": "-1", "ksamplerName": "euler",
            "schedule": "karras", "baseModel": {"modelFileName": "WAI-16", "hash": "A5F5"}}));
        assert_eq!(generator(&o, false), "TensorArt");
        let rec = record(o, "t");
        assert_eq!(rec.model.as_deref(), Some("WAI-16"));
        assert_eq!(rec.model_hash.as_deref(), Some("A5F5"));
        assert_eq!(rec.sampler.as_deref(), Some("euler"));
        assert_eq!(rec.seed, None);
        let o = obj(
            json!({"Prompt": "p", "Negative": "n", "software": "RuinedFooocus",
            "base_model_name": "wai.safetensors", "base_model_hash": "BEFC", "clip_skip": 1}),
        );
        assert_eq!(generator(&o, false), "RuinedFooocus");
        let rec = record(o, "r");
        assert_eq!(rec.negative_prompt.as_deref(), Some("n"));
        assert_eq!(rec.model_hash.as_deref(), Some("BEFC"));
        assert_eq!(rec.clip_skip, Some(1));
    }
}
