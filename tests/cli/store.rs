//! The download store (issue 21): a name belongs to one item, each item has its own caption,
//! and extras are written below DIR only through real folders, whatever the archive says.

use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use crate::fake::FakeCivitai;
use crate::support::{civimg, files_below, real_ext, text, RunExt};

/// Bob's items, each given `postId` 5, as `--input` lines.
fn same_post(items: &[&Value]) -> String {
    items
        .iter()
        .map(|item| {
            let mut item = (*item).clone();
            item["postId"] = 5.into();
            format!("{item}\n")
        })
        .collect()
}

fn id_of(item: &Value) -> u64 {
    item["id"].as_u64().unwrap()
}

/// `download --input FILE --name {postId}.img` into `dir` with these lines.
fn run(fake: &FakeCivitai, dir: &Path, lines: &str, extra: &[&str]) -> std::process::Output {
    let input = dir.with_extension("jsonl");
    std::fs::write(&input, lines).unwrap();
    civimg(fake)
        .args(["download", "--name", "{postId}.img", "--input"])
        .arg(&input)
        .arg("-o")
        .arg(dir)
        .args(extra)
        .run_ok()
}

// Issue 21: with `{postId}` names, a file deleted and then a run listing only the other item
// gave that item the first one's name: two records named one file, later runs swapped their
// bytes while saying "already present", and `--overwrite` destroyed the first item's file.
#[test]
fn a_name_belongs_to_one_item_even_after_its_file_is_deleted() {
    let fake = FakeCivitai::start();
    let bob = fake.walk(&[("username", "bob")]);
    let (a, b) = (&bob[0], &bob[1]);
    let (bytes_a, bytes_b) = (fake.original_bytes(id_of(a)), fake.original_bytes(id_of(b)));
    assert!(bytes_a != bytes_b);
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path().join("out");
    run(&fake, &dir, &same_post(&[a]), &[]);
    assert!(std::fs::read(dir.join("5.img")).unwrap() == bytes_a);
    std::fs::remove_file(dir.join("5.img")).unwrap();
    let out = run(&fake, &dir, &same_post(&[b]), &[]);
    let b_name = format!("5-{}.img", id_of(b));
    assert!(
        std::fs::read(dir.join(&b_name)).unwrap() == bytes_b,
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.join("5.img").exists(), "5.img is still item a's name");
    for extra in [&[][..], &["--overwrite"][..]] {
        let out = run(&fake, &dir, &same_post(&[b, a]), extra);
        assert_eq!(
            files_below(&dir),
            [Path::new(&b_name), Path::new("5.img")],
            "{extra:?}"
        );
        assert!(
            std::fs::read(dir.join("5.img")).unwrap() == bytes_a,
            "{extra:?}: {}",
            text(&out.stderr)
        );
        assert!(
            std::fs::read(dir.join(&b_name)).unwrap() == bytes_b,
            "{extra:?}"
        );
    }
}

// Issue 21: an archive left with two records naming one file (by an older civimg): the last
// record owns the file; the older one is stale, so its item is fetched again under its own
// `-{id}` name instead of reading as "already present" with the other item's bytes.
#[test]
fn a_stale_record_whose_file_holds_another_items_bytes_is_fetched_again() {
    let fake = FakeCivitai::start();
    let bob = fake.walk(&[("username", "bob")]);
    let (a, b) = (&bob[0], &bob[1]);
    let bytes_b = fake.original_bytes(id_of(b));
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path().join("out");
    std::fs::create_dir_all(dir.join(".civimg")).unwrap();
    std::fs::write(dir.join("5.img"), &bytes_b).unwrap();
    let record = |id: u64| {
        format!(
            "{{\"id\":{id},\"name\":\"5.img\",\"size\":{},\"sha256\":\"x\"}}\n",
            bytes_b.len()
        )
    };
    let archive = record(id_of(a)) + &record(id_of(b));
    std::fs::write(dir.join(".civimg/archive.jsonl"), archive).unwrap();
    let out = run(&fake, &dir, &same_post(&[a, b]), &[]);
    let err = text(&out.stderr);
    assert!(
        err.contains("1 downloaded") && err.contains("1 already present"),
        "{err}"
    );
    assert!(std::fs::read(dir.join("5.img")).unwrap() == bytes_b);
    let a_name = dir.join(format!("5-{}.img", id_of(a)));
    assert!(std::fs::read(a_name).unwrap() == fake.original_bytes(id_of(a)));
}

// Issue 21: `--captions` gave `5.png` and `5.jpeg` of two items one `5.txt`; each item's
// caption is its own, beside a file of the same stem.
#[test]
fn each_item_gets_its_own_caption() {
    let fake = FakeCivitai::start();
    let bob = fake.walk(&[("nsfw", "X"), ("withMeta", "true")]);
    // Two stills of other types, each with a prompt.
    let mut found: Vec<(&Value, &str)> = Vec::new();
    for item in &bob {
        let ext = real_ext(&fake.original_bytes(id_of(item)));
        let prompted = crate::support::prompt_of(item).is_some_and(|p| !p.trim().is_empty());
        if prompted && ["png", "jpeg", "webp"].contains(&ext) && found.iter().all(|f| f.1 != ext) {
            found.push((item, ext));
        }
    }
    assert!(
        found.len() >= 2,
        "the fake has stills of two types: {} items, {:?}",
        bob.len(),
        found.iter().map(|f| f.1).collect::<Vec<_>>()
    );
    found.sort_by_key(|f| f.1);
    let ((first, first_ext), (second, second_ext)) = (found[0], found[1]);
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path().join("out");
    let input = dir.with_extension("jsonl");
    std::fs::write(&input, same_post(&[first, second])).unwrap();
    let out = civimg(&fake)
        .args([
            "download",
            "-j",
            "1",
            "--name",
            "{postId}.{ext}",
            "--captions",
            "--input",
        ])
        .arg(&input)
        .arg("-o")
        .arg(&dir)
        .run_ok();
    let stem = format!("5-{}", id_of(second));
    let mut want = [
        format!("{stem}.{second_ext}"),
        format!("{stem}.txt"),
        format!("5.{first_ext}"),
        "5.txt".into(),
    ]
    .map(std::path::PathBuf::from);
    want.sort();
    assert_eq!(files_below(&dir), want, "{}", text(&out.stderr));
    let caption = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let prompt = |item: &Value| format!("{}\n", crate::support::prompt_of(item).unwrap().trim());
    assert_eq!(caption("5.txt"), prompt(first));
    assert_eq!(caption(&format!("{stem}.txt")), prompt(second));
}

// Issue 21: sidecars and captions of an item already archived, or adopted from an unrecorded
// file, were written through a folder planted as a link; every write below DIR goes through
// the link-refusing path of downloads.
#[cfg(unix)]
#[test]
fn extras_of_archived_or_adopted_items_never_go_through_a_planted_folder_link() {
    use std::os::unix::fs::symlink;
    let fake = FakeCivitai::start();
    let item = fake.walk(&[("username", "bob")]).remove(0);
    let id = id_of(&item);
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path().join("out");
    let elsewhere = scratch.path().join("elsewhere");
    let download = |extra: &[&str]| {
        civimg(&fake)
            .args(["download", "--image-id", &id.to_string()])
            .args(["--name", "{username}/{id}.{ext}", "-o"])
            .arg(&dir)
            .args(extra)
            .assert()
            .get_output()
            .clone()
    };
    assert!(download(&[]).status.success());
    // The folder moves elsewhere and a link takes its place: archived, file still "there".
    std::fs::rename(dir.join("bob"), &elsewhere).unwrap();
    symlink(&elsewhere, dir.join("bob")).unwrap();
    let listed = |d: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = listed(&elsewhere);
    let out = download(&["--sidecar", "--captions"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("never writes through a link"));
    assert_eq!(
        listed(&elsewhere),
        before,
        "nothing written through the link"
    );
    // No archive: the file would be adopted, through the link.
    std::fs::remove_dir_all(dir.join(".civimg")).unwrap();
    let out = download(&["--sidecar", "--captions"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        listed(&elsewhere),
        before,
        "nothing adopted through the link"
    );
}
