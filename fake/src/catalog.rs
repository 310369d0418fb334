//! Fixed vocabularies of the fake dataset: users, models and versions, base models, tags, words.

/// A creator. `name: None` is a deleted account: its items carry `"username": null`.
pub struct User {
    /// Numeric id, matched by the `userId` parameter.
    pub id: u64,
    /// Username as emitted and matched (case-insensitively) by `username`.
    pub name: Option<&'static str>,
}

/// Every user of the generated dataset; see the module doc of `fake` for who holds what.
pub const USERS: &[User] = &[
    User {
        id: 1001,
        name: Some("alice_ai"),
    },
    User {
        id: 1002,
        name: Some("bob"),
    },
    User {
        id: 1003,
        name: Some("carol_x"),
    },
    User {
        id: 1004,
        name: Some("dave_art"),
    },
    User {
        id: 1005,
        name: Some("Eve_Renders"),
    },
    User {
        id: 1006,
        name: Some("frank99"),
    },
    User {
        id: 1007,
        name: Some("gina_comfy"),
    },
    User {
        id: 1008,
        name: Some("henry_sdxl"),
    },
    User {
        id: 1099,
        name: None,
    },
];

/// Index into [`USERS`] of each named user the generator treats specially.
pub const ALICE: usize = 0;
/// `bob`: exactly seven items.
pub const BOB: usize = 1;
/// `carol_x`: no PG item at all.
pub const CAROL: usize = 2;
/// `gina_comfy`: ComfyUI metadata only.
pub const GINA: usize = 6;

/// What a model is; decides how it shows in `meta.resources`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    /// A base checkpoint (one per image).
    Checkpoint,
    /// A LoRA added on top (`<lora:name:0.8>` in the prompt).
    Lora,
}

/// A model version: the unit of `modelVersionId` and `modelVersionIds`.
pub struct Version {
    /// `modelVersionId`.
    pub id: u64,
    /// Version label.
    pub name: &'static str,
    /// Exact base model name (one of [`BASE_MODELS`]).
    pub base: &'static str,
}

/// A model with its versions: the unit of `modelId`.
pub struct Model {
    /// `modelId`.
    pub id: u64,
    /// Display name, used in prompts and `meta.Model`.
    pub name: &'static str,
    /// Checkpoint or LoRA.
    pub kind: ModelKind,
    /// Versions, newest last.
    pub versions: &'static [Version],
}

/// A version; its hashes are its model file's (`versions.rs`, [`Version::hash`]).
const fn v(id: u64, name: &'static str, base: &'static str) -> Version {
    Version { id, name, base }
}

/// Models of the dataset. Video checkpoints are only used by videos.
pub const MODELS: &[Model] = &[
    Model {
        id: 101,
        name: "Realistic Vision",
        kind: ModelKind::Checkpoint,
        versions: &[v(1001, "V5.1", "SD 1.5"), v(1002, "V6.0 B1", "SD 1.5")],
    },
    Model {
        id: 102,
        name: "DreamShaper XL",
        kind: ModelKind::Checkpoint,
        versions: &[
            v(1011, "Turbo DPM++ SDE", "SDXL 1.0"),
            v(1012, "Lightning", "SDXL 1.0"),
        ],
    },
    Model {
        id: 103,
        name: "Pony Diffusion V6 XL",
        kind: ModelKind::Checkpoint,
        versions: &[v(1021, "V6 (start with this one)", "Pony")],
    },
    Model {
        id: 104,
        name: "WAI-NSFW-illustrious-SDXL",
        kind: ModelKind::Checkpoint,
        versions: &[
            v(1031, "v11.0", "Illustrious"),
            v(1032, "v12.0", "Illustrious"),
            v(1033, "v13.0", "Illustrious"),
        ],
    },
    Model {
        id: 105,
        name: "FLUX.1 [dev]",
        kind: ModelKind::Checkpoint,
        versions: &[v(1041, "fp8", "Flux.1 D")],
    },
    Model {
        id: 106,
        name: "Juggernaut XL",
        kind: ModelKind::Checkpoint,
        versions: &[v(1051, "Ragnarok", "SDXL 1.0")],
    },
    Model {
        id: 107,
        name: "NoobAI-XL",
        kind: ModelKind::Checkpoint,
        versions: &[v(1061, "Epsilon 1.1", "NoobAI")],
    },
    Model {
        id: 108,
        name: "Wan 2.1 T2V",
        kind: ModelKind::Checkpoint,
        versions: &[v(1071, "14B", "Wan Video")],
    },
    Model {
        id: 201,
        name: "Detail Tweaker",
        kind: ModelKind::Lora,
        versions: &[v(2001, "v1.0", "SD 1.5")],
    },
    Model {
        id: 202,
        name: "add-detail-xl",
        kind: ModelKind::Lora,
        versions: &[v(2011, "v1", "SDXL 1.0")],
    },
    Model {
        id: 203,
        name: "Pony Style Mix",
        kind: ModelKind::Lora,
        versions: &[v(2021, "v2", "Pony")],
    },
    Model {
        id: 204,
        name: "Flux Realism",
        kind: ModelKind::Lora,
        versions: &[v(2031, "v1", "Flux.1 D")],
    },
    Model {
        id: 205,
        name: "Anime Lineart",
        kind: ModelKind::Lora,
        versions: &[v(2041, "v3", "Illustrious")],
    },
];

/// Versions not published yet. With the `public_only` mode the models endpoint leaves them out
/// and their images are listed only on the exception class (reference models.md, images.md):
/// model 104's newest version, so a walk of that model by its listed versions misses it.
pub const UNPUBLISHED_VERSIONS: &[u64] = &[1033];

/// How a post is shared. With the `public_only` mode only public posts' images are listed
/// outside the exception class (reference images.md, "Which images are listed").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Availability {
    /// Listed everywhere.
    Public,
    /// Reachable by link only.
    Unlisted,
    /// Early access: for supporters first.
    EarlyAccess,
}

/// A post's availability, a pure function of its id: `id % 10 == 3` unlisted, `== 7` early
/// access, else public (about a fifth of the posts are hidden, spread over every user and model).
pub fn post_availability(post_id: u64) -> Availability {
    match post_id % 10 {
        3 => Availability::Unlisted,
        7 => Availability::EarlyAccess,
        _ => Availability::Public,
    }
}

/// Index of the video checkpoint in [`MODELS`].
pub const VIDEO_MODEL: usize = 7;
/// Number of image checkpoints at the head of [`MODELS`] (before the video one).
pub const IMAGE_CHECKPOINTS: usize = 7;

/// The names `baseModels` accepts; anything else is a 400 (doc/api.md, "baseModels").
pub const BASE_MODELS: &[&str] = &[
    "SD 1.4",
    "SD 1.5",
    "SD 1.5 LCM",
    "SD 2.0",
    "SD 2.1",
    "SDXL 1.0",
    "SDXL Turbo",
    "SDXL Lightning",
    "SD 3",
    "SD 3.5",
    "Pony",
    "Illustrious",
    "NoobAI",
    "Flux.1 S",
    "Flux.1 D",
    "Hunyuan Video",
    "Wan Video",
    "Other",
];

/// Tag ids and names (`withTags`, `tags`).
pub const TAGS: &[(u32, &str)] = &[
    (4, "anime"),
    (5, "photorealistic"),
    (6, "woman"),
    (8, "man"),
    (111, "landscape"),
    (213, "cat"),
    (292, "fantasy"),
    (414, "sci-fi"),
    (1930, "portrait"),
    (5262, "architecture"),
];

/// Prompt subjects.
pub const SUBJECTS: &[&str] = &[
    "a girl with silver hair",
    "an old lighthouse keeper",
    "a red fox in the snow",
    "a cyberpunk street market",
    "a knight in ornate armor",
    "a cat wearing a tiny hat",
    "a floating castle above the clouds",
    "a portrait of a smiling woman",
    "a vintage sports car",
    "an astronaut in a sunflower field",
    "a dragon sleeping on gold",
    "a cozy reading nook",
];

/// Prompt style fragments.
pub const STYLES: &[&str] = &[
    "masterpiece, best quality",
    "cinematic lighting, 35mm",
    "watercolor, soft pastel",
    "highly detailed, 8k, sharp focus",
    "studio ghibli style",
    "oil painting, impasto",
    "(dramatic lighting:1.2), volumetric fog",
    "score_9, score_8_up, score_7_up",
];

/// Negative prompts.
pub const NEGATIVES: &[&str] = &[
    "(worst quality, low quality:1.4), blurry",
    "easynegative, bad hands, extra fingers",
    "lowres, jpeg artifacts, watermark, signature",
    "",
];

/// Samplers as A1111 names them.
pub const SAMPLERS: &[&str] = &[
    "DPM++ 2M Karras",
    "Euler a",
    "DPM++ SDE Karras",
    "DPM++ 2M SDE",
    "Euler",
    "UniPC",
];

/// Unicode prompts, so clients handle non-ASCII text (module doc of `fake`).
pub const UNICODE_PROMPTS: &[&str] = &[
    "桜の木の下の少女, 夕焼け, 高品質",
    "café au lait, naïve still life — «natura morta» ✨",
    "Ёжик в тумане, акварель 🦔",
];
