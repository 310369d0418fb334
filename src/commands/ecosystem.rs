//! `civimg completions`, `civimg man` and `civimg config`: how civimg fits a user's shell.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::settings::{keys, Origin, Settings};

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
        .or_else(crate::settings::config::default_path)
        .ok_or_else(|| anyhow::anyhow!("this platform has no config directory; use --config"))?;
    writeln!(out, "{}", path.display())?;
    Ok(())
}

/// `civimg config show`: the settings in force as a TOML file that `--config` reads back,
/// each with where it came from: the flag, the environment variable, the config file (by path)
/// or the default. Defaults are commented out, and so is the API key, which is never printed.
pub fn config_show(s: &Settings, out: &mut dyn Write) -> Result<()> {
    match &s.config.path {
        Some(p) => writeln!(
            out,
            "# config file: {} ({})",
            crate::text::escape_line(&p.display().to_string()),
            match &s.config_origin {
                Origin::Default => "the default place".to_string(),
                origin => format!("from {origin}"),
            }
        )?,
        None => writeln!(
            out,
            "# no config file (civimg config path says where one goes)"
        )?,
    }
    writeln!(
        out,
        "# commented out: defaults, and the API key (never printed)"
    )?;
    for shown in &s.shown {
        let Some(key) = keys::find(shown.key) else {
            continue;
        };
        let value = match &shown.value {
            Some(v) => v.clone(),
            None => toml::Value::String(key.unset().into()).to_string(),
        };
        let source = match &shown.origin {
            Origin::Default if shown.value.is_none() && key.unset().is_empty() => {
                "not set".to_string()
            }
            origin => origin.to_string(),
        };
        let commented = shown.origin == Origin::Default || shown.key == keys::API_KEY.name;
        let line = format!(
            "{}{} = {value}",
            if commented { "# " } else { "" },
            shown.key
        );
        writeln!(
            out,
            "{} # {}",
            crate::text::escape_line(&format!("{line:<44}")),
            crate::text::escape_line(&source)
        )?;
    }
    Ok(())
}
