//! The global flags, as clap reads them: the command line's side of the settings declared in
//! `keys` (same parsers, same environment variables; a test in `keys` holds them together).

use std::path::PathBuf;

use clap::Args;

use super::keys::ALL;
use crate::values::{
    parse_interval, parse_retries, parse_timeout, ApiKey, ApiKeyParser, ColorWhen,
};

/// Options accepted before or after any subcommand.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Ids of the options above whose value came from their environment variable rather than
    /// the command line (filled in from clap's matches by [`GlobalArgs::note_env_sources`]).
    #[arg(skip)]
    pub from_env: Vec<&'static str>,

    /// Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]
    // `hide_env_values`: help shows `[env: CIVITAI_BASE_URL]`, never an empty or private value.
    #[arg(
        hide_short_help = true,
        long,
        global = true,
        env = "CIVITAI_BASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub base_url: Option<String>,

    /// API key
    ///
    /// For what your account may see (levels above PG); sent only as `Authorization: Bearer` to the base-url host
    #[arg(
        long,
        global = true,
        env = "CIVITAI_API_KEY",
        hide_env_values = true,
        value_name = "KEY",
        value_parser = ApiKeyParser
    )]
    pub api_key: Option<ApiKey>,

    /// Print only errors (no progress, no retry notices)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print request URLs and retry decisions on stderr
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Seconds to wait for a connection or for the next bytes of a response [default: 30]
    #[arg(hide_short_help = true, long, global = true, value_name = "SECS", value_parser = parse_timeout)]
    pub timeout: Option<u64>,

    /// How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]
    #[arg(hide_short_help = true, long, global = true, value_name = "N", value_parser = parse_retries)]
    pub retries: Option<u32>,

    /// Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its
    /// requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine
    #[arg(hide_short_help = true, long, global = true, value_name = "SECS", value_parser = parse_interval)]
    pub api_interval: Option<f64>,

    /// Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]
    #[arg(
        hide_short_help = true,
        long,
        global = true,
        env = "CIVIMG_IMAGE_HOST",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub image_host: Option<String>,

    /// Second origin for files whose host keeps timing out or answering 5xx after the retries:
    /// {URL}/file/civitai-media-cache/{uuid}/original; none turns it off
    /// [default: https://image-b2.civitai.com]
    #[arg(
        hide_short_help = true,
        long,
        global = true,
        env = "CIVIMG_IMAGE_FALLBACK_HOST",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub image_fallback_host: Option<String>,

    /// Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]
    #[arg(
        hide_short_help = true,
        long,
        global = true,
        env = "CIVIMG_CONFIG",
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub config: Option<PathBuf>,

    /// When to use colour (NO_COLOR in the environment means never for auto)
    #[arg(hide_short_help = true, long, global = true, value_enum, ignore_case = true, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

impl GlobalArgs {
    /// Records which options clap read from the environment, so that `config show` can name
    /// the variable instead of guessing.
    pub fn note_env_sources(&mut self, matches: &clap::ArgMatches) {
        use clap::parser::ValueSource;
        let settings = ALL.iter().filter(|k| k.env().is_some());
        self.from_env = settings
            .map(|k| k.name())
            .chain(["config"])
            .filter(|id| matches.value_source(id) == Some(ValueSource::EnvVariable))
            .collect();
    }
}
