//! civimg: list, inspect and bulk-download images from Civitai.

pub mod meta;
