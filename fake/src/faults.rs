//! Injected faults: what can go wrong on the API and on the image host, and the queue that
//! hands each one to the next request of its kind.

use std::sync::Mutex;
use std::time::Duration;

/// A failure to inject (doc/api.md, "Errors and limits"). API faults are consumed by requests to
/// `/api/v1/images`, image faults by requests to the image listener.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 429 `{"error":"Too Many Requests"}`, the edge rate limit, with an optional `Retry-After`.
    Api429 {
        /// `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// 503 `{"error":"Server busy, please retry shortly."}`.
    Api503 {
        /// `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// 503 `{"error":"Image search is temporarily overloaded — please retry."}` (doc/api.md,
    /// "Three backends").
    ApiOverloaded {
        /// `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// 200 `{"items":[],"metadata":{}}`: the legacy path's query ran past its statement timeout
    /// and the page looks like the end of the walk (doc/api.md, "Legacy database path"). Only a
    /// `modelId`-without-`modelVersionId` page on the legacy path takes it; other requests pass
    /// it on to the next.
    StatementTimeout,
    /// 451 with `"code":"REGION_BLOCKED"`.
    Api451,
    /// 200 `application/json` whose body never ends: 1 MiB chunks, no `Content-Length`, well
    /// past any sane page (the client must stop reading).
    ApiHugePage,
    /// 302 to `/api/v1/images?loop`, which always redirects to itself.
    ApiRedirectLoop,
    /// 520 with a Cloudflare-style HTML page.
    Html520,
    /// Cloudflare's own error page for this status (520 to 524, HTML body; reference errors.md:
    /// 524 is its timeout, for a `modelId` query past 30 s).
    Cloudflare(u16),
    /// With the `feed_cursors` mode: the next first page of the search path answers by the old
    /// rules and hands out an old-style `offset|ms` cursor (reference pagination.md: "a first
    /// page can still hand one out"); a request with a cursor passes it on to the next one.
    OldCursor,
    /// 200 `application/json` whose body is cut mid-way.
    InvalidJson,
    /// A normal page whose `nextCursor` is the request's own cursor; on a first page (no cursor)
    /// the fault moves on to the next API request, which then repeats the cursor it was given.
    RepeatCursor,
    /// Full `Content-Length`, then the body stops halfway and the connection closes.
    ImageTruncate,
    /// The body fails mid-way (the connection is aborted).
    ImageReset,
    /// 503 from the image host.
    Image503 {
        /// `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// Headers at once, the first body byte after this delay.
    ImageSlowFirstByte(Duration),
    /// This status (500, 520 …) with an HTML page, as a failing origin answers.
    ImageStatus(u16),
    /// 302 to this absolute URL.
    ImageRedirectTo(String),
    /// 302 to the same path with `?loop`, which always redirects to itself.
    ImageRedirectLoop,
    /// `206` to a request without `Range`: `bytes 0-(N/2-1)/N` and only that half.
    ImagePartial206,
    /// `206` to a request without `Range`, but for the whole file: `bytes 0-(N-1)/N`.
    ImageWhole206,
    /// `200 text/html` with a login page instead of the file.
    ImageHtml,
    /// The file, streamed without `Content-Length`.
    ImageNoLength,
    /// The file one byte at a time, this long apart.
    ImageTrickle(Duration),
}

impl Fault {
    /// Whether the image listener consumes this fault.
    pub fn is_image(&self) -> bool {
        matches!(
            self,
            Fault::ImageTruncate
                | Fault::ImageReset
                | Fault::Image503 { .. }
                | Fault::ImageSlowFirstByte(_)
                | Fault::ImageStatus(_)
                | Fault::ImageRedirectTo(_)
                | Fault::ImageRedirectLoop
                | Fault::ImagePartial206
                | Fault::ImageWhole206
                | Fault::ImageHtml
                | Fault::ImageNoLength
                | Fault::ImageTrickle(_)
        )
    }

    /// Parse the control endpoint's `kind` (snake_case of the variant) and its parameters.
    pub fn from_control(kind: &str, param: impl Fn(&str) -> Option<String>) -> Option<Fault> {
        let retry_after = param("retry_after").and_then(|v| v.parse().ok());
        Some(match kind {
            "api429" | "api_429" => Fault::Api429 { retry_after },
            "api503" | "api_503" => Fault::Api503 { retry_after },
            "api_overloaded" => Fault::ApiOverloaded { retry_after },
            "statement_timeout" => Fault::StatementTimeout,
            "api451" | "api_451" => Fault::Api451,
            "api_huge_page" => Fault::ApiHugePage,
            "api_redirect_loop" => Fault::ApiRedirectLoop,
            "html520" | "html_520" => Fault::Html520,
            "cloudflare" => Fault::Cloudflare(param("status")?.parse().ok()?),
            "old_cursor" => Fault::OldCursor,
            "invalid_json" => Fault::InvalidJson,
            "repeat_cursor" => Fault::RepeatCursor,
            "image_truncate" => Fault::ImageTruncate,
            "image_reset" => Fault::ImageReset,
            "image503" | "image_503" => Fault::Image503 { retry_after },
            "image_slow_first_byte" => {
                let ms = param("ms").and_then(|v| v.parse().ok()).unwrap_or(1000);
                Fault::ImageSlowFirstByte(Duration::from_millis(ms))
            }
            "image_status" => Fault::ImageStatus(param("status")?.parse().ok()?),
            "image_redirect_to" => Fault::ImageRedirectTo(param("url")?),
            "image_redirect_loop" => Fault::ImageRedirectLoop,
            "image_partial_206" => Fault::ImagePartial206,
            "image_whole_206" => Fault::ImageWhole206,
            "image_html" => Fault::ImageHtml,
            "image_no_length" => Fault::ImageNoLength,
            "image_trickle" => {
                let ms = param("ms").and_then(|v| v.parse().ok()).unwrap_or(100);
                Fault::ImageTrickle(Duration::from_millis(ms))
            }
            _ => return None,
        })
    }
}

/// Pending faults of one kind: (request number at which it may fire, fault).
#[derive(Default)]
struct Lane {
    seen: usize,
    pending: Vec<(usize, Fault)>,
}

impl Lane {
    fn next(&mut self) -> Option<Fault> {
        let n = self.seen;
        self.seen += 1;
        let at = self.pending.iter().position(|(fire_at, _)| *fire_at <= n)?;
        Some(self.pending.remove(at).1)
    }
}

/// The two queues (API and image), shared by the handlers.
#[derive(Default)]
pub struct FaultQueue {
    lanes: Mutex<[Lane; 2]>,
}

impl FaultQueue {
    /// Queue `fault` to fire once `skip` requests of its kind have passed untouched.
    pub fn inject_after(&self, skip: usize, fault: Fault) {
        let mut lanes = self.lanes.lock().unwrap();
        let lane = &mut lanes[usize::from(fault.is_image())];
        let at = lane.seen + skip;
        lane.pending.push((at, fault));
    }

    /// Count an API request and take the fault due for it, if any.
    pub fn next_api(&self) -> Option<Fault> {
        self.lanes.lock().unwrap()[0].next()
    }

    /// Count an image request and take the fault due for it, if any.
    pub fn next_image(&self) -> Option<Fault> {
        self.lanes.lock().unwrap()[1].next()
    }

    /// Put `fault` first in the API queue, due on the very next API request.
    pub fn requeue_front(&self, fault: Fault) {
        let mut lanes = self.lanes.lock().unwrap();
        let at = lanes[0].seen;
        lanes[0].pending.insert(0, (at, fault));
    }
}
