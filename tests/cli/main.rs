//! The integration tests: one binary, driving the real `civimg` against the fake Civitai.

#[path = "../fake/mod.rs"]
mod fake;

mod download;
mod ecosystem;
mod fake_server;
mod fixtures;
mod hostile;
mod list;
mod list_meta;
mod meta;
mod meta_files;
mod one_dir;
mod support;
