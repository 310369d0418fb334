//! What a pass was conditioned on and which files it loaded: prompt text found by walking
//! the conditioning links back through any node to the text encoders, the checkpoint found
//! through the model links, and every checkpoint, LoRA and embedding in the graph.

use std::collections::HashSet;

use serde_json::Value;

use super::graph::{class, inputs, wildcard_text, Graph, MAX_DEPTH};
use super::passes::{sampler_input, setting_nodes};
use super::resource;
use crate::meta::record::Resource;
use crate::meta::value::{as_f64, as_string, Obj};

/// Inputs of a text encoder (or of a prompt node that encodes itself) holding the text.
const TEXT_INPUTS: &[&str] = &["text", "text_g", "text_l", "t5xxl", "clip_l", "prompt"];

/// Inputs not to follow when looking for text: they lead to models and pictures.
const NOT_TEXT: &[&str] = &[
    "clip",
    "model",
    "vae",
    "image",
    "pixels",
    "control_net",
    "mask",
];

/// The text the sampler's `names` input (or its guider's) was conditioned on; several
/// encoders (area prompts, combined conditioning) are joined by newlines.
pub(crate) fn prompt<'a>(g: Graph<'a>, sampler: &'a Obj, names: &[&str]) -> Option<String> {
    let link = sampler_input(g, sampler, names)?;
    let mut texts = Texts::default();
    let mut seen = HashSet::new();
    collect(g, link, 0, &mut seen, &mut texts);
    (!texts.list.is_empty()).then(|| texts.list.join("\n"))
}

/// Texts found, each once, in the order found.
#[derive(Default)]
struct Texts {
    list: Vec<String>,
    seen: HashSet<String>,
}

fn collect<'a>(
    g: Graph<'a>,
    link: &'a Value,
    depth: usize,
    seen: &mut HashSet<*const Obj>,
    out: &mut Texts,
) {
    let Some(node) = g.follow(link) else { return };
    // Pointer identity marks visited nodes, so cycles in a bad graph end here.
    if depth >= MAX_DEPTH || !seen.insert(node as *const Obj) || class(node).contains("ZeroOut") {
        return;
    }
    let Some(inp) = inputs(node) else { return };
    // A wildcard encoder is its own text encoder: what it populated is the prompt.
    if class(node).contains("Wildcard") {
        if let Some(text) = wildcard_text(inp) {
            if out.seen.insert(text.to_string()) {
                out.list.push(text.to_string());
            }
            return;
        }
    }
    let texts: Vec<String> = TEXT_INPUTS
        .iter()
        .filter_map(|k| g.text(inp.get(*k)?, depth + 1))
        .collect();
    if !texts.is_empty() || class(node).contains("TextEncode") {
        for text in texts {
            if !text.trim().is_empty() && out.seen.insert(text.clone()) {
                out.list.push(text);
            }
        }
        return;
    }
    for (name, value) in inp {
        if !NOT_TEXT.contains(&name.as_str()) {
            collect(g, value, depth + 1, seen, out);
        }
    }
}

/// The checkpoint the sampler's model input comes from, through LoRA loaders, model
/// patches and switches.
pub(crate) fn model<'a>(g: Graph<'a>, sampler: &'a Obj) -> Option<String> {
    let nodes = setting_nodes(g, sampler);
    let link = sampler_input(g, sampler, &["model"])
        .or_else(|| nodes.iter().find_map(|n| inputs(n)?.get("model")))?;
    let mut node = g.follow(link)?;
    for _ in 0..MAX_DEPTH {
        if let Some(name) = checkpoint(g, node) {
            return Some(name);
        }
        let inp = inputs(node)?;
        let next = inp
            .get("model")
            .or_else(|| inp.values().find(|v| v.is_array()))?;
        node = g.follow(next)?;
    }
    None
}

/// The file a checkpoint or diffusion-model loader loads.
pub(crate) fn checkpoint<'a>(g: Graph<'a>, node: &'a Obj) -> Option<String> {
    if class(node).contains("Upscale") {
        return None;
    }
    g.literal(node, &["ckpt_name", "unet_name"])
        .and_then(as_string)
}

/// Every checkpoint, LoRA (with strength) and embedding the graph loads, duplicates and all.
pub(crate) fn resources(g: Graph, prompt: Option<&str>) -> Vec<Resource> {
    let mut out = Vec::new();
    for node in g.nodes() {
        if let Some(name) = checkpoint(g, node) {
            out.push(resource(name, "checkpoint", None));
        }
        out.extend(loras(g, node));
    }
    out.extend(prompt.into_iter().flat_map(embeddings));
    out
}

/// LoRAs of a loader node: plain loaders, numbered stacks, and rgthree's `lora_N` objects.
fn loras<'a>(g: Graph<'a>, node: &'a Obj) -> Vec<Resource> {
    let c = class(node);
    let Some(inp) = inputs(node).filter(|_| c.to_ascii_lowercase().contains("lora")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(name) = g.literal(node, &["lora_name"]).and_then(as_string) {
        let weight = g
            .literal(node, &["strength_model", "strength"])
            .and_then(as_f64);
        out.push(resource(name, "lora", weight));
    }
    for (key, value) in inp {
        if let Some(n) = key.strip_prefix("lora_name_") {
            let on = inp.get(&format!("switch_{n}")).and_then(Value::as_str);
            let weight = inp.get(&format!("model_weight_{n}")).and_then(as_f64);
            match value.as_str() {
                Some(name) if name != "None" && on != Some("Off") => {
                    out.push(resource(name.to_string(), "lora", weight));
                }
                _ => {}
            }
        } else if let Some(obj) = value.as_object().filter(|_| key.starts_with("lora_")) {
            let on = obj.get("on").and_then(Value::as_bool).unwrap_or(true);
            if let (true, Some(name)) = (on, obj.get("lora").and_then(as_string)) {
                out.push(resource(name, "lora", obj.get("strength").and_then(as_f64)));
            }
        }
    }
    out
}

/// `embedding:name` references in a prompt.
fn embeddings(prompt: &str) -> Vec<Resource> {
    prompt
        .match_indices("embedding:")
        .take(64)
        .filter_map(|(at, tag)| {
            let rest = &prompt[at + tag.len()..];
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ',' | ')' | ':' | '>'))
                .unwrap_or(rest.len());
            let name = rest[..end].trim();
            (!name.is_empty()).then(|| resource(name.to_string(), "embed", None))
        })
        .collect()
}
