//! Videos that answer a still, audio items, and the second file host (doc/api.md, "Videos, audio,
//! collections"): `{fallback}/file/civitai-media-cache/{uuid}/original`.
//!
//! With `FakeConfig::video_stills`, generated video `i` behaves by `(i / 40) % 4`:
//! 0 every variant is the video; 1 `original=true` alone answers a one-frame WebP and
//! `original=true,quality=100` the video; 2 `quality=100` is a still too and only
//! `transcode=true,original=true` the video; 3 every variant is a still. The fallback host
//! always serves the real original (the MP4).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{middleware, Router};
use serde_json::{json, Value};

use super::app::App;
use super::dataset::{Entry, CDN_KEY};
use super::files::{FileSpec, Format};
use super::images::{file_seeded, stream_file, Shape};
use super::record::{record, Listener};
use super::util::{h, iso_ms, DAY_MS, NOW_MS};

/// The fallback host's path prefix before the uuid.
pub const FALLBACK_PREFIX: &str = "/file/civitai-media-cache/";

/// Filler salt of the fallback's copy when `FakeConfig::fallback_differs` is on.
const OTHER_COPY: u64 = 0x0B2B_2B2B;

/// Which stills class a video is in (module doc); 0 for everything else.
pub fn still_class(e: &Entry) -> u64 {
    e.gen
        .filter(|_| e.kind == "video")
        .map_or(0, |i| (i / 40) % 4)
}

/// The one-frame WebP a video answers under these variant options, if it does.
pub fn still_for(e: &Entry, options: &[&str]) -> Option<(FileSpec, &'static str)> {
    let quality = options.contains(&"quality=100");
    let transcode = options.contains(&"transcode=true");
    let still = match still_class(e) {
        1 => !quality && !transcode,
        2 => !transcode,
        3 => true,
        _ => false,
    };
    let dims = e.file.as_ref()?.dims;
    // RIFF sizes are even; a few KiB like a real first frame.
    let len = (2048 + h(e.id, 77) % 6000) & !1;
    still.then(|| {
        (
            FileSpec::new(Format::Webp, len, e.id, dims, &[]),
            "image/webp",
        )
    })
}

/// `n` audio items (`type: "audio"`, `.mp3` urls), newest in the last days before "now".
pub fn audio_items(n: usize, image_base: &str) -> Vec<Value> {
    let users = ["dave_art", "Eve_Renders"];
    (0..n as u64)
        .map(|k| {
            let uuid = format!("a0d10000-0000-4000-8000-{k:012x}");
            let url = format!("{image_base}/{CDN_KEY}/{uuid}/original=true/{uuid}.mp3");
            json!({
                "id": 20_000_000 + 13 * k,
                "url": url,
                "hash": null,
                "nsfwLevel": "None",
                "nsfw": false,
                "browsingLevel": 1,
                "type": "audio",
                "createdAt": iso_ms(NOW_MS - (k as i64 + 1) * DAY_MS / 3),
                "postId": 8_000_000 + k,
                "stats": {"likeCount": k % 5, "heartCount": 0, "commentCount": 0},
                "meta": null,
                "username": users[(k % 2) as usize],
                "baseModel": null,
                "modelVersionIds": [],
            })
        })
        .collect()
}

/// The router of the fallback listener.
pub fn fallback_router(app: Arc<App>) -> Router {
    let rec = app.recorder.clone();
    Router::new()
        .fallback(serve_fallback)
        .layer(middleware::from_fn_with_state(
            (rec, Listener::Fallback),
            record,
        ))
        .with_state(app)
}

/// The original behind a fallback path (another copy with `fallback_differs`).
pub fn fallback_file(app: &App, path: &str) -> Option<(FileSpec, &'static str)> {
    let uuid = path
        .strip_prefix(FALLBACK_PREFIX)?
        .strip_suffix("/original")?;
    let ds = app.dataset.read().unwrap();
    let entry = ds.by_uuid(uuid)?;
    let salt = if app.fallback_differs { OTHER_COPY } else { 0 };
    let bare = app.modes.read().unwrap().bare_originals;
    Some(file_seeded(entry, true, app.image_size, salt, bare))
}

async fn serve_fallback(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    match fallback_file(&app, uri.path()) {
        Some((spec, mime)) => stream_file(
            &app,
            &headers,
            spec,
            mime,
            (app.first_byte_delay, None, Shape::Normal),
        ),
        None => (StatusCode::NOT_FOUND, "Not Found").into_response(),
    }
}
