//! The sampling passes of a ComfyUI graph: walking back from the save node through the
//! image and latent links finds the last sampler, then the one before it, and so on; the
//! upscale nodes met between two passes describe the second pass (hires fix, refiner).

use std::collections::{HashSet, VecDeque};

use serde_json::Value;

use super::graph::{class, inputs, Graph, MAX_DEPTH};
use crate::meta::value::{as_f64, as_size, as_string, as_u32, Obj};

/// Inputs that carry models, prompts or settings rather than the picture being made.
const NOT_PICTURE: &[&str] = &[
    "model",
    "clip",
    "vae",
    "positive",
    "negative",
    "conditioning",
    "guider",
    "noise",
    "sampler",
    "sigmas",
    "control_net",
    "upscale_model",
    "mask",
    "seed",
    "noise_seed",
];

/// Most passes reported; real graphs have two or three.
const MAX_PASSES: usize = 8;

/// Most output nodes compared.
const MAX_OUTPUTS: usize = 16;

/// What the nodes between two passes (or after the last one) do to the picture.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Upscale {
    /// Upscale model file, else the resize method.
    pub upscaler: Option<String>,
    /// Factor, when a node gives one.
    pub scale: Option<f64>,
    /// Target width, when a node gives one instead of a factor.
    pub width: Option<u32>,
}

impl Upscale {
    /// Whether any upscale node was met.
    pub(crate) fn is_some(&self) -> bool {
        self != &Upscale::default()
    }
}

/// Whether `node` samples: any KSampler variant or a custom sampler.
pub(crate) fn is_sampler(node: &Obj) -> bool {
    let c = class(node);
    (c.contains("KSampler") && !c.contains("Select")) || c.starts_with("SamplerCustom")
}

/// The passes from first to last, each with the upscale nodes met before it; the last
/// element's upscale is what happens after the final pass.
///
/// With several save nodes, the one behind the most passes tells; without any, a preview.
pub(crate) fn passes<'a>(g: Graph<'a>) -> (Vec<&'a Obj>, Vec<Upscale>) {
    let saves: Vec<&Obj> = g
        .nodes()
        .filter(|n| class(n).contains("Save") && !is_sampler(n))
        .collect();
    let outputs = if saves.is_empty() {
        g.nodes()
            .filter(|n| class(n).contains("Preview"))
            .take(1)
            .collect()
    } else {
        saves
    };
    let mut best: Option<(Vec<&'a Obj>, Vec<Upscale>)> = None;
    for output in outputs.into_iter().take(MAX_OUTPUTS) {
        let found = chain_from(g, output);
        if best.as_ref().is_none_or(|b| found.0.len() > b.0.len()) {
            best = Some(found);
        }
    }
    match best {
        Some(found) if !found.0.is_empty() => found,
        // No pass reached from an output: a graph of upscale nodes only, or a bare sampler.
        other => {
            let upscales = other.map(|f| f.1).unwrap_or_default();
            let first = fallback(g);
            let upscales = if first.is_none() {
                upscales
            } else {
                vec![Upscale::default()]
            };
            (first.into_iter().collect(), upscales)
        }
    }
}

/// The passes behind one output node, first to last, with the upscale nodes around them.
fn chain_from<'a>(g: Graph<'a>, output: &'a Obj) -> (Vec<&'a Obj>, Vec<Upscale>) {
    let output = Some(output);
    let mut chain: Vec<&'a Obj> = Vec::new();
    let mut upscales = Vec::new();
    let mut from = output;
    while let Some(node) = from.filter(|_| chain.len() < MAX_PASSES) {
        let (sampler, upscale) = nearest_sampler(g, node);
        upscales.push(upscale);
        match sampler {
            Some(s) if !chain.iter().any(|c| std::ptr::eq(*c, s)) => chain.push(s),
            _ => break,
        }
        from = Some(chain[chain.len() - 1]);
    }
    // Walked from the output backwards: put the first pass first.
    chain.reverse();
    upscales.reverse();
    (chain, upscales)
}

/// Without a save node: the sampler fed by an empty latent, else the first sampler.
fn fallback<'a>(g: Graph<'a>) -> Option<&'a Obj> {
    let from_empty = g.nodes().filter(|n| is_sampler(n)).find(|s| {
        g.linked(s, "latent_image")
            .is_some_and(|n| class(n).contains("Empty"))
    });
    from_empty.or_else(|| g.nodes().find(|n| is_sampler(n)))
}

/// Breadth-first through the picture inputs of `start`: the nearest sampler upstream and
/// the upscale nodes met on the way.
fn nearest_sampler<'a>(g: Graph<'a>, start: &'a Obj) -> (Option<&'a Obj>, Upscale) {
    let mut upscale = Upscale::default();
    let mut seen: HashSet<*const Obj> = HashSet::from([start as *const Obj]);
    let mut queue = VecDeque::from([(start, 0usize)]);
    while let Some((node, depth)) = queue.pop_front() {
        let Some(inp) = inputs(node) else { continue };
        for (name, value) in inp {
            if NOT_PICTURE.contains(&name.as_str()) || depth >= MAX_DEPTH {
                continue;
            }
            let Some(next) = g.follow(value) else {
                continue;
            };
            if !seen.insert(next as *const Obj) {
                continue;
            }
            if is_sampler(next) {
                return (Some(next), upscale);
            }
            note_upscale(g, next, &mut upscale);
            queue.push_back((next, depth + 1));
        }
    }
    (None, upscale)
}

fn note_upscale<'a>(g: Graph<'a>, node: &'a Obj, up: &mut Upscale) {
    let c = class(node);
    if c.contains("UpscaleWithModel") {
        let model = g.linked(node, "upscale_model");
        let name = model.and_then(|m| g.literal(m, &["model_name"]).and_then(as_string));
        up.upscaler = name.or(up.upscaler.take());
    } else if c.contains("Upscale") || c.starts_with("ImageScale") {
        if let Some(f) = g
            .literal(node, &["scale_by", "upscale_by"])
            .and_then(as_f64)
        {
            up.scale = Some(f);
        }
        if let Some(w) = g.literal(node, &["width"]).and_then(as_u32) {
            up.width = Some(w);
        } else if let Some(w) = clip_width(g, node) {
            up.width = Some(w);
        }
        if up.upscaler.is_none() {
            up.upscaler = g.literal(node, &["upscale_method"]).and_then(as_string);
        }
    }
}

/// A width linked from rgthree's SDXL latent node, whose second output is its width times
/// its `clip_scale`.
fn clip_width<'a>(g: Graph<'a>, node: &'a Obj) -> Option<u32> {
    let link = inputs(node)?.get("width")?;
    let source = g.follow(link)?;
    if link.get(1).and_then(Value::as_u64) != Some(1) {
        return None;
    }
    let (w, _) = g.literal(source, &["dimensions"]).and_then(as_size)?;
    let scale = g
        .literal(source, &["clip_scale"])
        .and_then(as_f64)
        .unwrap_or(1.0);
    let width = (f64::from(w) * scale).round();
    (width > 0.0 && width < f64::from(u32::MAX)).then_some(width as u32)
}

/// The nodes a sampler's settings may live on: itself, then its noise, guider, sampler
/// and sigmas inputs (SamplerCustomAdvanced spreads them out), then FLUX guidance.
pub(crate) fn setting_nodes<'a>(g: Graph<'a>, sampler: &'a Obj) -> Vec<&'a Obj> {
    let mut out = vec![sampler];
    for name in ["noise", "guider", "sampler", "sigmas"] {
        out.extend(g.linked(sampler, name));
    }
    let guider = g.linked(sampler, "guider");
    out.extend(guider.and_then(|gd| g.linked(gd, "conditioning")));
    out
}

/// The first of `names` on any of the sampler's setting nodes.
pub(crate) fn setting<'a>(g: Graph<'a>, nodes: &[&'a Obj], names: &[&str]) -> Option<&'a Value> {
    nodes.iter().find_map(|n| g.literal(n, names))
}

/// The link an input of the sampler (or of its guider) comes from.
pub(crate) fn sampler_input<'a>(
    g: Graph<'a>,
    sampler: &'a Obj,
    names: &[&str],
) -> Option<&'a Value> {
    let guider = g.linked(sampler, "guider");
    [Some(sampler), guider]
        .into_iter()
        .flatten()
        .find_map(|n| names.iter().find_map(|k| inputs(n)?.get(*k)))
}
