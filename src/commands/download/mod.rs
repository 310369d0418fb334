//! `civimg download`: a bounded concurrent downloader of full-resolution originals.
//!
//! The listing feeds pages in (`source`), the runner (`runner`) takes them in: each item is
//! either already complete (the store's archive) or handed to a job (`finish`) under a
//! semaphore of `-j` permits: the fetcher
//! (`crate::fetch`) brings its bytes, the store (`crate::store`) names and records the file,
//! and the run is reported (`progress`, `summary`).
//!
//! Three parts share a run: the command's own settings (here), the [`Fetcher`] and the
//! [`Store`].

mod embed;
mod finish;
mod input_line;
mod progress;
mod runner;
mod source;
mod summary;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use serde_json::Value;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinHandle;
use url::Url;

use self::progress::Progress;
use self::runner::Runner;
use self::summary::Summary;
use crate::cli::DownloadArgs;
use crate::fetch::{FetchConfig, Fetcher};
use crate::log::Log;
use crate::settings::Settings;
use crate::store::archive::Archive;
use crate::store::{Store, StoreOptions};
use crate::walk::client::Client;
use crate::walk::query::ImageQuery;

/// What every job shares: the fetcher, the store, and the command's own settings.
pub struct Ctx {
    fetcher: Fetcher,
    store: Store,
    /// `--embed-meta`: write the item's generation data into saved images that have none.
    embed_meta: bool,
    log: Log,
}

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

/// Runs `download`; exit 0 when every item is saved or present, 1 when any failed, 130 on Ctrl-C.
pub async fn run(settings: &Settings, args: &DownloadArgs) -> Result<ExitCode> {
    let dir = settings.out_dir(args.out.as_deref());
    check_args(args, &dir)?;
    settings.image_fallback_host()?;
    let progress = Progress::new(settings.quiet);
    let log = settings.log().with_progress(progress.multi());
    let client = settings.client(log.clone())?;
    // Nothing is created on disk before the listing has an item (issue 16): a target that
    // does not exist, or an empty one, leaves no folder behind. A folder civimg already
    // keeps state in is locked and checked before any request, as before.
    let early = match dir.join(".civimg").symlink_metadata() {
        Ok(_) => Some(Ctx::new(settings, args, &client, dir.clone(), log.clone())?),
        Err(_) => None,
    };
    let mut listing = Listing::start(args, &client, &dir)?;
    let labels = std::mem::take(&mut listing.labels);
    let summary = Summary::new(args.dry_run, labels).quiet(settings.quiet);
    let Some(first) = first_items(&mut listing.rx, &listing.demand).await else {
        let outcome = listing.producer.await.context("the listing task failed")?;
        progress.clear();
        // A listing that failed before its first item (a target not found) is only its error.
        outcome?;
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
    let mut runner = Runner {
        ctx: Arc::new(ctx),
        transfer: Arc::new(runner::Fetch),
        progress,
        summary,
        steer: listing.steer,
        demand: listing.demand,
        concurrency: settings.concurrency(args.concurrency),
        max_ahead: runner::MAX_AHEAD,
        stop_after_known: args.stop_after_known,
        dry_run: args.dry_run,
        plan_out: Box::new(std::io::stdout()),
    };
    let ctrl_c = tokio::signal::ctrl_c();
    let ended = runner.drive(first, listing.rx, ctrl_c).await?;
    runner.finish(listing.producer, ended).await
}

/// The listing of a run, started in a task of its own: pages come in on `rx`.
struct Listing {
    producer: JoinHandle<Result<()>>,
    rx: mpsc::Receiver<source::Intake>,
    /// What the listing is told between two pages.
    steer: Arc<source::Steer>,
    /// One permit per page the listing may send.
    demand: Arc<Semaphore>,
    /// The targets' names, for the summary (none for `--input`).
    labels: Vec<String>,
}

impl Listing {
    /// Starts listing the API's targets, or `--input`'s lines.
    fn start(args: &DownloadArgs, client: &Client, dir: &Path) -> Result<Listing> {
        let with_meta = args.sidecar || args.captions || args.embed_meta;
        let query = ImageQuery::from_args(&args.query, with_meta)?;
        let (tx, rx) = mpsc::channel(1);
        let steer = Arc::new(source::Steer::default());
        // One page may be listed before the first is taken in; each intake allows one more.
        let demand = Arc::new(Semaphore::new(1));
        let labels = match &args.input {
            Some(_) => vec![],
            None => query.targets.iter().map(|t| t.label()).collect(),
        };
        let known = match args.stop_after_known {
            Some(after) => Some((after, known_items(dir, args.overwrite)?)),
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
        Ok(Listing {
            producer,
            rx,
            steer,
            demand,
            labels,
        })
    }
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
        client: &Client,
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
