//! ComfyUI: settings read out of an API-format `prompt` graph by following links from the
//! sampling passes back to the prompt text, seed, steps, cfg, sampler, scheduler, size and
//! model, through any node in between.

mod graph;
mod passes;
mod text;
mod workflow;

use std::cell::Cell;

use serde_json::Value;

use super::record::{GenRecord, Hires, Resource};
use super::value::{as_f64, as_size, as_string, as_u32, as_u64, Obj};
use graph::{class, Graph};
use passes::{setting, setting_nodes, Upscale};

pub(crate) use graph::looks_like_graph;

/// Builds a record (source unset) from the `prompt` graph text and optional workflow text;
/// both stay in `extra` (`comfyPrompt`, `comfyWorkflow`). Without a `prompt` graph the
/// workflow's widgets are read instead. Malformed graphs give a record holding only the
/// raw text.
pub(crate) fn from_texts(prompt_json: Option<&str>, workflow_json: Option<&str>) -> GenRecord {
    from_values(
        prompt_json.map(parse_or_raw),
        workflow_json.map(parse_or_raw),
    )
}

/// Like [`from_texts`], for a graph and workflow already parsed.
pub(crate) fn from_values(prompt: Option<Value>, workflow: Option<Value>) -> GenRecord {
    let mut rec = match &prompt {
        Some(Value::Object(graph)) => record(graph),
        // Only the editor's workflow: its widgets hold the settings.
        _ => match workflow.as_ref().and_then(workflow::to_graph) {
            Some(graph) => record(&graph),
            None => GenRecord::default(),
        },
    };
    if let Some(prompt) = prompt {
        rec.extra.insert("comfyPrompt".into(), prompt);
    }
    if let Some(workflow) = workflow {
        rec.extra.insert("comfyWorkflow".into(), workflow);
    }
    rec
}

fn parse_or_raw(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// Builds a record from a parsed `prompt` graph (source and extra unset).
pub(crate) fn record(nodes: &Obj) -> GenRecord {
    record_over(nodes, None)
}

/// Like [`record`]; `base_width` is the width of the picture the graph starts from when
/// the graph itself does not say (an upscale of a loaded image), to tell the upscale factor.
pub(crate) fn record_over(nodes: &Obj, base_width: Option<u32>) -> GenRecord {
    let work = Cell::new(graph::MAX_WORK);
    let g = Graph::new(nodes, &work);
    let mut rec = GenRecord::default();
    let (passes, upscales) = passes::passes(g);
    if let Some(first) = passes.first() {
        fill_pass(&mut rec, g, first);
    }
    rec.hires = second_pass(g, &passes, &upscales, rec.width.or(base_width));
    if rec.denoising_strength.is_none() {
        rec.denoising_strength = passes.get(1).and_then(|s| denoise(g, s));
    }
    fill_gaps(&mut rec, g);
    let found = text::resources(g, rec.prompt.as_deref());
    rec.add_resources(found);
    rec
}

/// The second pass: the sampler after the first with the upscale nodes between them; an
/// img2img pass over an upscaled picture; or a plain upscale after the only pass.
/// `upscales[0]` is what happens before the first pass, `upscales[i]` before pass i, the
/// last one after the final pass.
fn second_pass<'a>(
    g: Graph<'a>,
    passes: &[&'a Obj],
    upscales: &[Upscale],
    base_width: Option<u32>,
) -> Option<Hires> {
    let before_first = upscales.first().filter(|u| u.is_some());
    let (up, pass) = match passes {
        [] => (upscales.last()?, None),
        [only] => match before_first {
            Some(up) => (up, Some(*only)),
            None => (upscales.last()?, None),
        },
        [_, second, ..] => (upscales.get(1)?, Some(*second)),
    };
    if !up.is_some() && pass.is_none() {
        return None;
    }
    let scale = up.scale.or_else(|| {
        let (target, base) = (f64::from(up.width?), f64::from(base_width?));
        (base > 0.0).then(|| target / base)
    });
    let steps = pass.and_then(|p| setting(g, &setting_nodes(g, p), &["steps"]).and_then(as_u32));
    Some(Hires {
        upscaler: up.upscaler.clone(),
        upscale: scale.filter(|s| *s != 1.0),
        steps,
    })
}

/// Seed, steps, cfg, sampler, scheduler, denoise, prompts, size and model of one pass.
fn fill_pass<'a>(rec: &mut GenRecord, g: Graph<'a>, sampler: &'a Obj) {
    let nodes = setting_nodes(g, sampler);
    rec.seed = setting(g, &nodes, &["seed", "noise_seed"]).and_then(as_u64);
    rec.steps = setting(g, &nodes, &["steps"]).and_then(as_u32);
    rec.cfg_scale = setting(g, &nodes, &["cfg", "guidance"]).and_then(as_f64);
    rec.sampler = setting(g, &nodes, &["sampler_name"]).and_then(as_string);
    rec.scheduler = setting(g, &nodes, &["scheduler"]).and_then(as_string);
    rec.denoising_strength = denoise(g, sampler);
    rec.prompt = text::prompt(g, sampler, &["positive", "conditioning"]);
    rec.negative_prompt = text::prompt(g, sampler, &["negative"]);
    if let Some((w, h)) = latent_size(g, sampler) {
        (rec.width, rec.height) = (Some(w), Some(h));
    }
    rec.model = text::model(g, sampler);
}

/// A pass's denoise when it is partial (a full 1.0 says nothing).
fn denoise<'a>(g: Graph<'a>, sampler: &'a Obj) -> Option<f64> {
    let nodes = setting_nodes(g, sampler);
    setting(g, &nodes, &["denoise"])
        .and_then(as_f64)
        .filter(|d| *d < 1.0)
}

/// Width and height of the latent feeding the sampler, following a few links.
fn latent_size<'a>(g: Graph<'a>, sampler: &'a Obj) -> Option<(u32, u32)> {
    let mut node = g.linked(sampler, "latent_image")?;
    for _ in 0..graph::MAX_DEPTH {
        if let Some(size) = size_of(g, node) {
            return Some(size);
        }
        let inp = graph::inputs(node)?;
        let next = ["samples", "pixels", "image", "latent"]
            .iter()
            .find_map(|k| g.follow(inp.get(*k)?))?;
        node = next;
    }
    None
}

/// A node's literal `width`/`height`, or a `dimensions`/`resolution` string.
fn size_of<'a>(g: Graph<'a>, node: &'a Obj) -> Option<(u32, u32)> {
    if let Some(size) = g
        .literal(node, &["dimensions", "resolution"])
        .and_then(as_size)
    {
        return Some(size);
    }
    let w = g.literal(node, &["width"]).and_then(as_u32)?;
    let h = g.literal(node, &["height"]).and_then(as_u32)?;
    (w > 0 && h > 0).then_some((w, h))
}

/// Size, model and clip skip from anywhere in the graph when the passes did not tell.
fn fill_gaps(rec: &mut GenRecord, g: Graph) {
    if rec.width.is_none() {
        let latent = g.nodes().find(|n| class(n).contains("EmptyLatentImage"));
        if let Some((w, h)) = latent.and_then(|n| size_of(g, n)) {
            (rec.width, rec.height) = (Some(w), Some(h));
        }
    }
    if rec.model.is_none() {
        rec.model = g.nodes().find_map(|n| text::checkpoint(g, n));
    }
    let skip = g.nodes().find(|n| class(n) == "CLIPSetLastLayer");
    let layer = skip.and_then(|n| g.literal(n, &["stop_at_clip_layer"]));
    rec.clip_skip = layer
        .and_then(Value::as_i64)
        .and_then(|l| u32::try_from(l.unsigned_abs()).ok());
}

/// A resource from a loader node, shared with `text` for LoRA stacks.
pub(crate) fn resource(name: String, kind: &str, weight: Option<f64>) -> Resource {
    Resource {
        name,
        kind: Some(kind.into()),
        weight,
        ..Resource::default()
    }
}

#[cfg(test)]
mod tests;
