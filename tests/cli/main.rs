//! civimg's integration tests: one binary, one module per area, all against the fake Civitai.

#[path = "../fake/mod.rs"]
mod fake;

mod fake_server;
