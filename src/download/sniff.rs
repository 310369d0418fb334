//! The real file type from its first bytes: Civitai names every image `.jpeg` and its
//! `Content-Type` can be wrong (API.md "Image URLs and files").

/// Every extension civimg saves under.
pub const EXTENSIONS: &[&str] = &["png", "jpeg", "webp", "gif", "mp4", "webm", "bin"];

/// Bytes needed to tell every supported type apart.
pub const SNIFF_LEN: usize = 16;

/// The extension for these leading bytes, or `None` when the type is not one civimg knows.
pub fn extension(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if head.starts_with(b"\xff\xd8\xff") {
        Some("jpeg")
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some("webp")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("gif")
    } else if head.len() >= 8 && &head[4..8] == b"ftyp" {
        Some("mp4")
    } else if head.starts_with(b"\x1a\x45\xdf\xa3") {
        Some("webm")
    } else {
        None
    }
}

/// The extension to save under: the sniffed one, else the URL's own, else `bin`.
pub fn extension_or_fallback(head: &[u8], url: &str) -> &'static str {
    extension(head).unwrap_or_else(|| {
        let lower = url.to_ascii_lowercase();
        if lower.ends_with(".mp4") {
            "mp4"
        } else {
            "bin"
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        assert_eq!(extension(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("png"));
        assert_eq!(extension(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some("jpeg"));
        assert_eq!(extension(b"RIFF\x10\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(extension(b"GIF89a\x01\0"), Some("gif"));
        assert_eq!(extension(b"\0\0\0\x18ftypisom"), Some("mp4"));
        assert_eq!(extension(b"\x1a\x45\xdf\xa3\x9f"), Some("webm"));
        assert_eq!(extension(b"<html>"), None);
        assert_eq!(extension(b""), None);
    }
}
