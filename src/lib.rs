//! civimg: list, inspect and bulk-download images from Civitai.
//!
//! `main.rs` parses the command line and calls [`run`]; everything else lives here so the
//! integration tests can reach it too.

pub mod api;
pub mod cli;
pub mod client;
mod commands;
pub mod download;
pub mod exit;
pub mod log;
pub mod meta;
pub mod output;
pub mod paginator;
pub mod query;
pub mod retry;
pub mod settings;

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::{Cli, Command};
use crate::settings::Settings;

/// Runs one parsed command line to completion.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let settings = Settings::resolve(&cli.global)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        match &cli.command {
            Command::List(args) => commands::list::run(&settings, args).await,
            Command::Download(args) => download::run(&settings, args).await,
            Command::Meta(args) => commands::meta::run(&settings, args).await,
        }
    })
}
