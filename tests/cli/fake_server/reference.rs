//! The fake's switches for the official reference (doc/api.md, "The official reference"), over
//! real HTTP: each rule holds with its switch on, and the default stays as it was.

use std::collections::HashSet;

use serde_json::Value;

use super::{api, fetch, walk_http};
use crate::fake::{FakeCivitai, Fault, Modes};

fn with(modes: Modes) -> FakeCivitai {
    let fake = FakeCivitai::start();
    fake.set_modes(modes);
    fake
}

fn ids(items: &[Value]) -> Vec<u64> {
    items.iter().map(|i| i["id"].as_u64().unwrap()).collect()
}

fn page_ids(page: &Value) -> Vec<u64> {
    ids(page["items"].as_array().expect("items"))
}

fn tags_of(item: &Value) -> Vec<u64> {
    item["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect()
}

const PUBLIC_ONLY: Modes = Modes {
    public_only: true,
    ..crate::fake::OFF
};

// images.md: unlisted and early-access posts are listed only on the exception class.
#[test]
fn public_only_hides_unlisted_posts_outside_the_exception_class() {
    let fake = with(PUBLIC_ONLY);
    let all = ids(&walk_http(&fake, "modelId=104&browsingLevel=63&limit=200").1);
    let hidden: Vec<u64> = all
        .iter()
        .copied()
        .filter(|&id| !fake.is_listed(id))
        .collect();
    assert!(hidden.len() > 10, "model 104 has hidden images: {hidden:?}");
    // Each listed version alone (the feed path) misses them; the unpublished one lists none.
    let mut by_version = HashSet::new();
    for v in ["1031", "1032", "1033"] {
        let got = ids(&walk_http(
            &fake,
            &format!("modelVersionId={v}&browsingLevel=63&limit=200"),
        )
        .1);
        assert!(got.iter().all(|&id| fake.is_listed(id)), "version {v}");
        by_version.extend(got);
    }
    let listed: HashSet<u64> = all
        .iter()
        .copied()
        .filter(|&id| fake.is_listed(id))
        .collect();
    assert_eq!(by_version, listed);
    let v1033 = walk_http(&fake, "modelVersionId=1033&browsingLevel=63&limit=200").1;
    assert!(
        v1033.is_empty(),
        "an unpublished version is not on the feed"
    );
    // Every version holds some hidden images (for the model walk's tests).
    for v in [1031, 1032, 1033] {
        let hidden_here = hidden.iter().any(|&id| {
            let item = fake.item(id).unwrap();
            item["modelVersionIds"]
                .as_array()
                .unwrap()
                .contains(&v.into())
        });
        assert!(hidden_here, "version {v} has hidden images");
    }
    // The other exception-class requests see them too.
    let random = ids(&walk_http(&fake, "sort=Random&browsingLevel=63&limit=200").1);
    assert!(random.iter().any(|&id| !fake.is_listed(id)));
    let post = fake.item(hidden[0]).unwrap()["postId"].as_u64().unwrap();
    let in_post = page_ids(&api(&fake, &format!("postId={post}&browsingLevel=63")).json());
    assert!(in_post.contains(&hidden[0]));
    let one = page_ids(&api(&fake, &format!("imageId={}&browsingLevel=63", hidden[0])).json());
    assert_eq!(one, [hidden[0]]);
    let feed = ids(&walk_http(&fake, "browsingLevel=63&limit=200").1);
    assert!(feed.iter().all(|&id| fake.is_listed(id)));
    // Default: every image everywhere.
    let fake = FakeCivitai::start();
    let v1031 = ids(&walk_http(&fake, "modelVersionId=1031&browsingLevel=63&limit=200").1);
    assert!(v1031.iter().any(|&id| !fake.is_listed(id)));
}

// models.md: ordinary callers see published versions only.
#[test]
fn models_endpoint_lists_published_versions_only() {
    let fake = with(PUBLIC_ONLY);
    let url = format!("{}/api/v1/models/104", fake.base_url());
    let listed: Vec<u64> = fetch(&url, &[]).json()["modelVersions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_u64().unwrap())
        .collect();
    assert_eq!(listed, [1032, 1031]);
    assert_eq!(fake.model_versions(104), [1033, 1032, 1031]);
    fake.set_modes(Modes::default());
    assert_eq!(
        fetch(&url, &[]).json()["modelVersions"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

// images.md: `tags` all-of on the feed path, any-of on the exception class and old cursors.
#[test]
fn tags_are_all_of_on_the_feed_and_any_of_elsewhere() {
    let fake = with(Modes {
        tags_all_of: true,
        ..Modes::default()
    });
    let q = "tags=4,6&withTags=true&browsingLevel=63&limit=200";
    let feed = walk_http(&fake, q).1;
    assert!(!feed.is_empty());
    for item in &feed {
        let t = tags_of(item);
        assert!(t.contains(&4) && t.contains(&6), "{t:?}");
    }
    let random = walk_http(&fake, &format!("{q}&sort=Random")).1;
    assert!(random.len() > feed.len());
    assert!(random.iter().all(|i| {
        let t = tags_of(i);
        t.contains(&4) || t.contains(&6)
    }));
    fake.set_modes(Modes::default());
    assert_eq!(walk_http(&fake, q).1.len(), random.len(), "default: any-of");
}

// pagination.md: `page` only on lookups; the cap stays.
#[test]
fn page_is_ignored_except_on_lookups() {
    let fake = with(Modes {
        page_ignored: true,
        ..Modes::default()
    });
    let first = api(&fake, "username=alice_ai&browsingLevel=63&limit=5").json();
    let third = api(&fake, "username=alice_ai&browsingLevel=63&limit=5&page=3").json();
    assert_eq!(page_ids(&third), page_ids(&first));
    assert!(third["metadata"].get("currentPage").is_none());
    let all = ids(&walk_http(&fake, "modelId=104&browsingLevel=63&limit=200").1);
    let page3 = api(&fake, "modelId=104&browsingLevel=63&limit=5&page=3").json();
    assert_eq!(page_ids(&page3), all[10..15]);
    assert_eq!(api(&fake, "username=bob&limit=200&page=6").status, 429);
}

// images.md: default limit 50.
#[test]
fn default_limit_is_50_with_its_switch() {
    let fake = with(Modes {
        default_limit_50: true,
        ..Modes::default()
    });
    assert_eq!(page_ids(&api(&fake, "browsingLevel=63").json()).len(), 50);
    fake.set_modes(Modes::default());
    assert_eq!(page_ids(&api(&fake, "browsingLevel=63").json()).len(), 100);
}

// pagination.md, errors.md: `feed:` cursors, refused with other parameters or once expired.
#[test]
fn feed_cursors_are_tied_to_their_query_and_expire() {
    let fake = with(Modes {
        feed_cursors: true,
        ..Modes::default()
    });
    let q = "browsingLevel=63&limit=20&sort=Newest";
    let first = api(&fake, q).json();
    let cursor = first["metadata"]["nextCursor"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(cursor.starts_with("feed:"), "{cursor}");
    let oracle = ids(&fake.walk(&[("browsingLevel", "63"), ("limit", "20"), ("sort", "Newest")]));
    assert_eq!(ids(&walk_http(&fake, q).1), oracle);
    let second = api(&fake, &format!("{q}&cursor={cursor}")).json();
    assert_eq!(page_ids(&second), oracle[20..40]);
    for other in [
        "browsingLevel=63&limit=50&sort=Newest",
        "browsingLevel=63&limit=20",
    ] {
        let r = api(&fake, &format!("{other}&cursor={cursor}"));
        assert_eq!(r.status, 400, "{other}");
        assert_eq!(
            r.json(),
            serde_json::json!({"message": "This cursor cannot be continued with these filters"})
        );
    }
    fake.expire_cursors();
    let r = api(&fake, &format!("{q}&cursor={cursor}"));
    assert_eq!(
        (r.status, r.json()["message"].as_str()),
        (
            400,
            Some("This cursor can no longer be continued; start again without it")
        )
    );
    let r = api(&fake, &format!("{q}&cursor=feed:garbage"));
    assert_eq!(r.status, 400);
}

// pagination.md: a first page may hand out an old-style cursor; that walk follows the old rules.
#[test]
fn an_old_cursor_walks_by_the_old_rules() {
    let fake = with(Modes::reference());
    fake.inject(Fault::OldCursor);
    let q = "tags=4,6&withTags=true&browsingLevel=63&limit=200&sort=Newest";
    let (_, old) = walk_http(&fake, q);
    let (_, new) = walk_http(&fake, q);
    assert!(
        old.len() > new.len(),
        "any-of and hidden posts: {} vs {}",
        old.len(),
        new.len()
    );
    assert!(old
        .iter()
        .any(|i| !fake.is_listed(i["id"].as_u64().unwrap())));
    fake.inject(Fault::OldCursor);
    let first = api(&fake, q).json();
    let cursor = first["metadata"]["nextCursor"].as_str().unwrap();
    assert!(
        cursor.contains('|') && !cursor.starts_with("feed:"),
        "{cursor}"
    );
    let next = api(&fake, &format!("{q}&cursor={cursor}")).json();
    assert!(
        next["metadata"]["nextCursor"].is_null()
            || next["metadata"]["nextCursor"]
                .as_str()
                .unwrap()
                .contains('|')
    );
}

// images.md, "Auth": anonymous callers capped at PG; a key gets what it asks for.
#[test]
fn anonymous_callers_are_capped_at_pg() {
    let fake = with(Modes {
        anon_pg: true,
        ..Modes::default()
    });
    let url = format!(
        "{}/api/v1/images?browsingLevel=28&limit=100",
        fake.base_url()
    );
    assert!(page_ids(&fetch(&url, &[]).json()).is_empty());
    let keyed = fetch(&url, &[("authorization", "Bearer k")]).json();
    let items = keyed["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items
        .iter()
        .all(|i| i["browsingLevel"].as_u64().unwrap() >= 4));
}

// images.md: `thumbnail` {url, width, height} on videos, null elsewhere.
#[test]
fn videos_carry_a_thumbnail() {
    let fake = with(Modes {
        thumbnails: true,
        ..Modes::default()
    });
    let items = api(&fake, "browsingLevel=63&limit=200&sort=Oldest").json()["items"].clone();
    let items = items.as_array().unwrap();
    let video = items.iter().find(|i| i["type"] == "video").unwrap();
    let image = items.iter().find(|i| i["type"] == "image").unwrap();
    assert!(image.get("thumbnail").is_some_and(Value::is_null));
    let url = video["thumbnail"]["url"].as_str().unwrap();
    assert!(video["thumbnail"]["width"].as_u64().is_some());
    let r = fetch(url, &[]);
    assert_eq!(r.status, 200);
    assert!(r.body.unwrap().starts_with(b"\xff\xd8\xff"), "a JPEG still");
    fake.set_modes(Modes::default());
    let plain = api(&fake, "browsingLevel=63&limit=5").json();
    assert!(plain["items"][0].get("thumbnail").is_none());
}

// errors.md: Cloudflare answers with its own HTML pages, 524 for a timeout.
#[test]
fn cloudflare_pages_for_520_to_524() {
    let fake = FakeCivitai::start();
    for code in 520..=524 {
        fake.inject(Fault::Cloudflare(code));
        let r = api(&fake, "");
        assert_eq!(r.status, code);
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        let body = String::from_utf8(r.body.unwrap()).unwrap();
        assert!(body.contains(&format!("Error code {code}")));
    }
}
