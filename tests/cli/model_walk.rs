//! A model walked as one list (issue 16, "One order per walk"; issue 15, `--model-id`): its
//! versions merged in `--sort` order, `--max` as the model's first N, and the README's mirror
//! recipe catching a new image posted to an older version.

use std::path::Path;

use serde_json::{json, Value};
use tempfile::TempDir;

use crate::fake::{FakeCivitai, FakeConfig, Fault, Modes};
use crate::support::{civimg, ids, json_lines, text, RunExt};

/// The model's images as one list in `sort`, from the fake's own complete `modelId` walk (its
/// default path sorts the whole model properly and loses nothing).
fn one_list(fake: &FakeCivitai, model: &str, sort: &str) -> Vec<Value> {
    fake.walk(&[
        ("modelId", model),
        ("sort", sort),
        ("browsingLevel", "63"),
        ("limit", "200"),
    ])
}

/// How often consecutive items change version: the dates of the versions interleave.
fn version_changes(items: &[Value]) -> usize {
    let versions: Vec<String> = items
        .iter()
        .map(|i| i["modelVersionIds"][0].to_string())
        .collect();
    versions.windows(2).filter(|w| w[0] != w[1]).count()
}

// Issue 16: `list --model-id 104 --sort newest` printed one version newest-first, then jumped
// back in time for the next; now the model comes out in one order, whatever the sort.
#[test]
fn a_model_whose_versions_interleave_comes_out_in_one_order() {
    let fake = FakeCivitai::start();
    for (flag, api) in [
        ("newest", "Newest"),
        ("oldest", "Oldest"),
        ("most-reactions", "Most Reactions"),
    ] {
        let want = one_list(&fake, "104", api);
        assert!(
            version_changes(&want) > 20,
            "{flag}: the versions interleave"
        );
        let walk = |extra: &[&str]| {
            let out = civimg(&fake)
                .args(["list", "--model-id", "104", "--browsing-level", "63"])
                .args(["--limit", "10", "--sort", flag, "--format", "jsonl"])
                .args(extra)
                .run_ok();
            ids(&json_lines(&out.stdout))
        };
        assert_eq!(walk(&[]), ids(&want), "{flag}: one order, every image once");
        assert_eq!(
            walk(&["--max", "7"]),
            ids(&want[..7]),
            "{flag}: the model's 7 first"
        );
    }
    // Every version was walked on the feed path, side by side.
    let versions: Vec<String> = fake
        .api_requests()
        .iter()
        .filter_map(|r| r.param("modelVersionId").map(str::to_string))
        .collect();
    for v in ["1031", "1032", "1033"] {
        assert!(versions.iter().any(|x| x == v), "{v}: {versions:?}");
    }
}

/// The README's model-mirror recipe, exactly as written there (`civimg` and its arguments).
fn readme_mirror_recipe() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let line = readme
        .lines()
        .find(|l| l.starts_with("civimg download --model-id 101 --sort newest --stop-after-known"))
        .expect("the README has a model-mirror recipe");
    let line = line.split('#').next().unwrap_or(line);
    let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    assert!(
        words.iter().all(|w| !w.contains(['\'', '"', '$', '~'])),
        "the recipe is plain words: {line}"
    );
    words[1..].to_vec()
}

// Issue 16: the README's mirror recipe ended the whole model after the first version's known
// images, so a new image posted to an older version was never fetched.
#[test]
fn the_readme_mirror_recipe_fetches_a_new_image_posted_to_an_older_version() {
    // Enough images that the newest version alone holds more known images than the recipe's
    // --stop-after-known: a walk version by version would stop before the older one.
    let fake = FakeCivitai::start_with(FakeConfig {
        images: 2600,
        ..FakeConfig::default()
    });
    let recipe = readme_mirror_recipe();
    let known: usize = recipe[recipe
        .iter()
        .position(|w| w == "--stop-after-known")
        .unwrap()
        + 1]
    .parse()
    .unwrap();
    let newest_version = fake.walk(&[("modelVersionId", "1002"), ("limit", "200")]);
    assert!(newest_version.len() > known, "{}", newest_version.len());
    let dir = TempDir::new().unwrap();
    civimg(&fake).current_dir(dir.path()).args(&recipe).run_ok();
    let uuid = "0a0a0a0a-1111-4222-8333-444444444444";
    fake.add_item(json!({
        "id": 99_000_001u64,
        "url": format!("{}/xG1nkqKTMzGDvpLrqFT7WA/{uuid}/original=true/{uuid}.jpeg", fake.image_base()),
        "username": "alice_ai", "nsfwLevel": "None", "browsingLevel": 1, "type": "image",
        "createdAt": "2026-10-31T12:00:00.000Z", "postId": 77,
        "modelVersionIds": [1001], "baseModel": "SD 1.5", "stats": {"likeCount": 1}, "meta": null
    }));
    fake.clear_requests();
    let out = civimg(&fake).current_dir(dir.path()).args(&recipe).run_ok();
    let fetched: Vec<String> = fake
        .image_requests()
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(fetched.len(), 1, "only the new image: {fetched:?}");
    assert!(fetched[0].contains(uuid), "{fetched:?}");
    assert!(
        text(&out.stderr).contains("1 downloaded") || text(&out.stdout).contains("1 downloaded"),
        "{}",
        text(&out.stderr)
    );
    // An incremental run stays a few pages: each listing (every version and the model's own,
    // with the look-up of the image its page leaves out) within its first three pages (the
    // fake's pages at PG are short; one may be asked for ahead). `mirror_runs_stay_a_few_pages`
    // checks that on a model of many pages.
    let asked = fake.api_requests();
    let pages = |version: Option<&str>| {
        asked
            .iter()
            .filter(|r| r.param("modelVersionId") == version && r.param("imageId").is_none())
            .count()
    };
    let shown: Vec<&str> = asked.iter().map(|r| r.raw_query.as_str()).collect();
    for v in [Some("1001"), Some("1002"), None] {
        assert!((1..=3).contains(&pages(v)), "{v:?}: {shown:#?}");
    }
}

/// The fake as the official reference describes it, with the legacy path as it really is (its
/// lost image per descending page, engagement sorts as newest-by-id).
fn reference_with_legacy() -> Modes {
    Modes {
        legacy: true,
        ..Modes::reference()
    }
}

// Issue 15: the feed path leaves out unlisted and early-access posts and unpublished versions;
// a model walk returns every image the API holds for the model, each once, in one order.
#[test]
fn a_model_walk_returns_its_unlisted_early_access_and_unpublished_images_in_one_order() {
    let fake = FakeCivitai::start();
    for (flag, api) in [
        ("newest", "Newest"),
        ("oldest", "Oldest"),
        ("most-reactions", "Most Reactions"),
        ("most-comments", "Most Comments"),
    ] {
        fake.set_modes(Modes::reference());
        let want = one_list(&fake, "104", api);
        let hidden: Vec<u64> = ids(&want)
            .into_iter()
            .filter(|&id| !fake.is_listed(id))
            .collect();
        assert!(
            hidden.len() > 10,
            "the model has hidden images: {}",
            hidden.len()
        );
        assert!(
            want.iter().any(|i| i["modelVersionIds"][0] == 1033),
            "and images of an unpublished version"
        );
        fake.set_modes(reference_with_legacy());
        fake.clear_requests();
        let out = civimg(&fake)
            .args(["list", "--model-id", "104", "--browsing-level", "63"])
            .args(["--limit", "10", "--sort", flag, "--format", "jsonl"])
            .run_ok();
        assert_eq!(
            ids(&json_lines(&out.stdout)),
            ids(&want),
            "{flag}: every image, once, in one order"
        );
        let asked = fake.api_requests();
        assert!(
            asked.iter().all(|r| r.param("modelId") == Some("104")),
            "{flag}"
        );
        // Version 1033 is unpublished: the models endpoint does not name it, so its images
        // came through the model's own listing.
        assert!(asked
            .iter()
            .all(|r| r.param("modelVersionId") != Some("1033")));
        // Hidden images come from the model's own listing or a look-up by id, never from a
        // version's feed (which leaves them out).
        let lookups = asked
            .iter()
            .filter(|r| r.param("imageId").is_some())
            .count();
        if api.starts_with("Most") {
            assert!(lookups >= hidden.len(), "{flag}: {lookups} look-ups");
            assert!(
                lookups <= hidden.len() + want.len() / 20,
                "{flag}: {lookups} look-ups"
            );
        }
    }
}

// Issue 15: when the model's own listing times out, everything else is still listed, and the
// run says how much of that listing it reached and fails.
#[test]
fn a_model_whose_own_listing_times_out_says_how_much_it_reached_and_fails() {
    let fake = FakeCivitai::start();
    fake.set_modes(reference_with_legacy());
    let want = one_list(&fake, "104", "Newest");
    // The first listing page of the model's own after the fourth request times out.
    fake.inject_after(4, Fault::StatementTimeout);
    let out = civimg(&fake)
        .args(["list", "--model-id", "104", "--browsing-level", "63"])
        .args(["--limit", "10", "--sort", "newest", "--format", "jsonl"])
        .run_fails(1);
    let err = text(&out.stderr);
    let reached: usize = err
        .split("stopped after ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{err}"));
    assert!(err.contains("model 104") && reached < want.len(), "{err}");
    let got = ids(&json_lines(&out.stdout));
    let listed: Vec<u64> = ids(&want)
        .into_iter()
        .filter(|&id| fake.is_listed(id))
        .collect();
    assert!(
        got.len() > listed.len() / 2,
        "the versions' images are all listed"
    );
    for id in &listed {
        assert!(got.contains(id), "{id} is public and listed");
    }
    assert!(
        got.len() < want.len(),
        "hidden images past the timeout are missing"
    );
    assert!(err.contains("--cursor 'modelId=104@model="), "{err}");
}
