//! The in-memory dataset: generated and hand-added items, their filter keys, the precomputed
//! sort orders, and the pre-serialised JSON each item is emitted from.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use super::catalog::ALICE;
use super::entries::{added_entry, assign_posts, generated_entry, generated_json};
use super::files::Format;
use super::generate::{alice_level, Facts};
use super::json::{ItemJson, MetaMode};
use super::query::{ListKey, Sort};

/// The CDN account key that starts every image path (doc/api.md, "Hosts").
pub const CDN_KEY: &str = "xG1nkqKTMzGDvpLrqFT7WA";

/// Where an item's file comes from, for the image listener.
pub struct FileRef {
    /// Real type of the original.
    pub format: Format,
    /// Natural size of the original (before `FakeConfig::image_size`).
    pub size: u64,
    /// `Content-Type` sent for it (sometimes deliberately wrong, doc/api.md).
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
    /// In a public post and of published versions only: listed on the feed path with the
    /// `public_only` mode (see `catalog::post_availability`, `UNPUBLISHED_VERSIONS`).
    pub listed: bool,
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
    /// Pre-serialised JSON (built lazily for generated items, see [`Dataset::json_of`]).
    pub json: OnceLock<ItemJson>,
    /// File served by the image listener.
    pub file: Option<FileRef>,
    /// Generator facts (generated items only).
    pub facts: Option<Box<Facts>>,
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
        for (f, post) in facts.into_iter().zip(posts) {
            let uuid = f.uuid.clone();
            ds.insert(generated_entry(f, post), Some(uuid));
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

    /// The JSON of an entry, built on first use.
    pub fn json_of<'a>(&self, e: &'a Entry) -> &'a ItemJson {
        e.json.get_or_init(|| {
            let facts = e
                .facts
                .as_ref()
                .expect("generated entries keep their facts");
            generated_json(facts, e.post_id, &self.image_base)
        })
    }

    /// An item rendered as the API would (`extra`: with tags, with thumbnail), parsed back.
    pub fn render_value(&self, e: &Entry, meta: MetaMode, extra: (bool, bool)) -> Value {
        let mut s = String::new();
        self.json_of(e).render(&mut s, e.id, meta, extra);
        serde_json::from_str(&s).expect("fake emits valid JSON")
    }
}
