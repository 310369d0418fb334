//! `civimg resources`: which models, LoRAs and embeddings made a set of images, what
//! Civitai knows of each, and (with `--have`) which of them are on this disk.
//!
//! Four steps, one file each: gather every resource the images name (`gather`, fed by the
//! API walk, `--input` or files on disk via `local`), ask the API about each version id and
//! hash (`resolve`, answers kept in `cache`), hash the local model files (`have`), print one
//! row per resource (`rows`).

mod cache;
mod gather;
mod have;
mod local;
mod resolve;
mod rows;

use std::io::{BufRead, BufWriter, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::cli::{Format, ResourcesArgs};
use crate::log::Log;
use crate::meta::GenRecord;
use crate::settings::Settings;
use crate::walk::client::Client;
use crate::walk::paginator::Paginator;
use crate::walk::query::ImageQuery;

pub use cache::cache_dir;
use gather::Tally;

/// Longest `--input` line read; a longer one is skipped with a warning.
const MAX_INPUT_LINE: u64 = 16 << 20;

/// Runs `resources`.
pub async fn run(settings: &Settings, args: &ResourcesArgs) -> Result<ExitCode> {
    let log = settings.log();
    let client = settings.client(log.clone())?;
    let read = if !args.paths.is_empty() {
        from_files(args, &client, &log).await?
    } else if let Some(input) = &args.input {
        let mut read = Read::default();
        read_input(input, &log, |rec| read.add(rec))?;
        read
    } else {
        from_walk(args, &client).await?
    };
    let Read {
        tally,
        images,
        looked_up,
    } = read;
    if tally.dropped > 0 {
        log.warn(&format!(
            "more than {} distinct resources: {} left out",
            gather::MAX_ENTRIES,
            tally.dropped
        ));
    }
    let host = crate::walk::client::host_of(&client.api_url(&[]));
    let mut resolver = resolve::Resolver {
        client: (!args.offline).then_some(&client),
        cache: cache::Stored::load(&cache::versions_file(&host), &log),
        asked: 0,
        failure: None,
    };
    let answers = resolver.resolve(&tally).await;
    resolver.cache.save(&log);
    let mut rows = rows::build(&tally, answers, &client.api_url(&[]));
    if !args.have.is_empty() {
        let mut hashes = cache::Stored::load(cache::FILE_HASHES, &log);
        let local = have::scan(&args.have, &mut hashes, &log, settings.quiet)?;
        hashes.save(&log);
        rows::mark_local(&mut rows, &local);
        if args.missing {
            rows.retain(|r| r.have == Some("missing"));
        }
    }
    print(settings, args, &rows)?;
    summary(&log, images, &tally, &rows, resolver.asked + looked_up);
    Ok(match resolver.failure {
        Some(e) => {
            log.warn(&format!(
                "{e}; the resources above that show no version were not looked up"
            ));
            ExitCode::FAILURE
        }
        None => ExitCode::SUCCESS,
    })
}

/// What the images said: the resources they used, how many images were read, and how many of
/// them were looked up on the API because their files held nothing.
#[derive(Default)]
struct Read {
    tally: Tally,
    images: u64,
    looked_up: u64,
}

impl Read {
    /// One image's record (an empty one for an image that said nothing).
    fn add(&mut self, rec: &GenRecord) {
        self.images += 1;
        self.tally.add(rec);
    }
}

/// The records of the images below `args.paths`: each file's own data or sidecar, else what
/// the API knows of the id its archive record names.
async fn from_files(args: &ResourcesArgs, client: &Client, log: &Log) -> Result<Read> {
    let mut read = Read::default();
    let archives = local::archives(&args.paths);
    let mut unread = Vec::new();
    for path in local::files(&args.paths)? {
        match local::record(&path) {
            Ok(Some(rec)) => read.add(&rec),
            Ok(None) => match local::archive_id(&archives, &path) {
                Some(id) if !args.offline => unread.push(id),
                _ => read.add(&GenRecord::default()),
            },
            Err(e) => log.warn(&format!("{e:#}")),
        }
    }
    // Files with neither a sidecar nor data of their own, but an archive record: the
    // API still knows what made them.
    for id in unread {
        read.looked_up += 1;
        match crate::commands::meta::lookup::fetch(client, id).await {
            Ok(rec) => read.add(&rec),
            Err(e) => {
                log.verbose(&format!("{e:#}"));
                read.add(&GenRecord::default());
            }
        }
    }
    Ok(read)
}

/// The records of the images the API walk of `args.query` lists.
async fn from_walk(args: &ResourcesArgs, client: &Client) -> Result<Read> {
    let mut read = Read::default();
    let query = ImageQuery::from_args(&args.query, true)?;
    let mut walk = Paginator::new(client, &query);
    while let Some(batch) = walk.next_page().await? {
        for item in &batch.items {
            let rec = item.value().get("meta").and_then(GenRecord::from_api_meta);
            read.add(&rec.unwrap_or_default());
        }
    }
    Ok(read)
}

fn print(settings: &Settings, args: &ResourcesArgs, rows: &[rows::Row]) -> Result<()> {
    let stdout = std::io::stdout();
    let is_tty = stdout.is_terminal();
    let format =
        settings
            .format(args.format)
            .unwrap_or(if is_tty { Format::Table } else { Format::Jsonl });
    let width = crate::output::table_width(is_tty);
    let mut out = BufWriter::new(stdout.lock());
    rows::write(rows, format, width, &mut out)
}

/// One line on stderr: what was read and what it cost.
fn summary(log: &Log, images: u64, tally: &Tally, rows: &[rows::Row], requests: u64) {
    let resolved = rows.iter().filter(|row| row.api.is_some()).count();
    log.notice(&format!(
        "{images} images ({} naming no resource), {} resources ({resolved} known to the API); \
         {} lookups sent to the API",
        tally.without_resources,
        rows.len(),
        requests
    ));
}

/// Reads `--input` (JSON lines of items, `-` for stdin), calling `each` with every item's
/// record; a line that is not an item is skipped with a warning naming it.
fn read_input(path: &Path, log: &Log, mut each: impl FnMut(&GenRecord)) -> Result<()> {
    let name = path.display().to_string();
    let reader: Box<dyn BufRead> = if path == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(path).with_context(|| format!("cannot open {name}"))?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut reader = reader;
    let mut number = 0u64;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = std::io::Read::take(&mut reader, MAX_INPUT_LINE)
            .read_until(b'\n', &mut line)
            .with_context(|| format!("cannot read {name}"))?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        if line.last() != Some(&b'\n') && n as u64 == MAX_INPUT_LINE {
            log.warn(&format!(
                "{name} line {number}: longer than 16 MiB; skipped"
            ));
            skip_rest_of_line(&mut reader)?;
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match input_item(&line) {
            Some(item) => {
                let rec = item.get("meta").and_then(GenRecord::from_api_meta);
                each(&rec.unwrap_or_default());
            }
            None => log.warn(&format!("{name} line {number}: not a JSON item; skipped")),
        }
    }
}

/// A line of `--input` through the items' intake (`crate::item`, as `download --input` reads
/// it), as a tree: `None` unless it is a JSON object the reader can follow.
fn input_item(line: &[u8]) -> Option<Value> {
    let item = crate::item::Item::from_text(std::str::from_utf8(line).ok()?).ok()?;
    item.try_value().ok().filter(Value::is_object)
}

fn skip_rest_of_line(reader: &mut dyn BufRead) -> Result<()> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}
