//! The in-memory dataset: generated and hand-added items, their filter keys, the precomputed
//! sort orders, and the pre-serialised JSON each item is emitted from.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};

use super::catalog::{ALICE, MODELS, TAGS, USERS};
use super::files::Format;
use super::generate::{alice_level, blurhash, Facts};
use super::json::{ItemJson, MetaMode};
use super::meta::MetaSpec;
use super::query::{ListKey, Sort};
use super::util::{h, iso_ms, mix, parse_iso_ms, NOW_MS};

/// The CDN account key that starts every image path (API.md, "Hosts").
pub const CDN_KEY: &str = "xG1nkqKTMzGDvpLrqFT7WA";

/// Where an item's file comes from, for the image listener.
pub struct FileRef {
    /// Real type of the original.
    pub format: Format,
    /// Natural size of the original (before `FakeConfig::image_size`).
    pub size: u64,
    /// `Content-Type` sent for it (sometimes deliberately wrong, API.md).
    pub content_type: &'static str,
    /// Width and height for the file header.
    pub dims: (u64, u64),
}

/// One item: its filter and sort keys plus its JSON.
pub struct Entry {
    /// Image id.
    pub id: u64,
    /// Generator index, `None` for items added with `add_item`.
    pub gen: Option<u64>,
    /// Owner's user id (`userId`).
    pub user_id: Option<u64>,
    /// Owner's username, lowercased (`username` matches case-insensitively).
    pub username: Option<String>,
    /// `postId`.
    pub post_id: Option<u64>,
    /// `modelVersionIds`.
    pub versions: Vec<u64>,
    /// Models of those versions (`modelId`).
    pub models: Vec<u64>,
    /// Browsing level bit.
    pub level: u32,
    /// `type`.
    pub kind: String,
    /// `baseModel`.
    pub base_model: Option<String>,
    /// Tag ids.
    pub tags: Vec<u64>,
    /// `createdAt` in ms.
    pub created_ms: i64,
    /// Sort keys: reactions, comments, collected, random.
    pub keys: [u64; 4],
    /// Pre-serialised JSON.
    pub json: ItemJson,
    /// File served by the image listener.
    pub file: Option<FileRef>,
}

/// All items, with lookups and sort orders.
pub struct Dataset {
    /// Items in insertion order (generated oldest first, then added ones).
    pub entries: Vec<Entry>,
    /// For each [`Sort`], entry indices in that order.
    orders: Vec<Vec<u32>>,
    by_uuid: HashMap<String, u32>,
    by_id: HashMap<u64, u32>,
    usernames: HashSet<String>,
    lists: Mutex<HashMap<ListKey, Arc<Vec<u32>>>>,
    /// `http://localhost:PORT` of the image listener.
    pub image_base: String,
}

impl Dataset {
    /// Generate `n` items whose urls point at `image_base`.
    pub fn generate(n: usize, image_base: &str) -> Dataset {
        let mut facts: Vec<Facts> = (0..n as u64)
            .map(|i| Facts::generate(i, n as u64))
            .collect();
        // alice's levels follow her rank in the default order (see `generate` module doc).
        let mut alice: Vec<usize> = (0..n).filter(|&k| facts[k].user == ALICE).collect();
        alice.sort_by_key(|&k| std::cmp::Reverse((facts[k].reactions(), facts[k].id)));
        for (rank, &k) in alice.iter().enumerate() {
            facts[k].level = alice_level(facts[k].index, rank);
        }
        let posts = assign_posts(&facts);
        let mut ds = Dataset::empty(image_base);
        for (f, post) in facts.iter().zip(posts) {
            let entry = generated_entry(f, post, image_base);
            ds.insert(entry, Some(f.uuid.clone()));
        }
        ds.rebuild();
        ds
    }

    fn empty(image_base: &str) -> Dataset {
        Dataset {
            entries: Vec::new(),
            orders: Vec::new(),
            by_uuid: HashMap::new(),
            by_id: HashMap::new(),
            usernames: HashSet::new(),
            lists: Mutex::new(HashMap::new()),
            image_base: image_base.to_string(),
        }
    }

    fn insert(&mut self, entry: Entry, uuid: Option<String>) {
        let k = self.entries.len() as u32;
        if let Some(uuid) = uuid.filter(|_| entry.file.is_some()) {
            self.by_uuid.insert(uuid, k);
        }
        self.by_id.insert(entry.id, k);
        if let Some(name) = &entry.username {
            self.usernames.insert(name.clone());
        }
        self.entries.push(entry);
    }

    /// Recompute the sort orders and forget cached candidate lists.
    fn rebuild(&mut self) {
        self.orders = Sort::ALL.iter().map(|&s| self.sorted(s)).collect();
        self.lists.lock().unwrap().clear();
    }

    fn sorted(&self, sort: Sort) -> Vec<u32> {
        use std::cmp::Reverse;
        let mut order: Vec<u32> = (0..self.entries.len() as u32).collect();
        let e = &self.entries;
        let at = |k: &u32| &e[*k as usize];
        match sort {
            Sort::MostReactions => order.sort_by_key(|k| Reverse((at(k).keys[0], at(k).id))),
            Sort::MostComments => order.sort_by_key(|k| Reverse((at(k).keys[1], at(k).id))),
            Sort::MostCollected => order.sort_by_key(|k| Reverse((at(k).keys[2], at(k).id))),
            Sort::Newest => order.sort_by_key(|k| Reverse((at(k).created_ms, at(k).id))),
            Sort::Oldest => order.sort_by_key(|k| (at(k).created_ms, at(k).id)),
            Sort::Random => order.sort_by_key(|k| (at(k).keys[3], at(k).id)),
        }
        order
    }

    /// The entries matching the cheap filters of `key`, in its sort order (cached).
    pub fn candidates(&self, key: &ListKey) -> Arc<Vec<u32>> {
        if let Some(list) = self.lists.lock().unwrap().get(key) {
            return list.clone();
        }
        let list: Vec<u32> = self.orders[key.sort as usize]
            .iter()
            .copied()
            .filter(|&k| key.matches(&self.entries[k as usize]))
            .collect();
        let list = Arc::new(list);
        let mut lists = self.lists.lock().unwrap();
        if lists.len() > 512 {
            lists.clear();
        }
        lists.insert(key.clone(), list.clone());
        list
    }

    /// Whether some item belongs to this (lowercased) username.
    pub fn knows_user(&self, lower: &str) -> bool {
        self.usernames.contains(lower)
    }

    /// The entry with this image id.
    pub fn by_id(&self, id: u64) -> Option<&Entry> {
        self.by_id.get(&id).map(|&k| &self.entries[k as usize])
    }

    /// The entry whose file has this uuid.
    pub fn by_uuid(&self, uuid: &str) -> Option<&Entry> {
        self.by_uuid.get(uuid).map(|&k| &self.entries[k as usize])
    }

    /// Append a hand-crafted item (see `FakeCivitai::add_item`).
    pub fn add(&mut self, item: Value) {
        let (entry, uuid) = added_entry(item, &self.image_base);
        if let Some(old) = self.by_id.get(&entry.id) {
            panic!(
                "fake: add_item with duplicate id {} (entry {old})",
                entry.id
            );
        }
        self.insert(entry, uuid);
        self.rebuild();
    }

    /// An item rendered as the API would, parsed back to a value.
    pub fn render_value(&self, e: &Entry, meta: MetaMode, with_tags: bool) -> Value {
        let mut s = String::new();
        e.json.render(&mut s, e.id, meta, with_tags);
        serde_json::from_str(&s).expect("fake emits valid JSON")
    }
}

/// Posts group 1 to 4 consecutive items of the same user.
fn assign_posts(facts: &[Facts]) -> Vec<Option<u64>> {
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

/// `nsfwLevel` name of a browsing level bit (API.md, item fields).
pub fn level_name(level: u32) -> &'static str {
    match level {
        1 => "None",
        2 => "Soft",
        4 => "Mature",
        8 | 16 => "X",
        _ => "Blocked",
    }
}

fn generated_entry(f: &Facts, post: Option<u64>, image_base: &str) -> Entry {
    let i = f.index;
    let user = &USERS[f.user];
    let video = f.format.is_video();
    let versions: Vec<_> = [f.ckpt, f.lora]
        .into_iter()
        .flatten()
        .map(|(m, v)| (&MODELS[m], &MODELS[m].versions[v]))
        .collect();
    let ext = if video { "mp4" } else { "jpeg" };
    let mut m = Map::new();
    m.insert("id".into(), json!(f.id));
    m.insert(
        "url".into(),
        json!(format!(
            "{image_base}/{CDN_KEY}/{}/{}/{}.{ext}",
            f.uuid, f.variant, f.uuid
        )),
    );
    m.insert(
        "hash".into(),
        if i % 83 == 2 {
            Value::Null
        } else {
            json!(blurhash(i))
        },
    );
    if i % 101 != 9 {
        m.insert("width".into(), json!(f.width));
        m.insert("height".into(), json!(f.height));
    }
    m.insert("nsfwLevel".into(), json!(level_name(f.level)));
    m.insert("nsfw".into(), json!(f.level > 1));
    m.insert("browsingLevel".into(), json!(f.level));
    m.insert("type".into(), json!(if video { "video" } else { "image" }));
    m.insert("createdAt".into(), json!(iso_ms(f.created_ms)));
    m.insert("postId".into(), json!(post));
    if !f.stats_missing() {
        let [cry, laugh, like, dislike, heart, comment] = f.stats;
        m.insert(
            "stats".into(),
            json!({"cryCount": cry, "laughCount": laugh, "likeCount": like,
            "dislikeCount": dislike, "heartCount": heart, "commentCount": comment}),
        );
    }
    let pre = m;
    let mut post_fields = Map::new();
    post_fields.insert("username".into(), json!(user.name));
    post_fields.insert(
        "baseModel".into(),
        json!(versions.first().map(|(_, v)| v.base)),
    );
    post_fields.insert(
        "modelVersionIds".into(),
        json!(versions.iter().map(|(_, v)| v.id).collect::<Vec<_>>()),
    );
    let tags: Vec<Value> = f
        .tags
        .iter()
        .map(|t| json!({"id": t, "name": tag_name(u64::from(*t))}))
        .collect();
    let meta = MetaSpec::generate(f).map(|s| s.to_json());
    let content_type = match (i % 13, f.format) {
        (3, _) => "text/plain",
        (8, Format::Png) => "image/jpeg",
        _ => f.format.mime(),
    };
    Entry {
        id: f.id,
        gen: Some(i),
        user_id: Some(user.id),
        username: user.name.map(str::to_lowercase),
        post_id: post,
        versions: versions.iter().map(|(_, v)| v.id).collect(),
        models: versions.iter().map(|(m, _)| m.id).collect(),
        level: f.level,
        kind: if video { "video" } else { "image" }.into(),
        base_model: versions.first().map(|(_, v)| v.base.to_string()),
        tags: f.tags.iter().map(|&t| u64::from(t)).collect(),
        created_ms: f.created_ms,
        keys: [f.reactions(), f.stats[5], f.collected, mix(f.id ^ 0x5EED)],
        json: ItemJson::new(pre, Some(meta.as_ref()), post_fields, Value::Array(tags)),
        file: Some(FileRef {
            format: f.format,
            size: f.size,
            content_type,
            dims: (f.width, f.height),
        }),
    }
}

fn tag_name(id: u64) -> &'static str {
    TAGS.iter()
        .find(|(t, _)| u64::from(*t) == id)
        .map_or("tag", |(_, n)| n)
}

/// Build an entry from a hand-crafted item: keys are read leniently from its fields.
fn added_entry(item: Value, image_base: &str) -> (Entry, Option<String>) {
    let Value::Object(mut map) = item else {
        panic!("fake: add_item needs a JSON object")
    };
    let id = map
        .get("id")
        .and_then(Value::as_u64)
        .expect("fake: add_item needs a numeric id");
    let tags_value = map.remove("tags").unwrap_or_else(|| json!([]));
    let u64s = |v: Option<&Value>| -> Vec<u64> {
        v.and_then(Value::as_array)
            .map_or(vec![], |a| a.iter().filter_map(Value::as_u64).collect())
    };
    let versions = u64s(map.get("modelVersionIds"));
    let models = MODELS
        .iter()
        .filter(|m| m.versions.iter().any(|v| versions.contains(&v.id)))
        .map(|m| m.id)
        .collect();
    let level = map
        .get("browsingLevel")
        .and_then(Value::as_u64)
        .map(|l| l as u32)
        .unwrap_or_else(|| match map.get("nsfwLevel").and_then(Value::as_str) {
            Some("Soft") => 2,
            Some("Mature") => 4,
            Some("X") => 8,
            Some("Blocked") => 32,
            _ => 1,
        });
    let stat = |k: &str| {
        map.get("stats")
            .and_then(|s| s.get(k))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    let reactions = ["cryCount", "laughCount", "likeCount", "heartCount"]
        .iter()
        .map(|k| stat(k))
        .sum();
    let username = map
        .get("username")
        .and_then(Value::as_str)
        .map(str::to_lowercase);
    let url = map
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let (file, uuid) = file_of_url(&url, id, image_base);
    let tags = tags_value.as_array().map_or(vec![], |a| {
        a.iter()
            .filter_map(|t| t.get("id").and_then(Value::as_u64))
            .collect()
    });
    let entry = Entry {
        id,
        gen: None,
        user_id: USERS
            .iter()
            .find(|u| u.name.map(str::to_lowercase) == username)
            .map(|u| u.id),
        post_id: map.get("postId").and_then(Value::as_u64),
        versions,
        models,
        level,
        kind: map
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("image")
            .to_string(),
        base_model: map
            .get("baseModel")
            .and_then(Value::as_str)
            .map(String::from),
        tags,
        created_ms: map
            .get("createdAt")
            .and_then(Value::as_str)
            .and_then(parse_iso_ms)
            .unwrap_or(NOW_MS - 1000),
        keys: [reactions, stat("commentCount"), 0, mix(id ^ 0x5EED)],
        username,
        json: ItemJson::from_map(map, tags_value),
        file,
    };
    (entry, uuid)
}

/// An added item's url is served when it has the normal `{base}/{key}/{uuid}/{variant}/{name}` shape.
fn file_of_url(url: &str, id: u64, image_base: &str) -> (Option<FileRef>, Option<String>) {
    let Some(rest) = url
        .strip_prefix(image_base)
        .and_then(|r| r.strip_prefix('/'))
    else {
        return (None, None);
    };
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.len() != 4 || parts[0] != CDN_KEY || parts[1].is_empty() {
        return (None, None);
    }
    let format = if parts[3].ends_with(".mp4") {
        Format::Mp4
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
