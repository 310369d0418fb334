//! The `civimg` binary: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use civimg::cli::{Cli, ColorWhen};

fn main() -> ExitCode {
    // `--color` is read before parsing so that clap's own help and errors follow it too.
    let when = ColorWhen::from_raw_args(std::env::args_os());
    civimg::log::init_color(when);
    let mut cmd = Cli::command().color(civimg::log::clap_color(when));
    if std::env::args_os().len() == 1 {
        // Bare `civimg`: the short help, as a start rather than an error.
        let _ = cmd.print_help();
        return ExitCode::SUCCESS;
    }
    let matches = match civimg::cli::usage::parse(&mut cmd, std::env::args_os().collect()) {
        Ok(matches) => matches,
        Err(err) => err.exit(),
    };
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    cli.global.note_env_sources(&matches);
    if let Err(usage) =
        civimg::cli::usage::read_pasted(&mut cli).and_then(|()| civimg::cli::usage::check(&cli))
    {
        usage.into_clap(&mut cmd).exit();
    }
    match civimg::run(cli) {
        Ok(code) => code,
        Err(err) => civimg::exit::report(&err),
    }
}
