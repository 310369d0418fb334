//! `civimg download`: a bounded concurrent downloader of full-resolution originals.
//!
//! The listing feeds pages in (`source`), each item is either already complete (the store's
//! archive) or handed to a job (`finish`) under a semaphore of `-j` permits: the fetcher
//! (`crate::fetch`) brings its bytes, the store (`crate::store`) names and records the file,
//! and the run is reported (`progress`, `summary`).
//!
//! Three parts share a run: the command's own settings (here), the [`Fetcher`] and the
//! [`Store`].

mod embed;
mod finish;
mod input_line;
mod progress;
mod source;
mod summary;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use anyhow::{Context, Result};
use serde_json::Value;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use url::Url;

use self::progress::Progress;
use self::summary::Summary;
use crate::cli::DownloadArgs;
use crate::fetch::{original, FetchConfig, Fetcher, FileError};
use crate::log::Log;
use crate::settings::Settings;
use crate::store::archive::Archive;
use crate::store::{Store, StoreOptions};
use crate::text::escape_line;
use crate::walk::query::ImageQuery;

/// What every job shares: the fetcher, the store, and the command's own settings.
pub struct Ctx {
    fetcher: Fetcher,
    store: Store,
    /// `--embed-meta`: write the item's generation data into saved images that have none.
    embed_meta: bool,
    log: Log,
}

/// Most jobs waiting for a transfer while the listing runs ahead: a page more is taken in only
/// below it. An item is a few KiB, so this bounds the listing's lead to some tens of MiB.
const MAX_AHEAD: usize = 4000;

/// One item to fetch.
struct Job {
    id: u64,
    /// Index of the target it was listed for.
    target: usize,
    url: Url,
    item: Value,
    /// A file already under the item's name that the archive does not record.
    unrecorded: Option<PathBuf>,
}

/// The result of one transfer task.
struct Outcome {
    id: u64,
    target: usize,
    result: Result<finish::Saved, FileError>,
}

/// Runs `download`; exit 0 when every item is saved or present, 1 when any failed, 130 on Ctrl-C.
pub async fn run(settings: &Settings, args: &DownloadArgs) -> Result<ExitCode> {
    let dir = settings.out_dir(args.out.as_deref());
    check_args(args, &dir)?;
    settings.image_fallback_host()?;
    let progress = Progress::new(settings.quiet);
    let log = settings.log().with_progress(progress.multi());
    let client = settings.client(log.clone())?;
    let with_meta = args.sidecar || args.captions || args.embed_meta;
    let query = ImageQuery::from_args(&args.query, with_meta)?;
    // Nothing is created on disk before the listing has an item (issue 16): a target that
    // does not exist, or an empty one, leaves no folder behind. A folder civimg already
    // keeps state in is locked and checked before any request, as before.
    let early = match dir.join(".civimg").symlink_metadata() {
        Ok(_) => Some(Ctx::new(settings, args, &client, dir.clone(), log.clone())?),
        Err(_) => None,
    };
    let (tx, mut rx) = mpsc::channel(1);
    let steer = Arc::new(source::Steer::default());
    // One page may be listed before the first is taken in; each intake allows one more.
    let demand = Arc::new(Semaphore::new(1));
    let labels = match &args.input {
        Some(_) => vec![],
        None => query.targets.iter().map(|t| t.label()).collect(),
    };
    let known = match args.stop_after_known {
        Some(after) => Some((after, known_items(&dir, args.overwrite)?)),
        None => None,
    };
    let producer = match &args.input {
        Some(path) => {
            let walks = source::InputWalks {
                client: client.clone(),
                query,
                steer: steer.clone(),
                known,
            };
            tokio::spawn(source::from_input(path.clone(), tx, walks))
        }
        None => {
            let (steer, demand) = (steer.clone(), demand.clone());
            let listing = source::from_api(client.clone(), query, tx, steer, demand, known);
            tokio::spawn(listing)
        }
    };
    let Some(first) = first_items(&mut rx, &demand).await else {
        let listing = producer.await.context("the listing task failed")?;
        progress.clear();
        // A listing that failed before its first item (a target not found) is only its error.
        listing?;
        let summary = Summary::new(args.dry_run, labels).quiet(settings.quiet);
        summary.print(&dir, false, &[]);
        return Ok(summary.exit_code());
    };
    let ctx = match early {
        Some(ctx) => ctx,
        None => Ctx::new(settings, args, &client, dir, log)?,
    };
    if !ctx.store.template().has_ext() {
        ctx.log
            .warn("the --name template has no {ext}: files will be saved without an extension");
    }
    let ctx = Arc::new(ctx);
    let mut runner = Runner {
        ctx,
        progress,
        summary: Summary::new(args.dry_run, labels).quiet(settings.quiet),
        steer,
        demand,
        stop_after_known: args.stop_after_known,
        dry_run: args.dry_run,
    };
    let concurrency = settings.concurrency(args.concurrency);
    let interrupted = runner.drive(first, rx, concurrency).await?;
    runner.progress.clear();
    if interrupted {
        producer.abort();
        runner.summary.print(
            runner.ctx.store.dir(),
            true,
            &runner.ctx.store.renamed_files(),
        );
        return Ok(ExitCode::from(crate::exit::INTERRUPTED));
    }
    let listing = producer.await.context("the listing task failed")?;
    runner.summary.print(
        runner.ctx.store.dir(),
        false,
        &runner.ctx.store.renamed_files(),
    );
    listing?;
    Ok(runner.summary.exit_code())
}

/// The listing's first page that has items (`None`: it ended without any); empty pages
/// before it are taken in at once.
async fn first_items(
    rx: &mut mpsc::Receiver<source::Intake>,
    demand: &Semaphore,
) -> Option<source::Intake> {
    loop {
        match rx.recv().await {
            Some(page) if page.items.is_empty() => demand.add_permits(1),
            other => return other,
        }
    }
}

/// `--stop-after-known`'s test of an item: complete in the archive as it is on disk now (never,
/// with `--overwrite`). Read on its own, before the listing starts: nothing is created.
fn known_items(dir: &Path, overwrite: bool) -> Result<crate::walk::filter::Known> {
    if overwrite {
        return Ok(Arc::new(|_| false));
    }
    let archive = Archive::load(dir)?;
    Ok(Arc::new(move |id| archive.complete(id).is_some()))
}

/// Refuses, before anything is created or requested, what cannot work.
fn check_args(args: &DownloadArgs, dir: &Path) -> Result<()> {
    // Usage errors (no filter, --input conflicts, --stop-after-known) are `usage.rs`'s.
    if let Some(input) = args.input.as_deref().filter(|p| *p != Path::new("-")) {
        if !input.is_file() {
            anyhow::bail!("--input {}: no such file", input.display());
        }
    }
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!("{} is not a directory", dir.display());
    }
    Ok(())
}

impl Ctx {
    /// Opens the output directory and its archive (only reads it for a dry run), and sets up
    /// the fetcher.
    fn new(
        settings: &Settings,
        args: &DownloadArgs,
        client: &crate::walk::client::Client,
        dir: PathBuf,
        log: Log,
    ) -> Result<Self> {
        let options = StoreOptions {
            overwrite: args.overwrite,
            sidecar: args.sidecar,
            captions: args.captions,
        };
        let template = settings.name_template(args.name.as_ref());
        let store = Store::open(dir, template, options, args.dry_run)?;
        warn_about_the_archive(store.archive(), store.dir(), &log);
        let config = FetchConfig {
            http: client.http().clone(),
            policy: client.policy(),
            timeout: settings.timeout,
            max_file_size: args.max_file_size.bytes(),
            fallback_host: settings.image_fallback_host()?,
        };
        Ok(Ctx {
            fetcher: Fetcher::new(config, log.clone()),
            store,
            embed_meta: args.embed_meta,
            log,
        })
    }
}

/// One warning per kind of damage found in the archive.
fn warn_about_the_archive(archive: &Archive, dir: &Path, log: &Log) {
    let path = archive.path().display();
    if archive.damaged > 0 {
        log.warn(&format!(
            "{} damaged line(s) in {path} skipped",
            archive.damaged
        ));
    }
    if archive.outside > 0 {
        log.warn(&format!(
            "{} record(s) in {path} name a file outside {}; ignored, those items are fetched again",
            archive.outside,
            dir.display()
        ));
    }
}

/// The consumer side: intake of pages, the transfer pool, Ctrl-C.
struct Runner {
    ctx: Arc<Ctx>,
    progress: Progress,
    summary: Summary,
    steer: Arc<source::Steer>,
    demand: Arc<Semaphore>,
    /// `--stop-after-known`: the listing decides where it stops; the summary says so.
    stop_after_known: Option<u64>,
    dry_run: bool,
}

impl Runner {
    /// Runs until the listing is exhausted and every transfer settled; `Ok(true)` on Ctrl-C.
    async fn drive(
        &mut self,
        first: source::Intake,
        mut rx: mpsc::Receiver<source::Intake>,
        concurrency: usize,
    ) -> Result<bool> {
        let permits = Arc::new(Semaphore::new(concurrency));
        let mut tasks: JoinSet<Outcome> = JoinSet::new();
        let mut pending: VecDeque<Job> = VecDeque::new();
        self.intake(first, &mut pending)?;
        self.demand.add_permits(1);
        let mut listing_open = true;
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        loop {
            if !listing_open && pending.is_empty() && tasks.is_empty() {
                return Ok(false);
            }
            tokio::select! {
                biased;
                _ = &mut ctrl_c => {
                    // Stop starting transfers; running ones are dropped, their .part kept.
                    self.stop_all(&mut tasks).await;
                    return Ok(true);
                }
                Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                    let outcome = joined.context("a transfer task failed")?;
                    if self.settle(outcome).is_err() {
                        // The summary carries the error, before the counts it is part of.
                        self.stop_all(&mut tasks).await;
                        self.progress.clear();
                        let renamed = self.ctx.store.renamed_files();
                        self.summary.print(self.ctx.store.dir(), false, &renamed);
                        return Err(anyhow::Error::new(crate::exit::Reported));
                    }
                }
                permit = permits.clone().acquire_owned(), if !pending.is_empty() => {
                    let permit = permit.context("the transfer pool closed")?;
                    if let Some(job) = pending.pop_front() {
                        let ctx = self.ctx.clone();
                        let bar = self.progress.transfer(finish::shown_name(&ctx, &job, None));
                        tasks.spawn(async move {
                            let result = finish::download(&ctx, &job, &bar).await;
                            drop(bar);
                            drop(permit);
                            Outcome { id: job.id, target: job.target, result }
                        });
                    }
                }
                // The listing runs ahead of the transfers (items are small), so the total and
                // an ETA are known early; at most `MAX_AHEAD` jobs wait.
                page = rx.recv(), if listing_open && pending.len() < MAX_AHEAD => match page {
                    Some(page) => {
                        self.intake(page, &mut pending)?;
                        self.demand.add_permits(1);
                    }
                    None => {
                        listing_open = false;
                        self.progress.listing_done();
                    }
                },
            }
        }
    }

    /// Stops the listing and drops every running transfer; their `.part` files stay (with
    /// every byte received). Transfers that had already finished are still counted; a second
    /// fatal error is not reported, the first one is.
    async fn stop_all(&mut self, tasks: &mut JoinSet<Outcome>) {
        self.steer.stop.store(true, Ordering::SeqCst);
        tasks.abort_all();
        while let Some(joined) = tasks.join_next().await {
            if let Ok(outcome) = joined {
                let _ = self.settle(outcome);
            }
        }
    }

    /// Sorts a page into already-complete items and jobs; fails only when a dry run cannot
    /// print. The page has passed the run's filter already (`walk::filter`).
    fn intake(&mut self, page: source::Intake, pending: &mut VecDeque<Job>) -> Result<()> {
        let target = page.target;
        if let Some(n) = self.stop_after_known.filter(|_| page.known_stop) {
            self.summary.stopped_early(target, n);
        }
        for item in page.items {
            let Some(id) = item.id else {
                self.ctx
                    .log
                    .warn("an item without a numeric id was skipped");
                continue;
            };
            let item = match item.try_value() {
                Ok(value) => value,
                Err(why) => {
                    let why = escape_line(&why);
                    self.ctx.log.warn(&format!("item {id} skipped: {why}"));
                    continue;
                }
            };
            self.progress.seen(1);
            let url = match item
                .get("url")
                .and_then(Value::as_str)
                .map(original::original_url)
            {
                Some(Ok(url)) => url,
                Some(Err(why)) => {
                    self.fail_now(target, id, why);
                    continue;
                }
                None => {
                    self.fail_now(target, id, "no url".into());
                    continue;
                }
            };
            // The complete file's path, looked up (and stat-ed) once per item.
            let complete = self.ctx.store.complete(id);
            if let Some(rel) = complete {
                self.present(target, &rel, id, &item);
            } else if self.dry_run {
                let store = &self.ctx.store;
                let path = store.dir().join(store.template().render(&item, Some("*")));
                // `--dry-run | head -1`: a closed stdout ends the run quietly (exit 0).
                use std::io::Write;
                writeln!(std::io::stdout().lock(), "{id}\t{url}\t{}", path.display())
                    .context("cannot write to standard output")?;
                self.summary.count(target, summary::Tally::Planned);
                self.progress.settled(0);
            } else {
                let unrecorded = self.ctx.store.unrecorded_file(&item, id);
                pending.push_back(Job {
                    id,
                    target,
                    url,
                    item,
                    unrecorded,
                });
            }
        }
        Ok(())
    }

    /// Counts an item whose file `rel` is complete on disk, writing its missing extras.
    fn present(&mut self, target: usize, rel: &Path, id: u64, item: &Value) {
        if !self.dry_run {
            if let Err(e) = self.ctx.store.write_extras(rel, id, item) {
                self.ctx.log.warn(&format!("{e:#}"));
            }
        }
        self.summary.count(target, summary::Tally::Present);
        self.progress.settled(self.ctx.fetcher.received());
    }

    fn fail_now(&mut self, target: usize, id: u64, why: String) {
        self.summary.fail(target, id, why);
        self.progress.settled(self.ctx.fetcher.received());
    }

    /// Counts a finished transfer; a full or read-only disk comes back as the run's error.
    fn settle(&mut self, outcome: Outcome) -> Result<()> {
        let bytes = self.ctx.fetcher.received();
        let target = outcome.target;
        match outcome.result {
            Ok(finish::Saved::Downloaded(size)) => {
                self.summary.count(target, summary::Tally::Downloaded);
                self.summary.bytes += size;
            }
            Ok(finish::Saved::Adopted) => self.summary.count(target, summary::Tally::Present),
            Err(FileError::Remote(why))
            | Err(FileError::Local(why))
            | Err(FileError::Unreachable(why)) => self.summary.fail(target, outcome.id, why),
            Err(FileError::Fatal(err)) => {
                // A full or read-only disk: this item failed, and the run stops here.
                self.summary.fail(target, outcome.id, format!("{err:#}"));
                self.summary.stopped = true;
                return Err(err);
            }
            Err(FileError::Unrecorded(err)) => {
                // Saved, but the archive could not record it: the run's error.
                self.summary.count(target, summary::Tally::Downloaded);
                self.summary.stopped = true;
                self.summary.fatal.get_or_insert_with(|| format!("{err:#}"));
                return Err(err);
            }
        }
        self.progress.settled(bytes);
        Ok(())
    }
}
