//! Output that can be trusted (issue 17): `-q` is silent on success, the download summary
//! counts honestly and says how to retry, a closed stderr is no panic, and the small usage
//! fixes a new user meets first (bare `civimg`, `--user-id NAME`, values in any case,
//! `meta --format` as in `list`, `--name` without `{ext}`, `--fields` suggestions).

use tempfile::TempDir;

use crate::fake::{FakeCivitai, FakeConfig, Fault};
use crate::support::{bare, civimg, text, RunExt};

#[test]
fn quiet_prints_nothing_on_success_and_failures_still_end_with_how_to_retry() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args(["-q", "download", "--username", "bob", "-o"])
        .arg(dir.path())
        .run_ok();
    assert_eq!(text(&out.stderr), "", "-q on success");
    let out = civimg(&fake)
        .args(["-q", "list", "--username", "bob"])
        .run_ok();
    assert_eq!(text(&out.stderr), "");
    assert!(!out.stdout.is_empty());

    // A failure still shows under -q: the item first, then the counts, then the advice.
    fake.inject(Fault::ImageStatus(404));
    let out = civimg(&fake)
        .args([
            "-q",
            "download",
            "--username",
            "dave_art",
            "--max",
            "3",
            "-o",
        ])
        .arg(dir.path().join("dave"))
        .run_fails(1);
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].starts_with("civimg: failed "), "{err}");
    assert!(
        lines[1].contains("2 downloaded") && lines[1].contains("1 failed"),
        "{err}"
    );
    assert_eq!(
        lines[2],
        "civimg: 1 failed; run the same command again to retry them"
    );
}

#[test]
fn nothing_saved_means_no_rate_and_partial_bytes_are_not_counted() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let run = || {
        civimg(&fake)
            .args(["download", "--username", "bob", "-o"])
            .arg(dir.path())
            .run_ok()
    };
    let first = text(&run().stderr);
    assert!(
        first.contains("B/s)"),
        "a rate when files were saved: {first}"
    );
    let again = text(&run().stderr);
    assert!(again.contains("0 downloaded (0 B)"), "{again}");
    assert!(!again.contains("B/s"), "no 0 B/s: {again}");

    // Every body stops after its first bytes: nothing was saved, so nothing is counted.
    for _ in 0..40 {
        fake.inject(Fault::ImageTruncate);
    }
    let out = civimg(&fake)
        .args([
            "--retries",
            "0",
            "download",
            "--username",
            "dave_art",
            "--max",
            "2",
        ])
        .arg("-o")
        .arg(dir.path().join("cut"))
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.contains("0 downloaded (0 B), 0 already present, 2 failed"),
        "{err}"
    );
    assert!(!err.contains("B/s"), "{err}");
}

#[test]
fn stop_after_known_says_it_stopped_early_and_why() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let run = |extra: &[&str]| {
        civimg(&fake)
            .args(["download", "--username", "alice_ai", "--sort", "newest"])
            .args(extra)
            .arg("-o")
            .arg(dir.path())
            .run_ok()
    };
    run(&["--max", "10"]);
    let err = text(&run(&["--stop-after-known", "3"]).stderr);
    assert!(
        err.contains("the listing stopped early after 3 known items in a row (--stop-after-known)"),
        "{err}"
    );
}

// `civimg meta A B 2>&1 | head -1` must end as quietly as a closed stdout; a stderr that is
// closed outright is the sure way to make every write to it fail.
#[test]
fn a_closed_stderr_is_no_panic() {
    let fake = FakeCivitai::start();
    let bin = assert_cmd::cargo::cargo_bin("civimg");
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(r#"exec "$0" --base-url "$1" meta 10000000 not-an-id >/dev/null 2>&-"#)
        .arg(&bin)
        .arg(fake.base_url())
        .env("CIVIMG_IMAGE_FALLBACK_HOST", "none")
        .env("XDG_CONFIG_HOME", "/nonexistent/civimg-tests")
        .status()
        .unwrap();
    // 1: the bad target failed; a panic would be 101.
    assert_eq!(status.code(), Some(1));
}

#[test]
fn a_video_fetched_again_says_so_only_under_verbose() {
    let fake = FakeCivitai::start_with(FakeConfig {
        images: 200,
        video_stills: true,
        ..FakeConfig::default()
    });
    // Generator index 57: `original=true` answers a still, `quality=100` the video.
    let id = (10_000_000 + 13 * 57).to_string();
    let run = |verbose: bool| {
        let dir = TempDir::new().unwrap();
        let mut cmd = civimg(&fake);
        if verbose {
            cmd.arg("-v");
        }
        let out = cmd
            .args([
                "download",
                "--image-id",
                &id,
                "--browsing-level",
                "63",
                "-o",
            ])
            .arg(dir.path())
            .run_ok();
        text(&out.stderr)
    };
    let plain = run(false);
    assert!(!plain.contains("still"), "{plain}");
    assert!(plain.contains("1 downloaded"), "{plain}");
    assert!(run(true).contains("asking for original=true,quality=100"));
}

#[test]
fn bare_civimg_prints_the_short_help() {
    let out = bare().run_ok();
    let help = text(&out.stdout);
    assert!(help.contains("Usage: civimg"), "{help}");
    assert!(help.contains("download"), "{help}");
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn errors_name_the_fix_and_values_match_in_any_case() {
    let fake = FakeCivitai::start();
    let out = civimg(&fake)
        .args(["list", "--user-id", "bob"])
        .run_fails(2);
    let err = text(&out.stderr);
    assert!(err.contains("use --username bob"), "{err}");
    assert!(fake.api_requests().is_empty());

    let out = civimg(&fake)
        .args([
            "--color",
            "NEVER",
            "list",
            "--username",
            "bob",
            "--format",
            "CSV",
        ])
        .args(["--sort", "NEWEST", "--max", "2"])
        .run_ok();
    let csv = text(&out.stdout);
    assert_eq!(csv.lines().count(), 3, "a header and two rows: {csv}");
    assert!(csv.starts_with("id,"), "{csv}");
}

#[test]
fn meta_formats_agree_with_list() {
    let fake = FakeCivitai::start();
    let meta = |format: &str| {
        let out = civimg(&fake)
            .args(["meta", "10000000", "10000013", "--format", format])
            .run_ok();
        text(&out.stdout)
    };
    let array: Vec<serde_json::Value> = serde_json::from_str(&meta("json")).unwrap();
    assert_eq!(array.len(), 2);
    assert_eq!(meta("jsonl").lines().count(), 2);
    let csv = meta("CSV");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(&reader.headers().unwrap()[2], "prompt");
    assert_eq!(reader.records().count(), 2);
}

#[test]
fn a_name_without_ext_warns_and_fields_suggest_the_nearest() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args([
            "download",
            "--username",
            "bob",
            "--name",
            "{username}-{id}",
            "-o",
        ])
        .arg(dir.path())
        .run_ok();
    let err = text(&out.stderr);
    assert!(err.contains("has no {ext}"), "{err}");
    fake.clear_requests();

    for (fields, want) in [
        ("id,likes", "did you mean `stats.likeCount`?"),
        ("id,meta.promt", "did you mean `meta.prompt`?"),
        ("id,tags", "add --with-tags"),
    ] {
        let out = civimg(&fake)
            .args(["list", "--username", "bob", "--fields", fields])
            .run_fails(2);
        let err = text(&out.stderr);
        assert!(err.contains(want), "{fields}: {err}");
    }
    assert!(fake.api_requests().is_empty());
}
