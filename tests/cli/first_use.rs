//! A new user's first ten minutes: usage errors that point at the fix, before any request.

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

use crate::fake::FakeCivitai;
use crate::support::{bare, civimg, json_lines, text, RunExt};

/// Runs civimg with these arguments, expects a usage error, checks that the fake saw nothing,
/// and returns stderr.
fn usage_error(fake: &FakeCivitai, args: &[&str]) -> String {
    let out = civimg(fake).args(args).run_fails(2);
    assert!(
        fake.requests().is_empty(),
        "{args:?} sent requests: {:?}",
        fake.requests()
    );
    text(&out.stderr)
}

// Safe by default: a download with no filter would mirror the whole public feed.
#[test]
fn a_download_without_any_filter_is_refused_before_any_request() {
    let fake = FakeCivitai::start();
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("feed");
    let err = usage_error(&fake, &["download", "-o", out.to_str().unwrap()]);
    for flag in ["--username", "--model-id", "--tag", "--input", "--max N"] {
        assert!(err.contains(flag), "{flag} in {err}");
    }
    assert!(!out.exists(), "nothing is created");
    // Sort and level alone still walk the whole feed.
    usage_error(&fake, &["download", "--sort", "newest", "--nsfw", "x"]);
    // A deliberate sample of the feed is fine.
    civimg(&fake)
        .args(["download", "--max", "2", "-q", "-o", out.to_str().unwrap()])
        .run_ok();
    assert_eq!(fake.image_requests().len(), 2);
}

#[test]
fn flags_that_choose_items_are_refused_with_input_but_max_still_limits() {
    let fake = FakeCivitai::start();
    let dir = tempfile::TempDir::new().unwrap();
    for flag in [
        &["--username", "bob"][..],
        &["--sort", "newest"],
        &["--period", "week"],
        &["--browsing-level", "3"],
        &["--cursor", "5|1"],
        &["--page", "2"],
        &["--tag", "4"],
    ] {
        let mut args = vec!["download", "--input", "-"];
        args.extend_from_slice(flag);
        let err = usage_error(&fake, &args);
        assert!(
            err.contains(&format!("{} cannot be used with --input", flag[0])),
            "{err}"
        );
    }
    let listing = civimg(&fake)
        .args(["list", "--username", "bob", "-f", "jsonl"])
        .run_ok()
        .stdout;
    assert_eq!(json_lines(&listing).len(), 5);
    fake.clear_requests();
    civimg(&fake)
        .args(["download", "--input", "-", "--max", "2", "-q", "-o"])
        .arg(dir.path())
        .write_stdin(listing)
        .run_ok();
    assert_eq!(fake.image_requests().len(), 2, "--max limits --input");
    assert!(fake.api_requests().is_empty());
}

#[test]
fn usage_errors_for_the_walk_come_before_any_request() {
    let fake = FakeCivitai::start();
    let err = usage_error(
        &fake,
        &["download", "--username", "bob", "--stop-after-known", "5"],
    );
    assert!(err.contains("--sort newest"), "{err}");
    // API.md: page × limit > 1000 answers 429.
    let err = usage_error(&fake, &["list", "--page", "11"]);
    assert!(err.contains("cursors"), "{err}");
    usage_error(&fake, &["list", "--page", "3", "--limit", "400"]);
    usage_error(
        &fake,
        &[
            "download",
            "--username",
            "bob",
            "--page",
            "6",
            "--limit",
            "200",
        ],
    );
    civimg(&fake)
        .args(["list", "--page", "5", "--limit", "200", "-f", "jsonl"])
        .run_ok();
    assert_eq!(fake.api_requests()[0].param("page"), Some("5"));
}

#[test]
fn a_zero_count_is_refused_in_plain_words() {
    let fake = FakeCivitai::start();
    for args in [
        &["list", "--max", "0"][..],
        &[
            "download",
            "--username",
            "bob",
            "--sort",
            "newest",
            "--stop-after-known",
            "0",
        ],
        &["list", "--page", "0"],
    ] {
        let err = usage_error(&fake, args);
        assert!(!err.contains("18446744073709551615"), "{err}");
        assert!(!err.contains("4294967295"), "{err}");
    }
    let err = usage_error(&fake, &["list", "--max", "0"]);
    assert!(err.contains("at least 1"), "{err}");
}

#[test]
fn help_shows_no_empty_environment_values() {
    for args in [
        &["--help"][..],
        &["list", "--help"],
        &["download", "--help"],
    ] {
        let out = bare().args(args).run_ok();
        let help = text(&out.stdout);
        assert!(!help.contains("=]"), "{args:?}: {help}");
        assert!(help.contains("[env: CIVITAI_BASE_URL]"), "{help}");
    }
    // A value in the environment is not printed either (it may be a private mirror).
    bare()
        .env("CIVITAI_BASE_URL", "http://private.example")
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("private.example").not());
}

#[test]
fn a_base_url_without_scheme_is_a_usage_error_with_the_fix() {
    let fake = FakeCivitai::start();
    let out = bare()
        .args(["--base-url", "civitai.com", "list"])
        .run_fails(2);
    assert!(
        text(&out.stderr).contains("`https://civitai.com`"),
        "{}",
        text(&out.stderr)
    );
    let out = bare()
        .env("CIVITAI_BASE_URL", "ftp://civitai.com")
        .args(["list"])
        .run_fails(2);
    assert!(text(&out.stderr).contains("http(s)"));
    // The endpoint's own URL is understood: its path is dropped with a note.
    let endpoint = format!("{}/api/v1/images/", fake.base_url());
    let out = bare()
        .args([
            "--base-url",
            &endpoint,
            "list",
            "--username",
            "bob",
            "-f",
            "jsonl",
        ])
        .run_ok();
    assert_eq!(json_lines(&out.stdout).len(), 5);
    assert!(
        text(&out.stderr).contains("site root"),
        "{}",
        text(&out.stderr)
    );
    assert!(fake
        .api_requests()
        .iter()
        .all(|r| r.path == "/api/v1/images"));
}
