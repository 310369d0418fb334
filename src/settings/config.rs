//! The optional config file: `$XDG_CONFIG_HOME/civimg/config.toml` (or `--config`,
//! `CIVIMG_CONFIG`). Flags and environment variables win over it; it wins over defaults.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::keys::{self, Key};

/// A config as read, with where it came from.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    /// The file, if one was read.
    pub path: Option<PathBuf>,
    /// Its values as text, by key, each already accepted by its flag's parser.
    pub values: BTreeMap<&'static str, String>,
}

impl Loaded {
    /// The file's value for `key`, parsed by the flag's parser.
    pub fn get<T>(&self, key: &Key<T>) -> Result<Option<T>> {
        let Some(text) = self.values.get(key.name) else {
            return Ok(None);
        };
        (key.parse)(text)
            .map(Some)
            .map_err(|why| anyhow::anyhow!("{}: {}: {why}", self.shown_path(), key.name))
    }

    /// Whether the file sets `key`.
    pub fn sets(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    fn shown_path(&self) -> String {
        self.path
            .as_deref()
            .map_or_else(String::new, |p| p.display().to_string())
    }
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
    let values = parse(&text).map_err(|msg| anyhow::anyhow!("{}:{msg}", path.display()))?;
    Ok(Loaded {
        path: Some(path),
        values,
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

/// Parses config text and checks every value with its flag's parser; errors read
/// `LINE: message`.
pub fn parse(text: &str) -> std::result::Result<BTreeMap<&'static str, String>, String> {
    let table: BTreeMap<String, toml::Spanned<toml::Value>> =
        toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |span| line_at(text, span.start));
            format!("{line}: {}", e.message().trim())
        })?;
    let mut values = BTreeMap::new();
    for (name, value) in table {
        let line = line_at(text, value.span().start);
        let Some(key) = keys::find(&name) else {
            let known: Vec<&str> = keys::ALL.iter().map(|k| k.name()).collect();
            return Err(format!(
                "{}: unknown key `{}`; the keys are {}",
                line_of(text, &name).unwrap_or(line),
                crate::text::escape_line(&name),
                known.join(", ")
            ));
        };
        let text = match value.into_inner() {
            toml::Value::String(s) => s,
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(n) => n.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            _ => return Err(format!("{line}: {}: expected a single value", key.name())),
        };
        key.check(&text)
            .map_err(|why| format!("{line}: {}: {why}", key.name()))?;
        values.insert(key.name(), text);
    }
    Ok(values)
}

/// The 1-based line holding byte `at` of `text`.
fn line_at(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The 1-based line on which `key` is set.
fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
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
        assert_eq!(c.get("concurrency").map(String::as_str), Some("8"));
        assert_eq!(c.get("format").map(String::as_str), Some("csv"));
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
