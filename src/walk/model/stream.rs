//! One of the listings a model walk merges: a version on the feed path, or the model's own
//! listing on the legacy path, walked page by page with the next page asked for ahead.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::item::Item;
use crate::walk::api::Page;
use crate::walk::client::{ApiError, Client};
use crate::walk::paginator::MAX_EMPTY_PAGES;
use crate::walk::sort_key::{Key, Order};

/// Which of the model's listings a stream walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// One published version on the feed path.
    Version(u64),
    /// `modelId` alone: the legacy path, the only one with unlisted and early-access images.
    Legacy,
}

impl Source {
    /// Its name inside a resume cursor.
    pub(super) fn name(self) -> String {
        match self {
            Source::Version(v) => format!("v{v}"),
            Source::Legacy => "model".into(),
        }
    }
}

/// Where a stream's next page comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Next {
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
pub(super) struct Stream {
    pub(super) source: Source,
    /// Its rank among the streams ([`Order::Sequential`] orders by it).
    rank: i64,
    params: Vec<(&'static str, String)>,
    /// A descending walk on the legacy path: the image whose id is the next cursor is looked up.
    fill_drops: bool,
    pub(super) buf: VecDeque<(Key, Item)>,
    /// The cursor of the page the buffer holds (resume point while items of it are left).
    pub(super) page_cursor: Option<String>,
    pub(super) next: Next,
    /// The next page, requested, with the cursor it was asked with.
    pending: Option<(Option<String>, PageTask)>,
    /// Items of the page the buffer was filled from.
    page_len: usize,
    pub(super) pages: u64,
    pub(super) received: u64,
    last_full: bool,
    empty_streak: u64,
    seen_cursors: HashSet<String>,
    /// The key of the last item read: an item without a readable key takes it.
    last_value: Option<i64>,
}

impl Stream {
    pub(super) fn new(
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
    pub(super) fn needs_page(&self) -> bool {
        self.buf.is_empty() && (self.next != Next::End || self.pending.is_some())
    }

    /// Whether the requested page is in (awaiting it will not wait).
    pub(super) fn arrived(&self) -> bool {
        self.pending.as_ref().is_some_and(|(_, h)| h.is_finished())
    }

    /// Requests the next page unless it is requested already or the stream is over.
    pub(super) fn request(&mut self, client: &Client, gate: &Arc<Semaphore>, model: u64) {
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
    pub(super) async fn load(
        &mut self,
        order: Order,
        limit: usize,
        client: &Client,
    ) -> Result<(), ApiError> {
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
    pub(super) fn take(
        &mut self,
        client: &Client,
        gate: &Arc<Semaphore>,
        model: u64,
    ) -> (Key, Item) {
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
    pub(super) fn resume_at(&self) -> Option<Option<&str>> {
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
    let page = client.get_page_at(&client.page_url(&pairs), &what).await?;
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
            let found = client.get_page_at(&client.page_url(&pairs), &what).await?;
            dropped.extend(found.items.into_iter().filter(|i| i.id == Some(id)));
        }
    }
    Ok(Fetched { page, dropped })
}
