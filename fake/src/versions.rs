//! Model versions: `GET /api/v1/model-versions/{id}`, `/mini/{id}`, `/by-hash/{hash}` and
//! `POST /by-hash` (doc/api.md, "Model versions by hash"), over the catalog's versions.
//!
//! Every catalog version has one small model file whose bytes are [`model_file`]: tests
//! write it to disk and `civimg resources --have` finds it by hash. The version's hashes
//! are that file's (SHA-256, and AutoV2 = its first 10 hex digits, as Civitai shows it), and
//! the items' `meta` quotes the same AutoV2, so an image, the API and a file on disk agree.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::app::App;
use super::catalog::{Model, ModelKind, Version, MODELS};

/// Most hashes one `POST /by-hash` takes (doc/api.md: "up to 100").
pub const MAX_POST_HASHES: usize = 100;

/// Bytes of a model file: a few KiB, different for every version.
pub fn model_file(version_id: u64) -> Vec<u8> {
    let line = format!("civimg fake model file, version {version_id}\n");
    line.repeat(4096 / line.len() + 1).into_bytes()
}

/// The file name a version's model file has on the site (`Detail_Tweaker_v1.0.safetensors`).
pub fn model_file_name(version_id: u64) -> Option<String> {
    let (model, version) = find(version_id)?;
    let base = format!("{}_{}", model.name, version.name);
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Some(format!("{clean}.safetensors"))
}

/// The version with this id, and its model.
pub fn find(version_id: u64) -> Option<(&'static Model, &'static Version)> {
    MODELS.iter().find_map(|m| {
        let v = m.versions.iter().find(|v| v.id == version_id)?;
        Some((m, v))
    })
}

/// Hashes of one model file.
struct FileHashes {
    /// Lowercase hex SHA-256.
    sha256: String,
    /// Lowercase first 10 hex digits (A1111's `Model hash`, Civitai's AutoV2).
    autov2: String,
}

static HASHES: LazyLock<HashMap<u64, FileHashes>> = LazyLock::new(|| {
    MODELS
        .iter()
        .flat_map(|m| m.versions.iter())
        .map(|v| {
            let sha256 = hex(&Sha256::digest(model_file(v.id)));
            let autov2 = sha256[..10].to_string();
            (v.id, FileHashes { sha256, autov2 })
        })
        .collect()
});

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Version {
    /// The AutoV2 hash (lowercase) that items' `meta` quotes for this version.
    pub fn hash(&self) -> &'static str {
        &HASHES[&self.id].autov2
    }

    /// The lowercase hex SHA-256 of this version's model file.
    pub fn sha256(&self) -> &'static str {
        &HASHES[&self.id].sha256
    }
}

/// The version whose file has this hash (SHA-256 or AutoV2, any case).
fn by_hash(hash: &str) -> Option<u64> {
    let hash = hash.trim().to_ascii_lowercase();
    HASHES
        .iter()
        .find(|(_, h)| h.sha256 == hash || h.autov2 == hash)
        .map(|(id, _)| *id)
}

fn kind_name(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Checkpoint => "Checkpoint",
        ModelKind::Lora => "LORA",
    }
}

/// The full answer of `GET /api/v1/model-versions/{id}` (developer.civitai.com,
/// site/reference/model-versions).
pub fn version_json(version_id: u64) -> Option<Value> {
    let (model, v) = find(version_id)?;
    let size = model_file(v.id).len() as f64 / 1024.0;
    let download = format!("https://civitai.com/api/download/models/{}", v.id);
    Some(json!({
        "id": v.id, "modelId": model.id, "name": v.name, "description": null,
        "baseModel": v.base, "status": "Published", "availability": "Public",
        "createdAt": "2025-01-01T00:00:00.000Z", "trainedWords": [],
        "stats": {"downloadCount": 1000 + v.id, "thumbsUpCount": v.id % 97},
        "model": {"name": model.name, "type": kind_name(model.kind), "nsfw": false, "poi": false},
        "files": [{
            "id": 900_000 + v.id, "name": model_file_name(v.id), "type": "Model", "sizeKB": size,
            "metadata": {"format": "SafeTensor", "size": "pruned", "fp": "fp16"},
            "pickleScanResult": "Success", "virusScanResult": "Success",
            "hashes": {"AutoV2": v.hash().to_ascii_uppercase(), "SHA256": v.sha256().to_ascii_uppercase()},
            "downloadUrl": download, "primary": true
        }],
        "images": [],
        "downloadUrl": download
    }))
}

/// The small answer of `/mini/{id}`: names and where to download, no files or images.
fn mini_json(version_id: u64) -> Option<Value> {
    let (model, v) = find(version_id)?;
    Some(json!({
        "id": v.id, "name": v.name, "modelId": model.id, "modelName": model.name,
        "modelType": kind_name(model.kind), "baseModel": v.base, "status": "Published",
        "downloadUrl": format!("https://civitai.com/api/download/models/{}", v.id)
    }))
}

fn not_found() -> Response {
    let body = json!({"error": "Model not found"});
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

fn answer(found: Option<Value>) -> Response {
    match found {
        Some(body) => Json(body).into_response(),
        None => not_found(),
    }
}

/// `GET /api/v1/model-versions/{id}`.
pub async fn by_id(State(_app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    answer(id.parse().ok().and_then(version_json))
}

/// `GET /api/v1/model-versions/mini/{id}`.
pub async fn mini(State(_app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    answer(id.parse().ok().and_then(mini_json))
}

/// `GET /api/v1/model-versions/by-hash/{hash}`.
pub async fn get_by_hash(State(_app): State<Arc<App>>, Path(hash): Path<String>) -> Response {
    answer(by_hash(&hash).and_then(version_json))
}

/// `POST /api/v1/model-versions/by-hash` with a JSON array of up to 100 hashes: the versions
/// found, in no promised order; unknown hashes are left out.
pub async fn post_by_hash(State(_app): State<Arc<App>>, body: axum::body::Bytes) -> Response {
    let Ok(hashes) = serde_json::from_slice::<Vec<String>>(&body) else {
        let body = json!({"error": "Expected an array of hashes"});
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    };
    if hashes.len() > MAX_POST_HASHES {
        let body = json!({"error": format!("At most {MAX_POST_HASHES} hashes at a time")});
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let mut ids: Vec<u64> = hashes.iter().filter_map(|h| by_hash(h)).collect();
    ids.sort_unstable();
    ids.dedup();
    Json(Value::Array(
        ids.into_iter().filter_map(version_json).collect(),
    ))
    .into_response()
}
