//! Query parameters of `GET /api/v1/images`: parsing, validation with zod-shaped issues, and the
//! key of the "cheap" filters that select a candidate list (doc/api.md, "Query parameters").

use serde_json::{json, Value};

use super::dataset::{Dataset, Entry};
use super::modes::Modes;
use super::util::{DAY_MS, NOW_MS};

/// `sort` values, in the exact spelling doc/api.md lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Default.
    MostReactions = 0,
    /// By comment count.
    MostComments = 1,
    /// By a hidden collection count.
    MostCollected = 2,
    /// Newest first.
    Newest = 3,
    /// Oldest first.
    Oldest = 4,
    /// A fixed pseudo-random order (deterministic, for reproducible tests).
    Random = 5,
}

impl Sort {
    /// All sorts, indexed by their discriminant.
    pub const ALL: [Sort; 6] = [
        Sort::MostReactions,
        Sort::MostComments,
        Sort::MostCollected,
        Sort::Newest,
        Sort::Oldest,
        Sort::Random,
    ];
    /// The accepted spellings, in the same order.
    pub const NAMES: [&'static str; 6] = [
        "Most Reactions",
        "Most Comments",
        "Most Collected",
        "Newest",
        "Oldest",
        "Random",
    ];
}

const PERIODS: [&str; 5] = ["Day", "Week", "Month", "Year", "AllTime"];
const PERIOD_DAYS: [i64; 4] = [1, 7, 30, 365];
const NSFW: [&str; 6] = ["None", "Soft", "Mature", "X", "true", "false"];
/// Browsing-level masks of the `nsfw` values above: PG, ≤PG-13, ≤R, all, R and above, PG.
const NSFW_MASKS: [u32; 6] = [1, 3, 7, 31, 28, 1];
const TYPES: [&str; 3] = ["image", "video", "audio"];
const BOOLS: [&str; 4] = ["true", "false", "1", "0"];
const USERNAME_PATTERN: &str = "/^[A-Za-z0-9_]*$/";

/// The cheap filters, sort and period: everything that selects the candidate list a page window
/// is cut from, before the level/type/baseModel/tag filters (doc/api.md, "Pages are filtered after").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ListKey {
    /// Order of the list.
    pub sort: Sort,
    /// Oldest `createdAt` in ms allowed by `period`.
    pub since_ms: Option<i64>,
    /// `postId`.
    pub post: Option<i64>,
    /// `modelId`.
    pub model: Option<i64>,
    /// `modelVersionId`.
    pub version: Option<i64>,
    /// `imageId`.
    pub image: Option<i64>,
    /// `userId`.
    pub user_id: Option<i64>,
    /// `username`, lowercased; dropped when no such user exists (doc/api.md, "unrelated images").
    pub username: Option<String>,
    /// Only listed items (the `public_only` mode outside the exception class; see `render`).
    pub public_only: bool,
}

impl ListKey {
    /// The imageId path, or the modelId-only path (no other id or user filter): these emit a
    /// numeric `nextCursor` and wrapped `meta` (doc/api.md, Response). With the `legacy` mode the
    /// real rule: `imageId`, or `modelId` without `modelVersionId` (doc/api.md, "Three backends").
    pub fn numeric_path(&self, legacy: bool) -> bool {
        if legacy {
            return self.image.is_some() || (self.model.is_some() && self.version.is_none());
        }
        self.image.is_some()
            || (self.model.is_some()
                && self.post.is_none()
                && self.version.is_none()
                && self.user_id.is_none()
                && self.username.is_none())
    }

    /// A lookup by `imageId`, or by `modelId` without `modelVersionId`: the requests that honour
    /// `page` under the official reference (pagination.md).
    pub fn is_lookup(&self) -> bool {
        self.image.is_some() || (self.model.is_some() && self.version.is_none())
    }

    /// Whether an entry passes the cheap filters.
    pub fn matches(&self, e: &Entry) -> bool {
        let is = |want: Option<i64>, have: Option<u64>| {
            want.is_none_or(|w| have.is_some_and(|h| h as i64 == w))
        };
        let within = |want: Option<i64>, have: &[u64]| {
            want.is_none_or(|w| have.iter().any(|&h| h as i64 == w))
        };
        self.since_ms.is_none_or(|s| e.created_ms >= s)
            && (!self.public_only || e.listed)
            && is(self.post, e.post_id)
            && within(self.model, &e.models)
            && within(self.version, &e.versions)
            && is(self.image, Some(e.id))
            && is(self.user_id, e.user_id)
            && self
                .username
                .as_ref()
                .is_none_or(|u| e.username.as_ref() == Some(u))
    }
}

/// A validated request.
pub struct Query {
    /// The original pairs, in order, for `nextPage`.
    pub pairs: Vec<(String, String)>,
    /// Window size.
    pub limit: usize,
    /// `cursor`, verbatim.
    pub cursor: Option<String>,
    /// `page` (only meaningful without a cursor).
    pub page: Option<u64>,
    /// Cheap filters.
    pub key: ListKey,
    /// Browsing-level mask.
    pub levels: u32,
    /// `type`.
    pub kind: Option<String>,
    /// `baseModels`.
    pub base_models: Option<Vec<String>>,
    /// `tags`.
    pub tags: Option<Vec<u64>>,
    /// `withMeta`.
    pub with_meta: bool,
    /// `withTags`.
    pub with_tags: bool,
    /// imageId path or modelId-only path: numeric cursor and wrapped meta (doc/api.md).
    pub numeric_path: bool,
    /// `flatMeta`.
    pub flat_meta: bool,
    /// A `username` was given that no item has.
    pub unknown_user: bool,
    /// The reference's exception class: `postId`, `imageId`, `modelId` without
    /// `modelVersionId`, `sort=Random` or `limit=0` (images.md, "Which images are listed").
    pub exception: bool,
}

impl Query {
    /// Validate `pairs`; on failure the zod issues, all of them (zod reports every issue).
    pub fn parse(
        pairs: Vec<(String, String)>,
        ds: &Dataset,
        modes: Modes,
    ) -> Result<Query, Vec<Value>> {
        let mut issues = Vec::new();
        let mut p = Params {
            pairs: &pairs,
            issues: &mut issues,
            slug: modes.slug_usernames,
        };
        let limit_sent = p.bounded("limit", 0, Some(200));
        let limit = limit_sent.unwrap_or(if modes.default_limit_50 { 50 } else { 100 });
        let page = p.bounded("page", 1, None);
        let nsfw = p.choice("nsfw", &NSFW);
        let browsing = p.int("browsingLevel");
        let kind = p.choice("type", &TYPES).map(|k| TYPES[k].to_string());
        let with_meta = p.choice("withMeta", &BOOLS).is_some_and(|k| k % 2 == 0);
        let with_tags = p.choice("withTags", &BOOLS).is_some_and(|k| k % 2 == 0);
        let flat_meta = p.choice("flatMeta", &BOOLS).is_some_and(|k| k % 2 == 0);
        let unknown_user = p
            .username_value()
            .is_some_and(|u| !ds.knows_user(&u.to_lowercase()));
        let key = p.list_key(ds);
        let base_models = p.base_models();
        let tags = p.tags();
        let cursor = p.get("cursor").map(String::from);
        if !issues.is_empty() {
            return Err(issues);
        }
        // browsingLevel wins over nsfw; with neither, PG only (doc/api.md).
        let levels = browsing
            .map(|b| b as u32)
            .or(nsfw.map(|k| NSFW_MASKS[k]))
            .unwrap_or(1);
        let exception = key.post.is_some()
            || key.is_lookup()
            || key.sort == Sort::Random
            || limit_sent == Some(0);
        Ok(Query {
            exception,
            limit: limit as usize,
            page: page.filter(|_| cursor.is_none()).map(|n| n as u64),
            cursor,
            numeric_path: key.numeric_path(modes.legacy),
            flat_meta,
            unknown_user,
            key,
            levels,
            kind,
            base_models,
            tags,
            with_meta,
            with_tags,
            pairs,
        })
    }

    /// Whether an entry inside the window survives the late filters; `all_tags`: an item must
    /// carry every tag asked for, not just one (the `tags_all_of` mode on the feed path).
    pub fn keeps(&self, e: &Entry, all_tags: bool) -> bool {
        e.level & self.levels != 0
            && self.kind.as_ref().is_none_or(|k| *k == e.kind)
            && self
                .base_models
                .as_ref()
                .is_none_or(|b| e.base_model.as_ref().is_some_and(|m| b.contains(m)))
            && self.tags.as_ref().is_none_or(|t| match all_tags {
                true => t.iter().all(|x| e.tags.contains(x)),
                false => e.tags.iter().any(|x| t.contains(x)),
            })
    }
}

/// Reads parameters and collects issues.
struct Params<'a> {
    pairs: &'a [(String, String)],
    issues: &'a mut Vec<Value>,
    /// The `slug_usernames` mode.
    slug: bool,
}

impl Params<'_> {
    /// Last non-empty value of `key` (an empty value counts as absent).
    fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    fn int(&mut self, key: &str) -> Option<i64> {
        let v = self.get(key)?;
        match v.trim().parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let issue = if v.trim().parse::<f64>().is_ok_and(f64::is_finite) {
                    not_int(key)
                } else {
                    nan(key)
                };
                self.issues.push(issue);
                None
            }
        }
    }

    /// An integer within `min..=max`.
    fn bounded(&mut self, key: &str, min: i64, max: Option<i64>) -> Option<i64> {
        let n = self.int(key)?;
        if n < min {
            self.issues.push(too_small(key, min));
        } else if let Some(max) = max.filter(|&m| n > m) {
            self.issues.push(too_big(key, max));
        }
        Some(n)
    }

    /// Sort, period and the id/user filters. An unknown username is dropped: the real site then
    /// returns unrelated images (doc/api.md, last section).
    fn list_key(&mut self, ds: &Dataset) -> ListKey {
        let sort = self.choice("sort", &Sort::NAMES);
        let period = self.choice("period", &PERIODS);
        let username = self.username().map(|u| u.to_lowercase());
        ListKey {
            sort: sort.map_or(Sort::MostReactions, |k| Sort::ALL[k]),
            since_ms: period
                .filter(|&k| k < 4)
                .map(|k| NOW_MS - PERIOD_DAYS[k] * DAY_MS),
            post: self.int("postId"),
            model: self.int("modelId"),
            version: self.int("modelVersionId"),
            image: self.int("imageId"),
            user_id: self.int("userId"),
            username: username.filter(|u| ds.knows_user(u)),
            public_only: false,
        }
    }

    fn choice(&mut self, key: &str, values: &[&str]) -> Option<usize> {
        let v = self.get(key)?;
        let found = values.iter().position(|x| *x == v);
        if found.is_none() {
            self.issues.push(invalid_value(json!([key]), values));
        }
        found
    }

    /// `username` as the API reads it: slugified with the `slug_usernames` mode.
    fn username_value(&self) -> Option<String> {
        let v = self.get("username")?;
        Some(match self.slug {
            true => v
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect(),
            false => v.to_string(),
        })
    }

    fn username(&mut self) -> Option<String> {
        let v = self.username_value()?;
        let v = v.as_str();
        if v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Some(v.to_string());
        }
        self.issues.push(
            json!({"origin": "string", "code": "invalid_format", "format": "regex",
            "pattern": USERNAME_PATTERN, "path": ["username"],
            "message": format!("Invalid string: must match pattern {USERNAME_PATTERN}")}),
        );
        None
    }

    fn base_models(&mut self) -> Option<Vec<String>> {
        let v = self.get("baseModels")?.to_string();
        let names: Vec<String> = v.split(',').map(String::from).collect();
        for (k, name) in names.iter().enumerate() {
            if !super::catalog::BASE_MODELS.contains(&name.as_str()) {
                self.issues.push(invalid_value(
                    json!(["baseModels", k]),
                    super::catalog::BASE_MODELS,
                ));
            }
        }
        Some(names)
    }

    fn tags(&mut self) -> Option<Vec<u64>> {
        let v = self.get("tags")?.to_string();
        let mut ids = Vec::new();
        for (k, t) in v.split(',').enumerate() {
            match t.trim().parse::<u64>() {
                Ok(n) => ids.push(n),
                Err(_) => self.issues.push(
                    json!({"expected": "number", "code": "invalid_type", "path": ["tags", k],
                    "message": "Invalid input: expected number, received NaN"}),
                ),
            }
        }
        Some(ids)
    }
}

fn too_big(key: &str, max: i64) -> Value {
    json!({"origin": "number", "code": "too_big", "maximum": max, "inclusive": true, "path": [key],
        "message": format!("Too big: expected number to be <={max}")})
}

fn too_small(key: &str, min: i64) -> Value {
    json!({"origin": "number", "code": "too_small", "minimum": min, "inclusive": true, "path": [key],
        "message": format!("Too small: expected number to be >={min}")})
}

fn nan(key: &str) -> Value {
    json!({"expected": "number", "code": "invalid_type", "received": "NaN", "path": [key],
        "message": "Invalid input: expected number, received NaN"})
}

fn not_int(key: &str) -> Value {
    json!({"expected": "int", "format": "safeint", "code": "invalid_type", "path": [key],
        "message": "Invalid input: expected int, received number"})
}

fn invalid_value(path: Value, values: &[&str]) -> Value {
    let list: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    json!({"code": "invalid_value", "values": values, "path": path,
        "message": format!("Invalid option: expected one of {}", list.join("|"))})
}

/// A custom issue (bad cursor).
pub fn custom(key: &str, message: &str) -> Value {
    json!({"code": "custom", "path": [key], "message": message})
}

/// The 400 body: issues as a pretty JSON **string** inside `error.message` (doc/api.md, Errors).
pub fn zod_body(issues: &[Value]) -> Value {
    let message = serde_json::to_string_pretty(issues).expect("issues serialise");
    json!({"error": {"name": "ZodError", "message": message}})
}
