//! The cursor walk over `GET /api/v1/images`, one page at a time.
//!
//! API.md: pages are filtered after the window is taken, so a page may be short or empty and
//! still carry a `nextCursor`; only an absent or null cursor ends the walk. The cursor is opaque
//! (string or number) and goes back verbatim. `nextPage` is never followed: every request is
//! built from the base URL, so a key in the header can never travel to another host.

use std::collections::HashSet;

use crate::api::Item;
use crate::client::{ApiError, Client};
use crate::query::ImageQuery;

/// Pages in a row without a new item after which a walk stops (issue 8): API.md allows short
/// and empty pages, but not a walk in place forever.
pub const MAX_EMPTY_PAGES: u64 = 50;

/// A walk that stopped on an error; knows where to pick it up again.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct WalkError {
    /// What went wrong.
    pub error: ApiError,
    /// The cursor of the page that failed, for `--cursor`.
    pub resume_cursor: Option<String>,
    /// Items already handed out before the failure.
    pub items_done: u64,
}

/// Walks pages lazily; memory holds one page and the ids seen so far.
pub struct Paginator<'a> {
    client: &'a Client,
    query: &'a ImageQuery,
    cursor: Option<String>,
    pages: u64,
    emitted: u64,
    seen_ids: HashSet<u64>,
    seen_cursors: HashSet<String>,
    done: bool,
    /// Items dropped because they belong to another user than `--username` asked for.
    foreign: u64,
    /// Pages in a row that brought no new item.
    empty_streak: u64,
    /// Items without a readable `createdAt` were reported.
    warned_undated: bool,
}

impl<'a> Paginator<'a> {
    /// A walk starting at the query's `--cursor` (or the beginning).
    pub fn new(client: &'a Client, query: &'a ImageQuery) -> Self {
        let mut seen_cursors = HashSet::new();
        seen_cursors.extend(query.cursor.clone());
        Paginator {
            client,
            query,
            cursor: query.cursor.clone(),
            pages: 0,
            emitted: 0,
            seen_ids: HashSet::new(),
            seen_cursors,
            done: false,
            foreign: 0,
            empty_streak: 0,
            warned_undated: false,
        }
    }

    /// Stops the walk: no further page is requested.
    pub fn stop(&mut self) {
        self.done = true;
    }

    /// The next page's new items (possibly none), or `None` when the walk is over.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Item>>, WalkError> {
        if self.done {
            return Ok(None);
        }
        let page_no = self.pages + 1;
        let params = self.params();
        let page = self
            .client
            .get_page(&params, page_no)
            .await
            .map_err(|error| self.fail(error))?;
        self.pages = page_no;
        let items = self.keep_requested_user(page.items);
        let items = self.keep_window(items);
        let items = self.take_new(items);
        self.advance(page.metadata.next_cursor);
        self.count_empty(items.is_empty())?;
        Ok(Some(items))
    }

    /// [`MAX_EMPTY_PAGES`] pages in a row without a new item end the walk as a failure that
    /// names the cursor to resume from.
    fn count_empty(&mut self, empty: bool) -> Result<(), WalkError> {
        self.empty_streak = if empty { self.empty_streak + 1 } else { 0 };
        if self.done || self.empty_streak < MAX_EMPTY_PAGES {
            return Ok(());
        }
        let error = ApiError::EmptyPages {
            pages: self.empty_streak,
            host: self.client.host().to_string(),
        };
        Err(self.fail(error))
    }

    /// The parameters of the next request: the query's, then the cursor.
    fn params(&self) -> Vec<(&str, &str)> {
        let mut params: Vec<(&str, &str)> = self
            .query
            .params
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        if let Some(c) = &self.cursor {
            params.push(("cursor", c));
        }
        params
    }

    fn fail(&mut self, error: ApiError) -> WalkError {
        self.done = true;
        WalkError {
            error,
            resume_cursor: self.cursor.clone(),
            items_done: self.emitted,
        }
    }

    /// API.md: "Deleted or renamed users can return unrelated images". With `--username`,
    /// other users' items are dropped; when the first page that has items has none of that
    /// user's, the API ignored the filter (unknown user) and the walk ends there instead of
    /// walking the whole site.
    fn keep_requested_user(&mut self, items: Vec<Item>) -> Vec<Item> {
        let Some(user) = self.query.param("username") else {
            return items;
        };
        let total = items.len();
        let kept: Vec<Item> = items
            .into_iter()
            .filter(|item| {
                item.username
                    .as_deref()
                    .is_some_and(|u| u.eq_ignore_ascii_case(user))
            })
            .collect();
        let dropped = (total - kept.len()) as u64;
        if dropped > 0 && self.foreign == 0 {
            self.client.log().warn(&format!(
                "the API returned images of other users for --username {user}; they are skipped"
            ));
        }
        self.foreign += dropped;
        if total > 0 && kept.is_empty() && self.emitted == 0 {
            self.client.log().warn(&format!(
                "no images by {user}: the API answered with other users' images (unknown, deleted or renamed user?)"
            ));
            self.done = true;
        }
        kept
    }

    /// `--since` / `--until` (`window`): drops items outside the window, and ends the walk
    /// once a sorted walk has gone past it.
    fn keep_window(&mut self, items: Vec<Item>) -> Vec<Item> {
        let Some(window) = &self.query.window else {
            return items;
        };
        let page = window.filter(items);
        if page.undated > 0 && !self.warned_undated {
            self.warned_undated = true;
            self.client.log().warn(
                "items without a readable createdAt are left out of the --since/--until window",
            );
        }
        self.done |= page.past;
        page.kept
    }

    /// Drops items already emitted and cuts the page at `--max`.
    fn take_new(&mut self, items: Vec<Item>) -> Vec<Item> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if self.query.max.is_some_and(|max| self.emitted >= max) {
                break;
            }
            if let Some(id) = item.id {
                if !self.seen_ids.insert(id) {
                    continue;
                }
            }
            self.emitted += 1;
            out.push(item);
        }
        out
    }

    /// Moves to the next cursor, ending the walk on none, on `--max`, or on a repeat.
    fn advance(&mut self, next: Option<String>) {
        if self.done {
            return;
        }
        if self.query.max.is_some_and(|max| self.emitted >= max) {
            self.done = true;
            return;
        }
        match next {
            None => self.done = true,
            Some(c) if !self.seen_cursors.insert(c.clone()) => {
                self.client.log().warn(&format!(
                    "the API sent cursor {c} again after page {}; stopping here",
                    self.pages
                ));
                self.done = true;
            }
            Some(c) => self.cursor = Some(c),
        }
    }
}
