//! The closing lines of a download: what was saved, what was there, what failed and why.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::HumanBytes;

use crate::text::escape_line;

/// What became of one item, for [`Summary::count`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tally {
    /// Saved in this run.
    Downloaded,
    /// Already complete on disk.
    Present,
    /// `--dry-run`: would be fetched.
    Planned,
}

/// The counts of one target of a run with several.
#[derive(Debug, Default, Clone)]
struct TargetCounts {
    label: String,
    downloaded: u64,
    present: u64,
    planned: u64,
    failed: u64,
}

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
    /// Per target, when the run walks more than one.
    targets: Vec<TargetCounts>,
}

impl Summary {
    /// A summary whose clock starts now; `labels` name the run's targets (counted one by one
    /// when there are several).
    pub fn new(dry_run: bool, labels: Vec<String>) -> Self {
        let targets = if labels.len() > 1 {
            labels
                .into_iter()
                .map(|label| TargetCounts {
                    label,
                    ..TargetCounts::default()
                })
                .collect()
        } else {
            Vec::new()
        };
        Summary {
            targets,
            started: Instant::now(),
            downloaded: 0,
            present: 0,
            planned: 0,
            dry_run,
            bytes: 0,
            failed: Vec::new(),
        }
    }

    /// Counts one item of target `target`.
    pub fn count(&mut self, target: usize, tally: Tally) {
        let (total, of_target) = match tally {
            Tally::Downloaded => (
                &mut self.downloaded,
                self.targets.get_mut(target).map(|t| &mut t.downloaded),
            ),
            Tally::Present => (
                &mut self.present,
                self.targets.get_mut(target).map(|t| &mut t.present),
            ),
            Tally::Planned => (
                &mut self.planned,
                self.targets.get_mut(target).map(|t| &mut t.planned),
            ),
        };
        *total += 1;
        if let Some(n) = of_target {
            *n += 1;
        }
    }

    /// Records a failed item of target `target`.
    pub fn fail(&mut self, target: usize, id: u64, why: String) {
        self.failed.push((id, why));
        if let Some(t) = self.targets.get_mut(target) {
            t.failed += 1;
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
        for t in &self.targets {
            if self.dry_run {
                eprintln!(
                    "civimg:   {}: {} to download, {} already present",
                    escape_line(&t.label),
                    t.planned,
                    t.present
                );
            } else {
                eprintln!(
                    "civimg:   {}: {} downloaded, {} already present, {} failed",
                    escape_line(&t.label),
                    t.downloaded,
                    t.present,
                    t.failed
                );
            }
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
