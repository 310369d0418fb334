//! The item: one image as the API described it, whatever brought it in (a page of the API, a
//! collection's page, an `--input` line), and the one intake every source goes through.
//!
//! The intake keeps the text as it came and reads the few keys a run needs (`id`, `username`,
//! the level). It is also the one place that knows the legacy path's `{"id": …, "meta": {…}}`
//! wrapper (doc/api.md, "Three backends"): an item's `meta` is flat (or null) once it is an
//! [`Item`], so field lookup, names and the meta readers never look for the wrapper again.

pub mod fields;
pub mod scan;
mod top;

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
    raw: Box<str>,
    /// The numeric `id`, if any.
    pub id: Option<u64>,
    /// The `username`, if any.
    pub username: Option<String>,
    /// The browsing level bit (PG=1 … XXX=16), from `browsingLevel` or `nsfwLevel`, if any.
    pub level: Option<u64>,
}

/// The few keys a run reads from every item, found in one pass over its top level.
#[derive(Debug, Default, PartialEq)]
struct Keys<'a> {
    id: Option<u64>,
    username: Option<String>,
    level: Option<u64>,
    /// The text of `meta`, when it is not `null`.
    meta: Option<&'a str>,
}

impl<'a> Keys<'a> {
    /// The keys of an item's text (JSON already checked). The top level is walked once
    /// ([`top::entries`]); the rare shapes that walk leaves to serde_json (see [`Keys::walked`])
    /// are read the way they always were, so both give the same answer for every text.
    fn of(text: &'a str) -> Keys<'a> {
        Keys::walked(text).unwrap_or_else(|| Keys::by_serde(text))
    }

    /// The keys from one walk over the top level; `None` when the text is no object, a key is
    /// written with escapes, or `id`, `username` or `browsingLevel` holds an array or object:
    /// serde_json reads those shapes in ways only it knows exactly (an array as a struct's
    /// fields in order, its nesting limit inside a value).
    fn walked(text: &'a str) -> Option<Keys<'a>> {
        let entries: Vec<_> = top::entries(text)?.collect();
        if entries.iter().any(|(key, _)| key.contains('\\')) {
            return None;
        }
        Keys::from_entries(entries.into_iter())
    }

    /// The keys from an object's top-level entries (key as written, none with escapes; value's
    /// text); `None` as for [`Keys::walked`].
    fn from_entries(entries: impl Iterator<Item = (&'a str, &'a str)>) -> Option<Keys<'a>> {
        let mut found: [Option<&str>; 5] = [None; 5];
        for (key, value) in entries {
            let Some(slot) = KEYS.iter().position(|k| *k == key) else {
                continue;
            };
            if slot < 3 && matches!(value.as_bytes().first(), Some(b'[' | b'{')) {
                return None;
            }
            if found[slot].replace(value).is_some() {
                // serde_json refuses a duplicate field, and the intake took that as no keys.
                return Some(Keys::default());
            }
        }
        let [id, username, browsing_level, nsfw_level, meta] =
            found.map(|v| v.filter(|v| *v != "null"));
        let username = match username {
            Some(u) if top::is_string(u) && !u.contains('\\') => {
                Some(u[1..u.len() - 1].to_string())
            }
            Some(u) if top::is_string(u) => Some(serde_json::from_str(u).ok()?),
            _ => None,
        };
        Some(Keys {
            id: id.and_then(whole_number),
            username,
            level: browsing_level
                .and_then(whole_number)
                .or_else(|| nsfw_level.and_then(level_of_name)),
            meta,
        })
    }

    /// The keys as serde_json reads them into a struct; no keys at all when it refuses the
    /// text (a duplicate field, a value nested past its limit).
    fn by_serde(text: &'a str) -> Keys<'a> {
        #[derive(Default, Deserialize)]
        struct Fields<'a> {
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
        let fields: Fields = serde_json::from_str(text).unwrap_or_default();
        let named = fields.nsfw_level.map(RawValue::get);
        Keys {
            id: fields.id.as_ref().and_then(Value::as_u64),
            username: fields.username.and_then(|u| u.as_str().map(str::to_string)),
            level: fields
                .browsing_level
                .as_ref()
                .and_then(Value::as_u64)
                .or_else(|| named.and_then(level_of_name)),
            meta: fields.meta.map(RawValue::get),
        }
    }
}

/// The keys [`Keys::walked`] looks for, in the order of its slots.
const KEYS: [&str; 5] = ["id", "username", "browsingLevel", "nsfwLevel", "meta"];

/// A number's text as `u64` when it is one (what `Value::as_u64` gives): digits only and in
/// range; a sign, a fraction or an exponent make it none.
fn whole_number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
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
        Ok(Item::with_keys(raw.get(), Keys::of(raw.get())))
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
fn is_wrapper(meta: &str) -> bool {
    if !meta.starts_with('{') {
        return false;
    }
    let mut found: [Option<&str>; 2] = [None; 2];
    for (key, value) in top::entries(meta).into_iter().flatten() {
        let slot = match key {
            "id" => 0,
            "meta" => 1,
            // serde_json matches keys unescaped: it decides.
            _ if key.contains('\\') => return is_wrapper_by_serde(meta),
            // Any other key: a flat meta (the first key of one, mostly).
            _ => return false,
        };
        if found[slot].replace(value).is_some() {
            return false;
        }
    }
    found[1].is_some_and(|inner| inner.starts_with('{') || inner == "null")
}

/// [`is_wrapper`] as serde_json reads the wrapper's shape.
fn is_wrapper_by_serde(meta: &str) -> bool {
    serde_json::from_str::<Wrapper>(meta).is_ok_and(|w| {
        let inner = w.meta.get();
        inner.starts_with('{') || inner == "null"
    })
}

/// The item with its wrapped meta replaced by the flat one inside, other fields as they were:
/// `list` asks for `flatMeta=true`, and a server that ignores it still gives one shape.
fn unwrap_meta(raw: &str) -> Option<Box<str>> {
    let mut item: serde_json::Map<String, Value> = serde_json::from_str(raw).ok()?;
    let inner = item.get_mut("meta")?.get_mut("meta")?.take();
    item.insert("meta".into(), inner);
    Some(serde_json::to_string(&item).ok()?.into_boxed_str())
}

impl Item {
    /// The intake of one item's JSON text (an `--input` line, say): the same reading as an
    /// item of an API page.
    pub fn from_text(text: &str) -> Result<Item, serde_json::Error> {
        match scan::item(text) {
            Some(item) => Ok(item),
            None => serde_json::from_str(text),
        }
    }

    /// The intake of an item's text that [`scan`] has checked, with its top-level entries
    /// when it is an object.
    fn from_checked(text: &str, entries: Option<&[(&str, &str)]>) -> Item {
        let keys = entries
            .and_then(|e| Keys::from_entries(e.iter().copied()))
            .unwrap_or_else(|| Keys::by_serde(text));
        Item::with_keys(text, keys)
    }

    /// The item of this text and its keys: the wrapper unwrapped, if it is one.
    fn with_keys(text: &str, keys: Keys) -> Item {
        let raw = match keys.meta.is_some_and(is_wrapper) {
            true => unwrap_meta(text).unwrap_or_else(|| text.into()),
            false => text.into(),
        };
        Item {
            raw,
            id: keys.id,
            username: keys.username,
            level: keys.level,
        }
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
        let tags = serde_json::from_str::<Tags>(&self.raw).ok()?.tags?;
        Some(tags.into_iter().filter_map(|t| t.id).collect())
    }

    /// The JSON text as the API sent it.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The whole item as a value tree, or what keeps it from being one (a nesting deeper than
    /// the JSON reader's limit), for a message naming the item when it is dropped.
    pub fn try_value(&self) -> Result<Value, String> {
        serde_json::from_str(&self.raw).map_err(|e| json_error(&e))
    }

    /// The whole item as a value tree, fields in the API's order.
    pub fn value(&self) -> Value {
        // The text is valid JSON already; only a nesting deeper than serde_json's limit
        // could fail here, and then the item reads as null.
        serde_json::from_str(&self.raw).unwrap_or(Value::Null)
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
    fn the_keys_read_as_serde_json_reads_them() {
        let keys = |text: &str| {
            let item = Item::from_text(text).unwrap();
            (item.id, item.username, item.level)
        };
        let some = |id, user: &str, level| (id, Some(user.to_string()), level);
        assert_eq!(
            keys(r#"{"id":5,"username":"bob","browsingLevel":4,"nsfwLevel":"X"}"#),
            some(Some(5), "bob", Some(4))
        );
        // Only whole numbers in range are ids; the level's name serves when its bit is none.
        for id in [
            r#""5""#,
            "5.0",
            "1e2",
            "-5",
            "-0",
            "18446744073709551616",
            "true",
        ] {
            let text = format!(r#"{{"id":{id},"browsingLevel":"4","nsfwLevel":"Soft"}}"#);
            assert_eq!(keys(&text), (None, None, Some(2)), "{text}");
        }
        assert_eq!(keys(r#"{"id":18446744073709551615}"#).0, Some(u64::MAX));
        // Escapes: in a name, and in a key (serde_json matches a key once unescaped).
        assert_eq!(
            keys(r#"{"username":"b\u00f6b\"","\u0069d":7}"#),
            some(Some(7), "b\u{f6}b\"", None)
        );
        // A duplicate field makes serde_json refuse the struct: no keys at all.
        for text in [
            r#"{"id":1,"username":"a","id":2}"#,
            r#"{"id":null,"id":2}"#,
            r#"{"id":1,"meta":null,"meta":{}}"#,
            r#"{"id":1,"\u0069d":2}"#,
        ] {
            assert_eq!(keys(text), (None, None, None), "{text}");
        }
        // Not an object: serde_json reads an array as the fields in order; anything else is none.
        assert_eq!(keys(r#"[7,"al",2]"#), some(Some(7), "al", Some(2)));
        for text in ["7", r#""x""#, "null", "[]"] {
            assert_eq!(keys(text), (None, None, None), "{text}");
        }
        // A container where a number or a name belongs.
        assert_eq!(
            keys(r#"{"id":[1],"username":{"a":1},"browsingLevel":8}"#).2,
            Some(8)
        );
    }

    #[test]
    fn one_walk_reads_what_serde_json_reads_on_thousands_of_items() {
        let mut rng = fastrand::Rng::with_seed(19);
        let mut walked = 0;
        for _ in 0..5000 {
            let text = super::scan::tests::generated_item(&mut rng);
            assert!(serde_json::from_str::<Value>(&text).is_ok(), "{text}");
            if let Some(keys) = Keys::walked(&text) {
                walked += 1;
                assert_eq!(keys, Keys::by_serde(&text), "{text}");
            }
        }
        // Most shapes are read by the walk, not left to serde_json.
        assert!(walked > 2000, "{walked}");
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
