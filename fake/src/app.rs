//! State shared by all handlers of one fake server.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::dataset::Dataset;
use super::faults::FaultQueue;
use super::modes::Modes;
use super::record::Recorder;

/// Everything the handlers share.
pub struct App {
    /// The items (write-locked only by `add_item`).
    pub dataset: RwLock<Dataset>,
    /// Injected faults.
    pub faults: FaultQueue,
    /// Behaviours switched on (`/__fake/mode`, `FakeCivitai::set_modes`).
    pub modes: RwLock<Modes>,
    /// Request log.
    pub recorder: Arc<Recorder>,
    /// `FakeConfig::image_size`.
    pub image_size: Option<u64>,
    /// `FakeConfig::first_byte_delay`.
    pub first_byte_delay: Duration,
    /// `FakeConfig::chunk_delay`.
    pub chunk_delay: Duration,
    /// Image bodies in flight and the most ever at once.
    pub transfers: Arc<Transfers>,
    /// `FakeConfig::video_stills`.
    pub video_stills: bool,
    /// `FakeConfig::fallback_differs`.
    pub fallback_differs: bool,
    /// `feed:` cursors of earlier epochs have expired (`FakeCivitai::expire_cursors`).
    pub cursor_epoch: AtomicU64,
    /// Total microseconds spent inside API handlers (for `/__fake/stats`).
    pub server_time_us: AtomicU64,
}

/// Counts image bodies in flight, and the body bytes handed out, for tests to wait on.
#[derive(Default)]
pub struct Transfers {
    now: AtomicUsize,
    max: AtomicUsize,
    /// Body bytes handed to the connection so far, on every file host.
    sent: Mutex<u64>,
    /// Notified whenever `sent` grows.
    more: Condvar,
}

impl Transfers {
    /// The highest number of bodies ever in flight at once.
    pub fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }

    /// `n` more body bytes were handed to a connection.
    pub fn sent(&self, n: u64) {
        *self.sent.lock().unwrap_or_else(|e| e.into_inner()) += n;
        self.more.notify_all();
    }

    /// Blocks until at least `bytes` body bytes were handed out in all, or `guard` passed;
    /// whether they were.
    pub fn wait_for_sent(&self, bytes: u64, guard: Duration) -> bool {
        let until = Instant::now() + guard;
        let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
        while *sent < bytes {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            sent = match self.more.wait_timeout(sent, left) {
                Ok((sent, _)) => sent,
                Err(e) => e.into_inner().0,
            };
        }
        true
    }
}

/// Held by a streaming body: counts it in flight until it finishes or is dropped.
pub struct InFlight(Arc<Transfers>);

impl InFlight {
    /// Count one more body in flight.
    pub fn new(t: Arc<Transfers>) -> InFlight {
        let now = t.now.fetch_add(1, Ordering::SeqCst) + 1;
        t.max.fetch_max(now, Ordering::SeqCst);
        InFlight(t)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}
