//! Every setting the config file may hold, declared once: its key (also the flag's id), the flag,
//! the environment variable, the default, the parser and a line saying what it is.
//!
//! Resolution and the source it reports (`Settings::resolve`), the config file's checks
//! (`config::parse`), `config show` and the man page's lists are all derived from [`ALL`]. The
//! flags are clap derive attributes in `cli/`, which use the same parsers and environment
//! variables; a unit test below holds their names, variables and defaults to these declarations.

use std::path::PathBuf;

use crate::store::name::{NameTemplate, DEFAULT_TEMPLATE};
use crate::values::{self, ApiKey, Format};
use crate::walk::client::redact_user_info;

/// One setting.
pub struct Key<T: 'static> {
    /// The config key, which is also the clap id of its flag (`image_host`).
    pub name: &'static str,
    /// The flag as a user types it; `download -j` for a subcommand's flag.
    pub flag: &'static str,
    /// The environment variable standing for the flag, if any.
    pub env: Option<&'static str>,
    /// The default, as text the parser takes; `None`: unset unless given.
    pub default: Option<&'static str>,
    /// How `config show` writes an unset value (`""` for no key, `"auto"` for the format).
    pub unset: &'static str,
    /// What it is, a few words (the man page and `config show` use them).
    pub about: &'static str,
    /// Whether TOML writes it as a string (quoted) rather than a number.
    pub quoted: bool,
    /// The flag's own parser: the config file's value goes through it as text.
    pub parse: fn(&str) -> Result<T, String>,
    /// The value as `config show` writes it (the key never in clear).
    pub show: fn(&T) -> String,
}

/// What every setting tells about itself, whatever its type.
pub trait Setting: Sync {
    /// The config key.
    fn name(&self) -> &'static str;
    /// The flag, as typed.
    fn flag(&self) -> &'static str;
    /// The environment variable, if any.
    fn env(&self) -> Option<&'static str>;
    /// A few words on what it is.
    fn about(&self) -> &'static str;
    /// Whether TOML quotes it.
    fn quoted(&self) -> bool;
    /// How an unset value is shown.
    fn unset(&self) -> &'static str;
    /// Runs the flag's parser on `text`, keeping only the verdict.
    fn check(&self, text: &str) -> Result<(), String>;
    /// The default as `config show` writes it.
    fn default_shown(&self) -> Option<String>;
    /// Whether it has a default.
    fn has_default(&self) -> bool;
}

impl<T: 'static> Setting for Key<T> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn flag(&self) -> &'static str {
        self.flag
    }
    fn env(&self) -> Option<&'static str> {
        self.env
    }
    fn about(&self) -> &'static str {
        self.about
    }
    fn quoted(&self) -> bool {
        self.quoted
    }
    fn unset(&self) -> &'static str {
        self.unset
    }
    fn check(&self, text: &str) -> Result<(), String> {
        (self.parse)(text).map(|_| ())
    }
    fn default_shown(&self) -> Option<String> {
        let text = self.default?;
        (self.parse)(text).ok().map(|v| (self.show)(&v))
    }
    fn has_default(&self) -> bool {
        self.default.is_some()
    }
}

/// `--api-key` / `CIVITAI_API_KEY` / `api_key`.
pub static API_KEY: Key<ApiKey> = Key {
    name: "api_key",
    flag: "--api-key",
    env: Some("CIVITAI_API_KEY"),
    default: None,
    unset: "",
    about: "API key",
    quoted: true,
    parse: |s| s.parse(),
    show: |_| "<redacted>".into(),
};

/// `--base-url` / `CIVITAI_BASE_URL` / `base_url`; read as a site root when a client is made
/// (`walk::base_url`), so that commands that read only local files are not stopped by it.
pub static BASE_URL: Key<String> = Key {
    name: "base_url",
    flag: "--base-url",
    env: Some("CIVITAI_BASE_URL"),
    default: Some("https://civitai.com"),
    unset: "",
    about: "Site to talk to",
    quoted: true,
    parse: trimmed,
    // User-info is never printed (issue 21).
    show: |s| redact_user_info(s.trim_end_matches('/')),
};

/// `download -o` / `out`.
pub static OUT: Key<PathBuf> = Key {
    name: "out",
    flag: "download -o",
    env: None,
    default: Some("."),
    unset: "",
    about: "Folder download saves into",
    quoted: true,
    parse: |s| Ok(PathBuf::from(s)),
    show: |p| p.display().to_string(),
};

/// `download -j` / `concurrency`.
pub static CONCURRENCY: Key<usize> = Key {
    name: "concurrency",
    flag: "download -j",
    env: None,
    default: Some("4"),
    unset: "",
    about: "Transfers at once",
    quoted: false,
    parse: values::parse_concurrency,
    show: usize::to_string,
};

/// `download --name` / `name`.
pub static NAME: Key<NameTemplate> = Key {
    name: "name",
    flag: "download --name",
    env: None,
    default: Some(DEFAULT_TEMPLATE),
    unset: "",
    about: "File name template",
    quoted: true,
    parse: |s| s.parse(),
    show: NameTemplate::to_string,
};

/// `list --format` / `format`; unset, the terminal decides.
pub static FORMAT: Key<Format> = Key {
    name: "format",
    flag: "list --format",
    env: None,
    default: None,
    unset: "auto",
    about: "Output format of list",
    quoted: true,
    parse: values::parse_format,
    show: |f| values::format_name(*f).to_string(),
};

/// `--timeout` / `timeout`.
pub static TIMEOUT: Key<u64> = Key {
    name: "timeout",
    flag: "--timeout",
    env: None,
    default: Some("30"),
    unset: "",
    about: "Seconds to wait for a connection or the next bytes",
    quoted: false,
    parse: values::parse_timeout,
    show: u64::to_string,
};

/// `--retries` / `retries`.
pub static RETRIES: Key<u32> = Key {
    name: "retries",
    flag: "--retries",
    env: None,
    default: Some("5"),
    unset: "",
    about: "Retries of a failed request",
    quoted: false,
    parse: values::parse_retries,
    show: u32::to_string,
};

/// `--image-fallback-host` / `CIVIMG_IMAGE_FALLBACK_HOST` / `image_fallback_host`; checked
/// when a download needs it.
pub static IMAGE_FALLBACK_HOST: Key<String> = Key {
    name: "image_fallback_host",
    flag: "--image-fallback-host",
    env: Some("CIVIMG_IMAGE_FALLBACK_HOST"),
    // doc/api.md, "Videos, audio, collections".
    default: Some("https://image-b2.civitai.com"),
    unset: "",
    about: "Second origin for files",
    quoted: true,
    parse: trimmed,
    show: |s| redact_user_info(s),
};

/// `--image-host` / `CIVIMG_IMAGE_HOST` / `image_host`; checked when a client is made.
pub static IMAGE_HOST: Key<String> = Key {
    name: "image_host",
    flag: "--image-host",
    env: Some("CIVIMG_IMAGE_HOST"),
    // doc/api.md, "Hosts".
    default: Some("https://image.civitai.com"),
    unset: "",
    about: "Host of file URLs built from a uuid",
    quoted: true,
    parse: trimmed,
    show: |s| redact_user_info(s),
};

/// `--api-interval` / `api_interval`.
pub static API_INTERVAL: Key<f64> = Key {
    name: "api_interval",
    flag: "--api-interval",
    env: None,
    default: Some("0"),
    unset: "",
    about: "Least seconds between two API requests",
    quoted: false,
    parse: values::parse_interval,
    show: f64::to_string,
};

/// Every setting, in the order `config show`, the README and the man page list them.
pub static ALL: [&dyn Setting; 11] = [
    &API_KEY,
    &BASE_URL,
    &OUT,
    &CONCURRENCY,
    &NAME,
    &FORMAT,
    &TIMEOUT,
    &RETRIES,
    &IMAGE_FALLBACK_HOST,
    &IMAGE_HOST,
    &API_INTERVAL,
];

/// The setting whose config key is `name`.
pub fn find(name: &str) -> Option<&'static dyn Setting> {
    ALL.iter().copied().find(|s| s.name() == name)
}

/// A text value as given, without surrounding blanks.
fn trimmed(s: &str) -> Result<String, String> {
    Ok(s.trim().to_string())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    #[test]
    fn every_default_goes_through_its_own_parser() {
        for key in ALL {
            assert_eq!(
                key.default_shown().is_some(),
                key.has_default(),
                "{}",
                key.name()
            );
        }
    }

    // The flags are clap derive attributes; they must say what the declarations say.
    #[test]
    fn the_flags_agree_with_the_declarations() {
        let cmd = Cli::command();
        let download = cmd.find_subcommand("download").unwrap();
        let list = cmd.find_subcommand("list").unwrap();
        for key in ALL {
            let (owner, flag) = match key.flag().split_once(' ') {
                Some(("download", flag)) => (download, flag),
                Some(("list", flag)) => (list, flag),
                _ => (&cmd, key.flag()),
            };
            let arg = owner
                .get_arguments()
                .find(|a| a.get_id() == key.name())
                .unwrap_or_else(|| panic!("no flag with the id {}", key.name()));
            let typed = match flag.strip_prefix("--") {
                Some(long) => arg.get_long() == Some(long),
                None => arg.get_short().map(|c| format!("-{c}")).as_deref() == Some(flag),
            };
            assert!(typed, "{} is not {flag}", key.name());
            let env = arg.get_env().and_then(|e| e.to_str());
            assert_eq!(env, key.env(), "{}", key.name());
            // Where the help states a default, it is the declared one.
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            let said = help.split("[default: ").nth(1);
            if let (Some(said), Some(declared)) = (said, key.default_shown()) {
                let said = said.split(']').next().unwrap_or_default();
                assert_eq!(said, declared, "{}", key.name());
            }
        }
    }
}
