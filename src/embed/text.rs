//! A record as A1111 `parameters` text: the prompt, `Negative prompt: …`, then one settings
//! line that starts with `Steps:`, as A1111, Forge, ComfyUI loaders, image browsers and
//! `civimg meta` read it (doc/api.md, "Generation parameters inside files").
//!
//! A value holding a comma, a colon, a quote or a line break is written JSON-quoted, as A1111
//! itself quotes. The resources go in `Civitai resources` (a JSON array, quoted), as Civitai's
//! own generator names them, and LoRA hashes in `Lora hashes` for A1111-only readers.

use serde_json::{json, Map, Value};

use crate::meta::{GenRecord, Resource};

/// Keys the record's own fields are written under, or that would repeat what is written;
/// extras with these names are left out.
const WRITTEN: &[&str] = &[
    "prompt",
    "negativeprompt",
    "steps",
    "sampler",
    "scheduletype",
    "scheduler",
    "cfgscale",
    "seed",
    "size",
    "width",
    "height",
    "model",
    "modelhash",
    "clipskip",
    "denoisingstrength",
    "hiresupscaler",
    "hiresupscale",
    "hiressteps",
    "lorahashes",
    "tihashes",
    "civitairesources",
    "civitaimetadata",
    "resources",
    "civitairesources",
    "hashes",
    "comfy",
    "workflow",
    "id",
    "basemodel",
    "nsfw",
    "draft",
    "extra",
];
/// Longest extra value written, in characters; longer ones are left out.
const MAX_EXTRA: usize = 500;

/// The A1111 text of a record; None when it holds neither a prompt nor a setting.
pub fn a1111_text(rec: &GenRecord) -> Option<String> {
    let mut settings: Vec<(String, String)> = Vec::new();
    let mut put = |key: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            settings.push((key.to_string(), v));
        }
    };
    put("Steps", rec.steps.map(|s| s.to_string()));
    put("Sampler", rec.sampler.clone());
    put("Schedule type", rec.scheduler.clone());
    put("CFG scale", rec.cfg_scale.map(|c| c.to_string()));
    put("Seed", rec.seed.map(|s| s.to_string()));
    if let (Some(w), Some(h)) = (rec.width, rec.height) {
        put("Size", Some(format!("{w}x{h}")));
    }
    put("Model hash", rec.model_hash.clone());
    put("Model", rec.model.clone());
    put(
        "Denoising strength",
        rec.denoising_strength.map(|d| d.to_string()),
    );
    put("Clip skip", rec.clip_skip.map(|c| c.to_string()));
    if let Some(h) = &rec.hires {
        put("Hires upscale", h.upscale.map(|u| u.to_string()));
        put("Hires steps", h.steps.map(|s| s.to_string()));
        put("Hires upscaler", h.upscaler.clone());
    }
    put("Lora hashes", lora_hashes(&rec.resources));
    for (key, value) in extras(rec) {
        put(&key, Some(value));
    }
    put("Civitai resources", civitai_resources(&rec.resources));
    let prompt = rec.prompt.as_deref().map(clean).unwrap_or_default();
    if prompt.trim().is_empty() && settings.is_empty() {
        return None;
    }
    let mut text = prompt;
    if let Some(neg) = rec.negative_prompt.as_deref().map(clean) {
        if !neg.trim().is_empty() {
            text.push_str("\nNegative prompt: ");
            text.push_str(&neg);
        }
    }
    let line: Vec<String> = settings
        .iter()
        .map(|(k, v)| format!("{k}: {}", quote(&clean(v))))
        .collect();
    if !line.is_empty() {
        text.push('\n');
        text.push_str(&line.join(", "));
    }
    Some(text)
}

/// Text without control characters other than line breaks and tabs (a NUL would end a PNG
/// text chunk; escapes have no place in a prompt); `\r\n` becomes `\n`.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// A1111's quoting: a value with `,`, `:`, `"` or a line break is written as a JSON string.
fn quote(value: &str) -> String {
    if value.contains([',', ':', '"', '\n']) {
        Value::String(value.to_string()).to_string()
    } else {
        value.to_string()
    }
}

/// `name: hash, name: hash` of the LoRA-like resources that have both.
fn lora_hashes(resources: &[Resource]) -> Option<String> {
    let pairs: Vec<String> = resources
        .iter()
        .filter(|r| {
            let kind = r.kind.as_deref().unwrap_or("").to_ascii_lowercase();
            matches!(kind.as_str(), "lora" | "lycoris" | "locon" | "dora")
        })
        .filter_map(|r| {
            let hash = r.hash.as_deref()?;
            let name = r.name.replace([',', ':'], "_");
            (!name.trim().is_empty()).then(|| format!("{}: {hash}", name.trim()))
        })
        .collect();
    (!pairs.is_empty()).then(|| pairs.join(", "))
}

/// Every resource as the API writes them (`name`, `type`, `weight`, `hash`,
/// `modelVersionId`): read back, they give the same resources.
fn civitai_resources(resources: &[Resource]) -> Option<String> {
    let list: Vec<Value> = resources
        .iter()
        .map(|r| {
            let mut m = Map::new();
            if !r.name.is_empty() {
                m.insert("name".into(), json!(r.name));
            }
            if let Some(k) = &r.kind {
                m.insert("type".into(), json!(k));
            }
            if let Some(w) = r.weight {
                m.insert("weight".into(), json!(w));
            }
            if let Some(h) = &r.hash {
                m.insert("hash".into(), json!(h));
            }
            if let Some(id) = r.model_version_id {
                m.insert("modelVersionId".into(), json!(id));
            }
            Value::Object(m)
        })
        .collect();
    (!list.is_empty()).then(|| Value::Array(list).to_string())
}

/// The record's other settings that are short strings or numbers under a plain key.
fn extras(rec: &GenRecord) -> Vec<(String, String)> {
    rec.extra
        .iter()
        .filter(|(k, _)| plain_key(k) && !WRITTEN.contains(&normalized(k).as_str()))
        .filter_map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            (text.chars().count() <= MAX_EXTRA).then(|| (k.clone(), text))
        })
        .collect()
}

/// A key A1111 readers take as one: letters, digits, spaces, `-`, `_`, `/`, at most 40.
fn plain_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '/'))
}

fn normalized(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .collect::<String>()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_with_commas_are_quoted_and_controls_dropped() {
        let rec = GenRecord {
            prompt: Some("a cat\u{0}, <lora:x:0.5>\r\nsecond line".into()),
            negative_prompt: Some("blurry".into()),
            steps: Some(20),
            sampler: Some("DPM++ 2M, Karras".into()),
            seed: Some(5),
            ..GenRecord::default()
        };
        let text = a1111_text(&rec).unwrap();
        assert_eq!(
            text,
            "a cat, <lora:x:0.5>\nsecond line\nNegative prompt: blurry\nSteps: 20, Sampler: \"DPM++ 2M, Karras\", Seed: 5"
        );
        assert_eq!(a1111_text(&GenRecord::default()), None);
    }

    #[test]
    fn the_text_reads_back_as_the_same_record() {
        let meta = json!({"prompt": "p, <lora:Foo:0.8>", "negativePrompt": "n", "seed": 7,
            "steps": 30, "sampler": "Euler a", "cfgScale": 6.5, "Size": "512x768",
            "Model": "RV", "Model hash": "abcdef0123", "Clip skip": "2", "VAE": "vae-ft",
            "resources": [{"name": "RV", "type": "model", "hash": "abcdef0123"},
                {"name": "Foo", "type": "lora", "weight": 0.8, "hash": "0123456789"}],
            "civitaiResources": [{"type": "checkpoint", "modelVersionId": 1001},
                {"type": "lora", "weight": 0.8, "modelVersionId": 2001}]});
        let api = GenRecord::from_api_meta(&meta).unwrap();
        let text = a1111_text(&api).unwrap();
        let back = crate::meta::a1111::parse(&text);
        assert_eq!(back.prompt, "p, <lora:Foo:0.8>");
        assert_eq!(back.negative_prompt.as_deref(), Some("n"));
        let get = |k: &str| {
            back.settings
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("Seed"), Some("7"));
        assert_eq!(get("VAE"), Some("vae-ft"));
        let listed: Value = serde_json::from_str(get("Civitai resources").unwrap()).unwrap();
        assert_eq!(listed.as_array().unwrap().len(), api.resources.len());
    }
}
