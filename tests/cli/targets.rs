//! Collections over the site's tRPC, and several targets in one run (issue 11): each walked in
//! turn, no id twice, the download summary counted per target.

use serde_json::Value;
use tempfile::TempDir;

use crate::fake::{FakeCivitai, Modes};
use crate::support::{civimg, files_below, ids, json_lines, text, RunExt};

const ALL_LEVELS: u32 = 31;

fn input_of(r: &crate::fake::Recorded) -> Value {
    serde_json::from_str(r.param("input").expect("an input parameter")).unwrap()
}

// doc/api.md: no REST listing of a collection; the site's tRPC `image.getInfinite` takes one.
#[test]
fn a_collection_is_listed_over_trpc_in_the_rest_shape() {
    let fake = FakeCivitai::start();
    let want = fake.collection_ids(5001, ALL_LEVELS);
    assert!(want.len() > 60);
    let out = civimg(&fake)
        .args(["--api-key", "k-123", "--image-host", &fake.image_base()])
        .args([
            "list",
            "--collection-id",
            "5001",
            "--nsfw",
            "X",
            "--limit",
            "20",
        ])
        .args(["--sort", "newest", "--format", "jsonl"])
        .run_ok();
    let got = json_lines(&out.stdout);
    assert_eq!(ids(&got), want);
    let prefix = format!("{}/xG1nkqKTMzGDvpLrqFT7WA/", fake.image_base());
    for item in &got {
        let url = item["url"].as_str().unwrap();
        assert!(
            url.starts_with(&prefix) && url.contains("/original=true/"),
            "{url}"
        );
        assert!(item["nsfwLevel"].is_string(), "{item}");
        let stats = &item["stats"];
        assert!(stats.is_null() || stats["likeCount"].is_number(), "{item}");
    }
    // The user object becomes `username` (null for a deleted account).
    assert!(got.iter().filter(|i| i["username"].is_string()).count() > got.len() / 2);
    let reqs = fake.requests();
    assert!(reqs.iter().all(|r| r.path == "/api/trpc/image.getInfinite"));
    assert!(reqs
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer k-123")));
    let first = input_of(&reqs[0]);
    assert_eq!(first["json"]["collectionId"], 5001);
    assert_eq!(first["json"]["browsingLevel"], ALL_LEVELS);
    assert_eq!(first["json"]["sort"], "Newest");
    // The cursor goes back in its own JSON type (a number here).
    assert_eq!(input_of(&reqs[1])["json"]["cursor"], 20);

    // Every writer treats the items alike.
    let out = civimg(&fake)
        .args(["--image-host", &fake.image_base()])
        .args([
            "list",
            "--collection-id",
            "5001",
            "--nsfw",
            "X",
            "--max",
            "3",
        ])
        .args(["--format", "csv", "--fields", "id,username,stats.likeCount"])
        .run_ok();
    let csv = text(&out.stdout);
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[0].starts_with(&format!("{},", want[0])), "{csv}");
}

// issue 18: collection items keep what the REST shape has room for, under REST's keys where
// one exists (the post's `modelVersionId` in `modelVersionIds`, a video's still as
// `thumbnail.url`), and `publishedAt`, `mimeType` and a video's `duration` under their own.
#[test]
fn collection_items_keep_versions_dates_types_stills_and_durations() {
    let fake = FakeCivitai::start();
    // The REST oracle's items carry `thumbnail` with this mode.
    fake.set_modes(Modes {
        thumbnails: true,
        ..Modes::default()
    });
    let out = civimg(&fake)
        .args(["--image-host", &fake.image_base()])
        .args(["list", "--collection-id", "5001", "--nsfw", "X"])
        .args(["--format", "jsonl"])
        .run_ok();
    let got = json_lines(&out.stdout);
    assert_eq!(ids(&got), fake.collection_ids(5001, ALL_LEVELS));
    let (mut videos, mut post_versions) = (0, 0);
    for item in &got {
        let id = item["id"].as_u64().unwrap();
        let trpc = fake.collection_item(id).unwrap();
        assert!(trpc["publishedAt"].is_string() && trpc["mimeType"].is_string());
        assert_eq!(item["publishedAt"], trpc["publishedAt"], "{id}");
        assert_eq!(item["mimeType"], trpc["mimeType"], "{id}");
        let versions = item["modelVersionIds"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let listed = trpc["modelVersionIds"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(listed.iter().all(|v| versions.contains(v)), "{id}: {item}");
        if trpc["modelVersionId"].is_number() {
            assert!(versions.contains(&trpc["modelVersionId"]), "{id}: {item}");
            if !listed.contains(&trpc["modelVersionId"]) {
                post_versions += 1;
            }
        }
        let rest = fake.item(id).unwrap();
        if item["type"] == "video" {
            videos += 1;
            assert!(trpc["metadata"]["duration"].is_number());
            assert_eq!(item["duration"], trpc["metadata"]["duration"], "{id}");
            assert!(rest["thumbnail"]["url"].is_string());
            assert_eq!(item["thumbnail"]["url"], rest["thumbnail"]["url"], "{id}");
        } else {
            assert!(item.get("duration").is_none() && item.get("thumbnail").is_none());
        }
    }
    assert!(videos > 0 && post_versions > 0, "{videos} {post_versions}");

    // `--fields` takes them, as every writer does.
    let video = got.iter().find(|i| i["type"] == "video").unwrap();
    let out = civimg(&fake)
        .args(["--image-host", &fake.image_base()])
        .args([
            "list",
            "--collection-id",
            "5001",
            "--nsfw",
            "X",
            "--type",
            "video",
        ])
        .args(["--format", "csv", "--max", "1"])
        .args(["--fields", "id,publishedAt,mimeType,duration,thumbnail.url"])
        .run_ok();
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        ["id", "publishedAt", "mimeType", "duration", "thumbnail.url"]
    );
    assert_eq!(rows.len(), 1);
    let want = [
        video["id"].to_string(),
        video["publishedAt"].as_str().unwrap().to_string(),
        video["mimeType"].as_str().unwrap().to_string(),
        video["duration"].to_string(),
        video["thumbnail"]["url"].as_str().unwrap().to_string(),
    ];
    assert_eq!(rows[0].iter().collect::<Vec<_>>(), want);
}

#[test]
fn file_urls_point_at_the_default_image_host() {
    let fake = FakeCivitai::start();
    let out = civimg(&fake)
        .args([
            "list",
            "--collection-id",
            "5001",
            "--max",
            "1",
            "--format",
            "jsonl",
        ])
        .run_ok();
    let url = json_lines(&out.stdout)[0]["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        url.starts_with("https://image.civitai.com/xG1nkqKTMzGDvpLrqFT7WA/"),
        "{url}"
    );
}

// The README's offline walk-through points collection files at the fake with the environment
// variable the fake prints; `config show` names it as the source.
#[test]
fn the_image_host_comes_from_its_environment_variable() {
    let fake = FakeCivitai::start();
    let out = civimg(&fake)
        .env("CIVIMG_IMAGE_HOST", fake.image_base())
        .args(["list", "--collection-id", "5001", "--max", "1"])
        .args(["--format", "jsonl"])
        .run_ok();
    let url = json_lines(&out.stdout)[0]["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(url.starts_with(&fake.image_base()), "{url}");
    let shown = civimg(&fake)
        .env("CIVIMG_IMAGE_HOST", fake.image_base())
        .args(["config", "show"])
        .run_ok();
    assert!(
        text(&shown.stdout).contains("CIVIMG_IMAGE_HOST"),
        "{}",
        text(&shown.stdout)
    );
}

#[test]
fn a_collection_downloads_from_the_image_host_without_the_key() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    civimg(&fake)
        .args(["--api-key", "k-123", "--image-host", &fake.image_base()])
        .args([
            "download",
            "--collection-id",
            "5001",
            "--nsfw",
            "X",
            "--max",
            "4",
        ])
        .args(["--name", "{username}/{id}.{ext}", "-o"])
        .arg(dir.path())
        .run_ok();
    let files = files_below(dir.path());
    assert_eq!(files.len(), 4, "{files:?}");
    for id in &fake.collection_ids(5001, ALL_LEVELS)[..4] {
        let file = files
            .iter()
            .find(|f| f.file_stem().unwrap().to_string_lossy() == id.to_string())
            .unwrap_or_else(|| panic!("{id} in {files:?}"));
        assert!(
            file.parent().is_some_and(|p| !p.as_os_str().is_empty()),
            "under a user folder"
        );
        assert_eq!(
            std::fs::read(dir.path().join(file)).unwrap(),
            fake.original_bytes(*id)
        );
    }
    let images = fake.image_requests();
    assert!(!images.is_empty());
    assert!(images.iter().all(|r| r.header("authorization").is_none()));
}

#[test]
fn collections_refuse_other_targets_and_name_unknown_ones() {
    let fake = FakeCivitai::start();
    civimg(&fake)
        .args(["list", "--collection-id", "5001", "--username", "bob"])
        .run_fails(2);
    let out = civimg(&fake)
        .args(["list", "--collection-id", "777"])
        .run_fails(1);
    assert_eq!(text(&out.stderr), "civimg: error: no collection 777\n");
}

/// Items of a REST walk with these params and `nsfw=X`.
fn walk_ids(fake: &FakeCivitai, params: &[(&str, &str)]) -> Vec<u64> {
    let mut p = params.to_vec();
    p.extend([("nsfw", "X"), ("withMeta", "true"), ("flatMeta", "true")]);
    ids(&fake.walk(&p))
}

/// `a` then what `b` adds: the order of a walk over two targets without repeats.
fn in_turn(a: Vec<u64>, b: Vec<u64>) -> (Vec<u64>, usize) {
    let mut out = a.clone();
    let mut repeats = 0;
    for id in b {
        if out.contains(&id) {
            repeats += 1;
        } else {
            out.push(id);
        }
    }
    (out, repeats)
}

#[test]
fn several_targets_are_walked_in_turn_and_no_id_comes_twice() {
    let fake = FakeCivitai::start();
    // A checkpoint version and a LoRA version: images made with both belong to both.
    let (want, repeats) = in_turn(
        walk_ids(&fake, &[("modelVersionId", "1011")]),
        walk_ids(&fake, &[("modelVersionId", "2011")]),
    );
    assert!(repeats > 0, "the two targets share images");
    let out = civimg(&fake)
        .args([
            "list",
            "--model-version-id",
            "1011",
            "--model-version-id",
            "2011",
        ])
        .args(["--nsfw", "X", "--format", "jsonl"])
        .run_ok();
    assert_eq!(ids(&json_lines(&out.stdout)), want);
    let versions: Vec<String> = fake
        .api_requests()
        .iter()
        .map(|r| r.param("modelVersionId").unwrap().to_string())
        .collect();
    let switch = versions.iter().position(|v| v == "2011").unwrap();
    assert!(versions[..switch].iter().all(|v| v == "1011"));
    assert!(versions[switch..].iter().all(|v| v == "2011"));

    // Two collections that share items.
    let (want, repeats) = in_turn(
        fake.collection_ids(5001, ALL_LEVELS),
        fake.collection_ids(5002, ALL_LEVELS),
    );
    assert!(repeats > 0);
    let out = civimg(&fake)
        .args([
            "list",
            "--collection-id",
            "5001",
            "--collection-id",
            "5002",
            "--nsfw",
            "X",
        ])
        .args(["--sort", "newest", "--format", "jsonl"])
        .run_ok();
    assert_eq!(ids(&json_lines(&out.stdout)), want);
}

#[test]
fn repeated_flags_of_two_kinds_give_every_combination() {
    let fake = FakeCivitai::start();
    let out = civimg(&fake)
        .args(["list", "--username", "bob", "--username", "carol_x"])
        .args(["--post-id", "1", "--post-id", "2", "--format", "jsonl"])
        .run_fails(1);
    assert!(json_lines(&out.stdout).is_empty());
    // Neither post exists: each is named once, however many combinations it is in.
    assert_eq!(text(&out.stderr), "civimg: error: no post 1; no post 2\n");
    let combos: Vec<(String, String)> = fake
        .api_requests()
        .iter()
        .map(|r| {
            (
                r.param("username").unwrap().into(),
                r.param("postId").unwrap().into(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("bob", "1"),
        ("carol_x", "1"),
        ("bob", "2"),
        ("carol_x", "2"),
    ]
    .iter()
    .map(|(u, p)| (u.to_string(), p.to_string()))
    .collect();
    let mut sorted = combos.clone();
    sorted.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(sorted, want_sorted, "{combos:?}");
}

#[test]
fn the_download_summary_counts_per_target() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let bob = walk_ids(&fake, &[("username", "bob")]);
    let carol = walk_ids(&fake, &[("username", "carol_x")]);
    let run = |extra: &[&str]| {
        civimg(&fake)
            .args([
                "download",
                "--username",
                "bob",
                "--username",
                "carol_x",
                "--nsfw",
                "X",
            ])
            .args(extra)
            .arg("-o")
            .arg(dir.path())
            .run_ok()
    };
    let out = run(&[]);
    let err = text(&out.stderr);
    let total = bob.len() + carol.len();
    assert!(
        err.contains(&format!("civimg: {total} downloaded")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "username bob: {} new, 0 already present, 0 failed\n",
            bob.len()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("username carol_x: {} new", carol.len())),
        "{err}"
    );
    assert_eq!(files_below(dir.path()).len(), total);

    // --stop-after-known ends one target's listing, not the run: bob is known, carol is not.
    for id in &carol {
        let name = files_below(dir.path())
            .into_iter()
            .find(|f| f.file_stem().unwrap().to_string_lossy() == id.to_string())
            .unwrap();
        std::fs::remove_file(dir.path().join(name)).unwrap();
    }
    fake.clear_requests();
    let out = run(&[
        "--sort",
        "newest",
        "--stop-after-known",
        "2",
        "--limit",
        "2",
    ]);
    let err = text(&out.stderr);
    assert!(
        err.contains("username bob: 0 new, 2 already present, 0 failed; stopped early after 2 known in a row"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "username carol_x: {} new, 0 already present, 0 failed\n",
            carol.len()
        )),
        "{err}"
    );
    let bob_pages = fake
        .api_requests()
        .iter()
        .filter(|r| r.param("username") == Some("bob"))
        .count();
    assert!(
        bob_pages <= 2,
        "bob's listing stopped early: {bob_pages} pages"
    );
}

// A walk of several targets that stops names the target in its resume cursor; resuming skips
// the targets before it.
#[test]
fn a_walk_over_several_targets_resumes_in_the_right_one() {
    let fake = FakeCivitai::start();
    fake.inject_after(2, crate::fake::Fault::InvalidJson);
    let args = [
        "list",
        "--username",
        "bob",
        "--username",
        "alice_ai",
        "--limit",
        "20",
    ];
    let out = civimg(&fake)
        .args(args)
        .args(["--nsfw", "X", "--format", "jsonl"])
        .run_fails(1);
    let reqs = fake.api_requests();
    assert_eq!(reqs[0].param("username"), Some("bob"));
    assert_eq!(reqs[2].param("username"), Some("alice_ai"));
    let cursor = reqs[2].param("cursor").unwrap().to_string();
    let resume = format!("username=alice_ai@{cursor}");
    let err = text(&out.stderr);
    assert!(err.contains(&format!("--cursor '{resume}'")), "{err}");
    let done = json_lines(&out.stdout);
    fake.clear_requests();
    let out = civimg(&fake)
        .args(args)
        .args(["--nsfw", "X", "--format", "jsonl", "--cursor", &resume])
        .run_ok();
    let reqs = fake.api_requests();
    assert!(reqs.iter().all(|r| r.param("username") == Some("alice_ai")));
    assert_eq!(reqs[0].param("cursor"), Some(cursor.as_str()));
    let mut all = ids(&done);
    all.extend(ids(&json_lines(&out.stdout)));
    let (want, _) = in_turn(
        walk_ids(&fake, &[("username", "bob"), ("limit", "20")]),
        walk_ids(&fake, &[("username", "alice_ai"), ("limit", "20")]),
    );
    assert_eq!(all, want, "nothing lost, nothing twice");
}

// Issue 16: a run of one target says when --stop-after-known ended its listing early.
#[test]
fn a_single_target_summary_says_it_stopped_early_on_known_items() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let run = || {
        civimg(&fake)
            .args([
                "download",
                "--username",
                "bob",
                "--nsfw",
                "X",
                "--sort",
                "newest",
            ])
            .args(["--stop-after-known", "2", "--limit", "2", "-o"])
            .arg(dir.path())
            .run_ok()
    };
    let first = text(&run().stderr);
    assert!(first.contains("civimg: 7 downloaded"), "{first}");
    assert!(!first.contains("stopped early"), "{first}");
    let again = text(&run().stderr);
    assert!(again.contains("civimg: 0 downloaded"), "{again}");
    assert!(
        again.contains(
            "civimg: the listing stopped early after 2 known items in a row (--stop-after-known)"
        ),
        "{again}"
    );
}
