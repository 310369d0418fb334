//! The optional config file: `$XDG_CONFIG_HOME/civimg/config.toml` (or `--config`,
//! `CIVIMG_CONFIG`). Flags and environment variables win over it; it wins over defaults.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::cli::{ApiKey, Format};
use crate::download::name::NameTemplate;

/// Settings a config file may hold; every key is optional.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// API key (a warning is printed when others can read the file).
    pub api_key: Option<String>,
    /// Site root, e.g. `https://civitai.red`.
    pub base_url: Option<String>,
    /// Default `download -o`.
    pub out: Option<PathBuf>,
    /// Default `download -j`.
    pub concurrency: Option<usize>,
    /// Default `download --name`.
    pub name: Option<String>,
    /// Default `list --format`.
    pub format: Option<String>,
    /// Default `--timeout`, seconds.
    pub timeout: Option<u64>,
    /// Default `--retries`.
    pub retries: Option<u32>,
    /// Default `--image-fallback-host` (`none` turns it off).
    pub image_fallback_host: Option<String>,
    /// Default `--image-host`.
    pub image_host: Option<String>,
    /// Default `--api-interval`, seconds.
    pub api_interval: Option<f64>,
}

/// A config as read, with where it came from.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    /// The file, if one was read.
    pub path: Option<PathBuf>,
    /// Its values, checked.
    pub config: Config,
}

/// Where civimg looks for its config when neither `--config` nor `CIVIMG_CONFIG` is given.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("civimg").join("config.toml"))
}

/// Reads the config: an explicit path must exist; the default one may be missing.
pub fn load(explicit: Option<&Path>) -> Result<Loaded> {
    let (path, required) = match explicit {
        Some(p) => (p.to_path_buf(), true),
        None => match default_path() {
            Some(p) => (p, false),
            None => return Ok(Loaded::default()),
        },
    };
    let text = match read_capped(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
            return Ok(Loaded::default())
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read config {}", path.display())),
    };
    let config = parse(&text).map_err(|msg| anyhow::anyhow!("{}:{msg}", path.display()))?;
    Ok(Loaded {
        path: Some(path),
        config,
    })
}

/// The largest config file read: a few settings take a few hundred bytes.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The file's text, refusing one larger than [`MAX_CONFIG_BYTES`] (never read past it).
fn read_capped(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(std::io::Error::other("larger than 1 MiB"));
    }
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// Parses and checks config text; errors read `LINE: message`.
pub fn parse(text: &str) -> std::result::Result<Config, String> {
    let config: Config = toml::from_str(text).map_err(|e| {
        let message = e.message().trim();
        // An unknown key's error spans the whole table; point at the key's own line.
        let unknown = message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next());
        let line = match (unknown, e.span()) {
            (Some(key), _) => line_of(text, key),
            (None, Some(span)) => text[..span.start.min(text.len())].lines().count().max(1),
            (None, None) => 1,
        };
        format!("{line}: {message}")
    })?;
    check(&config, text)?;
    Ok(config)
}

/// The 1-based line on which `key` is set, or 1.
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}

/// Values the flags would reject are rejected here too, naming the key's line.
fn check(config: &Config, text: &str) -> std::result::Result<(), String> {
    let line_of = |key: &str| line_of(text, key);
    if let Some(n) = config.concurrency {
        if !(1..=32).contains(&n) {
            return Err(format!(
                "{}: concurrency must be 1 to 32",
                line_of("concurrency")
            ));
        }
    }
    if let Some(name) = &config.name {
        name.parse::<NameTemplate>()
            .map_err(|e| format!("{}: name: {e}", line_of("name")))?;
    }
    if let Some(format) = &config.format {
        <Format as clap::ValueEnum>::from_str(format, true).map_err(|_| {
            format!(
                "{}: format must be table, jsonl, json or csv",
                line_of("format")
            )
        })?;
    }
    if config
        .api_interval
        .is_some_and(|n| !(0.0..=600.0).contains(&n))
    {
        return Err(format!(
            "{}: api_interval must be 0 to 600 seconds",
            line_of("api_interval")
        ));
    }
    if let Some(key) = &config.api_key {
        key.parse::<ApiKey>()
            .map_err(|e| format!("{}: api_key: {e}", line_of("api_key")))?;
    }
    Ok(())
}

/// Whether a file holding a secret can be read by other users (Unix permission bits).
pub fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o044 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_config_parses() {
        let c = parse(
            "api_key = \"k1\"\nbase_url = \"https://civitai.red\"\nout = \"g\"\nconcurrency = 8\n\
             name = \"{username}/{id}.{ext}\"\nformat = \"csv\"\n",
        )
        .unwrap();
        assert_eq!(c.concurrency, Some(8));
        assert_eq!(c.format.as_deref(), Some("csv"));
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse("out = \"g\"\n\nconcurrency = \"many\"\n").unwrap_err();
        assert!(err.starts_with("3: "), "{err}");
        let err = parse("out = \"g\"\nbogus = 1\n").unwrap_err();
        assert!(err.starts_with("2: ") && err.contains("bogus"), "{err}");
        let err = parse("concurrency = 99\n").unwrap_err();
        assert!(err.starts_with("1: concurrency"), "{err}");
        let err = parse("api_interval = -2\n").unwrap_err();
        assert!(err.starts_with("1: api_interval"), "{err}");
        let err = parse("name = \"{nope}\"\n").unwrap_err();
        assert!(err.contains("unknown placeholder"), "{err}");
    }
}
