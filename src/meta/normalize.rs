//! The one normalization: a flat key/value map, as any generator writes it once its own
//! layout is undone, becomes a [`GenRecord`]. Known keys (under any of their spellings)
//! become typed fields; every other key lands in `extra`, and a known key whose value
//! cannot be parsed stays in `extra` as it came.

use serde_json::Value;

use super::record::{GenRecord, Hires};
use super::resources;
use super::value::{as_f64, as_size, as_string, as_u32, as_u64, norm_eq, take, Obj};

/// Spellings of each field across generators, normalized (lowercase, no ` `, `_`, `-`),
/// most specific first.
const PROMPT: &[&str] = &["prompt", "positiveprompt"];
const NEGATIVE: &[&str] = &["negativeprompt", "negative", "uc"];
const STEPS: &[&str] = &["steps", "numinferencesteps"];
const SAMPLER: &[&str] = &["sampler", "samplername", "ksamplername"];
const SCHEDULER: &[&str] = &["scheduletype", "scheduler", "schedule", "noiseschedule"];
const CFG: &[&str] = &["cfgscale", "cfg", "guidancescale"];
const SIZE: &[&str] = &["size", "resolution"];
const MODEL: &[&str] = &[
    "model",
    "basemodelname",
    "basemodel",
    "modelname",
    "modelweights",
];
const MODEL_HASH: &[&str] = &["modelhash", "basemodelhash"];
const DENOISE: &[&str] = &["denoisingstrength", "denoise"];

/// Builds a record from a flat map found in `source` (a path, `api`, …).
pub(crate) fn from_map(map: Obj, source: &str) -> GenRecord {
    let mut rec = GenRecord {
        source: source.to_string(),
        ..GenRecord::default()
    };
    take_fields(&mut rec, map);
    finish(&mut rec);
    rec
}

/// Moves the known keys of `map` into typed fields; the rest goes to `extra`.
fn take_fields(rec: &mut GenRecord, mut map: Obj) {
    rec.prompt = take(&mut map, PROMPT, as_string);
    rec.negative_prompt = take(&mut map, NEGATIVE, as_string);
    rec.steps = take(&mut map, STEPS, as_u32);
    rec.sampler = take(&mut map, SAMPLER, as_string);
    rec.scheduler = take(&mut map, SCHEDULER, as_string);
    rec.cfg_scale = take(&mut map, CFG, as_f64);
    rec.seed = take(&mut map, &["seed"], as_u64);
    if let Some((w, h)) = take(&mut map, SIZE, as_size) {
        (rec.width, rec.height) = (Some(w), Some(h));
    }
    rec.width = rec.width.or_else(|| take(&mut map, &["width"], as_u32));
    rec.height = rec.height.or_else(|| take(&mut map, &["height"], as_u32));
    rec.model = take(&mut map, MODEL, as_string);
    rec.model_hash = take(&mut map, MODEL_HASH, as_string);
    rec.clip_skip = take(&mut map, &["clipskip"], as_u32);
    rec.denoising_strength = take(&mut map, DENOISE, as_f64);
    let hires = Hires {
        upscaler: take(&mut map, &["hiresupscaler"], as_string),
        upscale: take(&mut map, &["hiresupscale", "hiresscale"], as_f64),
        steps: take(&mut map, &["hiressteps"], as_u32),
    };
    if hires != Hires::default() {
        rec.hires = Some(hires);
    }
    for (key, kind) in [("lorahashes", "lora"), ("tihashes", "embed")] {
        if let Some((_, Value::String(list))) = map.iter().find(|(k, _)| norm_eq(k, key)) {
            rec.add_resources(resources::from_hash_list(list, kind));
        }
    }
    for (key, value) in map {
        rec.extra.insert(key, value);
    }
}

/// Adds `<lora:…>` tags from the prompt, then merges duplicate resources.
pub(crate) fn finish(rec: &mut GenRecord) {
    let prompt = rec.prompt.take();
    let tags = prompt.as_deref().map(resources::from_prompt_tags);
    rec.add_resources(tags.into_iter().flatten());
    rec.prompt = prompt;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Obj {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn every_spelling_lands_in_one_field() {
        let fooocus = from_map(
            obj(
                json!({"prompt": "p", "negative_prompt": "n", "guidance_scale": 4,
                "base_model": "juggernaut", "base_model_hash": "aeb7", "resolution": "(768, 1280)",
                "seed": "6952411511246973023", "sharpness": 2}),
            ),
            "f",
        );
        assert_eq!(fooocus.cfg_scale, Some(4.0));
        assert_eq!(fooocus.model.as_deref(), Some("juggernaut"));
        assert_eq!(fooocus.model_hash.as_deref(), Some("aeb7"));
        assert_eq!((fooocus.width, fooocus.height), (Some(768), Some(1280)));
        assert_eq!(fooocus.seed, Some(6952411511246973023));
        assert_eq!(fooocus.extra["sharpness"], 2);
        let gradio = from_map(
            obj(
                json!({"Prompt": "p", "Negative": "n", "num_inference_steps": 20,
                "resolution": "1024 x 1024", "seed": -1}),
            ),
            "g",
        );
        assert_eq!(gradio.negative_prompt.as_deref(), Some("n"));
        assert_eq!(gradio.steps, Some(20));
        assert_eq!(gradio.width, Some(1024));
        assert_eq!(gradio.seed, None, "-1 means random: not a seed");
        assert_eq!(gradio.extra["seed"], -1);
    }
}
