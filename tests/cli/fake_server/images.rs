//! Tests of the fake's image host: signatures, Range, variants, faults, transfer counting.

use std::time::{Duration, Instant};

use super::{fetch, index_of, original};
use crate::fake::{FakeCivitai, FakeConfig, Fault};

fn first_url(fake: &FakeCivitai, filter: impl Fn(u64) -> bool) -> (u64, String) {
    let item = fake
        .walk(&[
            ("browsingLevel", "63"),
            ("sort", "Oldest"),
            ("limit", "200"),
        ])
        .into_iter()
        .find(|i| filter(index_of(i["id"].as_u64().unwrap())))
        .expect("such an item");
    (
        item["id"].as_u64().unwrap(),
        original(item["url"].as_str().unwrap()),
    )
}

/// (name, which generator indices have it, magic bytes).
type Signature = (&'static str, fn(u64) -> bool, &'static [u8]);

#[test]
fn originals_carry_real_signatures_behind_jpeg_names() {
    let fake = FakeCivitai::start();
    let cases: [Signature; 6] = [
        (
            "png",
            |i| i % 40 != 17 && i % 300 != 150 && i % 10 == 0,
            b"\x89PNG\r\n\x1a\n",
        ),
        (
            "jpeg",
            |i| i % 40 != 17 && i % 300 != 150 && i % 10 == 6,
            b"\xFF\xD8\xFF",
        ),
        (
            "webp",
            |i| i % 40 != 17 && i % 300 != 150 && i % 10 == 8,
            b"RIFF",
        ),
        ("gif", |i| i % 300 == 150, b"GIF89a"),
        ("mp4", |i| i % 40 == 17 && i != 17, b"\0\0\0\x20ftyp"),
        ("webm", |i| i == 17, b"\x1A\x45\xDF\xA3"),
    ];
    for (name, filter, magic) in cases {
        let (id, url) = first_url(&fake, filter);
        assert!(
            url.ends_with(if name == "mp4" || name == "webm" {
                ".mp4"
            } else {
                ".jpeg"
            }),
            "{url}"
        );
        let r = fetch(&url, &[]);
        assert_eq!(r.status, 200, "{name}");
        let body = r.body.clone().unwrap();
        assert!(body.starts_with(magic), "{name}: {:?}", &body[..8]);
        assert_eq!(
            r.header("content-length"),
            Some(body.len().to_string().as_str())
        );
        assert!(
            body == fake.original_bytes(id),
            "{name}: served bytes differ from the oracle"
        );
    }
    let (_, url) = first_url(&fake, |i| i % 13 == 3);
    assert_eq!(fetch(&url, &[]).header("content-type"), Some("text/plain"));
}

#[test]
fn range_requests_and_width_variants() {
    let fake = FakeCivitai::start();
    let (id, url) = first_url(&fake, |i| i % 10 == 0 && i % 40 != 17);
    let full = fake.original_bytes(id);
    let r = fetch(&url, &[("range", "bytes=100-")]);
    assert_eq!(r.status, 206);
    let len = full.len();
    assert_eq!(
        r.header("content-range").unwrap(),
        format!("bytes 100-{}/{len}", len - 1)
    );
    assert!(r.body.unwrap() == full[100..]);
    let small = fetch(&url.replace("original=true", "width=450"), &[])
        .body
        .unwrap();
    assert!(small.len() < len && small != full[..small.len()]);
    assert_eq!(
        fetch(
            &url.replace(
                &url[url.len() - 41..url.len() - 5],
                "00000000-0000-4000-8000-000000000000"
            ),
            &[]
        )
        .status,
        404
    );
    let (legacy, _) = first_url(&fake, |i| i % 5 == 1 && i < 100);
    let legacy = fake.item(legacy).unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(legacy.contains("/width=1024/"), "{legacy}");
}

#[test]
fn image_faults_fire_once_each() {
    let fake = FakeCivitai::start();
    let (_, url) = first_url(&fake, |i| i % 10 == 0 && i % 40 != 17);
    fake.inject(Fault::ImageTruncate);
    assert!(fetch(&url, &[]).body.is_err(), "truncated body is an error");
    fake.inject(Fault::ImageReset);
    assert!(fetch(&url, &[]).body.is_err(), "reset body is an error");
    fake.inject(Fault::Image503 {
        retry_after: Some(1),
    });
    let r = fetch(&url, &[]);
    assert_eq!((r.status, r.header("retry-after")), (503, Some("1")));
    fake.inject(Fault::ImageRedirectTo(format!(
        "{}/elsewhere",
        fake.base_url()
    )));
    let r = fetch(&url, &[("authorization", "Bearer k")]);
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("location").unwrap(),
        format!("{}/elsewhere", fake.base_url())
    );
    fake.inject(Fault::ImageSlowFirstByte(Duration::from_millis(150)));
    let started = Instant::now();
    assert!(fetch(&url, &[]).body.is_ok());
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(fetch(&url, &[]).status, 200);
    let recorded = fake.image_requests();
    assert_eq!(recorded.len(), 6);
    assert_eq!(recorded[3].header("Authorization"), Some("Bearer k"));
    assert!(recorded[0].host.starts_with("localhost:"));
}

#[test]
fn concurrent_transfers_are_counted_and_sizes_forced() {
    let fake = FakeCivitai::start_with(FakeConfig {
        images: 200,
        image_size: Some(3 << 20),
        first_byte_delay: Duration::from_millis(100),
        ..FakeConfig::default()
    });
    let urls: Vec<String> = fake
        .walk(&[("nsfw", "X"), ("limit", "3")])
        .iter()
        .take(3)
        .map(|i| original(i["url"].as_str().unwrap()))
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let lens = rt.block_on(futures::future::join_all(urls.iter().map(|u| async move {
        reqwest::get(u.as_str())
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .len()
    })));
    assert!(lens.iter().all(|&n| n == 3 << 20), "{lens:?}");
    assert_eq!(fake.max_concurrent_transfers(), 3);
}

#[test]
fn added_items_join_the_dataset_and_their_files_are_served() {
    let fake = FakeCivitai::start_with(FakeConfig {
        images: 100,
        ..FakeConfig::default()
    });
    let url = format!(
        "{}/xG1nkqKTMzGDvpLrqFT7WA/added-uuid/original=true/..%2F..%2Fetc.jpeg",
        fake.image_base()
    );
    fake.add_item(
        serde_json::json!({"id": 1, "url": url, "username": "Zed_Odd", "browsingLevel": 1,
        "createdAt": "2026-10-31T00:00:00.000Z", "meta": {"prompt": "x"}, "extra": true}),
    );
    let items = fake.walk(&[("username", "zed_odd"), ("withMeta", "true")]);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["extra"], true);
    assert_eq!(items[0]["meta"]["prompt"], "x");
    let direct = format!(
        "{}/xG1nkqKTMzGDvpLrqFT7WA/added-uuid/original=true/x.jpeg",
        fake.image_base()
    );
    assert!(fetch(&direct, &[]).body.unwrap() == fake.original_bytes(1));
}
