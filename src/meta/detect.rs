//! Detection: names the generator from a file's entries (keys only one program writes
//! first, then the shape of JSON graphs, then patterns in text) and runs that
//! generator's parser. A file may hold several records (a save node's A1111 text beside
//! the real graph, a service's own JSON beside its graph): all are built, ranked, and
//! the best one with real values leads; the others fill its gaps.

use serde_json::Value;

use super::container::Entries;
use super::record::GenRecord;
use super::value::{json_object, Obj};
use super::{a1111, civitai, comfy, invokeai, json_params, novelai, swarmui};

/// Entries that may hold a whole settings text or JSON object.
const TEXT_KEYS: &[&str] = &[
    "parameters",
    "UserComment",
    "JPEG comment",
    "generation_data",
    "parameters-json",
];

/// One record a file holds, with its rank (lower leads) and the entries it came from.
struct Candidate {
    rank: u8,
    record: GenRecord,
    keys: Vec<String>,
}

/// The record of a file's entries, None when they hold no generation data.
/// Entries no parser used ride along in `extra` (moved, not copied: they may be large).
pub(crate) fn record(entries: Entries, source: &str) -> Option<GenRecord> {
    let mut found = candidates(&entries, source);
    found.sort_by_key(|c| c.rank);
    let lead = found
        .iter()
        .position(|c| !c.record.is_placeholder())
        .unwrap_or(0);
    if found.is_empty() {
        return None;
    }
    let first = found.remove(lead);
    let mut keys = first.keys;
    let mut rec = first.record;
    for other in found {
        // A placeholder (`unknown`, `Seed: 0`) fills nothing: its model hash, say, belongs to
        // another model. Its raw text stays under `extra`.
        if !other.record.is_placeholder() {
            keys.extend(other.keys);
            rec.merge_missing(other.record);
        }
    }
    if let Some(json) = entries.get("parameters-json").and_then(json_object) {
        stability_matrix(&mut rec, &json);
    }
    for (key, text) in entries.texts {
        if !keys.contains(&key) && key != "XMP" {
            rec.extra.entry(key).or_insert(Value::String(text));
        }
    }
    Some(rec)
}

/// Stability Matrix saves its graph and, in `parameters-json`, the prompts as the user typed
/// them (the graph's text may be what a wildcard or style made of them): those lead.
fn stability_matrix(rec: &mut GenRecord, json: &Obj) {
    rec.generator = Some("StabilityMatrix".into());
    let text = |k: &str| json.get(k).and_then(Value::as_str).map(str::to_string);
    rec.prompt = text("PositivePrompt").or(rec.prompt.take());
    rec.negative_prompt = text("NegativePrompt").or(rec.negative_prompt.take());
}

fn candidates(e: &Entries, source: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut push = |rank: u8, generator: &str, mut record: GenRecord, keys: &[&str]| {
        if !generator.is_empty() && record.generator.is_none() {
            record.generator = Some(generator.to_string());
        }
        let keys = keys.iter().map(|k| k.to_string()).collect();
        out.push(Candidate { rank, record, keys });
    };
    // Detection parses the `Comment` / `UserComment` JSON (a whole graph, for some files):
    // once per file.
    let is_novelai = novelai::detect(e);
    if is_novelai {
        if let Some(rec) = novelai::record(e, source) {
            let keys = [
                "Comment",
                "Description",
                "Source",
                "Software",
                "Title",
                "UserComment",
            ];
            push(0, "NovelAI", rec, &keys);
        }
    }
    if invokeai::KEYS.iter().any(|k| e.get(k).is_some()) {
        if let Some(rec) = invokeai::record(e, source) {
            push(0, "InvokeAI", rec, invokeai::KEYS);
        }
    }
    if e.get("prompt").is_some() || e.get("workflow").is_some() {
        let mut rec = comfy::from_texts(e.get("prompt"), e.get("workflow"));
        rec.source = source.to_string();
        push(3, "ComfyUI", rec, &["prompt", "workflow"]);
    }
    let fooocus = e.get("fooocus_scheme").is_some();
    for (key, text) in &e.texts {
        if !TEXT_KEYS.contains(&key.as_str()) || (key == "UserComment" && is_novelai) {
            continue;
        }
        // Outside PNG `parameters`, text is often ordinary text (a comment, a caption): a
        // record only when it has the shape of generation parameters or is JSON.
        let plain_place = matches!(key.as_str(), "UserComment" | "JPEG comment");
        if plain_place && json_object(text).is_none() && !a1111::looks_like_parameters(text) {
            continue;
        }
        let Some((rank, generator, rec)) = classify(text, source, fooocus) else {
            continue;
        };
        let keys = [key.as_str(), "fooocus_scheme"];
        push(rank, generator, rec, &keys);
    }
    out
}

/// What one settings text is: JSON by its keys and shape, else A1111 text.
fn classify(text: &str, source: &str, fooocus: bool) -> Option<(u8, &'static str, GenRecord)> {
    let Some(obj) = json_object(text) else {
        if text
            .trim_matches(|c: char| c.is_whitespace() || c == '\0')
            .is_empty()
        {
            return None;
        }
        let rec = a1111::record(text.trim_matches('\0'), source);
        return Some((5, a1111_flavour(&rec), rec));
    };
    if swarmui::detect(&obj) {
        return Some((1, "SwarmUI", swarmui::record(obj, source)?));
    }
    if civitai::detect(&obj) {
        return Some((2, "Civitai", civitai::record(obj, source)));
    }
    if let Some(rec) = comfy_json(&obj, source) {
        return Some((3, "ComfyUI", rec));
    }
    if json_params::detect(&obj) {
        let generator = json_params::generator(&obj, fooocus);
        let rank = if matches!(generator, "Gradio" | "StabilityMatrix") {
            4
        } else {
            1
        };
        return Some((rank, generator, json_params::record(obj, source)));
    }
    // Some other JSON: an API-style meta object.
    let mut rec = GenRecord::from_api_meta(&Value::Object(obj))?;
    rec.source = source.to_string();
    Some((6, "", rec))
}

/// A ComfyUI graph as JSON text: `{"prompt": {graph}, "workflow": {…}}` or a bare graph.
fn comfy_json(obj: &Obj, source: &str) -> Option<GenRecord> {
    let (prompt, workflow) = match obj.get("prompt") {
        Some(graph @ Value::Object(_)) => (graph.clone(), obj.get("workflow").cloned()),
        _ if comfy::looks_like_graph(obj) => (Value::Object(obj.clone()), None),
        _ => return None,
    };
    let mut rec = comfy::from_values(Some(prompt), workflow);
    rec.source = source.to_string();
    Some(rec)
}

/// Which program wrote A1111-style text, from its settings.
fn a1111_flavour(rec: &GenRecord) -> &'static str {
    let get = |k: &str| rec.extra.get(k).and_then(Value::as_str).unwrap_or("");
    let version = get("Version");
    if rec.extra.contains_key("Civitai resources") || rec.extra.contains_key("Civitai metadata") {
        "Civitai"
    } else if get("App") == "SD.Next" {
        "SD.Next"
    } else if version == "ComfyUI" {
        "ComfyUI"
    } else if version == "classic"
        || version == "neo"
        || (version.starts_with('f') && version[1..].starts_with(|c: char| c.is_ascii_digit()))
    {
        "Forge"
    } else {
        "A1111"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_graph_beats_a_placeholder_save_node_text() {
        let graph = r#"{"3": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 12,
            "cfg": 4.5, "sampler_name": "euler", "positive": ["6", 0], "latent_image": ["5", 0]}},
            "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 832, "height": 1216}},
            "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse"}}}"#;
        let text = "unknown\nNegative prompt: unknown\nSteps: 20, Seed: 0, Version: ComfyUI";
        let e = Entries::from_texts(&[("parameters", text), ("prompt", graph)]);
        let rec = record(e, "f").unwrap();
        assert_eq!(rec.prompt.as_deref(), Some("a lighthouse"));
        assert_eq!(rec.seed, Some(5));
        assert_eq!(rec.generator.as_deref(), Some("ComfyUI"));
        assert_eq!(rec.negative_prompt, None, "a placeholder fills no gap");
        assert!(rec.extra["parameters"]
            .as_str()
            .unwrap()
            .starts_with("unknown"));
    }

    #[test]
    fn a1111_flavours_and_other_chunks_ride_along() {
        let e = Entries::from_texts(&[
            ("parameters", "p\nSteps: 1, Version: f2.0.1v1.10.1"),
            ("Software", "x"),
        ]);
        let rec = record(e, "f").unwrap();
        assert_eq!(rec.generator.as_deref(), Some("Forge"));
        assert_eq!(rec.extra["Software"], "x");
        let e = Entries::from_texts(&[("UserComment", "p\nSteps: 1, App: SD.Next")]);
        assert_eq!(
            record(e, "f").unwrap().generator.as_deref(),
            Some("SD.Next")
        );
        assert!(record(Entries::from_texts(&[("Software", "x")]), "f").is_none());
    }

    #[test]
    fn settings_texts_dispatch_by_shape() {
        let rec = |t: &str| record(Entries::from_texts(&[("UserComment", t)]), "s");
        assert!(rec(" \0 ").is_none());
        assert_eq!(rec("hello\nSteps: 3").unwrap().steps, Some(3));
        let api = rec(r#"{"prompt": "p", "steps": 4}"#).unwrap();
        assert_eq!((api.prompt.as_deref(), api.steps), (Some("p"), Some(4)));
        let graph = r#"{"3": {"class_type": "KSampler", "inputs": {"seed": 99}}}"#;
        let comfy = rec(graph).unwrap();
        assert_eq!((comfy.seed, comfy.source.as_str()), (Some(99), "s"));
        let wrapped = format!(r#"{{"prompt": {graph}, "workflow": {{"nodes": []}}}}"#);
        assert_eq!(rec(&wrapped).unwrap().generator.as_deref(), Some("ComfyUI"));
    }

    // Issue 18: a comment or caption of ordinary text is a note, not an A1111 record.
    #[test]
    fn ordinary_text_in_a_comment_is_not_a_record() {
        for text in [
            "Screenshot",
            "re-saved in GIMP",
            "Sunset over the bay, 2019: Lisbon",
        ] {
            for key in ["UserComment", "JPEG comment"] {
                assert!(
                    record(Entries::from_texts(&[(key, text)]), "f").is_none(),
                    "{key}: {text}"
                );
            }
        }
        let comment =
            Entries::from_texts(&[("JPEG comment", "a cat\nSampler: Euler, Seed: 4, Size: 8x8")]);
        assert_eq!(record(comment, "f").unwrap().seed, Some(4));
        let beside = Entries::from_texts(&[
            ("parameters", "a cat\nSteps: 3"),
            ("JPEG comment", "Screenshot"),
        ]);
        let rec = record(beside, "f").unwrap();
        assert_eq!(rec.prompt.as_deref(), Some("a cat"));
        assert_eq!(rec.extra["JPEG comment"], "Screenshot", "kept as a note");
    }

    proptest::proptest! {
        #[test]
        fn any_text_in_any_entry_never_panics(s in "\\PC*", k in 0usize..8) {
            let keys = ["parameters", "UserComment", "prompt", "workflow", "Comment",
                "invokeai_metadata", "Dream", "sd-metadata"];
            let _ = record(Entries::from_texts(&[(keys[k], &s)]), "p");
        }
    }
}
