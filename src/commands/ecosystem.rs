//! `civimg completions`, `civimg man` and `civimg config`: how civimg fits a user's shell.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::client::redact_user_info;
use crate::settings::{Origin, Settings};

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

/// Writes the manual page, in roff. On a terminal, roff reads as noise: say how to view it
/// instead.
pub fn man(out: &mut dyn Write, stdout_is_terminal: bool) -> Result<()> {
    if stdout_is_terminal {
        writeln!(
            out,
            "civimg man prints the manual page in roff for man to format; view it with:\n\n    \
             civimg man | man -l -\n\nor install it: civimg man > ~/.local/share/man/man1/civimg.1"
        )?;
        return Ok(());
    }
    super::manpage::render(out)
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

/// `civimg config show`: the settings in force as TOML, each with where it came from: the
/// flag, the environment variable, the config file (by path) or the default.
pub fn config_show(s: &Settings, out: &mut dyn Write) -> Result<()> {
    let file = &s.config.config;
    match &s.config.path {
        Some(p) => writeln!(
            out,
            "# config file: {} ({})",
            crate::text::escape_line(&p.display().to_string()),
            match &s.origins.config {
                Origin::Default => "the default place".to_string(),
                origin => format!("from {origin}"),
            }
        )?,
        None => writeln!(
            out,
            "# no config file (civimg config path says where one goes)"
        )?,
    }
    // `out`, `concurrency`, `name` and `format` have flags only on their subcommands, so here
    // they come from the file or the default.
    let from_file = |set: bool| match (&s.config.path, set) {
        (Some(path), true) => Origin::File(path.clone()),
        _ => Origin::Default,
    };
    let quoted = |v: &str| format!("{v:?}");
    let o = &s.origins;
    let rows: Vec<(&str, String, Origin)> = vec![
        (
            "base_url",
            quoted(&redact_user_info(s.base_url.trim_end_matches('/'))),
            o.base_url.clone(),
        ),
        (
            "api_key",
            quoted(if s.api_key.is_some() {
                "<redacted>"
            } else {
                ""
            }),
            o.api_key.clone(),
        ),
        (
            "out",
            quoted(&s.out_dir(None).display().to_string()),
            from_file(file.out.is_some()),
        ),
        (
            "concurrency",
            s.concurrency(None).to_string(),
            from_file(file.concurrency.is_some()),
        ),
        (
            "name",
            quoted(
                file.name
                    .as_deref()
                    .unwrap_or(crate::download::name::DEFAULT_TEMPLATE),
            ),
            from_file(file.name.is_some()),
        ),
        (
            "format",
            quoted(file.format.as_deref().unwrap_or("auto")),
            from_file(file.format.is_some()),
        ),
        (
            "timeout",
            s.timeout.as_secs().to_string(),
            o.timeout.clone(),
        ),
        ("retries", s.retries.to_string(), o.retries.clone()),
        (
            "image_fallback_host",
            quoted(&redact_user_info(&s.image_fallback_host)),
            o.image_fallback_host.clone(),
        ),
        (
            "image_host",
            quoted(&redact_user_info(&s.image_host)),
            o.image_host.clone(),
        ),
        (
            "api_interval",
            s.api_interval.as_secs_f64().to_string(),
            o.api_interval.clone(),
        ),
    ];
    for (key, value, origin) in rows {
        let source = match origin {
            Origin::Default if key == "api_key" => "not set".to_string(),
            origin => origin.to_string(),
        };
        let line = format!("{key} = {value}");
        writeln!(
            out,
            "{} # {}",
            crate::text::escape_line(&format!("{line:<44}")),
            crate::text::escape_line(&source)
        )?;
    }
    Ok(())
}
