//! `GET /api/v1/model-versions/{id}` (doc/api.md, official reference 15): a catalog version's
//! name, model and base model; an unknown id is a 404. (Minimal: issue 20's lane extends it.)

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::catalog::{ModelKind, MODELS};

/// The handler.
pub async fn version(Path(id): Path<String>) -> Response {
    let wanted = id.parse::<u64>().ok();
    let found = MODELS.iter().find_map(|m| {
        let v = m.versions.iter().find(|v| Some(v.id) == wanted)?;
        Some((m, v))
    });
    let Some((model, v)) = found else {
        let body = json!({ "error": format!("No model version with id {id}") });
        return (StatusCode::NOT_FOUND, Json(body)).into_response();
    };
    let kind = match model.kind {
        ModelKind::Checkpoint => "Checkpoint",
        ModelKind::Lora => "LORA",
    };
    Json(
        json!({"id": v.id, "modelId": model.id, "name": v.name, "baseModel": v.base,
        "model": {"name": model.name, "type": kind, "nsfw": false}, "files": [], "images": []}),
    )
    .into_response()
}
