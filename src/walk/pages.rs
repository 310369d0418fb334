//! What a walk asks of a server, as a trait: the API client answers it over HTTP, a unit test
//! answers it from a script (see `paginator`'s tests), so the paginator's rules are tested
//! without a process or a server.

use std::future::Future;

use super::api::Page;
use super::client::{ApiError, Client};
use crate::log::Log;

/// The requests the paginator makes.
pub trait PageSource: Sync {
    /// Where notices go.
    fn log(&self) -> &Log;
    /// The host pages come from, for messages.
    fn host(&self) -> &str;
    /// Whether requests carry an API key (for the notice about anonymous PG caps).
    fn has_key(&self) -> bool {
        false
    }
    /// One page of `GET /api/v1/images` with these parameters; `page_no` names it in errors.
    fn get_page(
        &self,
        params: &[(&str, &str)],
        page_no: u64,
    ) -> impl Future<Output = Result<Page, ApiError>> + Send;
    /// A model's version ids, newest first.
    fn model_versions(&self, model: u64)
        -> impl Future<Output = Result<Vec<u64>, ApiError>> + Send;
    /// The HTTP client behind this source, for a walk that runs requests side by side in
    /// tasks of its own (a model's merged walk, `walk::model`); a scripted source has none.
    fn as_client(&self) -> Option<&Client> {
        None
    }
    /// Whether `GET {base}/api/v1/{path…}` answers (a 404: no), for the not-found checks.
    fn answers(&self, path: &[&str]) -> impl Future<Output = Result<bool, ApiError>> + Send;
    /// One page of a collection.
    fn collection_page(
        &self,
        collection: u64,
        params: &[(&'static str, String)],
        cursor: Option<&str>,
        page_no: u64,
    ) -> impl Future<Output = Result<Page, ApiError>> + Send;
}

impl PageSource for Client {
    fn log(&self) -> &Log {
        Client::log(self)
    }

    fn as_client(&self) -> Option<&Client> {
        Some(self)
    }

    fn answers(&self, path: &[&str]) -> impl Future<Output = Result<bool, ApiError>> + Send {
        Client::answers(self, path)
    }

    fn host(&self) -> &str {
        Client::host(self)
    }

    fn has_key(&self) -> bool {
        Client::has_key(self)
    }

    fn get_page(
        &self,
        params: &[(&str, &str)],
        page_no: u64,
    ) -> impl Future<Output = Result<Page, ApiError>> + Send {
        Client::get_page(self, params, page_no)
    }

    fn model_versions(
        &self,
        model: u64,
    ) -> impl Future<Output = Result<Vec<u64>, ApiError>> + Send {
        Client::model_versions(self, model)
    }

    fn collection_page(
        &self,
        collection: u64,
        params: &[(&'static str, String)],
        cursor: Option<&str>,
        page_no: u64,
    ) -> impl Future<Output = Result<Page, ApiError>> + Send {
        Client::collection_page(self, collection, params, cursor, page_no)
    }
}
