//! The second origin for files (doc/api.md, "Videos, audio, collections"): when the image host
//! keeps timing out or answering 5xx, `download` fetches the file from
//! `{fallback}/file/civitai-media-cache/{uuid}/original`, resuming only the same file.

use std::time::Duration;

use tempfile::TempDir;

use crate::fake::{FakeCivitai, FakeConfig, Fault, Recorded};
use crate::scripted::{Answer, Scripted};
use crate::support::{civimg, files_below, text, RunExt};

/// bob's first item: a PNG, PG, at generator index 5.
const ID: u64 = 10_000_065;

fn fake_with(fallback_differs: bool) -> FakeCivitai {
    FakeCivitai::start_with(FakeConfig {
        images: 200,
        // Large enough that half a file is more than the 64 KiB compared before resuming.
        image_size: Some(300_000),
        fallback_differs,
        ..FakeConfig::default()
    })
}

/// `download --image-id ID` with the fake's fallback host and these extra flags.
fn download(fake: &FakeCivitai, dir: &TempDir, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = civimg(fake);
    cmd.args(["--image-fallback-host", &fake.fallback_base()])
        .args(["download", "--image-id", &ID.to_string(), "-o"])
        .arg(dir.path())
        .args(extra);
    cmd
}

fn uuid(fake: &FakeCivitai) -> String {
    let item = fake.item(ID).unwrap();
    item["url"]
        .as_str()
        .unwrap()
        .split('/')
        .nth_back(2)
        .unwrap()
        .to_string()
}

fn saved(dir: &TempDir) -> Vec<u8> {
    assert_eq!(files_below(dir.path()), [format!("{ID}.png")]);
    std::fs::read(dir.path().join(format!("{ID}.png"))).unwrap()
}

fn ranges(reqs: &[Recorded]) -> Vec<Option<String>> {
    reqs.iter()
        .map(|r| r.header("range").map(String::from))
        .collect()
}

#[test]
fn an_image_host_answering_503_is_replaced_by_the_fallback_without_the_key() {
    let fake = fake_with(false);
    for _ in 0..2 {
        fake.inject(Fault::Image503 {
            retry_after: Some(0),
        });
    }
    let dir = TempDir::new().unwrap();
    let out = download(&fake, &dir, &["--retries", "1"])
        .args(["--api-key", "sekrit-789"])
        .run_ok();
    assert!(saved(&dir) == fake.original_bytes(ID));
    let err = text(&out.stderr);
    assert!(err.contains("1 downloaded"), "{err}");
    assert!(
        err.contains("HTTP 503") && err.contains("civitai-media-cache"),
        "{err}"
    );
    assert_eq!(
        fake.image_requests().len(),
        2,
        "the first try and one retry"
    );
    let fallback = fake.fallback_requests();
    assert_eq!(fallback.len(), 1);
    assert_eq!(
        fallback[0].path,
        format!("/file/civitai-media-cache/{}/original", uuid(&fake))
    );
    // The key went to the API only.
    assert_eq!(
        fake.api_requests()[0].header("authorization"),
        Some("Bearer sekrit-789")
    );
    for r in fake.image_requests().iter().chain(&fallback) {
        assert_eq!(r.header("authorization"), None, "{r:?}");
    }
}

#[test]
fn the_fallback_resumes_the_same_file_where_the_first_host_stopped() {
    let fake = fake_with(false);
    fake.inject(Fault::ImageTruncate);
    fake.inject(Fault::Image503 {
        retry_after: Some(0),
    });
    let dir = TempDir::new().unwrap();
    download(&fake, &dir, &["--retries", "1"]).run_ok();
    assert!(saved(&dir) == fake.original_bytes(ID));
    // The first host sent half; the fallback was asked for the last 64 KiB held (to compare),
    // then for the rest only.
    let first = ranges(&fake.image_requests());
    assert_eq!(first, [None, Some("bytes=150000-".to_string())]);
    let second = ranges(&fake.fallback_requests());
    let overlap = 150_000 - 64 * 1024;
    assert_eq!(
        second,
        [
            Some(format!("bytes={overlap}-149999")),
            Some("bytes=150000-".to_string())
        ]
    );
}

#[test]
fn another_file_on_the_fallback_is_fetched_whole_not_spliced() {
    let fake = fake_with(true);
    fake.inject(Fault::ImageTruncate);
    fake.inject(Fault::Image503 {
        retry_after: Some(0),
    });
    let dir = TempDir::new().unwrap();
    let out = download(&fake, &dir, &["--retries", "1"]).run_ok();
    let err = text(&out.stderr);
    assert!(err.contains("not the same file"), "{err}");
    let other = fake.fallback_bytes(ID);
    assert!(other != fake.original_bytes(ID), "the fake's copies differ");
    assert_eq!(
        other.len(),
        300_000,
        "with the same length: only the bytes tell"
    );
    assert!(saved(&dir) == other);
    let asked = ranges(&fake.fallback_requests());
    assert_eq!(asked.len(), 2);
    assert_eq!(asked[1], None, "the file starts over: {asked:?}");
}

#[test]
fn a_host_that_times_out_or_answers_500_goes_to_the_fallback() {
    // 500 is not retried, but the fallback is still tried.
    let fake = fake_with(false);
    fake.inject(Fault::ImageStatus(500));
    let dir = TempDir::new().unwrap();
    download(&fake, &dir, &["--retries", "3"]).run_ok();
    assert!(saved(&dir) == fake.original_bytes(ID));
    assert_eq!(fake.image_requests().len(), 1);
    assert_eq!(fake.fallback_requests().len(), 1);

    // A 503 asking for an hour's wait: no point waiting when another host has the file.
    let fake = fake_with(false);
    fake.inject(Fault::Image503 {
        retry_after: Some(3600),
    });
    let dir = TempDir::new().unwrap();
    let out = download(&fake, &dir, &["--retries", "3"]).run_ok();
    assert!(saved(&dir) == fake.original_bytes(ID));
    assert!(text(&out.stderr).contains("asks to wait 3600s"));
    assert_eq!(fake.image_requests().len(), 1);

    // A silent host: --timeout 1, no retries.
    let fake = fake_with(false);
    fake.inject(Fault::ImageSlowFirstByte(Duration::from_secs(5)));
    let dir = TempDir::new().unwrap();
    let out = download(&fake, &dir, &["--retries", "0", "--timeout", "1"]).run_ok();
    assert!(saved(&dir) == fake.original_bytes(ID));
    assert!(
        text(&out.stderr).contains("timed out"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn without_a_fallback_or_with_both_down_the_item_fails_naming_both() {
    let fake = fake_with(false);
    fake.inject(Fault::ImageStatus(502));
    let dir = TempDir::new().unwrap();
    let out = download(
        &fake,
        &dir,
        &["--retries", "0", "--image-fallback-host", "none"],
    )
    .run_fails(1);
    assert!(text(&out.stderr).contains(&format!("failed {ID}: HTTP 502")));
    assert!(fake.fallback_requests().is_empty());

    fake.inject(Fault::ImageStatus(502));
    let out = civimg(&fake)
        .args(["--image-fallback-host", "http://127.0.0.1:9"])
        .args([
            "download",
            "--image-id",
            &ID.to_string(),
            "--retries",
            "0",
            "-o",
        ])
        .arg(dir.path())
        .run_fails(1);
    let err = text(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.contains("failed 1"))
        .unwrap_or_default();
    assert!(
        line.contains("HTTP 502") && line.contains("then from 127.0.0.1:9"),
        "{err}"
    );

    let out = civimg(&fake)
        .args([
            "--image-fallback-host",
            "ftp://x",
            "download",
            "--image-id",
            "1",
            "-o",
        ])
        .arg(dir.path())
        .run_fails(1);
    assert!(text(&out.stderr).contains("--image-fallback-host must be an http(s) URL"));
}

#[test]
fn the_fallback_host_can_come_from_the_config_file() {
    let fake = fake_with(false);
    let dir = TempDir::new().unwrap();
    let cfg = dir.path().join("config.toml");
    let line = format!("image_fallback_host = \"{}\"\n", fake.fallback_base());
    std::fs::write(&cfg, line).unwrap();
    let out = civimg(&fake)
        .env("CIVIMG_CONFIG", &cfg)
        .env_remove("CIVIMG_IMAGE_FALLBACK_HOST")
        .args(["config", "show"])
        .run_ok();
    let shown = text(&out.stdout);
    let row = shown
        .lines()
        .find(|l| l.starts_with("image_fallback_host = "))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(
        row.contains(&fake.fallback_base()) && row.contains("config file"),
        "{row}"
    );

    fake.inject(Fault::ImageStatus(503));
    let out_dir = TempDir::new().unwrap();
    civimg(&fake)
        .env("CIVIMG_CONFIG", &cfg)
        .env_remove("CIVIMG_IMAGE_FALLBACK_HOST")
        .args([
            "download",
            "--image-id",
            &ID.to_string(),
            "--retries",
            "0",
            "-o",
        ])
        .arg(out_dir.path())
        .run_ok();
    assert!(saved(&out_dir) == fake.original_bytes(ID));
    assert_eq!(fake.fallback_requests().len(), 1);
}

#[test]
fn a_host_found_down_gets_one_try_per_file_until_it_answers_again() {
    let fake = fake_with(false);
    // File 1: the first try and two retries fail; file 2: its one try fails; file 3: the
    // host answers again, so file 4 gets its full retries back (its first try fails).
    for _ in 0..4 {
        fake.inject(Fault::Image503 {
            retry_after: Some(0),
        });
    }
    fake.inject_after(
        5,
        Fault::Image503 {
            retry_after: Some(0),
        },
    );
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args(["--image-fallback-host", &fake.fallback_base()])
        .args(["download", "--username", "dave_art", "--sort", "oldest"])
        .args(["--max", "4", "-j", "1", "--retries", "2", "-o"])
        .arg(dir.path())
        .run_ok();
    let err = text(&out.stderr);
    assert!(err.contains("4 downloaded"), "{err}");
    // 3 + 1 tries on the image host, then 1 for file 3, then 2 for file 4 (one retry).
    assert_eq!(fake.image_requests().len(), 7, "{err}");
    assert_eq!(fake.fallback_requests().len(), 2, "{err}");
}

#[test]
fn the_environment_names_the_fallback_host_and_a_flag_beats_it() {
    let fake = fake_with(false);
    fake.inject(Fault::ImageStatus(503));
    let dir = TempDir::new().unwrap();
    civimg(&fake)
        .env("CIVIMG_IMAGE_FALLBACK_HOST", fake.fallback_base())
        .args([
            "download",
            "--image-id",
            &ID.to_string(),
            "--retries",
            "0",
            "-o",
        ])
        .arg(dir.path())
        .run_ok();
    assert_eq!(fake.fallback_requests().len(), 1);
    let shown = civimg(&fake)
        .env("CIVIMG_IMAGE_FALLBACK_HOST", fake.fallback_base())
        .args(["config", "show"])
        .run_ok();
    let shown = text(&shown.stdout);
    assert!(
        shown.contains("# environment variable CIVIMG_IMAGE_FALLBACK_HOST"),
        "{shown}"
    );
    fake.inject(Fault::ImageStatus(503));
    let other = TempDir::new().unwrap();
    civimg(&fake)
        .env("CIVIMG_IMAGE_FALLBACK_HOST", fake.fallback_base())
        .args(["--image-fallback-host", "none", "download"])
        .args(["--image-id", &ID.to_string(), "--retries", "0", "-o"])
        .arg(other.path())
        .run_fails(1);
    assert_eq!(fake.fallback_requests().len(), 1, "none from the flag wins");
}

/// Another copy of a 300,000-byte PNG: the same length and signature, other bytes.
fn other_copy() -> Vec<u8> {
    let mut file = b"\x89PNG\r\n\x1a\n".to_vec();
    file.extend((0..300_000 - 8).map(|i| (i * 7 % 251) as u8));
    file
}

// Issue 21: a refusal (429/403/404) or a plain 200 to the fallback's range check never keeps
// the `.part`: before, the resume then appended the fallback's other bytes to the first host's
// half (a spliced file, saved, archived, exit 0).
#[test]
fn a_refused_or_plain_answer_to_the_range_check_never_keeps_the_part() {
    for refusal in [429, 403, 404, 200] {
        let fake = fake_with(false);
        fake.inject(Fault::ImageTruncate);
        fake.inject(Fault::Image503 {
            retry_after: Some(0),
        });
        let file = other_copy();
        let served = file.clone();
        let host = Scripted::start(move |asked| match asked.byte_range() {
            // The check (a closed range): refused, or answered with the whole file.
            Some((_, Some(_))) if refusal == 200 => Answer::whole(&served),
            Some((_, Some(_))) => Answer::Status(refusal),
            // The resume it used to send next: the rest of another file.
            Some((start, None)) => Answer::range(&served, start, None),
            None => Answer::whole(&served),
        });
        let dir = TempDir::new().unwrap();
        let out = civimg(&fake)
            .args(["--image-fallback-host", &host.base()])
            .args(["download", "--image-id", &ID.to_string(), "--retries", "1"])
            .arg("-o")
            .arg(dir.path())
            .run_ok();
        let err = text(&out.stderr);
        assert!(err.contains("not the same file"), "{refusal}: {err}");
        assert!(saved(&dir) == file, "{refusal}: one host's bytes, whole");
        let asked: Vec<_> = host.asked().iter().map(|a| a.range.clone()).collect();
        assert_eq!(asked.len(), 2, "{refusal}: {asked:?}");
        assert_eq!(asked[1], None, "{refusal}: started over, {asked:?}");
    }
}

// Issue 21: a `.part` begun on the fallback host is not resumed from the first host unchecked
// on the next run; the first host must prove it serves the same file, and here it does not.
#[test]
fn a_part_begun_on_the_fallback_is_checked_before_the_first_host_resumes_it() {
    let fake = fake_with(false);
    fake.inject(Fault::ImageStatus(500));
    let file = other_copy();
    let host = Scripted::start(move |_| Answer::Cut(file.clone(), 150_000));
    let dir = TempDir::new().unwrap();
    let run = |fallback: &str| {
        let mut cmd = civimg(&fake);
        cmd.args(["--image-fallback-host", fallback])
            .args(["download", "--image-id", &ID.to_string(), "--retries", "0"])
            .arg("-o")
            .arg(dir.path());
        cmd
    };
    run(&host.base()).run_fails(1);
    let part = dir.path().join(format!("{ID}.part"));
    assert_eq!(std::fs::metadata(&part).unwrap().len(), 150_000);
    let before = fake.image_requests().len();
    let out = run("none").run_ok();
    assert!(saved(&dir) == fake.original_bytes(ID), "not spliced");
    let asked = ranges(&fake.image_requests()[before..]);
    let overlap = 150_000 - 64 * 1024;
    assert_eq!(
        asked,
        [Some(format!("bytes={overlap}-149999")), None],
        "checked, then fetched whole: {}",
        text(&out.stderr)
    );
}

// Issue 21: the range check falls under the stall rule of every transfer: a host that drips
// its answer (or never answers) is a stalled host, not a run kept alive for days. The `.part`
// of the first host stays for a later run.
#[test]
fn a_dripping_or_silent_range_check_is_a_stalled_host() {
    for silent in [false, true] {
        let fake = fake_with(false);
        fake.inject(Fault::ImageTruncate);
        fake.inject(Fault::Image503 {
            retry_after: Some(0),
        });
        let original = fake.original_bytes(ID);
        let host = Scripted::start(move |asked| match (silent, asked.byte_range()) {
            (true, _) => Answer::Silent,
            (false, Some((start, Some(end)))) => {
                let Answer::Body(status, headers, body) =
                    Answer::range(&original, start, Some(end))
                else {
                    unreachable!()
                };
                Answer::Drip(status, headers, body, Duration::from_millis(300))
            }
            _ => Answer::Status(500),
        });
        let dir = TempDir::new().unwrap();
        let out = civimg(&fake)
            .timeout(Duration::from_secs(30))
            .args(["--image-fallback-host", &host.base()])
            .args(["download", "--image-id", &ID.to_string(), "--retries", "1"])
            .args(["--timeout", "1", "-o"])
            .arg(dir.path())
            .run_fails(1);
        let err = text(&out.stderr);
        assert!(err.contains("timed out waiting for 127.0.0.1"), "{err}");
        let part = dir.path().join(format!("{ID}.part"));
        assert_eq!(std::fs::metadata(&part).unwrap().len(), 150_000, "{err}");
        assert_eq!(host.asked().len(), 2, "the check and one retry: {err}");
    }
}

// Issue 21: user-info in a fallback host is never printed, not even in its notice.
#[test]
fn the_fallback_notice_never_prints_user_info() {
    let fake = fake_with(false);
    fake.inject(Fault::ImageStatus(503));
    let dir = TempDir::new().unwrap();
    let with_secret = fake
        .fallback_base()
        .replace("http://", "http://bob:hunter2@");
    let out = civimg(&fake)
        .args(["--image-fallback-host", &with_secret])
        .args(["download", "--image-id", &ID.to_string(), "--retries", "0"])
        .arg("-o")
        .arg(dir.path())
        .run_ok();
    let err = text(&out.stderr);
    assert!(
        err.contains("fetching the file from http://127.0.0.1"),
        "{err}"
    );
    assert!(!err.contains("hunter2") && !err.contains("bob:"), "{err}");
    let shown = crate::support::bare()
        .args(["--image-fallback-host", &with_secret])
        .args([
            "--base-url",
            &fake.base_url().replace("http://", "http://ann:pw123@"),
        ])
        .args(["config", "show"])
        .run_ok();
    let shown = text(&shown.stdout);
    assert!(
        !shown.contains("hunter2") && !shown.contains("pw123"),
        "{shown}"
    );
    assert!(shown.contains("http://<redacted>@127.0.0.1"), "{shown}");
}
