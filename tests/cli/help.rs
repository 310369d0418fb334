//! Help that is read (issue 17): `-h` fits one screen in a real terminal, `--help` stays
//! complete, and usage lines show what the user typed, not what the environment holds.

use crate::support::{bare, text, RunExt};
use crate::terminal::in_terminal;

/// Every command with options of its own, as typed after `civimg`.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["list"],
    &["download"],
    &["meta"],
    &["resources"],
    &["completions"],
    &["man"],
    &["config"],
    &["config", "path"],
    &["config", "show"],
];

/// `civimg <command> <flag>` in a pseudo-terminal `cols` wide: its lines.
fn help_in_terminal(command: &[&str], flag: &str, cols: u16) -> Vec<String> {
    let mut args = command.to_vec();
    args.push(flag);
    let screen = in_terminal(cols, &[], &args);
    assert_eq!(screen.code, 0, "{args:?}: {}", screen.text);
    screen.text.lines().map(str::to_string).collect()
}

// Issue 17: "`-h` per subcommand fits one screen (at most 70 lines)", read at 80 columns.
#[test]
fn short_help_fits_one_screen_at_80_columns() {
    for command in COMMANDS {
        let lines = help_in_terminal(command, "-h", 80);
        assert!(
            lines.len() <= 70,
            "{command:?}: {} lines:\n{}",
            lines.len(),
            lines.join("\n")
        );
        for width in [60u16, 80, 120] {
            let lines = match width {
                80 => lines.clone(),
                _ => help_in_terminal(command, "-h", width),
            };
            for line in &lines {
                let w = unicode_width::UnicodeWidthStr::width(line.as_str());
                assert!(w <= usize::from(width), "{command:?} at {width}: {line}");
            }
        }
    }
}

// The query commands: targets, filters and paging in groups of their own, the examples first,
// and the rare global options in `--help` only, which still has every option.
#[test]
fn short_help_groups_the_query_and_keeps_rare_options_for_long_help() {
    for command in ["list", "download", "resources"] {
        let out = bare().args([command, "-h"]).env("COLUMNS", "80").run_ok();
        let short = text(&out.stdout);
        let at = |heading: &str| {
            short
                .find(&format!("\n{heading}:\n"))
                .unwrap_or_else(|| panic!("{command}: no {heading}:\n{short}"))
        };
        assert!(at("Examples") < at("Targets"), "{short}");
        assert!(at("Targets") < at("Filters") && at("Filters") < at("Paging"));
        let long = text(&bare().args([command, "--help"]).run_ok().stdout);
        for rare in [
            "--timeout",
            "--retries",
            "--image-host",
            "--config",
            "--color",
        ] {
            assert!(!short.contains(rare), "{command} -h shows {rare}:\n{short}");
            assert!(long.contains(rare), "{command} --help lacks {rare}");
        }
        for common in ["--username", "--max", "--sort", "--quiet", "--help"] {
            assert!(short.contains(common), "{command} -h lacks {common}");
        }
    }
}

// The man page has every option's help, those `-h` leaves out included.
#[test]
fn the_man_page_describes_the_options_short_help_leaves_out() {
    let page = text(&bare().arg("man").run_ok().stdout);
    for help in [
        "Site to talk to",
        "Seconds to wait for a connection",
        "How many times a failed request",
        "When to use colour",
        "the API ignores page numbers",
    ] {
        assert!(page.contains(help), "the man page lacks {help:?}");
    }
}

/// Every variable that stands for an option, set as a user's shell might have them.
const OPTION_ENV: &[(&str, &str)] = &[
    ("CIVITAI_API_KEY", "sekrit-key"),
    ("CIVITAI_BASE_URL", "http://127.0.0.1:9"),
    ("CIVIMG_IMAGE_HOST", "http://localhost:9"),
    ("CIVIMG_IMAGE_FALLBACK_HOST", "none"),
    ("CIVIMG_CONFIG", "/nonexistent/civimg-tests/config.toml"),
];

/// The options those variables stand for.
const ENV_OPTIONS: &[&str] = &[
    "--api-key",
    "--base-url",
    "--image-host",
    "--image-fallback-host",
    "--config",
];

/// The `Usage:` lines of `text`.
fn usage_lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.starts_with("Usage:")).collect()
}

// Issue 17: "Usage lines do not list flags whose values come from the environment as if they
// were required", in help and in the usage errors that repeat what was typed.
#[test]
fn usage_lines_leave_out_options_from_the_environment() {
    for command in COMMANDS {
        let out = bare()
            .args(*command)
            .arg("-h")
            .envs(OPTION_ENV.iter().copied())
            .run_ok();
        let help = text(&out.stdout);
        let usage = usage_lines(&help);
        assert!(!usage.is_empty(), "{command:?}: {help}");
        for line in usage {
            for option in ENV_OPTIONS {
                assert!(!line.contains(option), "{command:?}: {line}");
            }
        }
    }
    let mistakes: &[&[&str]] = &[
        // A conflict: clap's usage names the options given.
        &["list", "--collection-id", "5", "--username", "bob"],
        &["download", "-q", "-v", "--username", "bob"],
        // A missing argument: the same.
        &["meta"],
        &["resources", "--missing"],
        &["completions"],
        // Refused by civimg's own checks.
        &["download", "--sort", "newest"],
        &["list", "--page", "2"],
    ];
    for args in mistakes {
        let out = bare()
            .args(*args)
            .envs(OPTION_ENV.iter().copied())
            .run_fails(2);
        let err = text(&out.stderr);
        let usage = usage_lines(&err);
        assert_eq!(usage.len(), 1, "{args:?}: {err}");
        for option in ENV_OPTIONS {
            assert!(!usage[0].contains(option), "{args:?}: {}", usage[0]);
        }
        assert!(!err.contains("sekrit"), "{err}");
        // What was typed is still named.
        assert!(usage[0].contains(&format!("civimg {}", args[0])), "{err}");
    }
}
