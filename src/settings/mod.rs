//! Global settings resolved once: flag > environment > config file > default. Each setting is
//! declared in `keys`; the file is read in `config`.

pub mod config;
pub mod flags;
pub mod keys;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use self::config::Loaded;
use self::flags::GlobalArgs;
use self::keys::{Key, Setting};
use crate::log::Log;
use crate::store::name::NameTemplate;
use crate::values::{ApiKey, Format};
use crate::walk::client::{Client, ClientConfig};

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
    /// `download -o` unless the flag is given.
    out: PathBuf,
    /// `download -j` unless the flag is given.
    concurrency: usize,
    /// `download --name` unless the flag is given.
    name: NameTemplate,
    /// `list --format` unless the flag is given; `None`: the terminal decides.
    format: Option<Format>,
    /// The config file as read.
    pub config: Loaded,
    /// Where the config file's path came from: `--config`, `CIVIMG_CONFIG`, or the default.
    pub config_origin: Origin,
    /// Every setting's value in force as `config show` writes it, and its origin, in the
    /// order of [`keys::ALL`].
    pub shown: Vec<Shown>,
}

/// One setting as `config show` prints it.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The config key.
    pub key: &'static str,
    /// The value in TOML, or `None` when unset.
    pub value: Option<String>,
    /// Where it came from.
    pub origin: Origin,
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

/// Resolution of one setting after another, recording each one's value and origin.
struct Resolver<'a> {
    args: &'a GlobalArgs,
    file: &'a Loaded,
    shown: Vec<Shown>,
}

impl Resolver<'_> {
    /// The flag (or its environment variable, which clap reads), else the file, else the
    /// default (`None` when the setting has none).
    fn pick<T>(&mut self, key: &'static Key<T>, flag: Option<T>) -> Result<Option<T>> {
        let file = &self.file;
        let (value, origin) = match (flag, file.get(key)?, &file.path) {
            (Some(v), _, _) => {
                let by_env = key.env.filter(|_| self.args.from_env.contains(&key.name));
                (Some(v), by_env.map_or(Origin::Flag(key.flag), Origin::Env))
            }
            (None, Some(v), Some(path)) => (Some(v), Origin::File(path.clone())),
            _ => {
                let default = key.default.map(key.parse).transpose();
                let default = default.map_err(|why| {
                    anyhow::anyhow!("the default {} does not parse: {why}", key.name)
                })?;
                (default, Origin::Default)
            }
        };
        self.shown.push(Shown {
            key: key.name,
            value: value.as_ref().map(|v| toml_text(key, &(key.show)(v))),
            origin,
        });
        Ok(value)
    }

    /// [`Resolver::pick`] for a setting that has a default.
    fn value<T>(&mut self, key: &'static Key<T>, flag: Option<T>) -> Result<T> {
        self.pick(key, flag)?
            .ok_or_else(|| anyhow::anyhow!("{} has no default", key.name))
    }
}

/// `text` written as TOML writes the setting's type.
fn toml_text(key: &dyn Setting, text: &str) -> String {
    if key.quoted() {
        toml::Value::String(text.to_string()).to_string()
    } else {
        text.to_string()
    }
}

impl Settings {
    /// Flag (or its environment variable, which clap reads) first, then the config file,
    /// then the default.
    pub fn resolve(args: &GlobalArgs) -> Result<Self> {
        let loaded = config::load(args.config.as_deref())?;
        let mut r = Resolver {
            args,
            file: &loaded,
            shown: Vec::new(),
        };
        let api_key = r.pick(&keys::API_KEY, args.api_key.clone())?;
        let base_url = r.value(&keys::BASE_URL, args.base_url.clone())?;
        let out = r.value(&keys::OUT, None)?;
        let concurrency = r.value(&keys::CONCURRENCY, None)?;
        let name = r.value(&keys::NAME, None)?;
        let format = r.pick(&keys::FORMAT, None)?;
        let timeout = r.value(&keys::TIMEOUT, args.timeout)?;
        let retries = r.value(&keys::RETRIES, args.retries)?;
        let image_fallback_host =
            r.value(&keys::IMAGE_FALLBACK_HOST, args.image_fallback_host.clone())?;
        let image_host = r.value(&keys::IMAGE_HOST, args.image_host.clone())?;
        let api_interval = r.value(&keys::API_INTERVAL, args.api_interval)?;
        let shown = r.shown;
        let settings = Settings {
            base_url: base_url.trim().to_string(),
            api_key,
            quiet: args.quiet,
            verbose: args.verbose,
            timeout: Duration::from_secs(timeout),
            retries,
            api_interval: Duration::from_secs_f64(api_interval),
            image_host: image_host.trim().to_string(),
            image_fallback_host: image_fallback_host.trim().to_string(),
            out,
            concurrency,
            name,
            format,
            config_origin: match (&args.config, args.from_env.contains(&"config")) {
                (Some(_), true) => Origin::Env("CIVIMG_CONFIG"),
                (Some(_), false) => Origin::Flag("--config"),
                (None, _) => Origin::Default,
            },
            shown,
            config: loaded,
        };
        settings.warn_about_an_exposed_key();
        Ok(settings)
    }

    /// Where the value of the setting `key` came from.
    pub fn origin(&self, key: &str) -> Origin {
        self.shown
            .iter()
            .find(|s| s.key == key)
            .map(|s| s.origin.clone())
            .unwrap_or_default()
    }

    /// A key in a file other users can read is a key others can use.
    fn warn_about_an_exposed_key(&self) {
        if let (Some(path), true) = (&self.config.path, self.config.sets(keys::API_KEY.name)) {
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
    pub fn out_dir(&self, flag: Option<&Path>) -> PathBuf {
        flag.map_or_else(|| self.out.clone(), ToOwned::to_owned)
    }

    /// `download -j`, else the config's `concurrency`, else 4.
    pub fn concurrency(&self, flag: Option<usize>) -> usize {
        flag.unwrap_or(self.concurrency)
    }

    /// `download --name`, else the config's `name`, else `{id}.{ext}`.
    pub fn name_template(&self, flag: Option<&NameTemplate>) -> NameTemplate {
        flag.unwrap_or(&self.name).clone()
    }

    /// `list --format`, else the config's `format`, else `None` (the terminal decides).
    pub fn format(&self, flag: Option<Format>) -> Option<Format> {
        flag.or(self.format)
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
        let base = crate::walk::base_url::parse_base_url(&self.base_url).map_err(|why| {
            // Flags and the environment were checked as usage errors; this is the file's.
            match self.origin(keys::BASE_URL.name) {
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
