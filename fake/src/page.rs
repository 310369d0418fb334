//! One page of `GET /api/v1/images`: window, late filters, cursor and `nextPage` (doc/api.md, Response).

use serde_json::Value;
use url::Url;

use super::dataset::Dataset;
use super::json::MetaMode;
use super::modes::Modes;
use super::query::{custom, Query, Sort};
use super::util::{iso_ms, NOW_MS};

/// Why a page could not be produced.
pub enum PageError {
    /// 400 with these zod issues.
    Zod(Vec<Value>),
    /// 429: `page * limit > 1000` (doc/api.md, `page`).
    PageCap,
    /// Another status with `{"error": message}` (the legacy path's 400 and 404).
    Plain(u16, &'static str),
    /// A status with `{"message": message}` (the reference's cursor refusals, errors.md).
    Message(u16, &'static str),
}

/// A rendered page.
pub struct Page {
    /// The JSON body.
    pub body: String,
    /// Whether `metadata.nextCursor` was emitted.
    pub has_next: bool,
}

/// What a request brings besides its query.
#[derive(Clone, Copy, Debug, Default)]
pub struct Serve {
    /// `nextCursor` echoes the request's own cursor (the `RepeatCursor` fault).
    pub repeat: bool,
    /// A first page of the search path answers by the old rules with an old-style cursor (the
    /// `OldCursor` fault, with the `feed_cursors` mode).
    pub old_cursor: bool,
    /// `feed:` cursors issued before this epoch have expired (`FakeCivitai::expire_cursors`).
    pub epoch: u64,
}

/// Where a request continues from.
enum Continue {
    /// The first page (or a `page`).
    First,
    /// An offset into the candidate list; `old`: an old-style cursor under `feed_cursors`, so
    /// the old rules apply (reference pagination.md).
    At { at: usize, old: bool },
}

/// Render the page `q` asks for. `host` is the request's Host header, for `nextPage`.
pub fn render(
    ds: &Dataset,
    q: &Query,
    host: &str,
    serve: Serve,
    modes: Modes,
) -> Result<Page, PageError> {
    if let Some(page) = q.page {
        if page.saturating_mul(q.limit as u64) > 1000 {
            return Err(PageError::PageCap);
        }
    }
    let legacy = modes.legacy && q.numeric_path;
    if legacy {
        check_legacy(q)?;
    }
    let feed = modes.feed_cursors && !q.numeric_path;
    let from = match &q.cursor {
        Some(c) if feed => feed_from(c, q, serve.epoch)?,
        Some(_) => Continue::At { at: 0, old: false },
        None => Continue::First,
    };
    let old_rules = match from {
        Continue::At { old, .. } => old,
        Continue::First => feed && serve.old_cursor,
    };
    // The reference's rules, except on the exception class and on an old cursor's walk.
    let new_rules = !q.exception && !old_rules;
    let mut key = legacy_key(q, legacy);
    key.public_only = modes.public_only && new_rules;
    let all_tags = modes.tags_all_of && new_rules;
    let list = ds.candidates(&key);
    // The reference honours `page` only on lookups (pagination.md); the cap above still holds.
    let page = q.page.filter(|_| !modes.page_ignored || q.key.is_lookup());
    let start = match (&q.cursor, page, from) {
        (Some(_), _, Continue::At { at, .. }) if feed => at,
        (Some(c), _, _) => {
            decode_cursor(ds, &list, c, q, modes).map_err(|e| PageError::Zod(vec![e]))?
        }
        (None, Some(page), _) => ((page - 1) as usize).saturating_mul(q.limit),
        (None, None, _) => 0,
    };
    let start = start.min(list.len());
    let end = start.saturating_add(q.limit).min(list.len());
    let mut body = String::with_capacity(64 + (end - start) * 1200);
    write_items(&mut body, ds, q, &list[start..end], (modes, all_tags));
    let next = match (&q.cursor, serve.repeat) {
        (Some(c), true) => Some(cursor_pair(c.clone(), q.numeric_path)),
        _ if end < list.len() => {
            let e = &ds.entries[list[end] as usize];
            let raw = if q.numeric_path {
                e.id.to_string()
            } else if feed && !old_rules {
                feed_cursor(end, q, serve.epoch)
            } else if modes.bdx_cursors && !feed {
                format!("{end}|{}", bdx(e.created_ms, e.id, q.key.sort))
            } else {
                format!("{end}|{}", e.created_ms)
            };
            Some(cursor_pair(raw, q.numeric_path))
        }
        _ => None,
    };
    write_metadata(&mut body, q, page, host, next.as_ref());
    Ok(Page {
        body,
        has_next: next.is_some(),
    })
}

/// The refusals of the reference's errors.md, as the API words them.
pub const CURSOR_FILTERS: &str = "This cursor cannot be continued with these filters";
/// An expired (or unreadable) `feed:` cursor.
pub const CURSOR_EXPIRED: &str = "This cursor can no longer be continued; start again without it";

/// Where a cursor continues under `feed_cursors`: a `feed:` cursor must come with exactly the
/// parameters it was issued for and from the current epoch; an old-style `offset|…` cursor is
/// still accepted and walks by the old rules.
fn feed_from(cursor: &str, q: &Query, epoch: u64) -> Result<Continue, PageError> {
    let Some(rest) = cursor.strip_prefix("feed:") else {
        let offset = cursor.split('|').next().unwrap_or("").trim();
        let at = offset
            .parse()
            .map_err(|_| PageError::Zod(vec![custom("cursor", "Invalid cursor")]))?;
        return Ok(Continue::At { at, old: true });
    };
    let expired = || PageError::Message(400, CURSOR_EXPIRED);
    let (issued, n) = rest.split_once(':').ok_or_else(expired)?;
    let issued: i64 = issued.parse().map_err(|_| expired())?;
    let n: u64 = n.parse().map_err(|_| expired())?;
    if issued != issued_at(epoch) {
        return Err(expired());
    }
    if n & FP_MASK != fingerprint(q) & FP_MASK {
        return Err(PageError::Message(400, CURSOR_FILTERS));
    }
    Ok(Continue::At {
        at: (n >> FP_BITS) as usize,
        old: false,
    })
}

/// Bits of a `feed:` cursor's number that hold the query's fingerprint (the rest: the offset).
const FP_BITS: u32 = 20;
const FP_MASK: u64 = (1 << FP_BITS) - 1;

/// `feed:{issued ms}:{offset and fingerprint}`: looks like the reference's
/// `feed:1744925337225:9173928`, and is refused with any other query.
fn feed_cursor(offset: usize, q: &Query, epoch: u64) -> String {
    let n = ((offset as u64) << FP_BITS) | (fingerprint(q) & FP_MASK);
    format!("feed:{}:{n}", issued_at(epoch))
}

/// The "issue time" of cursors of an epoch: a minute per epoch after the fake's now.
fn issued_at(epoch: u64) -> i64 {
    NOW_MS + 60_000 * epoch as i64
}

/// FNV-1a over the request's parameters but `cursor`, sorted: every parameter counts, `limit`
/// included (reference pagination.md: keep every other parameter the same).
fn fingerprint(q: &Query) -> u64 {
    let mut pairs: Vec<&(String, String)> = q.pairs.iter().filter(|(k, _)| k != "cursor").collect();
    pairs.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (k, v) in pairs {
        for b in k.bytes().chain([0]).chain(v.bytes()).chain([0]) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The legacy path's refusals (doc/api.md, "Legacy database path").
fn check_legacy(q: &Query) -> Result<(), PageError> {
    if q.key.sort == Sort::Random {
        return Err(PageError::Plain(400, "Random sort requires a collectionId"));
    }
    if q.unknown_user {
        return Err(PageError::Plain(404, "User not found"));
    }
    Ok(())
}

/// The legacy path orders by id: engagement sorts fall back to newest-by-id, `Oldest` is
/// ascending (generated ids grow with `createdAt`, so the precomputed orders serve).
fn legacy_key(q: &Query, legacy: bool) -> super::query::ListKey {
    let mut key = q.key.clone();
    if legacy && key.sort != Sort::Oldest {
        key.sort = Sort::Newest;
    }
    key
}

/// The JSON part of a newer search cursor: holds `{`, `"`, `:`, `,`, a space and a `+`, all of
/// which a client must percent-encode to send it back intact.
fn bdx(created_ms: i64, id: u64, sort: Sort) -> String {
    let at = iso_ms(created_ms).replace('Z', "+00:00");
    let name = Sort::NAMES[sort as usize];
    format!("bdx:{{\"sortAt\":\"{at}\",\"id\":{id},\"sort\":\"{name}\"}}")
}

/// `{"items":[…],` — the window filtered by the late filters. The window is cut first, then
/// filtered: pages may be short or empty (doc/api.md, "Pages are filtered after …").
fn write_items(
    body: &mut String,
    ds: &Dataset,
    q: &Query,
    window: &[u32],
    (modes, all_tags): (Modes, bool),
) {
    let flat = !q.numeric_path || (modes.flat_meta && q.flat_meta);
    let mode = match (q.with_meta, flat) {
        (false, _) => MetaMode::Off,
        (true, true) => MetaMode::Flat,
        (true, false) => MetaMode::Wrapped,
    };
    body.push_str("{\"items\":[");
    let mut first = true;
    for &k in window {
        let e = &ds.entries[k as usize];
        if q.keeps(e, all_tags) {
            if !first {
                body.push(',');
            }
            first = false;
            let extra = (q.with_tags, modes.thumbnails);
            ds.json_of(e).render(body, e.id, mode, extra);
        }
    }
    body.push_str("],");
}

/// `"metadata":{…}}`: cursor, paging fields with `page`, `nextPage`; no total count (doc/api.md).
fn write_metadata(
    body: &mut String,
    q: &Query,
    page: Option<u64>,
    host: &str,
    next: Option<&(String, String)>,
) {
    let mut fields = Vec::new();
    if let Some((json, _)) = next {
        fields.push(format!("\"nextCursor\":{json}"));
    }
    if let Some(page) = page {
        fields.push(format!("\"currentPage\":{page},\"pageSize\":{}", q.limit));
    }
    if let Some((_, raw)) = next {
        let url = next_page(host, &q.pairs, raw);
        fields.push(format!("\"nextPage\":{}", Value::String(url)));
    }
    body.push_str("\"metadata\":{");
    body.push_str(&fields.join(","));
    body.push_str("}}");
}

/// Where the window starts for a cursor: an offset (`"offset|sortAtMs"`) on the normal path, the
/// id of the first item of the page on the numeric paths. On the real legacy path the cursor is
/// the id of the extra row and descending sorts ask for `id < cursor`, skipping that row.
/// With bdx cursors a cursor that is not exactly the one sent restarts at 0, silently.
fn decode_cursor(
    ds: &Dataset,
    list: &[u32],
    cursor: &str,
    q: &Query,
    modes: Modes,
) -> Result<usize, Value> {
    let bad = || custom("cursor", "Invalid cursor");
    if q.numeric_path {
        let id: u64 = cursor.trim().parse().map_err(|_| bad())?;
        let at = list.iter().position(|&k| ds.entries[k as usize].id == id);
        let skip = usize::from(modes.legacy && q.key.sort != Sort::Oldest);
        Ok(at.map_or(list.len(), |p| p + skip))
    } else if modes.bdx_cursors {
        let (offset, rest) = cursor.split_once('|').unwrap_or((cursor, ""));
        let offset: usize = offset.trim().parse().map_err(|_| bad())?;
        let sent = list.get(offset).map(|&k| {
            let e = &ds.entries[k as usize];
            bdx(e.created_ms, e.id, q.key.sort)
        });
        Ok(if sent.as_deref() == Some(rest) {
            offset
        } else {
            0
        })
    } else {
        let offset = cursor.split('|').next().unwrap_or("");
        offset.trim().parse().map_err(|_| bad())
    }
}

/// A cursor as (JSON text, raw text): a number on the numeric paths, else a string (doc/api.md).
fn cursor_pair(raw: String, numeric: bool) -> (String, String) {
    match raw.parse::<u64>() {
        Ok(n) if numeric => (n.to_string(), raw),
        _ => (Value::String(raw.clone()).to_string(), raw),
    }
}

/// `nextPage`: same host, every original parameter in order (a `token` too), the new cursor last.
pub fn next_page(host: &str, pairs: &[(String, String)], cursor: &str) -> String {
    let mut url = Url::parse(&format!("http://{host}/api/v1/images"))
        .unwrap_or_else(|_| Url::parse("http://127.0.0.1/api/v1/images").expect("static url"));
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs.iter().filter(|(k, _)| k != "cursor") {
            q.append_pair(k, v);
        }
        q.append_pair("cursor", cursor);
    }
    url.to_string()
}
