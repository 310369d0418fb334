//! Where the items to download come from: the API walk, or JSON lines from `--input`.
//!
//! Both send pages of items down a channel and fetch the next page only once the downloader
//! has taken in the previous one (a `demand` permit): downloads start while the listing goes
//! on, at most one page waits in the channel, and `--stop-after-known` ends a target before
//! the next request. The downloader takes pages in as they come, while fewer than a few
//! thousand of its jobs wait, so the listing runs ahead of the transfers.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::sync::mpsc::Sender;
use tokio::sync::Semaphore;

use super::input_line::{self, Line};
use crate::log::Log;
use crate::text::escape_line;
use crate::walk::client::Client;
use crate::walk::paginator::Paginator;
use crate::walk::query::ImageQuery;

/// Items per page sent from `--input`.
const INPUT_BATCH: usize = 200;

/// A page of items on its way to the downloader, with the target it belongs to.
pub struct Intake {
    /// Index of the target in the query (always 0 for `--input`).
    pub target: usize,
    /// The items.
    pub items: Vec<Value>,
}

/// What the downloader asks of the listing between two pages.
#[derive(Default)]
pub struct Steer {
    /// Stop listing altogether.
    pub stop: AtomicBool,
    /// `target + 1` of a target to end now (`--stop-after-known`); 0 for none.
    pub skip: AtomicUsize,
}

/// Walks the API, sending each page; stops early when told to or when the receiver is gone.
pub async fn from_api(
    client: Client,
    query: ImageQuery,
    tx: Sender<Intake>,
    steer: Arc<Steer>,
    demand: Arc<Semaphore>,
) -> Result<()> {
    let mut walk = Paginator::new(&client, &query);
    loop {
        // Wait until the previous page was taken in, then look at the steering again.
        if !wait_for_demand(&demand).await || steer.stop.load(Ordering::SeqCst) {
            walk.stop();
            return Ok(());
        }
        if let Some(target) = steer.skip.swap(0, Ordering::SeqCst).checked_sub(1) {
            walk.skip_target(target);
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
        let items = values_of(&client, &batch.items);
        let intake = Intake {
            target: batch.target,
            items,
        };
        if tx.send(intake).await.is_err() {
            return Ok(());
        }
    }
}

/// A page's items as value trees; an item nested too deep to read is skipped with a warning.
fn values_of(client: &Client, items: &[crate::walk::api::Item]) -> Vec<Value> {
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        match item.try_value() {
            Ok(value) => values.push(value),
            Err(why) => {
                let id = item
                    .id
                    .map_or("without an id".to_string(), |id| id.to_string());
                client
                    .log()
                    .warn(&format!("item {id} skipped: {}", escape_line(&why)));
            }
        }
    }
    values
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
    let send = |items: Vec<Value>| tx.send(Intake { target: 0, items });
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
                let _ = send(std::mem::take(&mut batch)).await;
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
        if full
            && (walks.steer.stop.load(Ordering::SeqCst)
                || send(std::mem::take(&mut batch)).await.is_err())
        {
            return Ok(());
        }
        if let Some(pasted) = target {
            missing.extend(walk_target(&walks, &pasted, &tx).await?);
        }
    }
    if !batch.is_empty() {
        let _ = send(batch).await;
    }
    not_text.warn(name, &log);
    match missing.is_empty() {
        true => Ok(()),
        false => anyhow::bail!("{}", missing.join("; ")),
    }
}

/// Walks one target line of `--input`, sending its pages; returns what was not found.
async fn walk_target(
    walks: &InputWalks,
    pasted: &crate::pasted::Pasted,
    tx: &Sender<Intake>,
) -> Result<Vec<String>> {
    let query = ImageQuery {
        targets: vec![crate::walk::query::Target::from_pasted(pasted)],
        ..walks.query.clone()
    };
    let mut walk = Paginator::new(&walks.client, &query);
    while let Some(batch) = walk.next_page().await? {
        if walks.steer.stop.load(Ordering::SeqCst) {
            break;
        }
        let items = values_of(&walks.client, &batch.items);
        if tx.send(Intake { target: 0, items }).await.is_err() {
            break;
        }
    }
    Ok(walk.missing().iter().map(ToString::to_string).collect())
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
