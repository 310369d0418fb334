//! The item: one image as the API described it, whatever brought it in (a page of the API, a
//! collection's page, an `--input` line), and the one intake every source goes through.
//!
//! The intake keeps the text as it came and reads the few keys a run needs (`id`, `username`,
//! the level). It is also the one place that knows the legacy path's `{"id": …, "meta": {…}}`
//! wrapper (doc/api.md, "Three backends"): an item's `meta` is flat (or null) once it is an
//! [`Item`], so field lookup, names and the meta readers never look for the wrapper again.

pub mod fields;

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::Value;

/// One item exactly as the API sent it (its `meta` unwrapped), plus the fields a run needs.
///
/// The text is kept as it came: JSON lines re-emit it byte for byte, with every field the API
/// sent, known or not (doc/api.md: "keep unknown fields when re-emitting an item"), and without
/// building a tree of values only to write it out again.
#[derive(Debug)]
pub struct Item {
    raw: Box<RawValue>,
    /// The numeric `id`, if any.
    pub id: Option<u64>,
    /// The `username`, if any.
    pub username: Option<String>,
    /// The browsing level bit (PG=1 … XXX=16), from `browsingLevel` or `nsfwLevel`, if any.
    pub level: Option<u64>,
}

/// The fields read from every item; the rest of the object is skipped, not built.
#[derive(Default, Deserialize)]
struct Keys<'a> {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    username: Option<Value>,
    #[serde(default, rename = "browsingLevel")]
    browsing_level: Option<Value>,
    #[serde(default, rename = "nsfwLevel", borrow)]
    nsfw_level: Option<&'a RawValue>,
    #[serde(default, borrow)]
    meta: Option<&'a RawValue>,
}

/// The legacy wrapper: an object of `meta` and, optionally, `id`, nothing else. Any other key
/// fails the parse at once, so a flat meta costs one key's look.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wrapper<'a> {
    #[serde(default)]
    #[allow(dead_code)]
    id: Option<IgnoredAny>,
    #[serde(borrow)]
    meta: &'a RawValue,
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(de)?;
        // An item that is not an object still passes through; it just has no id.
        let keys: Keys = serde_json::from_str(raw.get()).unwrap_or_default();
        let id = keys.id.as_ref().and_then(Value::as_u64);
        let username = keys.username.and_then(|u| u.as_str().map(str::to_string));
        let named = keys.nsfw_level.map(RawValue::get);
        let level = keys
            .browsing_level
            .as_ref()
            .and_then(Value::as_u64)
            .or_else(|| named.and_then(level_of_name));
        let wrapped = keys.meta.is_some_and(is_wrapper);
        let raw = if wrapped {
            unwrap_meta(&raw).unwrap_or(raw)
        } else {
            raw
        };
        Ok(Item {
            raw,
            id,
            username,
            level,
        })
    }
}

/// The level bit of an `nsfwLevel` name as JSON text (`"None"` PG … `"X"`), doc/api.md.
fn level_of_name(name: &str) -> Option<u64> {
    Some(match name {
        "\"None\"" => 1,
        "\"Soft\"" => 2,
        "\"Mature\"" => 4,
        "\"X\"" => 8,
        _ => return None,
    })
}

/// Whether an item's `meta` is the legacy wrapper, around a flat meta or around none (`null`).
fn is_wrapper(meta: &RawValue) -> bool {
    if !meta.get().starts_with('{') {
        return false;
    }
    serde_json::from_str::<Wrapper>(meta.get()).is_ok_and(|w| {
        let inner = w.meta.get();
        inner.starts_with('{') || inner == "null"
    })
}

/// The item with its wrapped meta replaced by the flat one inside, other fields as they were:
/// `list` asks for `flatMeta=true`, and a server that ignores it still gives one shape.
fn unwrap_meta(raw: &RawValue) -> Option<Box<RawValue>> {
    let mut item: serde_json::Map<String, Value> = serde_json::from_str(raw.get()).ok()?;
    let inner = item.get_mut("meta")?.get_mut("meta")?.take();
    item.insert("meta".into(), inner);
    serde_json::value::to_raw_value(&item).ok()
}

impl Item {
    /// The intake of one item's JSON text (an `--input` line, say): the same reading as an
    /// item of an API page.
    pub fn from_text(text: &str) -> Result<Item, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// An item built here rather than received (a collection's, in the REST shape).
    pub fn from_value(value: &Value) -> Option<Item> {
        Item::from_text(&serde_json::to_string(value).ok()?).ok()
    }

    /// The ids in the item's `tags` (`[{"id": …}]`, sent with `withTags=true`); `None` when it
    /// has no such list.
    pub fn tag_ids(&self) -> Option<Vec<u64>> {
        #[derive(Deserialize)]
        struct Tags {
            tags: Option<Vec<TagRef>>,
        }
        #[derive(Deserialize)]
        struct TagRef {
            id: Option<u64>,
        }
        let tags = serde_json::from_str::<Tags>(self.raw.get()).ok()?.tags?;
        Some(tags.into_iter().filter_map(|t| t.id).collect())
    }

    /// The JSON text as the API sent it.
    pub fn raw(&self) -> &str {
        self.raw.get()
    }

    /// The whole item as a value tree, or what keeps it from being one (a nesting deeper than
    /// the JSON reader's limit), for a message naming the item when it is dropped.
    pub fn try_value(&self) -> Result<Value, String> {
        serde_json::from_str(self.raw.get()).map_err(|e| json_error(&e))
    }

    /// The whole item as a value tree, fields in the API's order.
    pub fn value(&self) -> Value {
        // The text is valid JSON already; only a nesting deeper than serde_json's limit
        // could fail here, and then the item reads as null.
        serde_json::from_str(self.raw.get()).unwrap_or(Value::Null)
    }
}

/// Levels of nesting the JSON reader follows (serde_json's limit). Real items nest a handful
/// of levels (a ComfyUI graph in `meta` about ten), so this covers them many times over; an item
/// deeper than that is dropped with this said.
pub const MAX_DEPTH: usize = 128;

/// A JSON reading error in words: the depth limit named as such.
pub fn json_error(e: &serde_json::Error) -> String {
    if e.to_string().contains("recursion limit") {
        format!("nested deeper than {MAX_DEPTH} levels, the most civimg reads")
    } else {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wrapper_is_unwrapped_and_everything_else_kept() {
        let read = |text: &str| Item::from_text(text).unwrap().raw().to_string();
        // The legacy path's shape, with or without its id, around a meta or around none.
        assert_eq!(
            read(r#"{"id":1,"meta":{"id":1,"meta":{"prompt":"a cat"}},"url":"u"}"#),
            r#"{"id":1,"meta":{"prompt":"a cat"},"url":"u"}"#
        );
        assert_eq!(
            read(r#"{"id":1,"meta":{"meta":{"seed":5}}}"#),
            r#"{"id":1,"meta":{"seed":5}}"#
        );
        assert_eq!(
            read(r#"{"id":1,"meta":{"id":1,"meta":null}}"#),
            r#"{"id":1,"meta":null}"#
        );
        // A flat meta that happens to hold a `meta` key is no wrapper: other keys beside it,
        // or an inner value that is no meta.
        for flat in [
            r#"{"id":2,"meta":{"prompt":"a dog","meta":{"x":1}}}"#,
            r#"{"id":2,"meta":{"id":2,"meta":{"x":1},"seed":3}}"#,
            r#"{"id":2,"meta":{"id":2,"meta":"text"}}"#,
            r#"{"id":2,"meta":{"id":2}}"#,
            r#"{"id":3,"meta":null}"#,
            r#"{"id": 4, "meta" : {"prompt" : "spaced"}}"#,
        ] {
            assert_eq!(read(flat), flat);
        }
    }

    #[test]
    fn an_input_line_and_a_page_item_read_alike() {
        let text =
            r#"{"id":7,"username":"bob","nsfwLevel":"Soft","meta":{"id":7,"meta":{"seed":1}}}"#;
        let page: crate::walk::api::Page =
            serde_json::from_str(&format!(r#"{{"items":[{text}]}}"#)).unwrap();
        let line = Item::from_text(text).unwrap();
        let listed = &page.items[0];
        assert_eq!(line.raw(), listed.raw());
        assert_eq!((line.id, line.level), (Some(7), Some(2)));
        assert_eq!(line.username.as_deref(), Some("bob"));
        let built = Item::from_value(&serde_json::from_str(text).unwrap()).unwrap();
        assert_eq!(built.raw(), line.raw());
    }
}
