//! Where the items to download come from: the API walk, or JSON lines from `--input`.
//!
//! Both send pages of items down a channel and fetch the next page only once the downloader
//! has taken in the previous one (a `demand` permit): downloads start while the listing goes
//! on, at most one page waits ahead, and `--stop-after-known` ends a target before the next
//! request.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::sync::mpsc::Sender;
use tokio::sync::Semaphore;

use crate::client::Client;
use crate::log::Log;
use crate::paginator::Paginator;
use crate::query::ImageQuery;
use crate::text::escape_line;

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
            if walk.emitted() == 0 && !walk.unknown_user() {
                if let Some(hint) = crate::commands::list::pg_only_hint(&query) {
                    client.log().warn(hint);
                }
            }
            return Ok(());
        };
        let mut items = Vec::with_capacity(batch.items.len());
        for item in &batch.items {
            match item.try_value() {
                Ok(value) => items.push(value),
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
        let intake = Intake {
            target: batch.target,
            items,
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

/// Reads JSON lines (as `civimg list --format jsonl` prints them) from a file or `-`.
/// A malformed line is reported with its number and skipped.
pub async fn from_input(
    path: PathBuf,
    tx: Sender<Intake>,
    stop: Arc<Steer>,
    log: Log,
) -> Result<()> {
    if path == Path::new("-") {
        read_lines(tokio::io::stdin(), "standard input", tx, stop, log).await
    } else {
        let file = tokio::fs::File::open(&path)
            .await
            .with_context(|| format!("cannot open {}", path.display()))?;
        let name = path.display().to_string();
        read_lines(file, &name, tx, stop, log).await
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
    steer: Arc<Steer>,
    log: Log,
) -> Result<()> {
    let send = |items: Vec<Value>| tx.send(Intake { target: 0, items });
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    let mut batch = Vec::with_capacity(INPUT_BATCH);
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
        match parse_line(text) {
            Ok(item) => batch.push(item),
            Err(why) => log.warn(&format!("{name} line {number}: {why}; skipped")),
        }
        let full = batch.len() == INPUT_BATCH;
        if full
            && (steer.stop.load(Ordering::SeqCst)
                || send(std::mem::take(&mut batch)).await.is_err())
        {
            return Ok(());
        }
    }
    if !batch.is_empty() {
        let _ = send(batch).await;
    }
    not_text.warn(name, &log);
    Ok(())
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

/// One line must be a JSON object with a numeric `id` and a string `url`.
fn parse_line(line: &str) -> std::result::Result<Value, String> {
    let value: Value = serde_json::from_str(line)
        .map_err(|e| format!("not JSON ({})", crate::api::json_error(&e)))?;
    if !value.is_object() {
        return Err("not a JSON object".into());
    }
    if value.get("id").and_then(Value::as_u64).is_none() {
        return Err("no numeric \"id\"".into());
    }
    if value.get("url").and_then(Value::as_str).is_none() {
        return Err("no \"url\"".into());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_need_an_object_with_id_and_url() {
        assert!(parse_line(r#"{"id":1,"url":"http://x/a/b/c/d"}"#).is_ok());
        assert!(parse_line(r#"{"id":"1","url":"u"}"#).is_err());
        assert!(parse_line(r#"[1]"#).is_err());
        assert!(parse_line(r#"{"id":1"#).is_err());
    }
}
