//! The one filter every item passes on its way into a run, whatever brought it (a page of the
//! API walk, a batch of `--input` lines): the `--since` / `--until` window, de-duplication,
//! `--max` and `--stop-after-known`.
//!
//! `--stop-after-known N` is decided item by item, in walk order: the target's listing ends with
//! the N-th item in a row that is already complete, and nothing after that item (on its page or
//! a later one) is taken. Items of another target, or of another `--input`, start a new count.

use std::collections::HashSet;
use std::sync::Arc;

use crate::item::Item;
use crate::walk::window::DateWindow;

/// Whether the item with this id is already complete where the run saves (the archive says so
/// and its file is there).
pub type Known = Arc<dyn Fn(u64) -> bool + Send + Sync>;

/// The filter's state over one run.
pub struct Filter {
    window: Option<DateWindow>,
    max: Option<u64>,
    seen: HashSet<u64>,
    taken: u64,
    known: Option<KnownStop>,
}

/// `--stop-after-known`: how many complete items in a row end a target, and the count so far.
struct KnownStop {
    after: u64,
    known: Known,
    /// The target the streak belongs to.
    target: usize,
    streak: u64,
}

/// One page after the filter.
#[derive(Debug, Default)]
pub struct Passed {
    /// The items taken, in the page's order, none of them seen before in this run.
    pub items: Vec<Item>,
    /// A sorted walk has gone past the window: no later page of this stretch can match.
    pub past: bool,
    /// The last item taken was the N-th complete one in a row: its target's listing ends.
    pub known_stop: bool,
    /// Items left out because their `createdAt` is missing or unreadable (with a window).
    pub undated: u64,
}

impl Filter {
    /// A filter with the window and `--max` of a query.
    pub fn new(window: Option<DateWindow>, max: Option<u64>) -> Filter {
        Filter {
            window,
            max,
            seen: HashSet::new(),
            taken: 0,
            known: None,
        }
    }

    /// Ends a target's listing at its `after`-th complete item in a row.
    pub fn stop_after_known(&mut self, after: u64, known: Known) {
        self.known = Some(KnownStop {
            after,
            known,
            target: 0,
            streak: 0,
        });
    }

    /// Items taken so far.
    pub fn taken(&self) -> u64 {
        self.taken
    }

    /// `--max` items were taken: nothing more will be.
    pub fn full(&self) -> bool {
        self.max.is_some_and(|max| self.taken >= max)
    }

    /// Whether an item with this id was taken already.
    pub fn seen(&self, id: u64) -> bool {
        self.seen.contains(&id)
    }

    /// Passes one page of target `target`: the window first (over the whole page, so a sorted
    /// walk learns it went past), then each item in order until `--max` or a known stop.
    pub fn page(&mut self, target: usize, items: Vec<Item>) -> Passed {
        let mut passed = Passed::default();
        let items = match &self.window {
            Some(window) => {
                let page = window.filter(items);
                passed.past = page.past;
                passed.undated = page.undated;
                page.kept
            }
            None => items,
        };
        passed.items.reserve(items.len());
        for item in items {
            if self.full() {
                break;
            }
            if let Some(id) = item.id {
                if !self.seen.insert(id) {
                    continue;
                }
            }
            self.taken += 1;
            let id = item.id;
            passed.items.push(item);
            if self.known_streak_ends(target, id) {
                passed.known_stop = true;
                break;
            }
        }
        passed
    }

    /// Counts a taken item into the `--stop-after-known` streak of its target; `true` when the
    /// streak reaches N with it.
    fn known_streak_ends(&mut self, target: usize, id: Option<u64>) -> bool {
        let Some(stop) = &mut self.known else {
            return false;
        };
        if stop.target != target {
            stop.target = target;
            stop.streak = 0;
        }
        let known = id.is_some_and(|id| (stop.known)(id));
        stop.streak = if known { stop.streak + 1 } else { 0 };
        if stop.streak == stop.after {
            stop.streak = 0;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Sort;
    use crate::walk::window::DateArg;

    fn items(ids: &[u64]) -> Vec<Item> {
        ids.iter()
            .map(|id| Item::from_text(&format!(r#"{{"id":{id},"url":"u"}}"#)).unwrap())
            .collect()
    }

    fn ids(passed: &Passed) -> Vec<u64> {
        passed.items.iter().filter_map(|i| i.id).collect()
    }

    #[test]
    fn items_seen_before_are_dropped_across_pages_and_targets() {
        let mut filter = Filter::new(None, None);
        assert_eq!(ids(&filter.page(0, items(&[1, 2, 2, 3]))), [1, 2, 3]);
        assert_eq!(ids(&filter.page(1, items(&[3, 4, 1]))), [4]);
        assert_eq!(filter.taken(), 4);
        assert!(filter.seen(4) && !filter.seen(5));
        // An item without an id cannot be told apart: it is taken each time.
        let bare = vec![Item::from_text(r#"{"url":"u"}"#).unwrap()];
        assert_eq!(filter.page(0, bare).items.len(), 1);
        assert_eq!(filter.taken(), 5);
    }

    #[test]
    fn max_cuts_a_page_and_takes_nothing_after() {
        let mut filter = Filter::new(None, Some(3));
        assert_eq!(ids(&filter.page(0, items(&[1, 1, 2]))), [1, 2]);
        assert!(!filter.full());
        assert_eq!(ids(&filter.page(0, items(&[2, 3, 4, 5]))), [3]);
        assert!(filter.full());
        assert!(filter.page(1, items(&[6])).items.is_empty());
    }

    #[test]
    fn the_window_keeps_items_inside_and_says_when_a_sorted_walk_is_past_it() {
        let since = "2026-10-02".parse::<DateArg>().unwrap();
        let window = DateWindow::new(Some(since), None, Some(Sort::Newest)).unwrap();
        let mut filter = Filter::new(window, Some(10));
        let page = [
            r#"{"id":1,"createdAt":"2026-10-03T00:00:00Z"}"#,
            r#"{"id":2}"#,
            r#"{"id":3,"createdAt":"2026-10-02T00:00:00Z"}"#,
            r#"{"id":4,"createdAt":"2026-10-01T23:59:59Z"}"#,
            r#"{"id":5,"createdAt":"2026-10-02T12:00:00Z"}"#,
        ];
        let page: Vec<Item> = page.iter().map(|t| Item::from_text(t).unwrap()).collect();
        let passed = filter.page(0, page);
        assert_eq!(ids(&passed), [1, 3, 5]);
        assert!(passed.past);
        assert_eq!(passed.undated, 1);
        // Items left out by the window are not taken: they count toward nothing.
        assert_eq!(filter.taken(), 3);
        assert!(!filter.seen(4));
    }

    #[test]
    fn a_known_stop_ends_at_the_nth_complete_item_in_a_row() {
        let known: Known = Arc::new(|id| (10..20).contains(&id));
        let mut filter = Filter::new(None, None);
        filter.stop_after_known(2, known);
        // 10 alone is no streak of 2; 11, 12 is, and the page ends with 12.
        let passed = filter.page(0, items(&[1, 10, 2, 11, 12, 13, 3]));
        assert_eq!(ids(&passed), [1, 10, 2, 11, 12]);
        assert!(passed.known_stop);
        // A streak starts again in another target; a duplicate dropped counts for nothing.
        let passed = filter.page(1, items(&[14, 5, 15, 15, 16]));
        assert_eq!(ids(&passed), [14, 5, 15, 16]);
        assert!(passed.known_stop);
        let passed = filter.page(2, items(&[17, 6]));
        assert!(!passed.known_stop);
        let passed = filter.page(3, items(&[18]));
        assert!(
            !passed.known_stop,
            "the streak of target 2 is not target 3's"
        );
    }

    #[test]
    fn a_known_stop_streak_runs_across_pages_of_one_target() {
        let mut filter = Filter::new(None, Some(100));
        filter.stop_after_known(3, Arc::new(|id| id >= 10));
        assert!(!filter.page(0, items(&[1, 10, 11])).known_stop);
        let passed = filter.page(0, items(&[12, 13, 2]));
        assert_eq!(ids(&passed), [12]);
        assert!(passed.known_stop);
    }
}
