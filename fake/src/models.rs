//! `GET /api/v1/models/{id}`: a model and its versions, newest first, so a client can walk a
//! whole model version by version (doc/api.md, "Legacy database path").

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::app::App;
use super::catalog::{ModelKind, MODELS, UNPUBLISHED_VERSIONS};

/// The handler; an unknown id (or any id with the `no_models_api` mode) is a 404.
pub async fn model(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let modes = *app.modes.read().unwrap();
    let hidden = modes.no_models_api;
    let found = id
        .parse::<u64>()
        .ok()
        .and_then(|id| model_json(id, modes.public_only));
    match found {
        Some(body) if !hidden => Json(body).into_response(),
        _ => {
            let body = json!({ "error": format!("No model with id {id}") });
            (StatusCode::NOT_FOUND, Json(body)).into_response()
        }
    }
}

/// The model's JSON, or `None` for an id the catalog does not hold; `published_only` leaves out
/// the unpublished versions, as the reference's models.md says ordinary callers see it.
pub fn model_json(id: u64, published_only: bool) -> Option<Value> {
    let model = MODELS.iter().find(|m| m.id == id)?;
    let kind = match model.kind {
        ModelKind::Checkpoint => "Checkpoint",
        ModelKind::Lora => "LORA",
    };
    let versions: Vec<Value> = model
        .versions
        .iter()
        .rev()
        .filter(|v| !published_only || !UNPUBLISHED_VERSIONS.contains(&v.id))
        .map(|v| {
            json!({"id": v.id, "modelId": model.id, "name": v.name, "baseModel": v.base,
                "files": [], "images": [],
                "downloadUrl": format!("https://civitai.com/api/download/models/{}", v.id)})
        })
        .collect();
    Some(
        json!({"id": model.id, "name": model.name, "type": kind, "nsfw": false,
        "modelVersions": versions}),
    )
}
