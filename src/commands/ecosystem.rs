//! `civimg completions`, `civimg man` and `civimg config`: how civimg fits a user's shell.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::settings::{self, Settings};

/// File name of each shell's script under `completions/` (what the shells look for).
pub fn completion_file_name(shell: Shell) -> String {
    match shell {
        Shell::Bash => "civimg.bash".into(),
        Shell::Zsh => "_civimg".into(),
        Shell::Fish => "civimg.fish".into(),
        Shell::PowerShell => "_civimg.ps1".into(),
        Shell::Elvish => "civimg.elv".into(),
        other => format!("civimg.{other}"),
    }
}

/// Writes the completion script for `shell`.
pub fn completions(shell: Shell, out: &mut dyn Write) -> Result<()> {
    clap_complete::generate(shell, &mut Cli::command(), "civimg", out);
    out.flush()?;
    Ok(())
}

/// Writes the manual page, in roff.
pub fn man(out: &mut dyn Write) -> Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    out.flush()?;
    Ok(())
}

/// `civimg config path`: the file in use, or where civimg would look.
pub fn config_path(explicit: Option<&std::path::Path>, out: &mut dyn Write) -> Result<()> {
    let path = explicit
        .map(ToOwned::to_owned)
        .or_else(crate::config::default_path)
        .ok_or_else(|| anyhow::anyhow!("this platform has no config directory; use --config"))?;
    writeln!(out, "{}", path.display())?;
    Ok(())
}

/// `civimg config show`: the settings in force as TOML, each with where it came from.
pub fn config_show(s: &Settings, out: &mut dyn Write) -> Result<()> {
    let file = &s.config.config;
    match &s.config.path {
        Some(p) => writeln!(out, "# config file: {}", p.display())?,
        None => writeln!(
            out,
            "# no config file (civimg config path says where one goes)"
        )?,
    }
    let from = |in_file: bool, differs: bool| match (differs, in_file) {
        (false, _) => "default",
        (true, true) => "config file, flag or environment",
        (true, false) => "flag or environment",
    };
    let base = s.base_url.trim_end_matches('/');
    let rows: Vec<(&str, String, &str)> = vec![
        (
            "base_url",
            format!("{base:?}"),
            from(file.base_url.is_some(), base != settings::DEFAULT_BASE_URL),
        ),
        (
            "api_key",
            if s.api_key.is_some() {
                "\"<redacted>\"".into()
            } else {
                "\"\"".into()
            },
            from(file.api_key.is_some(), s.api_key.is_some()),
        ),
        (
            "out",
            format!("{:?}", s.out_dir(None).display().to_string()),
            from(file.out.is_some(), file.out.is_some()),
        ),
        (
            "concurrency",
            s.concurrency(None).to_string(),
            from(file.concurrency.is_some(), file.concurrency.is_some()),
        ),
        (
            "name",
            format!(
                "{:?}",
                file.name
                    .as_deref()
                    .unwrap_or(crate::download::name::DEFAULT_TEMPLATE)
            ),
            from(file.name.is_some(), file.name.is_some()),
        ),
        (
            "format",
            format!("{:?}", file.format.as_deref().unwrap_or("auto")),
            from(file.format.is_some(), file.format.is_some()),
        ),
        (
            "timeout",
            s.timeout.as_secs().to_string(),
            from(
                file.timeout.is_some(),
                s.timeout.as_secs() != settings::DEFAULT_TIMEOUT_SECS,
            ),
        ),
        (
            "retries",
            s.retries.to_string(),
            from(
                file.retries.is_some(),
                s.retries != settings::DEFAULT_RETRIES,
            ),
        ),
        (
            "image_fallback_host",
            format!("{:?}", s.image_fallback_host),
            from(
                file.image_fallback_host.is_some(),
                s.image_fallback_host != settings::DEFAULT_IMAGE_FALLBACK_HOST,
            ),
        ),
    ];
    for (key, value, source) in rows {
        let source = if key == "api_key" && s.api_key.is_none() {
            "not set"
        } else {
            source
        };
        writeln!(out, "{:<44} # {source}", format!("{key} = {value}"))?;
    }
    Ok(())
}
