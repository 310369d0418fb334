//! The query flags turned into the walk's `ImageQuery` in one step, so that the walk never
//! imports the clap layer.

use super::QueryArgs;
use crate::walk::query::{
    dedup, join_nonempty, nsfw_param, period_param, sort_param, type_param, ImageQuery, Target,
    DEFAULT_LIMIT,
};
use crate::walk::window::DateWindow;

/// The `limit` sent with every request of a walk: `--limit`, else [`DEFAULT_LIMIT`]. Never
/// derived from `--max`: a resumed walk must send the limit its cursor came with, whatever
/// `--max` it has (doc/api.md, "The official reference": a cursor with another limit is refused).
pub fn sent_limit(args: &QueryArgs) -> u32 {
    args.limit.unwrap_or(DEFAULT_LIMIT)
}

impl ImageQuery {
    /// Builds the query from the flags; `with_meta` adds `withMeta=true` and `flatMeta=true`.
    /// Fails on a date window no item can fall in.
    pub fn from_args(args: &QueryArgs, with_meta: bool) -> anyhow::Result<Self> {
        let mut params: Vec<(&'static str, String)> = Vec::new();
        let limit = sent_limit(args);
        let mut push = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                params.push((k, v));
            }
        };
        push("limit", Some(limit.to_string()));
        push("nsfw", args.nsfw.map(|n| nsfw_param(n).to_string()));
        push("browsingLevel", args.browsing_level.map(|n| n.to_string()));
        push("sort", args.sort.map(|s| sort_param(s).to_string()));
        push("period", args.period.map(|p| period_param(p).to_string()));
        push("type", args.media_type.map(|t| type_param(t).to_string()));
        push("baseModels", join_nonempty(&args.base_model));
        // `--page 1` is where a walk starts anyway; later pages are refused (usage.rs).
        push("withMeta", with_meta.then(|| "true".to_string()));
        // doc/api.md: `flatMeta=true` forces the flat meta shape on every path.
        push("flatMeta", with_meta.then(|| "true".to_string()));
        // `--tag A,B` means all of them; where the API answers any of them (doc/api.md, "The
        // official reference"), only the items' own tags can tell, so they are asked for.
        let all_of = args.tag.iter().any(|t| t.ids().len() > 1);
        push(
            "withTags",
            (args.with_tags || all_of).then(|| "true".to_string()),
        );
        let window =
            DateWindow::new(args.since, args.until, args.sort).map_err(anyhow::Error::msg)?;
        Ok(ImageQuery {
            params,
            targets: targets(args),
            cursor: args.cursor.clone(),
            max: args.max,
            sort: args.sort,
            window,
        })
    }
}

/// Every combination of the target flags' values, in the order given; collections on their own.
fn targets(args: &QueryArgs) -> Vec<Target> {
    let mut out = vec![Target::default()];
    let mut cross = |key: &'static str, values: Vec<String>| {
        if values.is_empty() {
            return;
        }
        out = out
            .iter()
            .flat_map(|t| {
                values.iter().map(move |v| {
                    let mut t = t.clone();
                    t.params.push((key, v.clone()));
                    t
                })
            })
            .collect();
    };
    let ids = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>();
    cross("postId", ids(&args.post_id));
    cross("modelVersionId", ids(&args.model_version_id));
    cross("username", args.username.clone());
    cross("userId", ids(&args.user_id));
    cross("imageId", ids(&args.image_id));
    // Each --tag value is a target: repeated values mean any of them, one walk each.
    let tag_sets: Vec<String> = args.tag.iter().map(|t| t.to_string()).collect();
    cross("tags", tag_sets.clone());
    // A model with a version given is a plain filter; alone it is a merged model walk.
    if args.model_version_id.is_empty() {
        let models = args.model_id.clone();
        if !models.is_empty() {
            out = out
                .iter()
                .flat_map(|t| {
                    models.iter().map(move |&m| Target {
                        model: Some(m),
                        ..t.clone()
                    })
                })
                .collect();
        }
    } else {
        cross("modelId", ids(&args.model_id));
    }
    if !args.collection_id.is_empty() {
        let tags: Vec<Option<&String>> = match tag_sets.is_empty() {
            true => vec![None],
            false => tag_sets.iter().map(Some).collect(),
        };
        out = args
            .collection_id
            .iter()
            .flat_map(|&c| {
                tags.iter().map(move |t| Target {
                    collection: Some(c),
                    params: t.map(|t| vec![("tags", t.clone())]).unwrap_or_default(),
                    ..Target::default()
                })
            })
            .collect();
    }
    dedup(out)
}
