//! Messages on stderr: notices, warnings and `-v` detail, kept clear of progress bars.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::MultiProgress;

use crate::text::escape_line;
use crate::values::ColorWhen;

/// Whether civimg's own stderr lines are coloured; set once by [`init_color`].
static STDERR_COLOR: AtomicBool = AtomicBool::new(false);
/// Whether stdout (the table header) is styled; set once by [`init_color`].
static STDOUT_COLOR: AtomicBool = AtomicBool::new(false);

/// Decides colour for both streams: `always`, `never`, or `auto` = a terminal and no
/// `NO_COLOR` (https://no-color.org: set and not empty).
pub fn init_color(when: ColorWhen) {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let decide = |tty: bool| match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => tty && !no_color,
    };
    STDERR_COLOR.store(decide(std::io::stderr().is_terminal()), Ordering::Relaxed);
    STDOUT_COLOR.store(decide(std::io::stdout().is_terminal()), Ordering::Relaxed);
}

/// clap's setting for the same choice (clap itself honours `NO_COLOR` under auto).
pub fn clap_color(when: ColorWhen) -> clap::ColorChoice {
    match when {
        ColorWhen::Auto => clap::ColorChoice::Auto,
        ColorWhen::Always => clap::ColorChoice::Always,
        ColorWhen::Never => clap::ColorChoice::Never,
    }
}

/// Whether stdout output may carry styles.
pub fn stdout_color() -> bool {
    STDOUT_COLOR.load(Ordering::Relaxed)
}

/// `text` in an SGR colour (`"31"` red, `"33"` yellow, `"1"` bold) when stderr is coloured.
pub fn paint(text: &str, sgr: &str) -> String {
    if STDERR_COLOR.load(Ordering::Relaxed) {
        format!("\x1b[{sgr}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

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

    /// A notice such as a retry wait; hidden by `-q`. Control characters in `msg` (text from
    /// a server, say) are shown as escapes, here and in every other kind of line.
    pub fn notice(&self, msg: &str) {
        if !self.quiet {
            self.print(&format!("civimg: {}", escape_line(msg)));
        }
    }

    /// A warning about the data or the walk; hidden by `-q`.
    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            let warning = paint("warning:", "33");
            self.print(&format!("civimg: {warning} {}", escape_line(msg)));
        }
    }

    /// Detail shown only with `-v`.
    pub fn verbose(&self, msg: &str) {
        if self.verbose {
            self.print(&format!("civimg: {}", escape_line(msg)));
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
