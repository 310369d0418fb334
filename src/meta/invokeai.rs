//! InvokeAI, in its three layouts: `invokeai_metadata` JSON (3.x and later), the older
//! `sd-metadata` JSON, and the legacy `Dream` command line (`"prompt [negative]" -s 50 …`).
//! Negative prompts in the older layouts are the `[bracketed]` parts of the prompt.

use serde_json::Value;

use super::container::Entries;
use super::normalize;
use super::record::GenRecord;
use super::value::{json_object, Obj};

/// Entry keys that only InvokeAI writes.
pub(crate) const KEYS: &[&str] = &[
    "invokeai_metadata",
    "sd-metadata",
    "Dream",
    "invokeai_graph",
];

/// Builds the record from whichever layout the file has, newest first.
pub(crate) fn record(entries: &Entries, source: &str) -> Option<GenRecord> {
    let map = if let Some(meta) = entries.get("invokeai_metadata").and_then(json_object) {
        modern(meta)
    } else if let Some(meta) = entries.get("sd-metadata").and_then(json_object) {
        legacy(meta)
    } else {
        dream(entries.get("Dream")?)
    };
    Some(normalize::from_map(map, source))
}

/// `invokeai_metadata`: InvokeAI calls its sampler `scheduler`; the model is an object.
fn modern(mut meta: Obj) -> Obj {
    let mut map = Obj::new();
    if let Some(s) = meta.remove("scheduler") {
        map.insert("sampler".into(), s);
    }
    if let Some(model) = meta.remove("model") {
        model_fields(&model, &mut map);
        map.insert("modelInfo".into(), model);
    }
    map.extend(meta);
    map
}

fn model_fields(model: &Value, map: &mut Obj) {
    let name = ["name", "model_name"]
        .iter()
        .find_map(|k| model.get(*k).filter(|v| v.is_string()));
    map.extend(name.map(|n| ("model".to_string(), n.clone())));
    let hash = model.get("hash").filter(|v| v.is_string());
    map.extend(hash.map(|h| ("modelHash".to_string(), h.clone())));
}

/// `sd-metadata`: the settings under `image`, the prompt a list of weighted parts.
fn legacy(mut meta: Obj) -> Obj {
    let mut map = Obj::new();
    if let Some(Value::Object(image)) = meta.remove("image") {
        for (k, v) in image {
            if k == "prompt" {
                let text = prompt_text(&v);
                split_negative(&text, &mut map);
            } else {
                map.insert(k, v);
            }
        }
    }
    // `model` names the architecture ("stable diffusion"); the checkpoint is in `model_weights`.
    if let Some(kind) = meta.remove("model") {
        map.insert("modelType".into(), kind);
    }
    if let Some(w) = meta.remove("model_weights") {
        map.insert("model".into(), w);
    }
    map.extend(meta);
    map
}

fn prompt_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("prompt")?.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// Splits `text [negative, parts]` into the prompt and the bracketed negative prompt.
fn split_negative(text: &str, map: &mut Obj) {
    let (mut prompt, mut negative, mut depth) = (String::new(), Vec::new(), 0usize);
    let mut current = String::new();
    for c in text.chars() {
        match (c, depth) {
            ('[', 0) => depth = 1,
            ('[', _) => {
                depth += 1;
                current.push(c);
            }
            (']', 1) => {
                depth = 0;
                negative.push(std::mem::take(&mut current).trim().to_string());
            }
            (']', d) if d > 1 => {
                depth -= 1;
                current.push(c);
            }
            (_, 0) => prompt.push(c),
            _ => current.push(c),
        }
    }
    map.insert("prompt".into(), Value::String(prompt.trim().to_string()));
    if !negative.is_empty() {
        map.insert("negativePrompt".into(), Value::String(negative.join(", ")));
    }
}

/// The `Dream` command line: a quoted prompt, then `-s steps -S seed -W width -H height
/// -C cfg -A sampler` and other switches kept as they are.
fn dream(line: &str) -> Obj {
    let mut map = Obj::new();
    let line = line.trim();
    let (prompt, rest) = match line.strip_prefix('"').and_then(|l| l.split_once('"')) {
        Some((p, rest)) => (p, rest),
        None => (line.split(" -").next().unwrap_or(line), ""),
    };
    split_negative(prompt, &mut map);
    let mut words = rest.split_whitespace().peekable();
    while let Some(flag) = words.next() {
        let Some(name) = flag.strip_prefix('-') else {
            continue;
        };
        let key = match name {
            "s" => "steps",
            "S" => "seed",
            "W" => "width",
            "H" => "height",
            "C" => "cfgScale",
            "A" => "sampler",
            other => other,
        };
        let mut values = Vec::new();
        while let Some(v) = words.next_if(|w| !w.starts_with('-') || w.parse::<f64>().is_ok()) {
            values.push(v);
        }
        map.insert(key.to_string(), Value::String(values.join(" ")));
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_layouts() {
        let modern = r#"{"positive_prompt": "a cat \n", "negative_prompt": "dog", "seed": 3,
            "cfg_scale": 6.0, "steps": 24, "scheduler": "euler_a", "width": 1024, "height": 1024,
            "model": {"name": "wai", "hash": "blake3:7c"}}"#;
        let rec = record(&Entries::from_texts(&[("invokeai_metadata", modern)]), "i").unwrap();
        assert_eq!(rec.prompt.as_deref(), Some("a cat \n"));
        assert_eq!(rec.sampler.as_deref(), Some("euler_a"));
        assert_eq!(rec.model.as_deref(), Some("wai"));
        assert_eq!(rec.model_hash.as_deref(), Some("blake3:7c"));

        let legacy = r#"{"model_weights": "deliberate", "model_hash": "56d1",
            "image": {"prompt": [{"prompt": "photo [ugly, blurry]", "weight": 1.0}],
            "steps": 50, "cfg_scale": 5, "seed": 29, "sampler": "k_lms"}}"#;
        let rec = record(&Entries::from_texts(&[("sd-metadata", legacy)]), "i").unwrap();
        assert_eq!(rec.prompt.as_deref(), Some("photo"));
        assert_eq!(rec.negative_prompt.as_deref(), Some("ugly, blurry"));
        assert_eq!(rec.model.as_deref(), Some("deliberate"));
        assert_eq!(rec.model_hash.as_deref(), Some("56d1"));

        let line =
            r#""photo of a duck [rendering]" -s 50 -S 2980 -W 512 -H 768 -C 5 -A k_lms -U 4 0.95"#;
        let rec = record(&Entries::from_texts(&[("Dream", line)]), "i").unwrap();
        assert_eq!(rec.prompt.as_deref(), Some("photo of a duck"));
        assert_eq!(rec.negative_prompt.as_deref(), Some("rendering"));
        assert_eq!(
            (rec.steps, rec.seed, rec.cfg_scale),
            (Some(50), Some(2980), Some(5.0))
        );
        assert_eq!((rec.width, rec.height), (Some(512), Some(768)));
        assert_eq!(rec.sampler.as_deref(), Some("k_lms"));
        assert_eq!(rec.extra["U"], "4 0.95");
    }
}
