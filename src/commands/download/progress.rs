//! Progress on stderr: one overall line and one bar per active transfer, all built here.
//! Hidden when stderr is not a terminal or with `--quiet`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{HumanBytes, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The overall line and the transfer bars.
pub struct Progress {
    multi: MultiProgress,
    overall: ProgressBar,
    _echo: Option<QuietCtrlC>,
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
        let visible = !quiet && std::io::stderr().is_terminal();
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let overall = multi.add(ProgressBar::new(0).with_style(style(OVERALL_LISTING)));
        overall.enable_steady_tick(Duration::from_millis(200));
        let _echo = visible.then(QuietCtrlC::new).flatten();
        Progress {
            multi,
            overall,
            _echo,
        }
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

/// Keeps the terminal from echoing Ctrl-C as `^C` while the bars are drawn, and restores it
/// when dropped. The bars fill the terminal's width and leave the cursor in its last column, so
/// the two echoed characters would wrap onto a new line: the clearing before the summary would
/// then count one line short and leave the overall line stale above it.
struct QuietCtrlC {
    #[cfg(unix)]
    saved: libc::termios,
}

impl QuietCtrlC {
    #[cfg(unix)]
    fn new() -> Option<Self> {
        use std::os::fd::AsRawFd;
        let fd = std::io::stderr().as_raw_fd();
        // SAFETY: termios is plain data, filled in by tcgetattr before it is read.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: fd is stderr, open for the whole run; the pointers are to live locals.
        if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 || saved.c_lflag & libc::ECHOCTL == 0 {
            return None;
        }
        let mut quiet = saved;
        quiet.c_lflag &= !libc::ECHOCTL;
        // SAFETY: as above.
        (unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) } == 0).then_some(QuietCtrlC { saved })
    }

    #[cfg(not(unix))]
    fn new() -> Option<Self> {
        None
    }
}

impl Drop for QuietCtrlC {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: restores the settings read in `new` on the same descriptor.
            unsafe { libc::tcsetattr(std::io::stderr().as_raw_fd(), libc::TCSANOW, &self.saved) };
        }
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
