//! Completions, man page, config file, help, version and colour, through the real binary.

use std::path::{Path, PathBuf};

use clap_complete::Shell;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use tempfile::TempDir;

use crate::fake::FakeCivitai;
use crate::support::{bare, civimg, files_below, json_lines, text, RunExt};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

// The committed scripts are what users install; they must match what the binary prints.
#[test]
fn committed_completions_and_man_page_are_current() {
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let file =
            repo("completions").join(civimg::commands::ecosystem::completion_file_name(shell));
        let out = bare()
            .args(["completions", &shell.to_string()])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert!(out.len() > 1000, "{shell}: a real script");
        let committed = std::fs::read(&file).unwrap_or_default();
        assert!(
            committed == out,
            "{} is stale: run `cargo run -- completions {shell} > {}`",
            file.display(),
            file.display()
        );
    }
    let man = bare()
        .arg("man")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(text(&man).contains(".TH civimg"));
    assert!(
        std::fs::read(repo("doc/civimg.1")).unwrap_or_default() == man,
        "doc/civimg.1 is stale: run `cargo run -- man > doc/civimg.1`"
    );
}

#[test]
fn bash_completion_knows_the_subcommands_and_flags() {
    let out = bare()
        .args(["completions", "bash"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let script = text(&out);
    for word in [
        "list",
        "download",
        "meta",
        "--username",
        "--stop-after-known",
        "newest",
    ] {
        assert!(script.contains(word), "{word}");
    }
}

#[test]
fn every_command_has_examples_in_its_help_and_there_is_a_version() {
    for cmd in [
        vec!["--help"],
        vec!["list", "--help"],
        vec!["download", "--help"],
        vec!["meta", "--help"],
        vec!["completions", "--help"],
        vec!["man", "--help"],
        vec!["config", "path", "--help"],
        vec!["config", "show", "--help"],
    ] {
        bare()
            .args(&cmd)
            .assert()
            .success()
            .stdout(contains("Examples:"));
    }
    bare()
        .arg("--version")
        .assert()
        .success()
        .stdout(contains(format!("civimg {}", env!("CARGO_PKG_VERSION"))));
    bare()
        .arg("--help")
        .assert()
        .stdout(contains("civimg list --model-id 123 --sort newest"))
        .stdout(contains("civimg download --username alice -o gallery/"));
}

/// A config file in a temp dir with these lines, mode 600.
fn config_file(dir: &TempDir, body: &str) -> PathBuf {
    let path = dir.path().join("config.toml");
    std::fs::write(&path, body).unwrap();
    set_mode(&path, 0o600);
    path
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn precedence_is_flag_then_env_then_config_then_default() {
    let fake = FakeCivitai::start();
    let other = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let cfg = config_file(
        &dir,
        &format!(
            "base_url = \"{}\"\napi_key = \"from-config\"\nformat = \"csv\"\n",
            fake.base_url()
        ),
    );
    // Config alone: its base URL, key and format are used.
    let out = bare()
        .env("CIVIMG_CONFIG", &cfg)
        .args(["list", "--max", "2"])
        .run_ok();
    assert!(
        text(&out.stdout).starts_with("id,url,"),
        "csv from the config"
    );
    let r = fake.api_requests().pop().unwrap();
    assert_eq!(r.header("authorization"), Some("Bearer from-config"));
    // The environment beats the config.
    bare()
        .env("CIVIMG_CONFIG", &cfg)
        .env("CIVITAI_BASE_URL", other.base_url())
        .env("CIVITAI_API_KEY", "from-env")
        .args(["list", "--max", "2"])
        .assert()
        .success();
    let r = other.api_requests().pop().unwrap();
    assert_eq!(r.header("authorization"), Some("Bearer from-env"));
    // A flag beats both.
    fake.clear_requests();
    let out = bare()
        .env("CIVIMG_CONFIG", &cfg)
        .env("CIVITAI_BASE_URL", other.base_url())
        .args(["--config"])
        .arg(&cfg)
        .args([
            "--base-url",
            &fake.base_url(),
            "--api-key",
            "from-flag",
            "list",
            "--max",
            "2",
        ])
        .args(["--format", "jsonl"])
        .run_ok();
    assert_eq!(json_lines(&out.stdout).len(), 2);
    let r = fake.api_requests().pop().unwrap();
    assert_eq!(r.header("authorization"), Some("Bearer from-flag"));
}

#[test]
fn download_defaults_come_from_the_config() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let out_dir = dir.path().join("from-config");
    let cfg = config_file(
        &dir,
        &format!(
            "out = {:?}\nconcurrency = 2\nname = \"{{username}}/{{id}}.{{ext}}\"\n",
            out_dir.display().to_string()
        ),
    );
    civimg(&fake)
        .env("CIVIMG_CONFIG", &cfg)
        .args(["download", "--username", "bob"])
        .assert()
        .success();
    let files = files_below(&out_dir);
    assert_eq!(files.len(), 5);
    assert!(files.iter().all(|f| f.starts_with("bob")), "{files:?}");
}

#[test]
fn config_show_redacts_the_key_and_path_follows_the_override() {
    let dir = TempDir::new().unwrap();
    let cfg = config_file(&dir, "api_key = \"very-secret\"\nconcurrency = 6\n");
    let out = bare()
        .env("CIVIMG_CONFIG", &cfg)
        .args(["config", "show"])
        .run_ok();
    let shown = text(&out.stdout);
    assert!(!shown.contains("very-secret"), "{shown}");
    assert!(
        shown.contains("<redacted>") && shown.contains("concurrency = 6"),
        "{shown}"
    );
    bare()
        .env("CIVIMG_CONFIG", &cfg)
        .args(["config", "path"])
        .assert()
        .success()
        .stdout(format!("{}\n", cfg.display()));
    bare()
        .env("XDG_CONFIG_HOME", dir.path())
        .args(["config", "path"])
        .assert()
        .success()
        .stdout(format!(
            "{}\n",
            dir.path().join("civimg/config.toml").display()
        ));
}

#[test]
fn a_key_in_a_world_readable_config_gets_a_warning() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let cfg = config_file(&dir, "api_key = \"k\"\n");
    let run = || {
        civimg(&fake)
            .env("CIVIMG_CONFIG", &cfg)
            .args(["list", "--max", "1"])
            .run_ok()
    };
    assert!(!text(&run().stderr).contains("chmod 600"));
    set_mode(&cfg, 0o644);
    assert!(text(&run().stderr).contains("chmod 600"));
}

#[test]
fn a_malformed_config_names_the_file_and_line() {
    let dir = TempDir::new().unwrap();
    let cfg = config_file(&dir, "out = \"g\"\nconcurrency = \"lots\"\n");
    let out = bare()
        .env("CIVIMG_CONFIG", &cfg)
        .args(["list", "--max", "1"])
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{}:2:", cfg.display())), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // Completions still work with a broken config.
    bare()
        .env("CIVIMG_CONFIG", &cfg)
        .args(["completions", "fish"])
        .assert()
        .success();
    bare()
        .args(["--config", "/nonexistent/civimg.toml", "list"])
        .assert()
        .code(1)
        .stderr(contains("/nonexistent/civimg.toml"));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let refused = || {
        let mut cmd = bare();
        cmd.env_remove("NO_COLOR")
            .args(["--base-url", "http://127.0.0.1:1", "--retries", "0"]);
        cmd
    };
    refused()
        .args(["--color", "always", "list"])
        .assert()
        .code(1)
        .stderr(contains("\u{1b}["));
    refused()
        .args(["list", "--color=never"])
        .assert()
        .code(1)
        .stderr(contains("\u{1b}[").not());
    // auto on a pipe: no colour.
    refused()
        .arg("list")
        .assert()
        .code(1)
        .stderr(contains("\u{1b}[").not());
    // clap's own errors follow --color too.
    bare()
        .args(["--color", "always", "list", "--sort", "nope"])
        .assert()
        .code(2)
        .stderr(contains("\u{1b}["));
    bare()
        .args(["--color", "never", "list", "--sort", "nope"])
        .assert()
        .code(2)
        .stderr(contains("\u{1b}[").not());
}

/// The `key = value` part of each setting line of `config show`, commented out or not.
fn shown_values(shown: &str) -> Vec<(bool, String)> {
    shown
        .lines()
        .filter(|l| l.contains(" = "))
        .map(|l| {
            let value = l.rsplit_once(" # ").map_or(l, |(v, _)| v).trim_end();
            let commented = value.starts_with("# ");
            (commented, value.trim_start_matches("# ").to_string())
        })
        .collect()
}

// Issue 17: `config show` prints a file that `--config` loads back as it is, defaults
// commented out (and the key, which is never printed).
#[test]
fn config_show_prints_a_file_that_config_reads_back() {
    let dir = TempDir::new().unwrap();
    let cfg = config_file(
        &dir,
        "base_url = \"https://civitai.red/\"\ntimeout = 7\nconcurrency = 6\nformat = \"CSV\"\n\
         name = \"{username}/{id}.{ext}\"\napi_interval = 0.25\napi_key = \"secret-1\"\n",
    );
    let first = bare()
        .env("CIVIMG_CONFIG", &cfg)
        .env("CIVIMG_IMAGE_HOST", "https://files.example")
        .args(["--retries", "3", "config", "show"])
        .run_ok();
    let first = text(&first.stdout);
    assert!(!first.contains("secret-1"), "{first}");
    let saved = dir.path().join("shown.toml");
    std::fs::write(&saved, &first).unwrap();
    let again = bare()
        .args(["--config"])
        .arg(&saved)
        .args(["config", "show"])
        .run_ok();
    let again = text(&again.stdout);
    let (mut before, mut after) = (shown_values(&first), shown_values(&again));
    assert_eq!(before.len(), 11, "{first}");
    // The key is never printed, so it does not come back; it stays a comment either way.
    assert_eq!(before.remove(0), (true, "api_key = \"<redacted>\"".into()));
    assert_eq!(after.remove(0), (true, "api_key = \"\"".into()));
    // Every value comes back the same, and what was set is set again (from the new file).
    assert_eq!(before, after, "{first}\n---\n{again}");
    let set: Vec<&str> = before
        .iter()
        .filter(|(commented, _)| !commented)
        .map(|(_, line)| line.split(" = ").next().unwrap())
        .collect();
    assert_eq!(
        set,
        [
            "base_url",
            "concurrency",
            "name",
            "format",
            "timeout",
            "retries",
            "image_fallback_host",
            "image_host",
            "api_interval"
        ],
        "{first}"
    );
    assert!(first.contains("format = \"csv\""), "{first}");
    assert!(again.contains("\ntimeout = 7 "), "{again}");
}

// Issues 17 and 21: the config file's values go through the flags' own rules, and a bad one
// says what is expected in words, naming the file and line, before any request.
#[test]
fn config_values_are_held_to_the_flags_rules() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    for (line, flag, expected) in [
        (
            "timeout = 0",
            Some(["--timeout", "0"]),
            "a whole number of seconds from 1 to 3600",
        ),
        (
            "timeout = 9223372036854775807",
            None,
            "a whole number of seconds from 1 to 3600",
        ),
        (
            "retries = 999",
            Some(["--retries", "999"]),
            "a whole number from 0 to 20",
        ),
        (
            "concurrency = \"eight\"",
            None,
            "a whole number of transfers from 1 to 32",
        ),
        (
            "concurrency = 0",
            None,
            "a whole number of transfers from 1 to 32",
        ),
        (
            "api_interval = \"soon\"",
            None,
            "a number of seconds from 0 to 600",
        ),
        ("format = \"yaml\"", None, "table, jsonl, json or csv"),
    ] {
        let cfg = config_file(&dir, &format!("out = \"g\"\n{line}\n"));
        let out = civimg(&fake)
            .env("CIVIMG_CONFIG", &cfg)
            .args(["download", "--username", "bob", "-o"])
            .arg(dir.path().join("out"))
            .run_fails(1);
        let err = text(&out.stderr);
        let key = line.split(' ').next().unwrap();
        assert!(
            err.contains(&format!("{}:2: {key}: expected {expected}", cfg.display())),
            "{line}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(fake.api_requests().is_empty(), "{line}");
        if let Some(flag) = flag {
            let out = civimg(&fake)
                .args(flag)
                .args(["list", "--username", "bob"])
                .run_fails(2);
            assert!(
                text(&out.stderr).contains(expected),
                "{}",
                text(&out.stderr)
            );
        }
    }
    // The flags' rules, not TOML's types: a number written as text is read as the flag reads it.
    let cfg = config_file(&dir, "concurrency = \"2\"\ntimeout = \"9\"\n");
    let out = bare()
        .env("CIVIMG_CONFIG", &cfg)
        .args(["config", "show"])
        .run_ok();
    let shown = text(&out.stdout);
    assert!(
        shown.contains("\nconcurrency = 2 ") && shown.contains("\ntimeout = 9 "),
        "{shown}"
    );
}
