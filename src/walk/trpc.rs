//! Collections over the site's own tRPC `image.getInfinite` (doc/api.md, "Videos, audio,
//! collections": there is no REST listing of a collection's images). This is Civitai's internal
//! API and may change without notice; its items are turned into the REST item shape here, so
//! every writer, `--fields` and `--name` treat them the same.

use serde::Deserialize;
use serde_json::{json, Map, Value};
use url::Url;

use crate::item::Item;
use crate::walk::api::{Metadata, Page};

/// The CDN account key that starts every file path (doc/api.md, "Hosts").
const CDN_KEY: &str = "xG1nkqKTMzGDvpLrqFT7WA";

/// `{"result":{"data":{"json":{"items":[…],"nextCursor":…}}}}` (superjson under `json`).
#[derive(Debug, Deserialize)]
pub struct Answer {
    result: AnswerResult,
}

#[derive(Debug, Deserialize)]
struct AnswerResult {
    data: AnswerData,
}

#[derive(Debug, Deserialize)]
struct AnswerData {
    json: Infinite,
}

#[derive(Debug, Deserialize)]
struct Infinite {
    #[serde(default)]
    items: Vec<Value>,
    #[serde(rename = "nextCursor", default)]
    next_cursor: Value,
}

impl Answer {
    /// The page in REST terms. The cursor is kept as JSON text, so a number goes back as a
    /// number and a string as a string.
    pub fn into_page(self, image_host: &Url) -> Page {
        let Infinite { items, next_cursor } = self.result.data.json;
        let next_cursor = match next_cursor {
            Value::Null => None,
            other => Some(other.to_string()),
        };
        Page {
            items: items
                .iter()
                .filter_map(|i| Item::from_value(&rest_item(i, image_host)))
                .collect(),
            metadata: Metadata { next_cursor },
        }
    }
}

/// The `input` parameter: `{"json":{collectionId, limit, filters…, cursor}}`. `params` are the
/// query's REST parameters; the ones tRPC spells differently are translated.
pub fn input(collection: u64, params: &[(&'static str, String)], cursor: Option<&str>) -> String {
    let mut q = Map::new();
    q.insert("collectionId".into(), json!(collection));
    for (k, v) in params {
        let (key, value) = match *k {
            "limit" | "browsingLevel" => (*k, v.parse::<u64>().map_or(json!(v), |n| json!(n))),
            "sort" | "period" => (*k, json!(v)),
            "type" => ("types", json!([v])),
            "baseModels" => ("baseModels", json!(v.split(',').collect::<Vec<_>>())),
            "tags" => (
                "tags",
                json!(v
                    .split(',')
                    .filter_map(|t| t.parse::<u64>().ok())
                    .collect::<Vec<_>>()),
            ),
            "withMeta" => ("withMeta", json!(v == "true")),
            "nsfw" => ("browsingLevel", json!(nsfw_levels(v))),
            _ => continue,
        };
        // browsingLevel wins over nsfw, as on REST.
        if !(key == "browsingLevel" && *k == "nsfw" && q.contains_key(key)) {
            q.insert(key.into(), value);
        }
    }
    if !q.contains_key("browsingLevel") {
        q.insert("browsingLevel".into(), json!(1));
    }
    if let Some(c) = cursor {
        // Sent back in the JSON type it came in (see `Answer::into_page`).
        let value = serde_json::from_str(c).unwrap_or_else(|_| json!(c));
        q.insert("cursor".into(), value);
    }
    json!({ "json": q }).to_string()
}

/// The browsing-level mask of a legacy `nsfw` value (doc/api.md, "Query parameters").
fn nsfw_levels(v: &str) -> u64 {
    match v {
        "Soft" => 3,
        "Mature" => 7,
        "X" => 31,
        "true" => 28,
        _ => 1,
    }
}

/// A tRPC item in the REST item shape (doc/api.md, "Response": item fields).
pub fn rest_item(t: &Value, image_host: &Url) -> Value {
    let level = t.get("nsfwLevel").and_then(Value::as_u64);
    let kind = t.get("type").and_then(Value::as_str).unwrap_or("image");
    let stat = |k: &str| {
        t.pointer(&format!("/stats/{k}AllTime"))
            .cloned()
            .unwrap_or(json!(0))
    };
    let stats = t.get("stats").filter(|s| s.is_object()).map(|_| {
        json!({"cryCount": stat("cryCount"), "laughCount": stat("laughCount"),
            "likeCount": stat("likeCount"), "dislikeCount": stat("dislikeCount"),
            "heartCount": stat("heartCount"), "commentCount": stat("commentCount")})
    });
    let url = t
        .get("url")
        .and_then(Value::as_str)
        .and_then(|uuid| file_url(image_host, uuid, kind));
    let mut item = json!({
        "id": t.get("id"),
        "url": url,
        "hash": t.get("hash"),
        "width": t.get("width"),
        "height": t.get("height"),
        "nsfwLevel": level.map(level_name),
        "nsfw": level.map(|l| l > 1),
        "browsingLevel": level,
        "type": kind,
        "createdAt": t.get("createdAt"),
        "postId": t.get("postId"),
        "stats": stats,
        "meta": t.get("meta"),
        "username": t.pointer("/user/username"),
        "baseModel": t.get("baseModel"),
        "modelVersionIds": version_ids(t),
    });
    keep_trpc_fields(t, image_host, &mut item);
    // tRPC gives tag ids only: REST's `[{"id": …}]` shape, so `--tag` can be checked on them.
    if let Some(ids) = t.get("tagIds").and_then(Value::as_array) {
        let tags: Vec<Value> = ids.iter().map(|id| json!({ "id": id })).collect();
        item["tags"] = Value::Array(tags);
    }
    item
}

/// REST's `modelVersionIds` from tRPC's list and its single `modelVersionId` (the version the
/// post was made for, which the list may lack), without repeats; null when tRPC gives neither.
fn version_ids(t: &Value) -> Value {
    let list = t.get("modelVersionIds").filter(|v| !v.is_null());
    let single = t.get("modelVersionId").filter(|v| v.is_number());
    match (list, single) {
        (Some(Value::Array(ids)), Some(id)) if !ids.contains(id) => {
            let mut ids = ids.clone();
            ids.push(id.clone());
            Value::Array(ids)
        }
        (Some(list), _) => list.clone(),
        (None, Some(id)) => json!([id]),
        (None, None) => Value::Null,
    }
}

/// What tRPC's items tell that REST's have room for, added to the REST shape: a video's still
/// (`thumbnailUrl`) as REST's `thumbnail.url`; `publishedAt`, `mimeType` and the video's
/// `metadata.duration` (as `duration`, in seconds), which REST items lack, under those names.
fn keep_trpc_fields(t: &Value, image_host: &Url, item: &mut Value) {
    let thumbnail = t
        .get("thumbnailUrl")
        .and_then(Value::as_str)
        .and_then(|u| thumbnail_url(image_host, u));
    if let Some(url) = thumbnail {
        item["thumbnail"] = json!({ "url": url });
    }
    for key in ["publishedAt", "mimeType"] {
        if let Some(value) = t.get(key).filter(|v| !v.is_null()) {
            item[key] = value.clone();
        }
    }
    if let Some(duration) = t.pointer("/metadata/duration").filter(|d| d.is_number()) {
        item["duration"] = duration.clone();
    }
}

/// A still's URL: an `http(s)` URL as it is, a bare uuid (as tRPC gives `url`) made into
/// the file URL of that image.
fn thumbnail_url(image_host: &Url, value: &str) -> Option<String> {
    match Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url.to_string()),
        Ok(_) => None,
        Err(_) => file_url(image_host, value, "image"),
    }
}

/// `{host}/{key}/{uuid}/original=true/{uuid}.{ext}` like the REST urls; `None` for a uuid that
/// is not one (only letters, digits and `-`), so no other path can be built from it.
pub fn file_url(image_host: &Url, uuid: &str, kind: &str) -> Option<String> {
    let valid = !uuid.is_empty()
        && uuid.len() <= 64
        && uuid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !valid {
        return None;
    }
    let ext = match kind {
        "video" => "mp4",
        "audio" => "mp3",
        _ => "jpeg",
    };
    let mut url = image_host.clone();
    url.path_segments_mut().ok()?.pop_if_empty().extend([
        CDN_KEY,
        uuid,
        "original=true",
        &format!("{uuid}.{ext}"),
    ]);
    Some(url.to_string())
}

/// REST's `nsfwLevel` name of a browsing-level bit.
fn level_name(level: u64) -> &'static str {
    match level {
        0 | 1 => "None",
        2 => "Soft",
        4 => "Mature",
        8 | 16 => "X",
        _ => "Blocked",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_take_the_rest_shape() {
        let host = Url::parse("https://image.civitai.com").unwrap();
        let t = json!({"id": 5, "url": "abc-123", "nsfwLevel": 4, "type": "video",
            "stats": {"likeCountAllTime": 3}, "user": {"username": "bob"}, "name": "../../x.sh"});
        let r = rest_item(&t, &host);
        assert_eq!(
            r["url"],
            "https://image.civitai.com/xG1nkqKTMzGDvpLrqFT7WA/abc-123/original=true/abc-123.mp4"
        );
        assert_eq!(
            (r["nsfwLevel"].as_str(), r["nsfw"].as_bool()),
            (Some("Mature"), Some(true))
        );
        assert_eq!(r["stats"]["likeCount"], 3);
        assert_eq!(r["username"], "bob");
        assert_eq!(file_url(&host, "../etc", "image"), None);
        assert!(r.get("thumbnail").is_none() && r.get("duration").is_none());
    }

    // issue 18: collection items keep what the REST shape has room for.
    #[test]
    fn versions_dates_types_stills_and_durations_are_kept() {
        let host = Url::parse("https://image.civitai.com").unwrap();
        let t = json!({"id": 5, "url": "abc", "type": "video", "modelVersionId": 9,
            "modelVersionIds": [3, 9, 4], "publishedAt": "2025-02-13T06:24:48.182Z",
            "mimeType": "video/mp4", "thumbnailUrl": "def-456",
            "metadata": {"duration": 4.5, "width": 8}});
        let r = rest_item(&t, &host);
        assert_eq!(r["modelVersionIds"], json!([3, 9, 4]));
        assert_eq!(r["publishedAt"], "2025-02-13T06:24:48.182Z");
        assert_eq!(r["mimeType"], "video/mp4");
        assert_eq!(r["duration"], 4.5);
        assert_eq!(
            r["thumbnail"]["url"],
            "https://image.civitai.com/xG1nkqKTMzGDvpLrqFT7WA/def-456/original=true/def-456.jpeg"
        );
        let t = json!({"id": 6, "modelVersionId": 9, "modelVersionIds": [],
            "thumbnailUrl": "https://image.civitai.com/k/u/anim=false,width=450/u.jpeg"});
        let r = rest_item(&t, &host);
        assert_eq!(r["modelVersionIds"], json!([9]));
        assert_eq!(
            r["thumbnail"]["url"],
            "https://image.civitai.com/k/u/anim=false,width=450/u.jpeg"
        );
        let r = rest_item(&json!({"id": 7, "modelVersionId": 9}), &host);
        assert_eq!(r["modelVersionIds"], json!([9]));
        let r = rest_item(&json!({"id": 8, "modelVersionId": null}), &host);
        assert_eq!(r["modelVersionIds"], Value::Null);
        let r = rest_item(
            &json!({"id": 9, "thumbnailUrl": "javascript:alert(1)"}),
            &host,
        );
        assert!(r.get("thumbnail").is_none());
        let r = rest_item(&json!({"id": 9, "thumbnailUrl": "../../x"}), &host);
        assert!(r.get("thumbnail").is_none());
    }

    #[test]
    fn input_translates_filters_and_keeps_the_cursor_type() {
        let params = vec![
            ("limit", "50".to_string()),
            ("nsfw", "X".to_string()),
            ("type", "video".to_string()),
            ("sort", "Newest".to_string()),
        ];
        let v: Value = serde_json::from_str(&input(7, &params, Some("123"))).unwrap();
        assert_eq!(v["json"]["collectionId"], 7);
        assert_eq!(v["json"]["limit"], 50);
        assert_eq!(v["json"]["browsingLevel"], 31);
        assert_eq!(v["json"]["types"], json!(["video"]));
        assert_eq!(v["json"]["cursor"], 123);
        let v: Value = serde_json::from_str(&input(7, &[], Some("\"12|x\""))).unwrap();
        assert_eq!(v["json"]["cursor"], "12|x");
        assert_eq!(v["json"]["browsingLevel"], 1);
    }
}
