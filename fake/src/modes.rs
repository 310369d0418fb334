//! Switches for behaviours of the real service that tests turn on one by one (doc/api.md, "Three
//! backends behind one endpoint" and "The official reference"). All are off by default, so the
//! fake's default stays the simpler service the older tests were written against.

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
    /// Public-only listing (reference images.md, "Which images are listed"): images in unlisted
    /// and early-access posts, and of unpublished model versions, appear only on the exception
    /// class (`postId`, `imageId`, `modelId` without `modelVersionId`, `sort=Random`,
    /// `limit=0`); `GET /api/v1/models/{id}` lists only published versions.
    pub public_only: bool,
    /// `tags` with several ids means all of them on the feed path; any of them on the exception
    /// class and on a walk continuing an old-style cursor (reference images.md, `tags`).
    pub tags_all_of: bool,
    /// `page` is honoured only by `imageId` and `modelId`-without-`modelVersionId` lookups;
    /// elsewhere the first page comes back (reference pagination.md). The 429 page cap stays.
    pub page_ignored: bool,
    /// `limit` defaults to 50 instead of 100 (reference images.md).
    pub default_limit_50: bool,
    /// The search path hands out `feed:{ms}:{n}` cursors tied to the query they came from: sent
    /// with any other parameter (limit included) they answer 400 `{"message": …}`, and so do
    /// expired ones (`FakeCivitai::expire_cursors`). An old-style `offset|ms` cursor is still
    /// accepted and continues by the old rules (hidden posts included, any-of tags, old-style
    /// cursors); the `OldCursor` fault makes a first page hand one out (reference
    /// pagination.md, errors.md).
    pub feed_cursors: bool,
    /// Anonymous callers (no `Authorization: Bearer …`) get PG only, whatever they ask for; a
    /// Bearer key gets the levels asked for (reference images.md, "Auth").
    pub anon_pg: bool,
    /// `username` is slugified (ASCII letters, digits and `_` kept, the rest dropped) instead of
    /// refused with a 400 (reference images.md: "auto-slugified"; the rule is the fake's guess).
    pub slug_usernames: bool,
    /// The site's tRPC answers 401 UNAUTHORIZED to collection requests without a Bearer key
    /// (reference collections.md: collections belong to accounts).
    pub collections_need_key: bool,
    /// Items carry `thumbnail`: `{url, width, height}` on videos, `null` elsewhere (reference
    /// images.md, item fields).
    pub thumbnails: bool,
    /// Originals carry no generation text (PNG chunks, EXIF), as many real uploads are
    /// stripped; `meta` in the API is unchanged. For `download --embed-meta`.
    pub bare_originals: bool,
}

/// Every switch off (the default), usable in constants.
pub const OFF: Modes = Modes {
    legacy: false,
    bdx_cursors: false,
    flat_meta: false,
    no_models_api: false,
    public_only: false,
    tags_all_of: false,
    page_ignored: false,
    default_limit_50: false,
    feed_cursors: false,
    anon_pg: false,
    slug_usernames: false,
    collections_need_key: false,
    thumbnails: false,
    bare_originals: false,
};

impl Modes {
    /// The official reference's listing rules on; the older quirks (`legacy`, `bdx_cursors`,
    /// `flat_meta`, `no_models_api`), `anon_pg` and `collections_need_key` off.
    pub fn reference() -> Modes {
        Modes {
            public_only: true,
            tags_all_of: true,
            page_ignored: true,
            default_limit_50: true,
            feed_cursors: true,
            slug_usernames: true,
            thumbnails: true,
            ..Modes::default()
        }
    }

    /// Reads the `/__fake/mode` control parameters (`legacy=1&bdx_cursors=1…`, or
    /// `reference=1` for [`Modes::reference`] first); absent ones keep their current value.
    pub fn update(&mut self, param: impl Fn(&str) -> Option<String>) {
        let on = |v: String| matches!(v.as_str(), "1" | "true");
        if param("reference").is_some_and(on) {
            *self = Modes {
                legacy: self.legacy,
                bdx_cursors: self.bdx_cursors,
                flat_meta: self.flat_meta,
                no_models_api: self.no_models_api,
                anon_pg: self.anon_pg,
                collections_need_key: self.collections_need_key,
                ..Modes::reference()
            };
        }
        let flag = |k: &str, cur: bool| param(k).map_or(cur, on);
        self.legacy = flag("legacy", self.legacy);
        self.bdx_cursors = flag("bdx_cursors", self.bdx_cursors);
        self.flat_meta = flag("flat_meta", self.flat_meta);
        self.no_models_api = flag("no_models_api", self.no_models_api);
        self.public_only = flag("public_only", self.public_only);
        self.tags_all_of = flag("tags_all_of", self.tags_all_of);
        self.page_ignored = flag("page_ignored", self.page_ignored);
        self.default_limit_50 = flag("default_limit_50", self.default_limit_50);
        self.feed_cursors = flag("feed_cursors", self.feed_cursors);
        self.anon_pg = flag("anon_pg", self.anon_pg);
        self.slug_usernames = flag("slug_usernames", self.slug_usernames);
        self.collections_need_key = flag("collections_need_key", self.collections_need_key);
        self.thumbnails = flag("thumbnails", self.thumbnails);
        self.bare_originals = flag("bare_originals", self.bare_originals);
    }
}
