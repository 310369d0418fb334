//! Pre-serialised item JSON, so a page of 200 items is string concatenation, not a tree build.

use serde_json::{Map, Value};

/// How `meta` is emitted (doc/api.md, "`meta` comes in three shapes").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetaMode {
    /// Without `withMeta=true`: always null.
    Off,
    /// The flat object.
    Flat,
    /// `{"id": <image id>, "meta": {…}}` on the imageId and modelId-only paths.
    Wrapped,
}

/// An item as JSON text, split around `meta` and with `tags` kept aside for `withTags`.
pub struct ItemJson {
    /// Fields before `meta`, serialised, without braces.
    pre: String,
    /// `None`: no `meta` key at all; `Some(None)`: `"meta": null`; else the object's text.
    meta: Option<Option<String>>,
    /// Fields after `meta`.
    post: String,
    /// `[{"id":…,"name":…}]`.
    tags: String,
    /// `{"url":…,"width":…,"height":…}` or `null`, emitted with the `thumbnails` mode; `None`
    /// for a hand-added item that has its own `thumbnail` (emitted as given) .
    thumbnail: Option<String>,
}

/// A serialised object without its braces: `"a":1,"b":2`.
fn inner(map: Map<String, Value>) -> String {
    let s = Value::Object(map).to_string();
    s[1..s.len() - 1].to_string()
}

impl ItemJson {
    /// From the fields before and after `meta` (`meta: None` means the item has no `meta` key).
    pub fn new(
        pre: Map<String, Value>,
        meta: Option<Option<&Value>>,
        post: Map<String, Value>,
        tags: Value,
        thumbnail: Option<Value>,
    ) -> ItemJson {
        ItemJson {
            pre: inner(pre),
            meta: meta.map(|m| m.filter(|v| !v.is_null()).map(Value::to_string)),
            post: inner(post),
            tags: tags.to_string(),
            thumbnail: thumbnail.map(|t| t.to_string()),
        }
    }

    /// From a whole object (a hand-added item), keeping its key order.
    pub fn from_map(map: Map<String, Value>, tags: Value) -> ItemJson {
        let own_thumbnail = map.contains_key("thumbnail");
        let (mut pre, mut post, mut meta) = (Map::new(), Map::new(), None);
        for (k, v) in map {
            if k == "meta" {
                meta = Some(v);
            } else if meta.is_none() {
                pre.insert(k, v);
            } else {
                post.insert(k, v);
            }
        }
        let thumbnail = (!own_thumbnail).then_some(Value::Null);
        ItemJson::new(pre, meta.as_ref().map(Some), post, tags, thumbnail)
    }

    /// Append the item's JSON to `out`, with `tags` and `thumbnail` when asked for.
    pub fn render(
        &self,
        out: &mut String,
        id: u64,
        mode: MetaMode,
        (with_tags, thumbnails): (bool, bool),
    ) {
        out.push('{');
        out.push_str(&self.pre);
        let mut empty = self.pre.is_empty();
        let mut field = |out: &mut String, text: &str| {
            if !empty {
                out.push(',');
            }
            empty = false;
            out.push_str(text);
        };
        if let Some(meta) = &self.meta {
            let text = match (mode, meta) {
                (MetaMode::Off, _) | (_, None) => "\"meta\":null".to_string(),
                (MetaMode::Flat, Some(m)) => format!("\"meta\":{m}"),
                (MetaMode::Wrapped, Some(m)) => format!("\"meta\":{{\"id\":{id},\"meta\":{m}}}"),
            };
            field(out, &text);
        }
        if !self.post.is_empty() {
            field(out, &self.post);
        }
        if let Some(thumbnail) = self.thumbnail.as_ref().filter(|_| thumbnails) {
            field(out, &format!("\"thumbnail\":{thumbnail}"));
        }
        if with_tags {
            field(out, &format!("\"tags\":{}", self.tags));
        }
        out.push('}');
    }
}
