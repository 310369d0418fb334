//! The one place that turns an outcome into stderr text and an exit code.
//!
//! 0 success (a closed pipe included), 1 runtime failure, 2 usage (clap's own), 130 interrupted.

use std::process::ExitCode;

use crate::paginator::WalkError;

/// Exit code for a run that failed at runtime.
pub const FAILURE: u8 = 1;
/// Exit code after Ctrl-C, as shells report SIGINT.
pub const INTERRUPTED: u8 = 130;

/// Prints the error once, as one line, and picks the exit code.
pub fn report(err: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(err) {
        // `civimg list | head` closed our stdout: the reader got what it wanted.
        return ExitCode::SUCCESS;
    }
    print_error(err);
    if let Some(walk) = err.chain().find_map(|e| e.downcast_ref::<WalkError>()) {
        if let Some(cursor) = &walk.resume_cursor {
            // The cursor came from the network: quoted for pasting, controls made visible.
            let quoted = crate::text::shell_quote(cursor);
            let cursor = crate::text::escape_line(&quoted);
            eprintln!(
                "civimg: {} items came before the failure; to continue, run the same command with --cursor {cursor}",
                walk.items_done
            );
        }
    }
    ExitCode::from(FAILURE)
}

/// Prints `civimg: error: …` as one line: for the fatal error, and for each failed target of
/// a command that carries on with the others (`meta`).
pub fn print_error(err: &anyhow::Error) {
    eprintln!(
        "civimg: {} {}",
        crate::log::paint("error:", "1;31"),
        one_line(&format!("{err:#}"))
    );
}

/// Whether the failure is a write to a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|e| {
        let io = e.downcast_ref::<std::io::Error>().map(|io| io.kind());
        // serde_json and csv wrap the io::Error of a failed write in their own types.
        let json = e
            .downcast_ref::<serde_json::Error>()
            .and_then(|j| j.io_error_kind());
        let csv = e.downcast_ref::<csv::Error>().and_then(|c| match c.kind() {
            csv::ErrorKind::Io(io) => Some(io.kind()),
            _ => None,
        });
        [io, json, csv].contains(&Some(BrokenPipe))
    })
}

/// Newlines and runs of spaces folded, so an error is always one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
