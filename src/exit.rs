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
    eprintln!("civimg: error: {}", one_line(&format!("{err:#}")));
    if let Some(walk) = err.chain().find_map(|e| e.downcast_ref::<WalkError>()) {
        if let Some(cursor) = &walk.resume_cursor {
            eprintln!(
                "civimg: {} items came before the failure; to continue, run the same command with --cursor '{cursor}'",
                walk.items_done
            );
        }
    }
    ExitCode::from(FAILURE)
}

/// Whether the failure is a write to a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Newlines and runs of spaces folded, so an error is always one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
