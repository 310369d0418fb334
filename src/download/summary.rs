//! The closing lines of a download: what was saved, what was there, what failed and why.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::HumanBytes;

use crate::text::escape_line;

/// Counts of a download run.
pub struct Summary {
    started: Instant,
    /// Files saved in this run.
    pub downloaded: u64,
    /// Items already complete on disk.
    pub present: u64,
    /// `--dry-run`: items that would be fetched.
    pub planned: u64,
    /// Whether this is a `--dry-run`.
    pub dry_run: bool,
    /// Bytes received in this run.
    pub bytes: u64,
    /// Failed items with the reason.
    pub failed: Vec<(u64, String)>,
}

impl Summary {
    /// A summary whose clock starts now.
    pub fn new(dry_run: bool) -> Self {
        Summary {
            started: Instant::now(),
            downloaded: 0,
            present: 0,
            planned: 0,
            dry_run,
            bytes: 0,
            failed: Vec::new(),
        }
    }

    /// Prints the summary on stderr (even with `--quiet`: it is the run's result). Reasons
    /// and the directory may hold text from outside: control characters are escaped.
    pub fn print(&self, dir: &Path, interrupted: bool) {
        let shown = dir.display().to_string();
        let dir = escape_line(&shown);
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let lead = if interrupted { "interrupted: " } else { "" };
        if self.dry_run {
            eprintln!(
                "civimg: {lead}dry run: {} to download, {} already present in {}",
                self.planned, self.present, dir
            );
        } else {
            eprintln!(
                "civimg: {lead}{} downloaded ({}), {} already present, {} failed in {:.1}s ({}/s) to {}",
                self.downloaded,
                HumanBytes(self.bytes),
                self.present,
                self.failed.len(),
                secs,
                HumanBytes((self.bytes as f64 / secs) as u64),
                dir
            );
        }
        for (id, why) in &self.failed {
            eprintln!("civimg: failed {id}: {}", escape_line(why));
        }
        if interrupted {
            eprintln!("civimg: partial files were kept; run the same command again to resume");
        }
    }

    /// 0 when nothing failed, 1 otherwise.
    pub fn exit_code(&self) -> ExitCode {
        if self.failed.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(crate::exit::FAILURE)
        }
    }
}
