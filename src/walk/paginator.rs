//! The cursor walk over every target of a query, one page at a time.
//!
//! doc/api.md: pages are filtered after the window is taken, so a page may be short or empty and
//! still carry a `nextCursor`; only an absent or null cursor ends a walk. The cursor is opaque
//! (string or number) and goes back verbatim. `nextPage` is never followed: every request is
//! built from the base URL, so a key in the header can never travel to another host.
//!
//! Every page passes through [`Paginator::next_page`], the one place where items of a walk
//! enter a run: the tag and user checks happen there, then the run's [`Filter`] (window,
//! de-duplication across targets, `--max`, `--stop-after-known`).

use std::collections::{HashSet, VecDeque};

use super::pages::PageSource;
use crate::item::Item;
use crate::walk::api::Page;
use crate::walk::client::{ApiError, Client};
use crate::walk::filter::{Filter, Known};
use crate::walk::model::{ModelWalk, Start};
use crate::walk::not_found::{self, NotFound};
use crate::walk::query::{ImageQuery, ALL_LEVELS};
use crate::walk::segments::{Kind, Resume, Segment};
use crate::walk::sort_key::Order;

/// Pages in a row without a new item after which a walk stops (issue 8): doc/api.md allows short
/// and empty pages, but not a walk in place forever.
pub const MAX_EMPTY_PAGES: u64 = 50;

/// A walk that stopped on an error; knows where to pick it up again.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct WalkError {
    /// What went wrong.
    pub error: ApiError,
    /// The `--cursor` that continues the walk, if it can be continued.
    pub resume_cursor: Option<String>,
    /// Items already handed out before the failure.
    pub items_done: u64,
}

/// One page of a walk: the items new to this run, and the target they came from.
#[derive(Debug)]
pub struct Batch {
    /// Index of the target in the query (for per-target counts).
    pub target: usize,
    /// The items, none of them seen before in this run.
    pub items: Vec<Item>,
    /// `--stop-after-known`: the target's listing ended with this page's last item.
    pub known_stop: bool,
}

impl Batch {
    /// A page that brought nothing (yet) for `target`.
    fn empty(target: usize) -> Batch {
        Batch {
            target,
            items: Vec::new(),
            known_stop: false,
        }
    }
}

/// Where a page's filters end the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ends {
    /// Nowhere: the walk goes on.
    Nothing,
    /// The current stretch (an unknown user, a sorted walk past the window).
    Stretch,
    /// Every stretch of the target (`--stop-after-known`).
    Target,
}

/// Walks pages lazily; memory holds one page and the ids seen so far. The pages come from the
/// API client, or from a script in a unit test.
pub struct Paginator<'a, S: PageSource = Client> {
    client: &'a S,
    query: &'a ImageQuery,
    queue: VecDeque<Segment>,
    /// `--cursor key@…` still to be reached.
    resume: Option<Resume>,
    cursor: Option<String>,
    pages: u64,
    /// The window, de-duplication, `--max` and `--stop-after-known`.
    filter: Filter,
    /// Items emitted from the current stretch.
    stretch_emitted: u64,
    /// Whether the current stretch's last page was full (the legacy timeout check).
    last_full: bool,
    /// Ids met on a page but not handed out (another user's, outside `--since/--until`): a
    /// page of them is progress the first time (issue 21), not when they come again.
    met_ids: HashSet<u64>,
    seen_cursors: HashSet<String>,
    warned: HashSet<&'static str>,
    /// Unlisted models already said to be walked on the legacy path.
    unlisted_warned: HashSet<String>,
    done: bool,
    /// Items dropped because they belong to another user than `--username` asked for.
    foreign: u64,
    /// What turned out not to exist, in the order found, each once.
    missing: Vec<NotFound>,
    /// The targets that turned out not to exist.
    absent: HashSet<usize>,
    /// Items each target brought (before de-duplication): an empty target is checked.
    received: Vec<u64>,
    /// A target whose last stretch just ended, to check if it brought nothing.
    finished: Option<usize>,
    /// Items without a readable `createdAt` were reported.
    warned_undated: bool,
    /// Pages in a row of the current stretch that brought no new item.
    empty_streak: u64,
    /// The current stretch's merged model walk, once started.
    model: Option<ModelWalk>,
    /// A target that came out incomplete without stopping the others: reported at the end.
    deferred: Option<WalkError>,
    /// Some item above PG came back (for [`Paginator::pg_cap_notice`]).
    above_pg: bool,
}

impl<'a, S: PageSource> Paginator<'a, S> {
    /// A walk starting at the query's `--cursor` (or the beginning).
    pub fn new(client: &'a S, query: &'a ImageQuery) -> Self {
        let resume = query.cursor.as_deref().map(Resume::parse);
        let (cursor, resume) = match resume {
            Some(Resume { key: None, cursor }) => (cursor, None),
            other => (None, other),
        };
        let mut seen_cursors = HashSet::new();
        seen_cursors.extend(cursor.clone());
        for user in &query.targets {
            let Some(name) = user.param("username") else {
                continue;
            };
            let slug = crate::walk::query::username_slug(name);
            if slug != name {
                client.log().notice(&format!(
                    "--username {}: the API reads usernames as letters, digits and _ only, so it will look for {slug}",
                    crate::text::escape_line(name)
                ));
            }
        }
        Paginator {
            client,
            query,
            queue: Segment::plan(query),
            resume,
            cursor,
            pages: 0,
            filter: Filter::new(query.window, query.max),
            stretch_emitted: 0,
            last_full: false,
            met_ids: HashSet::new(),
            seen_cursors,
            warned: HashSet::new(),
            unlisted_warned: HashSet::new(),
            done: false,
            foreign: 0,
            missing: Vec::new(),
            absent: HashSet::new(),
            received: vec![0; query.targets.len()],
            finished: None,
            warned_undated: false,
            empty_streak: 0,
            model: None,
            deferred: None,
            above_pg: false,
        }
    }

    /// Items handed out so far.
    pub fn emitted(&self) -> u64 {
        self.filter.taken()
    }

    /// `--stop-after-known`: a target's listing ends with its `after`-th item in a row that
    /// `known` says is complete (see `walk::filter`).
    pub fn stop_after_known(&mut self, after: u64, known: Known) {
        self.filter.stop_after_known(after, known);
    }

    /// What was found not to exist (each target then skipped; the run fails at the end).
    pub fn missing(&self) -> &[NotFound] {
        &self.missing
    }

    /// Whether some target exists: only then does an empty walk deserve the level hint.
    pub fn some_target_exists(&self) -> bool {
        self.absent.len() < self.query.targets.len()
    }

    /// The error that ends a run with missing targets: each named, one line.
    pub fn missing_error(&self) -> Option<anyhow::Error> {
        let all: Vec<String> = self.missing.iter().map(ToString::to_string).collect();
        (!all.is_empty()).then(|| anyhow::anyhow!("{}", all.join("; ")))
    }

    /// After a walk without a key that asked for levels above PG and got none: the API may cap
    /// anonymous callers at PG (doc/api.md, "The official reference"), so say how to give a key.
    pub fn pg_cap_notice(&self) -> Option<&'static str> {
        let asked_above_pg = match (self.query.param("browsingLevel"), self.query.param("nsfw")) {
            (Some(mask), _) => mask.parse::<u64>().is_ok_and(|m| m & !1 != 0),
            (None, Some(nsfw)) => !matches!(nsfw, "None" | "false"),
            (None, None) => false,
        };
        (asked_above_pg && !self.client.has_key() && !self.above_pg && self.pages > 0).then_some(
            "no image above PG came back: Civitai may cap requests without an API key at PG; \
             give one with --api-key or CIVITAI_API_KEY",
        )
    }

    /// Stops the walk: no further page is requested.
    pub fn stop(&mut self) {
        self.done = true;
    }

    /// Ends target `target` early if it is still being walked (`--stop-after-known`): the
    /// walk goes on with the next.
    fn skip_target(&mut self, target: usize) {
        if self.queue.front().is_some_and(|s| s.target == target) {
            while self.queue.front().is_some_and(|s| s.target == target) {
                self.queue.pop_front();
            }
            self.next_stretch();
        }
    }

    /// The next page's new items (possibly none), or `None` when the walk is over.
    pub async fn next_page(&mut self) -> Result<Option<Batch>, WalkError> {
        loop {
            if let Some(target) = self.finished.take() {
                self.check_target(target).await?;
            }
            if self.done {
                return Ok(None);
            }
            let Some(segment) = self.queue.front().cloned() else {
                self.done = true;
                return self.deferred.take().map_or(Ok(None), Err);
            };
            if !self.reach_resume(&segment) {
                continue;
            }
            match segment.kind {
                Kind::Model(model) => return self.model_page(&segment, model).await.map(Some),
                Kind::Rest { legacy } => return self.rest_page(&segment, legacy).await.map(Some),
                Kind::Collection(c) => return self.collection_page(&segment, c).await.map(Some),
            }
        }
    }

    /// With `--cursor key@…`: drops stretches before the one it names; `false` when the front
    /// stretch was dropped.
    fn reach_resume(&mut self, segment: &Segment) -> bool {
        let Some(resume) = &self.resume else {
            return true;
        };
        let key = resume.key.as_deref().unwrap_or("");
        if segment.key() == key {
            self.cursor = resume.cursor.clone();
            self.seen_cursors.extend(self.cursor.clone());
            self.resume = None;
            true
        } else {
            self.queue.pop_front();
            if self.queue.is_empty() {
                self.client.log().warn(&format!(
                    "--cursor names `{key}`, which is not part of this query: nothing to continue"
                ));
            }
            false
        }
    }

    /// A target whose walk brought nothing is looked up once (`not_found`): one that does
    /// not exist is recorded, and the walk goes on with the next.
    async fn check_target(&mut self, target: usize) -> Result<(), WalkError> {
        if self.done || self.received.get(target).is_none_or(|&n| n > 0) {
            return Ok(());
        }
        match not_found::first_missing(self.client, &self.query.targets[target]).await {
            Ok(Some(missing)) => self.note_missing(target, missing),
            Ok(None) => {}
            Err(error) => {
                self.done = true;
                return Err(WalkError {
                    error,
                    resume_cursor: None,
                    items_done: self.filter.taken(),
                });
            }
        }
        Ok(())
    }

    /// The next items of a model's merged walk (see `walk::model`), started on first use.
    async fn model_page(&mut self, segment: &Segment, model: u64) -> Result<Batch, WalkError> {
        if self.model.is_none() {
            let Some(walk) = self.start_model(segment, model).await? else {
                // A model that does not exist: recorded, its target skipped.
                return Ok(Batch::empty(segment.target));
            };
            self.model = Some(walk);
        }
        let walk = self.model.as_mut().expect("started above");
        let next = walk.next_batch().await;
        let resume = walk.resume_cursor();
        let shortfall = walk.shortfall();
        let alone = walk.legacy_alone();
        let items = match next {
            Ok(Some(items)) => {
                if alone && !items.is_empty() && self.unlisted_warned.insert(model.to_string()) {
                    self.client.log().warn(&format!(
                        "the API lists no versions of model {model}; walking it on the API's own model listing alone (its legacy path)"
                    ));
                }
                items
            }
            Ok(None) => {
                if let Some(error) = shortfall {
                    self.cursor = Some(resume);
                    self.stretch_emitted += 1;
                    self.deferred = Some(self.walk_error(error, segment));
                }
                self.end_stretch();
                return Ok(Batch::empty(segment.target));
            }
            // doc/api.md, legacy path: an unknown `username` answers 404 "User not found".
            Err(ApiError::Status { status: 404, .. }) if segment.param("username").is_some() => {
                let user = segment.param("username").unwrap_or_default().to_string();
                self.skip_target_as_missing(segment.target, NotFound::User(user));
                return Ok(Batch::empty(segment.target));
            }
            Err(error) => {
                // Nothing handed out yet: the same command again is the resume.
                self.cursor = (self.stretch_emitted > 0).then_some(resume);
                return Err(self.fail(error, segment));
            }
        };
        self.pages += 1;
        let (items, ends) = self.keep(segment, items);
        self.end(segment.target, ends);
        Ok(Batch {
            target: segment.target,
            items,
            known_stop: ends == Ends::Target,
        })
    }

    /// Lists the model's published versions and starts their merged walk; a model the models
    /// endpoint does not know is walked on the API's own model listing alone, loudly.
    async fn start_model(
        &mut self,
        segment: &Segment,
        model: u64,
    ) -> Result<Option<ModelWalk>, WalkError> {
        self.client
            .log()
            .verbose(&format!("listing the versions of model {model}"));
        let versions = match self.client.model_versions(model).await {
            Ok(versions) => versions,
            Err(ApiError::Status { status: 404, .. }) => {
                match not_found::unlisted_model(self.client, model).await {
                    Ok(Some(missing)) => {
                        self.skip_target_as_missing(segment.target, missing);
                        return Ok(None);
                    }
                    Ok(None) => Vec::new(),
                    Err(error) => return Err(self.fail(error, segment)),
                }
            }
            Err(error) => return Err(self.fail(error, segment)),
        };
        let order = Order::of(self.query.sort);
        if versions.is_empty() {
            // Said once the walk has images (`model_page`): one with none is a missing target.
            self.warn_about_sort(true);
        } else if order == Order::Sequential && self.warned.insert("collected") {
            self.client.log().warn(&format!(
                "the API's items carry no collect count, so --sort most-collected cannot merge the versions of model {model}: \
                 they come one after another, then the images only the API's own model listing holds"
            ));
        } else {
            self.warn_about_sort(false);
        }
        let params = self
            .query
            .params
            .iter()
            .chain(&segment.params)
            .cloned()
            .collect();
        let start = Start {
            params,
            versions,
            order,
            limit: self.query.limit(),
            resume: self.cursor.take(),
        };
        let Some(client) = self.client.as_client() else {
            let error = ApiError::Rejected("a model walk needs the HTTP client".into());
            return Err(self.fail(error, segment));
        };
        Ok(Some(ModelWalk::start(client, model, start)))
    }

    /// One page of `GET /api/v1/images` for this stretch.
    async fn rest_page(&mut self, segment: &Segment, legacy: bool) -> Result<Batch, WalkError> {
        self.warn_about_sort(legacy);
        let page_no = self.pages + 1;
        // An explicit image is asked at every level (issue 16), as `meta ID` does.
        let every_level = segment.param("imageId").is_some();
        let mut params: Vec<(&str, &str)> = self
            .query
            .params
            .iter()
            .filter(|(k, _)| !(every_level && matches!(*k, "browsingLevel" | "nsfw")))
            .chain(&segment.params)
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        if every_level {
            params.push(("browsingLevel", ALL_LEVELS));
        }
        if let Some(c) = &self.cursor {
            params.push(("cursor", c));
        }
        let page = match self.client.get_page(&params, page_no).await {
            Ok(page) => page,
            // doc/api.md, legacy path: an unknown `username` answers 404 "User not found".
            Err(ApiError::Status { status: 404, .. }) if segment.param("username").is_some() => {
                let user = segment.param("username").unwrap_or_default().to_string();
                self.skip_target_as_missing(segment.target, NotFound::User(user));
                return Ok(Batch::empty(segment.target));
            }
            Err(error) => return Err(self.fail(error, segment)),
        };
        self.pages = page_no;
        if legacy && !page.items.is_empty() {
            self.warn_unlisted(segment);
        }
        if legacy && self.looks_timed_out(&page) {
            return Err(self.fail(ApiError::ProbableTimeout, segment));
        }
        self.last_full = page.items.len() >= self.query.limit();
        if !legacy {
            self.note_old_cursor(page.metadata.next_cursor.as_deref());
        }
        let (batch, news) = self.take_page(segment, page);
        self.count_empty(segment, !news)?;
        Ok(batch)
    }

    /// One page of a collection (the site's tRPC; see `client::collection_page`).
    async fn collection_page(&mut self, segment: &Segment, id: u64) -> Result<Batch, WalkError> {
        let page_no = self.pages + 1;
        let params: Vec<(&'static str, String)> = self
            .query
            .params
            .iter()
            .chain(&segment.params)
            .cloned()
            .collect();
        let page = match self
            .client
            .collection_page(id, &params, self.cursor.as_deref(), page_no)
            .await
        {
            Ok(page) => page,
            Err(ApiError::Status { status: 404, .. }) => {
                self.skip_target_as_missing(segment.target, NotFound::Collection(id));
                return Ok(Batch::empty(segment.target));
            }
            Err(error) => return Err(self.fail(error, segment)),
        };
        self.pages = page_no;
        let (batch, news) = self.take_page(segment, page);
        self.count_empty(segment, !news)?;
        Ok(batch)
    }

    /// Says under `-v`, once, when the search path hands out an old-style cursor: such a walk
    /// follows the API's older rules (doc/api.md, "The official reference": unlisted images
    /// included, several tags meaning any of them), so two runs may list different sets.
    fn note_old_cursor(&mut self, next: Option<&str>) {
        let Some(cursor) = next else { return };
        let old = !cursor.starts_with("feed:") && cursor.parse::<u64>().is_err();
        if old && self.warned.insert("old cursor") {
            self.client.log().verbose(&format!(
                "page {} came with an old-style cursor ({}): the API answers this walk by its older \
                 rules (images of unlisted posts included, several tags meaning any of them)",
                self.pages,
                crate::text::escape_line(cursor)
            ));
        }
    }

    /// [`MAX_EMPTY_PAGES`] pages in a row of one stretch that brought nothing new at all (no
    /// item, or only items met before) end the walk as a failure that names the cursor to
    /// resume from. Pages of new items outside the date window are progress: a busy model's
    /// newer pages lead to the window.
    fn count_empty(&mut self, segment: &Segment, empty: bool) -> Result<(), WalkError> {
        self.empty_streak = if empty { self.empty_streak + 1 } else { 0 };
        if self.done || self.empty_streak < MAX_EMPTY_PAGES {
            return Ok(());
        }
        let error = ApiError::EmptyPages {
            pages: self.empty_streak,
            host: self.client.host().to_string(),
        };
        Err(self.fail(error, segment))
    }

    /// The filters every page passes, then the move to the next cursor; also whether the page
    /// brought anything new, kept or not (items `--tag A,B` leaves out count as new).
    fn take_page(&mut self, segment: &Segment, page: Page) -> (Batch, bool) {
        let ids: Vec<u64> = page.items.iter().filter_map(|i| i.id).collect();
        let unmet = ids
            .iter()
            .any(|&id| !self.filter.seen(id) && !self.met_ids.contains(&id));
        let (items, ends) = self.keep(segment, page.items);
        match ends {
            Ends::Nothing => self.advance(page.metadata.next_cursor),
            ends => self.end(segment.target, ends),
        }
        for id in ids {
            if !self.filter.seen(id) {
                self.met_ids.insert(id);
            }
        }
        let news = unmet || !items.is_empty();
        let batch = Batch {
            target: segment.target,
            items,
            known_stop: ends == Ends::Target,
        };
        (batch, news)
    }

    /// The items of a page this run hands out, and where the walk ends because of them.
    fn keep(&mut self, segment: &Segment, items: Vec<Item>) -> (Vec<Item>, Ends) {
        self.above_pg |= items.iter().any(|i| i.level.is_some_and(|l| l > 1));
        let items = self.keep_tagged(segment, items);
        let (items, unknown_user) = self.keep_requested_user(segment, items);
        if let Some(n) = self.received.get_mut(segment.target) {
            *n += items.len() as u64;
        }
        let passed = self.filter.page(segment.target, items);
        if passed.undated > 0 && !self.warned_undated {
            self.warned_undated = true;
            self.client.log().warn(
                "items without a readable createdAt are left out of the --since/--until window",
            );
        }
        self.stretch_emitted += passed.items.len() as u64;
        let ends = if passed.known_stop {
            Ends::Target
        } else if unknown_user || passed.past {
            Ends::Stretch
        } else {
            Ends::Nothing
        };
        (passed.items, ends)
    }

    /// Ends what a page's filters ended; with `--max` reached, the whole walk.
    fn end(&mut self, target: usize, ends: Ends) {
        match ends {
            Ends::Nothing => {}
            Ends::Stretch => self.end_stretch(),
            Ends::Target => self.skip_target(target),
        }
        if self.filter.full() {
            self.done = true;
        }
    }

    /// doc/api.md, legacy path: a query past ~20 s answers `{"items":[],"metadata":{}}`, which
    /// reads like the end; right after a full page it almost certainly is not.
    fn looks_timed_out(&self, page: &Page) -> bool {
        page.items.is_empty() && page.metadata.next_cursor.is_none() && self.last_full
    }

    /// Says once per model that a model the models endpoint does not list is walked on the
    /// legacy path.
    fn warn_unlisted(&mut self, segment: &Segment) {
        let Some(model) = segment.param("modelId") else {
            return;
        };
        if segment.param("imageId").is_none() && self.unlisted_warned.insert(model.to_string()) {
            self.client.log().warn(&format!(
                "the API lists no versions of model {model}; walking it on the API's legacy path, \
                 which loses one image per page unless --sort oldest"
            ));
        }
    }

    /// Says once per kind when the API ignores the sort asked for (doc/api.md, "Three backends").
    fn warn_about_sort(&mut self, legacy: bool) {
        use crate::values::Sort;
        let sort = self.query.sort;
        let (kind, text) = match sort {
            Some(Sort::Random) if !legacy => (
                "random",
                "the API ignores --sort random outside collections and returns the newest first".to_string(),
            ),
            Some(s @ (Sort::MostReactions | Sort::MostComments | Sort::MostCollected)) if legacy => (
                "legacy",
                format!(
                    "the API's legacy path (--image-id, unlisted models) ignores --sort {} and returns the newest first",
                    crate::walk::query::sort_param(s).to_lowercase().replace(' ', "-")
                ),
            ),
            _ => return,
        };
        if self.warned.insert(kind) {
            self.client.log().warn(&text);
        }
    }

    fn fail(&mut self, error: ApiError, segment: &Segment) -> WalkError {
        self.done = true;
        self.walk_error(error, segment)
    }

    /// The error for a stretch that failed, with the cursor that continues it.
    fn walk_error(&self, error: ApiError, segment: &Segment) -> WalkError {
        let named = self.query.targets.len() > 1 || self.query.targets[0].model.is_some();
        let resume_cursor = match error {
            ApiError::UnknownUser(_) | ApiError::Rejected(_) | ApiError::CursorRefused(_) => None,
            // Nothing came and no page was passed: the same command again is the resume.
            _ if self.filter.taken() == 0 && self.cursor.is_none() => None,
            _ => Resume::format(segment, self.cursor.as_deref(), named),
        };
        WalkError {
            error,
            resume_cursor,
            items_done: self.filter.taken(),
        }
    }

    /// `--tag A,B` means images carrying all of them. The API answers any of them on some
    /// requests (doc/api.md, "The official reference": the exception class, old-style cursors)
    /// and collections may not filter at all, so the items' own `tags` decide; an item without
    /// them cannot be shown to match and is left out, said once.
    fn keep_tagged(&mut self, segment: &Segment, items: Vec<Item>) -> Vec<Item> {
        let want = crate::walk::query::tag_ids_in(&segment.params);
        let collection = matches!(segment.kind, Kind::Collection(_));
        // One tag: the API filters on REST; collections are checked whatever the count.
        let checked = want.len() > 1 || (collection && !want.is_empty());
        if !checked {
            return items;
        }
        let mut untagged = 0;
        let kept: Vec<Item> = items
            .into_iter()
            .filter(|item| match item.tag_ids() {
                Some(have) => want.iter().all(|t| have.contains(t)),
                None => {
                    untagged += 1;
                    false
                }
            })
            .collect();
        if untagged > 0 && self.warned.insert("untagged") {
            self.client.log().warn(&format!(
                "the API sent items without their tags: --tag {} cannot be checked on them, so they are left out",
                segment.param("tags").unwrap_or_default()
            ));
        }
        kept
    }

    /// doc/api.md: "Deleted or renamed users can return unrelated images". With `--username`,
    /// other users' items are dropped; when the first page that has items has none of that
    /// user's, the API ignored the filter (unknown user) and the stretch ends there instead of
    /// walking the whole site (then `true`).
    fn keep_requested_user(&mut self, segment: &Segment, items: Vec<Item>) -> (Vec<Item>, bool) {
        let Some(user) = segment.param("username") else {
            return (items, false);
        };
        // The API looks the name up slugified; its items carry the real name.
        let user = &crate::walk::query::username_slug(user);
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
        // An unknown user is checked once the stretch ends (`check_target`), and said as
        // such, not also as skipped items.
        let unknown = total > 0 && kept.is_empty() && self.stretch_emitted == 0;
        if !unknown && dropped > 0 && self.foreign == 0 {
            self.client.log().warn(&format!(
                "the API returned images of other users for --username {user}; they are skipped"
            ));
        }
        self.foreign += dropped;
        (kept, unknown)
    }

    /// Moves to the next cursor; on none (or a repeat) to the next stretch; on `--max`, stops.
    fn advance(&mut self, next: Option<String>) {
        if self.done {
            return;
        }
        if self.filter.full() {
            self.done = true;
            return;
        }
        match next {
            None => self.end_stretch(),
            Some(c) if !self.seen_cursors.insert(c.clone()) => {
                self.client.log().warn(&format!(
                    "the API sent cursor {c} again after page {}; stopping here",
                    self.pages
                ));
                self.end_stretch();
            }
            Some(c) => self.cursor = Some(c),
        }
    }

    /// The current stretch is over: the next one starts from its beginning. When it was its
    /// target's last, the target is checked before the next page if it brought nothing.
    fn end_stretch(&mut self) {
        let ended = self.queue.pop_front().map(|s| s.target);
        if ended.is_some() && self.queue.front().map(|s| s.target) != ended {
            self.finished = ended;
        }
        self.next_stretch();
    }

    /// Records a missing target, once however many combinations it is part of.
    fn note_missing(&mut self, target: usize, missing: NotFound) {
        self.absent.insert(target);
        if !self.missing.contains(&missing) {
            self.missing.push(missing);
        }
    }

    /// Records `missing` and drops every stretch of its target, which is at the front.
    fn skip_target_as_missing(&mut self, target: usize, missing: NotFound) {
        self.note_missing(target, missing);
        while self.queue.front().is_some_and(|s| s.target == target) {
            self.queue.pop_front();
        }
        self.next_stretch();
    }

    /// Resets what is per stretch; the front of the queue is the next stretch.
    fn next_stretch(&mut self) {
        self.cursor = None;
        self.stretch_emitted = 0;
        self.last_full = false;
        self.seen_cursors.clear();
        self.empty_streak = 0;
        self.model = None;
    }
}

#[cfg(test)]
#[path = "paginator_tests.rs"]
mod tests;
