//! `FakeCivitai`: starts its listeners on their own thread and runtime, and offers the
//! inspection, fault-injection and oracle methods the tests use.

use std::net::TcpListener;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::oneshot;

use super::app::{App, Transfers};
use super::dataset::Dataset;
use super::faults::{Fault, FaultQueue};
use super::json::MetaMode;
use super::modes::Modes;
use super::page::{render, Serve};
use super::query::Query;
use super::record::{Listener, Recorded, Recorder};

/// How to build a fake server.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// Number of generated items (default 1200).
    pub images: usize,
    /// Force every original to this many bytes (benchmarks); `None`: a few KiB to ~200 KiB each.
    pub image_size: Option<u64>,
    /// Delay before the first byte of every image body.
    pub first_byte_delay: Duration,
    /// Pause between the 64 KiB chunks of every image body (slow links, interruptible transfers).
    pub chunk_delay: Duration,
    /// Add this many audio items (`type: "audio"`, MP3 files); see `media::audio_items`.
    pub audio: usize,
    /// Some videos answer a one-frame WebP to `original=true` (see the `media` module doc).
    pub video_stills: bool,
    /// The fallback host serves another copy of every file: same length, other bytes.
    pub fallback_differs: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            images: 1200,
            image_size: None,
            first_byte_delay: Duration::ZERO,
            chunk_delay: Duration::ZERO,
            audio: 0,
            video_stills: false,
            fallback_differs: false,
        }
    }
}

/// The loopback ports of the three listeners; 0 lets the system pick a free one.
#[derive(Clone, Copy, Debug)]
pub struct Ports {
    /// The API (`/api/v1/…`, tRPC, `/__fake/…`).
    pub api: u16,
    /// The image host, named `localhost` in every item url.
    pub images: u16,
    /// The second file host (`/file/civitai-media-cache/…`).
    pub fallback: u16,
}

impl Ports {
    /// Free ports chosen by the system: what the tests use, so they never clash.
    pub const ANY: Ports = Ports {
        api: 0,
        images: 0,
        fallback: 0,
    };
}

/// A running fake Civitai (API, image host, fallback file host). Dropping it shuts them down.
pub struct FakeCivitai {
    app: Arc<App>,
    api_port: u16,
    image_port: u16,
    fallback_port: u16,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeCivitai {
    /// Start with the default config on free loopback ports.
    pub fn start() -> Self {
        Self::start_with(FakeConfig::default())
    }

    /// Start with `cfg` on free loopback ports.
    pub fn start_with(cfg: FakeConfig) -> Self {
        Self::start_on(cfg, Ports::ANY).expect("fake Civitai: bind 127.0.0.1:0")
    }

    /// Start on the given ports of 127.0.0.1 (0 = any); used by the `fake-civitai` binary.
    pub fn start_on(cfg: FakeConfig, ports: Ports) -> std::io::Result<Self> {
        let api = TcpListener::bind(("127.0.0.1", ports.api))?;
        let images = TcpListener::bind(("127.0.0.1", ports.images))?;
        let fallback = TcpListener::bind(("127.0.0.1", ports.fallback))?;
        for listener in [&api, &images, &fallback] {
            listener.set_nonblocking(true)?;
        }
        let (api_port, image_port) = (api.local_addr()?.port(), images.local_addr()?.port());
        let fallback_port = fallback.local_addr()?.port();
        // The image host is named `localhost` so it differs from the API host (doc/api.md, Hosts).
        let image_base = format!("http://localhost:{image_port}");
        let mut dataset = Dataset::generate(cfg.images, &image_base);
        for item in super::media::audio_items(cfg.audio, &image_base) {
            dataset.add(item);
        }
        let app = Arc::new(App {
            dataset: RwLock::new(dataset),
            faults: FaultQueue::default(),
            modes: RwLock::new(Modes::default()),
            recorder: Arc::new(Recorder::default()),
            image_size: cfg.image_size,
            first_byte_delay: cfg.first_byte_delay,
            chunk_delay: cfg.chunk_delay,
            video_stills: cfg.video_stills,
            fallback_differs: cfg.fallback_differs,
            transfers: Arc::new(Transfers::default()),
            cursor_epoch: AtomicU64::new(0),
            server_time_us: AtomicU64::new(0),
        });
        let (stop, stopped) = oneshot::channel();
        let served = app.clone();
        let thread = std::thread::Builder::new()
            .name("fake-civitai".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("fake Civitai: tokio runtime");
                rt.block_on(serve(served, [api, images, fallback], stopped));
                // Kill in-flight bodies at once: a test's Drop must not wait for slow transfers.
                rt.shutdown_background();
            })?;
        Ok(FakeCivitai {
            app,
            api_port,
            image_port,
            fallback_port,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:{api_port}`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.api_port)
    }

    /// `http://localhost:{image_port}`: the host of every item url.
    pub fn image_base(&self) -> String {
        format!("http://localhost:{}", self.image_port)
    }

    /// `http://127.0.0.1:{port}` of the second file host (`/file/civitai-media-cache/…`).
    pub fn fallback_base(&self) -> String {
        format!("http://127.0.0.1:{}", self.fallback_port)
    }

    /// Requests to the second file host.
    pub fn fallback_requests(&self) -> Vec<Recorded> {
        self.app.recorder.list(Some(Listener::Fallback), |_| true)
    }

    /// The file the second host serves for item `id` (panics for an unknown id).
    pub fn fallback_bytes(&self, id: u64) -> Vec<u8> {
        let uuid = {
            let item = self.item(id).unwrap_or_else(|| panic!("no item {id}"));
            let url = item["url"].as_str().expect("url").to_string();
            url.split('/').nth_back(2).expect("uuid").to_string()
        };
        let path = format!("{}{uuid}/original", super::media::FALLBACK_PREFIX);
        let (spec, _) = super::media::fallback_file(&self.app, &path).expect("a file");
        spec.to_vec()
    }

    /// Every request on all listeners (not `/__fake/…`), in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.app.recorder.list(None, |_| true)
    }

    /// Requests to `/api/v1/images`.
    pub fn api_requests(&self) -> Vec<Recorded> {
        self.app
            .recorder
            .list(Some(Listener::Api), |r| r.path == "/api/v1/images")
    }

    /// Requests to the image listener.
    pub fn image_requests(&self) -> Vec<Recorded> {
        self.app.recorder.list(Some(Listener::Image), |_| true)
    }

    /// Forget the recorded requests.
    pub fn clear_requests(&self) {
        self.app.recorder.clear();
    }

    /// Switch the service's newer behaviours on or off (see [`Modes`]).
    pub fn set_modes(&self, modes: Modes) {
        *self.app.modes.write().unwrap() = modes;
    }

    /// Queue a fault for the next request of its kind.
    pub fn inject(&self, fault: Fault) {
        self.app.faults.inject_after(0, fault);
    }

    /// Queue a fault for after `skip` untouched requests of its kind.
    pub fn inject_after(&self, skip: usize, fault: Fault) {
        self.app.faults.inject_after(skip, fault);
    }

    /// Append a hand-crafted item; it joins every query. Its url is served when it has the shape
    /// `{image_base}/xG1nkqKTMzGDvpLrqFT7WA/{uuid}/{variant}/{name}`. Panics on a duplicate id.
    pub fn add_item(&self, item: Value) {
        self.app.dataset.write().unwrap().add(item);
    }

    /// Oracle: every item a full cursor walk with `params` yields, in order, as emitted.
    /// Panics if `params` are invalid.
    pub fn walk(&self, params: &[(&str, &str)]) -> Vec<Value> {
        let ds = self.app.dataset.read().unwrap();
        let mut pairs: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut items = Vec::new();
        let mut last: Option<String> = None;
        loop {
            let modes = *self.app.modes.read().unwrap();
            let query = Query::parse(pairs.clone(), &ds, modes)
                .unwrap_or_else(|e| panic!("walk: invalid params {e:?}"));
            let serve = Serve {
                epoch: self
                    .app
                    .cursor_epoch
                    .load(std::sync::atomic::Ordering::SeqCst),
                ..Serve::default()
            };
            let Ok(page) = render(&ds, &query, "127.0.0.1", serve, modes) else {
                panic!("walk: page refused")
            };
            let mut page: Value = serde_json::from_str(&page.body).expect("page JSON");
            items.append(page["items"].as_array_mut().expect("items"));
            let cursor = match &page["metadata"]["nextCursor"] {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return items,
            };
            if last.as_ref() == Some(&cursor) {
                return items; // limit=0 would loop forever
            }
            pairs.retain(|(k, _)| k != "cursor");
            pairs.push(("cursor".into(), cursor.clone()));
            last = Some(cursor);
        }
    }

    /// Oracle: the ids of collection `id` newest first, at these browsing levels (see `trpc.rs`).
    pub fn collection_ids(&self, id: u64, levels: u32) -> Vec<u64> {
        super::trpc::collection_ids(&self.app.dataset.read().unwrap(), id, levels)
    }

    /// Oracle: the item with this id as a collection's tRPC page gives it (`trpc.rs`).
    pub fn collection_item(&self, id: u64) -> Option<Value> {
        let ds = self.app.dataset.read().unwrap();
        ds.by_id(id).map(|e| super::trpc::collection_item(&ds, e))
    }

    /// The item with this id as emitted with `withMeta=true` on the normal path (no tags; a
    /// `thumbnail` with that mode).
    pub fn item(&self, id: u64) -> Option<Value> {
        let ds = self.app.dataset.read().unwrap();
        let thumbnails = self.app.modes.read().unwrap().thumbnails;
        ds.by_id(id)
            .map(|e| ds.render_value(e, MetaMode::Flat, (false, thumbnails)))
    }

    /// Whether item `id` is listed outside the exception class under the `public_only` mode:
    /// in a public post and of published versions only (panics for an unknown id).
    pub fn is_listed(&self, id: u64) -> bool {
        let ds = self.app.dataset.read().unwrap();
        ds.by_id(id)
            .unwrap_or_else(|| panic!("no item {id}"))
            .listed
    }

    /// Expire every `feed:` cursor handed out so far: sent again, each answers 400 "This cursor
    /// can no longer be continued; start again without it".
    pub fn expire_cursors(&self) {
        self.app
            .cursor_epoch
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// The versions of a catalog model, newest first, unpublished ones included (what
    /// `GET /api/v1/models/{id}` lists without the `public_only` mode); empty for an unknown id.
    pub fn model_versions(&self, model: u64) -> Vec<u64> {
        super::models::model_json(model, false).map_or(vec![], |m| {
            m["modelVersions"].as_array().map_or(vec![], |a| {
                a.iter().filter_map(|v| v["id"].as_u64()).collect()
            })
        })
    }

    /// The full original file of item `id` (panics for an unknown id or an item without a file).
    pub fn original_bytes(&self, id: u64) -> Vec<u8> {
        let ds = self.app.dataset.read().unwrap();
        let e = ds.by_id(id).unwrap_or_else(|| panic!("no item {id}"));
        let bare = self.app.modes.read().unwrap().bare_originals;
        super::images::file_seeded(e, true, self.app.image_size, 0, bare)
            .0
            .to_vec()
    }

    /// Build every item's JSON now instead of on first use, so the first walk costs no more
    /// server time than later ones (the example does this before serving, for benchmarks).
    pub fn warm_up(&self) {
        let ds = self.app.dataset.read().unwrap();
        for e in &ds.entries {
            ds.json_of(e);
        }
    }

    /// Blocks until the file hosts have handed out at least `bytes` body bytes in all (what a
    /// test waits on before interrupting a transfer), or until `guard` has passed (a failure
    /// guard, not a timing): whether they have.
    pub fn wait_for_body_bytes(&self, bytes: u64, guard: Duration) -> bool {
        self.app.transfers.wait_for_sent(bytes, guard)
    }

    /// The highest number of image bodies that were in flight at once.
    pub fn max_concurrent_transfers(&self) -> usize {
        self.app.transfers.max()
    }
}

impl Drop for FakeCivitai {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serve the API, image and fallback listeners until `stopped` fires.
async fn serve(app: Arc<App>, listeners: [TcpListener; 3], stopped: oneshot::Receiver<()>) {
    let routers = [
        super::api::router(app.clone()),
        super::images::router(app.clone()),
        super::media::fallback_router(app),
    ];
    for (listener, router) in listeners.into_iter().zip(routers) {
        let listener = tokio::net::TcpListener::from_std(listener).expect("fake listener");
        tokio::spawn(async move { axum::serve(listener, router).await });
    }
    let _ = stopped.await;
}
