//! civimg: list, inspect and bulk-download images from Civitai.
//!
//! `main.rs` parses the command line and calls [`run`]; everything else lives here so the
//! integration tests can reach it too.

pub mod cli;
pub mod commands;
pub mod embed;
pub mod exit;
pub mod fetch;
pub mod item;
pub mod log;
pub mod meta;
pub mod output;
pub mod pasted;
pub mod settings;
pub mod sniff;
pub mod store;
pub mod text;
pub mod values;
pub mod walk;

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::{Cli, Command, ConfigCommand};
use crate::settings::Settings;

/// Runs one parsed command line to completion.
pub fn run(cli: Cli) -> Result<ExitCode> {
    use commands::ecosystem;
    let out = &mut std::io::stdout();
    // Completions, the man page and the config path need no settings: a broken config file
    // must not stand in the way of finding or fixing it.
    match &cli.command {
        Command::Completions { shell } => ecosystem::completions(*shell, out)?,
        Command::Man => {
            use std::io::IsTerminal;
            ecosystem::man(out, std::io::stdout().is_terminal())?
        }
        Command::Config(ConfigCommand::Path) => {
            ecosystem::config_path(cli.global.config.as_deref(), out)?
        }
        Command::Config(ConfigCommand::Show) => {
            ecosystem::config_show(&Settings::resolve(&cli.global)?, out)?
        }
        Command::List(args) => {
            let settings = Settings::resolve(&cli.global)?;
            // One page at a time, each read as it comes: one thread does it with no hand-offs.
            return block_on_one_thread(commands::list::run(&settings, args));
        }
        Command::Download(args) => {
            let settings = Settings::resolve(&cli.global)?;
            return block_on(commands::download::run(&settings, args));
        }
        Command::Resources(args) => {
            let settings = Settings::resolve(&cli.global)?;
            return block_on(commands::resources::run(&settings, args));
        }
        Command::Meta(args) => {
            let settings = Settings::resolve(&cli.global)?;
            return block_on(commands::meta::run(&settings, args));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a command's future on a fresh runtime on this thread alone: for a walk that waits on
/// one request at a time, waking another thread for each answer only adds its latency.
fn block_on_one_thread<F: std::future::Future<Output = Result<ExitCode>>>(
    future: F,
) -> Result<ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(future)
}

/// Runs a command's future on a fresh multi-threaded runtime.
fn block_on<F: std::future::Future<Output = Result<ExitCode>>>(future: F) -> Result<ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(future)
}
