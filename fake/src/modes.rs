//! Switches for behaviours of the real service that tests turn on one by one (doc/api.md, "Three
//! backends behind one endpoint"). All are off by default, so the fake's default stays the
//! simpler service the older tests were written against.

/// Which of the real service's newer behaviours the fake shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modes {
    /// The legacy database path as it really is: chosen by `imageId`, or `modelId` without
    /// `modelVersionId`; its numeric cursor is the id of the extra (limit+1)th row and the next
    /// page asks for `id < cursor` on descending sorts, so one image per page is lost (`Oldest`
    /// is right); engagement sorts fall back to newest-by-id; `Random` answers 400; an unknown
    /// `username` answers 404 "User not found".
    pub legacy: bool,
    /// The search path emits `offset|bdx:{json}` cursors, and a cursor whose JSON part is not
    /// byte for byte the one it sent silently restarts at offset 0 (doc/api.md, Response).
    pub bdx_cursors: bool,
    /// `flatMeta=true` forces the flat `meta` shape on every path.
    pub flat_meta: bool,
    /// `GET /api/v1/models/{id}` answers 404 for every model (a model hidden from the models
    /// endpoint while its images stay listed).
    pub no_models_api: bool,
}

impl Modes {
    /// Reads the `/__fake/mode` control parameters (`legacy=1&bdx_cursors=1…`); absent ones
    /// keep their current value.
    pub fn update(&mut self, param: impl Fn(&str) -> Option<String>) {
        let flag =
            |k: &str, cur: bool| param(k).map_or(cur, |v| matches!(v.as_str(), "1" | "true"));
        self.legacy = flag("legacy", self.legacy);
        self.bdx_cursors = flag("bdx_cursors", self.bdx_cursors);
        self.flat_meta = flag("flat_meta", self.flat_meta);
        self.no_models_api = flag("no_models_api", self.no_models_api);
    }
}
