//! Issue 16 through the binary: targets that do not exist are errors that name the fix, the
//! Civitai page URLs people paste are read as target flags, and `--input` mixes JSON items
//! with ids and URLs.

use tempfile::TempDir;

use crate::fake::FakeCivitai;
use crate::support::{civimg, files_below, ids, json_lines, text, RunExt};

/// The stderr of a `list` that must fail with exit 1.
fn list_fails(fake: &FakeCivitai, args: &[&str]) -> String {
    let out = civimg(fake).arg("list").args(args).run_fails(1);
    assert!(out.stdout.is_empty());
    text(&out.stderr)
}

// A typo in a nightly job must not stay green: each kind of target that does not exist ends
// the run with exit 1 and says what was looked for (and the likely fix).
#[test]
fn every_kind_of_missing_target_is_an_error_that_names_it() {
    let fake = FakeCivitai::start();
    for (args, want) in [
        (&["--model-id", "999"][..], "no model 999"),
        (
            &["--model-id", "1002"],
            "no model 1002 (1002 is a model version: use --model-version-id 1002)",
        ),
        (
            &["--model-version-id", "101"],
            "no model version 101 (101 is a model: use --model-id 101)",
        ),
        (&["--model-version-id", "5"], "no model version 5"),
        (&["--post-id", "5"], "no post 5"),
        (&["--image-id", "5"], "no image 5 at any browsing level"),
        (&["--collection-id", "777"], "no collection 777"),
        (
            &["--user-id", "4242"],
            "no images by user id 4242 at any browsing level",
        ),
        (
            &["--username", "nobody_x"],
            "no images by a user named nobody_x at any browsing level: is the name spelt as \
             in the profile URL, civitai.com/user/NAME?",
        ),
    ] {
        let err = list_fails(&fake, args);
        assert_eq!(err, format!("civimg: error: {want}\n"), "{args:?}");
    }
}

// The check is made at every level: a user whose images are all above PG exists, and keeps
// the hint about levels with exit 0.
#[test]
fn a_user_with_images_only_above_the_asked_level_is_not_missing() {
    let fake = FakeCivitai::start();
    let out = civimg(&fake)
        .args(["list", "--username", "carol_x"])
        .run_ok();
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("PG only") && err.contains("--nsfw"), "{err}");
    assert!(!err.contains("error"), "{err}");
    let reqs = fake.api_requests();
    assert_eq!(reqs.last().unwrap().param("browsingLevel"), Some("31"));
}

#[test]
fn a_missing_target_among_others_fails_the_run_after_the_rest_is_walked() {
    let fake = FakeCivitai::start();
    let out = civimg(&fake)
        .args(["list", "--username", "nobody_x", "--username", "bob"])
        .args(["--format", "jsonl"])
        .run_fails(1);
    assert_eq!(json_lines(&out.stdout).len(), 5, "bob's PG images");
    assert!(text(&out.stderr).contains("no images by a user named nobody_x"));
}

// Nothing is created on disk for a target that does not exist: no folder, no state.
#[test]
fn a_download_of_a_missing_target_creates_nothing() {
    let fake = FakeCivitai::start();
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path().join("new");
    for args in [
        &["--model-id", "999"][..],
        &["--username", "nobody_x"],
        &["--image-id", "5"],
    ] {
        let out = civimg(&fake)
            .arg("download")
            .args(args)
            .arg("-o")
            .arg(&dir)
            .run_fails(1);
        assert!(
            text(&out.stderr).starts_with("civimg: error: no "),
            "{args:?}"
        );
        assert!(!dir.exists(), "{args:?} created {}", dir.display());
    }
    // The default folder is the current one: it stays empty.
    civimg(&fake)
        .current_dir(scratch.path())
        .args(["download", "--post-id", "5"])
        .run_fails(1);
    assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), 0);
    assert!(fake.image_requests().is_empty());
}

/// The first R image of the dataset (browsingLevel 4).
fn an_r_image(fake: &FakeCivitai) -> u64 {
    let items = fake.walk(&[("browsingLevel", "4"), ("limit", "5")]);
    items[0]["id"].as_u64().unwrap()
}

// An explicit --image-id means that image at whatever level it has; it repeats like the other
// target flags.
#[test]
fn image_ids_repeat_and_are_found_at_any_level() {
    let fake = FakeCivitai::start();
    let r = an_r_image(&fake);
    let pg = fake.walk(&[("username", "bob"), ("limit", "1")])[0]["id"]
        .as_u64()
        .unwrap();
    let (r_text, pg_text) = (r.to_string(), pg.to_string());
    let out = civimg(&fake)
        .args(["list", "--image-id", &r_text, "--image-id", &pg_text])
        .args(["--format", "jsonl"])
        .run_ok();
    assert_eq!(ids(&json_lines(&out.stdout)), [r, pg]);
    for req in fake.api_requests() {
        assert_eq!(
            req.param("browsingLevel"),
            Some("31"),
            "{:?}",
            req.raw_query
        );
    }
}

/// The API requests of `list ARG --max 1` (the ARG read as a target).
fn requests_for(fake: &FakeCivitai, arg: &str) -> Vec<crate::fake::Recorded> {
    fake.clear_requests();
    civimg(fake)
        .args(["list", arg, "--max", "1", "--format", "jsonl"])
        .run_ok();
    fake.requests()
}

// What people paste: every page form on every front door becomes its target flag, while the
// requests still go to --base-url.
#[test]
fn pasted_page_urls_become_target_flags() {
    let fake = FakeCivitai::start();
    let r = an_r_image(&fake).to_string();
    for host in ["civitai.com", "civitai.red", "civitai.green"] {
        let page = |path: &str| format!("https://{host}{path}");
        for path in ["/user/bob", "/user/bob/images", "/user/bob/posts"] {
            let reqs = requests_for(&fake, &page(path));
            assert_eq!(reqs[0].param("username"), Some("bob"), "{path}");
            assert_eq!(reqs[0].param("type"), None, "{path}");
        }
        let reqs = requests_for(&fake, &page("/user/alice_ai/videos"));
        assert_eq!(reqs[0].param("username"), Some("alice_ai"));
        assert_eq!(reqs[0].param("type"), Some("video"));
        for path in ["/models/101", "/models/101/realistic-vision"] {
            let reqs = requests_for(&fake, &page(path));
            assert_eq!(reqs[0].path, "/api/v1/models/101", "{path}");
            assert_eq!(reqs[1].param("modelId"), Some("101"), "{path}");
        }
        let reqs = requests_for(
            &fake,
            &page("/models/101/realistic-vision?modelVersionId=1002"),
        );
        assert_eq!(reqs[0].param("modelVersionId"), Some("1002"));
        assert_eq!(reqs[0].param("modelId"), None);
        let reqs = requests_for(&fake, &page("/posts/7000001"));
        assert_eq!(reqs[0].param("postId"), Some("7000001"));
        let reqs = requests_for(&fake, &page(&format!("/images/{r}")));
        assert_eq!(reqs[0].param("imageId"), Some(r.as_str()));
        let reqs = requests_for(&fake, &page("/collections/5001"));
        assert_eq!(reqs[0].path, "/api/trpc/image.getInfinite");
        assert!(reqs[0].param("input").unwrap().contains("5001"));
    }
    let reqs = requests_for(&fake, &r);
    assert_eq!(reqs[0].param("imageId"), Some(r.as_str()));
    // Every request went to the fake, none to the host in the URL.
    assert!(fake
        .requests()
        .iter()
        .all(|q| q.host.starts_with("127.0.0.1")));
}

#[test]
fn any_other_url_is_a_usage_error_listing_the_forms() {
    let fake = FakeCivitai::start();
    for bad in [
        "https://example.com/user/bob",
        "https://civitai.com/articles/12",
        "https://civitai.com/models/abc",
        "bob",
    ] {
        for cmd in ["list", "download"] {
            let out = civimg(&fake).args([cmd, bad]).run_fails(2);
            let err = text(&out.stderr);
            assert!(
                err.contains(&format!("`{bad}` is not an image id or a Civitai page URL"))
                    && err.contains("/models/ID[/slug][?modelVersionId=V]")
                    && err.contains("/collections/ID"),
                "{err}"
            );
        }
    }
    assert!(fake.requests().is_empty());
}

#[test]
fn a_username_may_be_given_as_its_page_or_with_an_at() {
    let fake = FakeCivitai::start();
    for given in [
        "https://civitai.com/user/bob",
        "@bob",
        "https://civitai.red/user/bob/videos",
    ] {
        fake.clear_requests();
        civimg(&fake)
            .args(["list", "--username", given, "--max", "1"])
            .run_ok();
        assert_eq!(
            fake.api_requests()[0].param("username"),
            Some("bob"),
            "{given}"
        );
    }
}

// `--input` reads JSON items, ids and page URLs, mixed.
#[test]
fn input_mixes_json_items_ids_and_page_urls() {
    let fake = FakeCivitai::start();
    let listed = civimg(&fake)
        .args([
            "list",
            "--username",
            "alice_ai",
            "--max",
            "2",
            "-f",
            "jsonl",
        ])
        .run_ok()
        .stdout;
    let r = an_r_image(&fake);
    let bob = ids(&fake.walk(&[("username", "bob")]));
    let input = format!(
        "{}{r}\n\n  https://civitai.red/images/{}  \nhttps://civitai.com/user/bob\n",
        String::from_utf8(listed.clone()).unwrap(),
        bob[0]
    );
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args(["download", "--input", "-", "-o"])
        .arg(dir.path())
        .write_stdin(input)
        .run_ok();
    let mut want = ids(&json_lines(&listed));
    want.push(r);
    want.extend(&bob);
    want.sort();
    let mut got: Vec<u64> = files_below(dir.path())
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().parse().unwrap())
        .collect();
    got.sort();
    assert_eq!(got, want, "{}", text(&out.stderr));
}

// CSV from `list --format csv` is neither: one error naming the fix, exit 1, nothing fetched
// and nothing created.
#[test]
fn input_of_another_format_stops_at_the_first_line_naming_the_fix() {
    let fake = FakeCivitai::start();
    let csv = civimg(&fake)
        .args(["list", "--username", "bob", "-f", "csv"])
        .run_ok()
        .stdout;
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path().join("out");
    let out = civimg(&fake)
        .args(["download", "--input", "-", "-o"])
        .arg(&dir)
        .write_stdin(csv)
        .run_fails(1);
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("civimg: error: standard input line 1: `id,url,")
            && err.contains("--format jsonl"),
        "{err}"
    );
    assert!(fake.image_requests().is_empty());
    assert!(!dir.exists());
}
