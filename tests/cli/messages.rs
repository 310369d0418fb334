//! What civimg prints about hostile input (issue 8): control characters escaped in every human
//! line, a resume hint that is safe to paste, no secret in any message, bounded bodies and
//! walks, and a closed stdout that is no error.

use std::process::Stdio;

use serde_json::json;
use tempfile::TempDir;

use civimg::text::shell_quote;

use crate::fake::{FakeCivitai, Fault};
use crate::support::{bare, civimg, text, RunExt, MACHINE_ENV, TEST_ENV};

/// Asserts no raw control character (but newlines) reached the terminal.
fn assert_no_controls(stderr: &str) {
    assert!(
        !stderr
            .chars()
            .any(|c| c != '\n' && (c.is_control() || ('\u{80}'..='\u{9f}').contains(&c))),
        "{stderr:?}"
    );
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    // An item whose url is hostile: its failure reason quotes it.
    let bad = json!({"id": 5, "url": "\u{1b}[2J\u{9b}31m\u{7}http"});
    let out = civimg(&fake)
        .args(["download", "--input", "-", "-o"])
        .arg(dir.path())
        .write_stdin(format!("{bad}\n"))
        .run_fails(1);
    let err = text(&out.stderr);
    assert_no_controls(&err);
    assert!(
        err.contains("failed 5:") && err.contains("\\x1b[2J\\u{9b}31m\\x07http"),
        "{err}"
    );
    // An error naming a path with controls in it.
    let out = civimg(&fake)
        .args([
            "download",
            "--input",
            "/nonexistent/\u{1b}]0;pwned\u{7}.jsonl",
            "-o",
        ])
        .arg(dir.path())
        .run_fails(1);
    let err = text(&out.stderr);
    assert_no_controls(&err);
    assert!(err.contains("\\x1b]0;pwned\\x07.jsonl"), "{err}");
}

// The hint after a failed walk quotes the server's cursor for POSIX shells: pasted, it passes
// the cursor verbatim and runs nothing else.
#[cfg(unix)]
#[test]
fn the_resume_hint_is_safe_to_paste() {
    let fake = FakeCivitai::start();
    // The walk from `cursor` fails at once; its stderr.
    let fail_from = |cursor: &str| {
        fake.inject(Fault::Api503 { retry_after: None });
        let out = civimg(&fake)
            .args(["--retries", "0", "list", "--username", "bob", "--cursor"])
            .arg(cursor)
            .run_fails(1);
        text(&out.stderr)
    };
    let cursor = "7|1'; touch PWNED; echo '";
    let err = fail_from(cursor);
    let hint = err
        .lines()
        .find_map(|l| l.split_once("--cursor ").map(|(_, q)| q.to_string()))
        .unwrap_or_else(|| panic!("no hint in {err}"));
    assert_eq!(hint, "'7|1'\\''; touch PWNED; echo '\\'''");
    let scratch = TempDir::new().unwrap();
    let pasted = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf %s {hint}"))
        .current_dir(scratch.path())
        .output()
        .unwrap();
    assert_eq!(text(&pasted.stdout), cursor);
    assert!(!scratch.path().join("PWNED").exists());
    // A control character in the cursor is shown escaped, never raw.
    let err = fail_from("7|1\u{1b}[2J");
    assert_no_controls(&err);
    assert!(err.contains("--cursor '7|1\\x1b[2J'"), "{err}");
}

#[test]
fn a_page_body_over_64_mib_is_refused_unread() {
    let fake = FakeCivitai::start();
    fake.inject(Fault::ApiHugePage);
    let out = civimg(&fake)
        .args(["list", "--username", "bob", "--format", "jsonl"])
        .run_fails(1);
    let err = text(&out.stderr);
    let host = fake.base_url().trim_start_matches("http://").to_string();
    assert!(
        err.contains(&format!(
            "page 1 from {host} is larger than 64 MiB; refused"
        )),
        "{err}"
    );
    assert_eq!(fake.api_requests().len(), 1, "not retried");
}

#[test]
fn a_config_file_over_1_mib_is_refused() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("config.toml");
    let mut body = "# padding\n".repeat(110_000);
    body.push_str("timeout = 5\n");
    std::fs::write(&path, body).unwrap();
    let out = bare()
        .args(["--config"])
        .arg(&path)
        .args(["config", "show"])
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.contains("config.toml") && err.contains("larger than 1 MiB"),
        "{err}"
    );
}

// doc/api.md allows empty pages with a cursor, but not forever: 50 in a row end the walk, with
// the cursor to continue from. carol_x has no PG image, so at limit 1 every page is empty.
#[test]
fn fifty_empty_pages_in_a_row_stop_the_walk() {
    let fake = FakeCivitai::start();
    let out = civimg(&fake)
        .args([
            "list",
            "--username",
            "carol_x",
            "--limit",
            "1",
            "--format",
            "jsonl",
        ])
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(err.contains("50 pages in a row"), "{err}");
    assert!(err.contains("--cursor '"), "{err}");
    assert!(out.stdout.is_empty());
    let reqs = fake.api_requests();
    assert_eq!(reqs.len(), 50);
    // The hint's cursor is the one the 51st request would have sent.
    let last = reqs.last().unwrap();
    assert!(last.raw_query.contains("cursor="), "{last:?}");
}

#[test]
fn secrets_never_appear_in_messages() {
    let fake = FakeCivitai::start();
    // A malformed key: named, never shown, from the flag or the environment.
    for (flag, env) in [(Some("sek ret\u{1b}"), None), (None, Some("sek ret"))] {
        let mut cmd = civimg(&fake);
        if let Some(key) = flag {
            cmd.args(["--api-key", key]);
        }
        if let Some(key) = env {
            cmd.env("CIVITAI_API_KEY", key);
        }
        let out = cmd.args(["list", "--username", "bob"]).run_fails(2);
        let err = text(&out.stderr);
        assert!(err.contains("--api-key: invalid characters"), "{err}");
        assert!(!err.contains("sek"), "{err}");
    }
    // -v shows request URLs without their user-info.
    let base = fake.base_url().replace("http://", "http://me:hunter2@");
    let out = bare()
        .args([
            "--base-url",
            &base,
            "-v",
            "list",
            "--username",
            "bob",
            "--format",
            "jsonl",
        ])
        .run_ok();
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("GET {}/api/v1/images?", fake.base_url())),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    assert!(fake.api_requests()[0].header("authorization").is_some());
}

#[cfg(unix)]
#[test]
fn dry_run_into_head_exits_0() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("civimg");
    let script = format!(
        "set -o pipefail; {} --base-url {} download --username alice_ai --max 600 --limit 100 \
         --dry-run -o {} | head -1",
        shell_quote(&bin.to_string_lossy()),
        shell_quote(&fake.base_url()),
        shell_quote(&dir.path().to_string_lossy())
    );
    let mut cmd = std::process::Command::new("bash");
    for var in MACHINE_ENV {
        cmd.env_remove(var);
    }
    let out = cmd
        .args(["-c", &script])
        .envs(TEST_ENV.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), 1);
    assert!(
        !text(&out.stderr).contains("error"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_redirect_loop_on_the_api_is_not_retried() {
    let fake = FakeCivitai::start();
    fake.inject(Fault::ApiRedirectLoop);
    let out = civimg(&fake)
        .args(["list", "--username", "bob", "--format", "jsonl"])
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(err.contains("a redirect loop"), "{err}");
    assert!(!err.contains("retrying"), "{err}");
    assert_eq!(
        fake.requests().len(),
        2,
        "the request and one hop; the next hop is seen to loop"
    );
}
