//! The image listener: `GET /{key}/{uuid}/{variant}/{name}` with Range support, streamed bodies,
//! image faults and in-flight accounting (doc/api.md, "Image URLs and files").

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{middleware, Router};

use super::app::{App, InFlight, Transfers};
use super::dataset::{Dataset, Entry, CDN_KEY};
use super::faults::Fault;
use super::files::{FileSpec, Format};
use super::meta::MetaSpec;
use super::record::{record, Listener};

/// Bytes generated per body chunk.
const CHUNK: u64 = 64 * 1024;

/// The router of the image listener.
pub fn router(app: Arc<App>) -> Router {
    let rec = app.recorder.clone();
    Router::new()
        .fallback(serve)
        .layer(middleware::from_fn_with_state(
            (rec, Listener::Image),
            record,
        ))
        .with_state(app)
}

/// The file behind an image path: the original for `original=true`, else a smaller variant;
/// with `stills`, some videos answer a still WebP instead (see `media::still_for`).
pub fn file_for_path(
    ds: &Dataset,
    path: &str,
    image_size: Option<u64>,
    (stills, bare): (bool, bool),
) -> Option<(FileSpec, &'static str)> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let [key, uuid, variant, _name] = parts[..] else {
        return None;
    };
    if key != CDN_KEY {
        return None;
    }
    let entry = ds.by_uuid(uuid)?;
    let options: Vec<&str> = variant.split(',').collect();
    let original = options.contains(&"original=true");
    if stills && original {
        if let Some(still) = super::media::still_for(entry, &options) {
            return Some(still);
        }
    }
    if !original && options.contains(&"anim=false") {
        // A video's still (its `thumbnail`, reference images.md): a small JPEG.
        let f = entry.file.as_ref()?;
        if f.format.is_video() {
            let len = (f.size / 8).max(256);
            let seed = entry.id ^ 0x57_111;
            return Some((
                FileSpec::new(Format::Jpeg, len, seed, (450, 450), &[]),
                "image/jpeg",
            ));
        }
    }
    Some(file_seeded(entry, original, image_size, 0, bare))
}

/// The original (or resized variant) of an entry, with the `Content-Type` to send, its filler
/// drawn under `salt` (0: the usual bytes); `bare`: an original without its generation text.
pub fn file_seeded(
    e: &Entry,
    original: bool,
    image_size: Option<u64>,
    salt: u64,
    bare: bool,
) -> (FileSpec, &'static str) {
    let f = e.file.as_ref().expect("entry with a file");
    let seed = e.id.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ salt;
    if original {
        let len = image_size.unwrap_or(f.size);
        // Built per request: a few hundred bytes, never the file itself.
        let meta = e
            .facts
            .as_deref()
            .and_then(MetaSpec::generate)
            .filter(|_| !bare);
        let text = match (meta, f.format) {
            (Some(m), Format::Png) => m.png_text(),
            (Some(m), Format::Jpeg | Format::Webp) => vec![("parameters", m.parameters_text())],
            _ => vec![],
        };
        (
            FileSpec::new(f.format, len, seed, f.dims, &text),
            f.content_type,
        )
    } else {
        // The CDN re-encodes resized variants: JPEG for images, MP4 for videos, always smaller.
        let format = match f.format {
            Format::Mp3 => Format::Mp3,
            v if v.is_video() => Format::Mp4,
            _ => Format::Jpeg,
        };
        let len = (f.size / 4).max(256).min(f.size.saturating_sub(1)).max(1);
        (
            FileSpec::new(format, len, seed ^ 0xDEAD_BEEF, (450, 450), &[]),
            format.mime(),
        )
    }
}

/// What the due image fault (if any) makes of a request.
enum Plan {
    /// Answer this instead of the file.
    Respond(Response),
    /// Stream the file, after `delay`, cut as told, shaped as told.
    Stream(Duration, Option<Cut>, Shape),
}

/// How a streamed file's response departs from a correct one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// As it should be.
    Normal,
    /// `206` with the first half only, unasked.
    Partial206,
    /// `206` with the whole file, unasked.
    Whole206,
    /// No `Content-Length`.
    NoLength,
    /// One byte per this delay.
    Trickle(Duration),
}

/// A login page, as a CDN in front of an image host may serve it with `200`.
const LOGIN_PAGE: &str =
    "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Please sign in</body></html>\n";

/// Take the due image fault, if any, and turn it into a [`Plan`].
fn apply_fault(app: &App, uri: &Uri) -> Plan {
    let delay = app.first_byte_delay;
    if uri.query() == Some("loop") {
        return redirect(uri.to_string());
    }
    match app.faults.next_image() {
        Some(Fault::Image503 { retry_after }) => {
            let mut r = (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response();
            if let Some(secs) = retry_after {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            Plan::Respond(r)
        }
        Some(Fault::ImageStatus(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let page = "<html><body><h1>Internal error</h1></body></html>";
            let html = [(header::CONTENT_TYPE, "text/html; charset=UTF-8")];
            Plan::Respond((status, html, page).into_response())
        }
        Some(Fault::ImageRedirectTo(to)) => redirect(to),
        Some(Fault::ImageRedirectLoop) => redirect(format!("{}?loop", uri.path())),
        Some(Fault::ImageHtml) => Plan::Respond(
            (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                LOGIN_PAGE,
            )
                .into_response(),
        ),
        Some(Fault::ImageSlowFirstByte(d)) => Plan::Stream(d, None, Shape::Normal),
        Some(Fault::ImageTruncate) => Plan::Stream(delay, Some(Cut::Close), Shape::Normal),
        Some(Fault::ImageReset) => Plan::Stream(delay, Some(Cut::Reset), Shape::Normal),
        Some(Fault::ImagePartial206) => Plan::Stream(delay, None, Shape::Partial206),
        Some(Fault::ImageWhole206) => Plan::Stream(delay, None, Shape::Whole206),
        Some(Fault::ImageNoLength) => Plan::Stream(delay, None, Shape::NoLength),
        Some(Fault::ImageTrickle(d)) => Plan::Stream(delay, None, Shape::Trickle(d)),
        _ => Plan::Stream(delay, None, Shape::Normal),
    }
}

fn redirect(to: String) -> Plan {
    // A value a header cannot carry is sent as given bytes would be: refused here, so use `/`.
    let to = HeaderValue::from_str(&to).unwrap_or(HeaderValue::from_static("/"));
    Plan::Respond((StatusCode::FOUND, [(header::LOCATION, to)]).into_response())
}

async fn serve(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    let (delay, cut, shape) = match apply_fault(&app, &uri) {
        Plan::Stream(delay, cut, shape) => (delay, cut, shape),
        Plan::Respond(response) => return response,
    };
    let found = {
        let ds = app.dataset.read().unwrap();
        let bare = app.modes.read().unwrap().bare_originals;
        file_for_path(&ds, uri.path(), app.image_size, (app.video_stills, bare))
    };
    let Some((spec, content_type)) = found else {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    };
    stream_file(&app, &headers, spec, content_type, (delay, cut, shape))
}

/// A file's response: whole, or the asked range (206, 416), streamed after `delay`, cut and
/// shaped as told.
pub fn stream_file(
    app: &App,
    headers: &HeaderMap,
    spec: FileSpec,
    content_type: &'static str,
    (delay, cut, shape): (Duration, Option<Cut>, Shape),
) -> Response {
    let len = spec.len();
    let Ok(range) = parse_range(headers.get(header::RANGE), len) else {
        let value = format!("bytes */{len}");
        let status = StatusCode::RANGE_NOT_SATISFIABLE;
        return (status, [(header::CONTENT_RANGE, value)]).into_response();
    };
    let range = match shape {
        Shape::Partial206 => Some((0, (len / 2).max(1))),
        Shape::Whole206 => Some((0, len)),
        _ => range,
    };
    let (start, end) = range.unwrap_or((0, len));
    let trickle = match shape {
        Shape::Trickle(d) => Some(d),
        _ => None,
    };
    let body = Transfer {
        spec: Arc::new(spec),
        pos: start,
        end,
        cut: cut.map(|c| (start + (end - start) / 2, c)),
        delay,
        chunk_delay: trickle.unwrap_or(app.chunk_delay),
        chunk: if trickle.is_some() { 1 } else { CHUNK },
        tracker: app.transfers.clone(),
        guard: None,
        done: false,
    };
    let stream = futures::stream::unfold(body, Transfer::step);
    let mut r = Response::new(Body::from_stream(stream));
    // Content-Length is always set, also on truncated bodies (the `ImageTruncate` fault).
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if shape != Shape::NoLength {
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start));
    }
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    let cache = HeaderValue::from_static("public, max-age=31536000, immutable");
    h.insert(header::CACHE_CONTROL, cache);
    if range.is_some() {
        *r.status_mut() = StatusCode::PARTIAL_CONTENT;
        let value = format!("bytes {start}-{}/{len}", end - 1);
        let value = HeaderValue::from_str(&value).expect("ascii");
        r.headers_mut().insert(header::CONTENT_RANGE, value);
    }
    r
}

/// `Range: bytes=N-` or `bytes=N-M` → `Some((start, end_exclusive))`; no header → `None`;
/// unsatisfiable or malformed → `Err` (416).
fn parse_range(value: Option<&HeaderValue>, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(value) = value else { return Ok(None) };
    let spec = value
        .to_str()
        .map_err(|_| ())?
        .trim()
        .strip_prefix("bytes=")
        .ok_or(())?;
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().map_err(|_| ())?;
            (len.saturating_sub(n), len)
        }
        (s, "") => (s.parse().map_err(|_| ())?, len),
        (s, e) => (
            s.parse().map_err(|_| ())?,
            e.parse::<u64>().map_err(|_| ())?.saturating_add(1).min(len),
        ),
    };
    if start >= len || start >= end {
        return Err(());
    }
    Ok(Some((start, end)))
}

/// How an image fault ends a body early.
#[derive(Clone, Copy)]
pub enum Cut {
    /// Stop sending: less than `Content-Length` arrives, then the connection closes.
    Close,
    /// Fail the body: hyper aborts the connection.
    Reset,
}

/// State of one streamed body.
struct Transfer {
    spec: Arc<FileSpec>,
    pos: u64,
    end: u64,
    cut: Option<(u64, Cut)>,
    delay: Duration,
    chunk_delay: Duration,
    /// Bytes per chunk.
    chunk: u64,
    tracker: Arc<Transfers>,
    guard: Option<InFlight>,
    done: bool,
}

impl Transfer {
    /// Produce the next chunk; the first call counts the body in flight and waits the delay.
    async fn step(mut self) -> Option<(io::Result<Bytes>, Transfer)> {
        if self.done {
            return None;
        }
        if self.guard.is_none() {
            self.guard = Some(InFlight::new(self.tracker.clone()));
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
        } else if !self.chunk_delay.is_zero() {
            tokio::time::sleep(self.chunk_delay).await;
        }
        let limit = self.cut.map_or(self.end, |(at, _)| at.min(self.end));
        if self.pos >= limit {
            self.done = true;
            if self.cut.is_some() {
                // Let hyper flush the headers and the first half before the connection dies.
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            return match self.cut {
                Some((_, Cut::Reset)) => Some((
                    Err(io::Error::new(
                        io::ErrorKind::ConnectionReset,
                        "fake: connection reset",
                    )),
                    self,
                )),
                _ => None,
            };
        }
        let n = (limit - self.pos).min(self.chunk);
        let mut buf = vec![0u8; n as usize];
        self.spec.read_at(self.pos, &mut buf);
        self.pos += n;
        self.tracker.sent(n);
        Some((Ok(Bytes::from(buf)), self))
    }
}
