//! The paginator's rules over a scripted page source, in memory and with paused time: no
//! process, no server, no real wait.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::*;
use crate::cli::QueryArgs;
use crate::log::Log;

/// How long every scripted answer takes (on the paused clock).
const LATENCY: Duration = Duration::from_secs(10);

/// Pages by `username@cursor` (`@` alone: no user, first page), as the API's JSON text.
struct Script {
    pages: HashMap<String, String>,
    asked: Mutex<Vec<String>>,
    log: Log,
}

impl Script {
    fn new(pages: &[(&str, &str)]) -> Self {
        Script {
            pages: pages
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            asked: Mutex::new(Vec::new()),
            log: Log::new(true, false),
        }
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

impl PageSource for Script {
    fn log(&self) -> &Log {
        &self.log
    }

    fn host(&self) -> &str {
        "script"
    }

    async fn get_page(&self, params: &[(&str, &str)], _page_no: u64) -> Result<Page, ApiError> {
        let param = |k: &str| params.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
        let key = format!(
            "{}@{}",
            param("username").unwrap_or(""),
            param("cursor").unwrap_or("")
        );
        self.asked.lock().unwrap().push(key.clone());
        tokio::time::sleep(LATENCY).await;
        let text = self
            .pages
            .get(&key)
            .map_or(r#"{"items":[]}"#, String::as_str);
        Ok(serde_json::from_str(text).expect("a scripted page parses"))
    }

    async fn model_versions(&self, _model: u64) -> Result<Vec<u64>, ApiError> {
        Ok(Vec::new())
    }

    async fn answers(&self, _path: &[&str]) -> Result<bool, ApiError> {
        Ok(true)
    }

    async fn collection_page(
        &self,
        _collection: u64,
        _params: &[(&'static str, String)],
        _cursor: Option<&str>,
        _page_no: u64,
    ) -> Result<Page, ApiError> {
        Ok(serde_json::from_str(r#"{"items":[]}"#).unwrap())
    }
}

/// A page of items by `user` with these ids, and the next cursor.
fn page(user: &str, ids: &[u64], next: Option<&str>) -> String {
    let items: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"id":{id},"username":"{user}"}}"#))
        .collect();
    let next = next.map_or("null".to_string(), |c| format!("\"{c}\""));
    format!(
        r#"{{"items":[{}],"metadata":{{"nextCursor":{next}}}}}"#,
        items.join(",")
    )
}

fn query(users: &[&str], max: Option<u64>) -> ImageQuery {
    let args = QueryArgs {
        username: users.iter().map(|u| u.to_string()).collect(),
        max,
        ..QueryArgs::default()
    };
    ImageQuery::from_args(&args, false).unwrap()
}

/// Every batch of the walk as (target, ids), and how it ended.
async fn walk(source: &Script, query: &ImageQuery) -> (Vec<(usize, Vec<u64>)>, Option<WalkError>) {
    let mut paginator = Paginator::new(source, query);
    let mut batches = Vec::new();
    loop {
        match paginator.next_page().await {
            Ok(Some(batch)) => {
                let ids = batch.items.iter().filter_map(|i| i.id).collect();
                batches.push((batch.target, ids));
            }
            Ok(None) => return (batches, None),
            Err(e) => return (batches, Some(e)),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn pages_follow_the_cursor_until_there_is_none() {
    let source = Script::new(&[
        ("alice@", &page("alice", &[1, 2], Some("c2"))),
        ("alice@c2", &page("alice", &[3], None)),
    ]);
    let started = Instant::now();
    let (batches, end) = walk(&source, &query(&["alice"], None)).await;
    assert!(end.is_none());
    assert_eq!(batches, [(0, vec![1, 2]), (0, vec![3])]);
    assert_eq!(source.asked(), ["alice@", "alice@c2"]);
    // Two answers of ten seconds each, on the paused clock: no real wait.
    assert_eq!(started.elapsed(), 2 * LATENCY);
}

#[tokio::test(start_paused = true)]
async fn an_id_is_handed_out_once_across_targets() {
    let source = Script::new(&[
        ("alice@", &page("alice", &[1, 2], None)),
        ("bob@", &page("bob", &[2, 3], None)),
    ]);
    let (batches, end) = walk(&source, &query(&["alice", "bob"], None)).await;
    assert!(end.is_none());
    assert_eq!(batches, [(0, vec![1, 2]), (1, vec![3])]);
}

#[tokio::test(start_paused = true)]
async fn max_cuts_the_page_and_asks_for_no_more() {
    let source = Script::new(&[
        ("alice@", &page("alice", &[1, 2], Some("c2"))),
        ("alice@c2", &page("alice", &[3, 4], Some("c3"))),
        ("alice@c3", &page("alice", &[5], None)),
    ]);
    let (batches, _) = walk(&source, &query(&["alice"], Some(3))).await;
    assert_eq!(batches, [(0, vec![1, 2]), (0, vec![3])]);
    assert_eq!(source.asked(), ["alice@", "alice@c2"]);
}

#[tokio::test(start_paused = true)]
async fn a_cursor_sent_again_ends_the_walk() {
    let source = Script::new(&[
        ("alice@", &page("alice", &[1], Some("c2"))),
        ("alice@c2", &page("alice", &[2], Some("c2"))),
    ]);
    let (batches, end) = walk(&source, &query(&["alice"], None)).await;
    assert!(end.is_none());
    assert_eq!(batches, [(0, vec![1]), (0, vec![2])]);
    assert_eq!(source.asked().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn pages_without_a_new_item_stop_the_walk_with_its_resume_cursor() {
    let first = page("alice", &[1], Some("1"));
    let mut pages = vec![("alice@".to_string(), first)];
    for n in 1..200 {
        let next = (n + 1).to_string();
        pages.push((format!("alice@{n}"), page("alice", &[1], Some(&next))));
    }
    let pages: Vec<(&str, &str)> = pages
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let source = Script::new(&pages);
    let (batches, end) = walk(&source, &query(&["alice"], None)).await;
    let end = end.expect("the walk stops on empty pages");
    assert!(matches!(
        end.error,
        ApiError::EmptyPages {
            pages: MAX_EMPTY_PAGES,
            ..
        }
    ));
    // The first page brought item 1; the 50 after it brought nothing new.
    assert_eq!(source.asked().len() as u64, MAX_EMPTY_PAGES + 1);
    assert_eq!(batches.len() as u64, MAX_EMPTY_PAGES);
    let resume = (MAX_EMPTY_PAGES + 1).to_string();
    assert_eq!(end.resume_cursor.as_deref(), Some(resume.as_str()));
    assert_eq!(end.items_done, 1);
}

#[tokio::test(start_paused = true)]
async fn other_users_images_for_a_username_end_that_target() {
    let source = Script::new(&[
        ("ghost@", &page("carol", &[7, 8], Some("c2"))),
        ("bob@", &page("bob", &[3], None)),
    ]);
    let q = query(&["ghost", "bob"], None);
    let mut paginator = Paginator::new(&source, &q);
    let mut ids = Vec::new();
    while let Some(batch) = paginator.next_page().await.unwrap() {
        ids.extend(batch.items.iter().filter_map(|i| i.id));
    }
    assert_eq!(ids, [3]);
    // Issue 16: the ghost is then looked for once at every level, found missing, and named.
    let ghost = crate::walk::not_found::NotFound::User("ghost".into());
    assert_eq!(paginator.missing(), [ghost]);
    // The ghost's stretch ended on its first page: its cursor was never followed.
    assert_eq!(source.asked(), ["ghost@", "ghost@", "bob@"]);
}
