//! Reading generation settings out of a ComfyUI API-format `prompt` graph.
//!
//! The graph maps node ids to `{"class_type": …, "inputs": {…}}`; an input is either a
//! literal or a link `[node_id, output_index]`. Every lookup here tolerates missing nodes,
//! wrong types and cycles: a malformed graph yields fewer fields, never a panic.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::record::{as_f64, as_string, as_u32, as_u64, GenRecord, Resource};

type Obj = Map<String, Value>;

/// How far links are followed; real graphs need a handful of hops.
const MAX_DEPTH: usize = 12;

/// Builds a record (source unset) from the `prompt` graph text and optional workflow text.
pub(crate) fn from_graph(prompt_json: &str, workflow_json: Option<&str>) -> GenRecord {
    let mut rec = GenRecord::default();
    let prompt_value = parse_or_raw(prompt_json);
    if let Value::Object(graph) = &prompt_value {
        fill_from_graph(&mut rec, graph);
    }
    rec.extra.insert("comfyPrompt".into(), prompt_value);
    if let Some(workflow) = workflow_json {
        rec.extra
            .insert("comfyWorkflow".into(), parse_or_raw(workflow));
    }
    rec
}

/// True when every value of `obj` looks like a node (`class_type` + `inputs`).
pub(crate) fn looks_like_graph(obj: &Obj) -> bool {
    !obj.is_empty() && obj.values().all(|n| n.get("class_type").is_some())
}

fn parse_or_raw(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

fn fill_from_graph(rec: &mut GenRecord, graph: &Obj) {
    if let Some(sampler) = pick_sampler(graph) {
        let input = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| resolve(graph, inputs(sampler)?.get(*n)?, 0))
        };
        rec.seed = input(&["seed", "noise_seed"]).and_then(as_u64);
        rec.steps = input(&["steps"]).and_then(as_u32);
        rec.cfg_scale = input(&["cfg"]).and_then(as_f64);
        rec.sampler = input(&["sampler_name"]).and_then(as_string);
        rec.scheduler = input(&["scheduler"]).and_then(as_string);
        rec.denoising_strength = input(&["denoise"]).and_then(as_f64);
        rec.prompt = linked_text(graph, sampler, "positive");
        rec.negative_prompt = linked_text(graph, sampler, "negative");
        if let Some((w, h)) = linked_size(graph, sampler) {
            (rec.width, rec.height) = (Some(w), Some(h));
        }
    }
    if rec.width.is_none() {
        let latent = nodes(graph).find(|n| class(n).contains("EmptyLatentImage"));
        if let Some((w, h)) = latent.and_then(|n| size_of(graph, n)) {
            (rec.width, rec.height) = (Some(w), Some(h));
        }
    }
    rec.model = nodes(graph).find_map(|n| model_name(graph, n));
    rec.resources = nodes(graph).filter_map(|n| lora(graph, n)).collect();
}

fn nodes(graph: &Obj) -> impl Iterator<Item = &Obj> {
    graph.values().filter_map(Value::as_object)
}

fn class(node: &Obj) -> &str {
    node.get("class_type").and_then(Value::as_str).unwrap_or("")
}

fn inputs(node: &Obj) -> Option<&Obj> {
    node.get("inputs")?.as_object()
}

fn is_sampler(node: &Obj) -> bool {
    let c = class(node);
    c.contains("KSampler") || c == "SamplerCustom"
}

/// Picks the first-pass sampler: one whose latent comes from an empty latent, else the first.
fn pick_sampler(graph: &Obj) -> Option<&Obj> {
    let mut samplers = nodes(graph).filter(|n| is_sampler(n)).peekable();
    let first = *samplers.peek()?;
    let from_empty = samplers.find(|s| {
        let latent = inputs(s).and_then(|i| i.get("latent_image"));
        latent
            .and_then(|l| follow(graph, l))
            .is_some_and(|n| class(n).contains("EmptyLatent"))
    });
    Some(from_empty.unwrap_or(first))
}

/// The node a link value `[id, index]` points at.
fn follow<'a>(graph: &'a Obj, link: &Value) -> Option<&'a Obj> {
    let arr = link.as_array()?;
    if arr.len() != 2 || !arr[1].is_number() {
        return None;
    }
    let id = match &arr[0] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    graph.get(&id)?.as_object()
}

/// A literal input, or the first literal found on the node a link points to
/// (seed/primitive nodes), following at most `MAX_DEPTH` links.
fn resolve<'a>(graph: &'a Obj, value: &'a Value, depth: usize) -> Option<&'a Value> {
    if !value.is_array() {
        return (!value.is_null()).then_some(value);
    }
    if depth >= MAX_DEPTH {
        return None;
    }
    let node = follow(graph, value)?;
    const NAMES: &[&str] = &[
        "value",
        "seed",
        "noise_seed",
        "int",
        "float",
        "string",
        "text",
        "number",
    ];
    let inp = inputs(node)?;
    NAMES
        .iter()
        .find_map(|n| resolve(graph, inp.get(*n)?, depth + 1))
}

/// Text of the CLIPTextEncode node(s) feeding the sampler's `input`, joined by newlines.
fn linked_text(graph: &Obj, sampler: &Obj, input: &str) -> Option<String> {
    let link = inputs(sampler)?.get(input)?;
    let mut texts = Vec::new();
    let mut seen = HashSet::new();
    collect_texts(graph, link, 0, &mut seen, &mut texts);
    (!texts.is_empty()).then(|| texts.join("\n"))
}

fn collect_texts(
    graph: &Obj,
    link: &Value,
    depth: usize,
    seen: &mut HashSet<*const Obj>,
    out: &mut Vec<String>,
) {
    let Some(node) = follow(graph, link) else {
        return;
    };
    // Pointer identity marks visited nodes, so cycles in a bad graph end here.
    if depth >= MAX_DEPTH || !seen.insert(node as *const Obj) {
        return;
    }
    let Some(inp) = inputs(node) else { return };
    if class(node).contains("CLIPTextEncode") {
        for key in ["text", "text_g", "text_l"] {
            let text = inp.get(key).and_then(|v| resolve(graph, v, depth + 1));
            if let Some(text) = text.and_then(Value::as_str) {
                if !text.trim().is_empty() && !out.iter().any(|t| t == text) {
                    out.push(text.to_string());
                }
            }
        }
        return;
    }
    for value in inp.values() {
        collect_texts(graph, value, depth + 1, seen, out);
    }
}

/// Width and height of the latent feeding the sampler, following a few links.
fn linked_size(graph: &Obj, sampler: &Obj) -> Option<(u32, u32)> {
    let mut link = inputs(sampler)?.get("latent_image")?;
    for _ in 0..MAX_DEPTH {
        let node = follow(graph, link)?;
        if let Some(size) = size_of(graph, node) {
            return Some(size);
        }
        link = inputs(node)?.values().find(|v| v.is_array())?;
    }
    None
}

fn size_of(graph: &Obj, node: &Obj) -> Option<(u32, u32)> {
    let inp = inputs(node)?;
    let get = |k: &str| resolve(graph, inp.get(k)?, 0).and_then(as_u32);
    Some((get("width")?, get("height")?))
}

fn model_name(graph: &Obj, node: &Obj) -> Option<String> {
    let c = class(node);
    if !(c.contains("CheckpointLoader") || c == "UNETLoader") {
        return None;
    }
    let inp = inputs(node)?;
    ["ckpt_name", "unet_name"]
        .iter()
        .find_map(|k| resolve(graph, inp.get(*k)?, 0).and_then(as_string))
}

fn lora(graph: &Obj, node: &Obj) -> Option<Resource> {
    if !class(node).contains("LoraLoader") {
        return None;
    }
    let inp = inputs(node)?;
    let name = resolve(graph, inp.get("lora_name")?, 0).and_then(as_string)?;
    Some(Resource {
        name,
        kind: Some("lora".into()),
        weight: inp
            .get("strength_model")
            .and_then(|v| resolve(graph, v, 0))
            .and_then(as_f64),
        ..Resource::default()
    })
}
