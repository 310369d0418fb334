//! Tests for the `GenRecord` builders: API shapes, A1111 text, ComfyUI graphs.

use super::*;
use crate::meta::Hires;
use serde_json::json;

#[test]
fn null_and_empty_meta_give_none() {
    assert_eq!(GenRecord::from_api_meta(&Value::Null), None);
    assert_eq!(GenRecord::from_api_meta(&json!({})), None);
    assert_eq!(
        GenRecord::from_api_meta(&json!({"id": 1, "meta": null})),
        None
    );
    assert_eq!(GenRecord::from_api_meta(&json!("text")), None);
}

#[test]
fn flat_api_meta_maps_fields_and_keeps_the_rest() {
    let meta = json!({
        "prompt": "a cat <lora:catstyle:0.7>",
        "negativePrompt": "dog",
        "seed": 18446744073709551615u64,
        "steps": 30,
        "sampler": "DPM++ 2M",
        "Schedule type": "Karras",
        "cfgScale": 7.5,
        "Size": "512x768",
        "Model": "dreamshaper",
        "Model hash": "abc",
        "Clip skip": "2",
        "Denoising strength": "0.45",
        "Hires upscale": 2,
        "Hires upscaler": "Latent",
        "Lora hashes": "catstyle: 1234",
        "resources": [{"name": "catstyle", "type": "lora", "weight": 0.7}],
        "civitaiResources": [{"type": "checkpoint", "modelVersionId": 128713, "modelVersionName": "8"}],
        "ADetailer model": "face_yolov8n.pt",
        "Version": "v1.10"
    });
    let rec = GenRecord::from_api_meta(&meta).unwrap();
    assert_eq!(rec.source, "api");
    assert_eq!(rec.seed, Some(u64::MAX));
    assert_eq!(rec.cfg_scale, Some(7.5));
    assert_eq!((rec.width, rec.height), (Some(512), Some(768)));
    assert_eq!(rec.clip_skip, Some(2));
    assert_eq!(rec.denoising_strength, Some(0.45));
    assert_eq!(rec.scheduler.as_deref(), Some("Karras"));
    assert_eq!(
        rec.hires,
        Some(Hires {
            upscaler: Some("Latent".into()),
            upscale: Some(2.0),
            steps: None,
        })
    );
    assert_eq!(rec.resources.len(), 2, "{:?}", rec.resources);
    assert_eq!(rec.resources[0].hash.as_deref(), Some("1234"));
    assert_eq!(rec.resources[1].model_version_id, Some(128713));
    let extra: Vec<&str> = rec.extra.keys().map(String::as_str).collect();
    assert_eq!(extra, ["Lora hashes", "ADetailer model", "Version"]);
}

#[test]
fn serializes_with_camel_case_keys_in_order() {
    let meta = json!({"prompt": "p", "seed": 1, "Size": "8x8", "Clip skip": 2, "foo": "bar"});
    let rec = GenRecord::from_api_meta(&meta).unwrap();
    let out = serde_json::to_string(&rec).unwrap();
    assert_eq!(
        out,
        r#"{"prompt":"p","seed":1,"width":8,"height":8,"clipSkip":2,"resources":[],"source":"api","extra":{"foo":"bar"}}"#
    );
    let all = GenRecord {
        prompt: Some("p".into()),
        negative_prompt: Some("n".into()),
        steps: Some(1),
        sampler: Some("s".into()),
        scheduler: Some("k".into()),
        cfg_scale: Some(7.0),
        seed: Some(1),
        width: Some(1),
        height: Some(1),
        model: Some("m".into()),
        model_hash: Some("h".into()),
        clip_skip: Some(1),
        denoising_strength: Some(0.5),
        hires: Some(Hires::default()),
        ..GenRecord::default()
    };
    let keys: Vec<String> = match serde_json::to_value(&all).unwrap() {
        Value::Object(m) => m.keys().cloned().collect(),
        _ => unreachable!(),
    };
    assert_eq!(
        keys.join(" "),
        "prompt negativePrompt steps sampler scheduler cfgScale seed width height model modelHash clipSkip denoisingStrength hires resources source extra"
    );
}

#[test]
fn unparseable_known_keys_stay_in_extra() {
    let meta = json!({"prompt": "p", "seed": -1, "steps": "many", "Size": "big"});
    let rec = GenRecord::from_api_meta(&meta).unwrap();
    assert_eq!(rec.seed, None);
    assert_eq!(rec.extra.get("seed"), Some(&json!(-1)));
    assert_eq!(rec.extra.get("steps"), Some(&json!("many")));
    assert_eq!(rec.extra.get("Size"), Some(&json!("big")));
}

#[test]
fn wrapper_shape_is_unwrapped() {
    let meta = json!({"id": 42, "meta": {"prompt": "inner", "seed": 5}});
    let rec = GenRecord::from_api_meta(&meta).unwrap();
    assert_eq!(rec.prompt.as_deref(), Some("inner"));
    assert_eq!(rec.seed, Some(5));
    assert_eq!(rec.extra.get("id"), Some(&json!(42)));
}

#[test]
fn comfy_string_in_api_meta_fills_gaps() {
    let graph = comfy_graph_value();
    let meta = json!({"prompt": "from api", "comfy": json!({"prompt": graph}).to_string()});
    let rec = GenRecord::from_api_meta(&meta).unwrap();
    assert_eq!(rec.prompt.as_deref(), Some("from api"));
    assert_eq!(rec.seed, Some(99));
    assert_eq!(rec.model.as_deref(), Some("sdxl.safetensors"));
    assert!(rec.extra.contains_key("comfy"));
    assert!(!rec.extra.contains_key("comfyPrompt"));
}

fn comfy_graph_value() -> Value {
    json!({
        "3": {"class_type": "KSampler", "inputs": {
            "seed": 99, "steps": 20, "cfg": 8, "sampler_name": "euler",
            "model": ["4", 0], "positive": ["6", 0], "latent_image": ["5", 0]}},
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl.safetensors"}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 768}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a castle"}}
    })
}

proptest::proptest! {
    #[test]
    fn api_meta_never_panics(s in "\\PC*") {
        let _ = GenRecord::from_api_meta(&Value::String(s.clone()));
        let _ = GenRecord::from_api_meta(&json!({"prompt": s.clone(), "comfy": s}));
    }
}

// Issue 18: what Civitai's on-site generator really writes into `meta`.
#[test]
fn on_site_generator_meta_names_the_checkpoint_from_its_resources() {
    let meta = json!({
        "prompt": "a fox", "baseModel": "Flux1", "sampler": "Undefined", "steps": 25,
        "civitaiResources": [
            {"type": "checkpoint", "modelVersionId": 691639, "modelVersionName": "Dev"},
            {"type": "lora", "modelVersionId": 5, "weight": 0.6}
        ]
    });
    let rec = GenRecord::from_api_meta(&meta).unwrap();
    assert_eq!(rec.model.as_deref(), Some("Dev"), "baseModel is the family");
    assert_eq!(rec.sampler, None, "Undefined is no sampler");
    assert_eq!(rec.extra["baseModel"], "Flux1");
    assert_eq!(rec.extra["sampler"], "Undefined");
    assert_eq!(rec.resources.len(), 2);
}

#[test]
fn a_hashes_object_fills_the_model_hash_and_the_resources() {
    let meta = json!({
        "prompt": "a <lora:detail:0.5> cat, embedding:bad",
        "hashes": {"model": "aa11", "vae": "bb22", "lora:detail": "cc33", "embed:easyneg": "dd44"},
        "TI hashes": "easyneg: dd44, badhands: ee55"
    });
    let rec = GenRecord::from_api_meta(&meta).unwrap();
    assert_eq!(rec.model_hash.as_deref(), Some("aa11"));
    let got: Vec<(&str, &str, &str)> = rec
        .resources
        .iter()
        .map(|r| {
            let kind = r.kind.as_deref().unwrap_or("");
            (r.name.as_str(), kind, r.hash.as_deref().unwrap_or(""))
        })
        .collect();
    assert_eq!(
        got,
        [
            ("easyneg", "embed", "dd44"),
            ("badhands", "embed", "ee55"),
            ("detail", "lora", "cc33"),
        ]
    );
    assert_eq!(rec.extra["hashes"]["vae"], "bb22");
}

#[test]
fn a_model_object_is_never_a_model_name_unless_it_names_one() {
    let odd = json!({"prompt": "p", "Model": {"meina_belly_7": "3mix"}});
    let rec = GenRecord::from_api_meta(&odd).unwrap();
    assert_eq!(rec.model, None);
    assert_eq!(rec.extra["Model"], json!({"meina_belly_7": "3mix"}));
    let named = json!({"prompt": "p", "Model": {"name": "meina", "hash": "x"}});
    let rec = GenRecord::from_api_meta(&named).unwrap();
    assert_eq!(rec.model.as_deref(), Some("meina"));
}

#[test]
fn a_comfy_string_written_by_javascript_still_gives_the_settings() {
    let graph = r#"{"3": {"class_type": "KSampler", "inputs": {"seed": 7, "steps": 20, "cfg": 3.5,
        "sampler_name": "euler", "positive": ["6", 0], "model": ["4", 0]}},
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "flux.safetensors"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a harbour"}}}"#;
    let comfy = format!(r#"{{"prompt": {graph}, "workflow": undefined}}"#);
    let rec = GenRecord::from_api_meta(&json!({"comfy": comfy})).unwrap();
    assert_eq!(rec.prompt.as_deref(), Some("a harbour"));
    assert_eq!((rec.seed, rec.steps), (Some(7), Some(20)));
    assert_eq!(rec.sampler.as_deref(), Some("euler"));
    assert_eq!(rec.model.as_deref(), Some("flux.safetensors"));
}
