//! `GenRecord`: one normalized view of how an image was made, whatever the source.
//!
//! This file holds only the shape and merging; the parsers (`a1111`, `comfy`, `api`, …)
//! build records through `normalize`, so nothing here depends on any of them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How an image was generated, normalized across the API and file sources.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GenRecord {
    /// Positive prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// Negative prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    /// Sampling steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<u32>,
    /// Sampler name (`DPM++ 2M Karras`, `euler`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sampler: Option<String>,
    /// Noise schedule (`Karras`, `normal`, …) when given apart from the sampler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduler: Option<String>,
    /// Classifier-free guidance scale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cfg_scale: Option<f64>,
    /// Seed; u64 because ComfyUI seeds go up to 2^64 - 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Width in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Checkpoint name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Checkpoint hash as written by the generator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_hash: Option<String>,
    /// CLIP skip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clip_skip: Option<u32>,
    /// Denoising strength (img2img, hires fix, ComfyUI `denoise`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denoising_strength: Option<f64>,
    /// Hires-fix settings, when any were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hires: Option<Hires>,
    /// LoRAs, embeddings, checkpoints… without duplicates.
    pub resources: Vec<Resource>,
    /// Resource entries not kept: a record keeps at most 100 resources, and entries after
    /// that which duplicate none of them are counted here. None when nothing was dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources_dropped: Option<u64>,
    /// Which program wrote the data (`A1111`, `Forge`, `ComfyUI`, `NovelAI`, `InvokeAI`,
    /// `SwarmUI`, `Fooocus`, `Civitai`, …), when a file tells; None for API records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generator: Option<String>,
    /// `"api"`, the image file path, or `sidecar:<path>`.
    pub source: String,
    /// Every other key, in source order.
    pub extra: Map<String, Value>,
}

/// Settings of a second pass over the first image: A1111 hires fix, a ComfyUI
/// upscale-and-resample, a SwarmUI refiner, or a plain model upscale.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hires {
    /// Upscaler name (`Latent`, `4x-UltraSharp`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upscaler: Option<String>,
    /// Upscale factor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upscale: Option<f64>,
    /// Steps of the second pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<u32>,
}

/// A model resource used for the image.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// Resource name (LoRA file name, checkpoint name, …); may be empty for a
    /// `civitaiResources` entry that only names a version id.
    pub name: String,
    /// Kind: `lora`, `lycoris`, `checkpoint`, `embed`, … as the source spelled it.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Strength / weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// Hash as written by the source (AutoV2, AutoV3, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// Civitai model version id (from `civitaiResources`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_version_id: Option<u64>,
}

impl Resource {
    /// A short name for lists: the resource's name, or `version N` when it has none.
    pub fn label(&self) -> String {
        match (self.name.trim(), self.model_version_id) {
            ("", Some(version)) => format!("version {version}"),
            (name, _) => name.to_string(),
        }
    }
}

/// Source label for records built from the API.
pub const API_SOURCE: &str = "api";

impl GenRecord {
    /// Fills every field of `self` that is unset from `other`; merges resources (without
    /// duplicates) and extras.
    pub fn merge_missing(&mut self, other: GenRecord) {
        fn fill<T>(mine: &mut Option<T>, theirs: Option<T>) {
            if mine.is_none() {
                *mine = theirs;
            }
        }
        fill(&mut self.prompt, other.prompt);
        fill(&mut self.negative_prompt, other.negative_prompt);
        fill(&mut self.steps, other.steps);
        fill(&mut self.sampler, other.sampler);
        fill(&mut self.scheduler, other.scheduler);
        fill(&mut self.cfg_scale, other.cfg_scale);
        fill(&mut self.seed, other.seed);
        fill(&mut self.width, other.width);
        fill(&mut self.height, other.height);
        fill(&mut self.model, other.model);
        fill(&mut self.model_hash, other.model_hash);
        fill(&mut self.clip_skip, other.clip_skip);
        fill(&mut self.denoising_strength, other.denoising_strength);
        fill(&mut self.hires, other.hires);
        fill(&mut self.generator, other.generator);
        if let Some(n) = other.resources_dropped {
            *self.resources_dropped.get_or_insert(0) += n;
        }
        self.add_resources(other.resources);
        for (k, v) in other.extra {
            self.extra.entry(k).or_insert(v);
        }
    }

    /// Whether the record holds placeholders rather than what was generated: a save node's
    /// `unknown` prompt or `Seed: 0` next to the real graph.
    pub(crate) fn is_placeholder(&self) -> bool {
        let unknown = |v: &Option<String>| v.as_deref().is_some_and(|t| t.trim() == "unknown");
        unknown(&self.prompt) || self.seed == Some(0) || self.prompt.is_none()
    }
}
