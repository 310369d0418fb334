//! Generation metadata: how an image was made (prompt, seed, sampler, resources), read from
//! the Civitai API's `meta` JSON or from the image file itself.
//!
//! Reading a file goes in four steps, each in its own place: the container step
//! (`container/`: the raw text entries of a PNG, JPEG, WebP, AVIF or HEIF and its pixel size);
//! detection (`detect`: which generator wrote them); one parser per generator (`a1111`,
//! `comfy/`, `novelai`, `invokeai`, `swarmui`, `json_params`, `civitai`; `api` for the
//! API's meta); and one normalization (`normalize`) into [`GenRecord`].

pub mod a1111;
mod api;
mod civitai;
mod comfy;
mod container;
mod detect;
mod file;
mod invokeai;
mod json_params;
mod normalize;
mod novelai;
mod record;
mod resources;
mod sidecar;
mod swarmui;
mod value;

pub use container::{decode_user_comment, MAX_TEXT};

/// Whether a file whose first bytes are `head` ([`crate::sniff::SNIFF_LEN`] of them) is an
/// image that can carry generation data: PNG, JPEG, WebP, AVIF or HEIF. Videos, GIFs and
/// other files cannot.
pub fn can_hold_generation_data(head: &[u8]) -> bool {
    container::Container::sniff(head).is_some()
}
pub use file::{read_bytes, read_file};
pub use record::{GenRecord, Hires, Resource, API_SOURCE};
pub use sidecar::{find_sidecar, read_file_or_sidecar, sidecar_for};
