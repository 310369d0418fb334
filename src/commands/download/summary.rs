//! The closing lines of a download: what was saved, what was there, what failed and why.

use std::path::{Path, PathBuf};
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

/// How many items came to each [`Tally`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Files saved in this run.
    pub downloaded: u64,
    /// Items already complete on disk.
    pub present: u64,
    /// `--dry-run`: items that would be fetched.
    pub planned: u64,
}

impl Counts {
    fn add(&mut self, tally: Tally) {
        *match tally {
            Tally::Downloaded => &mut self.downloaded,
            Tally::Present => &mut self.present,
            Tally::Planned => &mut self.planned,
        } += 1;
    }
}

/// The counts of one target of a run with several.
#[derive(Debug, Default, Clone)]
struct TargetCounts {
    label: String,
    counts: Counts,
    failed: u64,
    /// Its listing ended on `--stop-after-known`.
    stopped: bool,
}

/// Counts of a download run.
pub struct Summary {
    started: Instant,
    counts: Counts,
    /// Whether this is a `--dry-run`.
    pub dry_run: bool,
    /// Sizes of the files saved in this run (a failed transfer's bytes are not counted).
    pub bytes: u64,
    /// Failed items with the reason.
    pub failed: Vec<(u64, String)>,
    /// Per target, when the run walks more than one.
    targets: Vec<TargetCounts>,
    /// `-q`: nothing at all on success.
    pub quiet: bool,
    /// `--stop-after-known N` ended a listing (of the only target, or of some of several).
    stopped_after: Option<u64>,
    /// The error that stopped the whole run (the archive could not be written), printed
    /// before the counts.
    pub fatal: Option<String>,
    /// The run stopped at a write failure (a full or read-only disk) before its end.
    pub stopped: bool,
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
            counts: Counts::default(),
            dry_run,
            bytes: 0,
            failed: Vec::new(),
            quiet: false,
            stopped_after: None,
            fatal: None,
            stopped: false,
        }
    }

    /// The same summary, silent on success when `quiet` (`-q`).
    pub fn quiet(self, quiet: bool) -> Self {
        Summary { quiet, ..self }
    }

    /// Notes that target `target`'s listing ended after `known` complete items in a row.
    pub fn stopped_early(&mut self, target: usize, known: u64) {
        self.stopped_after = Some(known);
        if let Some(t) = self.targets.get_mut(target) {
            t.stopped = true;
        }
    }

    /// Counts one item of target `target`.
    pub fn count(&mut self, target: usize, tally: Tally) {
        self.counts.add(tally);
        if let Some(t) = self.targets.get_mut(target) {
            t.counts.add(tally);
        }
    }

    /// Records a failed item of target `target`.
    pub fn fail(&mut self, target: usize, id: u64, why: String) {
        self.failed.push((id, why));
        if let Some(t) = self.targets.get_mut(target) {
            t.failed += 1;
        }
    }

    /// Prints the summary on stderr, each line wrapped at word boundaries to a terminal's
    /// width: what went wrong first, then the counts, then how to retry. With `-q` a run
    /// without failures prints nothing. Reasons, names and the directory may hold text from
    /// outside: control characters are escaped. `renamed` lists files saved as `{stem}-{id}`
    /// beside a file that already had their name (saved, wanted).
    pub fn print(&self, dir: &Path, interrupted: bool, renamed: &[(PathBuf, PathBuf)]) {
        let trouble = !self.failed.is_empty() || interrupted || self.stopped;
        if self.quiet && !trouble {
            return;
        }
        let width = crate::output::stderr_width().map(usize::from);
        let say = |line: String| {
            for part in wrap(&line, width) {
                crate::log::stderr_line(&part);
            }
        };
        if !self.quiet {
            renamed_lines(renamed).into_iter().for_each(&say);
            if let (true, Some(n)) = (self.targets.is_empty(), self.stopped_after) {
                say(format!(
                    "civimg: the listing stopped early after {n} known items in a row (--stop-after-known)"
                ));
            }
        }
        for (id, why) in &self.failed {
            say(format!("civimg: failed {id}: {}", escape_line(why)));
        }
        if let Some(fatal) = &self.fatal {
            let error = crate::log::paint("error:", "1;31");
            say(format!("civimg: {error} {}", escape_line(fatal)));
        }
        self.count_lines(dir, interrupted)
            .into_iter()
            .for_each(&say);
        if let Some(advice) = self.advice(interrupted) {
            say(advice);
        }
    }

    /// The run's counts so far (its failures are in `failed`).
    #[cfg(test)]
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The totals, and one line per target when there are several.
    pub fn count_lines(&self, dir: &Path, interrupted: bool) -> Vec<String> {
        let shown = dir.display().to_string();
        let dir = escape_line(&shown);
        let lead = if interrupted { "interrupted: " } else { "" };
        let mut lines = Vec::new();
        if self.dry_run {
            lines.push(format!(
                "civimg: {lead}dry run: {} to download, {} already present in {}",
                self.counts.planned, self.counts.present, dir
            ));
        } else {
            let secs = self.started.elapsed().as_secs_f64().max(0.001);
            // No rate when nothing was saved: "0 B/s" says nothing true.
            let rate = match self.bytes {
                0 => String::new(),
                b => format!(" ({}/s)", HumanBytes((b as f64 / secs) as u64)),
            };
            lines.push(format!(
                "civimg: {lead}{} downloaded ({}), {} already present, {} failed in {:.1}s{rate} to {}",
                self.counts.downloaded,
                HumanBytes(self.bytes),
                self.counts.present,
                self.failed.len(),
                secs,
                dir
            ));
        }
        for t in &self.targets {
            let label = escape_line(&t.label);
            let stop = match (t.stopped, self.stopped_after) {
                (true, Some(n)) => format!("; stopped early after {n} known in a row"),
                _ => String::new(),
            };
            lines.push(if self.dry_run {
                format!(
                    "civimg:   {label}: {} to download, {} already present{stop}",
                    t.counts.planned, t.counts.present
                )
            } else {
                format!(
                    "civimg:   {label}: {} new, {} already present, {} failed{stop}",
                    t.counts.downloaded, t.counts.present, t.failed
                )
            });
        }
        lines
    }

    /// The last line: how to finish what this run did not.
    fn advice(&self, interrupted: bool) -> Option<String> {
        if interrupted {
            return Some(
                "civimg: partial files were kept; run the same command again to resume".into(),
            );
        }
        if self.stopped {
            return Some(
                "civimg: the run stopped there; make room (or choose another --out), then run \
                 the same command again"
                    .into(),
            );
        }
        if self.failed.is_empty() {
            return None;
        }
        let timed_out = self.failed.iter().any(|(_, why)| why.contains("timed out"));
        let timeout = if timed_out {
            " (some timed out: raise --timeout for a slow link)"
        } else {
            ""
        };
        Some(format!(
            "civimg: {} failed; run the same command again to retry them{timeout}",
            self.failed.len()
        ))
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

/// Most renamed files named one by one; the rest are counted.
const MAX_RENAMED_SHOWN: usize = 10;

/// Lines about files saved as `{stem}-{id}` because their name was taken.
fn renamed_lines(renamed: &[(PathBuf, PathBuf)]) -> Vec<String> {
    if renamed.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![format!(
        "civimg: {} saved under another name, beside a file that already had theirs:",
        renamed.len()
    )];
    for (saved, wanted) in renamed.iter().take(MAX_RENAMED_SHOWN) {
        lines.push(format!(
            "civimg:   {} (not {})",
            escape_line(&saved.display().to_string()),
            escape_line(&wanted.display().to_string())
        ));
    }
    if renamed.len() > MAX_RENAMED_SHOWN {
        lines.push(format!(
            "civimg:   … and {} more",
            renamed.len() - MAX_RENAMED_SHOWN
        ));
    }
    lines
}

/// `line` cut at spaces into lines of at most `width` columns (a word wider than that stands
/// alone); continuation lines are indented under the text after `civimg: `. No width (not a
/// terminal): the line as it is.
fn wrap(line: &str, width: Option<usize>) -> Vec<String> {
    let Some(width) = width.filter(|w| *w >= 20) else {
        return vec![line.to_string()];
    };
    if crate::text::width(line) <= width {
        return vec![line.to_string()];
    }
    const INDENT: &str = "        ";
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if crate::text::width(&candidate) <= width || current.trim().is_empty() {
            current = candidate;
        } else {
            lines.push(current);
            current = format!("{INDENT}{word}");
        }
    }
    lines.push(current);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_at_spaces_within_the_width() {
        let line = "civimg: 5 downloaded (395.61 KiB), 0 already present, 0 failed in 0.0s \
                    (7.91 MiB/s) to /tmp/some/rather/long/directory/name";
        let lines = wrap(line, Some(40));
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines[..lines.len() - 1] {
            assert!(crate::text::width(l) <= 40, "{l}");
        }
        assert_eq!(
            lines.join(" ").split_whitespace().collect::<Vec<_>>(),
            line.split_whitespace().collect::<Vec<_>>()
        );
        assert_eq!(wrap(line, None), [line]);
        assert_eq!(wrap("short", Some(40)), ["short"]);
    }

    #[test]
    fn renamed_files_are_counted_and_named() {
        let renamed: Vec<(PathBuf, PathBuf)> = (0..12)
            .map(|i| (PathBuf::from(format!("a-{i}.png")), PathBuf::from("a.png")))
            .collect();
        let lines = renamed_lines(&renamed);
        assert!(
            lines[0].contains("12 saved under another name"),
            "{lines:?}"
        );
        assert_eq!(lines[1], "civimg:   a-0.png (not a.png)");
        assert_eq!(lines.last().unwrap(), "civimg:   … and 2 more");
    }
}
