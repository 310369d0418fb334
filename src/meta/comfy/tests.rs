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

/// A first pass on an rgthree latent with text through switch/concat nodes, a latent
/// upscale, a second pass, then a model upscale; a zeroed-out negative; clip skip.
fn two_pass_graph() -> Value {
    json!({
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "wai.safetensors"}},
        "2": {"class_type": "CLIPSetLastLayer", "inputs": {"stop_at_clip_layer": -2, "clip": ["1", 1]}},
        "3": {"class_type": "PrimitiveBoolean", "inputs": {"value": false}},
        "4": {"class_type": "PrimitiveStringMultiline", "inputs": {"value": "a cat, "}},
        "5": {"class_type": "StringConcatenate", "inputs": {"string_a": ["4", 0], "string_b": "on a mat", "delimiter": ""}},
        "6": {"class_type": "ComfySwitchNode", "inputs": {"switch": ["3", 0], "on_true": ["9", 0], "on_false": ["5", 0]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": ["6", 0], "clip": ["2", 0]}},
        "8": {"class_type": "ConditioningZeroOut", "inputs": {"conditioning": ["7", 0]}},
        "9": {"class_type": "TextGenerate", "inputs": {"prompt": "rewrite this"}},
        "10": {"class_type": "SDXL Empty Latent Image (rgthree)", "inputs": {"dimensions": "832 x 1216  (portrait)", "clip_scale": 1.0}},
        "11": {"class_type": "KSampler", "inputs": {"seed": ["12", 0], "steps": 30, "cfg": 6,
            "sampler_name": "euler_ancestral", "scheduler": "normal", "denoise": 1.0,
            "model": ["1", 0], "positive": ["7", 0], "negative": ["8", 0], "latent_image": ["10", 0]}},
        "12": {"class_type": "CR Seed", "inputs": {"seed": 42}},
        "13": {"class_type": "LatentUpscaleBy", "inputs": {"upscale_method": "nearest-exact", "scale_by": 1.5, "samples": ["11", 0]}},
        "14": {"class_type": "KSampler", "inputs": {"seed": 7, "steps": 12, "cfg": 6, "sampler_name": "euler",
            "scheduler": "normal", "denoise": 0.45, "model": ["1", 0], "positive": ["7", 0],
            "negative": ["8", 0], "latent_image": ["13", 0]}},
        "15": {"class_type": "VAEDecode", "inputs": {"samples": ["14", 0]}},
        "16": {"class_type": "SaveImage", "inputs": {"images": ["15", 0]}},
        "17": {"class_type": "VAEDecode", "inputs": {"samples": ["11", 0]}},
        "18": {"class_type": "SaveImage", "inputs": {"images": ["17", 0]}}
    })
}

#[test]
fn passes_text_routes_and_clip_skip() {
    let rec = from_texts(Some(&two_pass_graph().to_string()), None);
    assert_eq!(rec.prompt.as_deref(), Some("a cat, on a mat"));
    assert_eq!(
        rec.negative_prompt, None,
        "a zeroed-out negative holds no text"
    );
    assert_eq!(rec.seed, Some(42), "through the seed node");
    assert_eq!((rec.steps, rec.cfg_scale), (Some(30), Some(6.0)));
    assert_eq!((rec.width, rec.height), (Some(832), Some(1216)));
    assert_eq!(rec.clip_skip, Some(2));
    assert_eq!(rec.model.as_deref(), Some("wai.safetensors"));
    let hires = rec.hires.expect("the save behind two passes wins");
    assert_eq!(hires.upscale, Some(1.5));
    assert_eq!(hires.upscaler.as_deref(), Some("nearest-exact"));
    assert_eq!(hires.steps, Some(12));
    assert_eq!(
        rec.denoising_strength,
        Some(0.45),
        "from the pass that has it"
    );
}

#[test]
fn an_upscale_after_the_only_pass() {
    let mut graph = two_pass_graph();
    let nodes = graph.as_object_mut().unwrap();
    for id in ["13", "14", "15", "16"] {
        nodes.remove(id);
    }
    nodes.insert(
        "20".into(),
        json!({"class_type": "UpscaleModelLoader", "inputs": {"model_name": "4x.pth"}}),
    );
    nodes.insert("21".into(), json!({"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["20", 0], "image": ["17", 0]}}));
    nodes.insert("22".into(), json!({"class_type": "ImageScale", "inputs": {"width": 1248, "height": 1824, "image": ["21", 0]}}));
    nodes.insert(
        "18".into(),
        json!({"class_type": "SaveImage", "inputs": {"images": ["22", 0]}}),
    );
    let rec = from_texts(Some(&graph.to_string()), None);
    let hires = rec.hires.unwrap();
    assert_eq!(hires.upscaler.as_deref(), Some("4x.pth"));
    assert_eq!(hires.upscale, Some(1.5));
    assert_eq!(hires.steps, None);
    assert_eq!(rec.denoising_strength, None);
}

// Every node concatenating the next one twice: without an allowance, exponential time and
// text size.
#[test]
fn doubling_concat_chains_stay_bounded() {
    let mut nodes = serde_json::Map::new();
    for i in 0..40 {
        let next = json!([(i + 1).to_string(), 0]);
        nodes.insert(
            i.to_string(),
            json!({"class_type": "StringConcatenate", "inputs": {"string_a": next, "string_b": next}}),
        );
    }
    nodes.insert(
        "40".into(),
        json!({"class_type": "PrimitiveString", "inputs": {"value": "x".repeat(1 << 16)}}),
    );
    nodes.insert(
        "s".into(),
        json!({"class_type": "KSampler", "inputs": {"positive": ["e", 0]}}),
    );
    nodes.insert(
        "e".into(),
        json!({"class_type": "CLIPTextEncode", "inputs": {"text": ["0", 0]}}),
    );
    let started = std::time::Instant::now();
    let rec = record(&nodes);
    // Without the allowance this is 2^40 steps, which no machine finishes; the bound leaves
    // room for a loaded CI machine (5 s failed with eight builds sharing two cores).
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    assert!(rec.prompt.map_or(0, |p| p.len()) < 1 << 30);
}

// Issue 18: Impact Pack wildcard nodes hold the prompt they used in `populated_text`.
#[test]
fn wildcard_nodes_give_the_populated_prompt() {
    let graph = json!({
        "3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20, "cfg": 7,
            "sampler_name": "euler", "positive": ["20", 0], "negative": ["7", 0],
            "model": ["4", 0], "latent_image": ["5", 0]}},
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "m.safetensors"}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": ["8", 0], "clip": ["4", 1]}},
        "8": {"class_type": "ImpactWildcardProcessor", "inputs": {"mode": "populate",
            "wildcard_text": "__bad__", "populated_text": "blurry, lowres", "seed": 3}},
        "20": {"class_type": "ImpactWildcardEncode", "inputs": {"model": ["4", 0],
            "clip": ["4", 1], "wildcard_text": "a __animal__ in a field",
            "populated_text": "a fox in a field", "mode": "populate", "seed": 3}}
    });
    let rec = from_texts(Some(&graph.to_string()), None);
    assert_eq!(rec.prompt.as_deref(), Some("a fox in a field"));
    assert_eq!(rec.negative_prompt.as_deref(), Some("blurry, lowres"));
    assert_eq!(rec.model.as_deref(), Some("m.safetensors"));
}

// Issue 18: a file with only the editor's workflow still gives its settings.
#[test]
fn a_workflow_alone_gives_what_its_widgets_hold() {
    let workflow = json!({
        "last_node_id": 9,
        "nodes": [
            {"id": 3, "type": "KSampler", "widgets_values": [42, "fixed", 28, 6.5, "dpmpp_2m", "karras", 1],
             "inputs": [{"name": "model", "link": 1}, {"name": "positive", "link": 4},
                        {"name": "negative", "link": 6}, {"name": "latent_image", "link": 2}]},
            {"id": 4, "type": "CheckpointLoaderSimple", "widgets_values": ["juggernaut.safetensors"]},
            {"id": 5, "type": "EmptyLatentImage", "widgets_values": [832, 1216, 1]},
            {"id": 6, "type": "CLIPTextEncode", "widgets_values": ["a lighthouse at dusk"],
             "inputs": [{"name": "clip", "link": 3}]},
            {"id": 7, "type": "CLIPTextEncode", "widgets_values": ["fog"],
             "inputs": [{"name": "clip", "link": 5}]},
            {"id": 9, "type": "Note", "widgets_values": ["a note, not a prompt"]}
        ],
        "links": [[1, 4, 0, 3, 0, "MODEL"], [2, 5, 0, 3, 3, "LATENT"], [3, 4, 1, 6, 0, "CLIP"],
                  [4, 6, 0, 3, 1, "CONDITIONING"], [5, 4, 1, 7, 0, "CLIP"],
                  [6, 7, 0, 3, 2, "CONDITIONING"]]
    });
    let rec = from_texts(None, Some(&workflow.to_string()));
    assert_eq!(rec.prompt.as_deref(), Some("a lighthouse at dusk"));
    assert_eq!(rec.negative_prompt.as_deref(), Some("fog"));
    assert_eq!((rec.seed, rec.steps), (Some(42), Some(28)));
    assert_eq!(rec.cfg_scale, Some(6.5));
    assert_eq!(rec.sampler.as_deref(), Some("dpmpp_2m"));
    assert_eq!(rec.scheduler.as_deref(), Some("karras"));
    assert_eq!(rec.model.as_deref(), Some("juggernaut.safetensors"));
    assert_eq!((rec.width, rec.height), (Some(832), Some(1216)));
    assert_eq!(
        rec.extra["comfyWorkflow"]["last_node_id"], 9,
        "the raw workflow stays"
    );
    assert!(!rec.extra.contains_key("comfyPrompt"));
}
