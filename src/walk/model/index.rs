//! The model's own listing for the engagement sorts: the legacy path cannot sort by counts (it
//! answers newest-by-id), and an unlisted image with the most reactions may sit anywhere in id
//! order, so its images are placed only once all are known. One pass over the listing keeps each
//! image's key (16 bytes an image); the merge then takes those keys in order like a stream's
//! heads, and an image that has not come through a version by then is looked up by id.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::item::Item;
use crate::walk::api::Page;
use crate::walk::client::{ApiError, Client};
use crate::walk::query::MAX_LIMIT;
use crate::walk::sort_key::{Key, Order};

/// Parameters the pass drops: it needs ids and counts only, in its own page size and order.
const NOT_FOR_THE_PASS: [&str; 7] = [
    "withMeta", "flatMeta", "withTags", "sort", "limit", "page", "cursor",
];

/// The keys of the model's own listing, read before the merge starts.
pub(super) struct Index {
    /// The pass, while it runs.
    task: Option<JoinHandle<Result<Pass, ApiError>>>,
    /// Keys still to merge, in the walk's order.
    pub(super) keys: VecDeque<Key>,
    /// Images the pass read.
    pub(super) reached: u64,
    /// The pass stopped early (a probable server timeout).
    pub(super) cut_short: bool,
    /// Every parameter of a look-up but `imageId`.
    lookup: Vec<(&'static str, String)>,
}

/// What the pass over the listing found.
struct Pass {
    keys: Vec<Key>,
    cut_short: bool,
}

impl Index {
    /// Starts the pass; `params` are the listing's own (the query's and the target's, and
    /// `modelId`).
    pub(super) fn start(
        client: &Client,
        gate: &Arc<Semaphore>,
        params: Vec<(&'static str, String)>,
        order: Order,
        model: u64,
    ) -> Index {
        let mut pass_params: Vec<(&'static str, String)> = params
            .iter()
            .filter(|(k, _)| !NOT_FOR_THE_PASS.contains(k))
            .cloned()
            .collect();
        // The legacy path loses nothing ascending (doc/api.md, "Legacy database path").
        pass_params.push(("sort", "Oldest".into()));
        pass_params.push(("limit", MAX_LIMIT.to_string()));
        let lookup = params
            .into_iter()
            .filter(|(k, _)| !["sort", "page", "cursor"].contains(k))
            .collect();
        let task = pass(client.clone(), gate.clone(), pass_params, order, model);
        Index {
            task: Some(tokio::spawn(task)),
            keys: VecDeque::new(),
            reached: 0,
            cut_short: false,
            lookup,
        }
    }

    /// Waits for the pass (at once if it is over) and sorts its keys in `order`.
    pub(super) async fn ready(&mut self, order: Order, client: &Client) -> Result<(), ApiError> {
        let Some(task) = self.task.take() else {
            return Ok(());
        };
        let pass = task.await.map_err(|e| ApiError::Transport {
            what: "listing task",
            host: client.host().to_string(),
            detail: e.to_string(),
        })??;
        let mut keys = pass.keys;
        keys.sort_by(|a, b| order.cmp(a, b));
        self.reached = keys.len() as u64;
        self.cut_short = pass.cut_short;
        self.keys = keys.into();
        Ok(())
    }

    /// The image `id` with the walk's parameters (`imageId` is exception class: unlisted and
    /// early-access images included), or `None` if it is gone.
    pub(super) async fn look_up(&self, client: &Client, id: u64) -> Result<Option<Item>, ApiError> {
        let id_text = id.to_string();
        let mut pairs: Vec<(&str, &str)> =
            self.lookup.iter().map(|(k, v)| (*k, v.as_str())).collect();
        pairs.push(("imageId", &id_text));
        let what = format!("image {id}");
        let page = client.get_page_at(&client.page_url(&pairs), &what).await?;
        Ok(page.items.into_iter().find(|i| i.id == Some(id)))
    }
}

impl Drop for Index {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Reads every key of the listing, page by page. An empty page right after a full one is what
/// a server timeout looks like (doc/api.md): the keys so far, cut short.
async fn pass(
    client: Client,
    gate: Arc<Semaphore>,
    params: Vec<(&'static str, String)>,
    order: Order,
    model: u64,
) -> Result<Pass, ApiError> {
    let mut keys = Vec::new();
    let mut cursor: Option<String> = None;
    let mut seen = HashSet::new();
    let mut last_full = false;
    for page_no in 1u64.. {
        let page: Page = {
            let _permit = gate.acquire().await.ok();
            let mut pairs: Vec<(&str, &str)> =
                params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            if let Some(c) = &cursor {
                pairs.push(("cursor", c));
            }
            let what = format!("page {page_no} of model {model} (ids and counts)");
            client.get_page_at(&client.page_url(&pairs), &what).await?
        };
        let next = page.metadata.next_cursor;
        if page.items.is_empty() && next.is_none() && last_full {
            return Ok(Pass {
                keys,
                cut_short: true,
            });
        }
        last_full = page.items.len() >= MAX_LIMIT as usize;
        keys.extend(page.items.iter().filter_map(|item| {
            Some(Key {
                value: order.read(item)?,
                id: item.id?,
            })
        }));
        match next {
            Some(c) if seen.insert(c.clone()) => cursor = Some(c),
            _ => break,
        }
    }
    Ok(Pass {
        keys,
        cut_short: false,
    })
}
