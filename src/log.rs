//! Messages on stderr: notices, warnings and `-v` detail, kept clear of progress bars.

use indicatif::MultiProgress;

/// Where civimg's own messages go; cheap to clone into tasks.
#[derive(Clone, Default)]
pub struct Log {
    quiet: bool,
    verbose: bool,
    progress: Option<MultiProgress>,
}

impl Log {
    /// A log that honours `-q` and `-v`.
    pub fn new(quiet: bool, verbose: bool) -> Self {
        Log {
            quiet,
            verbose,
            progress: None,
        }
    }

    /// The same log, printing above these progress bars instead of through them.
    pub fn with_progress(&self, progress: MultiProgress) -> Self {
        Log {
            progress: Some(progress),
            ..self.clone()
        }
    }

    /// Whether `-q` was given.
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// A notice such as a retry wait; hidden by `-q`.
    pub fn notice(&self, msg: &str) {
        if !self.quiet {
            self.print(&format!("civimg: {msg}"));
        }
    }

    /// A warning about the data or the walk; hidden by `-q`.
    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            self.print(&format!("civimg: warning: {msg}"));
        }
    }

    /// Detail shown only with `-v`.
    pub fn verbose(&self, msg: &str) {
        if self.verbose {
            self.print(&format!("civimg: {msg}"));
        }
    }

    fn print(&self, line: &str) {
        match &self.progress {
            Some(mp) if !mp.is_hidden() => {
                let _ = mp.println(line);
            }
            _ => eprintln!("{line}"),
        }
    }
}
