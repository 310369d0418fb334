//! The HTTP client for the API (`{base}/api/v1/images`, `/api/v1/models/{id}`, the site's tRPC):
//! authentication, pacing, retries, readable errors.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, ORIGIN, REFERER};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use url::Url;

use crate::log::Log;
use crate::values::ApiKey;
use crate::walk::api::{self, Page};
use crate::walk::retry::{self, Pacer, Retry, RetryPolicy, Retrying};

/// `civimg/<version>`, sent with every request.
pub const USER_AGENT: &str = concat!("civimg/", env!("CARGO_PKG_VERSION"));

/// A failed API request, in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A 400: the API's validation rejected a parameter.
    #[error("the API rejected the request: {0}")]
    Rejected(String),
    /// A 400 refusing the cursor sent (doc/api.md, "The official reference": a cursor is refused
    /// with other parameters than it came with, or once expired). It cannot be used again.
    #[error("the API refused the cursor: {0}")]
    CursorRefused(String),
    /// The site's tRPC answered 401 or 403 to a collection: collections need a key (or this
    /// key may not see that collection).
    #[error("{host} answered HTTP {status} to the collection request: {}", if *keyed {
        "the API key given may not see this collection"
    } else {
        "collections need an API key: give one with --api-key or CIVITAI_API_KEY"
    })]
    CollectionRefused {
        status: u16,
        host: String,
        keyed: bool,
    },
    /// The page cap of doc/api.md: `page * limit > 1000` answers 429 and waiting does not help.
    #[error("HTTP 429 from {host}: {message}; use cursors: drop --page")]
    PageCap { host: String, message: String },
    /// Any other unsuccessful status; the message comes from a JSON error body, never from HTML
    /// (Cloudflare's 520-524 are named instead).
    #[error("HTTP {status}{} from {host}{}",
        retry::cloudflare_name(*status).map(|n| format!(" ({n})")).unwrap_or_default(),
        message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    Status {
        status: u16,
        host: String,
        message: Option<String>,
    },
    /// A 200 whose body is not what was asked for.
    #[error("{what} from {host} is not valid JSON: {detail}")]
    InvalidJson {
        what: String,
        host: String,
        detail: String,
    },
    /// A page body larger than [`MAX_PAGE_BYTES`]: refused unread past the cap.
    #[error("{what} from {host} is larger than 64 MiB; refused")]
    TooLarge { what: String, host: String },
    /// The legacy path's 404 "User not found" (doc/api.md, "Legacy database path").
    #[error("no Civitai user named {0}")]
    UnknownUser(String),
    /// The legacy path ended on an empty page right after a full one: what a query that ran
    /// past the server's statement timeout answers (doc/api.md, "Legacy database path").
    #[error("the API ended the walk with an empty page right after a full one: probably a server timeout, not the end (the listing is incomplete)")]
    ProbableTimeout,
    /// A model walk's legacy listing, the only one with the model's unlisted and early-access
    /// images, ended early (doc/api.md, "Legacy database path": a statement timeout).
    #[error("model {model}: the API's own listing of the model, the only one that holds its unlisted and early-access images, stopped after {reached} images (probably a server timeout): images only it lists may be missing")]
    ModelCutShort { model: u64, reached: u64 },
    /// The server asked for a longer wait than civimg will sit through.
    #[error("{host} asks to wait {secs}s before the next request; try again later")]
    TooLongWait { host: String, secs: u64 },
    /// Too many pages in a row brought no new item: a server walking in place.
    #[error("{pages} pages in a row from {host} had no new item; stopping")]
    EmptyPages { pages: u64, host: String },
    /// A redirect civimg will not follow: a loop, too many hops, a scheme other than http(s).
    /// Another try would meet the same redirect.
    #[error("cannot follow the redirect from {host}: {detail}")]
    Redirect { host: String, detail: String },
    /// The first request found no server there (refused, or no such host): retrying a
    /// permanent failure only delays the advice.
    #[error("cannot connect to {host}: {detail}; check --base-url (or CIVITAI_BASE_URL, or base_url in the config file): requests go to {endpoint}")]
    Unreachable {
        host: String,
        detail: String,
        endpoint: String,
    },
    /// No answer: refused, unresolvable, timed out, reset.
    #[error("{what} {host}: {detail}")]
    Transport {
        what: &'static str,
        host: String,
        detail: String,
    },
}

impl ApiError {
    /// Whether another try may succeed.
    fn is_retryable(&self) -> bool {
        match self {
            ApiError::Status { status, .. } => {
                retry::is_retryable_status(StatusCode::from_u16(*status).unwrap_or_default())
            }
            ApiError::Transport { .. } => true,
            _ => false,
        }
    }
}

/// Settings for [`Client::new`].
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Site root; the endpoint is `{base}/api/v1/images`.
    pub base_url: Url,
    /// Sent only to the base-url host, only as a header.
    pub api_key: Option<ApiKey>,
    /// Connect and read timeout; also the whole-request limit for API pages.
    pub timeout: Duration,
    /// Retries per request.
    pub retries: u32,
    /// Least time between two API requests (`--api-interval`).
    pub api_interval: Duration,
    /// Where file URLs built from a uuid point (`--image-host`).
    pub image_host: Url,
}

/// Talks to the images endpoint.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    endpoint: Url,
    host: String,
    auth: Option<HeaderValue>,
    timeout: Duration,
    policy: RetryPolicy,
    pacer: Arc<Pacer>,
    image_host: Url,
    log: Log,
    /// Whether the API host has answered at all in this run: until it has, a refused
    /// connection or an unknown host means a wrong base URL, not a passing fault.
    answered: Arc<AtomicBool>,
}

/// The part of `GET /api/v1/models/{id}` a model walk needs.
#[derive(Debug, Deserialize)]
struct ModelAnswer {
    #[serde(rename = "modelVersions", default)]
    versions: Vec<VersionAnswer>,
}

#[derive(Debug, Deserialize)]
struct VersionAnswer {
    id: u64,
}

impl Client {
    /// Builds the client; fails on a base URL that cannot carry an API path.
    pub fn new(cfg: ClientConfig, log: Log) -> anyhow::Result<Self> {
        let http = http_client(cfg.timeout)?;
        let base = api_base(&cfg.base_url)?;
        let endpoint = images_endpoint(&base);
        let host = host_of(&endpoint);
        let auth = match &cfg.api_key {
            Some(key) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
                    .map_err(|_| {
                        anyhow::anyhow!("the API key has characters a header cannot carry")
                    })?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        Ok(Client {
            http,
            base,
            endpoint,
            host,
            auth,
            timeout: cfg.timeout,
            policy: RetryPolicy::new(cfg.retries),
            pacer: Arc::new(Pacer::new(cfg.api_interval)),
            answered: Arc::new(AtomicBool::new(false)),
            image_host: cfg.image_host,
            log,
        })
    }

    /// The shared connection pool, without credentials, for file downloads.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The retry policy in force (`--retries`).
    pub fn policy(&self) -> RetryPolicy {
        self.policy
    }

    /// Whether requests carry an API key.
    pub fn has_key(&self) -> bool {
        self.auth.is_some()
    }

    /// The API host, for messages.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The log requests report to.
    pub fn log(&self) -> &Log {
        &self.log
    }

    /// The endpoint URL for these parameters (built, never taken from `nextPage`).
    pub fn page_url(&self, params: &[(&str, &str)]) -> Url {
        let mut url = self.endpoint.clone();
        {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in params {
                pairs.append_pair(k, v);
            }
        }
        url
    }

    /// Fetches page number `page_no` (for messages) with these parameters, retrying as the
    /// policy allows.
    pub async fn get_page(&self, params: &[(&str, &str)], page_no: u64) -> Result<Page, ApiError> {
        let url = self.page_url(params);
        self.get_page_at(&url, &format!("page {page_no}")).await
    }

    /// GETs a page of the images endpoint at `url` ([`Client::get_json`] with the page's own
    /// one-pass reading, [`Page::from_body`]).
    pub async fn get_page_at(&self, url: &Url, what: &str) -> Result<Page, ApiError> {
        self.send(url, None, what, &[], Page::from_body).await
    }

    /// The ids of a model's versions, in the order the API lists them (newest first).
    pub async fn model_versions(&self, model: u64) -> Result<Vec<u64>, ApiError> {
        let url = self.api_url(&["api", "v1", "models", &model.to_string()]);
        let answer: ModelAnswer = self.get_json(&url, &format!("model {model}")).await?;
        Ok(answer.versions.into_iter().map(|v| v.id).collect())
    }

    /// One page of a collection over the site's tRPC `image.getInfinite`, in REST terms; the
    /// key goes to the base-url host as for REST.
    pub async fn collection_page(
        &self,
        collection: u64,
        params: &[(&'static str, String)],
        cursor: Option<&str>,
        page_no: u64,
    ) -> Result<Page, ApiError> {
        let mut url = self.api_url(&["api", "trpc", "image.getInfinite"]);
        url.query_pairs_mut().append_pair(
            "input",
            &crate::walk::trpc::input(collection, params, cursor),
        );
        let what = format!("page {page_no} of collection {collection}");
        // The site's own pages send these with their tRPC calls; the site may refuse calls
        // without them.
        let page = self.api_url(&["collections", &collection.to_string()]);
        let site = [
            (REFERER, HeaderValue::from_str(page.as_str()).ok()),
            (
                ORIGIN,
                HeaderValue::from_str(&page.origin().ascii_serialization()).ok(),
            ),
        ];
        let extra: Vec<_> = site
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .collect();
        let answer: crate::walk::trpc::Answer = match self.get_json_with(&url, &what, &extra).await
        {
            Ok(answer) => answer,
            Err(ApiError::Status {
                status: status @ (401 | 403),
                ..
            }) => {
                return Err(ApiError::CollectionRefused {
                    status,
                    host: self.host.clone(),
                    keyed: self.has_key(),
                })
            }
            Err(e) => return Err(e),
        };
        Ok(answer.into_page(&self.image_host))
    }

    /// Whether `GET {base}/api/v1/{path…}` answers (a 404: no).
    pub async fn answers(&self, path: &[&str]) -> Result<bool, ApiError> {
        let mut segments = vec!["api", "v1"];
        segments.extend_from_slice(path);
        let url = self.api_url(&segments);
        match self
            .get_json::<serde_json::Value>(&url, &path.join(" "))
            .await
        {
            Ok(_) => Ok(true),
            Err(ApiError::Status { status: 404, .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// `{base}/…segments`, keeping the base's path prefix.
    pub fn api_url(&self, segments: &[&str]) -> Url {
        join(&self.base, segments)
    }

    /// GETs `url` from the API host and parses the answer, pacing and retrying as the policy
    /// allows; `what` names the answer in messages ("page 3").
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        url: &Url,
        what: &str,
    ) -> Result<T, ApiError> {
        self.send_json(url, None, what, &[]).await
    }

    /// POSTs `body` as JSON to `url` on the API host and parses the answer, pacing and
    /// retrying like [`Client::get_json`] (the model-versions by-hash lookup).
    pub async fn post_json<T: DeserializeOwned>(
        &self,
        url: &Url,
        body: &serde_json::Value,
        what: &str,
    ) -> Result<T, ApiError> {
        self.send_json(url, Some(body), what, &[]).await
    }

    /// [`Client::get_json`] with extra request headers.
    async fn get_json_with<T: DeserializeOwned>(
        &self,
        url: &Url,
        what: &str,
        extra: &[(HeaderName, HeaderValue)],
    ) -> Result<T, ApiError> {
        self.send_json(url, None, what, extra).await
    }

    /// [`Client::send`] of an answer serde_json reads.
    async fn send_json<T: DeserializeOwned>(
        &self,
        url: &Url,
        body: Option<&serde_json::Value>,
        what: &str,
        extra: &[(HeaderName, HeaderValue)],
    ) -> Result<T, ApiError> {
        self.send(url, body, what, extra, |body| serde_json::from_slice(body))
            .await
    }

    /// One request loop for GET and POST: pacing, retries (the shared loop of
    /// [`retry::with_retries`]), readable errors; `parse` reads the answer's body.
    async fn send<T>(
        &self,
        url: &Url,
        body: Option<&serde_json::Value>,
        what: &str,
        extra: &[(HeaderName, HeaderValue)],
        parse: fn(&[u8]) -> serde_json::Result<T>,
    ) -> Result<T, ApiError> {
        let method = if body.is_some() { "POST" } else { "GET" };
        retry::with_retries(self.policy, self, || async move {
            self.pacer.wait().await;
            self.log.verbose(&format!("{method} {}", display_url(url)));
            match self.try_get(url, body, what, extra, parse).await {
                Ok(answer) => {
                    self.pacer.succeeded();
                    Ok(answer)
                }
                Err((err, wait)) if err.is_retryable() => Err(Retry::Again(err, wait)),
                Err((err, _)) => Err(Retry::Stop(err)),
            }
        })
        .await
    }

    /// One try; on failure also returns the server's `Retry-After`.
    async fn try_get<T>(
        &self,
        url: &Url,
        body: Option<&serde_json::Value>,
        what: &str,
        extra: &[(HeaderName, HeaderValue)],
        parse: fn(&[u8]) -> serde_json::Result<T>,
    ) -> Result<T, (ApiError, Option<Duration>)> {
        let mut req = match body {
            Some(body) => self
                .http
                .post(url.clone())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string()),
            None => self.http.get(url.clone()),
        }
        .timeout(self.timeout);
        for (k, v) in extra {
            req = req.header(k, v.clone());
        }
        if let Some(auth) = &self.auth {
            req = req.header(AUTHORIZATION, auth.clone());
        }
        let resp = req
            .send()
            .await
            .map_err(|e| (self.first_contact(&e), None))?;
        self.answered.store(true, Ordering::Relaxed);
        let status = resp.status();
        let wait = retry::retry_after(resp.headers());
        let body = match read_capped(resp).await {
            Ok(Some(body)) => body,
            Ok(None) => {
                let err = ApiError::TooLarge {
                    what: what.to_string(),
                    host: self.host.clone(),
                };
                return Err((err, None));
            }
            Err(e) => return Err((self.transport(&e), None)),
        };
        if !status.is_success() {
            let sent_cursor = url.query_pairs().any(|(k, _)| k == "cursor");
            return Err((self.status_error(status, &body, sent_cursor), wait));
        }
        parse(&body).map_err(|e| {
            let err = ApiError::InvalidJson {
                what: what.to_string(),
                host: self.host.clone(),
                detail: e.to_string(),
            };
            (err, None)
        })
    }

    fn status_error(&self, status: StatusCode, body: &[u8], sent_cursor: bool) -> ApiError {
        let message = api::error_message(body);
        match (status.as_u16(), message) {
            (400, Some(m)) if sent_cursor && api::refuses_cursor(body) => {
                ApiError::CursorRefused(m)
            }
            (400, Some(m)) => ApiError::Rejected(m),
            (429, Some(m)) if m.contains("too many pages") => ApiError::PageCap {
                host: self.host.clone(),
                message: m,
            },
            (code, message) => ApiError::Status {
                status: code,
                host: self.host.clone(),
                message,
            },
        }
    }

    fn transport(&self, err: &reqwest::Error) -> ApiError {
        transport_error(&self.host, err)
    }

    /// A failed send: before the host has ever answered, a refused connection or an
    /// unresolvable name is [`ApiError::Unreachable`] (not retried); later, a transport error.
    fn first_contact(&self, err: &reqwest::Error) -> ApiError {
        let never_answered = !self.answered.load(Ordering::Relaxed);
        if never_answered && err.is_connect() && !err.is_timeout() {
            return ApiError::Unreachable {
                host: self.host.clone(),
                detail: innermost(err),
                endpoint: display_url(&self.endpoint),
            };
        }
        self.transport(err)
    }
}

/// The largest page body read (a page of 200 items with full meta is a few MiB).
pub const MAX_PAGE_BYTES: usize = 64 * 1024 * 1024;

/// A response body of at most [`MAX_PAGE_BYTES`]; `None` for a larger one, which is read no
/// further than the cap (not at all when its `Content-Length` says so).
async fn read_capped(mut resp: reqwest::Response) -> Result<Option<Vec<u8>>, reqwest::Error> {
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_PAGE_BYTES as u64)
    {
        return Ok(None);
    }
    let mut body = Vec::with_capacity(resp.content_length().unwrap_or(0) as usize);
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > MAX_PAGE_BYTES {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// The API client's turns of the retry loop: a wait too long to sit through is its own error;
/// a retry keeps later requests at least that far apart until the server is fine, and says so.
impl Retrying<ApiError> for Client {
    fn too_long(&self, _err: ApiError, delay: Duration) -> ApiError {
        ApiError::TooLongWait {
            host: self.host.clone(),
            secs: delay.as_secs(),
        }
    }

    fn retrying(&self, err: &ApiError, delay: Duration, attempt: u32) {
        self.pacer.throttled(delay);
        self.log.notice(&format!(
            "{}; retrying in {} (retry {attempt} of {})",
            err.to_string().trim_end_matches('.'),
            retry::human_wait(delay),
            self.policy.retries
        ));
    }
}

/// Describes a transport failure by its innermost cause, naming the host that failed: the one
/// a redirect led to when there was one, else `host`.
pub fn transport_error(host: &str, err: &reqwest::Error) -> ApiError {
    let failed = err
        .url()
        .map(|first| host_of(&crate::walk::hops::latest(first).unwrap_or_else(|| first.clone())));
    let host = failed.as_deref().unwrap_or(host);
    if err.is_redirect() {
        return ApiError::Redirect {
            host: host.to_string(),
            detail: innermost(err),
        };
    }
    let what = if err.is_timeout() {
        "timed out waiting for"
    } else if err.is_connect() {
        "cannot connect to"
    } else {
        "connection failed with"
    };
    ApiError::Transport {
        what,
        host: host.to_string(),
        detail: innermost(err),
    }
}

/// The deepest source's message: "Connection refused (os error 111)" rather than reqwest's wrapper.
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// One pool for API pages and files: keep-alive reuse, civimg's User-Agent, no credentials by
/// default (the key is added per API request, so file requests never carry it).
fn http_client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT,
        HeaderValue::from_static("application/json, */*"),
    );
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .default_headers(headers)
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .pool_max_idle_per_host(64)
        .redirect(reqwest::redirect::Policy::custom(redirect_policy))
        .build()
        .map_err(|e| anyhow::anyhow!("cannot set up HTTP: {}", innermost(&e)))
}

/// Most redirects followed for one request.
const MAX_REDIRECTS: usize = 10;

/// Follows up to [`MAX_REDIRECTS`] hops to http(s) URLs; a URL seen before in the chain is a
/// loop and ends it at once.
fn redirect_policy(attempt: reqwest::redirect::Attempt) -> reqwest::redirect::Action {
    if !matches!(attempt.url().scheme(), "http" | "https") {
        let scheme = attempt.url().scheme().to_string();
        attempt.error(format!("a redirect to a {scheme}: URL"))
    } else if attempt.previous().contains(attempt.url()) {
        attempt.error("a redirect loop")
    } else if attempt.previous().len() > MAX_REDIRECTS {
        attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
    } else {
        if let Some(first) = attempt.previous().first() {
            crate::walk::hops::record(first, attempt.url());
        }
        attempt.follow()
    }
}

/// `{base}/api/v1/images`, keeping any path prefix of the base (a proxy mount, say).
fn images_endpoint(base: &Url) -> Url {
    join(base, &["api", "v1", "images"])
}

/// `{base}/…segments` for a base checked by [`api_base`] (which can carry a path).
fn join(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

/// The base URL checked and cleaned: http(s), a host, no query or fragment.
fn api_base(base: &Url) -> anyhow::Result<Url> {
    if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
        anyhow::bail!("--base-url must be an http(s) URL with a host, not `{base}`");
    }
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    if url.cannot_be_a_base() {
        anyhow::bail!("--base-url `{base}` cannot carry a path");
    }
    Ok(url)
}

/// A URL for messages: without user-info, so a password in `--base-url` is never printed.
pub fn display_url(url: &Url) -> String {
    if url.username().is_empty() && url.password().is_none() {
        return url.to_string();
    }
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// A URL as given in a setting, for `config show`: any user-info before the host (`user:pw@`)
/// becomes `<redacted>@`, whether or not the text parses as a URL.
pub fn redact_user_info(text: &str) -> String {
    let (scheme, rest) = match text.find("://") {
        Some(at) => text.split_at(at + 3),
        None => ("", text),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}<redacted>{}", &rest[at..]),
        None => text.to_string(),
    }
}

/// `host` or `host:port`, for messages.
pub fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_keeps_a_path_prefix() {
        let base = Url::parse("https://example.org/proxy/").unwrap();
        assert_eq!(
            images_endpoint(&api_base(&base).unwrap()).as_str(),
            "https://example.org/proxy/api/v1/images"
        );
        let base = Url::parse("https://civitai.com").unwrap();
        assert_eq!(
            images_endpoint(&api_base(&base).unwrap()).as_str(),
            "https://civitai.com/api/v1/images"
        );
    }

    #[test]
    fn status_message_never_carries_html() {
        let e = ApiError::Status {
            status: 520,
            host: "civitai.com".into(),
            message: None,
        };
        assert_eq!(
            e.to_string(),
            "HTTP 520 (Cloudflare: the origin answered with an unknown error) from civitai.com"
        );
    }
}
