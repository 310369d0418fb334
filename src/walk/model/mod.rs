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
//! on `Most Collected` it comes last; on the engagement sorts its keys are read first and merged
//! (`index`).

mod index;
mod stream;

use std::collections::HashSet;
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::item::Item;
use crate::walk::client::{ApiError, Client};
use crate::walk::query::param_in;
use crate::walk::sort_key::{Key, Order};
use index::Index;
use stream::{Next, Source, Stream};

/// Requests in flight at once for one model (each stream has at most one: its next page).
const IN_FLIGHT: usize = 4;

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
    /// The engagement sorts' keys of the model's own listing.
    index: Option<Index>,
}

/// Where the next item comes from.
enum Pick {
    Stream(usize),
    Index,
}

impl ModelWalk {
    /// Plans the streams and starts every first page.
    pub fn start(client: &Client, model: u64, start: Start) -> ModelWalk {
        let mut sources: Vec<Source> = start.versions.iter().map(|&v| Source::Version(v)).collect();
        // Engagement sorts read the legacy path's keys first (module doc), unless it is the
        // only listing there is: then its answer is all there is.
        let engagement = matches!(start.order, Order::Reactions | Order::Comments);
        if sources.is_empty() || !engagement {
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
            index: None,
        };
        if engagement && !start.versions.is_empty() {
            client.log().verbose(&format!(
                "model {model}: reading the ids and counts of its own listing first, to place its unlisted and early-access images"
            ));
            let mut params = start.params.clone();
            params.push(("modelId", model.to_string()));
            walk.index = Some(Index::start(client, &walk.gate, params, walk.order, model));
        }
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
        if let Some(index) = &mut self.index {
            index.ready(self.order, &self.client).await?;
        }
        loop {
            if !self.fill_heads(!out.is_empty()).await? {
                return Ok(Some(out));
            }
            let (key, item) = match self.best() {
                None => return Ok((!out.is_empty()).then_some(out)),
                Some(Pick::Stream(i)) => self.streams[i].take(&self.client, &self.gate, self.model),
                Some(Pick::Index) => match self.take_from_index(!out.is_empty()).await? {
                    Taken::Item(key, item) => (key, item),
                    Taken::Skipped => continue,
                    Taken::Later => return Ok(Some(out)),
                },
            };
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
    /// legacy listing and its keys, so a public image is taken from the feed).
    fn best(&self) -> Option<Pick> {
        let order = self.order;
        let index = self.index.as_ref().and_then(|ix| ix.keys.front());
        self.streams
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.buf.front().map(|(k, _)| (i, k)))
            .chain(index.map(|k| (usize::MAX, k)))
            .min_by(|(i, a), (j, b)| order.cmp(a, b).then(i.cmp(j)))
            .map(|(i, _)| match i {
                usize::MAX => Pick::Index,
                i => Pick::Stream(i),
            })
    }

    /// The head of the index: skipped when the image came (or will come, from a page already
    /// read) through a version; otherwise looked up by id, unless `ready` items should go out
    /// first.
    async fn take_from_index(&mut self, ready: bool) -> Result<Taken, ApiError> {
        let Some(index) = &mut self.index else {
            return Ok(Taken::Skipped);
        };
        let Some(key) = index.keys.pop_front() else {
            return Ok(Taken::Skipped);
        };
        let streams = &self.streams;
        let buffered = |id| {
            streams
                .iter()
                .any(|s| s.buf.iter().any(|(_, i)| i.id == Some(id)))
        };
        let done_before = self
            .skip_to
            .is_some_and(|at| self.order.cmp(&key, &at).is_le());
        if done_before || self.emitted.contains(&key.id) || buffered(key.id) {
            return Ok(Taken::Skipped);
        }
        if ready {
            index.keys.push_front(key);
            return Ok(Taken::Later);
        }
        Ok(match index.look_up(&self.client, key.id).await? {
            Some(item) => Taken::Item(key, item),
            None => Taken::Skipped,
        })
    }

    /// Whether the model's own listing is all there is (the models endpoint listed no version).
    pub fn legacy_alone(&self) -> bool {
        self.streams.len() == 1 && self.streams[0].source == Source::Legacy
    }

    /// Why the walk is incomplete, once it is over: the legacy listing (the only one with the
    /// model's unlisted and early-access images) stopped early, or came back empty while the
    /// versions had images (what a timeout on its first page looks like).
    pub fn shortfall(&self) -> Option<ApiError> {
        if let Some(index) = &self.index {
            let versions_had_items = self.streams.iter().any(|s| s.received > 0);
            let empty = index.reached == 0 && versions_had_items;
            return (index.cut_short || empty).then_some(ApiError::ModelCutShort {
                model: self.model,
                reached: index.reached,
            });
        }
        let legacy = self.streams.iter().find(|s| s.source == Source::Legacy)?;
        self.legacy_stop()?;
        Some(ApiError::ModelCutShort {
            model: self.model,
            reached: legacy.received,
        })
    }

    /// Where the legacy stream stopped short, if it did: `Some(None)` on its first page.
    fn legacy_stop(&self) -> Option<Option<String>> {
        if let Some(cursor) = &self.cut_short {
            return Some(cursor.clone());
        }
        let legacy = self.streams.iter().find(|s| s.source == Source::Legacy)?;
        let versions_had_items = self
            .streams
            .iter()
            .any(|s| s.source != Source::Legacy && s.received > 0);
        let empty = legacy.pages > 0 && legacy.received == 0 && versions_had_items;
        empty.then_some(None)
    }

    /// The `--cursor` text (after `modelId=M@`) that continues this walk: each unfinished
    /// stream's cursor and the last key handed out. After a shortfall, the legacy stream from
    /// where it stopped.
    pub fn resume_cursor(&self) -> String {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        // The keys cannot be read again from the middle: the same command again.
        if self.index.as_ref().is_some_and(|ix| ix.cut_short) {
            return String::new();
        }
        if let Some(cursor) = self.legacy_stop() {
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

/// What the index gave.
enum Taken {
    /// An image that only the model's own listing brought (or that came there first).
    Item(Key, Item),
    /// Nothing new: the image came through a version, or is gone.
    Skipped,
    /// A look-up is needed, and items are ready to go out first.
    Later,
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
