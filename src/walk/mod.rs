//! The API walk: from a query to a stream of pages. The query and its targets (`query`), the
//! stretches a walk is made of (`segments`), the date window (`window`), the HTTP client with its
//! retries and redirect record (`client`, `retry`, `hops`), the tRPC endpoint (`trpc`), the
//! pages' shapes (`api`), the paginator that walks them (`paginator`), and the checks that
//! tell an empty target from one that does not exist (`not_found`).

pub mod api;
pub mod base_url;
pub mod client;
pub mod filter;
pub mod hops;
pub mod model;
pub mod not_found;
pub mod pages;
pub mod paginator;
pub mod query;
pub mod retry;
pub mod segments;
pub mod sort_key;
pub mod trpc;
pub mod window;
