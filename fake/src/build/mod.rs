//! The one builder of test images: small but real PNG, JPEG, WebP, AVIF and HEIC files, and
//! the EXIF (TIFF), XMP and text pieces generators put in them. The fake's originals are
//! built from these pieces, and so are civimg's own test files (its integration tests and, as
//! a dev-dependency, its unit tests), so each format's bytes are written in one place.
//!
//! Only std, so the fake still builds with just what it needs (issue 17): compressed text
//! and image data are zlib streams of stored blocks ([`zlib::stored`]), which every inflater
//! reads. A test that needs real compression (a deflate bomb) compresses its own data and
//! adds the chunk as it is.

pub mod heif;
pub mod jpeg;
pub mod png;
pub mod tiff;
pub mod webp;
pub mod zlib;
