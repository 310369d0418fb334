//! Hostile bytes where items come in (issue 21): `--input` read as bytes with a line cap and
//! non-UTF-8 lines skipped, and items nested deeper than the JSON reader follows named.

use tempfile::TempDir;

use crate::fake::FakeCivitai;
use crate::scripted::{Answer, Scripted};
use crate::support::{civimg, files_below, text, RunExt};

/// Bob's first `n` items as JSON lines.
fn bob_lines(fake: &FakeCivitai, n: usize) -> Vec<(u64, String)> {
    let mut items = fake.walk(&[("username", "bob")]);
    items.truncate(n);
    items
        .iter()
        .map(|i| (i["id"].as_u64().unwrap(), format!("{i}\n")))
        .collect()
}

fn download(fake: &FakeCivitai, input: &[u8], dir: &TempDir) -> assert_cmd::Command {
    let path = dir.path().join("input.jsonl");
    std::fs::write(&path, input).unwrap();
    let mut cmd = civimg(fake);
    cmd.args(["download", "--input"])
        .arg(&path)
        .arg("-o")
        .arg(dir.path().join("out"));
    cmd
}

fn saved_ids(dir: &TempDir) -> Vec<u64> {
    let mut ids: Vec<u64> = files_below(&dir.path().join("out"))
        .iter()
        .map(|f| {
            f.to_string_lossy()
                .split('.')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    ids.sort();
    ids
}

// Issue 21: one non-UTF-8 line aborted the whole input, valid lines included.
#[test]
fn a_non_utf8_input_line_is_skipped_with_a_counted_warning() {
    let fake = FakeCivitai::start();
    let lines = bob_lines(&fake, 3);
    let mut input = lines[0].1.as_bytes().to_vec();
    input.extend_from_slice(b"{\"id\":1,\"url\":\"\xff\xfe\"}\n");
    input.extend_from_slice(lines[1].1.as_bytes());
    input.extend_from_slice(b"\xc3\n");
    input.extend_from_slice(lines[2].1.as_bytes());
    let dir = TempDir::new().unwrap();
    let out = download(&fake, &input, &dir).run_ok();
    let err = text(&out.stderr);
    assert!(
        err.contains("2 lines were not UTF-8 text and were skipped (the first: line 2)"),
        "{err}"
    );
    let mut want: Vec<u64> = lines.iter().map(|l| l.0).collect();
    want.sort();
    assert_eq!(saved_ids(&dir), want);
}

// Issue 21: `--input` lines had no length cap (1 GB without a newline took 985 MB of memory):
// a line past 16 MiB stops the input with an error naming it, and the lines before it count.
#[test]
fn an_input_line_over_16_mib_stops_with_an_error_naming_it() {
    let fake = FakeCivitai::start();
    let lines = bob_lines(&fake, 1);
    let mut input = lines[0].1.as_bytes().to_vec();
    input.resize(input.len() + 17 * 1024 * 1024, b' ');
    input.extend_from_slice(b"{}\n");
    let dir = TempDir::new().unwrap();
    let out = download(&fake, &input, &dir).run_fails(1);
    let err = text(&out.stderr);
    assert!(err.contains("line 2 is longer than 16 MiB"), "{err}");
    assert!(err.contains("1 downloaded"), "{err}");
    assert_eq!(saved_ids(&dir), [lines[0].0]);
}

// Issue 21: an item nested deeper than the JSON reader's limit was skipped as "no numeric
// id", exit 0; it is still skipped (real items nest about ten levels), saying why and which.
#[test]
fn an_item_nested_too_deep_is_named_and_the_reason_said() {
    let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
    let base = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let known = base.clone();
    let api = Scripted::start(move |asked| {
        if !asked.path.starts_with("/api/v1/images") {
            let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
            png.resize(2000, 1);
            return Answer::whole(&png);
        }
        let b = known.get().unwrap();
        let page = format!(
            r#"{{"items":[{{"id":7,"username":"bob","url":"{b}/k/u7/original=true/7.jpeg","x":{deep}}},
            {{"id":8,"username":"bob","url":"{b}/k/u8/original=true/8.jpeg"}}],"metadata":{{}}}}"#
        );
        Answer::Body(
            200,
            vec![("Content-Type".into(), "application/json".into())],
            page.into_bytes(),
        )
    });
    base.set(api.base()).unwrap();
    let dir = TempDir::new().unwrap();
    let out = crate::support::bare()
        .args(["--base-url", &api.base()])
        .args(["download", "--username", "bob", "-o"])
        .arg(dir.path().join("out"))
        .run_ok();
    let err = text(&out.stderr);
    assert!(
        err.contains("item 7 skipped: nested deeper than 128 levels"),
        "{err}"
    );
    assert_eq!(saved_ids(&dir), [8]);

    let fake = FakeCivitai::start();
    let line = format!(
        "{{\"id\":9,\"url\":\"x\",\"x\":{}}}\n",
        &format!("{}1{}", "[".repeat(300), "]".repeat(300))
    );
    // Issue 16: an `--input` line civimg cannot read stops the run (exit 1) naming it.
    let out = download(&fake, line.as_bytes(), &dir).run_fails(1);
    let err = text(&out.stderr);
    assert!(
        err.contains("line 1: not JSON (nested deeper than 128 levels"),
        "{err}"
    );
}
