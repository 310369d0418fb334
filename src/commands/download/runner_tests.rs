//! The runner's rules over scripted pages and transfers, in memory and with paused time: no
//! process, no server, no real wait. On the paused clock a test's `sleep` returns only once
//! every other task waits (on a transfer's end, a page, a permit), so what it then sees is
//! the runner's settled state.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tempfile::TempDir;
use tokio::time::sleep;

use super::*;
use crate::commands::download::summary::Counts;
use crate::fetch::{FetchConfig, Fetcher};
use crate::log::Log;
use crate::store::archive::{Record, ARCHIVE_FILE, STATE_DIR};
use crate::store::{Store, StoreOptions};
use crate::walk::retry::RetryPolicy;

/// How long a transfer takes unless the script says otherwise.
const TRANSFER_TIME: Duration = Duration::from_secs(10);

/// How a scripted transfer ends.
#[derive(Clone, Copy)]
enum Ending {
    /// Saved, this many bytes.
    Saved(u64),
    /// The server refused it: this file failed, the run goes on.
    Refused,
    /// The disk is full: the run stops.
    DiskFull,
    /// Saved, but the archive could not record it: the run stops.
    Unrecorded,
}

/// Each job's transfer: how long it takes (on the paused clock) and how it ends, by id;
/// unlisted ids take [`TRANSFER_TIME`] and are saved.
#[derive(Default)]
struct Script {
    ends: HashMap<u64, (Duration, Ending)>,
    /// Ids in the order their transfers started.
    started: Mutex<Vec<u64>>,
    /// Transfers running now (an aborted one stops running when dropped).
    running: AtomicUsize,
    /// The most that ran at once.
    most: AtomicUsize,
}

impl Script {
    fn with(ends: &[(u64, u64, Ending)]) -> Self {
        Script {
            ends: ends
                .iter()
                .map(|&(id, secs, end)| (id, (Duration::from_secs(secs), end)))
                .collect(),
            ..Script::default()
        }
    }

    fn started(&self) -> Vec<u64> {
        self.started.lock().unwrap().clone()
    }
}

/// Counts a transfer as running for as long as it lives.
struct Running(Arc<Script>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Transfer for Script {
    fn start(
        self: Arc<Self>,
        _ctx: Arc<Ctx>,
        job: Job,
        _bar: TransferBar,
    ) -> BoxFuture<'static, Result<finish::Saved, FileError>> {
        Box::pin(async move {
            self.started.lock().unwrap().push(job.id);
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(now, Ordering::SeqCst);
            let _running = Running(self.clone());
            let (after, end) = self
                .ends
                .get(&job.id)
                .copied()
                .unwrap_or((TRANSFER_TIME, Ending::Saved(100)));
            sleep(after).await;
            match end {
                Ending::Saved(size) => Ok(finish::Saved::Downloaded(size)),
                Ending::Refused => Err(FileError::Remote("HTTP 403 Forbidden".into())),
                Ending::DiskFull => Err(FileError::Fatal(anyhow::anyhow!(
                    "cannot write 2.part: No space left on device"
                ))),
                Ending::Unrecorded => Err(FileError::Unrecorded(anyhow::anyhow!(
                    "cannot append to the download archive: No space left on device"
                ))),
            }
        })
    }
}

/// What `--dry-run` printed.
#[derive(Clone, Default)]
struct Printed(Arc<Mutex<Vec<u8>>>);

impl Write for Printed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Printed {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// A runner over `dir` with `-j concurrency`, transfers by `script`, the binary's `MAX_AHEAD`.
fn runner(dir: &TempDir, script: &Arc<Script>, concurrency: usize, dry_run: bool) -> Runner {
    let log = Log::new(true, false);
    let config = FetchConfig {
        http: reqwest::Client::new(),
        policy: RetryPolicy::new(0),
        timeout: Duration::from_secs(30),
        max_file_size: u64::MAX,
        fallback_host: None,
    };
    let store = Store::open(
        dir.path().to_path_buf(),
        Default::default(),
        StoreOptions::default(),
        dry_run,
    )
    .expect("the store opens");
    let ctx = Ctx {
        fetcher: Fetcher::new(config, log.clone()),
        store,
        embed_meta: false,
        log,
    };
    Runner {
        ctx: Arc::new(ctx),
        transfer: script.clone(),
        progress: Progress::new(true),
        summary: Summary::new(dry_run, Vec::new()),
        steer: Arc::new(source::Steer::default()),
        demand: Arc::new(Semaphore::new(0)),
        concurrency,
        max_ahead: MAX_AHEAD,
        stop_after_known: None,
        dry_run,
        plan_out: Box::new(std::io::sink()),
    }
}

/// An item of the API's shape; its original is `original_url(id)`.
fn image(id: u64) -> String {
    format!(r#"{{"id":{id},"url":"https://image.civitai.com/key/uuid-{id}/width=450/{id}.jpeg"}}"#)
}

fn original_url(id: u64) -> String {
    format!("https://image.civitai.com/key/uuid-{id}/original=true/{id}.jpeg")
}

/// A page of target `target` holding these items' JSON texts.
fn page(target: usize, items: &[String]) -> source::Intake {
    source::Intake {
        target,
        items: items
            .iter()
            .map(|text| Item::from_text(text).expect("a scripted item parses"))
            .collect(),
        known_stop: false,
    }
}

/// Pages of target 0 holding these ids, `per_page` to a page.
fn pages(ids: std::ops::RangeInclusive<u64>, per_page: usize) -> Vec<source::Intake> {
    let items: Vec<String> = ids.map(image).collect();
    items.chunks(per_page).map(|c| page(0, c)).collect()
}

/// A listing of `pages`: the first, to hand in, and the rest already sent; the listing ends
/// when the sender is dropped.
type Listing = (
    source::Intake,
    mpsc::Sender<source::Intake>,
    mpsc::Receiver<source::Intake>,
);

fn listing(pages: Vec<source::Intake>) -> Listing {
    let mut pages = pages.into_iter();
    let first = pages.next().expect("a first page");
    let (tx, rx) = mpsc::channel(pages.len().max(1));
    for page in pages {
        tx.try_send(page).expect("room in the channel");
    }
    (first, tx, rx)
}

/// Runs `runner` over `pages` to its end, with no Ctrl-C.
async fn drive_all(runner: &mut Runner, pages: Vec<source::Intake>) -> Result<Ended> {
    let (first, tx, rx) = listing(pages);
    drop(tx);
    runner.drive(first, rx, std::future::pending::<()>()).await
}

/// Records item `id` as complete in `dir`'s archive, its file `name` on disk.
fn archived(dir: &TempDir, id: u64, name: &str) {
    std::fs::write(dir.path().join(name), b"abc").unwrap();
    let state = dir.path().join(STATE_DIR);
    std::fs::create_dir_all(&state).unwrap();
    let record = Record {
        id,
        name: name.into(),
        size: 3,
        sha256: "0".repeat(64),
    };
    let line = serde_json::to_string(&record).unwrap() + "\n";
    std::fs::write(state.join(ARCHIVE_FILE), line).unwrap();
}

fn counts(downloaded: u64, present: u64, planned: u64) -> Counts {
    Counts {
        downloaded,
        present,
        planned,
    }
}

#[tokio::test(start_paused = true)]
async fn never_more_than_j_transfers_at_once() {
    let dir = TempDir::new().unwrap();
    let script = Arc::new(Script::default());
    let mut runner = runner(&dir, &script, 3, false);
    let ended = drive_all(&mut runner, pages(1..=10, 4)).await.unwrap();
    assert_eq!(ended, Ended::Done);
    // Every job ran, three at a time (the pool is used, and never exceeded).
    assert_eq!(script.started(), (1..=10).collect::<Vec<_>>());
    assert_eq!(script.most.load(Ordering::SeqCst), 3);
    assert_eq!(runner.summary.counts(), counts(10, 0, 0));
    assert_eq!(runner.summary.bytes, 1000);
}

#[tokio::test(start_paused = true)]
async fn the_listing_runs_ahead_while_fewer_than_max_ahead_jobs_wait_and_not_beyond() {
    let dir = TempDir::new().unwrap();
    let script = Arc::new(Script::default());
    let mut runner = runner(&dir, &script, 1, false);
    runner.max_ahead = 3;
    // The listing's pages, one item each; every page taken in gives the listing a permit.
    let demand = runner.demand.clone();
    let (first, tx, rx) = listing(pages(1..=8, 1));
    let meanwhile = async {
        sleep(Duration::from_secs(1)).await;
        // One transfer runs and three jobs wait: four pages taken in, none finished yet.
        assert_eq!(script.started(), [1]);
        assert_eq!(demand.available_permits(), 4);
        // Each transfer that ends lets one page more in.
        sleep(TRANSFER_TIME).await;
        assert_eq!(script.started(), [1, 2]);
        assert_eq!(demand.available_permits(), 5);
        drop(tx);
    };
    let (driven, ()) = tokio::join!(
        runner.drive(first, rx, std::future::pending::<()>()),
        meanwhile
    );
    assert_eq!(driven.unwrap(), Ended::Done);
    assert_eq!(runner.summary.counts(), counts(8, 0, 0));
}

#[tokio::test(start_paused = true)]
async fn items_already_in_the_archive_count_as_present_without_a_transfer() {
    let dir = TempDir::new().unwrap();
    archived(&dir, 5, "5.jpeg");
    let script = Arc::new(Script::default());
    let mut runner = runner(&dir, &script, 2, false);
    drive_all(&mut runner, pages(4..=6, 3)).await.unwrap();
    assert_eq!(script.started(), [4, 6]);
    assert_eq!(runner.summary.counts(), counts(2, 1, 0));
    assert!(runner.summary.failed.is_empty());
}

#[tokio::test(start_paused = true)]
async fn an_item_without_an_id_is_skipped_and_one_without_a_url_failed() {
    let dir = TempDir::new().unwrap();
    let script = Arc::new(Script::default());
    let mut runner = runner(&dir, &script, 2, false);
    let items = [
        r#"{"url":"https://image.civitai.com/key/uuid/width=450/a.jpeg"}"#.to_string(),
        r#"{"id":7}"#.to_string(),
        r#"{"id":8,"url":"ftp://example.com/8.jpeg"}"#.to_string(),
        image(9),
    ];
    drive_all(&mut runner, vec![page(0, &items)]).await.unwrap();
    // Only the whole item is fetched; the one without an id is in no count at all.
    assert_eq!(script.started(), [9]);
    assert_eq!(runner.summary.counts(), counts(1, 0, 0));
    assert_eq!(
        runner.summary.failed,
        [
            (7, "no url".to_string()),
            (
                8,
                "not an http(s) url: `ftp://example.com/8.jpeg`".to_string()
            )
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_full_disk_stops_the_run_and_transfers_finished_before_it_count() {
    let dir = TempDir::new().unwrap();
    // -j 3: 1, 2 and 3 start at once; 1 ends at 5 s and 4 starts; 2 fails at 20 s, when 4 ends
    // too; 3 is still running then and is dropped; 5 and 6 never start.
    let script = Arc::new(Script::with(&[
        (1, 5, Ending::Saved(100)),
        (2, 20, Ending::DiskFull),
        (3, 1000, Ending::Saved(100)),
        (4, 15, Ending::Saved(100)),
    ]));
    let mut runner = runner(&dir, &script, 3, false);
    let ended = drive_all(&mut runner, pages(1..=6, 6)).await.unwrap();
    assert_eq!(ended, Ended::Stopped);
    assert_eq!(script.started(), [1, 2, 3, 4]);
    assert_eq!(script.running.load(Ordering::SeqCst), 0);
    assert_eq!(runner.summary.counts(), counts(2, 0, 0));
    assert_eq!(
        runner.summary.failed,
        [(
            2,
            "cannot write 2.part: No space left on device".to_string()
        )]
    );
    // The summary carries the error and says the run stopped.
    assert!(runner.summary.stopped);
    // The listing is told to stop.
    assert!(runner.steer.stop.load(Ordering::SeqCst));
}

#[tokio::test(start_paused = true)]
async fn a_file_the_archive_cannot_record_counts_as_saved_and_stops_the_run() {
    let dir = TempDir::new().unwrap();
    let script = Arc::new(Script::with(&[(2, 20, Ending::Unrecorded)]));
    let mut runner = runner(&dir, &script, 1, false);
    let ended = drive_all(&mut runner, pages(1..=4, 4)).await.unwrap();
    assert_eq!(ended, Ended::Stopped);
    assert_eq!(script.started(), [1, 2]);
    // Saved under its final name: downloaded, not failed; the error is the run's.
    assert_eq!(runner.summary.counts(), counts(2, 0, 0));
    assert!(runner.summary.failed.is_empty());
    assert_eq!(
        runner.summary.fatal.as_deref(),
        Some("cannot append to the download archive: No space left on device")
    );
    assert!(runner.summary.stopped);
}

#[tokio::test(start_paused = true)]
async fn a_dry_run_plans_without_transferring() {
    let dir = TempDir::new().unwrap();
    archived(&dir, 2, "2.jpeg");
    let script = Arc::new(Script::default());
    let mut runner = runner(&dir, &script, 2, true);
    let printed = Printed::default();
    runner.plan_out = Box::new(printed.clone());
    drive_all(&mut runner, pages(1..=3, 2)).await.unwrap();
    assert!(script.started().is_empty());
    assert_eq!(runner.summary.counts(), counts(0, 1, 2));
    let planned = |id: u64| {
        let path = dir.path().join(format!("{id}.*"));
        format!("{id}\t{}\t{}\n", original_url(id), path.display())
    };
    assert_eq!(printed.text(), planned(1) + &planned(3));
    // Nothing is written to the folder, not even civimg's lock.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[tokio::test(start_paused = true)]
async fn the_summary_counts_each_target() {
    let dir = TempDir::new().unwrap();
    archived(&dir, 21, "21.jpeg");
    let script = Arc::new(Script::with(&[(12, 10, Ending::Refused)]));
    let mut runner = runner(&dir, &script, 2, false);
    runner.summary = Summary::new(false, vec!["user alice".into(), "user bob".into()]);
    runner.stop_after_known = Some(1);
    let mut bob = page(1, &[image(21), image(22)]);
    bob.known_stop = true;
    let listing = vec![page(0, &[image(11), image(12)]), bob, page(0, &[image(13)])];
    drive_all(&mut runner, listing).await.unwrap();
    assert_eq!(runner.summary.counts(), counts(3, 1, 0));
    let lines = runner.summary.count_lines(dir.path(), false);
    assert_eq!(
        lines[1..],
        [
            "civimg:   user alice: 2 new, 0 already present, 1 failed",
            "civimg:   user bob: 1 new, 1 already present, 0 failed; stopped early after 1 known in a row",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn ctrl_c_drops_running_transfers_and_counts_finished_ones() {
    let dir = TempDir::new().unwrap();
    let script = Arc::new(Script::with(&[(2, 100, Ending::Saved(100))]));
    let mut runner = runner(&dir, &script, 2, false);
    let (tx, rx) = mpsc::channel(1);
    let first = page(0, &[image(1), image(2), image(3)]);
    // Ctrl-C at 15 s: 1 ended at 10 s, 3 (started then) and 2 are running.
    let ctrl_c = sleep(Duration::from_secs(15));
    let ended = runner.drive(first, rx, ctrl_c).await.unwrap();
    assert_eq!(ended, Ended::Interrupted);
    assert_eq!(script.started(), [1, 2, 3]);
    assert_eq!(script.running.load(Ordering::SeqCst), 0);
    assert_eq!(runner.summary.counts(), counts(1, 0, 0));
    assert!(runner.summary.failed.is_empty());
    assert!(runner.steer.stop.load(Ordering::SeqCst));
    drop(tx);
}
