//! `civimg list` through the real binary against the fake Civitai.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use predicates::prelude::PredicateBooleanExt;

use crate::fake::{FakeCivitai, Fault, Modes};
use crate::support::{civimg, ids, json_lines, text, RunExt};

#[test]
fn every_query_flag_reaches_the_api_in_its_spelling() {
    let fake = FakeCivitai::start();
    civimg(&fake)
        .args([
            "list",
            "--format",
            "jsonl",
            "--limit",
            "7",
            "--post-id",
            "11",
        ])
        .args([
            "--model-id",
            "12",
            "--model-version-id",
            "13",
            "--username",
            "alice_ai",
        ])
        .args(["--user-id", "14", "--nsfw", "mature"])
        .args([
            "--browsing-level",
            "3",
            "--sort",
            "Most Reactions",
            "--period",
            "all-time",
        ])
        .args([
            "--type",
            "VIDEO",
            "--base-model",
            "SDXL 1.0",
            "--base-model",
            "Pony",
        ])
        .args(["--tag", "4,5"])
        // No post 11 exists: the run ends with that error, after the request looked at here.
        .assert()
        .code(1)
        .stderr(predicates::str::contains("no post 11"));
    let reqs = fake.api_requests();
    let r = &reqs[0];
    let expect = [
        ("limit", "7"),
        ("postId", "11"),
        ("modelId", "12"),
        ("modelVersionId", "13"),
        ("username", "alice_ai"),
        ("userId", "14"),
        ("nsfw", "Mature"),
        ("browsingLevel", "3"),
        ("sort", "Most Reactions"),
        ("period", "AllTime"),
        ("type", "video"),
        ("baseModels", "SDXL 1.0,Pony"),
        ("tags", "4,5"),
        ("withTags", "true"),
        ("withMeta", "true"),
    ];
    for (k, v) in expect {
        assert_eq!(r.param(k), Some(v), "param {k} in {:?}", r.raw_query);
    }
    assert!(r.param("cursor").is_none());
    assert_eq!(r.path, "/api/v1/images");
}

#[test]
fn sorts_and_periods_are_sent_as_the_api_spells_them() {
    let fake = FakeCivitai::start();
    for (flag, sent) in [
        ("newest", "Newest"),
        ("oldest", "Oldest"),
        ("most-comments", "Most Comments"),
        ("MOST-COLLECTED", "Most Collected"),
        ("random", "Random"),
    ] {
        fake.clear_requests();
        civimg(&fake)
            .args(["list", "--max", "1", "--sort", flag, "--period", "week"])
            .assert()
            .success();
        let r = &fake.api_requests()[0];
        assert_eq!(r.param("sort"), Some(sent));
        assert_eq!(r.param("period"), Some("Week"));
    }
    civimg(&fake)
        .args([
            "list",
            "--no-meta",
            "--page",
            "1",
            "--limit",
            "10",
            "--nsfw",
            "TRUE",
        ])
        .assert()
        .success();
    let r = fake.api_requests().pop().unwrap();
    assert_eq!(r.param("page"), None, "page 1 is where a walk starts");
    assert_eq!(r.param("nsfw"), Some("true"));
    assert_eq!(r.param("withMeta"), None);
}

#[test]
fn invalid_values_are_usage_errors_listing_what_is_allowed() {
    let fake = FakeCivitai::start();
    let out = civimg(&fake).args(["list", "--sort", "best"]).run_fails(2);
    assert!(text(&out.stderr).contains("most-reactions"));
    civimg(&fake)
        .args(["list", "--limit", "500"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("at most 200 per page"));
    civimg(&fake)
        .args(["list", "--username", "bad\u{1b}name"])
        .assert()
        .code(2);
    assert!(fake.api_requests().is_empty(), "nothing was sent");
}

// doc/api.md: pages are filtered after the window is taken, so short and empty pages carry a cursor.
#[test]
fn walks_every_page_across_short_and_empty_ones() {
    let fake = FakeCivitai::start();
    let out = civimg(&fake)
        .args([
            "list",
            "--username",
            "alice_ai",
            "--limit",
            "20",
            "--format",
            "jsonl",
        ])
        .run_ok();
    let got = json_lines(&out.stdout);
    let want = fake.walk(&[
        ("username", "alice_ai"),
        ("limit", "20"),
        ("withMeta", "true"),
    ]);
    assert!(want.len() > 40, "alice has several pages of PG images");
    assert_eq!(ids(&got), ids(&want));
    assert_eq!(
        got, want,
        "items are re-emitted exactly as the API sent them"
    );
    let reqs = fake.api_requests();
    assert!(reqs.len() as f64 > want.len() as f64 / 20.0 + 1.0);
    // Every request after the first carries the previous page's cursor, built from the base URL.
    assert!(reqs[1..].iter().all(|r| r.param("cursor").is_some()));
    assert!(reqs.iter().all(|r| r.param("username") == Some("alice_ai")));
}

// A model the models endpoint does not list is walked on the legacy path, whose cursors are
// JSON numbers (doc/api.md, Response): they go back verbatim.
#[test]
fn numeric_cursors_go_back_verbatim() {
    let fake = FakeCivitai::start();
    fake.set_modes(Modes {
        no_models_api: true,
        ..Modes::default()
    });
    let out = civimg(&fake)
        .args(["list", "--model-id", "102", "--limit", "5", "--max", "12"])
        .args(["--nsfw", "X", "--format", "jsonl"])
        .run_ok();
    assert_eq!(json_lines(&out.stdout).len(), 12);
    assert!(
        text(&out.stderr).contains("legacy path"),
        "{}",
        text(&out.stderr)
    );
    let reqs = fake.api_requests();
    assert!(reqs.len() >= 3);
    let cursor = reqs
        .iter()
        .find_map(|r| r.param("cursor"))
        .expect("a second page was asked for with a cursor");
    assert!(
        cursor.parse::<u64>().is_ok(),
        "numeric cursor sent as {cursor}"
    );
}

#[test]
fn max_stops_without_fetching_pages_it_does_not_need() {
    let fake = FakeCivitai::start();
    let out = civimg(&fake)
        .args(["list", "--max", "5", "--nsfw", "X", "--format", "jsonl"])
        .run_ok();
    assert_eq!(json_lines(&out.stdout).len(), 5);
    let reqs = fake.api_requests();
    assert_eq!(reqs.len(), 1);
    // doc/api.md, "The official reference": one limit for the whole walk, whatever --max.
    assert_eq!(reqs[0].param("limit"), Some("100"));

    fake.clear_requests();
    let out = civimg(&fake)
        .args([
            "list", "--max", "45", "--limit", "15", "--nsfw", "X", "--format", "jsonl",
        ])
        .run_ok();
    let want = fake.walk(&[("limit", "15"), ("nsfw", "X"), ("withMeta", "true")]);
    assert_eq!(ids(&json_lines(&out.stdout)), ids(&want[..45]));
    assert_eq!(fake.api_requests().len(), 3, "three full pages, no fourth");
}

#[test]
fn jsonl_json_and_csv_outputs() {
    let fake = FakeCivitai::start();
    let run = |format: &str, extra: &[&str]| {
        let out = civimg(&fake)
            .args([
                "list",
                "--username",
                "bob",
                "--nsfw",
                "X",
                "--format",
                format,
            ])
            .args(extra)
            .run_ok();
        text(&out.stdout)
    };
    let want = fake.walk(&[("username", "bob"), ("nsfw", "X"), ("withMeta", "true")]);
    let jsonl = run("jsonl", &[]);
    assert_eq!(jsonl.lines().count(), want.len());

    let json: Vec<serde_json::Value> = serde_json::from_str(&run("json", &[])).unwrap();
    assert_eq!(json, want);

    let csv = run(
        "csv",
        &["--fields", "id,username,stats.likeCount,meta.seed"],
    );
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["id", "username", "stats.likeCount", "meta.seed"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), want.len());
    for (row, item) in rows.iter().zip(&want) {
        assert_eq!(row[0], item["id"].to_string());
        assert_eq!(row[1], *item["username"].as_str().unwrap());
    }

    let default_csv = run("csv", &[]);
    let header = default_csv.lines().next().unwrap();
    assert!(header.starts_with("id,url,"), "{header}");
    assert!(header.contains("stats.likeCount") && header.contains("meta.prompt"));
    let empty = civimg(&fake)
        .args([
            "list",
            "--username",
            "carol_x",
            "--format",
            "json",
            "--max",
            "3",
        ])
        .run_ok();
    assert_eq!(text(&empty.stdout).trim(), "[]");
}

#[test]
fn table_shows_the_readable_columns() {
    let fake = FakeCivitai::start();
    let out = civimg(&fake)
        .args(["list", "--username", "bob", "--format", "table"])
        .run_ok();
    let table = text(&out.stdout);
    let header = table.lines().next().unwrap();
    for col in ["id", "user", "size", "level", "likes", "created", "file"] {
        assert!(header.contains(col), "{header}");
    }
    let want = fake.walk(&[("username", "bob"), ("withMeta", "true")]);
    for item in &want {
        assert!(table.contains(&item["id"].to_string()));
        // The file column shows what identifies the file: its uuid, not the url.
        let url = item["url"].as_str().unwrap();
        let uuid = url.rsplit('/').nth(2).unwrap();
        assert!(table.contains(uuid), "{uuid} in {table}");
    }
    assert!(table.lines().all(|l| l.chars().count() <= 120), "{table}");
    // One line per item under the header and its rule; levels read as ratings.
    assert_eq!(table.lines().count(), want.len() + 2, "{table}");
    assert!(!table.contains("http") && table.contains(" PG "), "{table}");
    assert!(!table.contains("None"), "{table}");
}

#[test]
fn a_rejected_request_reads_as_one_line() {
    let fake = FakeCivitai::start();
    let out = civimg(&fake)
        .args(["list", "--base-model", "Nonexistent Model"])
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.starts_with("civimg: error: the API rejected the request: baseModels"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(fake.api_requests().len(), 1, "a 400 is not retried");
}

#[test]
fn html_error_pages_name_the_status_and_host_not_the_html() {
    let fake = FakeCivitai::start();
    fake.inject(Fault::Html520);
    let out = civimg(&fake)
        .args(["--retries", "0", "list", "--max", "3"])
        .run_fails(1);
    let err = text(&out.stderr);
    let host = fake.base_url().trim_start_matches("http://").to_string();
    assert!(
        err.contains(&format!(
            "HTTP 520 (Cloudflare: the origin answered with an unknown error) from {host}"
        )),
        "{err}"
    );
    assert!(!err.contains('<'), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn invalid_json_names_the_page_and_keeps_what_was_written() {
    let fake = FakeCivitai::start();
    fake.inject_after(1, Fault::InvalidJson);
    let out = civimg(&fake)
        .args([
            "list",
            "--username",
            "alice_ai",
            "--limit",
            "50",
            "--format",
            "jsonl",
        ])
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.contains("page 2") && err.contains("not valid JSON"),
        "{err}"
    );
    let first_page = fake.walk(&[
        ("username", "alice_ai"),
        ("limit", "50"),
        ("withMeta", "true"),
    ]);
    let got = json_lines(&out.stdout);
    assert!(!got.is_empty());
    assert_eq!(ids(&got), ids(&first_page[..got.len()]));
    // The failing page's cursor is offered for resuming.
    let cursor = fake.api_requests()[1].param("cursor").unwrap().to_string();
    assert!(err.contains(&format!("--cursor '{cursor}'")), "{err}");
}

// Issue 21: `list --format json` left its array open when a later page failed; what was
// written stays one valid JSON array, and the error still goes to stderr with exit 1.
#[test]
fn a_json_array_is_closed_when_a_later_page_fails() {
    let fake = FakeCivitai::start();
    for ok_pages in [0, 1, 2] {
        fake.inject_after(ok_pages, Fault::Api451);
        let out = civimg(&fake)
            .args(["list", "--username", "alice_ai", "--limit", "20"])
            .args(["--format", "json", "--retries", "0"])
            .run_fails(1);
        let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
        assert_eq!(items.is_empty(), ok_pages == 0, "{}", items.len());
        assert!(text(&out.stderr).contains("error"), "{}", text(&out.stderr));
    }
}

#[test]
fn connection_refused_names_the_host() {
    let fake = FakeCivitai::start();
    let base = fake.base_url();
    drop(fake);
    let out = crate::support::bare()
        .args(["--base-url", &base, "--retries", "0", "list"])
        .run_fails(1);
    let err = text(&out.stderr);
    let host = base.trim_start_matches("http://");
    assert!(err.contains(&format!("cannot connect to {host}")), "{err}");
}

// doc/api.md, "The official reference": `page` is ignored on listings; page 2 would be page 1.
#[test]
fn a_page_past_the_first_is_a_usage_error_that_suggests_cursor_and_max() {
    let fake = FakeCivitai::start();
    for args in [
        &["list", "--page", "6", "--limit", "200"][..],
        &["list", "--page", "2", "--username", "bob"],
        &["download", "--page", "3", "--username", "bob", "-o", "x"],
    ] {
        civimg(&fake)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--cursor"))
            .stderr(predicates::str::contains("--max"));
    }
    assert_eq!(fake.api_requests().len(), 0);
}

// doc/api.md: 503 carries Retry-After; a client waits at least that long.
#[test]
fn retries_honour_retry_after() {
    let fake = FakeCivitai::start();
    fake.inject(Fault::Api503 {
        retry_after: Some(1),
    });
    fake.inject(Fault::Api429 {
        retry_after: Some(1),
    });
    let started = Instant::now();
    let out = civimg(&fake)
        .args(["list", "--max", "3", "--nsfw", "X", "--format", "jsonl"])
        .run_ok();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited both Retry-Afters"
    );
    assert_eq!(json_lines(&out.stdout).len(), 3);
    let err = text(&out.stderr);
    assert!(
        err.contains("HTTP 503") && err.contains("retrying in 1s"),
        "{err}"
    );
    assert!(err.contains("HTTP 429"), "{err}");
    assert_eq!(fake.api_requests().len(), 3);

    fake.clear_requests();
    fake.inject(Fault::Api503 {
        retry_after: Some(1),
    });
    civimg(&fake)
        .args(["--retries", "0", "list", "--max", "3"])
        .assert()
        .code(1);
    assert_eq!(fake.api_requests().len(), 1);
}

#[test]
fn region_blocks_are_reported_not_retried() {
    let fake = FakeCivitai::start();
    fake.inject(Fault::Api451);
    civimg(&fake)
        .args(["list", "--max", "3"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("HTTP 451"))
        .stderr(predicates::str::contains("REGION_BLOCKED"));
    assert_eq!(fake.api_requests().len(), 1);
}

#[test]
fn a_repeating_cursor_ends_the_walk_with_a_warning() {
    let fake = FakeCivitai::start();
    fake.inject_after(1, Fault::RepeatCursor);
    let out = civimg(&fake)
        .args(["list", "--nsfw", "X", "--limit", "10", "--format", "jsonl"])
        .run_ok();
    assert!(text(&out.stderr).contains("again"), "{}", text(&out.stderr));
    let got = ids(&json_lines(&out.stdout));
    let mut unique = got.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), got.len(), "no item twice");
    assert!(fake.api_requests().len() <= 3);
}

#[test]
fn a_closed_pipe_is_a_quiet_success() {
    let fake = FakeCivitai::start();
    let bin = assert_cmd::cargo::cargo_bin("civimg");
    let mut child = std::process::Command::new(bin)
        .args([
            "--base-url",
            &fake.base_url(),
            "list",
            "--nsfw",
            "X",
            "--format",
            "jsonl",
        ])
        .env_remove("CIVITAI_API_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..3 {
        lines.next().unwrap().unwrap();
    }
    drop(lines);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn the_api_key_goes_only_in_the_header_to_the_api_host() {
    let fake = FakeCivitai::start();
    let key = "sekrit-key-123";
    let out = civimg(&fake)
        .args([
            "-v",
            "--api-key",
            key,
            "list",
            "--max",
            "30",
            "--limit",
            "10",
        ])
        .args(["--format", "jsonl"])
        .run_ok();
    assert!(!text(&out.stdout).contains(key));
    assert!(!text(&out.stderr).contains(key));
    assert!(
        text(&out.stderr).contains("GET "),
        "-v shows the request URLs"
    );
    let reqs = fake.requests();
    assert!(reqs.len() >= 3);
    for r in reqs {
        assert_eq!(r.header("authorization"), Some(&*format!("Bearer {key}")));
        assert!(!r.raw_query.contains(key));
        assert!(r.param("token").is_none());
        assert_eq!(
            r.header("user-agent"),
            Some(&*format!("civimg/{}", env!("CARGO_PKG_VERSION")))
        );
    }
    // From the environment too, and never echoed by --help.
    civimg(&fake)
        .env("CIVITAI_API_KEY", key)
        .args(["list", "--help"])
        .assert()
        .success()
        .stdout(predicates::str::contains(key).not());
}

// Snapshots of each format for a small, fixed part of the fake's dataset (no urls: they carry
// the fake's random port).
#[test]
fn format_snapshots() {
    let fake = FakeCivitai::start();
    let fields =
        "id,username,width,height,nsfwLevel,stats.likeCount,meta.seed,meta.sampler,meta.model";
    let run = |format: &str| {
        let out = civimg(&fake)
            .args([
                "list",
                "--username",
                "bob",
                "--nsfw",
                "X",
                "--format",
                format,
            ])
            .args(["--fields", fields])
            .run_ok();
        text(&out.stdout)
    };
    insta::assert_snapshot!("bob_csv", run("csv"));
    insta::assert_snapshot!("bob_table", run("table"));
    let jsonl = civimg(&fake)
        .args([
            "list",
            "--username",
            "bob",
            "--max",
            "2",
            "--format",
            "jsonl",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    // The image host's whole origin is replaced, never its port's digits alone: those can
    // stand in an id, a seed or a hash too.
    let origin = fake.image_base();
    insta::assert_snapshot!(
        "bob_jsonl",
        text(&jsonl).replace(&origin, "http://localhost:PORT")
    );
}

// A server that accepts and never answers: --timeout ends each try, and timeouts are retried.
#[test]
fn a_silent_server_times_out_and_is_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(conn);
        }
    });
    let out = crate::support::bare()
        .args([
            "--base-url",
            &format!("http://{addr}"),
            "--timeout",
            "1",
            "--retries",
            "1",
        ])
        .args(["list", "--max", "1"])
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("timed out waiting for {addr}")),
        "{err}"
    );
    assert!(err.contains("retry 1 of 1"), "{err}");
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 2);
}
