//! Tests for the `GenRecord` builders: API shapes, A1111 text, ComfyUI graphs.

use super::*;
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
            upscale: Some(2.0)
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
    let graph = comfy_graph();
    let meta = json!({"prompt": "from api", "comfy": json!({"prompt": graph}).to_string()});
    let rec = GenRecord::from_api_meta(&meta).unwrap();
    assert_eq!(rec.prompt.as_deref(), Some("from api"));
    assert_eq!(rec.seed, Some(99));
    assert_eq!(rec.model.as_deref(), Some("sdxl.safetensors"));
    assert!(rec.extra.contains_key("comfy"));
    assert!(!rec.extra.contains_key("comfyPrompt"));
}

#[test]
fn a1111_text_maps_settings() {
    let text = "cat <lora:fluffy:0.6>\nNegative prompt: dog\nSteps: 25, Sampler: Euler a, Schedule type: Karras, CFG scale: 6.5, Seed: 7, Size: 640x480, Model hash: ff, Model: anything, Clip skip: 2, Denoising strength: 0.3, Hires upscale: 1.5, Hires upscaler: ESRGAN, Lora hashes: \"fluffy: aa11\", Version: f2";
    let rec = GenRecord::from_a1111(text, "x.png");
    assert_eq!(rec.source, "x.png");
    assert_eq!(rec.prompt.as_deref(), Some("cat <lora:fluffy:0.6>"));
    assert_eq!(rec.negative_prompt.as_deref(), Some("dog"));
    assert_eq!(rec.steps, Some(25));
    assert_eq!(rec.sampler.as_deref(), Some("Euler a"));
    assert_eq!(rec.scheduler.as_deref(), Some("Karras"));
    assert_eq!(rec.cfg_scale, Some(6.5));
    assert_eq!(rec.seed, Some(7));
    assert_eq!((rec.width, rec.height), (Some(640), Some(480)));
    assert_eq!(rec.model.as_deref(), Some("anything"));
    assert_eq!(rec.model_hash.as_deref(), Some("ff"));
    assert_eq!(rec.clip_skip, Some(2));
    assert_eq!(rec.denoising_strength, Some(0.3));
    assert_eq!(rec.hires.as_ref().unwrap().upscale, Some(1.5));
    assert_eq!(rec.resources.len(), 1);
    assert_eq!(rec.resources[0].hash.as_deref(), Some("aa11"));
    assert_eq!(rec.resources[0].weight, Some(0.6));
    let extra: Vec<&str> = rec.extra.keys().map(String::as_str).collect();
    assert_eq!(extra, ["Lora hashes", "Version"]);
}

#[test]
fn a1111_duplicate_keys_are_kept() {
    let rec = GenRecord::from_a1111("p\nSteps: 1, Foo: a, Foo: b", "f");
    assert_eq!(rec.extra.get("Foo"), Some(&json!("a")));
    assert_eq!(rec.extra.get("Foo (2)"), Some(&json!("b")));
}

fn comfy_graph() -> Value {
    json!({
        "3": {"class_type": "KSampler", "inputs": {
            "seed": 99, "steps": 20, "cfg": 8, "sampler_name": "euler", "scheduler": "normal",
            "denoise": 1, "model": ["10", 0], "positive": ["6", 0], "negative": ["7", 0],
            "latent_image": ["5", 0]}},
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl.safetensors"}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 768, "batch_size": 1}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a castle", "clip": ["10", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": ["8", 0], "clip": ["10", 1]}},
        "8": {"class_type": "PrimitiveString", "inputs": {"value": "blurry"}},
        "10": {"class_type": "LoraLoader", "inputs": {"lora_name": "detail.safetensors",
            "strength_model": 0.8, "strength_clip": 1, "model": ["4", 0], "clip": ["4", 1]}}
    })
}

#[test]
fn comfy_graph_is_read() {
    let graph = comfy_graph().to_string();
    let rec = GenRecord::from_comfy(&graph, Some("{\"nodes\": []}"), "c.png");
    assert_eq!(rec.prompt.as_deref(), Some("a castle"));
    assert_eq!(rec.negative_prompt.as_deref(), Some("blurry"));
    assert_eq!(rec.seed, Some(99));
    assert_eq!(rec.steps, Some(20));
    assert_eq!(rec.cfg_scale, Some(8.0));
    assert_eq!(rec.sampler.as_deref(), Some("euler"));
    assert_eq!(rec.scheduler.as_deref(), Some("normal"));
    assert_eq!((rec.width, rec.height), (Some(1024), Some(768)));
    assert_eq!(rec.model.as_deref(), Some("sdxl.safetensors"));
    assert_eq!(rec.resources[0].name, "detail.safetensors");
    assert_eq!(rec.resources[0].weight, Some(0.8));
    assert!(rec.extra["comfyPrompt"].is_object());
    assert_eq!(rec.extra["comfyWorkflow"], json!({"nodes": []}));
}

#[test]
fn malformed_comfy_graphs_do_not_panic() {
    let cases = [
        "",
        "not json",
        "[]",
        "{}",
        r#"{"1": 5}"#,
        r#"{"1": {"class_type": "KSampler", "inputs": {"positive": ["1", 0], "seed": ["1", 0]}}}"#,
        r#"{"1": {"class_type": "KSampler", "inputs": {"positive": ["2"], "negative": [null, 0], "latent_image": ["1", 0]}}}"#,
        r#"{"1": {"class_type": "KSampler", "inputs": 3}, "2": {"class_type": 7}}"#,
        r#"{"1": {"class_type": "KSampler", "inputs": {"latent_image": ["2", 0]}}, "2": {"class_type": "X", "inputs": {"a": ["1", 0]}}}"#,
    ];
    for case in cases {
        let rec = GenRecord::from_comfy(case, Some(case), "s");
        assert!(rec.extra.contains_key("comfyPrompt"), "{case}");
    }
}

#[test]
fn from_text_dispatches_json_and_a1111() {
    assert_eq!(GenRecord::from_text(" \0 ", "s"), None);
    let a = GenRecord::from_text("hello\nSteps: 3", "s").unwrap();
    assert_eq!(a.steps, Some(3));
    let api = GenRecord::from_text(r#"{"prompt": "p", "steps": 4}"#, "s").unwrap();
    assert_eq!((api.prompt.as_deref(), api.steps), (Some("p"), Some(4)));
    let comfy = GenRecord::from_text(&comfy_graph().to_string(), "s").unwrap();
    assert_eq!(comfy.seed, Some(99));
    assert_eq!(comfy.source, "s");
}

proptest::proptest! {
    #[test]
    fn builders_never_panic(s in "\\PC*") {
        let _ = GenRecord::from_a1111(&s, "p");
        let _ = GenRecord::from_text(&s, "p");
        let _ = GenRecord::from_comfy(&s, Some(&s), "p");
        let _ = GenRecord::from_api_meta(&Value::String(s));
    }
}
