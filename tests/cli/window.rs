//! `--since` / `--until`: items whose `createdAt` falls in a UTC window; sorted walks stop
//! once they are past it, other sorts read every page.

use serde_json::Value;
use tempfile::TempDir;

use crate::fake::FakeCivitai;
use crate::support::{civimg, files_below, ids, json_lines, text, RunExt};

/// Items of a full oracle walk created from `since` to `until` (ISO strings, compared as text:
/// the fake writes every `createdAt` in one fixed format).
fn within(items: Vec<Value>, since: &str, until: &str) -> Vec<Value> {
    items
        .into_iter()
        .filter(|i| {
            let at = i["createdAt"].as_str().unwrap();
            at >= since && at <= until
        })
        .collect()
}

/// `list … -f jsonl` with these flags: the items and the number of API requests it made.
fn list(fake: &FakeCivitai, flags: &[&str]) -> (Vec<Value>, usize) {
    fake.clear_requests();
    let out = civimg(fake)
        .arg("list")
        .args(flags)
        .args(["-f", "jsonl"])
        .run_ok();
    (json_lines(&out.stdout), fake.api_requests().len())
}

#[test]
fn a_week_of_a_model_newest_first_stops_past_since() {
    let fake = FakeCivitai::start();
    let base = [
        "--model-id",
        "102",
        "--nsfw",
        "X",
        "--limit",
        "20",
        "--sort",
        "newest",
    ];
    let (all, all_pages) = list(&fake, &base);
    let week = ["--since", "2026-10-01", "--until", "2026-10-07"];
    let (got, pages) = list(&fake, &[&base[..], &week[..]].concat());
    let want = within(
        all.clone(),
        "2026-10-01T00:00:00.000Z",
        "2026-10-07T23:59:59.999Z",
    );
    assert!(want.len() >= 2, "the fake has such a week: {}", want.len());
    assert!(
        all[0]["createdAt"].as_str().unwrap() > "2026-10-08",
        "and newer items"
    );
    assert_eq!(ids(&got), ids(&want));
    // Each of the model's listings (its versions and its own, merged in one order) was read up
    // to the page holding its first item older than the week, and no further.
    assert!(pages < all_pages, "{pages} of {all_pages} pages");
    let asked = fake.api_requests();
    for version in [Some("1011"), Some("1012"), None] {
        let mut params = vec![("modelId", "102"), ("nsfw", "X"), ("limit", "20")];
        params.push(("sort", "Newest"));
        params.extend(version.map(|v| ("modelVersionId", v)));
        let listing = fake.walk(&params);
        let first_older = listing
            .iter()
            .position(|i| i["createdAt"].as_str().unwrap() < "2026-10-01")
            .unwrap();
        let read = asked
            .iter()
            .filter(|r| r.param("modelVersionId") == version && r.param("imageId").is_none())
            .count();
        assert!(
            read <= first_older / 20 + 2,
            "{version:?}: {read} pages, first older item #{first_older}"
        );
    }
    assert!(
        fake.api_requests()
            .iter()
            .all(|r| r.param("since").is_none()),
        "the window is civimg's own: the API has no such parameter"
    );
}

#[test]
fn oldest_first_stops_past_until_and_other_sorts_read_every_page() {
    let fake = FakeCivitai::start();
    let base = [
        "--username",
        "dave_art",
        "--limit",
        "50",
        "--sort",
        "oldest",
    ];
    let (all, all_pages) = list(&fake, &base);
    let (got, pages) = list(&fake, &[&base[..], &["--until", "2023-12-31"][..]].concat());
    let want = within(all, "", "2023-12-31T23:59:59.999Z");
    assert!(!want.is_empty());
    assert_eq!(ids(&got), ids(&want));
    assert!(pages < all_pages, "{pages} of {all_pages} pages");

    // Most reactions (the API's default): no order by date, so every page is read.
    let base = ["--username", "dave_art", "--limit", "50"];
    let (all, all_pages) = list(&fake, &base);
    let since = "2026-06-01T12:00:00+02:00";
    let (got, pages) = list(&fake, &[&base[..], &["--since", since][..]].concat());
    assert_eq!(
        ids(&got),
        ids(&within(all, "2026-06-01T10:00:00.000Z", "~"))
    );
    assert_eq!(pages, all_pages);
}

#[test]
fn download_takes_the_window_and_bad_dates_are_refused() {
    let fake = FakeCivitai::start();
    let bob = fake.walk(&[("username", "bob"), ("nsfw", "X")]);
    let want = within(bob, "2025-01-01", "~");
    assert!((1..7).contains(&want.len()), "{}", want.len());
    let dir = TempDir::new().unwrap();
    civimg(&fake)
        .args([
            "download",
            "--username",
            "bob",
            "--nsfw",
            "X",
            "--since",
            "2025-01-01",
            "-o",
        ])
        .arg(dir.path())
        .run_ok();
    assert_eq!(files_below(dir.path()).len(), want.len());

    let out = civimg(&fake)
        .args(["list", "--since", "last week"])
        .run_fails(2);
    assert!(
        text(&out.stderr).contains("use YYYY-MM-DD"),
        "{}",
        text(&out.stderr)
    );
    fake.clear_requests();
    let empty = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args(["download", "--username", "bob", "-o"])
        .arg(empty.path().join("new"))
        .args(["--since", "2026-10-08", "--until", "2026-10-01"])
        .run_fails(2);
    let err = text(&out.stderr);
    assert!(err.contains("--since is later than --until"), "{err}");
    assert!(fake.requests().is_empty());
    assert!(!empty.path().join("new").exists());
}

// Issue 21: pages of newer items outside the window are progress, not empty pages: a day more
// than 50 pages down a newest-first walk is found (the walk stopped after 50 such pages with an
// error before, which broke "a week of a busy model"). Pages with nothing new at all still
// count toward that stop.
#[test]
fn a_day_more_than_fifty_pages_down_is_found() {
    let fake = FakeCivitai::start();
    let base = ["--username", "dave_art", "--nsfw", "X", "--sort", "newest"];
    let (all, _) = list(&fake, &base);
    assert!(all.len() > 70, "{}", all.len());
    // The day of the 61st newest item, walked one item per page.
    let day = all[60]["createdAt"].as_str().unwrap()[..10].to_string();
    let (since, until) = (
        format!("{day}T00:00:00.000Z"),
        format!("{day}T23:59:59.999Z"),
    );
    let want = within(all.clone(), &since, &until);
    let first_in = all
        .iter()
        .position(|i| i["createdAt"].as_str().unwrap() <= until.as_str())
        .unwrap();
    assert!(first_in >= 55, "{first_in} newer items");
    let window = ["--since", &day, "--until", &day, "--limit", "1"];
    let (got, pages) = list(&fake, &[&base[..], &window[..]].concat());
    assert_eq!(ids(&got), ids(&want));
    assert!(pages > first_in, "{pages}");
}

// Issue 21: a multibyte character in `--since`, or in an item's `createdAt`, is no date (it
// panicked the parser): a usage error for the flag, a dropped item (with the warning) for the
// API's text.
#[test]
fn multibyte_characters_in_dates_are_no_dates() {
    use crate::scripted::{Answer, Scripted};
    let fake = FakeCivitai::start();
    let out = civimg(&fake)
        .args([
            "list",
            "--username",
            "bob",
            "--since",
            "2026-06-01T00:00:0é",
        ])
        .run_fails(2);
    assert!(
        text(&out.stderr).contains("is not a date"),
        "{}",
        text(&out.stderr)
    );
    let page = r#"{"items":[
        {"id":1,"username":"bob","createdAt":"2026-06-01T00:00:0éZ"},
        {"id":2,"username":"bob","createdAt":"2026-06-0２T00:00:00Z"},
        {"id":3,"username":"bob","createdAt":"2026-06-03T00:00:00.1é"},
        {"id":4,"username":"bob","createdAt":"2026-06-04T00:00:00Z"}],"metadata":{}}"#;
    let api = Scripted::start(move |_| {
        let json = vec![("Content-Type".into(), "application/json".into())];
        Answer::Body(200, json, page.as_bytes().to_vec())
    });
    let out = crate::support::bare()
        .args(["--base-url", &api.base()])
        .args([
            "list",
            "--username",
            "bob",
            "--since",
            "2026-01-01",
            "-f",
            "jsonl",
        ])
        .run_ok();
    assert_eq!(ids(&json_lines(&out.stdout)), [4]);
    assert!(
        text(&out.stderr).contains("without a readable createdAt"),
        "{}",
        text(&out.stderr)
    );
}
