//! What a file is, from its first bytes: one reading of the signature for every part of
//! civimg that asks. The metadata readers ask which container to parse (`meta::container`),
//! the download side which extension to save under, whether it is a still or moving picture
//! and how to name it in a message (`store`, `fetch`). Civitai names every image `.jpeg` and
//! its `Content-Type` can be wrong (doc/api.md "Image URLs and files"); a video can come back
//! as a still WebP (doc/api.md "Videos, audio, collections"). So the bytes decide, never the
//! name.

/// Every extension civimg saves under.
pub const EXTENSIONS: &[&str] = &[
    "png", "jpeg", "webp", "gif", "avif", "heic", "heif", "mp4", "webm", "mp3", "bin",
];

/// Bytes needed to tell every supported type apart (a WebP's animation flag is byte 20; an
/// `ftyp` box's first compatible brands end by byte 32).
pub const SNIFF_LEN: usize = 32;

/// A file type civimg knows, with what its first bytes tell beyond the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `\x89PNG\r\n\x1a\n`.
    Png,
    /// `FF D8 FF`.
    Jpeg,
    /// `RIFF`…`WEBP`; animated when its `VP8X` flags say so.
    WebP { animated: bool },
    /// `GIF87a` or `GIF89a`.
    Gif,
    /// An ISO base media file with AV1 images (brand `avif`, or `avis` for a sequence).
    Avif { sequence: bool },
    /// An ISO base media file with HEVC images (brand `heic`, `heix`, or a sequence brand).
    Heic { sequence: bool },
    /// A generic HEIF (`mif1`, `msf1`) whose compatible brands name no codec civimg knows.
    Heif { sequence: bool },
    /// Any other `ftyp` file: a video.
    Mp4,
    /// EBML (Matroska, WebM).
    WebM,
    /// MPEG audio: an `ID3` tag or a bare frame header.
    Mp3,
}

/// What a file holds, as far as its first bytes tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// One picture: PNG, JPEG, a WebP without animation, an AVIF or HEIC still.
    Still,
    /// Moving pictures: MP4, WebM, GIF, an animated WebP, an image sequence.
    Moving,
    /// Sound: MP3.
    Sound,
}

impl Format {
    /// The type of the file whose first bytes are `head` ([`SNIFF_LEN`] are enough; fewer
    /// can miss a WebP's animation flag or an `ftyp` box's compatible brands); `None` when
    /// it is not one civimg knows.
    pub fn sniff(head: &[u8]) -> Option<Format> {
        if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if head.starts_with(b"\xff\xd8\xff") {
            Some(Format::Jpeg)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(Format::WebP {
                animated: webp_is_animated(head),
            })
        } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
            Some(Format::Gif)
        } else if head.len() >= 8 && &head[4..8] == b"ftyp" {
            Some(iso_brand(head).unwrap_or(Format::Mp4))
        } else if head.starts_with(b"\x1a\x45\xdf\xa3") {
            Some(Format::WebM)
        } else if head.starts_with(b"ID3") || is_mpeg_audio_frame(head) {
            Some(Format::Mp3)
        } else {
            None
        }
    }

    /// The extension a file of this type is saved under.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpeg",
            Format::WebP { .. } => "webp",
            Format::Gif => "gif",
            Format::Avif { .. } => "avif",
            Format::Heic { .. } => "heic",
            Format::Heif { .. } => "heif",
            Format::Mp4 => "mp4",
            Format::WebM => "webm",
            Format::Mp3 => "mp3",
        }
    }

    /// Whether a file of this type is a still picture, moving pictures or sound.
    pub fn media(self) -> Media {
        match self {
            Format::Png | Format::Jpeg => Media::Still,
            Format::WebP { animated: moving }
            | Format::Avif { sequence: moving }
            | Format::Heic { sequence: moving }
            | Format::Heif { sequence: moving } => {
                if moving {
                    Media::Moving
                } else {
                    Media::Still
                }
            }
            Format::Gif | Format::Mp4 | Format::WebM => Media::Moving,
            Format::Mp3 => Media::Sound,
        }
    }
}

/// An ISO base media file (`ftyp` box) whose brands say it is a still image or an image
/// sequence (AVIF, HEIC, HEIF), not a video. The major brand decides; the generic HEIF brands
/// (`mif1`, `msf1`) look at the compatible brands in `head` for the codec, as ISO/IEC 23008-12
/// has writers list it (`mif1` with `avif` is an AVIF, and is saved and read as one).
fn iso_brand(head: &[u8]) -> Option<Format> {
    let brand = |b: &[u8], sequence: Option<bool>| -> Option<Format> {
        Some(match b {
            b"avif" => Format::Avif {
                sequence: sequence.unwrap_or(false),
            },
            b"avis" => Format::Avif {
                sequence: sequence.unwrap_or(true),
            },
            b"heic" | b"heix" => Format::Heic {
                sequence: sequence.unwrap_or(false),
            },
            b"hevc" | b"hevx" | b"heim" | b"heis" => Format::Heic {
                sequence: sequence.unwrap_or(true),
            },
            _ => return None,
        })
    };
    let major = head.get(8..12)?;
    if let Some(found) = brand(major, None) {
        return Some(found);
    }
    if major != b"mif1" && major != b"msf1" {
        return None;
    }
    let sequence = major == b"msf1";
    let box_end = u32::from_be_bytes(head[..4].try_into().ok()?) as usize;
    let compatible = head.get(16..box_end.min(head.len())).unwrap_or_default();
    let from_compatible = compatible
        .chunks_exact(4)
        .find_map(|b| brand(b, Some(sequence)));
    Some(from_compatible.unwrap_or(Format::Heif { sequence }))
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

/// A WebP is animated only with a `VP8X` chunk whose flags (byte 20) carry the animation bit.
fn webp_is_animated(head: &[u8]) -> bool {
    head.len() > 20 && &head[12..16] == b"VP8X" && head[20] & 0x02 != 0
}

/// The extension for these leading bytes, or `None` when the type is not one civimg knows.
pub fn extension(head: &[u8]) -> Option<&'static str> {
    Format::sniff(head).map(Format::extension)
}

/// What the file with these first bytes holds; `None` when the type is unknown.
pub fn media(head: &[u8]) -> Option<Media> {
    Format::sniff(head).map(Format::media)
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
    match Format::sniff(head) {
        Some(format) if format.media() == Media::Still => {
            format!("a still {} image", format.extension().to_uppercase())
        }
        Some(format) => format!("a {} file", format.extension().to_uppercase()),
        None => "a file of unknown type".to_string(),
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

    // The generic brands take their codec from the compatible brands, and a sequence stays a
    // sequence whichever codec it names.
    #[test]
    fn generic_heif_brands_name_the_codec_and_keep_the_sequence() {
        let msf1_hevc = b"\0\0\0\x18ftypmsf1\0\0\0\0msf1hevc";
        assert_eq!(
            Format::sniff(msf1_hevc),
            Some(Format::Heic { sequence: true })
        );
        let msf1_avif = b"\0\0\0\x18ftypmsf1\0\0\0\0msf1avif";
        assert_eq!(
            Format::sniff(msf1_avif),
            Some(Format::Avif { sequence: true })
        );
        let mif1_avis = b"\0\0\0\x18ftypmif1\0\0\0\0mif1avis";
        assert_eq!(
            Format::sniff(mif1_avis),
            Some(Format::Avif { sequence: false })
        );
        assert_eq!(media(mif1_avis), Some(Media::Still));
        assert_eq!(media(msf1_hevc), Some(Media::Moving));
        // Twelve bytes are enough to know an image, not yet its codec.
        assert_eq!(
            Format::sniff(&msf1_avif[..12]),
            Some(Format::Heif { sequence: true })
        );
    }

    // The one builder's test images are what the one sniffer says they are.
    #[test]
    fn the_test_images_sniff_as_what_they_are() {
        use civimg_fake::build::heif::Builder;
        use civimg_fake::build::jpeg::Jpeg;
        use civimg_fake::build::png::{Color, Png};
        use civimg_fake::build::webp::{WebP, ANIMATION_FLAG, EXIF_FLAG};
        let still = |webp: WebP| (webp.build(), Format::WebP { animated: false });
        let cases = [
            (Png::new(1, 1, Color::Rgb).build(), Format::Png),
            (Jpeg::new().jfif().gray(1, 1), Format::Jpeg),
            still(WebP::new().pixel()),
            still(WebP::new().vp8x(EXIF_FLAG, 1, 1).pixel()),
            (
                WebP::new().vp8x(ANIMATION_FLAG, 1, 1).build(),
                Format::WebP { animated: true },
            ),
            (
                Builder::avif(2, 2).build(),
                Format::Avif { sequence: false },
            ),
            (
                Builder::heic(2, 2).build(),
                Format::Heic { sequence: false },
            ),
        ];
        for (bytes, format) in cases {
            let head = &bytes[..SNIFF_LEN.min(bytes.len())];
            assert_eq!(Format::sniff(head), Some(format), "{head:?}");
        }
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
        assert_eq!(describe(b"\0\0\0\x18ftypisom"), "a MP4 file");
        assert_eq!(describe(b"<html>"), "a file of unknown type");
    }

    #[test]
    fn url_extension_is_the_fallback() {
        assert_eq!(extension_or_fallback(b"??", "https://x/a/b.MP3"), "mp3");
        assert_eq!(extension_or_fallback(b"??", "https://x/a/b.webm"), "webm");
        assert_eq!(extension_or_fallback(b"??", "https://x/a/b.jpeg"), "bin");
    }
}
