//! One page of `GET /api/v1/images`: window, late filters, cursor and `nextPage` (doc/api.md, Response).

use serde_json::Value;
use url::Url;

use super::dataset::Dataset;
use super::json::MetaMode;
use super::modes::Modes;
use super::query::{custom, Query, Sort};
use super::util::iso_ms;

/// Why a page could not be produced.
pub enum PageError {
    /// 400 with these zod issues.
    Zod(Vec<Value>),
    /// 429: `page * limit > 1000` (doc/api.md, `page`).
    PageCap,
    /// Another status with `{"error": message}` (the legacy path's 400 and 404).
    Plain(u16, &'static str),
}

/// A rendered page.
pub struct Page {
    /// The JSON body.
    pub body: String,
    /// Whether `metadata.nextCursor` was emitted.
    pub has_next: bool,
}

/// Render the page `q` asks for. `host` is the request's Host header, for `nextPage`.
/// `repeat` makes `nextCursor` echo the request's own cursor (the `RepeatCursor` fault).
pub fn render(
    ds: &Dataset,
    q: &Query,
    host: &str,
    repeat: bool,
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
    let list = ds.candidates(&legacy_key(q, legacy));
    let start = match (&q.cursor, q.page) {
        (Some(c), _) => {
            decode_cursor(ds, &list, c, q, modes).map_err(|e| PageError::Zod(vec![e]))?
        }
        (None, Some(page)) => ((page - 1) as usize).saturating_mul(q.limit),
        (None, None) => 0,
    };
    let start = start.min(list.len());
    let end = start.saturating_add(q.limit).min(list.len());
    let mut body = String::with_capacity(64 + (end - start) * 1200);
    write_items(&mut body, ds, q, &list[start..end], modes);
    let next = match (&q.cursor, repeat) {
        (Some(c), true) => Some(cursor_pair(c.clone(), q.numeric_path)),
        _ if end < list.len() => {
            let e = &ds.entries[list[end] as usize];
            let raw = if q.numeric_path {
                e.id.to_string()
            } else if modes.bdx_cursors {
                format!("{end}|{}", bdx(e.created_ms, e.id, q.key.sort))
            } else {
                format!("{end}|{}", e.created_ms)
            };
            Some(cursor_pair(raw, q.numeric_path))
        }
        _ => None,
    };
    write_metadata(&mut body, q, host, next.as_ref());
    Ok(Page {
        body,
        has_next: next.is_some(),
    })
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
fn write_items(body: &mut String, ds: &Dataset, q: &Query, window: &[u32], modes: Modes) {
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
        if q.keeps(e) {
            if !first {
                body.push(',');
            }
            first = false;
            ds.json_of(e).render(body, e.id, mode, q.with_tags);
        }
    }
    body.push_str("],");
}

/// `"metadata":{…}}`: cursor, paging fields with `page`, `nextPage`; no total count (doc/api.md).
fn write_metadata(body: &mut String, q: &Query, host: &str, next: Option<&(String, String)>) {
    let mut fields = Vec::new();
    if let Some((json, _)) = next {
        fields.push(format!("\"nextCursor\":{json}"));
    }
    if let Some(page) = q.page {
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
