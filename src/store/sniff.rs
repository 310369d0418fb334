//! The real file type from its first bytes: Civitai names every image `.jpeg` and its
//! `Content-Type` can be wrong (doc/api.md "Image URLs and files"); a video can come back as a
//! still WebP (doc/api.md "Videos, audio, collections").

/// Every extension civimg saves under.
pub const EXTENSIONS: &[&str] = &[
    "png", "jpeg", "webp", "gif", "avif", "heic", "heif", "mp4", "webm", "mp3", "bin",
];

/// Bytes needed to tell every supported type apart (a WebP's animation flag is byte 20).
pub const SNIFF_LEN: usize = 32;

/// What a file holds, as far as its first bytes tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// One picture: PNG, JPEG, a WebP without animation.
    Still,
    /// Moving pictures: MP4, WebM, GIF, an animated WebP.
    Moving,
    /// Sound: MP3.
    Sound,
}

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
        Some(iso_brand(head).map_or("mp4", |(ext, _)| ext))
    } else if head.starts_with(b"\x1a\x45\xdf\xa3") {
        Some("webm")
    } else if head.starts_with(b"ID3") || is_mpeg_audio_frame(head) {
        Some("mp3")
    } else {
        None
    }
}

/// An ISO base media file (`ftyp` box) whose brands say it is a still image or an image
/// sequence (AVIF, HEIC, HEIF), not a video: `(extension, is a sequence)`. The major brand
/// decides; the generic HEIF brands (`mif1`, `msf1`) look at the compatible brands in `head`.
fn iso_brand(head: &[u8]) -> Option<(&'static str, bool)> {
    let brand = |b: &[u8]| -> Option<(&'static str, bool)> {
        Some(match b {
            b"avif" => ("avif", false),
            b"avis" => ("avif", true),
            b"heic" | b"heix" => ("heic", false),
            b"hevc" | b"hevx" | b"heim" | b"heis" => ("heic", true),
            _ => return None,
        })
    };
    let major = head.get(8..12)?;
    if let Some(found) = brand(major) {
        return Some(found);
    }
    if major != b"mif1" && major != b"msf1" {
        return None;
    }
    let box_end = u32::from_be_bytes(head[..4].try_into().ok()?) as usize;
    let compatible = head.get(16..box_end.min(head.len())).unwrap_or_default();
    let from_compatible = compatible.chunks_exact(4).find_map(brand);
    let sequence = major == b"msf1";
    Some(from_compatible.map_or(("heif", sequence), |(ext, _)| (ext, sequence)))
}

/// An MPEG audio frame header: 11 sync bits, then a version, layer, bitrate and sample rate
/// that are not the reserved values (a JPEG's `FF D8` fails the sync, an AAC ADTS header the
/// layer).
fn is_mpeg_audio_frame(head: &[u8]) -> bool {
    let [0xFF, b1, b2, ..] = *head else {
        return false;
    };
    let version = (b1 >> 3) & 0b11;
    let layer = (b1 >> 1) & 0b11;
    let bitrate = b2 >> 4;
    let rate = (b2 >> 2) & 0b11;
    b1 & 0xE0 == 0xE0 && version != 0b01 && layer != 0 && bitrate != 0xF && rate != 0b11
}

/// What the file with these first bytes holds; `None` when the type is unknown.
pub fn media(head: &[u8]) -> Option<Media> {
    Some(match extension(head)? {
        "png" | "jpeg" => Media::Still,
        "avif" | "heic" | "heif" if iso_brand(head).is_some_and(|(_, seq)| seq) => Media::Moving,
        "avif" | "heic" | "heif" => Media::Still,
        "webp" if webp_is_animated(head) => Media::Moving,
        "webp" => Media::Still,
        "mp3" => Media::Sound,
        _ => Media::Moving,
    })
}

/// A WebP is animated only with a `VP8X` chunk whose flags (byte 20) carry the animation bit.
fn webp_is_animated(head: &[u8]) -> bool {
    head.len() > 20 && &head[12..16] == b"VP8X" && head[20] & 0x02 != 0
}

/// The extension to save under: the sniffed one, else the URL's own when it is a media type
/// civimg knows, else `bin`.
pub fn extension_or_fallback(head: &[u8], url: &str) -> &'static str {
    extension(head).unwrap_or_else(|| {
        let lower = url.to_ascii_lowercase();
        ["mp4", "webm", "mp3"]
            .into_iter()
            .find(|ext| lower.ends_with(&format!(".{ext}")))
            .unwrap_or("bin")
    })
}

/// A short name of what these bytes are, for messages: `a still WebP image`.
pub fn describe(head: &[u8]) -> String {
    match (extension(head), media(head)) {
        (Some(ext), Some(Media::Still)) => format!("a still {} image", ext.to_uppercase()),
        (Some(ext), _) => format!("a {} file", ext.to_uppercase()),
        (None, _) => "a file of unknown type".to_string(),
    }
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
        assert_eq!(extension(b"ID3\x04\0\0\0\0\x01\0"), Some("mp3"));
        // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz.
        assert_eq!(extension(b"\xff\xfb\x90\x64"), Some("mp3"));
        assert_eq!(extension(b"<html>"), None);
        assert_eq!(extension(b""), None);
    }

    // Issue 21: an AVIF or HEIC original was saved as `.mp4` (they are `ftyp` files too).
    #[test]
    fn image_brands_of_ftyp_files_are_not_videos() {
        let avif = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf";
        assert_eq!(extension(avif), Some("avif"));
        assert_eq!(media(avif), Some(Media::Still));
        assert_eq!(
            extension(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Some("heic")
        );
        assert_eq!(
            extension(b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic"),
            Some("heic")
        );
        assert_eq!(
            extension(b"\0\0\0\x18ftypmif1\0\0\0\0mif1avif"),
            Some("avif")
        );
        assert_eq!(extension(b"\0\0\0\x10ftypmif1\0\0\0\0"), Some("heif"));
        let avis = b"\0\0\0\x1cftypavis\0\0\0\0avisavifmsf1";
        assert_eq!(
            (extension(avis), media(avis)),
            (Some("avif"), Some(Media::Moving))
        );
        // A box claiming to end before its brands, or past the bytes read, reads no further.
        assert_eq!(extension(b"\x00\0\0\x01ftypmif1\0\0\0\0avif"), Some("heif"));
        assert_eq!(
            extension(b"\xff\xff\xff\xffftypmif1\0\0\0\0avif"),
            Some("avif")
        );
        assert_eq!(
            extension(b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41"),
            Some("mp4")
        );
    }

    #[test]
    fn frame_sync_rejects_reserved_values_and_other_formats() {
        // ADTS AAC: layer 00.
        assert_eq!(extension(b"\xff\xf1\x50\x80"), None);
        // Bitrate index 15 and sample rate 3 are reserved.
        assert_eq!(extension(b"\xff\xfb\xf0\x64"), None);
        assert_eq!(extension(b"\xff\xfb\x9c\x64"), None);
        // Version 01 is reserved.
        assert_eq!(extension(b"\xff\xeb\x90\x64"), None);
        assert_eq!(extension(b"\xff"), None);
    }

    #[test]
    fn still_moving_and_sound() {
        let mut webp = b"RIFF\x10\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        assert_eq!(media(&webp), Some(Media::Still));
        webp[20] = 0x02;
        assert_eq!(media(&webp), Some(Media::Moving));
        assert_eq!(media(b"\x89PNG\r\n\x1a\n"), Some(Media::Still));
        assert_eq!(media(b"GIF89a\x01\0"), Some(Media::Moving));
        assert_eq!(media(b"\0\0\0\x18ftypisom"), Some(Media::Moving));
        assert_eq!(media(b"ID3\x04\0"), Some(Media::Sound));
        assert_eq!(media(b"<html>"), None);
        assert_eq!(describe(b"RIFF\x10\0\0\0WEBPVP8 "), "a still WEBP image");
        assert_eq!(describe(b"<html>"), "a file of unknown type");
    }

    #[test]
    fn url_extension_is_the_fallback() {
        assert_eq!(extension_or_fallback(b"??", "https://x/a/b.MP3"), "mp3");
        assert_eq!(extension_or_fallback(b"??", "https://x/a/b.webm"), "webm");
        assert_eq!(extension_or_fallback(b"??", "https://x/a/b.jpeg"), "bin");
    }
}
