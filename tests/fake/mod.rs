//! A fake Civitai on loopback: `GET /api/v1/images` on one listener, the image CDN on another,
//! behaving as `shared/civitai/API.md` describes, for civimg's tests and offline try-outs.
//!
//! # Dataset (deterministic: same items every run for the same `images` count)
//! Items are generated oldest first; item `i` has id `10_000_000 + 13 * i`. "Now" is
//! 2026-11-01T00:00:00Z and `createdAt` is spread quadratically over ~3.8 years before it, so
//! every `period` window holds items. Users (`userId` in brackets):
//! - `alice_ai` (1001): ~30 % of items, all levels. Her levels follow her rank in the default sort
//!   (Most Reactions): ranks 60..190 are all above PG, the rest about half PG. So with the default
//!   PG filter her walk has short pages AND completely empty pages mid-walk at `limit=20` and
//!   `limit=50` (any `images` ≥ ~1000, including the default 1200).
//! - `bob` (1002): exactly 7 items (indices 5, 176, …, 1031): 5 PG, one PG-13, one R.
//! - `carol_x` (1003): ~6 %, none of them PG: at the default level her pages are all empty.
//! - `dave_art`, `Eve_Renders`, `frank99`, `gina_comfy` (ComfyUI meta only), `henry_sdxl`.
//! - a deleted user (1099): `username: null`.
//!
//! `username` matches case-insensitively; an unknown username is ignored and the unfiltered stream
//! comes back (API.md: "Deleted or renamed users can return unrelated images").
//!
//! Files: index `i % 40 == 17` is a video (`.mp4` url; MP4 bytes, except index 17: WebM);
//! `i % 300 == 150` a GIF; otherwise `i % 10` 6,7 → JPEG, 8 → WebP, else PNG (with real IHDR and
//! `parameters` / ComfyUI text chunks). Names always end `.jpeg` (videos `.mp4`). `i % 13 == 3`
//! is sent as `text/plain`, PNGs with `i % 13 == 8` as `image/jpeg`. Items created before
//! 2025-09-01 with `i % 5 == 1` use a `width=1024` url, `i % 5 == 3` `width=450,quality=90`.
//! Quirks: `i % 17 == 4` meta null even with `withMeta`; `i % 53 == 7` no `stats`; `i % 83 == 2`
//! `hash` null; `i % 101 == 9` no width/height; `i % 97 == 13` `postId` null; `i % 61 == 5` no
//! model (baseModel null, `modelVersionIds` empty); `i % 29 == 9` a unicode prompt.
//!
//! # Paths
//! The imageId path (`imageId` given) and the modelId-only path (`modelId` without `postId`,
//! `modelVersionId`, `username` or `userId`) emit a numeric `nextCursor` (the id of the next
//! page's first item) and wrap meta as `{"id", "meta"}`; elsewhere the cursor is `"offset|ms"`.

#![allow(dead_code, unused_imports)]

mod api;
mod app;
mod catalog;
mod dataset;
mod entries;
mod faults;
mod files;
mod generate;
mod images;
mod json;
mod meta;
mod page;
mod query;
mod record;
mod server;
mod util;

pub use faults::Fault;
pub use record::Recorded;
pub use server::{FakeCivitai, FakeConfig};
