//! One directory, one civimg, and an archive that survives damage (issue 8): the directory
//! lock, damaged or hostile archive lines, a torn last line, a full disk while appending.

use std::io::Write;
use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use crate::fake::FakeCivitai;
use crate::support::{civimg, files_below, text, Mount, RunExt};

fn bob_ids(fake: &FakeCivitai, n: usize) -> Vec<u64> {
    fake.walk(&[("username", "bob")])
        .iter()
        .take(n)
        .map(|i| i["id"].as_u64().unwrap())
        .collect()
}

fn archive_lines(dir: &Path) -> Vec<Vec<u8>> {
    std::fs::read(dir.join(".civimg/archive.jsonl"))
        .unwrap()
        .split(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

#[test]
fn a_second_download_into_the_same_dir_fails_at_once() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let state = dir.path().join(".civimg");
    std::fs::create_dir_all(&state).unwrap();
    // Another civimg holds the lock (as a running download does) and wrote its pid.
    let mut held = std::fs::File::create(state.join("lock")).unwrap();
    writeln!(held, "4242").unwrap();
    fs4::FileExt::try_lock(&held).unwrap();
    let out = civimg(&fake)
        .args(["download", "--username", "bob", "-o"])
        .arg(dir.path())
        .run_fails(1);
    let want = format!(
        "civimg: error: another civimg (pid 4242) is downloading into {}",
        dir.path().display()
    );
    assert_eq!(text(&out.stderr).trim(), want);
    assert!(fake.requests().is_empty(), "nothing was asked");
    assert_eq!(
        std::fs::read_to_string(state.join("lock")).unwrap(),
        "4242\n"
    );
    assert!(!state.join("archive.jsonl").exists(), "nothing was touched");
    // Released (as the OS does when the holder dies): the next run proceeds.
    drop(held);
    civimg(&fake)
        .args(["download", "--username", "bob", "-o"])
        .arg(dir.path())
        .run_ok();
    assert_eq!(files_below(dir.path()).len(), 5);
}

#[test]
fn a_damaged_archive_is_read_around_not_refused() {
    let fake = FakeCivitai::start();
    let ids = bob_ids(&fake, 3);
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path().join("out");
    let state = dir.join(".civimg");
    std::fs::create_dir_all(&state).unwrap();
    // ids[0] is complete and recorded; ids[1] is "recorded" as a file outside the directory,
    // which exists there with the recorded size; then damage, and a torn last line.
    let first = fake.original_bytes(ids[0]);
    std::fs::write(dir.join(format!("{}.png", ids[0])), &first).unwrap();
    let outside = scratch.path().join("outside.png");
    std::fs::write(&outside, b"not yours").unwrap();
    let record = |id: u64, name: &str, size: usize| {
        format!(r#"{{"id":{id},"name":"{name}","size":{size},"sha256":"00"}}"#)
    };
    let mut archive = Vec::new();
    archive.extend_from_slice(record(ids[0], &format!("{}.png", ids[0]), first.len()).as_bytes());
    archive.extend_from_slice(b"\n\xff\xfe\xfd not utf-8 \x1b[31m\n");
    archive.extend_from_slice(record(ids[1], "../outside.png", 9).as_bytes());
    archive.extend_from_slice(b"\n[1,2,3]\n{\"id\":77,\"na");
    std::fs::write(state.join("archive.jsonl"), &archive).unwrap();

    let out = civimg(&fake)
        .args([
            "download",
            "--username",
            "bob",
            "--max",
            "3",
            "--sidecar",
            "-o",
        ])
        .arg(&dir)
        .run_ok();
    let err = text(&out.stderr);
    assert!(err.contains("3 damaged line(s)"), "{err}");
    assert!(
        err.contains("1 record(s)") && err.contains("outside"),
        "{err}"
    );
    assert!(
        err.contains("2 downloaded") && err.contains("1 already present"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "{err}");
    assert_eq!(std::fs::read(&outside).unwrap(), b"not yours");
    assert!(!scratch.path().join("outside.png.json").exists());
    let fetched: Vec<String> = fake
        .image_requests()
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(fetched.len(), 2, "{fetched:?}");
    // The torn line got its newline: every new record is a whole line of its own.
    let lines = archive_lines(&dir);
    let records: Vec<Value> = lines
        .iter()
        .filter_map(|l| serde_json::from_slice::<Value>(l).ok())
        .filter(|v| v.get("id").is_some())
        .collect();
    for id in &ids[1..] {
        assert!(records.iter().any(|r| r["id"] == *id), "{id} recorded");
    }
    assert!(lines.contains(&b"{\"id\":77,\"na".to_vec()));
}

// The archive's disk fills up (DIR/.civimg on its own full tmpfs): the run's error, reported
// once, the summary still printed. Needs root to mount (CI runs as root).
#[test]
fn a_full_disk_while_appending_to_the_archive_is_the_runs_error() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let state = dir.path().join(".civimg");
    let Some(_mount) = Mount::tmpfs(&state, "size=4k") else {
        eprintln!("skipped: this user cannot mount a tmpfs");
        return;
    };
    std::fs::write(state.join("filler"), vec![0u8; 4096]).unwrap();
    let out = civimg(&fake)
        .args(["download", "--username", "bob", "-j", "2", "-o"])
        .arg(dir.path())
        .run_fails(1);
    let err = text(&out.stderr);
    assert_eq!(err.matches("No space left on device").count(), 1, "{err}");
    assert!(
        err.contains("cannot append to the download archive"),
        "{err}"
    );
    assert!(
        err.contains("downloaded") && err.contains("failed in"),
        "summary: {err}"
    );
    assert!(
        err.lines().last().unwrap().starts_with("civimg: error:"),
        "{err}"
    );
    // Files that got their final name are whole, and the summary counts them.
    let saved = files_below(dir.path())
        .into_iter()
        .filter(|f| !f.to_string_lossy().ends_with(".part"))
        .count();
    assert!(saved >= 1);
    assert!(
        err.starts_with(&format!("civimg: {saved} downloaded")),
        "{saved}: {err}"
    );
}

// The state folder itself is never a link: civimg would write its lock and archive elsewhere.
#[cfg(unix)]
#[test]
fn a_linked_state_folder_is_refused() {
    let fake = FakeCivitai::start();
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path().join("out");
    let elsewhere = scratch.path().join("elsewhere");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join(".civimg")).unwrap();
    let out = civimg(&fake)
        .args(["download", "--username", "bob", "-o"])
        .arg(&dir)
        .run_fails(1);
    assert!(
        text(&out.stderr).contains("is a symbolic link"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(fake.requests().is_empty());
}

// Issue 21: a FIFO at `.civimg/archive.jsonl` blocked `download` for ever (and so would one at
// the lock): civimg's own state is read only from regular files, refused at once otherwise.
#[cfg(unix)]
#[test]
fn a_fifo_as_civimgs_state_is_refused_at_once() {
    let fake = FakeCivitai::start();
    for name in ["archive.jsonl", "lock"] {
        let dir = TempDir::new().unwrap();
        let state = dir.path().join(".civimg");
        std::fs::create_dir_all(&state).unwrap();
        let fifo = state.join(name);
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        for dry in [false, true] {
            if dry && name == "lock" {
                continue; // a dry run takes no lock
            }
            let out = civimg(&fake)
                .timeout(std::time::Duration::from_secs(20))
                .args(["download", "--username", "bob", "--max", "1", "-o"])
                .arg(dir.path())
                .args(if dry { &["--dry-run"][..] } else { &[][..] })
                .run_fails(1);
            let err = text(&out.stderr);
            assert!(err.contains("not a regular file"), "{name}: {err}");
            assert!(err.contains(name), "{err}");
        }
        assert!(fake.image_requests().is_empty());
    }
}
