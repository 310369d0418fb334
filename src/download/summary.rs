//! The closing lines of a download: what was saved, what was there, what failed and why.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{HumanBytes, HumanDuration};

/// Counts of a download run.
pub struct Summary {
    started: Instant,
    /// Files saved in this run.
    pub downloaded: u64,
    /// Items already complete on disk.
    pub present: u64,
    /// `--dry-run`: items that would be fetched.
    pub planned: u64,
    /// Bytes received in this run.
    pub bytes: u64,
    /// Failed items with the reason.
    pub failed: Vec<(u64, String)>,
}

impl Default for Summary {
    fn default() -> Self {
        Summary {
            started: Instant::now(),
            downloaded: 0,
            present: 0,
            planned: 0,
            bytes: 0,
            failed: Vec::new(),
        }
    }
}

impl Summary {
    /// Prints the summary on stderr (even with `--quiet`: it is the run's result).
    pub fn print(&self, dir: &Path, interrupted: bool) {
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let lead = if interrupted { "interrupted: " } else { "" };
        if self.planned > 0 {
            eprintln!(
                "civimg: {lead}dry run: {} to download, {} already present in {}",
                self.planned,
                self.present,
                dir.display()
            );
        } else {
            eprintln!(
                "civimg: {lead}{} downloaded ({}), {} already present, {} failed in {} ({}/s) to {}",
                self.downloaded,
                HumanBytes(self.bytes),
                self.present,
                self.failed.len(),
                HumanDuration(self.started.elapsed()),
                HumanBytes((self.bytes as f64 / secs) as u64),
                dir.display()
            );
        }
        for (id, why) in &self.failed {
            eprintln!("civimg: failed {id}: {why}");
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
