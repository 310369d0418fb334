//! `civimg::meta::read_file` on real PNG, JPEG and WebP fixtures, sidecars and broken files.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use civimg::meta::{read_file, read_file_or_sidecar, sidecar_for, GenRecord};
use proptest::prelude::*;
use tempfile::TempDir;

use crate::fixtures::{self, CommentEncoding, TextKind};

const A1111: &str = "a knight, <lora:armor:0.8>\nsecond line\nNegative prompt: blurry\nSteps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 123, Size: 512x768, Model hash: 6ce0161689, Model: v1-5, Lora hashes: \"armor: 0123abcd\", Version: v1.9.4";

const UNICODE: &str = "騎士 🛡️ über\nNegative prompt: ぼやけ\nSteps: 20, Sampler: Euler a, Seed: 1";

fn read(path: &Path) -> GenRecord {
    read_file(path)
        .expect("readable")
        .expect("has generation data")
}

fn assert_a1111(rec: &GenRecord, path: &Path) {
    assert_eq!(
        rec.prompt.as_deref(),
        Some("a knight, <lora:armor:0.8>\nsecond line")
    );
    assert_eq!(rec.negative_prompt.as_deref(), Some("blurry"));
    assert_eq!(rec.steps, Some(30));
    assert_eq!(rec.seed, Some(123));
    assert_eq!(rec.cfg_scale, Some(7.0));
    assert_eq!((rec.width, rec.height), (Some(512), Some(768)));
    assert_eq!(rec.model.as_deref(), Some("v1-5"));
    assert_eq!(rec.resources.len(), 1);
    assert_eq!(rec.resources[0].hash.as_deref(), Some("0123abcd"));
    assert_eq!(rec.source, path.display().to_string());
}

#[test]
fn png_a1111_in_every_text_chunk_kind() {
    let dir = TempDir::new().unwrap();
    for kind in [
        TextKind::Text,
        TextKind::Ztxt,
        TextKind::Itxt,
        TextKind::ItxtCompressed,
    ] {
        let path = dir.path().join(format!("{kind:?}.png"));
        fixtures::png_with_text(&path, &[("parameters", A1111, kind)]);
        assert_a1111(&read(&path), &path);
    }
}

#[test]
fn png_text_after_image_data_is_found() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("late.png");
    fixtures::png_with_text_after_data(&path, &[("parameters", A1111, TextKind::Ztxt)]);
    assert_a1111(&read(&path), &path);
}

#[test]
fn png_itxt_unicode_and_other_chunks_ride_along() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("u.png");
    fixtures::png_with_text(
        &path,
        &[
            ("Software", "Forge", TextKind::Text),
            ("parameters", UNICODE, TextKind::Itxt),
        ],
    );
    let rec = read(&path);
    assert_eq!(rec.prompt.as_deref(), Some("騎士 🛡️ über"));
    assert_eq!(rec.negative_prompt.as_deref(), Some("ぼやけ"));
    assert_eq!(rec.extra["Software"], "Forge");
}

#[test]
fn png_comfyui_prompt_and_workflow() {
    let dir = TempDir::new().unwrap();
    // Named .jpeg on purpose: Civitai names every image so; the bytes decide.
    let path = dir.path().join("comfy.jpeg");
    let graph = r#"{"3": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 12, "cfg": 4.5,
        "sampler_name": "euler", "scheduler": "karras", "denoise": 1.0,
        "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0], "model": ["4", 0]}},
      "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "juggernaut.safetensors"}},
      "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 832, "height": 1216, "batch_size": 1}},
      "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse", "clip": ["4", 1]}},
      "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "fog", "clip": ["4", 1]}}}"#;
    let workflow = r#"{"last_node_id": 7, "nodes": []}"#;
    fixtures::png_with_text(
        &path,
        &[
            ("prompt", graph, TextKind::Text),
            ("workflow", workflow, TextKind::Text),
        ],
    );
    let rec = read(&path);
    assert_eq!(rec.prompt.as_deref(), Some("a lighthouse"));
    assert_eq!(rec.negative_prompt.as_deref(), Some("fog"));
    assert_eq!(rec.seed, Some(5));
    assert_eq!(rec.scheduler.as_deref(), Some("karras"));
    assert_eq!((rec.width, rec.height), (Some(832), Some(1216)));
    assert_eq!(rec.model.as_deref(), Some("juggernaut.safetensors"));
    assert!(rec.extra["comfyPrompt"].is_object());
    assert_eq!(rec.extra["comfyWorkflow"]["last_node_id"], 7);
}

#[test]
fn jpeg_user_comment_in_every_encoding() {
    let dir = TempDir::new().unwrap();
    for encoding in [
        CommentEncoding::Utf16Be,
        CommentEncoding::Utf16Le,
        CommentEncoding::Utf16LeBom,
        CommentEncoding::Ascii,
        CommentEncoding::Undefined,
    ] {
        let path = dir.path().join(format!("{encoding:?}.jpeg"));
        fixtures::jpeg_with_user_comment(&path, A1111, encoding);
        assert_a1111(&read(&path), &path);
    }
}

#[test]
fn jpeg_com_segment_is_read_when_there_is_no_exif() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("com.jpeg");
    fixtures::jpeg_with_com(&path, A1111);
    assert_a1111(&read(&path), &path);
}

#[test]
fn jpeg_utf16_unicode_text() {
    let dir = TempDir::new().unwrap();
    for encoding in [CommentEncoding::Utf16Be, CommentEncoding::Utf16Le] {
        let path = dir.path().join(format!("{encoding:?}.jpg"));
        fixtures::jpeg_with_user_comment(&path, UNICODE, encoding);
        assert_eq!(read(&path).prompt.as_deref(), Some("騎士 🛡️ über"));
    }
}

#[test]
fn webp_user_comment_with_and_without_exif_prefix() {
    let dir = TempDir::new().unwrap();
    let bare = dir.path().join("a.webp");
    fixtures::webp_with_user_comment(&bare, A1111);
    assert_a1111(&read(&bare), &bare);
    let prefixed = dir.path().join("b.webp");
    fixtures::webp_with_prefixed_exif(&prefixed, A1111);
    assert_a1111(&read(&prefixed), &prefixed);
}

#[test]
fn images_without_generation_data_give_none() {
    let dir = TempDir::new().unwrap();
    let png = dir.path().join("plain.png");
    fixtures::png_plain(&png);
    assert_eq!(read_file(&png).unwrap(), None);
    let jpeg = dir.path().join("plain.jpeg");
    fixtures::jpeg_plain(&jpeg);
    assert_eq!(read_file(&jpeg).unwrap(), None);
    let other = dir.path().join("other.png");
    fixtures::png_with_text(&other, &[("Title", "hello", TextKind::Text)]);
    assert_eq!(read_file(&other).unwrap(), None);
}

#[test]
fn non_images_and_missing_files_are_errors_naming_the_file() {
    let dir = TempDir::new().unwrap();
    let text = dir.path().join("notes.png");
    std::fs::write(&text, "just some text").unwrap();
    let empty = dir.path().join("empty.jpeg");
    std::fs::write(&empty, "").unwrap();
    let missing = dir.path().join("missing.webp");
    for path in [&text, &empty, &missing] {
        let err = format!("{:#}", read_file(path).unwrap_err());
        assert!(err.contains(&path.display().to_string()), "{err}");
    }
}

fn write_sidecar(image: &Path, meta: &str) -> PathBuf {
    let sidecar = sidecar_for(image);
    let item = format!(
        r#"{{"id": 77, "url": "https://image.civitai.com/x/y/original=true/z.jpeg", "meta": {meta}}}"#
    );
    std::fs::write(&sidecar, item).unwrap();
    sidecar
}

#[test]
fn sidecar_is_used_when_the_file_has_no_data() {
    let dir = TempDir::new().unwrap();
    let image = dir.path().join("77.jpeg");
    fixtures::png_plain(&image);
    let sidecar = write_sidecar(&image, r#"{"prompt": "from sidecar", "seed": 9}"#);
    assert_eq!(sidecar, dir.path().join("77.json"));
    let rec = read_file_or_sidecar(&image).unwrap().unwrap();
    assert_eq!(rec.prompt.as_deref(), Some("from sidecar"));
    assert_eq!(rec.source, format!("sidecar:{}", sidecar.display()));
}

#[test]
fn embedded_data_wins_over_the_sidecar() {
    let dir = TempDir::new().unwrap();
    let image = dir.path().join("78.png");
    fixtures::png_with_text(&image, &[("parameters", A1111, TextKind::Text)]);
    write_sidecar(&image, r#"{"prompt": "from sidecar"}"#);
    assert_a1111(&read_file_or_sidecar(&image).unwrap().unwrap(), &image);
}

#[test]
fn sidecar_rescues_a_video_and_null_meta_keeps_the_error() {
    let dir = TempDir::new().unwrap();
    let video = dir.path().join("79.mp4");
    std::fs::write(&video, b"\0\0\0\x18ftypmp42").unwrap();
    write_sidecar(&video, r#"{"prompt": "a clip"}"#);
    let rec = read_file_or_sidecar(&video).unwrap().unwrap();
    assert_eq!(rec.prompt.as_deref(), Some("a clip"));
    write_sidecar(&video, "null");
    assert!(read_file_or_sidecar(&video).is_err());
    let plain = dir.path().join("80.png");
    fixtures::png_plain(&plain);
    write_sidecar(&plain, "null");
    assert_eq!(read_file_or_sidecar(&plain).unwrap(), None);
}

/// Every fixture kind, as bytes, to corrupt; built once for all proptest cases.
fn fixture_bytes() -> &'static [(&'static str, Vec<u8>)] {
    static BYTES: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    BYTES.get_or_init(build_fixture_bytes)
}

fn build_fixture_bytes() -> Vec<(&'static str, Vec<u8>)> {
    let dir = TempDir::new().unwrap();
    let mut out = Vec::new();
    let mut add = |name: &'static str, write: &dyn Fn(&Path)| {
        let path = dir.path().join(name);
        write(&path);
        out.push((name, std::fs::read(&path).unwrap()));
    };
    add("t.png", &|p| {
        fixtures::png_with_text(p, &[("parameters", A1111, TextKind::Text)])
    });
    add("z.png", &|p| {
        fixtures::png_with_text_after_data(p, &[("parameters", A1111, TextKind::Ztxt)])
    });
    add("i.png", &|p| {
        fixtures::png_with_text(p, &[("parameters", UNICODE, TextKind::ItxtCompressed)])
    });
    add("be.jpeg", &|p| {
        fixtures::jpeg_with_user_comment(p, A1111, CommentEncoding::Utf16Be)
    });
    add("le.jpeg", &|p| {
        fixtures::jpeg_with_user_comment(p, A1111, CommentEncoding::Utf16Le)
    });
    add("a.webp", &|p| fixtures::webp_with_user_comment(p, A1111));
    add("c.jpeg", &|p| fixtures::jpeg_with_com(p, A1111));
    let graph = r#"{"3": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["4", 0],
        "guider": ["5", 0], "latent_image": ["3", 0]}}, "4": {"class_type": "RandomNoise",
        "inputs": {"noise_seed": 5}}, "5": {"class_type": "CFGGuider", "inputs": {"cfg": 3,
        "positive": ["6", 0], "model": ["5", 0]}}, "6": {"class_type": "CLIPTextEncode",
        "inputs": {"text": ["6", 0]}}, "9": {"class_type": "SaveImage", "inputs": {"images": ["3", 0]}}}"#;
    add("g.png", &|p| {
        fixtures::png_with_text(
            p,
            &[
                ("prompt", graph, TextKind::Ztxt),
                ("workflow", "{}", TextKind::Text),
            ],
        )
    });
    add("n.png", &|p| {
        let comment = r#"{"prompt": "cat", "uc": "dog", "scale": 5, "v4_prompt": {"caption": {"char_captions": [{"char_caption": "a", "centers": [{"x": 0.5}]}]}}}"#;
        fixtures::png_with_text(
            p,
            &[
                ("Software", "NovelAI", TextKind::Text),
                ("Comment", comment, TextKind::Itxt),
            ],
        )
    });
    add("s.jpeg", &|p| {
        let sui = r#"{"sui_image_params": {"prompt": "p", "seed": 1, "refinerupscale": 2}}"#;
        fixtures::jpeg_with_user_comment(p, sui, CommentEncoding::Utf16Le)
    });
    add("w.webp", &|p| {
        let prompt = format!("prompt:{graph}");
        let tiff = fixtures::tiff_with_ifd0_strings(&[(0x010F, "workflow:{}"), (0x0110, &prompt)]);
        fixtures::webp_with_tiff(p, &tiff)
    });
    add("d.png", &|p| {
        let dream = r#""a [b [c]] d" -s 5 -S 1 -W 64 -A k_lms"#;
        fixtures::png_with_text(p, &[("Dream", dream, TextKind::Text)])
    });
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    /// Truncated or bit-flipped fixtures give Ok or Err, never a panic.
    #[test]
    fn corrupted_fixtures_never_panic(
        which in 0usize..12,
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        truncate in any::<bool>(),
    ) {
        let (name, bytes) = &fixture_bytes()[which];
        let mut bytes = bytes.clone();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        let dir = TempDir::new().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let _ = read_file(&path);
        let _ = read_file_or_sidecar(&path);
    }

    /// Random bytes behind each container's signature: Ok or Err, never a panic.
    #[test]
    fn random_bytes_after_a_signature_never_panic(
        kind in 0usize..3,
        body in prop::collection::vec(any::<u8>(), 0..4096),
    ) {
        let magic: &[u8] = match kind {
            0 => b"\x89PNG\r\n\x1a\n",
            1 => &[0xFF, 0xD8, 0xFF],
            _ => b"RIFF\0\0\0\0WEBP",
        };
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("r.img");
        std::fs::write(&path, [magic, &body].concat()).unwrap();
        let _ = read_file(&path);
    }
}
