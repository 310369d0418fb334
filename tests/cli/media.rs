//! Videos and audio through the real binary: `--type video|audio`, videos whose
//! `original=true` is a still WebP (doc/api.md, "Videos, audio, collections"), and the extensions
//! the saved files get.

use std::path::Path;

use tempfile::TempDir;

use crate::fake::{FakeCivitai, FakeConfig};
use crate::support::{civimg, files_below, ids, json_lines, text, RunExt};

/// A small dataset whose five videos (generator indices 17, 57, 97, 137, 177) fall in stills
/// classes 0, 1, 2, 3, 0 (fake/src/media.rs), with four audio items.
fn media_fake() -> FakeCivitai {
    FakeCivitai::start_with(FakeConfig {
        images: 200,
        audio: 4,
        video_stills: true,
        ..FakeConfig::default()
    })
}

/// The variant segments the image host was asked for, for the file of `id`.
fn variants_asked(fake: &FakeCivitai, id: u64) -> Vec<String> {
    let item = fake.item(id).unwrap();
    let uuid = item["url"]
        .as_str()
        .unwrap()
        .split('/')
        .nth_back(2)
        .unwrap()
        .to_string();
    fake.image_requests()
        .iter()
        .filter(|r| r.path.contains(&uuid))
        .map(|r| r.path.split('/').nth_back(1).unwrap().to_string())
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    files_below(dir)
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

#[test]
fn audio_is_listed_and_saved_as_mp3() {
    let fake = media_fake();
    let out = civimg(&fake)
        .args(["list", "--type", "audio", "-f", "jsonl"])
        .run_ok();
    let items = json_lines(&out.stdout);
    assert_eq!(ids(&items).len(), 4, "{items:?}");
    assert!(items.iter().all(|i| i["type"] == "audio"));
    assert_eq!(fake.api_requests()[0].param("type"), Some("audio"));

    let dir = TempDir::new().unwrap();
    civimg(&fake)
        .args([
            "download",
            "--type",
            "audio",
            "--max",
            "10",
            "--name",
            "{type}/{id}.{ext}",
            "-o",
        ])
        .arg(dir.path())
        .run_ok();
    let mut want: Vec<String> = ids(&items)
        .iter()
        .map(|id| format!("audio/{id}.mp3"))
        .collect();
    want.sort();
    assert_eq!(names(dir.path()), want);
    for id in ids(&items) {
        let saved = std::fs::read(dir.path().join(format!("audio/{id}.mp3"))).unwrap();
        assert!(saved == fake.original_bytes(id), "{id}");
    }
    // Both ways an MP3 starts: an ID3 tag, and a bare frame sync.
    let heads: Vec<Vec<u8>> = ids(&items)
        .iter()
        .map(|id| fake.original_bytes(*id)[..3].to_vec())
        .collect();
    assert!(heads.iter().any(|h| h == b"ID3"), "{heads:?}");
    assert!(heads.iter().any(|h| h[0] == 0xFF), "{heads:?}");
}

#[test]
fn a_video_that_comes_back_as_a_still_is_fetched_again_or_fails() {
    let fake = media_fake();
    let listed = civimg(&fake)
        .args([
            "list", "--type", "video", "--nsfw", "X", "--sort", "oldest", "-f", "jsonl",
        ])
        .run_ok();
    let videos = ids(&json_lines(&listed.stdout));
    assert_eq!(videos.len(), 5, "{videos:?}");
    let index = |id: u64| (id - 10_000_000) / 13;
    assert_eq!(
        videos.iter().map(|&id| index(id)).collect::<Vec<_>>(),
        [17, 57, 97, 137, 177]
    );
    fake.clear_requests();
    let dir = TempDir::new().unwrap();
    let out = civimg(&fake)
        .args([
            "download", "--type", "video", "--nsfw", "X", "--max", "10", "-j", "2",
        ])
        .args(["--name", "{type}/{id}.{ext}", "-o"])
        .arg(dir.path())
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(err.contains("4 downloaded"), "{err}");
    assert!(err.contains("1 failed"), "{err}");
    // The one whose every variant is a still fails, naming what the host sent for each.
    let failed = videos[3];
    let line = err
        .lines()
        .find(|l| l.contains(&format!("failed {failed}")))
        .unwrap_or_else(|| panic!("{err}"));
    for variant in [
        "original=true",
        "original=true,quality=100",
        "transcode=true,original=true",
    ] {
        assert!(
            line.contains(&format!("a still WEBP image for {variant}")),
            "{line}"
        );
    }
    let mut want = vec![
        format!("video/{}.webm", videos[0]),
        format!("video/{}.mp4", videos[1]),
        format!("video/{}.mp4", videos[2]),
        format!("video/{}.mp4", videos[4]),
    ];
    want.sort();
    assert_eq!(names(dir.path()), want, "no still and no .part is left");
    for name in &want {
        let id: u64 = name[6..14].parse().unwrap();
        let saved = std::fs::read(dir.path().join(name)).unwrap();
        assert!(
            saved == fake.original_bytes(id),
            "{name} is the video itself"
        );
    }
    // Each video was asked for no more than it took.
    assert_eq!(variants_asked(&fake, videos[0]), ["original=true"]);
    assert_eq!(
        variants_asked(&fake, videos[1]),
        ["original=true", "original=true,quality=100"]
    );
    assert_eq!(
        variants_asked(&fake, videos[2]),
        [
            "original=true",
            "original=true,quality=100",
            "transcode=true,original=true"
        ]
    );
    assert_eq!(variants_asked(&fake, videos[3]).len(), 3);
}

#[test]
fn each_variant_resumes_its_own_part_and_a_saved_video_leaves_none() {
    let fake = media_fake();
    // Generator index 57: `original=true` is a still, `quality=100` the video.
    let id = 10_000_000 + 13 * 57;
    let video = fake.original_bytes(id);
    let dir = TempDir::new().unwrap();
    // An earlier run stopped 1000 bytes into the quality=100 fetch…
    std::fs::write(dir.path().join(format!("{id}.q100.part")), &video[..1000]).unwrap();
    // …and a link under the transcode variant's name: removed, its target left alone.
    let outside = TempDir::new().unwrap();
    let target = outside.path().join("precious");
    std::fs::write(&target, b"keep me").unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join(format!("{id}.transcode.part"))).unwrap();
    civimg(&fake)
        .args([
            "download",
            "--image-id",
            &id.to_string(),
            "--browsing-level",
            "63",
            "-o",
        ])
        .arg(dir.path())
        .run_ok();
    assert_eq!(names(dir.path()), [format!("{id}.mp4")]);
    assert_eq!(std::fs::read(&target).unwrap(), b"keep me");
    assert!(std::fs::read(dir.path().join(format!("{id}.mp4"))).unwrap() == video);
    let asked: Vec<(String, Option<String>)> = fake
        .image_requests()
        .iter()
        .map(|r| {
            let variant = r.path.split('/').nth_back(1).unwrap().to_string();
            (variant, r.header("range").map(String::from))
        })
        .collect();
    assert_eq!(
        asked,
        [
            ("original=true".to_string(), None),
            // A `.part` with no record of its origin proves itself first (issue 21).
            (
                "original=true,quality=100".to_string(),
                Some("bytes=0-999".to_string())
            ),
            (
                "original=true,quality=100".to_string(),
                Some("bytes=1000-".to_string())
            ),
        ]
    );
}

// Issue 21: an AVIF or HEIC original (an `ftyp` box with an image brand) was saved as `.mp4`.
#[test]
fn avif_and_heic_originals_are_saved_as_what_they_are() {
    use crate::scripted::{Answer, Scripted};
    use civimg_fake::build::heif::Builder;
    let avif = Builder::avif(64, 48).build();
    let heic = Builder::heic(64, 48).build();
    let (a, h) = (avif.clone(), heic.clone());
    let host = Scripted::start(move |asked| {
        Answer::whole(if asked.path.contains("/a/") { &a } else { &h })
    });
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("items.jsonl");
    let line = |id: u32, key: &str| {
        let url = format!("{}/{key}/u{id}/original=true/x.jpeg", host.base());
        format!("{{\"id\":{id},\"url\":\"{url}\",\"type\":\"image\"}}\n")
    };
    std::fs::write(&input, line(1, "a") + &line(2, "h")).unwrap();
    let out_dir = dir.path().join("out");
    let fake = FakeCivitai::start();
    civimg(&fake)
        .args(["download", "--input"])
        .arg(&input)
        .arg("-o")
        .arg(&out_dir)
        .run_ok();
    assert_eq!(
        crate::support::files_below(&out_dir),
        [
            std::path::Path::new("1.avif"),
            std::path::Path::new("2.heic")
        ]
    );
    assert!(std::fs::read(out_dir.join("1.avif")).unwrap() == avif);
    assert!(std::fs::read(out_dir.join("2.heic")).unwrap() == heic);
}
