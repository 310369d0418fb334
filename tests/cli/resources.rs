//! `civimg resources` through the real binary against the fake's model-versions endpoints
//! (issue 20): a gallery's resources from the API and from a downloaded folder, `--have`
//! over model files the test writes, and the cache that makes a second run request-free.

use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use crate::fake::{model_file, model_file_name, FakeCivitai};
use crate::support::{civimg, json_lines, text};

/// `civimg resources ARGS --format jsonl` with its cache in `cache`; (exit code, rows, stderr).
fn resources(fake: &FakeCivitai, cache: &Path, args: &[&str]) -> (i32, Vec<Value>, String) {
    let out = civimg(fake)
        .env("CIVIMG_CACHE_DIR", cache)
        .arg("resources")
        .args(args)
        .args(["--format", "jsonl"])
        .output()
        .expect("civimg runs");
    (
        out.status.code().expect("exit code"),
        json_lines(&out.stdout),
        text(&out.stderr),
    )
}

/// The requests the fake received under /api/v1/model-versions.
fn version_requests(fake: &FakeCivitai) -> Vec<String> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v1/model-versions"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// (version id, image count) of every row, sorted.
fn counts(rows: &[Value]) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["versionId"].as_u64().unwrap_or(0),
                r["images"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort_unstable();
    out
}

/// What the fake's own items say bob's images used: version id → number of images.
fn expected_counts(fake: &FakeCivitai, params: &[(&str, &str)]) -> Vec<(u64, u64)> {
    let mut map = std::collections::BTreeMap::new();
    for item in fake.walk(params) {
        let Some(list) = item
            .pointer("/meta/civitaiResources")
            .and_then(Value::as_array)
        else {
            continue;
        };
        for r in list {
            *map.entry(r["modelVersionId"].as_u64().unwrap())
                .or_insert(0) += 1;
        }
    }
    map.into_iter().collect()
}

#[test]
fn a_gallery_from_the_api_names_every_version_with_its_image_count() {
    let fake = FakeCivitai::start();
    let cache = TempDir::new().unwrap();
    let (code, rows, err) = resources(&fake, cache.path(), &["--username", "bob", "--nsfw", "X"]);
    assert_eq!(code, 0, "{err}");
    let expected = expected_counts(
        &fake,
        &[("username", "bob"), ("nsfw", "X"), ("withMeta", "true")],
    );
    assert!(!expected.is_empty());
    // Every resource the API named is resolved to its version; the LoRA hash that no
    // version has (`extra_detail`) is not in the API's meta, so every row has a version.
    assert_eq!(counts(&rows), expected, "{rows:#?}");
    for row in &rows {
        let id = row["versionId"].as_u64().unwrap();
        assert_eq!(row["api"]["id"], id);
        assert!(row["name"].as_str().is_some_and(|n| !n.is_empty()));
        assert!(row["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("modelVersionId={id}")));
        assert!(
            row["api"].get("images").is_none(),
            "preview images are left out"
        );
    }
}

#[test]
fn the_cache_makes_a_second_run_request_free() {
    let fake = FakeCivitai::start();
    let cache = TempDir::new().unwrap();
    let args = ["--username", "bob", "--nsfw", "X"];
    let (code, first, err) = resources(&fake, cache.path(), &args);
    assert_eq!(code, 0, "{err}");
    assert!(!version_requests(&fake).is_empty());
    fake.clear_requests();
    let (code, second, err) = resources(&fake, cache.path(), &args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(version_requests(&fake), Vec::<String>::new());
    assert_eq!(first, second);
}

#[test]
fn have_finds_the_files_written_and_marks_the_rest_missing() {
    let fake = FakeCivitai::start();
    let cache = TempDir::new().unwrap();
    let models = TempDir::new().unwrap();
    let args = ["--username", "bob", "--nsfw", "X"];
    let (_, rows, _) = resources(&fake, cache.path(), &args);
    let ids: Vec<u64> = rows
        .iter()
        .map(|r| r["versionId"].as_u64().unwrap())
        .collect();
    assert!(ids.len() >= 2, "{ids:?}");
    // The first version's file in a subfolder, under a name of our own.
    let have = ids[0];
    std::fs::create_dir(models.path().join("sub")).unwrap();
    std::fs::write(
        models.path().join("sub/renamed.safetensors"),
        model_file(have),
    )
    .unwrap();
    std::fs::write(models.path().join("notes.txt"), model_file(ids[1])).unwrap();
    let dir = models.path().to_str().unwrap();
    let mut with_have = args.to_vec();
    with_have.extend(["--have", dir]);
    let (code, rows, err) = resources(&fake, cache.path(), &with_have);
    assert_eq!(code, 0, "{err}");
    for row in &rows {
        let id = row["versionId"].as_u64().unwrap();
        let want = if id == have { "present" } else { "missing" };
        assert_eq!(row["have"], want, "{row}");
    }
    let path = rows.iter().find(|r| r["versionId"] == have).unwrap()["path"].clone();
    assert!(path.as_str().unwrap().ends_with("sub/renamed.safetensors"));
    with_have.push("--missing");
    let (_, missing, _) = resources(&fake, cache.path(), &with_have);
    assert_eq!(missing.len(), rows.len() - 1);
    assert!(missing.iter().all(|r| r["have"] == "missing"));
    assert!(model_file_name(have).unwrap().ends_with(".safetensors"));
}

#[test]
fn a_downloaded_folder_agrees_with_the_api() {
    let fake = FakeCivitai::start();
    let cache = TempDir::new().unwrap();
    let out = TempDir::new().unwrap();
    let dir = out.path().to_str().unwrap();
    civimg(&fake)
        .args([
            "download",
            "--username",
            "bob",
            "--nsfw",
            "X",
            "--sidecar",
            "-o",
            dir,
        ])
        .assert()
        .success();
    let args = ["--username", "bob", "--nsfw", "X"];
    let (_, from_api, _) = resources(&fake, cache.path(), &args);
    let (code, from_folder, err) = resources(&fake, cache.path(), &[dir]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(counts(&from_folder), counts(&from_api));
    assert!(err.contains("7 images"), "{err}");
    // Without the sidecars each file's own A1111 text speaks: the same versions (found by
    // their AutoV2 hashes), and the LoRA hash the text quotes that Civitai does not know.
    for sidecar in crate::support::files_below(out.path()) {
        if sidecar.extension().is_some_and(|e| e == "json") {
            std::fs::remove_file(out.path().join(sidecar)).unwrap();
        }
    }
    let (code, from_files, err) = resources(&fake, cache.path(), &[dir]);
    assert_eq!(code, 0, "{err}");
    let known: Vec<(u64, u64)> = counts(&from_files)
        .into_iter()
        .filter(|(id, _)| *id != 0)
        .collect();
    assert_eq!(known, counts(&from_api));
}

#[test]
fn files_without_data_are_looked_up_by_the_id_their_archive_records() {
    let fake = FakeCivitai::start();
    fake.set_modes(crate::fake::Modes {
        bare_originals: true,
        ..crate::fake::Modes::default()
    });
    let cache = TempDir::new().unwrap();
    let out = TempDir::new().unwrap();
    let dir = out.path().to_str().unwrap();
    civimg(&fake)
        .args(["download", "--username", "bob", "--nsfw", "X", "-o", dir])
        .assert()
        .success();
    let (_, from_api, _) = resources(&fake, cache.path(), &["--username", "bob", "--nsfw", "X"]);
    fake.clear_requests();
    let (code, from_archive, err) = resources(&fake, cache.path(), &[dir]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(counts(&from_archive), counts(&from_api));
    let by_id = fake
        .api_requests()
        .iter()
        .filter(|r| r.param("imageId").is_some())
        .count();
    assert_eq!(by_id, 7, "one lookup per file");
    // --offline asks nothing: the files count as images without resources.
    let (_, offline, err) = resources(&fake, cache.path(), &[dir, "--offline"]);
    assert!(offline.is_empty(), "{offline:?}");
    assert!(err.contains("7 images (7 naming no resource)"), "{err}");
}

#[test]
fn a_pasted_url_reads_like_its_flag_and_paths_and_urls_do_not_mix() {
    let fake = FakeCivitai::start();
    let cache = TempDir::new().unwrap();
    let (_, by_flag, _) = resources(&fake, cache.path(), &["--username", "bob", "--nsfw", "X"]);
    let url = "https://civitai.com/user/bob/images";
    let (code, by_url, err) = resources(&fake, cache.path(), &[url, "--nsfw", "X"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(by_url, by_flag);
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .env("CIVIMG_CACHE_DIR", cache.path())
        .args(["resources", url])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not both"),
        "{}",
        text(&out.stderr)
    );
}
