//! The default columns of `list`'s table: what each shows of an item, how wide it may be,
//! and which are left out first on a narrow terminal.

use serde_json::Value;

use super::fit_cell;
use crate::item::fields::{cell, lookup};

/// How a column's text is shortened to its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Never on the first page: the column is as wide as its widest value there (ids,
    /// names, uuids); a longer value on a later page is cut with `…`.
    Never,
    /// The start is kept and `…` marks the cut.
    Ellipsis,
    /// `YYYY-MM-DD HH:MM`, or the date alone when the time does not fit.
    Date,
}

/// A default column.
pub struct Spec {
    /// Its header.
    pub header: &'static str,
    /// Least width shown; narrower and the column is left out.
    pub min: usize,
    /// Widest it grows.
    pub max: usize,
    /// How its text is shortened.
    pub cut: Cut,
    /// Its full text for an item.
    pub text: fn(&Value) -> String,
}

/// The default columns in priority order: on a narrow terminal the last are left out first.
pub const DEFAULTS: &[Spec] = &[
    Spec {
        header: "id",
        min: 8,
        max: 20,
        cut: Cut::Never,
        text: id,
    },
    Spec {
        header: "user",
        min: 8,
        max: 30,
        cut: Cut::Never,
        text: user,
    },
    Spec {
        header: "level",
        min: 5,
        max: 7,
        cut: Cut::Ellipsis,
        text: level,
    },
    Spec {
        header: "likes",
        min: 5,
        max: 7,
        cut: Cut::Ellipsis,
        text: likes,
    },
    Spec {
        header: "created",
        min: 10,
        max: 16,
        cut: Cut::Date,
        text: created,
    },
    Spec {
        header: "type",
        min: 5,
        max: 5,
        cut: Cut::Ellipsis,
        text: media_type,
    },
    Spec {
        header: "file",
        min: 9,
        max: 36,
        cut: Cut::Never,
        text: file,
    },
    Spec {
        header: "size",
        min: 9,
        max: 11,
        cut: Cut::Ellipsis,
        text: size,
    },
];

/// Reading order of the shown columns (indices into [`DEFAULTS`]).
pub const DISPLAY_ORDER: &[usize] = &[0, 1, 2, 3, 5, 7, 4, 6];

/// The `type` column's index in [`DEFAULTS`]: shown only for a table that holds something
/// other than images ([`is_image`]), where it tells videos and audio apart from the images.
pub const TYPE_COLUMN: usize = 5;

/// Whether the item is an image: its `type` says so, or it has none (the API's items all
/// carry one, doc/api.md; an item without one is taken for what most are).
pub fn is_image(item: &Value) -> bool {
    item.get("type")
        .and_then(Value::as_str)
        .is_none_or(|kind| kind == "image")
}

/// An item's text in `spec`'s column, escaped and shortened to `width`. A value that does not
/// fit a never-cut column (a longer id on a later page) is still cut rather than wrapped.
pub fn render(spec: &Spec, item: &Value, width: usize) -> String {
    let text = (spec.text)(item);
    match spec.cut {
        Cut::Date if crate::text::width(&text) > width => {
            fit_cell(text.get(..10).unwrap_or(&text), width)
        }
        _ => fit_cell(&text, width),
    }
}

fn id(item: &Value) -> String {
    cell(lookup(item, "id"))
}

fn user(item: &Value) -> String {
    cell(lookup(item, "username"))
}

fn likes(item: &Value) -> String {
    cell(lookup(item, "stats.likeCount"))
}

/// `image`, `video` or `audio`, as the API sends it.
fn media_type(item: &Value) -> String {
    cell(lookup(item, "type"))
}

/// `832×1216`.
fn size(item: &Value) -> String {
    match (lookup(item, "width"), lookup(item, "height")) {
        (Some(w), Some(h)) if !w.is_null() && !h.is_null() => format!("{w}×{h}"),
        _ => String::new(),
    }
}

/// `2026-07-12 17:36` from `2026-07-12T17:36:54.000Z` (UTC, as the API sends it).
fn created(item: &Value) -> String {
    let text = cell(lookup(item, "createdAt"));
    let short: String = text.chars().take(16).collect();
    short.replace('T', " ")
}

/// The browsing level as people say it: the API's numeric `browsingLevel` (one bit of
/// PG=1 PG13=2 R=4 X=8 XXX=16 Blocked=32), else its older `nsfwLevel` name (doc/api.md).
fn level(item: &Value) -> String {
    let by_bit = |n: u64| match n {
        1 => Some("PG"),
        2 => Some("PG-13"),
        4 => Some("R"),
        8 => Some("X"),
        16 => Some("XXX"),
        32 => Some("Blocked"),
        _ => None,
    };
    let by_name = |s: &str| match s {
        "None" => Some("PG"),
        "Soft" => Some("PG-13"),
        "Mature" => Some("R"),
        "X" => Some("X"),
        "Blocked" => Some("Blocked"),
        _ => None,
    };
    let numeric = ["browsingLevel", "nsfwLevel"]
        .iter()
        .find_map(|k| item.get(k).and_then(Value::as_u64).and_then(by_bit));
    let named = || {
        item.get("nsfwLevel")
            .and_then(Value::as_str)
            .and_then(by_name)
    };
    match numeric.or_else(named) {
        Some(name) => name.to_string(),
        None => cell(item.get("nsfwLevel")),
    }
}

/// What identifies the file: the uuid in its URL (`…/{uuid}/original=true/{uuid}.jpeg`,
/// doc/api.md), else the URL's file name.
fn file(item: &Value) -> String {
    let url = cell(lookup(item, "url"));
    let path = url.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if let Some(uuid) = segments.iter().rev().find(|s| is_uuid(s)) {
        return uuid.to_string();
    }
    segments.last().map_or(url.clone(), |s| s.to_string())
}

/// `8-4-4-4-12` hex digits.
fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn levels_read_as_ratings() {
        let cases = [
            (json!({"browsingLevel": 1, "nsfwLevel": "None"}), "PG"),
            (json!({"browsingLevel": 16, "nsfwLevel": "X"}), "XXX"),
            (json!({"nsfwLevel": "Mature"}), "R"),
            (json!({"nsfwLevel": 2}), "PG-13"),
            (json!({"nsfwLevel": "Weird"}), "Weird"),
            (json!({}), ""),
        ];
        for (item, want) in cases {
            assert_eq!(level(&item), want, "{item}");
        }
    }

    #[test]
    fn the_file_is_named_by_its_uuid() {
        let item = json!({"url": "https://image.civitai.com/xG1nkqKTMzGDvpLrqFT7WA/3a34b774-665a-4c16-b4b3-ca814c76dd26/width=450/3a34b774-665a-4c16-b4b3-ca814c76dd26.jpeg"});
        assert_eq!(file(&item), "3a34b774-665a-4c16-b4b3-ca814c76dd26");
        assert_eq!(
            file(&json!({"url": "https://x.org/a/cat.png?x=1"})),
            "cat.png"
        );
    }

    #[test]
    fn the_type_column_is_the_type_one() {
        assert_eq!(DEFAULTS[TYPE_COLUMN].header, "type");
        assert!(is_image(&json!({"type": "image"})) && is_image(&json!({"id": 1})));
        assert!(!is_image(&json!({"type": "video"})));
    }

    #[test]
    fn dates_drop_the_time_before_they_are_cut() {
        let item = json!({"createdAt": "2026-07-12T17:36:54.000Z"});
        let spec = &DEFAULTS[4];
        assert_eq!(render(spec, &item, 16), "2026-07-12 17:36");
        assert_eq!(render(spec, &item, 12), "2026-07-12");
    }
}
