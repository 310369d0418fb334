//! `civimg download` through the real binary against the fake Civitai and its image host.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};
use tempfile::TempDir;

use crate::fake::{FakeCivitai, FakeConfig, Fault};
use crate::support::{civimg, files_below, json_lines, real_ext, text, Mount, RunExt};

/// Asserts that `dir` holds exactly the originals of `items`, byte for byte, as `{id}.{ext}`.
fn assert_originals(fake: &FakeCivitai, dir: &Path, items: &[Value]) {
    let mut want: Vec<String> = Vec::new();
    for item in items {
        let id = item["id"].as_u64().unwrap();
        let bytes = fake.original_bytes(id);
        let name = format!("{id}.{}", real_ext(&bytes));
        let saved = std::fs::read(dir.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(saved == bytes, "{name} differs from the original");
        want.push(name);
    }
    want.sort();
    let mut got: Vec<String> = files_below(dir)
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    got.sort();
    assert_eq!(got, want);
}

fn bob_all(fake: &FakeCivitai) -> Vec<Value> {
    fake.walk(&[("username", "bob"), ("nsfw", "X")])
}

#[test]
fn saves_byte_identical_originals_under_their_real_extensions() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args(["download", "--username", "bob", "--nsfw", "X", "-o"])
        .arg(dir.path())
        .run_ok();
    let items = bob_all(&fake);
    assert_eq!(items.len(), 7);
    assert_originals(&fake, dir.path(), &items);
    let err = text(&out.stderr);
    assert!(err.contains("7 downloaded"), "{err}");
    assert!(err.contains("0 failed"), "{err}");
    // Every image request asked for the original variant.
    let reqs = fake.image_requests();
    assert_eq!(reqs.len(), 7);
    assert!(reqs.iter().all(|r| r.path.contains("/original=true/")));
    // The default .jpeg names hide PNG and WebP bytes; the saved names do not.
    let exts: Vec<String> = files_below(dir.path())
        .iter()
        .map(|p| p.extension().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(exts.iter().any(|e| e != "jpeg"), "{exts:?}");
}

#[test]
fn legacy_width_urls_fetch_the_original_not_the_thumbnail() {
    let fake = FakeCivitai::start();
    let legacy: Vec<Value> = fake
        .walk(&[("nsfw", "X"), ("sort", "Oldest"), ("limit", "200")])
        .into_iter()
        .filter(|i| i["url"].as_str().unwrap().contains("/width="))
        .take(3)
        .collect();
    assert_eq!(legacy.len(), 3, "the dataset has legacy urls");
    let input: String = legacy.iter().map(|i| format!("{i}\n")).collect();
    let dir = TempDir::new().unwrap();
    civimg(&fake)
        .args(["download", "--input", "-", "-o"])
        .arg(dir.path())
        .write_stdin(input)
        .assert()
        .success();
    assert_originals(&fake, dir.path(), &legacy);
    assert!(
        fake.api_requests().is_empty(),
        "--input asks the API nothing"
    );
}

#[test]
fn a_rerun_sends_no_image_request_and_refetches_a_deleted_file() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let run = || {
        civimg(&fake)
            .args(["download", "--username", "bob", "--nsfw", "X", "-o"])
            .arg(dir.path())
            .run_ok()
    };
    run();
    fake.clear_requests();
    let out = run();
    assert!(fake.image_requests().is_empty());
    assert!(
        text(&out.stderr).contains("7 already present"),
        "{}",
        text(&out.stderr)
    );

    let first = files_below(dir.path())[0].clone();
    std::fs::remove_file(dir.path().join(&first)).unwrap();
    fake.clear_requests();
    run();
    assert_eq!(fake.image_requests().len(), 1);
    assert_originals(&fake, dir.path(), &bob_all(&fake));

    fake.clear_requests();
    civimg(&fake)
        .args([
            "download",
            "--username",
            "bob",
            "--nsfw",
            "X",
            "--overwrite",
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(
        fake.image_requests().len(),
        7,
        "--overwrite ignores the record"
    );
    assert_originals(&fake, dir.path(), &bob_all(&fake));
}

#[test]
fn a_cut_transfer_resumes_with_a_range_request() {
    let fake = FakeCivitai::start();
    fake.inject(Fault::ImageTruncate);
    let dir = TempDir::new().unwrap();
    civimg(&fake)
        .args(["download", "--username", "bob", "--max", "1", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let reqs = fake.image_requests();
    assert_eq!(reqs.len(), 2, "one cut transfer, one resumption");
    assert!(reqs[0].header("range").is_none());
    let range = reqs[1]
        .header("range")
        .expect("the retry asks for the rest");
    assert!(
        range.starts_with("bytes=") && range != "bytes=0-",
        "{range}"
    );
    let item = fake.walk(&[("username", "bob"), ("limit", "1")]);
    assert_originals(&fake, dir.path(), &item[..1]);

    // A reset connection mid-body recovers the same way.
    fake.clear_requests();
    fake.inject(Fault::ImageReset);
    let dir = TempDir::new().unwrap();
    civimg(&fake)
        .args(["download", "--username", "bob", "--max", "1", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    assert_originals(&fake, dir.path(), &item[..1]);
}

#[test]
fn per_file_failures_do_not_stop_the_others() {
    let fake = FakeCivitai::start();
    for _ in 0..3 {
        fake.inject(Fault::Image503 {
            retry_after: Some(1),
        });
    }
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args([
            "--retries",
            "1",
            "download",
            "--username",
            "bob",
            "--nsfw",
            "X",
            "-j",
            "1",
        ])
        .arg("-o")
        .arg(dir.path())
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.contains("6 downloaded") && err.contains("1 failed"),
        "{err}"
    );
    assert!(err.contains("HTTP 503"), "{err}");
    assert_eq!(files_below(dir.path()).len(), 6);
}

#[test]
fn names_from_the_network_stay_inside_the_output_dir() {
    let fake = FakeCivitai::start();
    let names = [
        "../../escape",
        "/etc/passwd",
        "..",
        "a/../../b",
        "con\u{7}trol\nline",
    ];
    let mut evil = Vec::new();
    for (i, (name, real)) in names.iter().zip(bob_all(&fake)).enumerate() {
        let mut item = real.clone();
        item["id"] = json!(90_000_000 + i as u64);
        item["username"] = json!(name);
        item["baseModel"] = json!(format!("../{name}"));
        item["createdAt"] = json!(format!("../../{i}"));
        evil.push(item);
    }
    let input: String = evil.iter().map(|i| format!("{i}\n")).collect();
    let outer = TempDir::new().unwrap();
    let dir = outer.path().join("out");
    civimg(&fake)
        .args([
            "download",
            "--input",
            "-",
            "--name",
            "{username}/{baseModel}/{uuid}-{id}.{ext}",
            "-o",
        ])
        .arg(&dir)
        .write_stdin(input)
        .assert()
        .success();
    let inside = files_below(&dir);
    assert_eq!(inside.len(), names.len());
    for p in &inside {
        assert!(
            p.components()
                .all(|c| matches!(c, std::path::Component::Normal(_))),
            "{p:?}"
        );
        assert!(!p.to_string_lossy().chars().any(char::is_control), "{p:?}");
    }
    // Nothing landed beside the output dir.
    let beside: Vec<_> = std::fs::read_dir(outer.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, vec![std::ffi::OsString::from("out")]);
}

#[test]
fn input_from_list_through_jq_style_filtering() {
    let fake = FakeCivitai::start();
    let listed = civimg(&fake)
        .args([
            "list",
            "--username",
            "alice_ai",
            "--max",
            "6",
            "--format",
            "jsonl",
        ])
        .run_ok();
    let items = json_lines(&listed.stdout);
    let dir = TempDir::new().unwrap();
    fake.clear_requests();
    civimg(&fake)
        .args(["download", "--input", "-", "-o"])
        .arg(dir.path())
        .write_stdin(listed.stdout.clone())
        .run_ok();
    assert!(fake.api_requests().is_empty());
    assert_originals(&fake, dir.path(), &items);
    // Issue 16: a line that is no item, id or URL stops the run with the fix, not a warning
    // per line and exit 0.
    let mut input = String::from_utf8(listed.stdout.clone()).unwrap();
    input.push_str("this is not json\n{\"id\": 5}\n");
    let out = civimg(&fake)
        .args(["download", "--input", "-", "--overwrite", "-o"])
        .arg(dir.path())
        .write_stdin(input)
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.starts_with("civimg: error: standard input line 7: `this is not json`")
            && err.contains("--format jsonl")
            && !err.contains("line 8"),
        "{err}"
    );
}

#[test]
fn concurrency_never_exceeds_j_and_is_used() {
    let fake = FakeCivitai::start_with(FakeConfig {
        first_byte_delay: Duration::from_millis(150),
        ..FakeConfig::default()
    });
    let dir = TempDir::new().unwrap();
    civimg(&fake)
        .args([
            "download",
            "--username",
            "alice_ai",
            "--max",
            "12",
            "-j",
            "3",
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(files_below(dir.path()).len(), 12);
    assert_eq!(fake.max_concurrent_transfers(), 3);
}

#[test]
fn the_key_never_reaches_the_image_host_even_through_a_redirect() {
    let fake = FakeCivitai::start();
    let key = "sekrit-key-456";
    let bob = bob_all(&fake);
    let target = bob[1]["url"].as_str().unwrap().to_string();
    fake.inject(Fault::ImageRedirectTo(target));
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args([
            "--api-key",
            key,
            "-v",
            "download",
            "--username",
            "bob",
            "--max",
            "2",
            "-o",
        ])
        .arg(dir.path())
        .run_ok();
    assert!(!text(&out.stderr).contains(key));
    let api = fake.api_requests();
    assert!(api
        .iter()
        .all(|r| r.header("authorization") == Some(&*format!("Bearer {key}"))));
    let images = fake.image_requests();
    assert!(images.len() >= 3, "two files and one redirect hop");
    for r in images {
        assert!(r.header("authorization").is_none(), "{r:?}");
        assert!(
            r.host.starts_with("localhost:"),
            "image host differs: {}",
            r.host
        );
    }
}

#[test]
fn sidecars_captions_and_templates() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    civimg(&fake)
        .args(["download", "--username", "bob", "--sidecar", "--captions"])
        .args(["--name", "{username}/{createdAt}_{id}.{ext}", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let items = fake.walk(&[("username", "bob"), ("withMeta", "true")]);
    let files = files_below(dir.path());
    for item in &items {
        let id = item["id"].as_u64().unwrap();
        let date = &item["createdAt"].as_str().unwrap()[..10];
        let ext = real_ext(&fake.original_bytes(id));
        let name = format!("bob/{date}_{id}.{ext}");
        assert!(files.contains(&name.clone().into()), "{name} in {files:?}");
        let sidecar: Value = serde_json::from_slice(
            &std::fs::read(dir.path().join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(&sidecar, item);
        let caption = dir.path().join(format!("bob/{date}_{id}.txt"));
        match crate::support::prompt_of(item) {
            Some(prompt) => assert_eq!(
                std::fs::read_to_string(caption).unwrap().trim(),
                prompt.trim()
            ),
            None => assert!(!caption.exists()),
        }
    }
}

#[test]
fn dry_run_prints_and_writes_nothing() {
    let fake = FakeCivitai::start();
    let outer = TempDir::new().unwrap();
    let dir = outer.path().join("gallery");
    let out = civimg(&fake)
        .args(["download", "--username", "bob", "--dry-run", "-o"])
        .arg(&dir)
        .run_ok();
    assert_eq!(text(&out.stdout).lines().count(), 5);
    assert!(text(&out.stdout).contains("original=true"));
    assert!(!dir.exists());
    assert!(fake.image_requests().is_empty());
}

#[test]
fn stop_after_known_costs_one_or_two_pages() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let args = [
        "download",
        "--username",
        "alice_ai",
        "--sort",
        "newest",
        "--limit",
        "20",
    ];
    civimg(&fake)
        .args(args)
        .args(["--max", "60", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    fake.clear_requests();
    civimg(&fake)
        .args(args)
        .args(["--stop-after-known", "10", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    assert!(
        fake.api_requests().len() <= 2,
        "{}",
        fake.api_requests().len()
    );
    assert!(fake.image_requests().is_empty());
    civimg(&fake)
        .args([
            "download",
            "--username",
            "alice_ai",
            "--stop-after-known",
            "10",
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("needs --sort newest"));
}

// Issue 17: `--stop-after-known N` stops at the N-th complete item in a row, in walk order, not
// at the end of its page: nothing after that item is taken, from the API or from `--input`.
#[test]
fn stop_after_known_stops_at_the_item_not_at_the_end_of_its_page() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let walk = [
        "--username",
        "alice_ai",
        "--nsfw",
        "X",
        "--sort",
        "newest",
        "--limit",
        "20",
    ];
    let listed = civimg(&fake)
        .arg("list")
        .args(walk)
        .args(["--max", "20", "--format", "jsonl"])
        .run_ok();
    let order: Vec<u64> = json_lines(&listed.stdout)
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect();
    assert_eq!(order.len(), 20);
    assert_eq!(fake.api_requests().len(), 1, "the first page is full");
    civimg(&fake)
        .arg("download")
        .args(walk)
        .args(["--max", "10", "-o"])
        .arg(dir.path())
        .run_ok();
    // The first page now holds 4 new items, 6 complete ones, then 10 new ones.
    for id in &order[..4] {
        let name = files_below(dir.path())
            .into_iter()
            .find(|f| f.file_stem().unwrap().to_string_lossy() == id.to_string())
            .unwrap();
        std::fs::remove_file(dir.path().join(name)).unwrap();
    }
    let planned = |out: &std::process::Output| -> Vec<u64> {
        let stdout = text(&out.stdout);
        let ids = stdout
            .lines()
            .map(|l| l.split('\t').next().unwrap().parse());
        ids.collect::<Result<_, _>>().unwrap()
    };
    fake.clear_requests();
    let out = civimg(&fake)
        .arg("download")
        .args(walk)
        .args(["--stop-after-known", "2", "--dry-run", "-o"])
        .arg(dir.path())
        .run_ok();
    assert_eq!(planned(&out), order[..4]);
    let err = text(&out.stderr);
    assert!(
        err.contains("dry run: 4 to download, 2 already present"),
        "{err}"
    );
    assert!(
        err.contains("the listing stopped early after 2 known items in a row"),
        "{err}"
    );
    assert_eq!(fake.api_requests().len(), 1);
    // The same items from --input stop at the same one.
    let out = civimg(&fake)
        .args(["download", "--input", "-", "--stop-after-known", "2"])
        .args(["--dry-run", "-o"])
        .arg(dir.path())
        .write_stdin(listed.stdout.clone())
        .run_ok();
    assert_eq!(planned(&out), order[..4]);
    assert!(text(&out.stderr).contains("4 to download, 2 already present"));
    // A real run fetches those 4 and nothing after the stop.
    fake.clear_requests();
    let out = civimg(&fake)
        .arg("download")
        .args(walk)
        .args(["--stop-after-known", "2", "-o"])
        .arg(dir.path())
        .run_ok();
    let err = text(&out.stderr);
    assert!(err.contains("4 downloaded"), "{err}");
    assert!(err.contains("2 already present"), "{err}");
    assert_eq!(files_below(dir.path()).len(), 10);
}

#[test]
fn ctrl_c_keeps_partial_files_and_a_rerun_finishes() {
    let fake = FakeCivitai::start_with(FakeConfig {
        image_size: Some(1 << 20),
        // 16 chunks 20 ms apart: each file takes ~300 ms, so Ctrl-C lands mid-transfer.
        chunk_delay: Duration::from_millis(20),
        ..FakeConfig::default()
    });
    let dir = TempDir::new().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("civimg");
    let args = [
        "download",
        "--username",
        "bob",
        "--nsfw",
        "X",
        "-j",
        "2",
        "-v",
        "-o",
    ];
    let mut child = std::process::Command::new(&bin)
        .args(["--base-url", &fake.base_url()])
        .args(args)
        .arg(dir.path())
        .env_remove("CIVITAI_API_KEY")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the fake has sent two chunks of some body (transfers are under way, none
    // near its end), then interrupt.
    assert!(
        fake.wait_for_body_bytes(2 * 64 * 1024, Duration::from_secs(60)),
        "no transfer started"
    );
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap())
        .lines()
        .map(Result::unwrap)
        .collect::<Vec<_>>()
        .join("\n");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    // Whatever carries a final name is complete; the rest is still .part.
    for f in files_below(dir.path()) {
        let name = f.to_string_lossy();
        if !name.ends_with(".part") {
            let id: u64 = name.split('.').next().unwrap().parse().unwrap();
            assert!(std::fs::read(dir.path().join(&f)).unwrap() == fake.original_bytes(id));
        }
    }
    civimg(&fake).args(args).arg(dir.path()).assert().success();
    assert_originals(&fake, dir.path(), &bob_all(&fake));
}

// Disk full or read-only: a clear error naming the path, completed files kept, no partial
// file under a final name. Needs root to mount a tmpfs (CI runs as root).
#[test]
fn a_full_or_read_only_disk_fails_clearly_and_keeps_completed_files() {
    let fake = FakeCivitai::start();
    let scratch = TempDir::new().unwrap();
    let Some(_full) = Mount::tmpfs(&scratch.path().join("full"), "size=1m") else {
        eprintln!("skipped: this user cannot mount a tmpfs");
        return;
    };
    let dir = scratch.path().join("full/gallery");
    let out = civimg(&fake)
        .args([
            "download",
            "--username",
            "alice_ai",
            "--max",
            "40",
            "-j",
            "2",
            "-o",
        ])
        .arg(&dir)
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains(&dir.display().to_string()), "{err}");
    let mut complete = 0;
    for f in files_below(&dir) {
        let name = f.to_string_lossy().into_owned();
        if name.ends_with(".part") {
            continue;
        }
        let id: u64 = name.split('.').next().unwrap().parse().unwrap();
        assert!(
            std::fs::read(dir.join(&f)).unwrap() == fake.original_bytes(id),
            "{name}"
        );
        complete += 1;
    }
    assert!(complete > 0, "files completed before the disk filled stay");

    let Some(_ro) = Mount::tmpfs(&scratch.path().join("ro"), "ro") else {
        return;
    };
    let ro = scratch.path().join("ro/gallery");
    civimg(&fake)
        .args(["download", "--username", "bob", "-o"])
        .arg(&ro)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(ro.display().to_string()))
        .stderr(predicates::str::contains("Read-only file system"));
}

#[test]
fn a_missing_input_or_a_file_as_output_dir_is_a_clear_error() {
    let fake = FakeCivitai::start();
    let scratch = TempDir::new().unwrap();
    let out = scratch.path().join("never-created");
    civimg(&fake)
        .args(["download", "--input"])
        .arg(scratch.path().join("missing.jsonl"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("missing.jsonl: no such file"));
    assert!(
        !out.exists(),
        "nothing is created for a run that cannot start"
    );
    let file = scratch.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    civimg(&fake)
        .args(["download", "--username", "bob", "-o"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("is not a directory"));
    assert!(fake.requests().is_empty());
}

// A body that stalls longer than --timeout is abandoned and fetched again.
#[test]
fn a_stalled_body_times_out_and_is_retried() {
    let fake = FakeCivitai::start();
    fake.inject(Fault::ImageSlowFirstByte(Duration::from_secs(4)));
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args([
            "--timeout",
            "1",
            "download",
            "--username",
            "bob",
            "--max",
            "1",
            "-o",
        ])
        .arg(dir.path())
        .run_ok();
    assert!(
        text(&out.stderr).contains("timed out"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fake.image_requests().len(), 2);
    let item = fake.walk(&[("username", "bob"), ("limit", "1")]);
    assert_originals(&fake, dir.path(), &item[..1]);
}

// doc/api.md: Content-Type can be wrong (text/plain, image/jpeg for a PNG); the bytes decide.
#[test]
fn a_wrong_content_type_does_not_decide_the_extension() {
    let fake = FakeCivitai::start();
    let items: Vec<Value> = fake
        .walk(&[("nsfw", "X"), ("limit", "200")])
        .into_iter()
        .filter(|i| {
            let index = (i["id"].as_u64().unwrap() - 10_000_000) / 13;
            index % 13 == 3 || index % 13 == 8
        })
        .filter(|i| i["type"] == "image")
        .take(6)
        .collect();
    assert_eq!(items.len(), 6);
    let input: String = items.iter().map(|i| format!("{i}\n")).collect();
    let dir = TempDir::new().unwrap();
    civimg(&fake)
        .args(["download", "--input", "-", "-o"])
        .arg(dir.path())
        .write_stdin(input)
        .run_ok();
    assert_originals(&fake, dir.path(), &items);
    let png = files_below(dir.path())
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "png"))
        .count();
    assert!(
        png > 0,
        "PNG bytes served as text/plain or image/jpeg are saved as .png"
    );
}

// An archive lost (or files copied in): whole files under the item's name are checked with a
// HEAD and recorded, not fetched again; a file that does not match is never overwritten.
#[test]
fn unrecorded_files_are_checked_and_adopted_not_fetched() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let run = || {
        civimg(&fake)
            .args(["download", "--username", "bob", "-o"])
            .arg(dir.path())
            .run_ok()
    };
    run();
    std::fs::remove_dir_all(dir.path().join(".civimg")).unwrap();
    let files = files_below(dir.path());
    let shortened = dir.path().join(&files[0]);
    let bytes = std::fs::read(&shortened).unwrap();
    std::fs::write(&shortened, &bytes[..bytes.len() / 2]).unwrap();
    fake.clear_requests();
    let out = run();
    let err = text(&out.stderr);
    assert!(
        err.contains("1 downloaded") && err.contains("4 already present"),
        "{err}"
    );
    let reqs = fake.image_requests();
    assert_eq!(reqs.iter().filter(|r| r.method == "HEAD").count(), 5);
    assert_eq!(reqs.iter().filter(|r| r.method == "GET").count(), 1);
    // The shortened file is left as it was; the fetched one sits beside it.
    assert_eq!(
        std::fs::read(&shortened).unwrap(),
        &bytes[..bytes.len() / 2]
    );
    assert_eq!(files_below(dir.path()).len(), 6);
    fake.clear_requests();
    run();
    assert!(
        fake.image_requests().is_empty(),
        "everything is recorded now"
    );
}
