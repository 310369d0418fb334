//! The manual page: one roff page with a section per subcommand (its synopsis, options and
//! examples), then the exit codes, the environment and the config file. clap_mangen renders
//! each piece from the clap definitions, so the page cannot drift from `--help`.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;

use crate::cli::Cli;
use crate::settings::keys;

/// Writes the whole page.
pub fn render(out: &mut dyn Write) -> Result<()> {
    let cmd = with_long_help(Cli::command());
    let man = Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    subcommand_list(&cmd).to_writer(out)?;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("civimg {}", sub.get_name());
        subcommand(out, &name, sub)?;
        for nested in sub.get_subcommands() {
            subcommand(out, &format!("{name} {}", nested.get_name()), nested)?;
        }
    }
    closing_sections().to_writer(out)?;
    let mut examples = Vec::new();
    man.render_extra_section(&mut examples)?;
    write_demoted(out, &examples, "EXAMPLES", false)?;
    man.render_version_section(out)?;
    out.flush()?;
    Ok(())
}

/// `cmd` with every option's help as its long help too. clap_mangen shows only the long help
/// of an option hidden from `-h`, and a one-paragraph doc comment gives none: the page would
/// leave --timeout, --base-url and the like without a word.
fn with_long_help(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|arg| match (arg.get_long_help(), arg.get_help().cloned()) {
        (None, Some(help)) => arg.long_help(help),
        _ => arg,
    })
    .mut_subcommands(with_long_help)
}

/// SUBCOMMANDS: each with what it does, pointing at its section below (one page, not one
/// page per subcommand).
fn subcommand_list(cmd: &clap::Command) -> Roff {
    let mut roff = Roff::default();
    roff.control("SH", ["SUBCOMMANDS"]);
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        roff.control("TP", [])
            .text([bold(format!("civimg {}", sub.get_name()))])
            .text([roman(format!(
                "{about} (section CIVIMG {} below)",
                sub.get_name().to_uppercase()
            ))]);
    }
    roff
}

/// A `.SH` section for one subcommand: what it does, its synopsis, options and examples.
fn subcommand(out: &mut dyn Write, name: &str, sub: &clap::Command) -> Result<()> {
    let mut roff = Roff::default();
    roff.control("SH", [name.to_uppercase().as_str()]);
    if let Some(about) = sub.get_long_about().or(sub.get_about()) {
        roff.text([roman(about.to_string())]);
    }
    roff.to_writer(out)?;
    let man = Man::new(sub.clone().bin_name(name));
    let mut buf = Vec::new();
    man.render_synopsis_section(&mut buf)?;
    if sub.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf)?;
    }
    if sub.get_after_help().is_some() {
        man.render_extra_section(&mut buf)?;
    }
    write_demoted(out, &buf, "", true)
}

/// Copies roff text, turning its `.SH` headings into `.SS` subsections (`EXTRA` becomes
/// `rename_extra` when given). With `demote` false, only the rename happens.
fn write_demoted(out: &mut dyn Write, roff: &[u8], rename_extra: &str, demote: bool) -> Result<()> {
    let text = String::from_utf8_lossy(roff);
    for line in text.lines() {
        // after_help opens with its own `Examples:` line; the heading says it already.
        if line == "Examples:" {
            continue;
        }
        let line = match line.strip_prefix(".SH ") {
            Some("EXTRA") if !rename_extra.is_empty() => format!(".SH {rename_extra}"),
            Some("EXTRA") => ".SS Examples".to_string(),
            Some(heading) if demote => format!(".SS {}", title_case(heading)),
            _ => line.to_string(),
        };
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// `QUERY` → `Query`, `GLOBAL OPTIONS` → `Global options`.
fn title_case(heading: &str) -> String {
    let lower = heading.trim_matches('"').to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// EXIT STATUS, ENVIRONMENT and FILES.
fn closing_sections() -> Roff {
    let mut roff = Roff::default();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        ("0", "Success, including a pipe closed early by the reader (civimg list | head)."),
        ("1", "A runtime failure: a target does not exist, the API refused, the network failed, a file failed to download, an --input line is not an item, id or URL, meta found no generation data."),
        ("2", "A usage error: an unknown flag, an invalid value, or flags that cannot go together; nothing was requested."),
        ("130", "Interrupted by Ctrl-C; partial downloads are kept and resume on the next run."),
    ] {
        roff.control("TP", []).text([bold(code)]).text([roman(meaning)]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    let settings = keys::ALL.iter().filter_map(|k| {
        let var = k.env()?;
        Some((var, format!("{}, as {}.", k.about(), k.flag())))
    });
    let others = [
        ("CIVIMG_CONFIG", "Config file, as --config."),
        (
            "CIVIMG_CACHE_DIR",
            "Folder of the resources cache, instead of $XDG_CACHE_HOME/civimg (~/.cache/civimg).",
        ),
        (
            "NO_COLOR",
            "When set and not empty, --color auto means never.",
        ),
        (
            "COLUMNS",
            "Width tables are laid out for, instead of the terminal's.",
        ),
    ];
    let others = others
        .into_iter()
        .map(|(var, text)| (var, text.to_string()));
    for (var, meaning) in settings.chain(others) {
        roff.control("TP", [])
            .text([bold(var)])
            .text([roman(meaning)]);
    }
    roff.control("SH", ["FILES"]);
    roff.control("TP", [])
        .text([bold("$XDG_CONFIG_HOME/civimg/config.toml")]);
    let names: Vec<&str> = keys::ALL.iter().map(|k| k.name()).collect();
    let (last, rest) = names.split_last().expect("there are settings");
    roff.text([roman(format!(
        "The config file (~/.config/civimg/config.toml; civimg config path prints it). TOML with \
         the keys {} and {last}, each optional; each value is checked as its flag's. A flag wins \
         over its environment variable, which wins over the file, which wins over the default; \
         civimg config show prints what is in force and where each value comes from, as a file \
         --config reads back. Keep a file holding api_key private (chmod 600).",
        rest.join(", ")
    ))]);
    roff.control("TP", [])
        .text([bold("DIR/.civimg/archive.jsonl")]);
    roff.text([roman(
        "What download has completed in DIR (id, name, size, SHA-256): a re-run fetches only \
         what is new.",
    )]);
    roff.control("TP", [])
        .text([bold("$XDG_CACHE_HOME/civimg/")]);
    roff.text([roman(
        "What resources remembers (~/.cache/civimg; CIVIMG_CACHE_DIR moves it): the API's \
         answers about model versions, one versions-HOST.json per API host, kept until the \
         file is deleted (a hash the API did not know is asked again after a week), and \
         model-hashes.json, the SHA-256 of every --have file by path, size and modified time.",
    )]);
    roff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subcommand_and_option_is_on_the_page() {
        let mut out = Vec::new();
        render(&mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        for heading in [
            ".SH \"CIVIMG LIST\"",
            ".SH \"CIVIMG DOWNLOAD\"",
            ".SH \"CIVIMG META\"",
            ".SH \"CIVIMG RESOURCES\"",
            ".SH \"CIVIMG CONFIG SHOW\"",
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".SH FILES",
        ] {
            assert!(page.contains(heading), "{heading}");
        }
        let cmd = Cli::command();
        for sub in cmd.get_subcommands() {
            for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
                if let Some(long) = arg.get_long() {
                    let roff = long.replace('-', "\\-");
                    assert!(page.contains(&format!("\\-\\-{roff}")), "--{long}");
                }
            }
        }
    }
}
