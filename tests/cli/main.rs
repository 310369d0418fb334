//! The integration tests: one binary, driving the real `civimg` against the fake Civitai.

use civimg_fake as fake;

mod download;
mod ecosystem;
mod embed;
mod errors_first_use;
mod fake_server;
mod fallback;
mod first_use;
mod fixtures;
mod help;
mod honest;
mod hostile;
mod input_bytes;
mod layers;
mod list;
mod list_meta;
mod media;
mod messages;
mod meta;
mod meta_files;
mod meta_generators;
mod meta_linear;
mod model_walk;
mod one_dir;
mod pasted;
mod reference;
mod resources;
mod scripted;
mod store;
mod support;
mod tables;
mod targets;
mod terminal;
mod walks;
mod window;
