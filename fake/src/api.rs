//! The API listener: `GET /api/v1/images` and the `/__fake/…` control endpoints.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use futures::StreamExt;
use serde_json::json;

use super::app::App;
use super::faults::Fault;
use super::page::{render, PageError, Serve};
use super::query::{zod_body, Query};
use super::record::{record, Listener, Recorder};

/// The router of the API listener.
pub fn router(app: Arc<App>) -> Router {
    let rec: Arc<Recorder> = app.recorder.clone();
    Router::new()
        .route("/api/v1/images", get(images))
        .route("/api/v1/models/{id}", get(super::models::model))
        .route("/api/v1/posts/{id}", get(super::posts::post))
        .route("/api/v1/model-versions/{id}", get(super::versions::by_id))
        .route(
            "/api/v1/model-versions/mini/{id}",
            get(super::versions::mini),
        )
        .route(
            "/api/v1/model-versions/by-hash/{hash}",
            get(super::versions::get_by_hash),
        )
        .route(
            "/api/v1/model-versions/by-hash",
            post(super::versions::post_by_hash),
        )
        .route("/api/trpc/image.getInfinite", get(super::trpc::infinite))
        .route("/__fake/fault", post(inject))
        .route("/__fake/mode", post(set_mode))
        .route("/__fake/requests", get(requests))
        .route("/__fake/stats", get(stats))
        .route("/__fake/clear", post(clear))
        .route("/__fake/expire_cursors", post(expire_cursors))
        .fallback(|| async { (StatusCode::NOT_FOUND, Json(json!({"error": "Not Found"}))) })
        .layer(middleware::from_fn_with_state((rec, Listener::Api), record))
        .with_state(app)
}

async fn images(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let started = Instant::now();
    let response = images_inner(&app, &headers, raw.as_deref().unwrap_or(""));
    app.server_time_us
        .fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
    response
}

fn images_inner(app: &App, headers: &HeaderMap, raw: &str) -> Response {
    if raw == "loop" {
        return loop_response();
    }
    // Edge faults come before the application sees the request.
    let mut serve = Serve {
        epoch: app.cursor_epoch.load(Ordering::SeqCst),
        ..Serve::default()
    };
    let mut statement_timeout = false;
    match app.faults.next_api() {
        Some(Fault::RepeatCursor) => serve.repeat = true,
        Some(Fault::OldCursor) => serve.old_cursor = true,
        Some(Fault::StatementTimeout) => statement_timeout = true,
        Some(f) => return fault_response(f),
        None => {}
    }
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_string();
    let ds = app.dataset.read().unwrap();
    let modes = *app.modes.read().unwrap();
    let mut query = match Query::parse(pairs, &ds, modes) {
        Ok(q) => q,
        Err(issues) => return (StatusCode::BAD_REQUEST, Json(zod_body(&issues))).into_response(),
    };
    if modes.anon_pg && !has_bearer(headers) {
        // Reference images.md, "Auth": anonymous callers are capped at the public level.
        query.levels &= 1;
    }
    if statement_timeout {
        // Only a model walk on the legacy path runs that long (doc/api.md, "Legacy database
        // path"): any other request passes the fault on to the next one.
        if query.numeric_path && query.key.image.is_none() {
            return fault_response(Fault::StatementTimeout);
        }
        app.faults.requeue_front(Fault::StatementTimeout);
    }
    if serve.old_cursor && query.cursor.is_some() {
        // Only a first page hands out an old cursor: keep the fault for the next request.
        app.faults.requeue_front(Fault::OldCursor);
        serve.old_cursor = false;
    }
    match render(&ds, &query, &host, serve, modes) {
        Ok(page) => {
            if serve.repeat && query.cursor.is_none() && page.has_next {
                // First page: the page after it repeats the cursor it is given (Fault doc).
                app.faults.requeue_front(Fault::RepeatCursor);
            }
            json_response(StatusCode::OK, page.body)
        }
        Err(PageError::Zod(issues)) => {
            (StatusCode::BAD_REQUEST, Json(zod_body(&issues))).into_response()
        }
        Err(PageError::PageCap) => {
            let body =
                json!({"error": "You've requested too many pages, please use cursors instead"});
            (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response()
        }
        Err(PageError::Plain(status, message)) => {
            let status = StatusCode::from_u16(status).expect("a valid status");
            (status, Json(json!({ "error": message }))).into_response()
        }
        Err(PageError::Message(status, message)) => {
            let status = StatusCode::from_u16(status).expect("a valid status");
            (status, Json(json!({ "message": message }))).into_response()
        }
    }
}

/// Whether the request carries `Authorization: Bearer <something>` (any key counts: the fake
/// has no accounts).
fn has_bearer(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|key| !key.trim().is_empty())
}

fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

fn with_retry_after(mut r: Response, retry_after: Option<u64>) -> Response {
    if let Some(secs) = retry_after {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    r
}

/// A redirect to `?loop`, which redirects to itself.
fn loop_response() -> Response {
    let to = [(header::LOCATION, "/api/v1/images?loop")];
    (StatusCode::FOUND, to).into_response()
}

/// The response of an API fault (doc/api.md, "Errors and limits").
fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::Api429 { retry_after } => {
            with_retry_after(json_response(StatusCode::TOO_MANY_REQUESTS, json!({"error": "Too Many Requests"}).to_string()), retry_after)
        }
        Fault::Api503 { retry_after } => with_retry_after(
            json_response(StatusCode::SERVICE_UNAVAILABLE, json!({"error": "Server busy, please retry shortly."}).to_string()),
            retry_after,
        ),
        Fault::ApiOverloaded { retry_after } => with_retry_after(
            json_response(StatusCode::SERVICE_UNAVAILABLE, json!({"error": "Image search is temporarily overloaded — please retry."}).to_string()),
            retry_after,
        ),
        Fault::StatementTimeout => json_response(StatusCode::OK, "{\"items\":[],\"metadata\":{}}".into()),
        Fault::Api451 => json_response(
            StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS,
            json!({"error": "Unavailable For Legal Reasons: this content is not available in your region.",
                "code": "REGION_BLOCKED"})
            .to_string(),
        ),
        Fault::Html520 => {
            let status = StatusCode::from_u16(520).expect("520 is a valid status");
            (status, [(header::CONTENT_TYPE, "text/html; charset=UTF-8")], CLOUDFLARE_520).into_response()
        }
        Fault::Cloudflare(code) => cloudflare(code),
        Fault::ApiRedirectLoop => loop_response(),
        Fault::ApiHugePage => {
            // 100 MiB of JSON whitespace after an opening brace, sent as it is made.
            let chunks = futures::stream::iter(0..100).map(|_| {
                Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b' '; 1 << 20]))
            });
            let head = futures::stream::once(async {
                Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"{\"items\":["))
            });
            let body = axum::body::Body::from_stream(head.chain(chunks));
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Fault::InvalidJson => {
            json_response(StatusCode::OK, "{\"items\":[{\"id\":10000000,\"url\":\"http://localhost/xG1nkq".into())
        }
        other => unreachable!("image fault {other:?} on the API lane"),
    }
}

const CLOUDFLARE_520: &str = "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head><title>civitai.com | 520: Web server is \
returning an unknown error</title></head>\n<body><div id=\"cf-wrapper\"><h1><span>Web server is returning an unknown \
error</span> <span class=\"code-label\">Error code 520</span></h1>\n<p>Visit cloudflare.com for more information.</p>\n\
<p>Cloudflare Ray ID: 8f1c2a3b4d5e6f70 &bull; 2026-11-01 00:00:00 UTC</p></div></body>\n</html>\n";

/// Cloudflare's own page for one of its 52x statuses (reference errors.md): an HTML body under
/// the status, never JSON.
fn cloudflare(code: u16) -> Response {
    let title = match code {
        520 => "Web server is returning an unknown error",
        521 => "Web server is down",
        522 => "Connection timed out",
        523 => "Origin is unreachable",
        524 => "A timeout occurred",
        _ => "Error",
    };
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head><title>civitai.com | {code}: {title}</title></head>\n\
         <body><div id=\"cf-wrapper\"><h1><span>{title}</span> <span class=\"code-label\">Error code {code}</span>\
         </h1>\n<p>Visit cloudflare.com for more information.</p>\n<p>Cloudflare Ray ID: 8f1c2a3b4d5e6f70 \
         &bull; 2026-11-01 00:00:00 UTC</p></div></body>\n</html>\n"
    );
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=UTF-8")],
        page,
    )
        .into_response()
}

/// A control request's query as a lookup: the value of a key's first occurrence.
fn control_params(raw: Option<String>) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    move |k| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    }
}

async fn inject(State(app): State<Arc<App>>, RawQuery(raw): RawQuery) -> Response {
    let param = control_params(raw);
    let kind = param("kind").unwrap_or_default();
    let Some(fault) = Fault::from_control(&kind, &param) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": format!("unknown fault kind {kind:?}")})),
        )
            .into_response();
    };
    let skip = param("skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    app.faults.inject_after(skip, fault.clone());
    Json(json!({"queued": format!("{fault:?}"), "skip": skip})).into_response()
}

/// `POST /__fake/mode?legacy=1&bdx_cursors=1&flat_meta=1&no_models_api=1&public_only=1…`, or
/// `reference=1` for every switch of the official reference (see `Modes`).
async fn set_mode(State(app): State<Arc<App>>, RawQuery(raw): RawQuery) -> Response {
    let mut modes = app.modes.write().unwrap();
    modes.update(control_params(raw));
    Json(json!({ "modes": format!("{:?}", *modes) })).into_response()
}

/// `POST /__fake/expire_cursors`: every `feed:` cursor handed out so far is refused from now on.
async fn expire_cursors(State(app): State<Arc<App>>) -> StatusCode {
    app.cursor_epoch.fetch_add(1, Ordering::SeqCst);
    StatusCode::NO_CONTENT
}

async fn requests(State(app): State<Arc<App>>) -> Response {
    Json(app.recorder.list(None, |_| true)).into_response()
}

async fn clear(State(app): State<Arc<App>>) -> StatusCode {
    app.recorder.clear();
    StatusCode::NO_CONTENT
}

async fn stats(State(app): State<Arc<App>>) -> Response {
    let api = app
        .recorder
        .list(None, |r| r.path == "/api/v1/images")
        .len();
    Json(json!({
        "requests": app.recorder.len(),
        "api_requests": api,
        "server_time_us": app.server_time_us.load(Ordering::Relaxed),
        "max_concurrent_transfers": app.transfers.max(),
    }))
    .into_response()
}
