//! Progress on stderr: one overall line and one bar per active transfer, all built here.
//! Hidden when stderr is not a terminal or with `--quiet`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{HumanBytes, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The overall line and the transfer bars.
pub struct Progress {
    multi: MultiProgress,
    overall: ProgressBar,
}

/// The one place progress styles are made.
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

const OVERALL_LISTING: &str = "{spinner} {pos}/{len} files  {msg}  listing… {elapsed}";
const OVERALL_KNOWN: &str = "{spinner} {pos}/{len} files  {msg}  ETA {eta}";
const TRANSFER: &str = "  {wide_msg} {bytes:>10}/{total_bytes:<10} [{bar:25}]";

impl Progress {
    /// Visible only when asked for and stderr is a terminal.
    pub fn new(quiet: bool) -> Self {
        let target = if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let multi = MultiProgress::with_draw_target(target);
        let overall = multi.add(ProgressBar::new(0).with_style(style(OVERALL_LISTING)));
        overall.enable_steady_tick(Duration::from_millis(200));
        Progress { multi, overall }
    }

    /// The bars' container, for printing above them.
    pub fn multi(&self) -> MultiProgress {
        self.multi.clone()
    }

    /// A bar for one transfer, labelled with the item; it clears itself when dropped.
    pub fn transfer(&self, label: String) -> TransferBar {
        let bar = self
            .multi
            .add(ProgressBar::new(0).with_style(style(TRANSFER)));
        bar.set_message(label);
        TransferBar(bar)
    }

    /// More items are known to the run.
    pub fn seen(&self, n: u64) {
        self.overall.inc_length(n);
    }

    /// One more item is settled (saved, present or failed); `bytes` so far this run.
    pub fn settled(&self, bytes: u64) {
        self.overall.inc(1);
        let secs = self.overall.elapsed().as_secs_f64().max(0.001);
        self.overall.set_message(format!(
            "{}  {}/s",
            HumanBytes(bytes),
            HumanBytes((bytes as f64 / secs) as u64)
        ));
    }

    /// The listing is complete: the total is final, so an ETA means something.
    pub fn listing_done(&self) {
        self.overall.set_style(style(OVERALL_KNOWN));
    }

    /// Removes every bar before the summary is printed.
    pub fn clear(&self) {
        self.overall.disable_steady_tick();
        self.overall.finish_and_clear();
        let _ = self.multi.clear();
    }
}

/// A transfer's bar that leaves the screen however its task ends, aborted by Ctrl-C included
/// (an unfinished bar would otherwise stay drawn under the summary).
pub struct TransferBar(ProgressBar);

impl std::ops::Deref for TransferBar {
    type Target = ProgressBar;

    fn deref(&self) -> &ProgressBar {
        &self.0
    }
}

impl Drop for TransferBar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
