//! ComfyUI's UI `workflow` (what the editor saves: `nodes[]` with `widgets_values`, and
//! `links[]`) turned into an API-format graph, for files that hold no API `prompt`. The
//! workflow does not name its widgets; for the nodes that carry generation settings the
//! names are known (ComfyUI's own node definitions), and the other nodes keep their links.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::meta::value::Obj;

/// Widget names, in `widgets_values` order, of the nodes whose settings a record reads.
/// `control_after_generate` follows every seed widget in the editor's list.
const WIDGETS: &[(&str, &[&str])] = &[
    (
        "KSampler",
        &[
            "seed",
            "control_after_generate",
            "steps",
            "cfg",
            "sampler_name",
            "scheduler",
            "denoise",
        ],
    ),
    (
        "KSamplerAdvanced",
        &[
            "add_noise",
            "noise_seed",
            "control_after_generate",
            "steps",
            "cfg",
            "sampler_name",
            "scheduler",
            "start_at_step",
            "end_at_step",
            "return_with_leftover_noise",
        ],
    ),
    ("CLIPTextEncode", &["text"]),
    ("CheckpointLoaderSimple", &["ckpt_name"]),
    ("UNETLoader", &["unet_name", "weight_dtype"]),
    ("EmptyLatentImage", &["width", "height", "batch_size"]),
    ("EmptySD3LatentImage", &["width", "height", "batch_size"]),
    (
        "LoraLoader",
        &["lora_name", "strength_model", "strength_clip"],
    ),
    ("LoraLoaderModelOnly", &["lora_name", "strength_model"]),
    ("CLIPSetLastLayer", &["stop_at_clip_layer"]),
    ("PrimitiveNode", &["value"]),
];

/// The API-format graph of a UI workflow, None when it is not one (no `nodes` array).
pub(crate) fn to_graph(workflow: &Value) -> Option<Obj> {
    let nodes = workflow.get("nodes")?.as_array()?;
    // links: [id, from node, from slot, to node, to slot, type]
    let links: HashMap<u64, (u64, u64)> = workflow
        .get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| {
            let l = l.as_array()?;
            Some((
                l.first()?.as_u64()?,
                (l.get(1)?.as_u64()?, l.get(2)?.as_u64()?),
            ))
        })
        .collect();
    let mut graph = Obj::new();
    for node in nodes {
        let (Some(id), Some(kind)) = (node_id(node), node.get("type").and_then(Value::as_str))
        else {
            continue;
        };
        let mut inputs = Obj::new();
        let widgets = WIDGETS.iter().find(|(k, _)| *k == kind).map(|(_, w)| *w);
        let values = node.get("widgets_values").and_then(Value::as_array);
        if let (Some(names), Some(values)) = (widgets, values) {
            for (name, value) in names.iter().zip(values) {
                inputs.insert(name.to_string(), value.clone());
            }
        }
        for input in node
            .get("inputs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = input.get("name").and_then(Value::as_str);
            let link = input.get("link").and_then(Value::as_u64);
            if let (Some(name), Some((from, slot))) = (name, link.and_then(|l| links.get(&l))) {
                inputs.insert(name.to_string(), json!([from.to_string(), slot]));
            }
        }
        graph.insert(id, json!({"class_type": kind, "inputs": inputs}));
    }
    (!graph.is_empty()).then_some(graph)
}

/// A node's id as the API graph keys it (a number in the workflow).
fn node_id(node: &Value) -> Option<String> {
    match node.get("id")? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}
