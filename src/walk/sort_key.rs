//! The order a merged walk hands items out in, and the key it reads from each item for it
//! (`createdAt`, or a count from `stats`).
//!
//! The API sorts each of a model's versions on its own; a model walk merges them (issue 16,
//! "One order per walk") on the same key the API sorts by, with the id as the tie-break.

use std::cmp::Ordering;

use serde::Deserialize;

use crate::item::Item;
use crate::values::Sort;
use crate::walk::window::parse_rfc3339;

/// How a merged walk orders its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `createdAt`, later first (`--sort newest`, and `random`, which the API reads as newest).
    Newest,
    /// `createdAt`, earlier first.
    Oldest,
    /// like + heart + laugh + cry from `stats`, more first (`Most Reactions`, the API's default).
    Reactions,
    /// `stats.commentCount`, more first.
    Comments,
    /// No key the items carry (`Most Collected`: the API sends no collect count): each stream
    /// in turn, in the order the streams were given.
    Sequential,
}

/// Where an item stands in an [`Order`]: the value read from it and its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// Milliseconds since the epoch, a count, or the stream's rank ([`Order::Sequential`]).
    pub value: i64,
    /// The item's id (0 when it has none).
    pub id: u64,
}

impl Order {
    /// The order of a `--sort` (none: the API's default, Most Reactions).
    pub fn of(sort: Option<Sort>) -> Order {
        match sort {
            Some(Sort::Newest | Sort::Random) => Order::Newest,
            Some(Sort::Oldest) => Order::Oldest,
            None | Some(Sort::MostReactions) => Order::Reactions,
            Some(Sort::MostComments) => Order::Comments,
            Some(Sort::MostCollected) => Order::Sequential,
        }
    }

    /// The value this order reads from an item; `None` when the item has no readable
    /// `createdAt` (the caller decides where such an item goes). An item without `stats` counts
    /// 0, as the API sorts it; [`Order::Sequential`] reads nothing (0).
    pub fn read(self, item: &Item) -> Option<i64> {
        let fields: Fields = serde_json::from_str(item.raw()).unwrap_or_default();
        let stats = fields.stats.unwrap_or_default();
        let count = |n: Option<u64>| n.unwrap_or(0).min(i64::MAX as u64) as i64;
        match self {
            Order::Newest | Order::Oldest => parse_rfc3339(fields.created_at?),
            Order::Reactions => Some(
                [
                    stats.like_count,
                    stats.heart_count,
                    stats.laugh_count,
                    stats.cry_count,
                ]
                .into_iter()
                .map(count)
                .fold(0i64, i64::saturating_add),
            ),
            Order::Comments => Some(count(stats.comment_count)),
            Order::Sequential => Some(0),
        }
    }

    /// Whether `a` comes before `b` (`Less`), after them, or ties (same value and id).
    pub fn cmp(self, a: &Key, b: &Key) -> Ordering {
        let ascending = (a.value, a.id).cmp(&(b.value, b.id));
        match self {
            Order::Oldest | Order::Sequential => ascending,
            Order::Newest | Order::Reactions | Order::Comments => ascending.reverse(),
        }
    }
}

/// The fields an order reads; anything else in the item is skipped, not built. A field of
/// an unexpected type leaves the whole item without a key (the caller's fallback applies).
#[derive(Default, Deserialize)]
struct Fields<'a> {
    #[serde(rename = "createdAt", borrow, default)]
    created_at: Option<&'a str>,
    #[serde(default)]
    stats: Option<Stats>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stats {
    like_count: Option<u64>,
    heart_count: Option<u64>,
    laugh_count: Option<u64>,
    cry_count: Option<u64>,
    comment_count: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(text: &str) -> Item {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn keys_come_from_created_at_and_stats() {
        let it = item(
            r#"{"id":5,"createdAt":"2026-01-02T00:00:00.000Z",
            "stats":{"likeCount":3,"heartCount":2,"laughCount":1,"cryCount":1,"dislikeCount":9,"commentCount":4}}"#,
        );
        assert_eq!(Order::Newest.read(&it), Some(1_767_312_000_000));
        assert_eq!(Order::Reactions.read(&it), Some(7), "dislikes do not count");
        assert_eq!(Order::Comments.read(&it), Some(4));
        let bare = item(r#"{"id":6}"#);
        assert_eq!(Order::Newest.read(&bare), None);
        assert_eq!(Order::Reactions.read(&bare), Some(0));
        let odd = item(r#"{"id":7,"createdAt":12,"stats":"many"}"#);
        assert_eq!(Order::Oldest.read(&odd), None);
    }

    #[test]
    fn ties_are_broken_by_id_in_the_sort_direction() {
        let k = |value, id| Key { value, id };
        assert_eq!(Order::Newest.cmp(&k(10, 1), &k(9, 5)), Ordering::Less);
        assert_eq!(Order::Newest.cmp(&k(10, 1), &k(10, 5)), Ordering::Greater);
        assert_eq!(Order::Oldest.cmp(&k(10, 1), &k(10, 5)), Ordering::Less);
        assert_eq!(Order::Reactions.cmp(&k(3, 2), &k(3, 2)), Ordering::Equal);
        assert_eq!(Order::of(None), Order::Reactions);
        assert_eq!(Order::of(Some(Sort::Random)), Order::Newest);
    }
}
