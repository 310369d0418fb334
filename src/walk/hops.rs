//! Where redirects led. reqwest reports a failure after a redirect under the URL first asked
//! for; the redirect policy records each request's latest hop here, so that the message can
//! name the host that really failed.

use std::collections::HashMap;
use std::sync::Mutex;

use url::Url;

/// Most requests remembered; the map starts over past this (requests are short-lived).
const MAX_ENTRIES: usize = 4096;

/// The latest hop of each redirected request, by the URL first asked for.
static LATEST: Mutex<Option<HashMap<String, Url>>> = Mutex::new(None);

/// Records that the request for `first` is now redirected to `to`.
pub fn record(first: &Url, to: &Url) {
    let Ok(mut guard) = LATEST.lock() else { return };
    let map = guard.get_or_insert_with(HashMap::new);
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(first.to_string(), to.clone());
}

/// Forgets `first`'s hops, before a new request for it starts.
pub fn forget(first: &Url) {
    if let Ok(mut guard) = LATEST.lock() {
        if let Some(map) = guard.as_mut() {
            map.remove(first.as_str());
        }
    }
}

/// Where the request for `first` was last redirected to, if it was.
pub fn latest(first: &Url) -> Option<Url> {
    let guard = LATEST.lock().ok()?;
    guard.as_ref()?.get(first.as_str()).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_hop_is_kept_until_forgotten() {
        let first = Url::parse("http://a.test/x").unwrap();
        let second = Url::parse("http://b.test/y").unwrap();
        let third = Url::parse("http://c.test/z").unwrap();
        assert_eq!(latest(&first), None);
        record(&first, &second);
        record(&first, &third);
        assert_eq!(latest(&first), Some(third));
        forget(&first);
        assert_eq!(latest(&first), None);
    }
}
