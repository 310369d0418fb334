//! Where the items to download come from: the API walk, or JSON lines from `--input`.
//!
//! Both send pages of items down a channel and fetch the next page only once the downloader
//! has taken in the previous one (a `demand` permit): downloads start while the listing goes
//! on, and at most one page waits in the channel. The downloader takes pages in as they come,
//! while fewer than a few thousand of its jobs wait, so the listing runs ahead of the
//! transfers. Both sources pass their items through the run's one filter (`walk::filter`:
//! de-duplication, `--max`, `--stop-after-known`): the walk's own, or one over all of
//! `--input`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::sync::mpsc::Sender;
use tokio::sync::Semaphore;

use super::input_line::{self, Line};
use crate::item::Item;
use crate::log::Log;
use crate::walk::client::Client;
use crate::walk::filter::{Filter, Known};
use crate::walk::paginator::Paginator;
use crate::walk::query::ImageQuery;

/// Items per page sent from `--input`.
const INPUT_BATCH: usize = 200;

/// A page of items on its way to the downloader, with the target it belongs to.
pub struct Intake {
    /// Index of the target in the query (always 0 for `--input`).
    pub target: usize,
    /// The items.
    pub items: Vec<Item>,
    /// `--stop-after-known` ended the target's listing with the last of these items.
    pub known_stop: bool,
}

/// What the downloader asks of the listing between two pages.
#[derive(Default)]
pub struct Steer {
    /// Stop listing altogether.
    pub stop: AtomicBool,
}

/// `--stop-after-known N` and what tells a complete item.
pub type KnownStop = Option<(u64, Known)>;

/// Walks the API, sending each page; stops early when told to or when the receiver is gone.
pub async fn from_api(
    client: Client,
    query: ImageQuery,
    tx: Sender<Intake>,
    steer: Arc<Steer>,
    demand: Arc<Semaphore>,
    known: KnownStop,
) -> Result<()> {
    let mut walk = Paginator::new(&client, &query);
    if let Some((after, known)) = known {
        walk.stop_after_known(after, known);
    }
    loop {
        // Wait until the previous page was taken in, then look at the steering again.
        if !wait_for_demand(&demand).await || steer.stop.load(Ordering::SeqCst) {
            walk.stop();
            return Ok(());
        }
        let Some(batch) = walk.next_page().await? else {
            if walk.emitted() == 0 && walk.some_target_exists() {
                if let Some(hint) = crate::commands::list::pg_only_hint(&query) {
                    client.log().warn(hint);
                }
            }
            if let Some(notice) = walk.pg_cap_notice() {
                client.log().warn(notice);
            }
            return walk.missing_error().map_or(Ok(()), Err);
        };
        let intake = Intake {
            target: batch.target,
            items: batch.items,
            known_stop: batch.known_stop,
        };
        if tx.send(intake).await.is_err() {
            return Ok(());
        }
    }
}

/// Takes one page's worth of demand; `false` when the downloader has gone.
async fn wait_for_demand(demand: &Semaphore) -> bool {
    match demand.acquire().await {
        Ok(permit) => {
            permit.forget();
            true
        }
        Err(_) => false,
    }
}

/// Reads `--input` from a file or `-`: JSON lines (as `civimg list --format jsonl` prints them)
/// and image ids or Civitai page URLs, mixed (`input_line`). The first line that is none of
/// them ends the run with an error that names the fix; the lines before it in the same batch
/// are not handed on.
pub async fn from_input(path: PathBuf, tx: Sender<Intake>, walks: InputWalks) -> Result<()> {
    if path == Path::new("-") {
        read_lines(tokio::io::stdin(), "standard input", tx, walks).await
    } else {
        let file = tokio::fs::File::open(&path)
            .await
            .with_context(|| format!("cannot open {}", path.display()))?;
        let name = path.display().to_string();
        read_lines(file, &name, tx, walks).await
    }
}

/// What the target lines of `--input` are walked with.
pub struct InputWalks {
    /// The API client (its log is the run's).
    pub client: Client,
    /// The common parameters (`withMeta` …); each target line becomes its only target.
    pub query: ImageQuery,
    /// The downloader's steering.
    pub steer: Arc<Steer>,
    /// `--stop-after-known`, over the input in its order.
    pub known: KnownStop,
}

/// `--input`'s items on their way to the downloader: through one filter for the whole input
/// (its lines and the walks of its target lines alike), then down the channel.
struct Feed<'a> {
    filter: Filter,
    tx: &'a Sender<Intake>,
    steer: &'a Steer,
}

impl<'a> Feed<'a> {
    fn new(walks: &'a InputWalks, tx: &'a Sender<Intake>) -> Self {
        let mut filter = Filter::new(None, walks.query.max);
        if let Some((after, known)) = &walks.known {
            filter.stop_after_known(*after, known.clone());
        }
        Feed {
            filter,
            tx,
            steer: &walks.steer,
        }
    }

    /// Sends the items the filter passes; `false` when nothing more is wanted: `--max` was
    /// reached before, a known stop ended the input with these, or the downloader stopped.
    async fn send(&mut self, items: Vec<Item>) -> bool {
        if self.steer.stop.load(Ordering::SeqCst) || self.filter.full() {
            return false;
        }
        let passed = self.filter.page(0, items);
        let intake = Intake {
            target: 0,
            items: passed.items,
            known_stop: passed.known_stop,
        };
        self.tx.send(intake).await.is_ok() && !passed.known_stop
    }

    /// Whether a walk should ask for no further page.
    fn done(&self) -> bool {
        self.filter.full() || self.steer.stop.load(Ordering::SeqCst)
    }
}

/// Longest `--input` line read (issue 21): an item is a few KiB, and a line without an end
/// must not take the memory of the machine (1 GB without a newline reached 985 MB before).
pub const MAX_INPUT_LINE: u64 = 16 * 1024 * 1024;

/// Reads `--input` as bytes, line by line: a line that is not UTF-8 text is skipped (counted,
/// said once at the end), a line longer than [`MAX_INPUT_LINE`] stops the input with an error
/// naming it, after the items of the lines before it were handed on.
async fn read_lines<R: AsyncRead + Unpin>(
    reader: R,
    name: &str,
    tx: Sender<Intake>,
    walks: InputWalks,
) -> Result<()> {
    let log = walks.client.log().clone();
    let mut feed = Feed::new(&walks, &tx);
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    let mut batch = Vec::with_capacity(INPUT_BATCH);
    let mut missing: Vec<String> = Vec::new();
    let mut number = 0u64;
    let mut not_text = NotText::default();
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_INPUT_LINE + 1)
            .read_until(b'\n', &mut line)
            .await
            .with_context(|| format!("cannot read {name}"))?;
        if n == 0 {
            break;
        }
        number += 1;
        if !line.ends_with(b"\n") && n as u64 > MAX_INPUT_LINE {
            if !batch.is_empty() {
                feed.send(std::mem::take(&mut batch)).await;
            }
            not_text.warn(name, &log);
            anyhow::bail!(
                "{name} line {number} is longer than {} MiB; no item is that long (the lines before it were read)",
                MAX_INPUT_LINE >> 20
            );
        }
        let Ok(text) = std::str::from_utf8(&line) else {
            not_text.count(number);
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let target = match input_line::read(text) {
            Ok(Line::Item(item)) => {
                batch.push(item);
                None
            }
            Ok(Line::Target(pasted)) => Some(pasted),
            Err(why) => {
                not_text.warn(name, &log);
                anyhow::bail!("{name} line {number}: {why}")
            }
        };
        let full = batch.len() == INPUT_BATCH || (target.is_some() && !batch.is_empty());
        if full && !feed.send(std::mem::take(&mut batch)).await {
            return Ok(());
        }
        if let Some(pasted) = target {
            let (more, not_found) = walk_target(&walks, &pasted, &mut feed).await?;
            missing.extend(not_found);
            if !more {
                return Ok(());
            }
        }
    }
    if !batch.is_empty() {
        feed.send(batch).await;
    }
    not_text.warn(name, &log);
    match missing.is_empty() {
        true => Ok(()),
        false => anyhow::bail!("{}", missing.join("; ")),
    }
}

/// Walks one target line of `--input`, feeding its pages on; returns whether the input goes
/// on after it, and what was not found.
async fn walk_target(
    walks: &InputWalks,
    pasted: &crate::pasted::Pasted,
    feed: &mut Feed<'_>,
) -> Result<(bool, Vec<String>)> {
    let query = ImageQuery {
        targets: vec![crate::walk::query::Target::from_pasted(pasted)],
        ..walks.query.clone()
    };
    let mut walk = Paginator::new(&walks.client, &query);
    let mut more = true;
    while let Some(batch) = walk.next_page().await? {
        more = feed.send(batch.items).await;
        if !more || feed.done() {
            break;
        }
    }
    let not_found = walk.missing().iter().map(ToString::to_string).collect();
    Ok((more, not_found))
}

/// Lines of `--input` that were not UTF-8 text: how many, and the first.
#[derive(Default)]
struct NotText {
    lines: u64,
    first: u64,
}

impl NotText {
    fn count(&mut self, number: u64) {
        if self.lines == 0 {
            self.first = number;
        }
        self.lines += 1;
    }

    /// One warning for them all.
    fn warn(&self, name: &str, log: &Log) {
        match self.lines {
            0 => {}
            1 => log.warn(&format!(
                "{name} line {}: not UTF-8 text; skipped",
                self.first
            )),
            n => log.warn(&format!(
                "{name}: {n} lines were not UTF-8 text and were skipped (the first: line {})",
                self.first
            )),
        }
    }
}
