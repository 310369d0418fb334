//! The fake's switches for the real service's three backends (doc/api.md, "Three backends behind
//! one endpoint"), over real HTTP.

use serde_json::{json, Value};

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

// The cursor is the id of the (limit+1)th row and the next page asks `id < cursor`.
#[test]
fn the_legacy_path_loses_one_image_per_page_except_oldest() {
    let fake = with(Modes {
        legacy: true,
        ..Modes::default()
    });
    let all = ids(&walk_http(&fake, "modelId=104&browsingLevel=63&limit=200&sort=Oldest").1);
    let first = api(&fake, "modelId=104&browsingLevel=63&limit=5&sort=Newest").json();
    let cursor = first["metadata"]["nextCursor"]
        .as_u64()
        .expect("a numeric cursor");
    let newest: Vec<u64> = all.iter().rev().copied().collect();
    assert_eq!(ids(first["items"].as_array().unwrap()), newest[..5]);
    assert_eq!(cursor, newest[5], "the extra row's id");
    let second = api(
        &fake,
        &format!("modelId=104&browsingLevel=63&limit=5&sort=Newest&cursor={cursor}"),
    )
    .json();
    assert_eq!(
        ids(second["items"].as_array().unwrap()),
        newest[6..11],
        "row 6 is never returned"
    );
    let (_, oldest) = walk_http(&fake, "modelId=104&browsingLevel=63&limit=5&sort=Oldest");
    assert_eq!(ids(&oldest), all, "Oldest is complete");
    // Engagement sorts fall back to newest-by-id.
    let reactions = api(&fake, "modelId=104&browsingLevel=63&limit=5").json();
    assert_eq!(ids(reactions["items"].as_array().unwrap()), newest[..5]);
    // Meta comes wrapped.
    let one = api(&fake, "imageId=10000013&browsingLevel=63&withMeta=true").json();
    assert!(one["items"][0]["meta"]["meta"].is_object());
}

#[test]
fn the_legacy_path_refuses_random_and_unknown_users() {
    let fake = with(Modes {
        legacy: true,
        ..Modes::default()
    });
    let r = api(&fake, "imageId=10000013&sort=Random");
    assert_eq!(
        (r.status, r.json()),
        (400, json!({"error": "Random sort requires a collectionId"}))
    );
    let r = api(&fake, "imageId=10000013&username=nobody");
    assert_eq!(
        (r.status, r.json()),
        (404, json!({"error": "User not found"}))
    );
    // The search path takes Random.
    assert_eq!(api(&fake, "modelVersionId=1031&sort=Random").status, 200);
}

#[test]
fn models_list_their_versions_newest_first() {
    let fake = FakeCivitai::start();
    let r = fetch(&format!("{}/api/v1/models/104", fake.base_url()), &[]);
    let v: Vec<u64> = r.json()["modelVersions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_u64().unwrap())
        .collect();
    assert_eq!(v, [1033, 1032, 1031]);
    assert_eq!(
        fetch(&format!("{}/api/v1/models/999", fake.base_url()), &[]).status,
        404
    );
    fake.set_modes(Modes {
        no_models_api: true,
        ..Modes::default()
    });
    assert_eq!(
        fetch(&format!("{}/api/v1/models/104", fake.base_url()), &[]).status,
        404
    );
}

#[test]
fn bdx_cursors_and_flat_meta() {
    let fake = with(Modes {
        bdx_cursors: true,
        flat_meta: true,
        ..Modes::default()
    });
    let page = api(&fake, "limit=3&nsfw=X").json();
    let cursor = page["metadata"]["nextCursor"].as_str().unwrap().to_string();
    assert!(cursor.starts_with("3|bdx:{\"sortAt\":"), "{cursor}");
    let enc: String = url::form_urlencoded::byte_serialize(cursor.as_bytes()).collect();
    let next = api(&fake, &format!("limit=3&nsfw=X&cursor={enc}")).json();
    let mangled = api(
        &fake,
        &format!("limit=3&nsfw=X&cursor={}", cursor.replace('+', " ")),
    )
    .json();
    assert_ne!(next["items"][0]["id"], page["items"][0]["id"]);
    assert_eq!(
        mangled["items"][0]["id"], page["items"][0]["id"],
        "a changed cursor restarts"
    );
    let flat = api(
        &fake,
        "imageId=10000013&browsingLevel=63&withMeta=true&flatMeta=true",
    )
    .json();
    assert!(flat["items"][0]["meta"]["prompt"].is_string());
}

#[test]
fn statement_timeout_and_overload_faults() {
    let fake = FakeCivitai::start();
    fake.inject(Fault::StatementTimeout);
    fake.inject(Fault::ApiOverloaded {
        retry_after: Some(2),
    });
    // Only a model's page on the legacy path runs that long: another request passes it on.
    let r = api(&fake, "imageId=10000013&browsingLevel=63");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["items"].as_array().map(Vec::len), Some(1));
    let r = api(&fake, "modelId=101&limit=3");
    assert_eq!(
        (r.status, r.json()),
        (200, json!({"items": [], "metadata": {}}))
    );
    let r = api(&fake, "limit=3");
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("2"));
    assert_eq!(
        r.json()["error"],
        "Image search is temporarily overloaded — please retry."
    );
}

// The site's tRPC (doc/api.md, "Videos, audio, collections"): a cursor of another JSON type than
// the one sent is refused, an unknown collection is NOT_FOUND in tRPC's error shape.
#[test]
fn trpc_collections_keep_their_cursor_type() {
    let fake = FakeCivitai::start();
    let url = |input: &str| {
        let enc: String = url::form_urlencoded::byte_serialize(input.as_bytes()).collect();
        format!("{}/api/trpc/image.getInfinite?input={enc}", fake.base_url())
    };
    let first = fetch(&url(r#"{"json":{"collectionId":5001,"limit":5}}"#), &[]).json();
    let data = &first["result"]["data"]["json"];
    assert_eq!(data["items"].as_array().unwrap().len(), 5);
    assert_eq!(data["nextCursor"], 5);
    assert!(
        data["items"][0]["url"].as_str().unwrap().len() == 36,
        "a bare uuid"
    );
    let r = fetch(&url(r#"{"json":{"collectionId":5001,"cursor":"5"}}"#), &[]);
    assert_eq!(r.status, 400);
    let r = fetch(&url(r#"{"json":{"collectionId":9}}"#), &[]);
    assert_eq!(
        (r.status, r.json()["error"]["json"]["data"]["code"].clone()),
        (404, json!("NOT_FOUND"))
    );
}
