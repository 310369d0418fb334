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
    // doc/api.md, "The official reference": `page` is ignored on listings.
    let err = usage_error(&fake, &["list", "--page", "11"]);
    assert!(err.contains("--cursor"), "{err}");
    usage_error(&fake, &["list", "--page", "3", "--limit", "400"]);
    usage_error(
        &fake,
        &[
            "download",
            "--username",
            "bob",
            "--page",
            "2",
            "--limit",
            "200",
        ],
    );
    civimg(&fake)
        .args(["list", "--page", "1", "--limit", "200", "-f", "jsonl"])
        .run_ok();
    assert_eq!(fake.api_requests()[0].param("limit"), Some("200"));
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

#[test]
fn fields_are_checked_and_project_json_output() {
    let fake = FakeCivitai::start();
    let err = usage_error(&fake, &["list", "--fields", "id,stats.likecount"]);
    assert!(err.contains("did you mean `stats.likeCount`"), "{err}");
    let err = usage_error(&fake, &["list", "-f", "csv", "--fields", "id,,url"]);
    assert!(err.contains("empty field name"), "{err}");
    usage_error(&fake, &["list", "--fields", ""]);
    let fields = "id,stats.likeCount,meta.seed,meta.model";
    for format in ["jsonl", "json"] {
        let out = civimg(&fake)
            .args([
                "list",
                "--username",
                "bob",
                "-f",
                format,
                "--fields",
                fields,
            ])
            .run_ok();
        let items: Vec<serde_json::Value> = if format == "json" {
            serde_json::from_slice(&out.stdout).unwrap()
        } else {
            json_lines(&out.stdout)
        };
        assert_eq!(items.len(), 5);
        for item in &items {
            let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["id", "stats", "meta"], "{item}");
            assert!(item["stats"]["likeCount"].is_number(), "{item}");
            let meta: Vec<&String> = item["meta"].as_object().unwrap().keys().collect();
            assert_eq!(meta, ["seed", "model"], "{item}");
        }
    }
}

// doc/api.md: with neither nsfw nor browsingLevel the API answers PG only.
#[test]
fn an_empty_result_at_the_default_level_says_how_to_ask_for_more() {
    let fake = FakeCivitai::start();
    // carol_x has no PG images at all.
    let out = civimg(&fake)
        .args(["list", "--username", "carol_x"])
        .run_ok();
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("PG only") && err.contains("--nsfw"), "{err}");
    assert!(err.contains("--browsing-level"), "{err}");
    let out = civimg(&fake)
        .args(["list", "--username", "carol_x", "--browsing-level", "1"])
        .run_ok();
    assert!(text(&out.stderr).is_empty(), "a level was asked for");
    let out = civimg(&fake)
        .args(["list", "--username", "carol_x", "--nsfw", "x", "--max", "1"])
        .run_ok();
    assert_eq!(json_lines(&out.stdout).len(), 1);
}

// Issue 16: a misspelt user is an error (a nightly job must not stay green), said once,
// after one look at every level.
#[test]
fn an_unknown_user_is_one_error() {
    let fake = FakeCivitai::start();
    let out = civimg(&fake)
        .args(["list", "--username", "no_such_user"])
        .run_fails(1);
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(
            "civimg: error: no images by a user named no_such_user at any browsing level"
        ),
        "{err}"
    );
    let reqs = fake.api_requests();
    assert_eq!(reqs.len(), 2, "the walk, then one look at every level");
    assert_eq!(reqs[1].param("browsingLevel"), Some("31"));
}

/// The `# source` comment of `key` in `config show`'s output.
fn source_of(shown: &str, key: &str) -> String {
    let line = shown
        .lines()
        // Defaults and the key are commented out (`# out = "."`), so the output loads back.
        .find(|l| l.trim_start_matches("# ").starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("{key} in {shown}"));
    line.rsplit_once(" # ").unwrap().1.to_string()
}

// config show names the real source of every value; never a guess from comparing values.
#[test]
fn config_show_names_where_each_value_came_from() {
    let dir = tempfile::TempDir::new().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "timeout = 30\nbase_url = \"https://civitai.red\"\nconcurrency = 8\n",
    )
    .unwrap();
    let file = format!("config file {}", cfg.display());
    let out = bare()
        .env("CIVIMG_CONFIG", &cfg)
        .env("CIVITAI_API_KEY", "k")
        .args(["config", "show", "--retries", "5"])
        .run_ok();
    let shown = text(&out.stdout);
    assert!(
        shown.starts_with(&format!(
            "# config file: {} (from environment variable CIVIMG_CONFIG)",
            cfg.display()
        )),
        "{shown}"
    );
    // timeout = 30 and retries = 5 equal the defaults, yet came from the file and a flag.
    assert_eq!(source_of(&shown, "timeout"), file);
    assert_eq!(source_of(&shown, "retries"), "flag --retries");
    assert_eq!(source_of(&shown, "base_url"), file);
    assert_eq!(source_of(&shown, "concurrency"), file);
    assert_eq!(
        source_of(&shown, "api_key"),
        "environment variable CIVITAI_API_KEY"
    );
    assert_eq!(source_of(&shown, "out"), "default");
    assert!(!shown.contains("flag or environment"), "{shown}");
    let out = bare()
        .env("CIVIMG_CONFIG", &cfg)
        .env("CIVITAI_BASE_URL", "https://civitai.com")
        .args(["config", "show"])
        .run_ok();
    let shown = text(&out.stdout);
    assert_eq!(
        source_of(&shown, "base_url"),
        "environment variable CIVITAI_BASE_URL"
    );
    assert_eq!(source_of(&shown, "api_key"), "not set");
    let out = bare()
        .env("CIVITAI_BASE_URL", "http://env.example")
        .args(["config", "show", "--base-url", "https://civitai.com"])
        .run_ok();
    assert_eq!(source_of(&text(&out.stdout), "base_url"), "flag --base-url");
}

// `meta DIR` does what people mean: subfolders too (the README's `--name '{username}/…'`
// makes them), videos and GIFs skipped silently, an image without data a note.
#[test]
fn meta_on_a_folder_walks_subfolders_and_skips_what_cannot_hold_data() {
    use crate::fixtures::{png_plain, png_with_text, TextKind};
    let dir = tempfile::TempDir::new().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("alice/2026")).unwrap();
    let params = "a red fox\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 1x1";
    png_with_text(
        &root.join("alice/2026/1.png"),
        &[("parameters", params, TextKind::Text)],
    );
    png_with_text(
        &root.join("top.png"),
        &[("parameters", params, TextKind::Itxt)],
    );
    png_plain(&root.join("alice/plain.png"));
    std::fs::write(root.join("alice/clip.mp4"), b"\0\0\0\x18ftypmp42\0\0\0\0").unwrap();
    std::fs::write(root.join("anim.gif"), b"GIF89a\x01\0\x01\0").unwrap();
    std::fs::write(root.join("notes.md"), b"# my gallery").unwrap();
    let out = bare().args(["meta", "-f", "jsonl"]).arg(root).run_ok();
    let records = json_lines(&out.stdout);
    let sources: Vec<&str> = records
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert!(sources[0].ends_with("alice/2026/1.png"), "{sources:?}");
    assert!(sources[1].ends_with("top.png"), "{sources:?}");
    assert!(records.iter().all(|r| r["seed"] == 42));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("plain.png has no generation data") && !err.contains("error"),
        "{err}"
    );
    assert!(
        !err.contains("clip.mp4") && !err.contains("anim.gif"),
        "{err}"
    );
    // Only images without data: nothing to show is a failure, said once.
    let empty = tempfile::TempDir::new().unwrap();
    png_plain(&empty.path().join("a.png"));
    std::fs::create_dir(empty.path().join("sub")).unwrap();
    png_plain(&empty.path().join("sub/b.png"));
    let out = bare().arg("meta").arg(empty.path()).run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.contains("none of the 2 image files had generation data"),
        "{err}"
    );
    // A folder with no images at all is an error too.
    let videos = tempfile::TempDir::new().unwrap();
    std::fs::write(videos.path().join("v.mp4"), b"\0\0\0\x18ftypmp42").unwrap();
    let out = bare().arg("meta").arg(videos.path()).run_fails(1);
    assert!(text(&out.stderr).contains("no PNG, JPEG, WebP, AVIF or HEIF images"));
}

// The README's offline walk-through ends without an error.
#[test]
fn the_readme_walk_through_downloads_then_reads_the_folder() {
    let fake = FakeCivitai::start();
    let dir = tempfile::TempDir::new().unwrap();
    let out_dir = dir.path().join("bob");
    civimg(&fake)
        .args([
            "download",
            "--username",
            "bob",
            "--name",
            "{username}/{id}.{ext}",
            "-q",
            "-o",
        ])
        .arg(&out_dir)
        .run_ok();
    let out = civimg(&fake)
        .args(["meta", "10000000", "-f", "jsonl"])
        .arg(&out_dir)
        .run_ok();
    let records = json_lines(&out.stdout);
    assert!(records.len() >= 2, "{}", records.len());
    assert_eq!(records[0]["source"], "api");
}

#[test]
fn an_empty_download_at_the_default_level_says_how_to_ask_for_more() {
    let fake = FakeCivitai::start();
    let dir = tempfile::TempDir::new().unwrap();
    let out = civimg(&fake)
        .args(["download", "--username", "carol_x", "-o"])
        .arg(dir.path())
        .run_ok();
    let err = text(&out.stderr);
    assert!(err.contains("PG only") && err.contains("--nsfw"), "{err}");
    assert!(err.contains("0 downloaded"), "{err}");
}

#[test]
fn a_bad_base_url_in_the_config_file_names_the_file() {
    let dir = tempfile::TempDir::new().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "base_url = \"civitai.com\"\n").unwrap();
    let out = bare().env("CIVIMG_CONFIG", &cfg).arg("list").run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("{}: base_url `civitai.com`", cfg.display())),
        "{err}"
    );
    assert!(err.contains("`https://civitai.com`"), "{err}");
}
