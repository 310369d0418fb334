//! NovelAI: a `Comment` JSON (PNG text chunk, or inside a WebP EXIF UserComment JSON) with
//! `Description`, `Source` and `Software` beside it. V4 prompts carry a base caption and
//! per-character captions with their positions.

use serde_json::{json, Value};

use super::container::Entries;
use super::normalize;
use super::record::GenRecord;
use super::value::{json_object, Obj};

/// The NovelAI layout's entries, when present: the `Comment` object and its companions.
pub(crate) fn find(entries: &Entries) -> Option<(Obj, Obj)> {
    let mut side = Obj::new();
    for key in ["Description", "Source", "Software", "Title"] {
        if let Some(v) = entries.get(key) {
            side.insert(key.into(), Value::String(v.to_string()));
        }
    }
    if let Some(comment) = entries.get("Comment").and_then(json_object) {
        return Some((comment, side));
    }
    // WebP: the chunks' texts packed into one JSON object in the EXIF UserComment.
    let packed = entries.get("UserComment").and_then(json_object)?;
    let comment = packed.get("Comment")?.as_str().and_then(json_object)?;
    for (k, v) in packed {
        if k != "Comment" {
            side.entry(k).or_insert(v);
        }
    }
    Some((comment, side))
}

/// Whether the entries are NovelAI's.
pub(crate) fn detect(entries: &Entries) -> bool {
    let software = entries
        .get("Software")
        .is_some_and(|s| s.trim() == "NovelAI");
    software
        || find(entries).is_some_and(|(c, side)| {
            side.get("Software").and_then(Value::as_str) == Some("NovelAI")
                || (c.contains_key("uc") && c.contains_key("scale"))
        })
}

/// Builds the record.
pub(crate) fn record(entries: &Entries, source: &str) -> Option<GenRecord> {
    let (mut comment, side) = find(entries)?;
    let mut map = Obj::new();
    let base = caption(&comment, "v4_prompt");
    let prompt = comment
        .remove("prompt")
        .filter(Value::is_string)
        .or(base)
        .or_else(|| side.get("Description").cloned());
    map.extend(prompt.map(|p| ("prompt".to_string(), p)));
    let negative = comment
        .remove("uc")
        .or_else(|| caption(&comment, "v4_negative_prompt"));
    map.extend(negative.map(|n| ("negativePrompt".to_string(), n)));
    rename(
        &mut comment,
        &mut map,
        &[("scale", "cfgScale"), ("noise_schedule", "scheduler")],
    );
    rename(&mut comment, &mut map, &[("strength", "denoisingStrength")]);
    if let Some(chars) = characters(&comment) {
        map.insert("characterPrompts".into(), chars);
    }
    if let Some(src) = side.get("Source").and_then(Value::as_str) {
        let (model, hash) = split_source(src);
        map.insert("model".into(), Value::String(model.into()));
        map.extend(hash.map(|h| ("modelHash".to_string(), Value::String(h.into()))));
    }
    map.extend(comment);
    for (k, v) in side {
        if k != "Source" && k != "Description" {
            map.entry(k).or_insert(v);
        }
    }
    Some(normalize::from_map(map, source))
}

fn rename(from: &mut Obj, to: &mut Obj, pairs: &[(&str, &str)]) {
    for (old, new) in pairs {
        if let Some(v) = from.remove(*old) {
            to.insert((*new).into(), v);
        }
    }
}

/// `v4_prompt.caption.base_caption`.
fn caption(comment: &Obj, key: &str) -> Option<Value> {
    let c = comment.get(key)?.get("caption")?.get("base_caption")?;
    c.is_string().then(|| c.clone())
}

/// V4 character captions with their centers, and whether positions and order were used.
fn characters(comment: &Obj) -> Option<Value> {
    let v4 = comment.get("v4_prompt")?;
    let chars = v4.get("caption")?.get("char_captions")?.as_array()?;
    let list: Vec<Value> = chars
        .iter()
        .filter_map(|c| {
            let prompt = c.get("char_caption")?.as_str()?;
            let center = c.get("centers").and_then(|cs| cs.get(0)).cloned();
            Some(json!({"prompt": prompt, "center": center}))
        })
        .collect();
    (!list.is_empty()).then(|| {
        json!({"characters": list, "useCoords": v4.get("use_coords"), "useOrder": v4.get("use_order")})
    })
}

/// `Stable Diffusion 1D44365E` → (`Stable Diffusion`, `1D44365E`).
fn split_source(source: &str) -> (&str, Option<&str>) {
    match source.trim().rsplit_once(' ') {
        Some((model, hash)) if hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            (model, Some(hash))
        }
        _ => (source.trim(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::container::Entries;

    #[test]
    fn v4_png_chunks() {
        let comment = json!({"prompt": "2girls, dancing", "steps": 28, "scale": 5.0,
            "seed": 17, "sampler": "k_euler_ancestral", "noise_schedule": "karras",
            "width": 1024, "height": 832, "uc": "lowres",
            "v4_prompt": {"caption": {"base_caption": "2girls, dancing",
                "char_captions": [{"char_caption": "girl, ", "centers": [{"x": 0.5, "y": 0.3}]}]},
                "use_coords": true, "use_order": true}});
        let entries = Entries::from_texts(&[
            ("Software", "NovelAI"),
            ("Source", "NovelAI Diffusion V4.5 4BDE2A90"),
            ("Comment", &comment.to_string()),
        ]);
        assert!(detect(&entries));
        let rec = record(&entries, "n.png").unwrap();
        assert_eq!(rec.prompt.as_deref(), Some("2girls, dancing"));
        assert_eq!(rec.negative_prompt.as_deref(), Some("lowres"));
        assert_eq!(rec.cfg_scale, Some(5.0));
        assert_eq!(rec.scheduler.as_deref(), Some("karras"));
        assert_eq!((rec.width, rec.height), (Some(1024), Some(832)));
        assert_eq!(rec.model.as_deref(), Some("NovelAI Diffusion V4.5"));
        assert_eq!(rec.model_hash.as_deref(), Some("4BDE2A90"));
        let chars = &rec.extra["characterPrompts"];
        assert_eq!(chars["characters"][0]["prompt"], "girl, ");
        assert_eq!(chars["characters"][0]["center"]["x"], 0.5);
        assert_eq!(chars["useCoords"], true);
    }

    #[test]
    fn webp_user_comment_json_and_v4_negative() {
        let comment = json!({"steps": 23, "scale": 5, "seed": 9,
            "v4_prompt": {"caption": {"base_caption": "cat"}},
            "v4_negative_prompt": {"caption": {"base_caption": "dog"}}});
        let packed = json!({"Comment": comment.to_string(), "Software": "NovelAI"});
        let entries = Entries::from_texts(&[("UserComment", &packed.to_string())]);
        assert!(detect(&entries));
        let rec = record(&entries, "n.webp").unwrap();
        assert_eq!(rec.prompt.as_deref(), Some("cat"));
        assert_eq!(rec.negative_prompt.as_deref(), Some("dog"));
        assert_eq!(rec.steps, Some(23));
    }
}
