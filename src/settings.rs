//! Global settings resolved once: flag > environment > config file > default.

use std::time::Duration;

use anyhow::{Context, Result};

use crate::cli::{ApiKey, Format, GlobalArgs};
use crate::client::{Client, ClientConfig};
use crate::config::{self, Config, Loaded};
use crate::download::name::NameTemplate;
use crate::log::Log;

/// The site civimg talks to when nothing else is said.
pub const DEFAULT_BASE_URL: &str = "https://civitai.com";
/// Where Civitai serves files (doc/api.md, "Hosts").
pub const DEFAULT_IMAGE_HOST: &str = "https://image.civitai.com";
/// Default connect/read timeout.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Default retries per request.
pub const DEFAULT_RETRIES: u32 = 5;
/// The second origin for files (doc/api.md, "Videos, audio, collections").
pub const DEFAULT_IMAGE_FALLBACK_HOST: &str = "https://image-b2.civitai.com";
/// Default `download -j`.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Everything the commands need from the global options.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Site root as given; checked when a client is made, so commands that read only local
    /// files (`meta FILE`) are not stopped by a bad URL they never use.
    pub base_url: String,
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
    /// Least time between two API requests (`--api-interval`, default none).
    pub api_interval: Duration,
    /// Where file URLs built from a uuid point (`--image-host`).
    pub image_host: String,
    /// `--image-fallback-host` as given (`none`: off); checked when a download needs it.
    pub image_fallback_host: String,
    /// The config file as read.
    pub config: Loaded,
    /// Where each global value came from, for `config show`.
    pub origins: Origins,
}

/// Where a value in force came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag, by name.
    Flag(&'static str),
    /// An environment variable, by name.
    Env(&'static str),
    /// The config file.
    File(std::path::PathBuf),
    /// Nothing set it.
    #[default]
    Default,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "flag {flag}"),
            Origin::Env(var) => write!(f, "environment variable {var}"),
            Origin::File(path) => write!(f, "config file {}", path.display()),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// The origin of each global setting.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// `--base-url` / `CIVITAI_BASE_URL` / `base_url`.
    pub base_url: Origin,
    /// `--api-key` / `CIVITAI_API_KEY` / `api_key` (`Default`: no key).
    pub api_key: Origin,
    /// `--timeout` / `timeout`.
    pub timeout: Origin,
    /// `--retries` / `retries`.
    pub retries: Origin,
    /// `--image-fallback-host` / `CIVIMG_IMAGE_FALLBACK_HOST` / `image_fallback_host`.
    pub image_fallback_host: Origin,
    /// `--image-host` / `CIVIMG_IMAGE_HOST` / `image_host`.
    pub image_host: Origin,
    /// `--api-interval` / `api_interval`.
    pub api_interval: Origin,
    /// Where the config file's path came from: `--config`, `CIVIMG_CONFIG`, or the default.
    pub config: Origin,
}

impl Origins {
    /// Reads, for each setting, which source supplied it, in the order they win.
    fn of(args: &GlobalArgs, loaded: &Loaded) -> Self {
        let file = &loaded.config;
        let pick = |flag: bool, id: &'static str, env: Option<&'static str>, in_file: bool| match (
            flag,
            env,
            &loaded.path,
        ) {
            (true, Some(var), _) if args.from_env.contains(&id) => Origin::Env(var),
            (true, _, _) => Origin::Flag(flag_name(id)),
            (false, _, Some(path)) if in_file => Origin::File(path.clone()),
            _ => Origin::Default,
        };
        Origins {
            base_url: pick(
                args.base_url.is_some(),
                "base_url",
                Some("CIVITAI_BASE_URL"),
                file.base_url.is_some(),
            ),
            api_key: pick(
                args.api_key.is_some(),
                "api_key",
                Some("CIVITAI_API_KEY"),
                file.api_key.is_some(),
            ),
            timeout: pick(
                args.timeout.is_some(),
                "timeout",
                None,
                file.timeout.is_some(),
            ),
            retries: pick(
                args.retries.is_some(),
                "retries",
                None,
                file.retries.is_some(),
            ),
            image_fallback_host: pick(
                args.image_fallback_host.is_some(),
                "image_fallback_host",
                Some("CIVIMG_IMAGE_FALLBACK_HOST"),
                file.image_fallback_host.is_some(),
            ),
            image_host: pick(
                args.image_host.is_some(),
                "image_host",
                Some("CIVIMG_IMAGE_HOST"),
                file.image_host.is_some(),
            ),
            api_interval: pick(
                args.api_interval.is_some(),
                "api_interval",
                None,
                file.api_interval.is_some(),
            ),
            config: match (&args.config, args.from_env.contains(&"config")) {
                (Some(_), true) => Origin::Env("CIVIMG_CONFIG"),
                (Some(_), false) => Origin::Flag("--config"),
                (None, _) => Origin::Default,
            },
        }
    }
}

/// `--base-url` for `base_url`.
fn flag_name(id: &'static str) -> &'static str {
    match id {
        "base_url" => "--base-url",
        "api_key" => "--api-key",
        "timeout" => "--timeout",
        "retries" => "--retries",
        "image_fallback_host" => "--image-fallback-host",
        "image_host" => "--image-host",
        "api_interval" => "--api-interval",
        _ => id,
    }
}

impl Settings {
    /// Flag (or its environment variable, which clap reads) first, then the config file,
    /// then the default.
    pub fn resolve(args: &GlobalArgs) -> Result<Self> {
        let loaded = config::load(args.config.as_deref())?;
        let file: &Config = &loaded.config;
        let base = args
            .base_url
            .as_deref()
            .or(file.base_url.as_deref())
            .unwrap_or(DEFAULT_BASE_URL);
        let base_url = base.trim().to_string();
        let api_key = match (&args.api_key, &file.api_key) {
            (Some(key), _) => Some(key.clone()),
            (None, Some(text)) => Some(text.parse::<ApiKey>().map_err(anyhow::Error::msg)?),
            (None, None) => None,
        };
        let settings = Settings {
            base_url,
            api_key,
            quiet: args.quiet,
            verbose: args.verbose,
            timeout: Duration::from_secs(
                args.timeout
                    .or(file.timeout)
                    .unwrap_or(DEFAULT_TIMEOUT_SECS),
            ),
            retries: args.retries.or(file.retries).unwrap_or(DEFAULT_RETRIES),
            api_interval: Duration::from_secs_f64(
                args.api_interval.or(file.api_interval).unwrap_or(0.0),
            ),
            image_host: args
                .image_host
                .as_deref()
                .or(file.image_host.as_deref())
                .unwrap_or(DEFAULT_IMAGE_HOST)
                .trim()
                .to_string(),
            image_fallback_host: args
                .image_fallback_host
                .as_deref()
                .or(file.image_fallback_host.as_deref())
                .unwrap_or(DEFAULT_IMAGE_FALLBACK_HOST)
                .trim()
                .to_string(),
            origins: Origins::of(args, &loaded),
            config: loaded,
        };
        settings.warn_about_an_exposed_key();
        Ok(settings)
    }

    /// A key in a file other users can read is a key others can use.
    fn warn_about_an_exposed_key(&self) {
        if let (Some(path), Some(_)) = (&self.config.path, &self.config.config.api_key) {
            if config::readable_by_others(path) {
                self.log().warn(&format!(
                    "{} holds an API key and other users can read it; run: chmod 600 {}",
                    path.display(),
                    path.display()
                ));
            }
        }
    }

    /// `download -o`, else the config's `out`, else the current directory.
    pub fn out_dir(&self, flag: Option<&std::path::Path>) -> std::path::PathBuf {
        flag.map(ToOwned::to_owned)
            .or_else(|| self.config.config.out.clone())
            .unwrap_or_else(|| ".".into())
    }

    /// `download -j`, else the config's `concurrency`, else 4.
    pub fn concurrency(&self, flag: Option<usize>) -> usize {
        flag.or(self.config.config.concurrency)
            .unwrap_or(DEFAULT_CONCURRENCY)
    }

    /// `download --name`, else the config's `name`, else `{id}.{ext}`.
    pub fn name_template(&self, flag: Option<&NameTemplate>) -> NameTemplate {
        if let Some(t) = flag {
            return t.clone();
        }
        self.config
            .config
            .name
            .as_deref()
            .and_then(|n| n.parse().ok())
            .unwrap_or_default()
    }

    /// `list --format`, else the config's `format`, else `None` (the terminal decides).
    pub fn format(&self, flag: Option<Format>) -> Option<Format> {
        flag.or_else(|| {
            let text = self.config.config.format.as_deref()?;
            <Format as clap::ValueEnum>::from_str(text, true).ok()
        })
    }

    /// The fallback file host, or `None` when turned off with `none`.
    pub fn image_fallback_host(&self) -> Result<Option<url::Url>> {
        let text = &self.image_fallback_host;
        if text.eq_ignore_ascii_case("none") {
            return Ok(None);
        }
        match http_url(text) {
            Some(url) => Ok(Some(url)),
            None => anyhow::bail!(
                "--image-fallback-host must be an http(s) URL with a host, or none, not `{text}`"
            ),
        }
    }

    /// The stderr log for these settings.
    pub fn log(&self) -> Log {
        Log::new(self.quiet, self.verbose)
    }

    /// An API client for these settings.
    pub fn client(&self, log: Log) -> Result<Client> {
        let image_host = http_url(&self.image_host).with_context(|| {
            format!(
                "--image-host must be an http(s) URL with a host, not `{}`",
                self.image_host
            )
        })?;
        let base = crate::base_url::parse_base_url(&self.base_url).map_err(|why| {
            // Flags and the environment were checked as usage errors; this is the file's.
            match &self.origins.base_url {
                Origin::File(path) => anyhow::anyhow!(
                    "{}: base_url {}",
                    path.display(),
                    why.strip_prefix("--base-url ").unwrap_or(&why)
                ),
                _ => anyhow::Error::msg(why),
            }
        })?;
        if base.dropped_endpoint {
            log.notice(&format!(
                "--base-url is the site root; using {} (civimg adds /api/v1/images itself)",
                base.url.as_str().trim_end_matches('/')
            ));
        }
        let base_url = base.url;
        Client::new(
            ClientConfig {
                base_url,
                api_key: self.api_key.clone(),
                timeout: self.timeout,
                retries: self.retries,
                api_interval: self.api_interval,
                image_host,
            },
            log,
        )
    }
}

/// `text` as an http(s) URL with a host (the file hosts), or `None`.
fn http_url(text: &str) -> Option<url::Url> {
    url::Url::parse(text)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}
