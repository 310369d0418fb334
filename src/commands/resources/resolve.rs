//! Asking the API what each resource is: `GET /api/v1/model-versions/{id}` for version ids,
//! `POST /api/v1/model-versions/by-hash` (up to 100 SHA-256 hashes at once) and
//! `GET /api/v1/model-versions/by-hash/{hash}` for other hashes (AutoV2 and the like), as
//! doc/api.md and `shared/civitai/API.md` ("Model versions by hash") describe them. Every
//! answer is remembered in the cache, "not found" too (for a week), so a second run asks
//! nothing it already knows.

use std::collections::BTreeSet;

use serde_json::Value;

use super::cache::{fresh_not_found, Stamped, Stored, Versions};
use super::gather::Tally;
use crate::walk::client::{ApiError, Client};

/// Most hashes in one `POST /by-hash` (doc/api.md: "up to 100").
const POST_BATCH: usize = 100;
/// Length of a hex SHA-256, the only kind the POST takes.
const SHA256_HEX: usize = 64;

/// Looks versions up, from the cache first.
pub struct Resolver<'a> {
    /// None with `--offline`: only the cache answers.
    pub client: Option<&'a Client>,
    /// The cache of answers for this API host.
    pub cache: Stored<Versions>,
    /// Requests sent.
    pub asked: u64,
    /// The first failure, if the API failed (what is known is still printed).
    pub failure: Option<ApiError>,
}

impl<'a> Resolver<'a> {
    /// The API's answer for every entry of the tally (None: unknown or not asked).
    pub async fn resolve(&mut self, tally: &Tally) -> Vec<Option<Value>> {
        let hashes: BTreeSet<&str> = tally
            .entries
            .iter()
            .filter(|e| e.version_id.is_none())
            .filter_map(|e| e.hash.as_deref())
            .collect();
        self.hashes(hashes.into_iter().collect()).await;
        let mut ids: BTreeSet<u64> = tally.entries.iter().filter_map(|e| e.version_id).collect();
        ids.extend(
            tally
                .entries
                .iter()
                .filter_map(|e| self.id_of_hash(e.hash.as_deref()?)),
        );
        for id in ids {
            self.version(id).await;
        }
        tally
            .entries
            .iter()
            .map(|e| {
                let id = e
                    .version_id
                    .or_else(|| self.id_of_hash(e.hash.as_deref()?))?;
                self.known(id).cloned()
            })
            .collect()
    }

    /// The version id the cache holds for a hash.
    fn id_of_hash(&self, hash: &str) -> Option<u64> {
        self.cache.data.by_hash.get(hash)?.value
    }

    /// The cached answer for a version id, when the API gave one.
    fn known(&self, id: u64) -> Option<&Value> {
        self.cache
            .data
            .by_id
            .get(&id)
            .map(|s| &s.value)
            .filter(|v| !v.is_null())
    }

    /// Whether the cache settles this id (an answer, or a recent "not found").
    fn settled_id(&self, id: u64) -> bool {
        self.cache
            .data
            .by_id
            .get(&id)
            .is_some_and(|s| !s.value.is_null() || fresh_not_found(s.at))
    }

    fn settled_hash(&self, hash: &str) -> bool {
        self.cache
            .data
            .by_hash
            .get(hash)
            .is_some_and(|s| s.value.is_some() || fresh_not_found(s.at))
    }

    /// The client, unless offline or the API already failed once.
    fn online(&self) -> Option<&'a Client> {
        self.client.filter(|_| self.failure.is_none())
    }

    async fn version(&mut self, id: u64) {
        if self.settled_id(id) {
            return;
        }
        let Some(client) = self.online() else { return };
        let url = client.api_url(&["api", "v1", "model-versions", &id.to_string()]);
        self.asked += 1;
        let answer = client
            .get_json::<Value>(&url, &format!("model version {id}"))
            .await;
        match answer {
            Ok(v) if answer_id(&v) == Some(id) => self.remember(v),
            Ok(_) => self.not_found_id(id),
            Err(ApiError::Status { status: 404, .. }) => self.not_found_id(id),
            Err(e) => self.failure = Some(e),
        }
    }

    async fn hashes(&mut self, hashes: Vec<&str>) {
        let ask: Vec<&str> = hashes
            .into_iter()
            .filter(|h| !self.settled_hash(h))
            .collect();
        let (long, short): (Vec<&str>, Vec<&str>) =
            ask.into_iter().partition(|h| h.len() == SHA256_HEX);
        for batch in long.chunks(POST_BATCH) {
            self.post_batch(batch).await;
        }
        for hash in short {
            self.by_hash(hash).await;
        }
    }

    async fn by_hash(&mut self, hash: &str) {
        let Some(client) = self.online() else { return };
        let url = client.api_url(&["api", "v1", "model-versions", "by-hash", hash]);
        self.asked += 1;
        let answer = client
            .get_json::<Value>(&url, &format!("the version of hash {hash}"))
            .await;
        match answer {
            Ok(v) if answer_id(&v).is_some() => {
                let id = answer_id(&v);
                self.remember(v);
                self.note_hash(hash, id);
            }
            Ok(_) | Err(ApiError::Status { status: 404, .. }) => self.note_hash(hash, None),
            Err(e) => self.failure = Some(e),
        }
    }

    async fn post_batch(&mut self, batch: &[&str]) {
        let Some(client) = self.online() else { return };
        let url = client.api_url(&["api", "v1", "model-versions", "by-hash"]);
        let body = Value::from(batch.iter().map(|h| Value::from(*h)).collect::<Vec<_>>());
        self.asked += 1;
        let what = format!("the versions of {} hashes", batch.len());
        let answer = match client.post_json::<Value>(&url, &body, &what).await {
            Ok(Value::Array(found)) => found,
            Ok(_) => Vec::new(),
            Err(e) => {
                self.failure = Some(e);
                return;
            }
        };
        for version in answer.into_iter().filter(|v| answer_id(v).is_some()) {
            let id = answer_id(&version);
            for hash in batch.iter().filter(|h| holds_hash(&version, h)) {
                self.note_hash(hash, id);
            }
            self.remember(version);
        }
        for hash in batch {
            if !self.cache.data.by_hash.contains_key(*hash) {
                self.note_hash(hash, None);
            }
        }
    }

    /// Keeps an answer (without its preview `images`, which say nothing about the resource
    /// and can be large).
    fn remember(&mut self, mut version: Value) {
        let Some(id) = answer_id(&version) else {
            return;
        };
        if let Some(obj) = version.as_object_mut() {
            obj.shift_remove("images");
        }
        self.cache.data.by_id.insert(id, Stamped::now(version));
        self.cache.touch();
    }

    fn not_found_id(&mut self, id: u64) {
        self.cache.data.by_id.insert(id, Stamped::now(Value::Null));
        self.cache.touch();
    }

    fn note_hash(&mut self, hash: &str, id: Option<u64>) {
        self.cache
            .data
            .by_hash
            .insert(hash.to_string(), Stamped::now(id));
        self.cache.touch();
    }
}

/// The `id` of a version answer.
pub fn answer_id(version: &Value) -> Option<u64> {
    version.get("id")?.as_u64().filter(|&id| id > 0)
}

/// Every hash (lowercase) the answer lists for its files.
pub fn file_hashes(version: &Value) -> Vec<String> {
    let Some(files) = version.get("files").and_then(Value::as_array) else {
        return Vec::new();
    };
    files
        .iter()
        .filter_map(|f| f.get("hashes")?.as_object())
        .flat_map(|h| h.values())
        .filter_map(Value::as_str)
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Whether the answer lists `hash` among its files' hashes.
fn holds_hash(version: &Value, hash: &str) -> bool {
    file_hashes(version).iter().any(|h| h == hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hashes_are_read_from_every_file() {
        let v = json!({"id": 5, "files": [{"hashes": {"AutoV2": "ABC", "SHA256": "DEF"}}, {"hashes": 3}]});
        assert_eq!(file_hashes(&v), ["abc", "def"]);
        assert!(holds_hash(&v, "def"));
        assert_eq!(answer_id(&json!({"id": "5"})), None);
        assert_eq!(answer_id(&json!({"id": 0})), None);
    }
}
