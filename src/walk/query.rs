//! `ImageQuery`: what a walk asks the API for, in the API's spellings (built from the query
//! flags by `cli::query`).

use crate::values::{MediaType, Nsfw, Period, Sort};
use crate::walk::window::DateWindow;

/// Largest page the API serves (doc/api.md: `limit` 0..200).
pub const MAX_LIMIT: u32 = 200;

/// `browsingLevel` for every level (PG=1 … XXX=16): what an explicit `--image-id` is asked at,
/// and what the not-found checks look at.
pub const ALL_LEVELS: &str = "31";

/// The page size civimg asks for without `--limit`. The API's own default changed (100, then 50
/// by the official reference), so civimg always sends one.
pub const DEFAULT_LIMIT: u32 = 100;

/// What to ask `GET /api/v1/images` for, and how far to walk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageQuery {
    /// Parameters sent with every page of every target, in a stable order (each target adds its
    /// own filters, the cursor is added per page).
    pub params: Vec<(&'static str, String)>,
    /// What to walk, one after the other; never empty (no target flag: the whole site).
    pub targets: Vec<Target>,
    /// Where the walk starts, if not at the beginning.
    pub cursor: Option<String>,
    /// Client-side cap on the number of items.
    pub max: Option<u64>,
    /// `--sort`, for the warnings about sorts a backend ignores.
    pub sort: Option<Sort>,
    /// `--since` / `--until`: kept items' `createdAt` window (client-side; the API has none).
    pub window: Option<DateWindow>,
}

/// One thing to walk: one value of each target flag (`--username`, `--model-id` …). Repeated
/// flags give one target per combination of their values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// The target's own filters, in the API's spellings.
    pub params: Vec<(&'static str, String)>,
    /// `--model-id` without `--model-version-id`: its versions and its own listing merged in one
    /// order (`walk::model`; doc/api.md, "Legacy
    /// database path": only that walk is complete and sorted).
    pub model: Option<u64>,
    /// `--collection-id`: walked over the site's tRPC `image.getInfinite`.
    pub collection: Option<u64>,
}

impl Target {
    /// The tag ids an item must all carry, from `--tag A,B` (empty without `--tag`).
    pub fn tag_ids(&self) -> Vec<u64> {
        tag_ids_in(&self.params)
    }

    /// The value of one of the target's parameters.
    pub fn param(&self, key: &str) -> Option<&str> {
        param_in(&self.params, key)
    }

    /// How the target reads in messages and the summary: `username alice, model 12`, or `all
    /// images` for none.
    pub fn label(&self) -> String {
        let mut parts: Vec<String> = self
            .params
            .iter()
            .map(|(k, v)| format!("{} {v}", label_of(k)))
            .collect();
        parts.extend(self.model.map(|m| format!("model {m}")));
        parts.extend(self.collection.map(|c| format!("collection {c}")));
        if parts.is_empty() {
            "all images".into()
        } else {
            parts.join(", ")
        }
    }

    /// The target a pasted URL or id stands for (an `--input` line).
    pub fn from_pasted(pasted: &crate::pasted::Pasted) -> Target {
        use crate::pasted::Pasted;
        let param = |k: &'static str, v: String| Target {
            params: vec![(k, v)],
            ..Target::default()
        };
        match pasted {
            Pasted::User(name) => param("username", name.clone()),
            Pasted::UserVideos(name) => Target {
                params: vec![("username", name.clone()), ("type", "video".into())],
                ..Target::default()
            },
            Pasted::Model(id) => Target {
                model: Some(*id),
                ..Target::default()
            },
            Pasted::ModelVersion(id) => param("modelVersionId", id.to_string()),
            Pasted::Post(id) => param("postId", id.to_string()),
            Pasted::Image(id) => param("imageId", id.to_string()),
            Pasted::Collection(id) => Target {
                collection: Some(*id),
                ..Target::default()
            },
        }
    }

    /// Whether the API answers this target from its legacy database path (`imageId`).
    pub fn is_legacy(&self) -> bool {
        self.param("imageId").is_some()
    }
}

pub use crate::values::username_slug;

/// The ids of a `tags` parameter among these (empty without one).
pub fn tag_ids_in(params: &[(&'static str, String)]) -> Vec<u64> {
    param_in(params, "tags").map_or(vec![], |t| {
        t.split(',').filter_map(|id| id.parse().ok()).collect()
    })
}

/// The value of `key` among API parameters (the query's, a target's or a stretch's).
pub fn param_in<'a>(params: &'a [(&'static str, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.as_str())
}

fn label_of(key: &str) -> &str {
    match key {
        "userId" => "user id",
        "postId" => "post",
        "modelId" => "model",
        "modelVersionId" => "model version",
        "imageId" => "image",
        "tags" => "tag",
        other => other,
    }
}

impl ImageQuery {
    /// The value of one common parameter, if set.
    pub fn param(&self, key: &str) -> Option<&str> {
        param_in(&self.params, key)
    }

    /// Page size of this query (always sent).
    pub fn limit(&self) -> usize {
        self.param("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(DEFAULT_LIMIT as usize)
    }
}

/// A target given twice is walked once.
pub fn dedup(targets: Vec<Target>) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::with_capacity(targets.len());
    for t in targets {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The values joined with commas, or `None` when there are none.
pub fn join_nonempty(values: &[String]) -> Option<String> {
    (!values.is_empty()).then(|| values.join(","))
}

/// The API's spelling of the legacy `nsfw` values (doc/api.md).
pub fn nsfw_param(n: Nsfw) -> &'static str {
    match n {
        Nsfw::None => "None",
        Nsfw::Soft => "Soft",
        Nsfw::Mature => "Mature",
        Nsfw::X => "X",
        Nsfw::True => "true",
        Nsfw::False => "false",
    }
}

/// The API's exact sort strings, spaces included (doc/api.md).
pub fn sort_param(s: Sort) -> &'static str {
    match s {
        Sort::Newest => "Newest",
        Sort::Oldest => "Oldest",
        Sort::MostReactions => "Most Reactions",
        Sort::MostComments => "Most Comments",
        Sort::MostCollected => "Most Collected",
        Sort::Random => "Random",
    }
}

/// The API's period names.
pub fn period_param(p: Period) -> &'static str {
    match p {
        Period::Day => "Day",
        Period::Week => "Week",
        Period::Month => "Month",
        Period::Year => "Year",
        Period::AllTime => "AllTime",
    }
}

/// The API's `type` values.
pub fn type_param(t: MediaType) -> &'static str {
    match t {
        MediaType::Image => "image",
        MediaType::Video => "video",
        MediaType::Audio => "audio",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::QueryArgs;

    #[test]
    fn limit_is_always_sent_and_never_follows_max() {
        for max in [None, Some(5), Some(5000)] {
            let args = QueryArgs {
                max,
                ..Default::default()
            };
            let q = ImageQuery::from_args(&args, false).unwrap();
            assert_eq!(q.param("limit"), Some("100"), "{max:?}");
        }
        let args = QueryArgs {
            limit: Some(20),
            max: Some(5),
            ..Default::default()
        };
        let q = ImageQuery::from_args(&args, false).unwrap();
        assert_eq!(q.param("limit"), Some("20"));
    }

    #[test]
    fn repeatable_flags_are_comma_joined() {
        let args = QueryArgs {
            base_model: vec!["SDXL 1.0".into(), "Pony".into()],
            ..Default::default()
        };
        let q = ImageQuery::from_args(&args, true).unwrap();
        assert_eq!(q.param("baseModels"), Some("SDXL 1.0,Pony"));
        assert_eq!(q.param("withMeta"), Some("true"));
    }

    #[test]
    fn repeated_tags_are_targets_and_joined_tags_ask_for_tags() {
        let tag = |s: &str| s.parse::<crate::cli::TagSet>().unwrap();
        let args = QueryArgs {
            tag: vec![tag("4"), tag("6")],
            ..Default::default()
        };
        let q = ImageQuery::from_args(&args, false).unwrap();
        let sets: Vec<_> = q.targets.iter().map(|t| t.param("tags")).collect();
        assert_eq!(sets, [Some("4"), Some("6")]);
        assert_eq!(q.param("withTags"), None);
        let args = QueryArgs {
            tag: vec![tag("4,6,4")],
            ..Default::default()
        };
        let q = ImageQuery::from_args(&args, false).unwrap();
        assert_eq!(q.targets[0].tag_ids(), [4, 6]);
        assert_eq!(q.param("withTags"), Some("true"));
    }
}
