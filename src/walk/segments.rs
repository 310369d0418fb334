//! The stretches a walk is made of: one per target (a model is one, merged in `walk::model`), and the resume
//! cursors that name where in them a stopped walk picks up again.
//!
//! A walk over one plain target prints and takes the API's cursor as it is. A walk over several
//! targets, or over a model's versions, names the stretch too: `{key}@{cursor}`, where the key
//! is the stretch's own parameters (`username=bob&modelVersionId=12`). The API's cursors start
//! with a digit, so the two forms cannot be confused.

use std::collections::VecDeque;

use crate::walk::query::{param_in, ImageQuery, Target};

/// How a stretch gets its pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `GET /api/v1/images`; `legacy` when the API answers it from its database path
    /// (`imageId`, or `modelId` without a version: doc/api.md, "Three backends").
    Rest { legacy: bool },
    /// A model, walked as one merged list of its versions (`walk::model`).
    Model(u64),
    /// A collection, over the site's tRPC.
    Collection(u64),
}

/// One stretch of a walk.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Index of its target in the query.
    pub target: usize,
    /// Its own parameters, added to the query's common ones.
    pub params: Vec<(&'static str, String)>,
    /// Where its pages come from.
    pub kind: Kind,
}

impl Segment {
    /// The stretches of a query, in walking order (models still unexpanded).
    pub fn plan(query: &ImageQuery) -> VecDeque<Segment> {
        query
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| Segment::of_target(i, t))
            .collect()
    }

    fn of_target(target: usize, t: &Target) -> Segment {
        let kind = match (t.model, t.collection) {
            (_, Some(c)) => Kind::Collection(c),
            (Some(m), None) => Kind::Model(m),
            (None, None) => Kind::Rest {
                legacy: t.is_legacy(),
            },
        };
        Segment {
            target,
            params: t.params.clone(),
            kind,
        }
    }

    /// The value of one of its parameters.
    pub fn param(&self, key: &str) -> Option<&str> {
        param_in(&self.params, key)
    }

    /// Its name inside a resume cursor.
    pub fn key(&self) -> String {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.params {
            ser.append_pair(k, v);
        }
        match &self.kind {
            Kind::Model(m) => {
                ser.append_pair("modelId", &m.to_string());
            }
            Kind::Collection(c) => {
                ser.append_pair("collectionId", &c.to_string());
            }
            Kind::Rest { .. } => {}
        }
        ser.finish()
    }
}

/// A `--cursor` split into the stretch it names (if any) and the API's cursor (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resume {
    /// The stretch's key; `None` for a bare API cursor (the first stretch's).
    pub key: Option<String>,
    /// The API's cursor inside that stretch; `None` to start it from its beginning.
    pub cursor: Option<String>,
}

impl Resume {
    /// Reads `--cursor`: `key@cursor`, or a bare API cursor.
    pub fn parse(text: &str) -> Resume {
        if let Some((key, cursor)) = text.split_once('@') {
            let keyish = key.contains('=')
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"=&%+._-".contains(&b));
            if keyish {
                return Resume {
                    key: Some(key.to_string()),
                    cursor: (!cursor.is_empty()).then(|| cursor.to_string()),
                };
            }
        }
        Resume {
            key: None,
            cursor: Some(text.to_string()),
        }
    }

    /// The `--cursor` text for a walk stopped in `segment` at `cursor`; `named` when the walk
    /// has more than one stretch. `None` when a plain walk can only start over.
    pub fn format(segment: &Segment, cursor: Option<&str>, named: bool) -> Option<String> {
        if named {
            Some(format!("{}@{}", segment.key(), cursor.unwrap_or("")))
        } else {
            cursor.map(str::to_string)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_cursors_round_trip() {
        let seg = Segment {
            target: 0,
            params: vec![("username", "bob".into()), ("modelVersionId", "12".into())],
            kind: Kind::Rest { legacy: false },
        };
        let text = Resume::format(&seg, Some("100|bdx:{\"a\":1}"), true).unwrap();
        assert_eq!(text, "username=bob&modelVersionId=12@100|bdx:{\"a\":1}");
        let r = Resume::parse(&text);
        assert_eq!(r.key.as_deref(), Some("username=bob&modelVersionId=12"));
        assert_eq!(r.cursor.as_deref(), Some("100|bdx:{\"a\":1}"));
        // API cursors pass through untouched, even one holding an @.
        let r = Resume::parse("100|bdx:{\"u\":\"a@b\"}");
        assert_eq!(
            (r.key, r.cursor.as_deref()),
            (None, Some("100|bdx:{\"u\":\"a@b\"}"))
        );
        assert_eq!(Resume::format(&seg, None, false), None);
    }

    #[test]
    fn a_model_is_named_by_its_id() {
        let model = Segment {
            target: 0,
            params: vec![("username", "bob".into())],
            kind: Kind::Model(7),
        };
        assert_eq!(model.key(), "username=bob&modelId=7");
    }
}
