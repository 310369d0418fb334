//! Generation metadata: how an image was made (prompt, seed, sampler, resources), read from
//! the Civitai API's `meta` JSON or from the image file itself (PNG text chunks, EXIF).
//!
//! [`GenRecord`] is the one normalized shape; [`read_file`] and [`read_file_or_sidecar`]
//! read local files; [`a1111::parse`] is the raw A1111 `parameters` parser.

pub mod a1111;
mod comfy;
mod exif_comment;
mod file;
mod record;
mod resources;

pub use exif_comment::decode_user_comment;
pub use file::{find_sidecar, read_file, read_file_or_sidecar, sidecar_for};
pub use record::{GenRecord, Hires, Resource, API_SOURCE};
