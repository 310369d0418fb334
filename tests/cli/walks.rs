//! Complete walks on the three backends of doc/api.md ("Three backends behind one endpoint"):
//! model walks version by version, the legacy path's timeouts, refusals and ignored sorts,
//! cursors of every form, flat meta, tags and pacing.

use std::time::Duration;

use serde_json::Value;

use crate::fake::{FakeCivitai, Fault, Modes};
use crate::support::{civimg, ids, json_lines, text, RunExt};

fn legacy() -> Modes {
    Modes {
        legacy: true,
        ..Modes::default()
    }
}

// doc/api.md: the legacy path loses one image per page on descending sorts (the one whose id is
// the next cursor); a model walk still returns every image, once, in one order.
#[test]
fn a_model_walk_returns_every_image_where_the_legacy_path_drops_some() {
    let fake = FakeCivitai::start();
    // The full set, from the fake's complete modelId walk (its default path has no loss).
    let want = fake.walk(&[
        ("modelId", "104"),
        ("browsingLevel", "63"),
        ("limit", "200"),
        ("sort", "Newest"),
    ]);
    fake.set_modes(legacy());
    let lossy = fake.walk(&[
        ("modelId", "104"),
        ("browsingLevel", "63"),
        ("limit", "10"),
        ("sort", "Newest"),
    ]);
    assert!(
        lossy.len() < want.len(),
        "the real legacy walk loses images"
    );
    let args = [
        "list",
        "--model-id",
        "104",
        "--limit",
        "10",
        "--browsing-level",
        "63",
        "--sort",
        "newest",
        "--format",
        "jsonl",
    ];
    let out = civimg(&fake).args(args).run_ok();
    assert_eq!(
        ids(&json_lines(&out.stdout)),
        ids(&want),
        "every image, once, in one order"
    );
    let reqs = fake.requests();
    assert_eq!(reqs[0].path, "/api/v1/models/104");
    let pages: Vec<_> = reqs.iter().filter(|r| r.path == "/api/v1/images").collect();
    assert!(pages.iter().all(|r| r.param("modelId") == Some("104")));
    for v in ["1033", "1032", "1031"] {
        let of_v = pages
            .iter()
            .filter(|r| r.param("modelVersionId") == Some(v));
        assert!(of_v.count() >= 2, "{v}: several pages");
    }

    // A model the models endpoint does not list: its own listing alone, where the image each
    // page leaves out is looked up by id.
    fake.set_modes(Modes {
        no_models_api: true,
        ..legacy()
    });
    fake.clear_requests();
    let out = civimg(&fake).args(args).run_ok();
    assert_eq!(ids(&json_lines(&out.stdout)), ids(&want), "nothing lost");
    let lookups = fake
        .api_requests()
        .iter()
        .filter(|r| r.param("imageId").is_some())
        .count();
    assert!(lookups >= want.len() / 10 - 1, "{lookups} look-ups");
}

// doc/api.md: a legacy query past ~20 s answers an empty page that looks like the end.
#[test]
fn a_legacy_walk_ending_empty_after_a_full_page_is_a_probable_timeout_and_resumes() {
    let fake = FakeCivitai::start();
    fake.set_modes(Modes {
        legacy: true,
        no_models_api: true,
        ..Modes::default()
    });
    fake.inject_after(2, Fault::StatementTimeout);
    let args = [
        "list",
        "--model-id",
        "104",
        "--limit",
        "10",
        "--browsing-level",
        "63",
    ];
    let out = civimg(&fake)
        .args(args)
        .args(["--sort", "oldest", "--format", "jsonl"])
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.contains("civimg: error: ") && err.contains("probably a server timeout"),
        "{err}"
    );
    assert_eq!(json_lines(&out.stdout).len(), 20);
    let reqs = fake.api_requests();
    let cursor = reqs[2].param("cursor").unwrap().to_string();
    let resume = format!("modelId=104@model={cursor}");
    assert!(
        err.contains("20 items came before the failure")
            && err.contains(&format!("--cursor '{resume}'")),
        "{err}"
    );
    fake.clear_requests();
    let out = civimg(&fake)
        .args(args)
        .args(["--sort", "oldest", "--format", "jsonl", "--cursor", &resume])
        .run_ok();
    let first = &fake.api_requests()[0];
    assert_eq!(first.param("cursor"), Some(cursor.as_str()));
    assert_eq!(first.param("modelId"), Some("104"));
    let rest = ids(&json_lines(&out.stdout));
    let want = fake.walk(&[
        ("modelId", "104"),
        ("browsingLevel", "63"),
        ("limit", "10"),
        ("sort", "Oldest"),
    ]);
    assert_eq!(
        rest,
        ids(&want[20..]),
        "Oldest on the legacy path loses nothing"
    );
}

#[test]
fn sorts_the_api_refuses_or_ignores() {
    let fake = FakeCivitai::start();
    fake.set_modes(legacy());
    let out = civimg(&fake)
        .args(["list", "--image-id", "10000013", "--sort", "random"])
        .run_fails(2);
    let err = text(&out.stderr);
    assert!(err.contains("--sort random with --image-id"), "{err}");
    assert!(fake.requests().is_empty(), "refused before any request");

    let out = civimg(&fake)
        .args([
            "list",
            "--username",
            "bob",
            "--sort",
            "random",
            "--format",
            "jsonl",
        ])
        .run_ok();
    let err = text(&out.stderr);
    assert_eq!(err.matches("ignores --sort random").count(), 1, "{err}");

    let out = civimg(&fake)
        .args([
            "list",
            "--image-id",
            "10000013",
            "--sort",
            "most-comments",
            "--format",
            "jsonl",
        ])
        .run_ok();
    assert!(
        text(&out.stderr).contains("ignores --sort most-comments"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_unknown_user_on_the_legacy_path_is_named() {
    let fake = FakeCivitai::start();
    fake.set_modes(legacy());
    let out = civimg(&fake)
        .args([
            "list",
            "--image-id",
            "10000013",
            "--username",
            "nobody_here",
        ])
        .run_fails(1);
    assert_eq!(
        text(&out.stderr),
        "civimg: error: no images by a user named nobody_here at any browsing level: is the name \
         spelt as in the profile URL, civitai.com/user/NAME?\n"
    );
}

// doc/api.md: `offset|bdx:{json}` cursors hold `{`, `"`, `:`, `,` and must be percent-encoded; the
// fake restarts at offset 0 on any other byte, so a walk equal to the oracle proves the trip.
#[test]
fn bdx_cursors_round_trip_byte_for_byte() {
    let fake = FakeCivitai::start();
    fake.set_modes(Modes {
        bdx_cursors: true,
        ..Modes::default()
    });
    let params = [
        ("username", "alice_ai"),
        ("limit", "20"),
        ("withMeta", "true"),
        ("flatMeta", "true"),
    ];
    let want = fake.walk(&params);
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
    assert_eq!(ids(&json_lines(&out.stdout)), ids(&want));
    let reqs = fake.api_requests();
    assert!(reqs.len() > 5);
    for r in &reqs[1..] {
        let c = r.param("cursor").unwrap();
        assert!(
            c.contains("|bdx:{\"sortAt\":\"") && c.contains("+00:00"),
            "{c}"
        );
        assert!(
            r.raw_query.contains("%7B%22") && !r.raw_query.contains('{'),
            "{}",
            r.raw_query
        );
    }
    // Given back with --cursor, the same bytes reach the server.
    let cursor = reqs[3].param("cursor").unwrap().to_string();
    fake.clear_requests();
    civimg(&fake)
        .args([
            "list",
            "--username",
            "alice_ai",
            "--limit",
            "20",
            "--max",
            "5",
            "--cursor",
            &cursor,
        ])
        .run_ok();
    assert_eq!(
        fake.api_requests()[0].param("cursor"),
        Some(cursor.as_str())
    );
}

fn flat_prompt(item: &Value) -> bool {
    let meta = &item["meta"];
    meta.get("prompt").is_some() && meta.get("meta").is_none()
}

// doc/api.md: `flatMeta=true` forces the flat shape; a server that ignores it still wraps.
#[test]
fn meta_is_asked_flat_and_unwrapped_when_the_server_ignores_that() {
    let fake = FakeCivitai::start();
    fake.set_modes(Modes {
        no_models_api: true,
        ..Modes::default()
    });
    let raw = fake.walk(&[("modelId", "101"), ("withMeta", "true"), ("nsfw", "X")]);
    assert!(
        raw.iter().any(|i| i["meta"].get("meta").is_some()),
        "the fake wraps meta here"
    );
    let out = civimg(&fake)
        .args([
            "list",
            "--model-id",
            "101",
            "--nsfw",
            "X",
            "--format",
            "jsonl",
        ])
        .run_ok();
    let got = json_lines(&out.stdout);
    assert_eq!(ids(&got), ids(&raw));
    assert!(got.iter().filter(|i| !i["meta"].is_null()).all(flat_prompt));
    for (g, w) in got.iter().zip(&raw) {
        if !w["meta"].is_null() {
            assert_eq!(g["meta"], w["meta"]["meta"], "the inner meta, untouched");
        }
    }
    assert!(fake
        .api_requests()
        .iter()
        .all(|r| r.param("flatMeta") == Some("true")));
}

#[test]
fn with_tags_asks_for_tags_and_shows_their_names() {
    let fake = FakeCivitai::start();
    let list = ["list", "--username", "bob", "--nsfw", "X", "--with-tags"];
    let out = civimg(&fake)
        .args(list)
        .args(["--format", "jsonl"])
        .run_ok();
    let got = json_lines(&out.stdout);
    assert!(got.iter().all(|i| i["tags"].is_array()));
    assert!(fake
        .api_requests()
        .iter()
        .all(|r| r.param("withTags") == Some("true")));
    let names = |i: &Value| -> String {
        let t = i["tags"].as_array().unwrap();
        t.iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect::<Vec<_>>()
            .join(";")
    };
    let out = civimg(&fake)
        .args(list)
        .args(["--format", "csv"])
        .args(["--fields", "id,tags"])
        .run_ok();
    let csv = text(&out.stdout);
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), got.len());
    for (row, item) in rows.iter().zip(&got) {
        let tags = names(item);
        assert!(tags.contains(';') || !tags.is_empty());
        assert_eq!(*row, format!("{},{}", item["id"], tags));
    }
    let out = civimg(&fake).args(list).args(["--format", "csv"]).run_ok();
    assert!(text(&out.stdout).lines().next().unwrap().ends_with(",tags"));
}

fn gaps(fake: &FakeCivitai) -> Vec<Duration> {
    let reqs = fake.api_requests();
    reqs.windows(2).map(|w| w[1].at - w[0].at).collect()
}

// doc/api.md: tools pace themselves; after a 503 the walk keeps the distance the server asked for,
// then speeds up again.
#[test]
fn after_a_503_requests_keep_their_distance_then_speed_up() {
    let fake = FakeCivitai::start();
    fake.inject(Fault::ApiOverloaded {
        retry_after: Some(1),
    });
    let out = civimg(&fake)
        .args([
            "list", "--nsfw", "X", "--limit", "5", "--max", "40", "--format", "jsonl",
        ])
        .run_ok();
    assert_eq!(json_lines(&out.stdout).len(), 40);
    assert!(
        text(&out.stderr).contains("temporarily overloaded"),
        "{}",
        text(&out.stderr)
    );
    let g = gaps(&fake);
    assert!(g[0] >= Duration::from_secs(1), "{g:?}");
    assert!(
        g[1] >= Duration::from_millis(480),
        "still spaced after the retry: {g:?}"
    );
    assert!(
        g[1] < g[0] && g[2] < g[1],
        "and faster with each success: {g:?}"
    );
    // Halved with each success, the gap is a few milliseconds by the eighth request; a
    // quarter of the second gap (≥ 480 ms) leaves room for a loaded machine's stalls and still
    // fails a pacer that stops relaxing (its gaps would stay near g[1]).
    assert!(g[7] < g[1] / 4, "back to full speed: {g:?}");
}

#[test]
fn api_interval_sets_a_floor() {
    let fake = FakeCivitai::start();
    civimg(&fake)
        .args([
            "--api-interval",
            "0.3",
            "list",
            "--nsfw",
            "X",
            "--limit",
            "5",
            "--max",
            "20",
        ])
        .args(["--format", "jsonl"])
        .run_ok();
    let g = gaps(&fake);
    assert_eq!(g.len(), 3);
    assert!(g.iter().all(|d| *d >= Duration::from_millis(200)), "{g:?}");
    civimg(&fake)
        .args(["--api-interval", "-1", "list"])
        .run_fails(2);
}

// A user who wants to be gentle says so once, in the config file; `config show` names it.
#[test]
fn api_interval_and_image_host_come_from_the_config_file() {
    let fake = FakeCivitai::start();
    let dir = tempfile::TempDir::new().unwrap();
    let cfg = dir.path().join("config.toml");
    let text_of = format!(
        "api_interval = 0.3\nimage_host = \"{}\"\n",
        fake.image_base()
    );
    std::fs::write(&cfg, text_of).unwrap();
    let out = civimg(&fake)
        .env("CIVIMG_CONFIG", &cfg)
        .args(["config", "show"])
        .run_ok();
    let shown = text(&out.stdout);
    for key in ["api_interval = 0.3", "image_host = "] {
        let row = shown
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{shown}"));
        assert!(row.contains("config file"), "{row}");
    }
    let out = civimg(&fake)
        .env("CIVIMG_CONFIG", &cfg)
        .args([
            "list",
            "--collection-id",
            "5001",
            "--nsfw",
            "X",
            "--limit",
            "5",
            "--max",
            "15",
        ])
        .args(["--format", "jsonl"])
        .run_ok();
    let items = json_lines(&out.stdout);
    assert!(items[0]["url"]
        .as_str()
        .unwrap()
        .starts_with(&fake.image_base()));
    let reqs = fake.requests();
    let g: Vec<Duration> = reqs.windows(2).map(|w| w[1].at - w[0].at).collect();
    assert_eq!(g.len(), 2);
    // The fake times arrivals, not departures: leave room for a late first arrival (seen: 233 ms
    // apart under load for a 250 ms interval). The default interval is 0.
    assert!(g.iter().all(|d| *d >= Duration::from_millis(200)), "{g:?}");
}
