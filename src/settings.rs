//! Global settings resolved once from flags, environment and defaults.

use std::time::Duration;

use anyhow::{Context, Result};
use url::Url;

use crate::cli::{ApiKey, GlobalArgs};
use crate::client::{Client, ClientConfig};
use crate::log::Log;

/// The site civimg talks to when nothing else is said.
pub const DEFAULT_BASE_URL: &str = "https://civitai.com";
/// Default connect/read timeout.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Default retries per request.
pub const DEFAULT_RETRIES: u32 = 5;

/// Everything the commands need from the global options.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Site root.
    pub base_url: Url,
    /// Bearer key for the base-url host.
    pub api_key: Option<ApiKey>,
    /// `-q`.
    pub quiet: bool,
    /// `-v`.
    pub verbose: bool,
    /// Connect/read timeout.
    pub timeout: Duration,
    /// Retries per request.
    pub retries: u32,
}

impl Settings {
    /// Flag (or its environment variable, which clap reads) first, then the default.
    pub fn resolve(args: &GlobalArgs) -> Result<Self> {
        let base = args.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let base_url =
            Url::parse(base.trim()).with_context(|| format!("--base-url `{base}` is not a URL"))?;
        crate::client::images_endpoint(&base_url)?;
        Ok(Settings {
            base_url,
            api_key: args.api_key.clone(),
            quiet: args.quiet,
            verbose: args.verbose,
            timeout: Duration::from_secs(args.timeout.unwrap_or(DEFAULT_TIMEOUT_SECS)),
            retries: args.retries.unwrap_or(DEFAULT_RETRIES),
        })
    }

    /// The stderr log for these settings.
    pub fn log(&self) -> Log {
        Log::new(self.quiet, self.verbose)
    }

    /// An API client for these settings.
    pub fn client(&self, log: Log) -> Result<Client> {
        Client::new(
            ClientConfig {
                base_url: self.base_url.clone(),
                api_key: self.api_key.clone(),
                timeout: self.timeout,
                retries: self.retries,
            },
            log,
        )
    }
}
