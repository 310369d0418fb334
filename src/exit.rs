//! The one place that turns an outcome into stderr text and an exit code.
//!
//! 0 success (a closed pipe included), 1 runtime failure, 2 usage (clap's own), 130 interrupted.

use std::process::ExitCode;

use crate::text::escape_line;
use crate::walk::paginator::WalkError;

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
            eprintln!("{}", resume_hint(walk.items_done, cursor));
        } else if matches!(walk.error, crate::walk::client::ApiError::CursorRefused(_)) {
            eprintln!("{}", restart_hint(walk.items_done));
        }
    }
    ExitCode::from(FAILURE)
}

/// How to continue a walk that stopped: the cursor quoted for POSIX shells, so pasting the
/// hint runs nothing but civimg whatever the server put in it, and escaped for the terminal.
pub fn resume_hint(items_done: u64, cursor: &str) -> String {
    let quoted = crate::text::shell_quote(cursor);
    escape_line(&format!(
        "civimg: {items_done} items came before the failure; to continue, run the same command with --cursor {quoted}"
    ))
    .into_owned()
}

/// After the API refused a cursor: it cannot be used again, so the advice is to start over,
/// never to pass the same cursor (doc/api.md, "The official reference").
pub fn restart_hint(items_done: u64) -> String {
    let before = match items_done {
        0 => String::new(),
        n => format!(" {n} items came before the failure;"),
    };
    format!(
        "civimg:{before} the API will not continue that cursor: run the command again without \
         --cursor to start from the beginning"
    )
}

/// Prints `civimg: error: …` as one line: for the fatal error, and for each failed target of
/// a command that carries on with the others (`meta`).
pub fn print_error(err: &anyhow::Error) {
    eprintln!(
        "civimg: {} {}",
        crate::log::paint("error:", "1;31"),
        escape_line(&one_line(&format!("{err:#}")))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resume_hint_runs_nothing_but_civimg() {
        let hint = resume_hint(7, "a'; touch /tmp/pwned; echo '\x1b[2J");
        assert_eq!(
            hint,
            "civimg: 7 items came before the failure; to continue, run the same command with \
             --cursor 'a'\\''; touch /tmp/pwned; echo '\\''\\x1b[2J'"
        );
    }
}
