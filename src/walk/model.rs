//! A model walked as one list (issues 15 and 16): its published versions side by side on the
//! API's feed path, plus the API's own model listing (`modelId` alone, the legacy path), merged
//! in `--sort` order, each image once.
//!
//! doc/api.md: the feed path (`modelVersionId`) is sorted properly but leaves out images in
//! unlisted and early-access posts; `modelId` without `modelVersionId` returns them (and the
//! images of versions `GET /api/v1/models/{id}` does not list) but orders by id, drops on
//! descending sorts the image whose id is the next cursor, and may time out with an empty page.
//! So the feed streams give the order and the legacy stream fills in what only it holds: on
//! `newest` and `oldest` it is merged like a version (its dropped image looked up by `imageId`),
//! on `Most Collected` it comes last. Engagement sorts merge the versions only (see
//! `doc/api.md`, "Model walks").

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::walk::api::{Item, Page};
use crate::walk::client::{ApiError, Client};
use crate::walk::paginator::MAX_EMPTY_PAGES;
use crate::walk::query::param_in;
use crate::walk::sort_key::{Key, Order};

/// Requests in flight at once for one model (each stream has at most one: its next page).
const IN_FLIGHT: usize = 4;

/// Which of the model's listings a stream walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// One published version on the feed path.
    Version(u64),
    /// `modelId` alone: the legacy path, the only one with unlisted and early-access images.
    Legacy,
}

impl Source {
    /// Its name inside a resume cursor.
    fn name(self) -> String {
        match self {
            Source::Version(v) => format!("v{v}"),
            Source::Legacy => "model".into(),
        }
    }
}

/// What the model walk starts from: the parameters every stream sends, and where a resumed
/// walk picks up.
pub struct Start {
    /// Every parameter but the model, version and cursor (the query's and the target's).
    pub params: Vec<(&'static str, String)>,
    /// The model's published versions, newest first (may be empty).
    pub versions: Vec<u64>,
    /// The `--sort` asked for.
    pub order: Order,
    /// Page size the API uses.
    pub limit: usize,
    /// The cursor part of a `--cursor modelId=M@…`, if the walk resumes.
    pub resume: Option<String>,
}

/// The merged walk over one model.
pub struct ModelWalk {
    client: Client,
    model: u64,
    order: Order,
    limit: usize,
    streams: Vec<Stream>,
    gate: Arc<Semaphore>,
    emitted: HashSet<u64>,
    /// The last key handed out: where a resumed walk continues.
    last: Option<Key>,
    /// With a resume cursor: items up to this key were handed out by the earlier run.
    skip_to: Option<Key>,
    /// The legacy stream did not reach its end (a probable server timeout), and the cursor it
    /// stopped at.
    cut_short: Option<Option<String>>,
}

impl ModelWalk {
    /// Plans the streams and starts every first page.
    pub fn start(client: &Client, model: u64, start: Start) -> ModelWalk {
        let mut sources: Vec<Source> = start.versions.iter().map(|&v| Source::Version(v)).collect();
        // Engagement sorts cannot place the legacy path's id-ordered images (module doc),
        // unless it is the only listing there is.
        if sources.is_empty() || !matches!(start.order, Order::Reactions | Order::Comments) {
            sources.push(Source::Legacy);
        }
        let resume = start
            .resume
            .as_deref()
            .map(ResumePoint::parse)
            .filter(|r| r.names_any(&sources, client, model));
        let mut walk = ModelWalk {
            client: client.clone(),
            model,
            order: start.order,
            limit: start.limit.max(1),
            streams: Vec::new(),
            gate: Arc::new(Semaphore::new(IN_FLIGHT)),
            emitted: HashSet::new(),
            last: None,
            skip_to: resume.as_ref().and_then(|r| r.at),
            cut_short: None,
        };
        for (rank, source) in sources.into_iter().enumerate() {
            let next = match &resume {
                Some(r) if r.names_streams() => match r.cursor_of(source) {
                    Some(cursor) => Next::Page(cursor),
                    None => Next::End,
                },
                _ => Next::Page(None),
            };
            let params = walk.stream_params(&start.params, source, start.versions.is_empty());
            let fill_drops =
                source == Source::Legacy && param_in(&params, "sort") != Some("Oldest");
            let mut stream = Stream::new(source, rank as i64, params, fill_drops, next);
            stream.request(&walk.client, &walk.gate, model);
            walk.streams.push(stream);
        }
        walk
    }

    /// The `sort` the legacy stream sends. Alone, the asked one (`Random`, which it refuses, as
    /// newest): the API's answer is all there is. Beside versions, newest or oldest as asked;
    /// `Oldest` where it would not honour the asked sort anyway (it loses nothing there).
    fn legacy_sort(&self, common: &[(&'static str, String)], alone: bool) -> Option<String> {
        let asked = param_in(common, "sort");
        let sort = match (alone, self.order) {
            (true, _) if asked == Some("Random") => Some("Newest"),
            (true, _) => asked,
            (false, Order::Newest) => Some("Newest"),
            (false, _) => Some("Oldest"),
        };
        sort.map(str::to_string)
    }

    fn stream_params(
        &self,
        common: &[(&'static str, String)],
        source: Source,
        alone: bool,
    ) -> Vec<(&'static str, String)> {
        let mut params: Vec<(&'static str, String)> = common
            .iter()
            .filter(|(k, _)| *k != "sort" && *k != "cursor")
            .cloned()
            .collect();
        let sort = match source {
            Source::Legacy => self.legacy_sort(common, alone),
            Source::Version(_) => param_in(common, "sort").map(str::to_string),
        };
        params.extend(sort.map(|s| ("sort", s)));
        params.push(("modelId", self.model.to_string()));
        if let Source::Version(v) = source {
            params.push(("modelVersionId", v.to_string()));
        }
        params
    }

    /// The next items in the merged order: up to a page's worth, fewer when going on would
    /// mean waiting for a page while some items are ready. `None` once every stream is done.
    pub async fn next_batch(&mut self) -> Result<Option<Vec<Item>>, ApiError> {
        let mut out = Vec::new();
        loop {
            if !self.fill_heads(!out.is_empty()).await? {
                return Ok(Some(out));
            }
            let Some(best) = self.best() else {
                return Ok((!out.is_empty()).then_some(out));
            };
            let (key, item) = self.streams[best].take(&self.client, &self.gate, self.model);
            if self
                .skip_to
                .is_some_and(|at| self.order.cmp(&key, &at).is_le())
            {
                continue;
            }
            self.last = Some(key);
            if item.id.is_none_or(|id| self.emitted.insert(id)) {
                out.push(item);
                if out.len() >= self.limit {
                    return Ok(Some(out));
                }
            }
        }
    }

    /// Gives every unfinished stream a head, loading pages as needed; `false` (without
    /// waiting) when `ready` items could go out now and some stream's page is still on its way.
    async fn fill_heads(&mut self, ready: bool) -> Result<bool, ApiError> {
        for i in 0..self.streams.len() {
            while self.streams[i].needs_page() {
                let stream = &mut self.streams[i];
                // With items ready, a page not asked for yet waits for the next call: a run
                // that stops after this batch (`--stop-after-known`) never asks for it.
                if ready && !stream.arrived() {
                    return Ok(false);
                }
                stream.request(&self.client, &self.gate, self.model);
                let limit = self.limit;
                match stream.load(self.order, limit, &self.client).await {
                    Ok(()) => {}
                    Err(ApiError::ProbableTimeout) if stream.source == Source::Legacy => {
                        self.client.log().verbose(&format!(
                            "model {}: the API's own listing stopped early (probable timeout)",
                            self.model
                        ));
                        self.cut_short = Some(stream.page_cursor.take());
                        stream.next = Next::End;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(true)
    }

    /// The stream whose head comes first; on a tie the earlier stream (a version before the
    /// legacy listing, so a public image is taken from the feed).
    fn best(&self) -> Option<usize> {
        let order = self.order;
        self.streams
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.buf.front().map(|(k, _)| (i, k)))
            .min_by(|(i, a), (j, b)| order.cmp(a, b).then(i.cmp(j)))
            .map(|(i, _)| i)
    }

    /// Why the walk is incomplete, once it is over: the legacy listing (the only one with the
    /// model's unlisted and early-access images) stopped early, or came back empty while the
    /// versions had images (what a timeout on its first page looks like).
    pub fn shortfall(&self) -> Option<ApiError> {
        let legacy = self.streams.iter().find(|s| s.source == Source::Legacy)?;
        let versions_had_items = self
            .streams
            .iter()
            .any(|s| s.source != Source::Legacy && s.received > 0);
        let empty = legacy.pages > 0 && legacy.received == 0 && versions_had_items;
        if self.cut_short.is_none() && !empty {
            return None;
        }
        Some(ApiError::ModelCutShort {
            model: self.model,
            reached: legacy.received,
        })
    }

    /// The `--cursor` text (after `modelId=M@`) that continues this walk: each unfinished
    /// stream's cursor and the last key handed out. After a shortfall, the legacy stream from
    /// where it stopped.
    pub fn resume_cursor(&self) -> String {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        if let Some(cursor) = &self.cut_short {
            ser.append_pair(&Source::Legacy.name(), cursor.as_deref().unwrap_or(""));
            return ser.finish();
        }
        for s in &self.streams {
            if let Some(cursor) = s.resume_at() {
                ser.append_pair(&s.source.name(), cursor.unwrap_or(""));
            }
        }
        if let Some(at) = self.last.or(self.skip_to) {
            ser.append_pair("at", &format!("{}.{}", at.value, at.id));
        }
        ser.finish()
    }
}

/// Where a stream's next page comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    /// The page at this cursor (`None`: the first page).
    Page(Option<String>),
    /// The stream is over.
    End,
}

/// A requested page, on its way.
type PageTask = JoinHandle<Result<Fetched, ApiError>>;

/// A page on its way, with the image the legacy path dropped from it.
struct Fetched {
    page: Page,
    dropped: Vec<Item>,
}

/// One listing of the model, walked page by page.
struct Stream {
    source: Source,
    /// Its rank among the streams ([`Order::Sequential`] orders by it).
    rank: i64,
    params: Vec<(&'static str, String)>,
    /// A descending walk on the legacy path: the image whose id is the next cursor is looked up.
    fill_drops: bool,
    buf: VecDeque<(Key, Item)>,
    /// The cursor of the page the buffer holds (resume point while items of it are left).
    page_cursor: Option<String>,
    next: Next,
    /// The next page, requested, with the cursor it was asked with.
    pending: Option<(Option<String>, PageTask)>,
    /// Items of the page the buffer was filled from.
    page_len: usize,
    pages: u64,
    received: u64,
    last_full: bool,
    empty_streak: u64,
    seen_cursors: HashSet<String>,
    /// The key of the last item read: an item without a readable key takes it.
    last_value: Option<i64>,
}

impl Stream {
    fn new(
        source: Source,
        rank: i64,
        params: Vec<(&'static str, String)>,
        fill_drops: bool,
        next: Next,
    ) -> Stream {
        Stream {
            source,
            rank,
            params,
            fill_drops,
            buf: VecDeque::new(),
            page_cursor: None,
            next,
            pending: None,
            page_len: 0,
            pages: 0,
            received: 0,
            last_full: false,
            empty_streak: 0,
            seen_cursors: HashSet::new(),
            last_value: None,
        }
    }

    /// Whether the merge needs this stream's next page to go on.
    fn needs_page(&self) -> bool {
        self.buf.is_empty() && (self.next != Next::End || self.pending.is_some())
    }

    /// Whether the requested page is in (awaiting it will not wait).
    fn arrived(&self) -> bool {
        self.pending.as_ref().is_some_and(|(_, h)| h.is_finished())
    }

    /// Requests the next page unless it is requested already or the stream is over.
    fn request(&mut self, client: &Client, gate: &Arc<Semaphore>, model: u64) {
        if self.pending.is_some() {
            return;
        }
        let Next::Page(cursor) = std::mem::replace(&mut self.next, Next::End) else {
            return;
        };
        let what = match self.source {
            Source::Version(v) => format!("page {} of model {model} version {v}", self.pages + 1),
            Source::Legacy => format!("page {} of model {model}", self.pages + 1),
        };
        let task = fetch(
            client.clone(),
            gate.clone(),
            self.params.clone(),
            cursor.clone(),
            what,
            self.fill_drops,
        );
        self.pending = Some((cursor, tokio::spawn(task)));
    }

    /// Waits for the requested page and takes it into the buffer.
    async fn load(&mut self, order: Order, limit: usize, client: &Client) -> Result<(), ApiError> {
        let Some((cursor, handle)) = self.pending.take() else {
            return Ok(());
        };
        let fetched = handle.await.map_err(|e| ApiError::Transport {
            what: "page task",
            host: client.host().to_string(),
            detail: e.to_string(),
        })??;
        self.page_cursor = cursor;
        self.pages += 1;
        let page = fetched.page;
        let next = page.metadata.next_cursor;
        // doc/api.md, legacy path: past ~20 s it answers `{"items":[],"metadata":{}}`.
        if self.source == Source::Legacy
            && page.items.is_empty()
            && next.is_none()
            && self.last_full
        {
            return Err(ApiError::ProbableTimeout);
        }
        self.last_full = page.items.len() >= limit;
        self.empty_streak = if page.items.is_empty() {
            self.empty_streak + 1
        } else {
            0
        };
        if self.empty_streak >= MAX_EMPTY_PAGES {
            return Err(ApiError::EmptyPages {
                pages: self.empty_streak,
                host: client.host().to_string(),
            });
        }
        for item in page.items.into_iter().chain(fetched.dropped) {
            self.received += 1;
            let key = self.key_of(order, &item);
            self.buf.push_back((key, item));
        }
        self.page_len = self.buf.len();
        self.next = match next {
            None => Next::End,
            Some(c) if !self.seen_cursors.insert(c.clone()) => {
                client.log().warn(&format!(
                    "the API sent cursor {c} again after {} pages of {}; that listing ends here",
                    self.pages,
                    self.source.name()
                ));
                Next::End
            }
            Some(c) => Next::Page(Some(c)),
        };
        Ok(())
    }

    fn key_of(&mut self, order: Order, item: &Item) -> Key {
        let value = match order {
            Order::Sequential => self.rank,
            _ => {
                // An item without a readable key keeps its place in its own listing.
                let first = match order {
                    Order::Oldest => i64::MIN,
                    _ => i64::MAX,
                };
                let v = order.read(item).or(self.last_value).unwrap_or(first);
                self.last_value = Some(v);
                v
            }
        };
        Key {
            value,
            id: item.id.unwrap_or(0),
        }
    }

    /// Takes the head; once three quarters of a page are taken, the next page is requested
    /// (a page ahead, late enough that a run stopping early rarely asks for it).
    fn take(&mut self, client: &Client, gate: &Arc<Semaphore>, model: u64) -> (Key, Item) {
        let head = self
            .buf
            .pop_front()
            .expect("take is called on a stream with a head");
        if self.buf.len() * 4 <= self.page_len {
            self.request(client, gate, model);
        }
        head
    }

    /// Where a resumed walk picks this stream up: `None` when it is over, `Some(None)` from its
    /// start.
    fn resume_at(&self) -> Option<Option<&str>> {
        if !self.buf.is_empty() {
            return Some(self.page_cursor.as_deref());
        }
        match (&self.pending, &self.next) {
            (Some((cursor, _)), _) | (None, Next::Page(cursor)) => Some(cursor.as_deref()),
            (None, Next::End) => None,
        }
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        if let Some((_, handle)) = self.pending.take() {
            handle.abort();
        }
    }
}

/// One page of a stream; on a descending legacy walk also the image the API leaves out of the
/// next page (doc/api.md: the next page asks for `id < cursor` while the cursor is the id of the
/// row after this page), looked up by `imageId` with the same filters.
async fn fetch(
    client: Client,
    gate: Arc<Semaphore>,
    params: Vec<(&'static str, String)>,
    cursor: Option<String>,
    what: String,
    fill_drops: bool,
) -> Result<Fetched, ApiError> {
    // The semaphore is never closed; without a permit the request simply goes unbounded.
    let _permit = gate.acquire_owned().await.ok();
    let mut pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    if let Some(c) = &cursor {
        pairs.push(("cursor", c));
    }
    let page: Page = client.get_json(&client.page_url(&pairs), &what).await?;
    let mut dropped = Vec::new();
    if let Some(next) = page.metadata.next_cursor.as_deref().filter(|_| fill_drops) {
        if let Ok(id) = next.parse::<u64>() {
            let mut pairs: Vec<(&str, &str)> = params
                .iter()
                .filter(|(k, _)| *k != "page")
                .map(|(k, v)| (*k, v.as_str()))
                .collect();
            let id_text = id.to_string();
            pairs.push(("imageId", &id_text));
            let what = format!("image {id} (left out of the next page)");
            let found: Page = client.get_json(&client.page_url(&pairs), &what).await?;
            dropped.extend(found.items.into_iter().filter(|i| i.id == Some(id)));
        }
    }
    Ok(Fetched { page, dropped })
}

/// A model walk's resume cursor, read back: each stream's cursor and the last key handed out.
struct ResumePoint {
    cursors: Vec<(String, String)>,
    at: Option<Key>,
}

impl ResumePoint {
    fn parse(text: &str) -> ResumePoint {
        let mut cursors = Vec::new();
        let mut at = None;
        for (k, v) in url::form_urlencoded::parse(text.as_bytes()) {
            if k == "at" {
                at = v.split_once('.').and_then(|(value, id)| {
                    Some(Key {
                        value: value.parse().ok()?,
                        id: id.parse().ok()?,
                    })
                });
            } else {
                cursors.push((k.into_owned(), v.into_owned()));
            }
        }
        ResumePoint { cursors, at }
    }

    /// Whether the cursor names any stream (else the walk starts over).
    fn names_streams(&self) -> bool {
        !self.cursors.is_empty()
    }

    /// Whether the cursor names one of these streams or is a bare position; says so when it
    /// names none (a cursor from another query or an older civimg): the walk then starts over.
    fn names_any(&self, sources: &[Source], client: &Client, model: u64) -> bool {
        let named = sources.iter().any(|s| self.cursor_of(*s).is_some());
        if !named && self.names_streams() {
            client.log().warn(&format!(
                "--cursor names no listing of model {model} civimg walks now; starting the model from its beginning"
            ));
        }
        named || !self.names_streams()
    }

    /// `None`: the stream was over; `Some(None)`: from its start.
    fn cursor_of(&self, source: Source) -> Option<Option<String>> {
        let name = source.name();
        self.cursors
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (!v.is_empty()).then(|| v.clone()))
    }
}
