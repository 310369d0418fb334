//! Unit tests for reading ComfyUI graphs.

use serde_json::{json, Value};

use super::*;

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
    let rec = from_texts(Some(&graph), Some("{\"nodes\": []}"));
    assert_eq!(rec.prompt.as_deref(), Some("a castle"));
    assert_eq!(rec.negative_prompt.as_deref(), Some("blurry"));
    assert_eq!(rec.seed, Some(99));
    assert_eq!(rec.steps, Some(20));
    assert_eq!(rec.cfg_scale, Some(8.0));
    assert_eq!(rec.sampler.as_deref(), Some("euler"));
    assert_eq!(rec.scheduler.as_deref(), Some("normal"));
    assert_eq!((rec.width, rec.height), (Some(1024), Some(768)));
    assert_eq!(rec.model.as_deref(), Some("sdxl.safetensors"));
    let lora = rec
        .resources
        .iter()
        .find(|r| r.kind.as_deref() == Some("lora"));
    assert_eq!(lora.unwrap().name, "detail.safetensors");
    assert_eq!(lora.unwrap().weight, Some(0.8));
    assert_eq!(rec.resources[0].kind.as_deref(), Some("checkpoint"));
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
        let rec = from_texts(Some(case), Some(case));
        assert!(rec.extra.contains_key("comfyPrompt"), "{case}");
    }
}

proptest::proptest! {
    #[test]
    fn graphs_never_panic(s in "\\PC*") {
        let _ = from_texts(Some(&s), Some(&s));
    }
}
