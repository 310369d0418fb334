//! Generation parameters of generated items: the `meta` JSON, the text chunks of PNG originals
//! and the EXIF UserComment text of JPEG and WebP originals.

use serde_json::{json, Map, Value};

use super::catalog::{
    Model, ModelKind, Version, MODELS, NEGATIVES, SAMPLERS, STYLES, SUBJECTS, UNICODE_PROMPTS,
};
use super::generate::Facts;
use super::util::h;

/// Parameters shared by both metadata flavours.
struct Common {
    prompt: String,
    negative: &'static str,
    seed: u64,
    steps: u64,
    sampler: &'static str,
    cfg: f64,
    width: u64,
    height: u64,
    ckpt: (&'static Model, &'static Version),
    lora: Option<(&'static Model, &'static Version)>,
}

/// The metadata of one generated item (doc/api.md: "`meta` comes in three shapes").
pub struct MetaSpec {
    c: Common,
    flavour: Flavour,
}

/// Which tool "made" the image.
enum Flavour {
    /// AUTOMATIC1111 / Forge: flat object, `parameters` text in the PNG; `Clip skip` and hires fix
    /// (denoising strength, upscale factor, upscaler) are optional.
    A1111 {
        clip_skip: bool,
        hires: Option<(f64, f64, &'static str)>,
    },
    /// ComfyUI: flat object plus `comfy` holding the graph as a JSON string.
    Comfy,
}

const LORA_WEIGHT: f64 = 0.8;

impl MetaSpec {
    /// The metadata of an item, or `None` when it has none even with `withMeta=true`.
    pub fn generate(f: &Facts) -> Option<MetaSpec> {
        let i = f.index;
        let (cm, cv) = f.ckpt?;
        if i % 17 == 4 {
            return None;
        }
        let subject = SUBJECTS[(h(i, 20) % SUBJECTS.len() as u64) as usize];
        let style = STYLES[(h(i, 21) % STYLES.len() as u64) as usize];
        let mut prompt = if i % 29 == 9 {
            UNICODE_PROMPTS[(i / 29 % UNICODE_PROMPTS.len() as u64) as usize].to_string()
        } else {
            format!("{subject}, {style}")
        };
        let lora = f.lora.map(|(m, v)| (&MODELS[m], &MODELS[m].versions[v]));
        if let Some((m, _)) = lora {
            prompt.push_str(&format!(", <lora:{}:{LORA_WEIGHT}>", lora_file(m)));
        }
        let c = Common {
            prompt,
            negative: NEGATIVES[(h(i, 22) % NEGATIVES.len() as u64) as usize],
            seed: h(i, 23) % 4_294_967_295,
            steps: 20 + h(i, 24) % 21,
            sampler: SAMPLERS[(h(i, 25) % SAMPLERS.len() as u64) as usize],
            cfg: [7.0, 5.0, 6.5, 4.5, 7.5, 3.5][(h(i, 26) % 6) as usize],
            width: f.width,
            height: f.height,
            ckpt: (&MODELS[cm], &MODELS[cm].versions[cv]),
            lora,
        };
        let flavour = if f.comfy {
            Flavour::Comfy
        } else {
            let hires = h(i, 27)
                .is_multiple_of(3)
                .then_some((0.4, 2.0, "4x-UltraSharp"));
            Flavour::A1111 {
                clip_skip: h(i, 28).is_multiple_of(2),
                hires,
            }
        };
        Some(MetaSpec { c, flavour })
    }

    /// The flat `meta` object as the API emits it.
    pub fn to_json(&self) -> Value {
        let c = &self.c;
        let mut m = Map::new();
        m.insert("prompt".into(), json!(c.prompt));
        if !c.negative.is_empty() {
            m.insert("negativePrompt".into(), json!(c.negative));
        }
        m.insert("seed".into(), json!(c.seed));
        m.insert("steps".into(), json!(c.steps));
        m.insert("sampler".into(), json!(c.sampler));
        m.insert("cfgScale".into(), json!(c.cfg));
        m.insert("Size".into(), json!(format!("{}x{}", c.width, c.height)));
        match &self.flavour {
            Flavour::A1111 { clip_skip, hires } => {
                m.insert("Model".into(), json!(c.ckpt.0.name));
                m.insert("Model hash".into(), json!(c.ckpt.1.hash()));
                if *clip_skip {
                    m.insert("Clip skip".into(), json!("2"));
                }
                if let Some((denoise, up, upscaler)) = hires {
                    m.insert("Denoising strength".into(), json!(denoise.to_string()));
                    m.insert("Hires upscale".into(), json!(up.to_string()));
                    m.insert("Hires upscaler".into(), json!(upscaler));
                }
            }
            Flavour::Comfy => {
                m.insert("comfy".into(), json!(comfy_graph(c).to_string()));
            }
        }
        m.insert("resources".into(), resources(c));
        m.insert("civitaiResources".into(), civitai_resources(c));
        Value::Object(m)
    }

    /// Text chunks (keyword, text) a PNG original of this item carries (doc/api.md, last section).
    pub fn png_text(&self) -> Vec<(&'static str, String)> {
        let c = &self.c;
        match &self.flavour {
            Flavour::A1111 { clip_skip, hires } => {
                vec![("parameters", a1111_text(c, *clip_skip, *hires))]
            }
            Flavour::Comfy => {
                let graph = comfy_graph(c);
                vec![
                    ("prompt", graph["prompt"].to_string()),
                    ("workflow", graph["workflow"].to_string()),
                ]
            }
        }
    }
}

impl MetaSpec {
    /// The A1111 `parameters` text that JPEG and WebP originals carry in EXIF UserComment
    /// (doc/api.md, last section). ComfyUI saves PNG; a ComfyUI item served as JPEG or WebP went
    /// through an A1111-compatible saver node, which writes the same kind of text.
    pub fn parameters_text(&self) -> String {
        match &self.flavour {
            Flavour::A1111 { clip_skip, hires } => a1111_text(&self.c, *clip_skip, *hires),
            Flavour::Comfy => a1111_text(&self.c, false, None),
        }
    }
}

fn lora_file(m: &Model) -> String {
    m.name.replace([' ', '.'], "_")
}

fn resources(c: &Common) -> Value {
    let mut list = vec![json!({"name": c.ckpt.0.name, "type": "model", "hash": c.ckpt.1.hash()})];
    if let Some((m, v)) = c.lora {
        list.push(
            json!({"name": lora_file(m), "type": "lora", "weight": LORA_WEIGHT, "hash": v.hash()}),
        );
    }
    Value::Array(list)
}

fn civitai_resources(c: &Common) -> Value {
    let mut list = vec![json!({"type": "checkpoint", "modelVersionId": c.ckpt.1.id})];
    if let Some((m, v)) = c.lora {
        debug_assert!(m.kind == ModelKind::Lora);
        list.push(json!({"type": "lora", "weight": LORA_WEIGHT, "modelVersionId": v.id}));
    }
    Value::Array(list)
}

/// The A1111 `parameters` text: prompt, negative line, then `Key: value` pairs.
fn a1111_text(c: &Common, clip_skip: bool, hires: Option<(f64, f64, &str)>) -> String {
    let mut t = c.prompt.clone();
    if !c.negative.is_empty() {
        t.push_str(&format!("\nNegative prompt: {}", c.negative));
    }
    t.push_str(&format!(
        "\nSteps: {}, Sampler: {}, CFG scale: {}, Seed: {}, Size: {}x{}, Model hash: {}, Model: {}",
        c.steps,
        c.sampler,
        c.cfg,
        c.seed,
        c.width,
        c.height,
        c.ckpt.1.hash(),
        c.ckpt.0.name
    ));
    if let Some((denoise, up, upscaler)) = hires {
        t.push_str(&format!(
            ", Denoising strength: {denoise}, Hires upscale: {up}, Hires upscaler: {upscaler}"
        ));
    }
    if clip_skip {
        t.push_str(", Clip skip: 2");
    }
    if let Some((m, v)) = c.lora {
        // Quoted and comma-bearing, as doc/api.md warns parsers.
        t.push_str(&format!(
            ", Lora hashes: \"{}: {}, extra_detail: 0a1b2c3d4e5f\"",
            lora_file(m),
            v.hash()
        ));
    }
    t.push_str(", Version: v1.10.1");
    t
}

/// A small but well-formed ComfyUI graph: API-format `prompt` and UI `workflow`.
fn comfy_graph(c: &Common) -> Value {
    let ckpt = format!("{}.safetensors", lora_file(c.ckpt.0));
    let prompt = json!({
        "3": {"class_type": "KSampler", "inputs": {"seed": c.seed, "steps": c.steps, "cfg": c.cfg,
            "sampler_name": "euler_ancestral", "scheduler": "karras", "denoise": 1,
            "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": ckpt}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": c.width, "height": c.height, "batch_size": 1}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": c.prompt, "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": c.negative, "clip": ["4", 1]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}}
    });
    let nodes: Vec<Value> = [
        "KSampler",
        "CheckpointLoaderSimple",
        "EmptyLatentImage",
        "CLIPTextEncode",
        "CLIPTextEncode",
        "VAEDecode",
        "SaveImage",
    ]
    .iter()
    .enumerate()
    .map(|(k, ty)| json!({"id": k + 3, "type": ty}))
    .collect();
    let workflow =
        json!({"last_node_id": 9, "last_link_id": 9, "nodes": nodes, "links": [], "version": 0.4});
    json!({"prompt": prompt, "workflow": workflow})
}
