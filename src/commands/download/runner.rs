//! The consumer side of a download: pages taken in (already complete, planned for a dry run,
//! or a job), jobs started under `-j` permits, finished jobs counted, Ctrl-C and a full disk.

use std::collections::VecDeque;
use std::future::Future;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use anyhow::{Context, Result};
use futures::future::BoxFuture;
use serde_json::Value;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinHandle, JoinSet};
use url::Url;

use super::progress::{Progress, TransferBar};
use super::summary::{self, Summary};
use super::{finish, source, Ctx, Job};
use crate::fetch::{original, FileError};
use crate::item::Item;
use crate::text::escape_line;

/// Most jobs waiting for a transfer while the listing runs ahead: a page more is taken in only
/// below it. An item is a few KiB, so this bounds the listing's lead to some tens of MiB.
pub(super) const MAX_AHEAD: usize = 4000;

/// One job from its first byte to its final name, in a task of its own: the seam between the
/// runner's rules and the network, so a test can say how and when each job ends.
pub(super) trait Transfer: Send + Sync {
    /// The job's transfer; `bar` shows its bytes and leaves the screen when dropped.
    fn start(
        self: Arc<Self>,
        ctx: Arc<Ctx>,
        job: Job,
        bar: TransferBar,
    ) -> BoxFuture<'static, Result<finish::Saved, FileError>>;
}

/// The binary's transfer: the fetcher brings the bytes, the store names and records the file.
pub(super) struct Fetch;

impl Transfer for Fetch {
    fn start(
        self: Arc<Self>,
        ctx: Arc<Ctx>,
        job: Job,
        bar: TransferBar,
    ) -> BoxFuture<'static, Result<finish::Saved, FileError>> {
        Box::pin(async move { finish::download(&ctx, &job, &bar).await })
    }
}

/// How a run's transfers ended.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Ended {
    /// The listing is exhausted and every transfer settled.
    Done,
    /// Ctrl-C: running transfers were dropped, their `.part` kept.
    Interrupted,
    /// A full or read-only disk (in the summary): the run stopped there.
    Stopped,
}

/// The result of one transfer task.
struct Outcome {
    id: u64,
    target: usize,
    result: Result<finish::Saved, FileError>,
}

/// The consumer side: intake of pages, the transfer pool, Ctrl-C.
pub(super) struct Runner {
    /// What every job shares.
    pub ctx: Arc<Ctx>,
    /// Each job's transfer ([`Fetch`]).
    pub transfer: Arc<dyn Transfer>,
    /// The overall line and the transfer rows.
    pub progress: Progress,
    /// The counts so far.
    pub summary: Summary,
    /// What the listing is told between two pages.
    pub steer: Arc<source::Steer>,
    /// One permit per page the listing may send.
    pub demand: Arc<Semaphore>,
    /// `-j`: the most transfers at once.
    pub concurrency: usize,
    /// The most jobs that wait for a transfer while the listing runs ahead ([`MAX_AHEAD`]).
    pub max_ahead: usize,
    /// `--stop-after-known`: the listing decides where it stops; the summary says so.
    pub stop_after_known: Option<u64>,
    /// `--dry-run`: print what would be fetched.
    pub dry_run: bool,
    /// Where `--dry-run` prints its plan: standard output.
    pub plan_out: Box<dyn Write + Send>,
}

impl Runner {
    /// Runs until the listing is exhausted and every transfer settled, `interrupt` (Ctrl-C)
    /// comes or the disk fails.
    pub(super) async fn drive(
        &mut self,
        first: source::Intake,
        mut rx: mpsc::Receiver<source::Intake>,
        interrupt: impl Future,
    ) -> Result<Ended> {
        let permits = Arc::new(Semaphore::new(self.concurrency));
        let mut tasks: JoinSet<Outcome> = JoinSet::new();
        let mut pending: VecDeque<Job> = VecDeque::new();
        self.intake(first, &mut pending)?;
        self.demand.add_permits(1);
        let mut listing_open = true;
        tokio::pin!(interrupt);
        loop {
            if !listing_open && pending.is_empty() && tasks.is_empty() {
                return Ok(Ended::Done);
            }
            tokio::select! {
                biased;
                _ = &mut interrupt => {
                    // Stop starting transfers; running ones are dropped, their .part kept.
                    self.stop_all(&mut tasks).await;
                    return Ok(Ended::Interrupted);
                }
                Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                    let outcome = joined.context("a transfer task failed")?;
                    if self.settle(outcome).is_err() {
                        self.stop_all(&mut tasks).await;
                        return Ok(Ended::Stopped);
                    }
                }
                permit = permits.clone().acquire_owned(), if !pending.is_empty() => {
                    let permit = permit.context("the transfer pool closed")?;
                    if let Some(job) = pending.pop_front() {
                        self.spawn(job, permit, &mut tasks);
                    }
                }
                // The listing runs ahead of the transfers (items are small), so the total and
                // an ETA are known early; at most `max_ahead` jobs wait.
                page = rx.recv(), if listing_open && pending.len() < self.max_ahead => match page {
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

    /// Starts `job`'s transfer in a task; its `-j` permit is given back when it ends.
    fn spawn(&self, job: Job, permit: OwnedSemaphorePermit, tasks: &mut JoinSet<Outcome>) {
        let (id, target) = (job.id, job.target);
        let bar = self
            .progress
            .transfer(finish::shown_name(&self.ctx, &job, None));
        let transfer = self.transfer.clone().start(self.ctx.clone(), job, bar);
        tasks.spawn(async move {
            let result = transfer.await;
            drop(permit);
            Outcome { id, target, result }
        });
    }

    /// Ends the run: the summary, then the listing's own error, and the exit code. After a
    /// full disk the summary carries the error, before the counts it is part of.
    pub(super) async fn finish(
        self,
        producer: JoinHandle<Result<()>>,
        ended: Ended,
    ) -> Result<ExitCode> {
        self.progress.clear();
        let (dir, renamed) = (self.ctx.store.dir(), self.ctx.store.renamed_files());
        match ended {
            Ended::Interrupted => {
                producer.abort();
                self.summary.print(dir, true, &renamed);
                Ok(ExitCode::from(crate::exit::INTERRUPTED))
            }
            Ended::Stopped => {
                self.summary.print(dir, false, &renamed);
                Err(anyhow::Error::new(crate::exit::Reported))
            }
            Ended::Done => {
                let listing = producer.await.context("the listing task failed")?;
                self.summary.print(dir, false, &renamed);
                listing?;
                Ok(self.summary.exit_code())
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
            let Some((id, item, url)) = self.checked(target, item) else {
                continue;
            };
            // The complete file's path, looked up (and stat-ed) once per item.
            if let Some(rel) = self.ctx.store.complete(id) {
                self.present(target, &rel, id, &item);
            } else if self.dry_run {
                self.plan(target, id, &item, &url)?;
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

    /// An item's id, its value tree and its original's URL; an item without an id, or too
    /// deep to read, is skipped with a warning, and one without a usable URL failed.
    fn checked(&mut self, target: usize, item: Item) -> Option<(u64, Value, Url)> {
        let Some(id) = item.id else {
            self.ctx
                .log
                .warn("an item without a numeric id was skipped");
            return None;
        };
        let item = match item.try_value() {
            Ok(value) => value,
            Err(why) => {
                let why = escape_line(&why);
                self.ctx.log.warn(&format!("item {id} skipped: {why}"));
                return None;
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
                return None;
            }
            None => {
                self.fail_now(target, id, "no url".into());
                return None;
            }
        };
        Some((id, item, url))
    }

    /// `--dry-run`: prints what would be fetched, and where to.
    fn plan(&mut self, target: usize, id: u64, item: &Value, url: &Url) -> Result<()> {
        let store = &self.ctx.store;
        let path = store.dir().join(store.template().render(item, Some("*")));
        // `--dry-run | head -1`: a closed stdout ends the run quietly (exit 0).
        writeln!(self.plan_out, "{id}\t{url}\t{}", path.display())
            .context("cannot write to standard output")?;
        self.summary.count(target, summary::Tally::Planned);
        self.progress.settled(0);
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

#[cfg(test)]
#[path = "runner_tests.rs"]
mod tests;
