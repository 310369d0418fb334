//! Building [`Entry`] values: from generated facts, and from hand-crafted items (`add_item`).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use super::catalog::{
    post_availability, Availability, Model, Version, MODELS, TAGS, UNPUBLISHED_VERSIONS, USERS,
};
use super::dataset::{Entry, FileRef, CDN_KEY};
use super::files::Format;
use super::generate::{blurhash, Facts};
use super::json::ItemJson;
use super::meta::MetaSpec;
use super::util::{h, iso_ms, mix, parse_iso_ms, NOW_MS};

/// Posts group 1 to 4 consecutive items of the same user.
pub fn assign_posts(facts: &[Facts]) -> Vec<Option<u64>> {
    let mut open: HashMap<usize, (u64, u64)> = HashMap::new();
    let mut next = 7_000_000u64;
    facts
        .iter()
        .map(|f| {
            if f.index % 97 == 13 {
                return None;
            }
            let slot = open.entry(f.user).or_insert((0, 0));
            if slot.1 == 0 {
                next += 1 + h(f.index, 50) % 3;
                *slot = (next, 1 + h(f.index, 51) % 4);
            }
            slot.1 -= 1;
            Some(slot.0)
        })
        .collect()
}

/// Whether an item with this post and these versions is listed outside the exception class
/// under the `public_only` mode.
pub fn listed(post: Option<u64>, versions: &[u64]) -> bool {
    post.is_none_or(|p| post_availability(p) == Availability::Public)
        && !versions.iter().any(|v| UNPUBLISHED_VERSIONS.contains(v))
}

/// `nsfwLevel` name of a browsing level bit (doc/api.md, item fields).
pub fn level_name(level: u32) -> &'static str {
    match level {
        1 => "None",
        2 => "Soft",
        4 => "Mature",
        8 | 16 => "X",
        _ => "Blocked",
    }
}

fn kind_of(f: &Facts) -> &'static str {
    if f.format.is_video() {
        "video"
    } else {
        "image"
    }
}

fn versions_of(f: &Facts) -> Vec<(&'static Model, &'static Version)> {
    [f.ckpt, f.lora]
        .into_iter()
        .flatten()
        .map(|(m, v)| (&MODELS[m], &MODELS[m].versions[v]))
        .collect()
}

/// The entry of a generated item. Its JSON is built on first use ([`generated_json`]): building
/// it for every item up front made each test's server start slow.
pub fn generated_entry(f: Facts, post: Option<u64>) -> Entry {
    let user = &USERS[f.user];
    let versions = versions_of(&f);
    let version_ids: Vec<u64> = versions.iter().map(|(_, v)| v.id).collect();
    let content_type = match (f.index % 13, f.format) {
        (3, _) => "text/plain",
        (8, Format::Png) => "image/jpeg",
        _ => f.format.mime(),
    };
    Entry {
        id: f.id,
        gen: Some(f.index),
        user_id: Some(user.id),
        username: user.name.map(str::to_lowercase),
        post_id: post,
        listed: listed(post, &version_ids),
        versions: version_ids,
        models: versions.iter().map(|(m, _)| m.id).collect(),
        level: f.level,
        kind: kind_of(&f).into(),
        base_model: versions.first().map(|(_, v)| v.base.to_string()),
        tags: f.tags.iter().map(|&t| u64::from(t)).collect(),
        created_ms: f.created_ms,
        keys: [f.reactions(), f.comments(), f.collected, mix(f.id ^ 0x5EED)],
        json: OnceLock::new(),
        file: Some(FileRef {
            format: f.format,
            size: f.size,
            content_type,
            dims: (f.width, f.height),
        }),
        facts: Some(Box::new(f)),
    }
}

/// The JSON of a generated item.
pub fn generated_json(f: &Facts, post: Option<u64>, image_base: &str) -> ItemJson {
    let tags: Vec<Value> = f
        .tags
        .iter()
        .map(|t| json!({"id": t, "name": tag_name(u64::from(*t))}))
        .collect();
    let meta = MetaSpec::generate(f).map(|s| s.to_json());
    let (pre, post_fields) = generated_fields(f, post, image_base, &versions_of(f));
    let thumbnail = thumbnail_of(f, image_base);
    ItemJson::new(
        pre,
        Some(meta.as_ref()),
        post_fields,
        Value::Array(tags),
        Some(thumbnail),
    )
}

/// A video's still (reference images.md, `thumbnail`): a 450-wide JPEG variant of its file,
/// which the image listener serves; `null` for images and audio.
fn thumbnail_of(f: &Facts, image_base: &str) -> Value {
    if !f.format.is_video() {
        return Value::Null;
    }
    let uuid = &f.uuid;
    let url = format!("{image_base}/{CDN_KEY}/{uuid}/anim=false,width=450/{uuid}.jpeg");
    json!({"url": url, "width": 450, "height": f.height * 450 / f.width.max(1)})
}

/// The item's fields before and after `meta`, in the order of doc/api.md's field list, with the
/// documented quirks (missing or null fields, see the `fake` module doc).
fn generated_fields(
    f: &Facts,
    post: Option<u64>,
    image_base: &str,
    versions: &[(&Model, &Version)],
) -> (Map<String, Value>, Map<String, Value>) {
    let i = f.index;
    let ext = if f.format.is_video() { "mp4" } else { "jpeg" };
    let (uuid, variant) = (&f.uuid, f.variant);
    let mut m = Map::new();
    m.insert("id".into(), json!(f.id));
    let url = format!("{image_base}/{CDN_KEY}/{uuid}/{variant}/{uuid}.{ext}");
    m.insert("url".into(), json!(url));
    let hash = (i % 83 != 2).then(|| blurhash(i));
    m.insert("hash".into(), json!(hash));
    if i % 101 != 9 {
        m.insert("width".into(), json!(f.width));
        m.insert("height".into(), json!(f.height));
    }
    m.insert("nsfwLevel".into(), json!(level_name(f.level)));
    m.insert("nsfw".into(), json!(f.level > 1));
    m.insert("browsingLevel".into(), json!(f.level));
    m.insert("type".into(), json!(kind_of(f)));
    m.insert("createdAt".into(), json!(iso_ms(f.created_ms)));
    m.insert("postId".into(), json!(post));
    if !f.stats_missing() {
        let [cry, laugh, like, dislike, heart, comment] = f.stats;
        let stats = json!({"cryCount": cry, "laughCount": laugh, "likeCount": like,
            "dislikeCount": dislike, "heartCount": heart, "commentCount": comment});
        m.insert("stats".into(), stats);
    }
    let mut after = Map::new();
    after.insert("username".into(), json!(USERS[f.user].name));
    after.insert(
        "baseModel".into(),
        json!(versions.first().map(|(_, v)| v.base)),
    );
    let ids: Vec<u64> = versions.iter().map(|(_, v)| v.id).collect();
    after.insert("modelVersionIds".into(), json!(ids));
    (m, after)
}

fn tag_name(id: u64) -> &'static str {
    TAGS.iter()
        .find(|(t, _)| u64::from(*t) == id)
        .map_or("tag", |(_, n)| n)
}

fn str_field<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

/// Browsing level of a hand-added item: `browsingLevel`, else from `nsfwLevel`, else PG.
fn added_level(map: &Map<String, Value>) -> u32 {
    if let Some(level) = map.get("browsingLevel").and_then(Value::as_u64) {
        return level as u32;
    }
    match str_field(map, "nsfwLevel") {
        Some("Soft") => 2,
        Some("Mature") => 4,
        Some("X") => 8,
        Some("Blocked") => 32,
        _ => 1,
    }
}

/// Sort keys of a hand-added item, read from its `stats` (reactions, comments, 0, random).
fn added_keys(map: &Map<String, Value>, id: u64) -> [u64; 4] {
    let stat = |k: &str| {
        map.get("stats")
            .and_then(|s| s.get(k))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    let reactions = ["cryCount", "laughCount", "likeCount", "heartCount"];
    let reactions = reactions.iter().map(|k| stat(k)).sum();
    [reactions, stat("commentCount"), 0, mix(id ^ 0x5EED)]
}

/// Build an entry from a hand-crafted item: keys are read leniently from its fields, which are
/// emitted exactly as given (`meta` nulled without `withMeta`, `tags` only with `withTags`).
pub fn added_entry(item: Value, image_base: &str) -> (Entry, Option<String>) {
    let Value::Object(mut map) = item else {
        panic!("fake: add_item needs a JSON object")
    };
    let id = map.get("id").and_then(Value::as_u64);
    let id = id.expect("fake: add_item needs a numeric id");
    let tags_value = map.remove("tags").unwrap_or_else(|| json!([]));
    let versions: Vec<u64> = map
        .get("modelVersionIds")
        .and_then(Value::as_array)
        .map_or(vec![], |a| a.iter().filter_map(Value::as_u64).collect());
    let models = MODELS
        .iter()
        .filter(|m| m.versions.iter().any(|v| versions.contains(&v.id)))
        .map(|m| m.id)
        .collect();
    let username = str_field(&map, "username").map(str::to_lowercase);
    let user = USERS
        .iter()
        .find(|u| u.name.map(str::to_lowercase) == username);
    let (file, uuid) = file_of_url(str_field(&map, "url").unwrap_or(""), id, image_base);
    let tags = tags_value.as_array().map_or(vec![], |a| {
        a.iter()
            .filter_map(|t| t.get("id").and_then(Value::as_u64))
            .collect()
    });
    let created = str_field(&map, "createdAt").and_then(parse_iso_ms);
    let post_id = map.get("postId").and_then(Value::as_u64);
    let entry = Entry {
        id,
        gen: None,
        user_id: user.map(|u| u.id),
        listed: listed(post_id, &versions),
        post_id,
        versions,
        models,
        level: added_level(&map),
        kind: str_field(&map, "type").unwrap_or("image").to_string(),
        base_model: str_field(&map, "baseModel").map(String::from),
        tags,
        created_ms: created.unwrap_or(NOW_MS - 1000),
        keys: added_keys(&map, id),
        username,
        json: OnceLock::from(ItemJson::from_map(map, tags_value)),
        file,
        facts: None,
    };
    (entry, uuid)
}

/// An added item's url is served when it has the normal `{base}/{key}/{uuid}/{variant}/{name}`
/// shape: a PNG (an MP4, WebM or MP3 for such names) of a few KiB made from its id.
fn file_of_url(url: &str, id: u64, image_base: &str) -> (Option<FileRef>, Option<String>) {
    let rest = url
        .strip_prefix(image_base)
        .and_then(|r| r.strip_prefix('/'));
    let parts: Vec<&str> = rest.map_or(vec![], |r| r.split('/').collect());
    if parts.len() != 4 || parts[0] != CDN_KEY || parts[1].is_empty() {
        return (None, None);
    }
    let name = parts[3];
    let format = if name.ends_with(".mp4") {
        Format::Mp4
    } else if name.ends_with(".webm") {
        Format::Webm
    } else if name.ends_with(".mp3") {
        Format::Mp3
    } else {
        Format::Png
    };
    let file = FileRef {
        format,
        size: 4096 + h(id, 6) % 60_000,
        content_type: format.mime(),
        dims: (512, 512),
    };
    (Some(file), Some(parts[1].to_string()))
}
