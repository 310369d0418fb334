//! The deterministic generator: the facts of item number `index` in a dataset of `n` items.
//!
//! Everything is a pure function of (`index`, `n`) except `browsingLevel` of `alice_ai`, which
//! [`assign_alice_levels`] sets from her rank in the default sort so her walk has short and
//! empty pages (doc/api.md: "pages are filtered after the page window is taken").

use super::catalog::{
    ModelKind, ALICE, BOB, CAROL, GINA, IMAGE_CHECKPOINTS, MODELS, TAGS, VIDEO_MODEL,
};
use super::files::Format;
use super::util::{days_from_civil, h, DAY_MS, NOW_MS};

/// Image and video dimensions the generator picks from.
const SIZES: &[(u64, u64)] = &[
    (512, 768),
    (768, 512),
    (832, 1216),
    (1024, 1024),
    (1216, 832),
    (896, 1152),
    (1024, 1536),
];

/// First item is this long before "now"; the oldest is about 3.8 years old.
const SPAN_MS: i64 = 1386 * DAY_MS;

/// Ranks (in alice's default sort order) whose items are all above PG: an empty run of 130.
pub const ALICE_EMPTY_RANKS: std::ops::Range<usize> = 60..190;

/// Everything the generator decides about one item.
pub struct Facts {
    /// Position in generation order (oldest first).
    pub index: u64,
    /// Image id: `10_000_000 + 13 * index`.
    pub id: u64,
    /// Index into `USERS`.
    pub user: usize,
    /// `createdAt` in ms since the epoch.
    pub created_ms: i64,
    /// Real type of the original file.
    pub format: Format,
    /// Checkpoint (model index, version index) into `MODELS`; `None`: no resources, no meta.
    pub ckpt: Option<(usize, usize)>,
    /// Optional LoRA (model index, version index).
    pub lora: Option<(usize, usize)>,
    /// Pixel width.
    pub width: u64,
    /// Pixel height.
    pub height: u64,
    /// ComfyUI metadata instead of A1111.
    pub comfy: bool,
    /// Browsing level bit (1, 2, 4, 8, 16 or 32).
    pub level: u32,
    /// Tag ids.
    pub tags: Vec<u32>,
    /// cry, laugh, like, dislike, heart, comment.
    pub stats: [u64; 6],
    /// Hidden count behind `Most Collected`.
    pub collected: u64,
    /// File uuid (url path segment and name).
    pub uuid: String,
    /// The url's options segment (`original=true`, or a legacy `width=…`).
    pub variant: &'static str,
    /// Natural size of the original in bytes.
    pub size: u64,
}

impl Facts {
    /// The facts of item `index` of `n` (alice's level is provisional, see module doc).
    pub fn generate(index: u64, n: u64) -> Facts {
        let i = index;
        let user = user_of(i);
        let created_ms = created(i, n);
        let format = format_of(i);
        let video = format.is_video();
        let ckpt = if video {
            Some((VIDEO_MODEL, 0))
        } else if i % 61 == 5 {
            None
        } else {
            let m = (h(i, 2) % IMAGE_CHECKPOINTS as u64) as usize;
            Some((m, (h(i, 3) % MODELS[m].versions.len() as u64) as usize))
        };
        let lora = ckpt
            .filter(|_| h(i, 4).is_multiple_of(3))
            .and_then(|(m, v)| lora_for(MODELS[m].versions[v].base));
        let (width, height) = if video {
            [(720, 1280), (1280, 720)][(h(i, 5) % 2) as usize]
        } else {
            SIZES[(h(i, 5) % SIZES.len() as u64) as usize]
        };
        let legacy = created_ms < days_from_civil(2025, 9, 1) * DAY_MS;
        let variant = match (legacy && !video, i % 5) {
            (true, 1) => "width=1024",
            (true, 3) => "width=450,quality=90",
            _ => "original=true",
        };
        let size = if video {
            60_000 + h(i, 6) % 240_000
        } else if format == Format::Webp {
            // RIFF chunks are padded to even sizes, so a whole WebP is even too.
            (4096 + h(i, 6) % 200_000) & !1
        } else {
            4096 + h(i, 6) % 200_000
        };
        Facts {
            index,
            id: 10_000_000 + 13 * index,
            user,
            created_ms,
            format,
            ckpt,
            lora,
            width,
            height,
            comfy: user == GINA || i % 23 == 5,
            level: level_of(i, user),
            tags: tags_of(i),
            stats: stats_of(i),
            collected: h(i, 7) % 500,
            uuid: uuid_of(i),
            variant,
            size,
        }
    }

    /// Sum of reactions, the key of `Most Reactions` (0 when `stats` is not emitted).
    pub fn reactions(&self) -> u64 {
        if self.stats_missing() {
            return 0;
        }
        let [cry, laugh, like, _dislike, heart, _comment] = self.stats;
        cry + laugh + like + heart
    }

    /// The comment count, the key of `Most Comments` (0 when `stats` is not emitted, as for
    /// reactions: the sort key is what an item shows).
    pub fn comments(&self) -> u64 {
        if self.stats_missing() {
            return 0;
        }
        self.stats[5]
    }

    /// Items whose `stats` field is absent from the JSON.
    pub fn stats_missing(&self) -> bool {
        self.index % 53 == 7
    }
}

/// `bob` owns exactly seven items, the rest is shared out by hash.
fn user_of(i: u64) -> usize {
    if i >= 5 && (i - 5).is_multiple_of(171) && (i - 5) / 171 < 7 {
        return BOB;
    }
    match h(i, 1) % 100 {
        0..=29 => ALICE,
        30..=35 => CAROL,
        36..=50 => 3,
        51..=62 => 4,
        63..=74 => 5,
        75..=84 => GINA,
        85..=94 => 7,
        _ => 8,
    }
}

/// Quadratic spread: dense near "now", so Day/Week/Month windows are all non-empty.
fn created(i: u64, n: u64) -> i64 {
    let f = (n - i) as f64 / n as f64;
    NOW_MS - 90_000 - (SPAN_MS as f64 * f * f) as i64
}

/// Real file types: mostly PNG, some JPEG and WebP, a few GIF, videos MP4 and one WebM.
fn format_of(i: u64) -> Format {
    if i % 40 == 17 {
        return if i == 17 { Format::Webm } else { Format::Mp4 };
    }
    if i % 300 == 150 {
        return Format::Gif;
    }
    match i % 10 {
        6 | 7 => Format::Jpeg,
        8 => Format::Webp,
        _ => Format::Png,
    }
}

fn level_of(i: u64, user: usize) -> u32 {
    match user {
        BOB => [1, 1, 2, 1, 4, 1, 1][((i - 5) / 171) as usize],
        CAROL => [2, 4, 8, 16][(h(i, 8) % 4) as usize],
        _ => match h(i, 8) % 100 {
            0..=54 => 1,
            55..=69 => 2,
            70..=84 => 4,
            85..=94 => 8,
            95..=98 => 16,
            _ => 32,
        },
    }
}

/// Level of alice's item at `rank` in her default (Most Reactions) order.
pub fn alice_level(index: u64, rank: usize) -> u32 {
    let r = h(index, 9);
    if ALICE_EMPTY_RANKS.contains(&rank) || r.is_multiple_of(2) {
        [2, 4, 8, 16][(r / 2 % 4) as usize]
    } else {
        1
    }
}

fn lora_for(base: &str) -> Option<(usize, usize)> {
    MODELS
        .iter()
        .position(|m| m.kind == ModelKind::Lora && m.versions[0].base == base)
        .map(|m| (m, 0))
}

fn tags_of(i: u64) -> Vec<u32> {
    let mut tags: Vec<u32> = (0..1 + h(i, 10) % 3)
        .map(|k| TAGS[(h(i, 11 + k) % TAGS.len() as u64) as usize].0)
        .collect();
    tags.sort_unstable();
    tags.dedup();
    tags
}

fn stats_of(i: u64) -> [u64; 6] {
    let like = (h(i, 12) % 1000).pow(2) / 2500;
    let heart = like / 3 + h(i, 13) % 5;
    [
        h(i, 14) % 3,
        h(i, 15) % 7,
        like,
        u64::from(h(i, 16).is_multiple_of(10)),
        heart,
        h(i, 17) % 30,
    ]
}

fn uuid_of(i: u64) -> String {
    let (a, b) = (h(i, 30), h(i, 31));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFF,
        ((b >> 48) & 0x3FFF) | 0x8000,
        b & 0xFFFF_FFFF_FFFF
    )
}

/// A BlurHash-looking string from a pool of 29: deliberately NOT unique (doc/api.md, `hash`).
pub fn blurhash(i: u64) -> String {
    const B83: &[u8] =
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";
    let seed = h(i, 18) % 29;
    (0..36)
        .map(|k| B83[(h(seed, 100 + k) % 83) as usize] as char)
        .collect()
}
