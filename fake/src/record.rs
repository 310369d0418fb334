//! The request log: every request on both listeners as the server received it.

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

/// One received request.
#[derive(Clone, Debug, Serialize)]
pub struct Recorded {
    /// `Host` header as sent.
    pub host: String,
    /// `GET`, `HEAD`, …
    pub method: String,
    /// Path as sent (still percent-encoded).
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// The query string as sent, without `?`.
    pub raw_query: String,
    /// Headers with lowercase names, in order.
    pub headers: Vec<(String, String)>,
    /// When it arrived (for the pacing tests).
    #[serde(skip)]
    pub at: std::time::Instant,
}

impl Recorded {
    /// First value of query parameter `k`.
    pub fn param(&self, k: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }

    /// First value of header `k` (any case).
    pub fn header(&self, k: &str) -> Option<&str> {
        let k = k.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.as_str())
    }
}

/// Which listener received a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listener {
    /// The API host (`base_url`).
    Api,
    /// The image host (`image_base`).
    Image,
    /// The second file host (`fallback_base`).
    Fallback,
}

/// The shared log.
#[derive(Default)]
pub struct Recorder {
    log: Mutex<Vec<(Listener, Recorded)>>,
}

impl Recorder {
    /// Requests received on `which` (or all with `None`) that satisfy `keep`, in arrival order.
    pub fn list(&self, which: Option<Listener>, keep: impl Fn(&Recorded) -> bool) -> Vec<Recorded> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|(l, r)| which.is_none_or(|w| w == *l) && keep(r))
            .map(|(_, r)| r.clone())
            .collect()
    }

    /// Forget everything recorded so far.
    pub fn clear(&self) {
        self.log.lock().unwrap().clear();
    }

    /// Number of recorded requests.
    pub fn len(&self) -> usize {
        self.log.lock().unwrap().len()
    }
}

/// Middleware: record the request, then pass it on. Control endpoints (`/__fake/…`) are not
/// recorded, so manual try-outs do not disturb what tests and benchmarks count.
pub async fn record(
    State((rec, which)): State<(Arc<Recorder>, Listener)>,
    req: Request,
    next: Next,
) -> Response {
    if !req.uri().path().starts_with("/__fake/") {
        let uri = req.uri();
        let raw_query = uri.query().unwrap_or("").to_string();
        let host = req
            .headers()
            .get("host")
            .and_then(|v| v.to_str().ok())
            .map(String::from)
            .or_else(|| uri.authority().map(|a| a.to_string()))
            .unwrap_or_default();
        let entry = Recorded {
            at: std::time::Instant::now(),
            host,
            method: req.method().to_string(),
            path: uri.path().to_string(),
            query: url::form_urlencoded::parse(raw_query.as_bytes())
                .into_owned()
                .collect(),
            raw_query,
            headers: req
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
        };
        rec.log.lock().unwrap().push((which, entry));
    }
    next.run(req).await
}
