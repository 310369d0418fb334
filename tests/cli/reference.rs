//! Issue 15: civimg against the fake with the official reference's switches on (doc/api.md,
//! "The official reference"): it answers what was asked, or says why not.

use std::collections::HashSet;

use serde_json::Value;

use crate::fake::{FakeCivitai, Fault, Modes};
use crate::support::{civimg, ids, json_lines, text, RunExt};

fn with(modes: Modes) -> FakeCivitai {
    let fake = FakeCivitai::start();
    fake.set_modes(modes);
    fake
}

fn tags_of(item: &Value) -> Vec<u64> {
    item["tags"]
        .as_array()
        .unwrap_or_else(|| panic!("no tags in {item}"))
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect()
}

/// The `--cursor` value a resume hint on stderr names (quoted for POSIX shells).
fn hinted_cursor(stderr: &str) -> String {
    let at = stderr.find("--cursor ").expect("a resume hint") + "--cursor ".len();
    let quoted = stderr[at..].lines().next().unwrap().trim();
    quoted.trim_matches('\'').to_string()
}

// Repeated --tag means either tag (one walk each, no id twice); --tag A,B means all of them,
// also where the API answers any of them (an old-style cursor's walk), and -v says so.
#[test]
fn repeated_tags_are_any_of_and_joined_tags_all_of() {
    let fake = with(Modes::reference());
    let base = [
        "list",
        "--nsfw",
        "x",
        "--sort",
        "newest",
        "--no-meta",
        "-f",
        "jsonl",
    ];
    let out = civimg(&fake)
        .args(base)
        .args(["--tag", "4", "--tag", "6"])
        .run_ok();
    let got = ids(&json_lines(&out.stdout));
    let walk = |tags: &str| {
        ids(&fake.walk(&[
            ("tags", tags),
            ("nsfw", "X"),
            ("sort", "Newest"),
            ("limit", "100"),
        ]))
    };
    let (four, six) = (walk("4"), walk("6"));
    let mut want: Vec<u64> = four.clone();
    want.extend(six.iter().filter(|id| !four.contains(id)));
    assert_eq!(got, want, "tag 4's walk, then tag 6's new items");
    assert_eq!(got.len(), got.iter().collect::<HashSet<_>>().len());
    let sent: HashSet<String> = fake
        .api_requests()
        .iter()
        .map(|r| r.param("tags").unwrap().to_string())
        .collect();
    assert_eq!(sent, HashSet::from(["4".to_string(), "6".to_string()]));

    // All of them, on the feed path: what the API answers, checked.
    fake.clear_requests();
    let out = civimg(&fake).args(base).args(["--tag", "4,6"]).run_ok();
    let all_of = json_lines(&out.stdout);
    assert_eq!(ids(&all_of), walk("4,6"));
    assert!(!all_of.is_empty() && all_of.len() < four.len().min(six.len()));
    assert!(fake
        .api_requests()
        .iter()
        .all(|r| r.param("withTags") == Some("true") && r.param("tags") == Some("4,6")));

    // A first page handing out an old-style cursor: the API answers any of them from there.
    fake.inject(Fault::OldCursor);
    let out = civimg(&fake)
        .args(["-v"])
        .args(base)
        .args(["--tag", "4,6"])
        .run_ok();
    let old = json_lines(&out.stdout);
    for item in &old {
        let t = tags_of(item);
        assert!(t.contains(&4) && t.contains(&6), "{t:?}");
    }
    let old_ids: HashSet<u64> = ids(&old).into_iter().collect();
    assert!(ids(&all_of).iter().all(|id| old_ids.contains(id)));
    let err = text(&out.stderr);
    assert!(
        err.contains("old-style cursor") && err.contains("older rules"),
        "{err}"
    );
}

// `limit` on every request, the same for the whole walk and for a resume whatever --max; a
// refused cursor's message is printed and the advice is to start again without it.
#[test]
fn one_limit_per_walk_and_refused_cursors_say_start_again() {
    let fake = with(Modes::reference());
    let walk = ["list", "--nsfw", "x", "--sort", "newest", "-f", "jsonl"];
    fake.inject_after(2, Fault::Api503 { retry_after: None });
    let out = civimg(&fake)
        .args(["--retries", "0"])
        .args(walk)
        .args(["--max", "1000"])
        .run_fails(1);
    let before = ids(&json_lines(&out.stdout));
    let cursor = hinted_cursor(&text(&out.stderr));
    assert!(cursor.starts_with("feed:"), "{cursor}");
    let reqs = fake.api_requests();
    assert!(reqs.iter().all(|r| r.param("limit") == Some("100")));

    // Resumed with another --max: the same limit, so the API continues the cursor.
    fake.clear_requests();
    let out = civimg(&fake)
        .args(walk)
        .args(["--max", "5", "--cursor", &cursor])
        .run_ok();
    let want = ids(&fake.walk(&[
        ("nsfw", "X"),
        ("sort", "Newest"),
        ("limit", "100"),
        ("withMeta", "true"),
        ("flatMeta", "true"),
    ]));
    let n = before.len();
    assert!(n > 150, "two pages came before the failure");
    assert_eq!(before, want[..n]);
    assert_eq!(ids(&json_lines(&out.stdout)), want[n..n + 5]);
    assert_eq!(fake.api_requests()[0].param("limit"), Some("100"));

    // Another --limit: refused, said as the API says it, and never "use this cursor again".
    let out = civimg(&fake)
        .args(walk)
        .args(["--limit", "50", "--cursor", &cursor])
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.contains("refused the cursor: This cursor cannot be continued with these filters"),
        "{err}"
    );
    assert!(err.contains("without --cursor"), "{err}");
    assert!(!err.contains("with --cursor"), "{err}");

    // Expired.
    fake.expire_cursors();
    let out = civimg(&fake)
        .args(walk)
        .args(["--cursor", &cursor])
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(err.contains("can no longer be continued"), "{err}");
    assert!(
        err.contains("run the command again without --cursor"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 2, "{err}");
}

// Without a key, levels above PG asked for and none in the answer: one line about the cap.
#[test]
fn anonymous_pg_only_answers_say_a_key_may_be_needed() {
    let fake = with(Modes {
        anon_pg: true,
        ..Modes::default()
    });
    let out = civimg(&fake)
        .args(["list", "--nsfw", "x", "--max", "30", "-f", "jsonl"])
        .run_ok();
    let items = json_lines(&out.stdout);
    assert!(items.iter().all(|i| i["browsingLevel"] == 1));
    let err = text(&out.stderr);
    assert_eq!(
        err.matches("cap requests without an API key at PG").count(),
        1,
        "{err}"
    );
    assert!(err.contains("--api-key"), "{err}");

    let out = civimg(&fake)
        .args([
            "--api-key",
            "k-1",
            "list",
            "--nsfw",
            "x",
            "--max",
            "30",
            "-f",
            "jsonl",
        ])
        .run_ok();
    assert!(json_lines(&out.stdout)
        .iter()
        .any(|i| i["browsingLevel"] != 1));
    assert!(!text(&out.stderr).contains("PG"), "{}", text(&out.stderr));
    // PG asked for: nothing to say.
    let out = civimg(&fake)
        .args(["list", "--max", "5", "-f", "jsonl"])
        .run_ok();
    assert!(!text(&out.stderr).contains("API key"));
}

// Cloudflare's 520-524 are retried like 502-504 and named when the retries run out.
#[test]
fn cloudflare_statuses_are_retried_and_named() {
    let fake = FakeCivitai::start();
    fake.inject(Fault::Cloudflare(524));
    let out = civimg(&fake)
        .args(["--retries", "1", "list", "--max", "3", "-f", "jsonl"])
        .run_ok();
    assert_eq!(json_lines(&out.stdout).len(), 3);
    let err = text(&out.stderr);
    assert!(
        err.contains("HTTP 524 (Cloudflare: the origin took longer than 30 s to answer)"),
        "{err}"
    );
    assert!(err.contains("retrying"), "{err}");
    for _ in 0..2 {
        fake.inject(Fault::Cloudflare(522));
    }
    let out = civimg(&fake)
        .args(["--retries", "1", "list", "--max", "3"])
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.contains("error: HTTP 522 (Cloudflare: connecting to the origin timed out)"),
        "{err}"
    );
    assert!(!err.contains('<'), "{err}");
}

// `thumbnail` is a field like any other; CSV flattens it.
#[test]
fn thumbnail_is_a_field() {
    let fake = with(Modes {
        thumbnails: true,
        ..Modes::default()
    });
    let args = [
        "list",
        "--type",
        "video",
        "--nsfw",
        "x",
        "--max",
        "3",
        "--no-meta",
    ];
    let out = civimg(&fake)
        .args(args)
        .args(["-f", "csv", "--fields", "id,thumbnail.url"])
        .run_ok();
    let csv = text(&out.stdout);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("id,thumbnail.url"));
    for line in lines {
        let (id, url) = line.split_once(',').unwrap();
        let url = url.trim_matches('"');
        let want = fake.item(id.parse().unwrap()).unwrap()["thumbnail"]["url"].clone();
        assert_eq!(url, want.as_str().unwrap());
    }
    let out = civimg(&fake).args(args).args(["-f", "csv"]).run_ok();
    let csv = text(&out.stdout);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for col in ["thumbnail.url", "thumbnail.width", "thumbnail.height"] {
        assert!(header.contains(&col), "{header:?}");
    }
    let out = civimg(&fake)
        .args(args)
        .args(["-f", "jsonl", "--fields", "id,thumbnail.width"])
        .run_ok();
    for item in json_lines(&out.stdout) {
        assert!(item["thumbnail"]["width"].as_u64().is_some(), "{item}");
    }
}

// --username sends what was typed; refused only when it cannot be a name; says how the API
// reads it when that differs.
#[test]
fn usernames_go_as_typed() {
    let fake = with(Modes {
        slug_usernames: true,
        ..Modes::default()
    });
    let out = civimg(&fake)
        .args(["list", "--username", "bob.", "--nsfw", "x", "-f", "jsonl"])
        .run_ok();
    assert_eq!(json_lines(&out.stdout).len(), 7, "bob's seven");
    assert_eq!(fake.api_requests()[0].param("username"), Some("bob."));
    let err = text(&out.stderr);
    assert!(err.contains("will look for bob"), "{err}");
    let out = civimg(&fake)
        .args(["list", "--username", "bob", "--nsfw", "x", "-f", "jsonl"])
        .run_ok();
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
    fake.clear_requests();
    let long = "x".repeat(129);
    for bad in ["", " ", "bo\u{7}b", long.as_str(), "!!!"] {
        civimg(&fake).args(["list", "--username", bad]).run_fails(2);
    }
    assert!(fake.requests().is_empty());
}

// tRPC requests carry the site's Referer and Origin; a 401/403 there says a key is needed.
#[test]
fn collections_send_the_sites_headers_and_ask_for_a_key() {
    let fake = with(Modes {
        collections_need_key: true,
        ..Modes::default()
    });
    let out = civimg(&fake)
        .args(["list", "--collection-id", "5001", "--max", "2"])
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(err.contains("HTTP 401"), "{err}");
    assert!(err.contains("collections need an API key"), "{err}");
    assert_eq!(fake.requests().len(), 1, "a 401 is not retried");
    let r = &fake.requests()[0];
    let base = fake.base_url();
    assert_eq!(
        r.header("referer"),
        Some(format!("{base}/collections/5001").as_str())
    );
    assert_eq!(r.header("origin"), Some(base.as_str()));
    let out = civimg(&fake)
        .args([
            "--api-key",
            "k",
            "list",
            "--collection-id",
            "5001",
            "--max",
            "2",
            "-f",
            "jsonl",
        ])
        .run_ok();
    assert_eq!(json_lines(&out.stdout).len(), 2);
}
