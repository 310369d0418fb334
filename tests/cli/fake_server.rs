//! Tests of the fake Civitai itself, over real HTTP: it must behave as
//! `doc/api.md` says, or every test built on it proves nothing.

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::fake::{FakeCivitai, Fault};

mod backends;
mod exif;
mod images;
mod reference;

/// A received response.
struct Resp {
    status: u16,
    headers: HeaderMap,
    body: Result<Vec<u8>, String>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(self.body.as_ref().expect("body")).expect("JSON body")
    }
    fn header(&self, k: &str) -> Option<&str> {
        self.headers.get(k).and_then(|v| v.to_str().ok())
    }
}

fn fetch(url: &str, headers: &[(&str, &str)]) -> Resp {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut req = client.get(url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let r = req.send().await.expect("request sent");
        let (status, headers) = (r.status().as_u16(), r.headers().clone());
        let body = r
            .bytes()
            .await
            .map(|b| b.to_vec())
            .map_err(|e| e.to_string());
        Resp {
            status,
            headers,
            body,
        }
    })
}

fn api(fake: &FakeCivitai, query: &str) -> Resp {
    fetch(&format!("{}/api/v1/images?{query}", fake.base_url()), &[])
}

/// The zod issues inside a 400 body (a JSON string, doc/api.md "Errors").
fn zod_issues(r: &Resp) -> Vec<Value> {
    assert_eq!(r.status, 400);
    let body = r.json();
    assert_eq!(body["error"]["name"], "ZodError");
    serde_json::from_str(
        body["error"]["message"]
            .as_str()
            .expect("message is a string"),
    )
    .unwrap()
}

/// Follow `nextPage` to the end; returns each page's item count and the items.
fn walk_http(fake: &FakeCivitai, query: &str) -> (Vec<usize>, Vec<Value>) {
    let (mut sizes, mut items) = (vec![], vec![]);
    let mut url = format!("{}/api/v1/images?{query}", fake.base_url());
    loop {
        let page = fetch(&url, &[]).json();
        let got = page["items"].as_array().unwrap();
        sizes.push(got.len());
        items.extend(got.iter().cloned());
        match page["metadata"]["nextPage"].as_str() {
            Some(next) => url = next.to_string(),
            None => return (sizes, items),
        }
    }
}

/// The url of the full-resolution original (doc/api.md: replace the options segment).
fn original(url: &str) -> String {
    let mut parts: Vec<&str> = url.rsplitn(3, '/').collect();
    parts[1] = "original=true";
    parts.reverse();
    parts.join("/")
}

fn index_of(id: u64) -> u64 {
    (id - 10_000_000) / 13
}

#[test]
fn bad_parameters_get_a_zod_400() {
    let fake = FakeCivitai::start();
    let issues = zod_issues(&api(&fake, "limit=500"));
    assert_eq!(issues[0]["code"], "too_big");
    assert_eq!(issues[0]["path"], serde_json::json!(["limit"]));
    assert_eq!(issues[0]["maximum"], 200);
    assert_eq!(
        zod_issues(&api(&fake, "limit=ten"))[0]["code"],
        "invalid_type"
    );
    assert_eq!(
        zod_issues(&api(&fake, "username=al%20ice"))[0]["path"][0],
        "username"
    );
    let issues = zod_issues(&api(&fake, "baseModels=SD%201.5,SDXL"));
    assert_eq!(issues[0]["path"], serde_json::json!(["baseModels", 1]));
    assert_eq!(
        zod_issues(&api(&fake, "sort=newest"))[0]["code"],
        "invalid_value"
    );
    assert_eq!(
        zod_issues(&api(&fake, "postId=abc"))[0]["path"][0],
        "postId"
    );
    // Unknown parameters and a bad Authorization are fine: no 401 (doc/api.md).
    let r = fetch(
        &format!("{}/api/v1/images?foo=1", fake.base_url()),
        &[("authorization", "Bearer nope")],
    );
    assert_eq!(r.status, 200);
}

#[test]
fn page_cap_is_a_429() {
    let fake = FakeCivitai::start();
    let r = api(&fake, "page=11&limit=100");
    assert_eq!(r.status, 429);
    assert_eq!(
        r.json()["error"],
        "You've requested too many pages, please use cursors instead"
    );
    let ok = api(&fake, "page=10&limit=100").json();
    assert_eq!(ok["metadata"]["currentPage"], 10);
    assert_eq!(ok["metadata"]["pageSize"], 100);
    // page is ignored next to a cursor, cap included.
    assert_eq!(api(&fake, "page=50&limit=100&cursor=0%7C0").status, 200);
}

#[test]
fn default_level_is_pg_only_and_browsing_level_wins() {
    let fake = FakeCivitai::start();
    let (_, items) = walk_http(&fake, "limit=200");
    assert!(items.len() > 300);
    assert!(items.iter().all(|i| i["browsingLevel"] == 1));
    let x = api(&fake, "limit=200&nsfw=X").json();
    assert!(x["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["browsingLevel"].as_u64().unwrap() > 1));
    let r = api(&fake, "limit=200&nsfw=None&browsingLevel=4").json();
    let levels: Vec<&Value> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["browsingLevel"])
        .collect();
    assert!(!levels.is_empty() && levels.iter().all(|l| **l == 4));
}

#[test]
fn alice_walk_has_short_and_empty_pages_with_cursors() {
    // civitai filters pages after cutting the window: short and empty pages still carry a cursor.
    let fake = FakeCivitai::start();
    for limit in [20, 50] {
        let (sizes, items) = walk_http(&fake, &format!("username=alice_ai&limit={limit}"));
        let inner = &sizes[..sizes.len() - 1];
        assert!(
            inner.iter().any(|&n| n > 0 && n < limit),
            "short page at {limit}: {sizes:?}"
        );
        assert!(
            inner.iter().skip(1).any(|&n| n == 0),
            "empty page mid-walk at {limit}: {sizes:?}"
        );
        assert!(items
            .iter()
            .all(|i| i["username"] == "alice_ai" && i["browsingLevel"] == 1));
        let oracle = fake.walk(&[("username", "alice_ai"), ("limit", &limit.to_string())]);
        assert_eq!(items, oracle);
    }
    // carol_x has no PG image at all.
    let (sizes, items) = walk_http(&fake, "username=carol_x&limit=20");
    assert!(items.is_empty() && sizes.len() > 1);
    assert_eq!(fake.walk(&[("username", "bob"), ("nsfw", "X")]).len(), 7);
}

#[test]
fn numeric_cursor_and_wrapped_meta_on_image_and_model_paths() {
    let fake = FakeCivitai::start();
    let page = api(&fake, "modelId=101&limit=5&nsfw=X&withMeta=true").json();
    assert!(
        page["metadata"]["nextCursor"].is_u64(),
        "{}",
        page["metadata"]
    );
    let with_meta = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| !i["meta"].is_null())
        .unwrap();
    assert_eq!(with_meta["meta"]["id"], with_meta["id"]);
    assert!(with_meta["meta"]["meta"]["prompt"].is_string());
    let next = api(
        &fake,
        &format!(
            "modelId=101&limit=5&nsfw=X&cursor={}",
            page["metadata"]["nextCursor"]
        ),
    )
    .json();
    assert_ne!(next["items"][0]["id"], page["items"][0]["id"]);
    // Another filter beside modelId: the normal path, string cursor.
    let normal = api(&fake, "modelId=101&username=alice_ai&limit=5&nsfw=X").json();
    assert!(normal["metadata"]["nextCursor"]
        .as_str()
        .unwrap()
        .contains('|'));
    let id = page["items"][0]["id"].as_u64().unwrap();
    let one = api(&fake, &format!("imageId={id}&nsfw=X&withMeta=true")).json();
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    assert!(one["metadata"]["nextCursor"].is_null());
    let empty = api(&fake, &format!("imageId={id}&nsfw=X&limit=0")).json();
    assert_eq!(empty["metadata"]["nextCursor"].as_u64(), Some(id));
}

#[test]
fn meta_is_null_without_with_meta_and_flat_with_it() {
    let fake = FakeCivitai::start();
    let plain = api(&fake, "limit=50&nsfw=X").json();
    assert!(plain["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["meta"].is_null()));
    let meta = api(&fake, "limit=50&nsfw=X&withMeta=1&withTags=true").json();
    let items = meta["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["meta"]["prompt"].is_string()));
    assert!(items.iter().all(|i| i["tags"].is_array()));
    let id = items[0]["id"].as_u64().unwrap();
    let mut expected = items[0].clone();
    expected.as_object_mut().unwrap().remove("tags");
    assert_eq!(fake.item(id).unwrap(), expected);
}

#[test]
fn next_page_repeats_every_parameter_on_the_same_host() {
    let fake = FakeCivitai::start();
    let url = format!(
        "{}/api/v1/images?token=secret&sort=Most+Comments&limit=3&zzz=1&nsfw=X",
        fake.base_url()
    );
    let page = fetch(&url, &[]).json();
    let next = url::Url::parse(page["metadata"]["nextPage"].as_str().unwrap()).unwrap();
    assert_eq!(next.host_str(), Some("127.0.0.1"));
    assert_eq!(
        next.port(),
        url::Url::parse(&fake.base_url()).unwrap().port()
    );
    let pairs: Vec<(String, String)> = next.query_pairs().into_owned().collect();
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["token", "sort", "limit", "zzz", "nsfw", "cursor"]);
    assert_eq!(pairs[1].1, "Most Comments");
    assert_eq!(
        Value::String(pairs[5].1.clone()),
        page["metadata"]["nextCursor"]
    );
    let recorded = fake.api_requests();
    assert_eq!(recorded[0].param("token"), Some("secret"));
    assert_eq!(recorded[0].param("sort"), Some("Most Comments"));
}

#[test]
fn api_faults_fire_once_each() {
    let fake = FakeCivitai::start();
    fake.inject(Fault::Api429 {
        retry_after: Some(1),
    });
    let r = api(&fake, "");
    assert_eq!((r.status, r.header("retry-after")), (429, Some("1")));
    fake.inject(Fault::Api503 {
        retry_after: Some(1),
    });
    assert_eq!(
        api(&fake, "").json()["error"],
        "Server busy, please retry shortly."
    );
    fake.inject(Fault::Api451);
    let r = api(&fake, "");
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (451, Some("REGION_BLOCKED"))
    );
    fake.inject(Fault::Html520);
    let r = api(&fake, "");
    assert_eq!(r.status, 520);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    fake.inject(Fault::InvalidJson);
    let r = api(&fake, "");
    assert_eq!(r.status, 200);
    assert!(serde_json::from_slice::<Value>(r.body.as_ref().unwrap()).is_err());
    assert_eq!(api(&fake, "").status, 200, "faults are consumed");
    fake.inject_after(1, Fault::Api503 { retry_after: None });
    assert_eq!(api(&fake, "").status, 200);
    assert_eq!(api(&fake, "").status, 503);
}

#[test]
fn repeat_cursor_fault_repeats_the_cursor() {
    let fake = FakeCivitai::start();
    fake.inject(Fault::RepeatCursor);
    let first = api(&fake, "limit=10&nsfw=X").json();
    let cursor = first["metadata"]["nextCursor"]
        .as_str()
        .unwrap()
        .to_string();
    let second = fetch(first["metadata"]["nextPage"].as_str().unwrap(), &[]).json();
    assert_eq!(second["metadata"]["nextCursor"], cursor.as_str());
    let third = fetch(second["metadata"]["nextPage"].as_str().unwrap(), &[]).json();
    assert_ne!(third["metadata"]["nextCursor"], cursor.as_str());
}

#[test]
fn control_endpoints() {
    let fake = FakeCivitai::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = fake.base_url();
    let status = rt.block_on(async {
        let c = reqwest::Client::new();
        c.post(format!("{base}/__fake/fault?kind=api429&retry_after=1"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(status, 200);
    assert_eq!(api(&fake, "").status, 429);
    assert_eq!(api(&fake, "").status, 200);
    let stats = fetch(&format!("{base}/__fake/stats"), &[]).json();
    assert_eq!(stats["api_requests"], 2);
    assert!(stats["server_time_us"].as_u64().unwrap() > 0);
    let log = fetch(&format!("{base}/__fake/requests"), &[]).json();
    assert_eq!(log.as_array().unwrap().len(), 2);
}

#[test]
fn period_and_sort_follow_the_fake_clock() {
    let fake = FakeCivitai::start();
    let day = fake.walk(&[("period", "Day"), ("nsfw", "X"), ("sort", "Newest")]);
    let week = fake.walk(&[("period", "Week"), ("nsfw", "X")]);
    assert!(!day.is_empty() && day.len() < week.len());
    let dates: Vec<&str> = day
        .iter()
        .map(|i| i["createdAt"].as_str().unwrap())
        .collect();
    assert!(dates
        .iter()
        .all(|d| *d >= "2026-10-31T00:00:00.000Z" && d.ends_with('Z')));
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "Newest first");
    let (_, http) = walk_http(&fake, "period=Day&nsfw=X&sort=Newest");
    assert_eq!(http, day);
    let random = fake.walk(&[("sort", "Random"), ("limit", "50")]);
    assert_eq!(random, fake.walk(&[("sort", "Random"), ("limit", "50")]));
}
