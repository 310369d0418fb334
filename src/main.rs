//! The `civimg` binary: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = civimg::cli::Cli::parse();
    match civimg::run(cli) {
        Ok(code) => code,
        Err(err) => civimg::exit::report(&err),
    }
}
