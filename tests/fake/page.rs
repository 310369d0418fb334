//! One page of `GET /api/v1/images`: window, late filters, cursor and `nextPage` (API.md, Response).

use serde_json::Value;
use url::Url;

use super::dataset::Dataset;
use super::json::MetaMode;
use super::query::{custom, Query};

/// Why a page could not be produced.
pub enum PageError {
    /// 400 with these zod issues.
    Zod(Vec<Value>),
    /// 429: `page * limit > 1000` (API.md, `page`).
    PageCap,
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
pub fn render(ds: &Dataset, q: &Query, host: &str, repeat: bool) -> Result<Page, PageError> {
    if let Some(page) = q.page {
        if page.saturating_mul(q.limit as u64) > 1000 {
            return Err(PageError::PageCap);
        }
    }
    let list = ds.candidates(&q.key);
    let start = match (&q.cursor, q.page) {
        (Some(c), _) => {
            decode_cursor(ds, &list, c, q.numeric_path).map_err(|e| PageError::Zod(vec![e]))?
        }
        (None, Some(page)) => ((page - 1) as usize).saturating_mul(q.limit),
        (None, None) => 0,
    };
    let start = start.min(list.len());
    let end = start.saturating_add(q.limit).min(list.len());
    let mut body = String::with_capacity(64 + (end - start) * 1200);
    write_items(&mut body, ds, q, &list[start..end]);
    let next = match (&q.cursor, repeat) {
        (Some(c), true) => Some(cursor_pair(c.clone(), q.numeric_path)),
        _ if end < list.len() => {
            let e = &ds.entries[list[end] as usize];
            let raw = if q.numeric_path {
                e.id.to_string()
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

/// `{"items":[…],` — the window filtered by the late filters. The window is cut first, then
/// filtered: pages may be short or empty (API.md, "Pages are filtered after …").
fn write_items(body: &mut String, ds: &Dataset, q: &Query, window: &[u32]) {
    let mode = match (q.with_meta, q.numeric_path) {
        (false, _) => MetaMode::Off,
        (true, false) => MetaMode::Flat,
        (true, true) => MetaMode::Wrapped,
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

/// `"metadata":{…}}`: cursor, paging fields with `page`, `nextPage`; no total count (API.md).
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
/// id of the first item of the page on the numeric paths.
fn decode_cursor(ds: &Dataset, list: &[u32], cursor: &str, numeric: bool) -> Result<usize, Value> {
    let bad = || custom("cursor", "Invalid cursor");
    if numeric {
        let id: u64 = cursor.trim().parse().map_err(|_| bad())?;
        Ok(list
            .iter()
            .position(|&k| ds.entries[k as usize].id == id)
            .unwrap_or(list.len()))
    } else {
        let offset = cursor.split('|').next().unwrap_or("");
        offset.trim().parse().map_err(|_| bad())
    }
}

/// A cursor as (JSON text, raw text): a number on the numeric paths, else a string (API.md).
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
