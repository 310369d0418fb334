//! `civimg download` against a hostile image host and hostile files on disk (issue 8): only
//! what the server really sent, complete, is ever saved; nothing is written through a link.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use crate::fake::{FakeCivitai, Fault};
use crate::support::{civimg, files_below, real_ext, text, RunExt};

/// Bob's first `n` items (newest of the default sort).
fn bob(fake: &FakeCivitai, n: usize) -> Vec<Value> {
    let mut items = fake.walk(&[("username", "bob")]);
    items.truncate(n);
    items
}

fn id_of(item: &Value) -> u64 {
    item["id"].as_u64().unwrap()
}

/// The one saved file of item `id` (any extension), if any.
fn saved(dir: &Path, id: u64) -> Option<Vec<u8>> {
    files_below(dir)
        .into_iter()
        .find(|f| {
            let name = f.to_string_lossy();
            name.starts_with(&format!("{id}.")) && !name.ends_with(".part")
        })
        .map(|f| std::fs::read(dir.join(f)).unwrap())
}

fn archive_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(".civimg/archive.jsonl")).unwrap_or_default()
}

#[cfg(unix)]
#[test]
fn a_link_planted_at_a_part_path_leaves_its_target_untouched() {
    use std::os::unix::fs::symlink;
    let fake = FakeCivitai::start();
    let items = bob(&fake, 2);
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    let victim = scratch.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    let nowhere = scratch.path().join("created-by-civimg");
    symlink(&victim, dir.join(format!("{}.part", id_of(&items[0])))).unwrap();
    symlink(&nowhere, dir.join(format!("{}.part", id_of(&items[1])))).unwrap();
    civimg(&fake)
        .args(["download", "--username", "bob", "--max", "2", "-o"])
        .arg(&dir)
        .run_ok();
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert!(
        !nowhere.exists(),
        "a dangling link's target is never created"
    );
    for item in &items {
        let id = id_of(item);
        assert_eq!(saved(&dir, id).unwrap(), fake.original_bytes(id));
    }
    // Fetched afresh: no request resumed from the link's target.
    assert!(fake
        .image_requests()
        .iter()
        .all(|r| r.header("range").is_none()));
}

// A folder of the template planted as a link (`DIR/bob -> elsewhere`) is never written through:
// the item fails naming the link, and nothing appears where the link points.
#[cfg(unix)]
#[test]
fn a_link_planted_as_a_subfolder_is_never_written_through() {
    use std::os::unix::fs::symlink;
    let fake = FakeCivitai::start();
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path().join("out");
    let elsewhere = scratch.path().join("elsewhere");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    symlink(&elsewhere, dir.join("bob")).unwrap();
    let out = civimg(&fake)
        .args(["download", "--username", "bob", "--max", "2"])
        .args(["--name", "{username}/{id}.{ext}", "-o"])
        .arg(&dir)
        .run_fails(1);
    assert!(
        text(&out.stderr).contains("never writes through a link"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(!archive_text(&dir).contains("bob/"));
}

// Two items whose template renders the same name never share a `.part`: the id is in it.
#[test]
fn part_names_carry_the_id_whatever_the_template() {
    let fake = FakeCivitai::start();
    let item = &bob(&fake, 1)[0];
    let id = id_of(item);
    let bytes = fake.original_bytes(id);
    let dir = TempDir::new().unwrap();
    let half = bytes.len() / 2;
    std::fs::write(dir.path().join(format!("bob.{id}.part")), &bytes[..half]).unwrap();
    civimg(&fake)
        .args(["download", "--username", "bob", "--max", "1"])
        .args(["--name", "{username}.{ext}", "-o"])
        .arg(dir.path())
        .run_ok();
    // A `.part` with no record of its origin proves itself first (issue 21), then resumes.
    let reqs = fake.image_requests();
    assert_eq!(reqs.len(), 2);
    let from = half - half.min(64 * 1024);
    let check = format!("bytes={from}-{}", half - 1);
    assert_eq!(reqs[0].header("range"), Some(&*check));
    assert_eq!(reqs[1].header("range"), Some(&*format!("bytes={half}-")));
    let files = files_below(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(std::fs::read(dir.path().join(&files[0])).unwrap(), bytes);
}

#[test]
fn a_206_to_a_plain_request_counts_only_for_the_whole_file() {
    let fake = FakeCivitai::start();
    let id = id_of(&bob(&fake, 1)[0]);
    let run = |dir: &TempDir, retries: &str| {
        civimg(&fake)
            .args([
                "--retries",
                retries,
                "download",
                "--username",
                "bob",
                "--max",
                "1",
            ])
            .arg("-o")
            .arg(dir.path())
            .assert()
    };
    // Half the file as a 206: a failed try, retried.
    fake.inject(Fault::ImagePartial206);
    let dir = TempDir::new().unwrap();
    let out = run(&dir, "1").success().get_output().clone();
    assert!(
        text(&out.stderr).contains("HTTP 206"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fake.image_requests().len(), 2);
    assert_eq!(saved(dir.path(), id).unwrap(), fake.original_bytes(id));
    // Always half: the item fails, nothing carries a final name.
    fake.clear_requests();
    fake.inject(Fault::ImagePartial206);
    fake.inject(Fault::ImagePartial206);
    let dir = TempDir::new().unwrap();
    let out = run(&dir, "1").code(1).get_output().clone();
    assert!(
        text(&out.stderr).contains("1 failed"),
        "{}",
        text(&out.stderr)
    );
    assert!(saved(dir.path(), id).is_none());
    assert!(!archive_text(dir.path()).contains(&id.to_string()));
    // The whole file as `bytes 0-(N-1)/N`: taken at once.
    fake.clear_requests();
    fake.inject(Fault::ImageWhole206);
    let dir = TempDir::new().unwrap();
    run(&dir, "0").success();
    assert_eq!(fake.image_requests().len(), 1);
    assert_eq!(saved(dir.path(), id).unwrap(), fake.original_bytes(id));
}

#[test]
fn an_html_page_is_not_a_download() {
    let fake = FakeCivitai::start();
    let items = bob(&fake, 2);
    fake.inject(Fault::ImageHtml);
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args([
            "download",
            "--username",
            "bob",
            "--max",
            "2",
            "-j",
            "1",
            "-o",
        ])
        .arg(dir.path())
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.contains("the image host sent an HTML page (HTTP 200) instead of the file"),
        "{err}"
    );
    assert!(
        err.contains("1 downloaded") && err.contains("1 failed"),
        "{err}"
    );
    let (bad, good) = (id_of(&items[0]), id_of(&items[1]));
    assert_eq!(files_below(dir.path()).len(), 1, "no .part is left");
    assert_eq!(saved(dir.path(), good).unwrap(), fake.original_bytes(good));
    assert!(!archive_text(dir.path()).contains(&format!("\"id\":{bad},")));
    assert_eq!(
        fake.image_requests().len(),
        2,
        "an HTML page is not retried"
    );
}

#[test]
fn max_file_size_refuses_before_writing_and_cuts_off_unknown_lengths() {
    let fake = FakeCivitai::start();
    let id = id_of(&bob(&fake, 1)[0]);
    let len = fake.original_bytes(id).len();
    let run = |dir: &TempDir, max: &str| {
        civimg(&fake)
            .args(["download", "--username", "bob", "--max", "1"])
            .args(["--max-file-size", max, "-o"])
            .arg(dir.path())
            .assert()
    };
    let dir = TempDir::new().unwrap();
    let out = run(&dir, "1K").code(1).get_output().clone();
    assert!(
        text(&out.stderr).contains("over --max-file-size 1024"),
        "{}",
        text(&out.stderr)
    );
    assert!(files_below(dir.path()).is_empty());
    assert_eq!(fake.image_requests().len(), 1, "not retried");
    // Without Content-Length: cut off once past the cap, the .part removed.
    fake.inject(Fault::ImageNoLength);
    let dir = TempDir::new().unwrap();
    let out = run(&dir, &(len - 1).to_string())
        .code(1)
        .get_output()
        .clone();
    assert!(
        text(&out.stderr).contains("cut off"),
        "{}",
        text(&out.stderr)
    );
    assert!(files_below(dir.path()).is_empty());
    // A body without a length that fits is saved whole.
    fake.inject(Fault::ImageNoLength);
    let dir = TempDir::new().unwrap();
    run(&dir, &len.to_string()).success();
    assert_eq!(saved(dir.path(), id).unwrap(), fake.original_bytes(id));
}

// One byte every 100 ms never times out a read, yet delivers < 1 KiB per --timeout.
#[test]
fn a_trickling_body_is_a_stalled_transfer() {
    let fake = FakeCivitai::start();
    let id = id_of(&bob(&fake, 1)[0]);
    fake.inject(Fault::ImageTrickle(Duration::from_millis(100)));
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args([
            "--timeout",
            "1",
            "--retries",
            "1",
            "download",
            "--username",
            "bob",
        ])
        .args(["--max", "1", "-o"])
        .arg(dir.path())
        .run_ok();
    let err = text(&out.stderr);
    assert!(err.contains("less than 1 KiB in 1s"), "{err}");
    assert_eq!(fake.image_requests().len(), 2);
    assert_eq!(saved(dir.path(), id).unwrap(), fake.original_bytes(id));
}

#[test]
fn a_redirect_loop_or_a_broken_location_is_not_retried() {
    let fake = FakeCivitai::start();
    fake.inject(Fault::ImageRedirectLoop);
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args(["download", "--username", "bob", "--max", "1", "-o"])
        .arg(dir.path())
        .run_fails(1);
    assert!(
        text(&out.stderr).contains("redirect"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !text(&out.stderr).contains("retrying"),
        "{}",
        text(&out.stderr)
    );
    let hops = fake.image_requests().len();
    assert!(
        (2..=12).contains(&hops),
        "one chain of hops, not one per retry: {hops}"
    );

    fake.clear_requests();
    fake.inject(Fault::ImageRedirectTo("http://[::1".into()));
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args(["download", "--username", "bob", "--max", "1", "-o"])
        .arg(dir.path())
        .run_fails(1);
    assert!(
        text(&out.stderr).contains("HTTP 302"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fake.image_requests().len(), 1);
}

// Ctrl-C mid-body: the bytes that arrived are in the `.part` (not lost in a buffer), so the
// re-run asks for exactly the rest.
#[cfg(unix)]
#[test]
fn ctrl_c_keeps_every_received_byte_in_the_part() {
    use crate::fake::FakeConfig;
    let fake = FakeCivitai::start_with(FakeConfig {
        image_size: Some(1 << 20),
        // 64 KiB now, then one more every 300 ms: well under civimg's 256 KiB write buffer
        // when the interrupt comes.
        chunk_delay: Duration::from_millis(300),
        ..FakeConfig::default()
    });
    let id = id_of(&bob(&fake, 1)[0]);
    let dir = TempDir::new().unwrap();
    let part = dir.path().join(format!("{id}.part"));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("civimg"))
        .args([
            "--base-url",
            &fake.base_url(),
            "download",
            "--username",
            "bob",
        ])
        .args(["--max", "1", "-o"])
        .arg(dir.path())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The second chunk leaves the fake 300 ms after the first: by then the first arrived.
    assert!(
        fake.wait_for_body_bytes(2 * 64 * 1024, Duration::from_secs(60)),
        "no transfer started"
    );
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(130));
    let kept = std::fs::read(&part).unwrap();
    let original = fake.original_bytes(id);
    assert!(!kept.is_empty(), "the received bytes were flushed");
    assert!(original.starts_with(&kept));
    fake.clear_requests();
    civimg(&fake)
        .args(["download", "--username", "bob", "--max", "1", "-o"])
        .arg(dir.path())
        .run_ok();
    let reqs = fake.image_requests();
    assert_eq!(
        reqs[0].header("range"),
        Some(&*format!("bytes={}-", kept.len()))
    );
    assert_eq!(saved(dir.path(), id).unwrap(), original);
}

// Sidecars and captions are written through a temporary file created fresh: a link planted at
// the temporary name, or at the final one, is never written through.
#[cfg(unix)]
#[test]
fn extras_are_never_written_through_a_link() {
    use std::os::unix::fs::symlink;
    let fake = FakeCivitai::start();
    let id = id_of(&bob(&fake, 1)[0]);
    let ext = real_ext(&fake.original_bytes(id));
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    let victim = scratch.path().join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    symlink(&victim, dir.join(format!("{id}.{ext}.json.part"))).unwrap();
    symlink(&victim, dir.join(format!("{id}.txt"))).unwrap();
    civimg(&fake)
        .args([
            "download",
            "--username",
            "bob",
            "--max",
            "1",
            "--sidecar",
            "--captions",
        ])
        .arg("-o")
        .arg(&dir)
        .run_ok();
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    let sidecar: Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("{id}.{ext}.json"))).unwrap())
            .unwrap();
    assert_eq!(sidecar["id"], id);
    assert!(!dir.join(format!("{id}.{ext}.json.part")).exists());
}

// Windows device names are sanitized like other unsafe names, and text after {ext} counts
// toward the 255-byte limit (sidecar and clash suffix included).
#[test]
fn device_names_and_long_tails_make_safe_names() {
    let fake = FakeCivitai::start();
    let items = bob(&fake, 2);
    let mut input = String::new();
    for (item, user) in items.iter().zip(["CON", "lpt1.backup"]) {
        let mut item = item.clone();
        item["username"] = serde_json::json!(user);
        item["baseModel"] = serde_json::json!("é".repeat(200));
        input.push_str(&format!("{item}\n"));
    }
    let dir = TempDir::new().unwrap();
    civimg(&fake)
        .args(["download", "--input", "-", "--sidecar"])
        .args(["--name", "{username}/{id}.{ext}.{baseModel}", "-o"])
        .arg(dir.path())
        .write_stdin(input)
        .run_ok();
    let files = files_below(dir.path());
    assert_eq!(files.len(), 4, "{files:?}");
    for f in &files {
        let folder = f.components().next().unwrap().as_os_str().to_string_lossy();
        assert!(folder.starts_with('_'), "{f:?}");
        let name = f.file_name().unwrap().to_string_lossy();
        assert!(
            name.len() + "-18446744073709551615".len() <= 255,
            "{}",
            name.len()
        );
    }
    for item in &items {
        let id = id_of(item);
        let ext = real_ext(&fake.original_bytes(id));
        assert!(
            files
                .iter()
                .any(|f| f.to_string_lossy().contains(&format!("/{id}.{ext}.é"))),
            "{files:?}"
        );
    }
}
