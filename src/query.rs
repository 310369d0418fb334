//! `ImageQuery`: the query flags turned into the API's parameters, in the API's spellings.

use crate::cli::{MediaType, Nsfw, Period, QueryArgs, Sort};
use crate::window::DateWindow;

/// Largest page the API serves (API.md: `limit` 0..200).
pub const MAX_LIMIT: u32 = 200;

/// What to ask `GET /api/v1/images` for, and how far to walk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageQuery {
    /// Parameters sent with every page, in a stable order (the cursor is added per page).
    pub params: Vec<(&'static str, String)>,
    /// Where the walk starts, if not at the beginning.
    pub cursor: Option<String>,
    /// Client-side cap on the number of items.
    pub max: Option<u64>,
    /// `--since` / `--until`: kept items' `createdAt` window (client-side; the API has none).
    pub window: Option<DateWindow>,
}

impl ImageQuery {
    /// Builds the query from the flags; `with_meta` adds `withMeta=true`. Fails on a date
    /// window no item can fall in.
    pub fn from_args(args: &QueryArgs, with_meta: bool) -> anyhow::Result<Self> {
        let mut params: Vec<(&'static str, String)> = Vec::new();
        // Without --limit, a small --max asks for no more than it needs, and a large
        // one asks for full pages: fewer round trips than the API's default of 100.
        let limit = args
            .limit
            .or(args.max.map(|m| m.min(MAX_LIMIT as u64) as u32));
        let mut push = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                params.push((k, v));
            }
        };
        push("limit", limit.map(|n| n.to_string()));
        push("postId", args.post_id.map(|n| n.to_string()));
        push("modelId", args.model_id.map(|n| n.to_string()));
        push(
            "modelVersionId",
            args.model_version_id.map(|n| n.to_string()),
        );
        push("username", args.username.clone());
        push("userId", args.user_id.map(|n| n.to_string()));
        push("imageId", args.image_id.map(|n| n.to_string()));
        push("nsfw", args.nsfw.map(|n| nsfw_param(n).to_string()));
        push("browsingLevel", args.browsing_level.map(|n| n.to_string()));
        push("sort", args.sort.map(|s| sort_param(s).to_string()));
        push("period", args.period.map(|p| period_param(p).to_string()));
        push("type", args.media_type.map(|t| type_param(t).to_string()));
        push("baseModels", join_nonempty(&args.base_model));
        let tags: Vec<String> = args.tag.iter().map(u64::to_string).collect();
        push("tags", join_nonempty(&tags));
        push("page", args.page.map(|n| n.to_string()));
        push("withMeta", with_meta.then(|| "true".to_string()));
        let window =
            DateWindow::new(args.since, args.until, args.sort).map_err(anyhow::Error::msg)?;
        Ok(ImageQuery {
            params,
            cursor: args.cursor.clone(),
            max: args.max,
            window,
        })
    }

    /// The value of one parameter, if set.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn join_nonempty(values: &[String]) -> Option<String> {
    (!values.is_empty()).then(|| values.join(","))
}

/// The API's spelling of the legacy `nsfw` values (API.md).
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

/// The API's exact sort strings, spaces included (API.md).
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

fn type_param(t: MediaType) -> &'static str {
    match t {
        MediaType::Image => "image",
        MediaType::Video => "video",
        MediaType::Audio => "audio",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_without_limit_asks_for_what_it_needs() {
        let args = QueryArgs {
            max: Some(5),
            ..Default::default()
        };
        assert_eq!(
            ImageQuery::from_args(&args, false).unwrap().param("limit"),
            Some("5")
        );
        let args = QueryArgs {
            max: Some(5000),
            ..Default::default()
        };
        assert_eq!(
            ImageQuery::from_args(&args, false).unwrap().param("limit"),
            Some("200")
        );
    }

    #[test]
    fn repeatable_flags_are_comma_joined() {
        let args = QueryArgs {
            base_model: vec!["SDXL 1.0".into(), "Pony".into()],
            tag: vec![4, 5],
            ..Default::default()
        };
        let q = ImageQuery::from_args(&args, true).unwrap();
        assert_eq!(q.param("baseModels"), Some("SDXL 1.0,Pony"));
        assert_eq!(q.param("tags"), Some("4,5"));
        assert_eq!(q.param("withMeta"), Some("true"));
    }
}
