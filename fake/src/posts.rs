//! `GET /api/v1/posts/{id}` (doc/api.md, official reference 14): a post's title, tags, user and
//! its first 100 images in the uploader's order, `meta` always null; an unknown post is a 404.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::app::App;
use super::json::MetaMode;

/// Most images a post answer holds (the rest come from `/images?postId=`).
const POST_IMAGES: usize = 100;

/// The handler.
pub async fn post(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let ds = app.dataset.read().unwrap();
    let wanted = id.parse::<u64>().ok();
    let mut entries: Vec<_> = ds
        .entries
        .iter()
        .filter(|e| wanted.is_some() && e.post_id == wanted)
        .collect();
    if entries.is_empty() {
        let body = json!({ "error": format!("No post with id {id}") });
        return (StatusCode::NOT_FOUND, Json(body)).into_response();
    }
    entries.sort_by_key(|e| e.id);
    let images: Vec<Value> = entries
        .iter()
        .take(POST_IMAGES)
        .map(|e| {
            let mut item = ds.render_value(e, MetaMode::Flat, (false, false));
            item["meta"] = Value::Null;
            item
        })
        .collect();
    let first = &entries[0];
    let user = json!({"id": first.user_id, "username": images[0]["username"]});
    Json(
        json!({"id": wanted, "title": format!("Post {id}"), "tags": [], "user": user,
        "images": images}),
    )
    .into_response()
}
