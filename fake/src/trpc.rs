//! The site's own tRPC `GET /api/trpc/image.getInfinite?input={"json":{…}}` for collections
//! (doc/api.md, "Videos, audio, collections": there is no REST listing of a collection's images).
//!
//! Collections: 5001 holds every generated item with index `i % 9 == 4`, 5002 those with
//! `i % 11 == 6` (the two share items), 5003 is empty; any other id is a tRPC NOT_FOUND. Items come
//! in tRPC's shape: `url` is a bare uuid, `nsfwLevel` a number, stats end in `AllTime`, the
//! user is an object. `nextCursor` is a JSON number (an offset); a cursor of another JSON type
//! is a BAD_REQUEST, so a client must send it back as it came.

use std::sync::Arc;

use axum::extract::{Query as UrlQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::app::App;
use super::dataset::{Dataset, Entry};
use super::json::MetaMode;
use super::query::Sort;

/// The version `modelVersionId` names on `i % 4 == 1`: a version no item's resources list.
const UNLISTED_POST_VERSION: u64 = 999_001;

/// The collections the fake knows, and which generated items they hold.
pub fn holds(collection: u64, e: &Entry) -> Option<bool> {
    let i = e.gen;
    match collection {
        5001 => Some(i.is_some_and(|i| i % 9 == 4)),
        5002 => Some(i.is_some_and(|i| i % 11 == 6)),
        5003 => Some(false),
        _ => None,
    }
}

/// The handler.
pub async fn infinite(
    State(app): State<Arc<App>>,
    headers: axum::http::HeaderMap,
    UrlQuery(q): UrlQuery<std::collections::HashMap<String, String>>,
) -> Response {
    let keyed = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer ") && v.len() > 7);
    if app.modes.read().unwrap().collections_need_key && !keyed {
        return error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "Please log in");
    }
    let input: Option<Value> = q.get("input").and_then(|i| serde_json::from_str(i).ok());
    let Some(input) = input.as_ref().and_then(|i| i.get("json")) else {
        return error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "input is not tRPC JSON",
        );
    };
    let ds = app.dataset.read().unwrap();
    match page(&ds, input) {
        Ok(body) => Json(body).into_response(),
        Err((status, code, message)) => error(status, code, message),
    }
}

type Refusal = (StatusCode, &'static str, &'static str);

fn page(ds: &Dataset, input: &Value) -> Result<Value, Refusal> {
    let bad = |m| (StatusCode::BAD_REQUEST, "BAD_REQUEST", m);
    let collection = input["collectionId"]
        .as_u64()
        .ok_or(bad("collectionId is required"))?;
    let limit = input
        .get("limit")
        .map_or(Some(50), Value::as_u64)
        .ok_or(bad("limit"))?;
    let limit = usize::try_from(limit.clamp(1, 200)).unwrap_or(50);
    let start = match input.get("cursor") {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) => n.as_u64().ok_or(bad("cursor"))? as usize,
        Some(_) => return Err(bad("Expected number, received string")),
    };
    let levels = input["browsingLevel"].as_u64().unwrap_or(1) as u32;
    let types: Option<Vec<&str>> = input["types"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect());
    let sort = input["sort"]
        .as_str()
        .and_then(|s| Sort::NAMES.iter().position(|n| *n == s));
    let sort = sort.map_or(Sort::Newest, |k| Sort::ALL[k]);
    let with_meta = input["withMeta"].as_bool().unwrap_or(false);
    let mut list: Vec<&Entry> = Vec::new();
    for e in ordered(ds, sort) {
        match holds(collection, e) {
            None => return Err((StatusCode::NOT_FOUND, "NOT_FOUND", "Collection not found")),
            Some(true)
                if e.level & levels != 0
                    && types.as_ref().is_none_or(|t| t.contains(&e.kind.as_str())) =>
            {
                list.push(e)
            }
            Some(_) => {}
        }
    }
    let end = start.saturating_add(limit).min(list.len());
    let items: Vec<Value> = list[start.min(end)..end]
        .iter()
        .map(|e| {
            trpc_item(
                &ds.render_value(e, MetaMode::Flat, (false, true)),
                e,
                with_meta,
            )
        })
        .collect();
    let next = (end < list.len()).then_some(end);
    let dates: Map<String, Value> = (0..items.len())
        .map(|k| (format!("items.{k}.createdAt"), json!(["Date"])))
        .collect();
    Ok(
        json!({"result": {"data": {"json": {"items": items, "nextCursor": next},
        "meta": {"values": dates}}}}),
    )
}

/// Oracle: an item as a collection page gives it, with its meta.
pub fn collection_item(ds: &Dataset, e: &Entry) -> Value {
    trpc_item(&ds.render_value(e, MetaMode::Flat, (false, true)), e, true)
}

/// Oracle: the ids of a collection newest first, at these browsing levels.
pub fn collection_ids(ds: &Dataset, collection: u64, levels: u32) -> Vec<u64> {
    ordered(ds, Sort::Newest)
        .into_iter()
        .filter(|e| holds(collection, e) == Some(true) && e.level & levels != 0)
        .map(|e| e.id)
        .collect()
}

/// Entries in a sort's order (every generated and added item; `holds` picks the collection's).
fn ordered(ds: &Dataset, sort: Sort) -> Vec<&Entry> {
    let key = super::query::ListKey {
        sort,
        since_ms: None,
        post: None,
        model: None,
        version: None,
        image: None,
        user_id: None,
        username: None,
        public_only: false,
    };
    ds.candidates(&key)
        .iter()
        .map(|&k| &ds.entries[k as usize])
        .collect()
}

/// A REST item (rendered with its `thumbnail`) in tRPC's shape. tRPC adds fields REST lacks:
/// `publishedAt`, `mimeType`, `metadata` (a video's `duration` in seconds), the single
/// `modelVersionId` the post was made for (here: the first listed version on even indices, on
/// `i % 4 == 1` one the list lacks) and `thumbnailUrl` (a video's still: the REST item's
/// `thumbnail.url`; whether the real one is a URL or a bare uuid is not known, civimg takes both).
fn trpc_item(rest: &Value, e: &Entry, with_meta: bool) -> Value {
    let url = rest["url"].as_str().unwrap_or("");
    let mut parts = url.rsplit('/');
    let name = parts.next().unwrap_or("");
    let uuid = parts.nth(1).unwrap_or("");
    let stat = |k: &str| rest["stats"][k].clone();
    let i = e.gen.unwrap_or(0);
    let version = match i % 4 {
        0 | 2 => e.versions.first().copied(),
        1 => Some(UNLISTED_POST_VERSION),
        _ => None,
    };
    let video = e.kind == "video";
    let mut metadata =
        json!({"hash": rest["hash"], "width": rest["width"], "height": rest["height"]});
    if video {
        metadata["duration"] = json!(3.0 + (i % 20) as f64 / 4.0);
    }
    json!({
        "id": e.id, "name": name, "url": uuid, "nsfwLevel": e.level,
        "width": rest["width"], "height": rest["height"], "hash": rest["hash"],
        "hideMeta": false, "hasMeta": !rest["meta"].is_null(),
        "createdAt": rest["createdAt"], "publishedAt": rest["createdAt"],
        "mimeType": if e.kind == "video" { "video/mp4" } else { "image/jpeg" },
        "type": e.kind, "postId": rest["postId"],
        "stats": rest["stats"].is_object().then(|| json!({
            "likeCountAllTime": stat("likeCount"), "heartCountAllTime": stat("heartCount"),
            "laughCountAllTime": stat("laughCount"), "cryCountAllTime": stat("cryCount"),
            "dislikeCountAllTime": stat("dislikeCount"),
            "commentCountAllTime": stat("commentCount"),
            "collectedCountAllTime": 0, "tippedAmountCountAllTime": 0})),
        "user": {"id": e.user_id, "username": rest["username"], "image": null},
        "baseModel": rest["baseModel"], "modelVersionIds": rest["modelVersionIds"],
        "modelVersionId": version, "metadata": metadata,
        "thumbnailUrl": rest["thumbnail"]["url"],
        "tagIds": e.tags,
        "meta": if with_meta { rest["meta"].clone() } else { Value::Null },
    })
}

/// tRPC's error shape (superjson under `json`).
fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"json": {"message": message, "code": -32600,
        "data": {"code": code, "httpStatus": status.as_u16(), "path": "image.getInfinite"}}}});
    (status, Json(body)).into_response()
}
