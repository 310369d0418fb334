//! `civimg meta` on files laid out the way each generator writes them (built here, small):
//! ComfyUI graphs in JPEG/WebP EXIF fields, NovelAI, SwarmUI, InvokeAI; files that are not
//! regular files; compressed-text bombs.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tempfile::TempDir;

use civimg_fake::build::png::{Color, Png};

use crate::fixtures::{self, CommentEncoding, TextKind};
use crate::support::{bare, json_lines, text};

const GRAPH: &str = r#"{"13": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["25", 0],
    "guider": ["22", 0], "sampler": ["16", 0], "sigmas": ["17", 0], "latent_image": ["27", 0]}},
  "16": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
  "17": {"class_type": "BasicScheduler", "inputs": {"scheduler": "simple", "steps": 20, "denoise": 1.0, "model": ["12", 0]}},
  "22": {"class_type": "BasicGuider", "inputs": {"model": ["12", 0], "conditioning": ["26", 0]}},
  "25": {"class_type": "RandomNoise", "inputs": {"noise_seed": 219670278747233}},
  "26": {"class_type": "FluxGuidance", "inputs": {"guidance": 3.5, "conditioning": ["6", 0]}},
  "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox \n", "clip": ["11", 0]}},
  "12": {"class_type": "UNETLoader", "inputs": {"unet_name": "flux1-dev.safetensors"}},
  "27": {"class_type": "EmptySD3LatentImage", "inputs": {"width": 1024, "height": 768}},
  "8": {"class_type": "VAEDecode", "inputs": {"samples": ["13", 0]}},
  "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0]}}}"#;

/// Runs `civimg meta --format json PATHS…` with a short timeout.
fn meta(paths: &[&Path]) -> (i32, Vec<Value>, String) {
    let mut cmd = bare();
    cmd.timeout(Duration::from_secs(20));
    let out = cmd
        .arg("meta")
        .args(paths)
        .args(["--format", "jsonl"])
        .output()
        .expect("civimg runs");
    (
        out.status.code().expect("exit code"),
        json_lines(&out.stdout),
        text(&out.stderr),
    )
}

fn assert_flux(record: &Value) {
    assert_eq!(record["generator"], "ComfyUI");
    assert_eq!(record["prompt"], "a fox \n", "text exactly as written");
    assert_eq!(record["seed"], 219670278747233u64);
    assert_eq!(record["steps"], 20);
    assert_eq!(record["sampler"], "euler");
    assert_eq!(record["scheduler"], "simple");
    assert_eq!(record["cfgScale"], 3.5);
    assert_eq!(record["model"], "flux1-dev.safetensors");
    assert_eq!(
        (record["width"].as_u64(), record["height"].as_u64()),
        (Some(1024), Some(768))
    );
}

// ComfyUI savers put the graph in EXIF: `Make: workflow:{…}` / `Model: prompt:{…}` in WebP,
// a main-IFD UserComment `{"prompt": {…}, "workflow": {…}}` in JPEG.
#[test]
fn comfyui_graphs_in_jpeg_and_webp_exif_fields() {
    let dir = TempDir::new().unwrap();
    let webp = dir.path().join("a.webp");
    let workflow = r#"workflow:{"nodes": []}"#;
    let prompt = format!("prompt:{GRAPH}");
    fixtures::webp_with_tiff(
        &webp,
        &fixtures::tiff_with_ifd0_strings(&[(0x010F, workflow), (0x0110, &prompt)]),
    );
    let jpeg = dir.path().join("b.jpeg");
    let both = format!(r#"{{"prompt": {GRAPH}, "workflow": {{"nodes": []}}}}"#);
    fixtures::jpeg_with_tiff(&jpeg, &fixtures::tiff_with_ifd0_strings(&[(0x9286, &both)]));
    let (code, records, stderr) = meta(&[&webp, &jpeg]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(records.len(), 2);
    for record in &records {
        assert_flux(record);
        assert_eq!(record["extra"]["comfyWorkflow"], json!({"nodes": []}));
    }
}

#[test]
fn novelai_png_chunks_and_the_header_size() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("n.png");
    let comment = json!({"prompt": "1girl, #テスト", "uc": "lowres", "steps": 28, "scale": 5.0,
        "seed": 1702945580u64, "sampler": "k_euler_ancestral", "noise_schedule": "karras"});
    fixtures::png_with_text(
        &path,
        &[
            ("Software", "NovelAI", TextKind::Text),
            ("Source", "NovelAI Diffusion V4.5 4BDE2A90", TextKind::Text),
            ("Comment", &comment.to_string(), TextKind::Itxt),
        ],
    );
    let (code, records, _) = meta(&[&path]);
    assert_eq!(code, 0);
    let r = &records[0];
    assert_eq!(r["generator"], "NovelAI");
    assert_eq!(r["prompt"], "1girl, #テスト");
    assert_eq!(r["negativePrompt"], "lowres");
    assert_eq!(r["cfgScale"], 5.0);
    assert_eq!(r["scheduler"], "karras");
    assert_eq!(r["modelHash"], "4BDE2A90");
    assert_eq!(
        (r["width"].as_u64(), r["height"].as_u64()),
        (Some(1), Some(1)),
        "from IHDR"
    );
}

#[test]
fn swarmui_jpeg_and_invokeai_png() {
    let dir = TempDir::new().unwrap();
    let jpeg = dir.path().join("s.jpg");
    let sui = json!({"sui_image_params": {"prompt": "a cat", "negativeprompt": "dog ",
        "model": "wai", "seed": 7, "steps": 20, "cfgscale": 7.0, "sampler": "euler"}});
    fixtures::jpeg_with_user_comment(&jpeg, &sui.to_string(), CommentEncoding::Utf16Le);
    let png = dir.path().join("i.png");
    let invoke = json!({"positive_prompt": "a dog", "negative_prompt": "cat", "seed": 3,
        "steps": 24, "cfg_scale": 6.0, "scheduler": "euler_a", "model": {"name": "wai", "hash": "blake3:7c"}});
    fixtures::png_with_text(
        &png,
        &[("invokeai_metadata", &invoke.to_string(), TextKind::Ztxt)],
    );
    let (code, records, _) = meta(&[&jpeg, &png]);
    assert_eq!(code, 0);
    assert_eq!(records[0]["generator"], "SwarmUI");
    assert_eq!(records[0]["negativePrompt"], "dog ");
    assert_eq!(records[0]["cfgScale"], 7.0);
    assert_eq!(records[1]["generator"], "InvokeAI");
    assert_eq!(records[1]["sampler"], "euler_a");
    assert_eq!(records[1]["modelHash"], "blake3:7c");
}

// issue 8: a FIFO or a device fails at once with an error naming it; never blocks in open.
#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_fails_at_once() {
    let dir = TempDir::new().unwrap();
    let fifo = dir.path().join("pipe.png");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let good = dir.path().join("good.png");
    fixtures::png_with_text(&good, &[("parameters", "a cat\nSteps: 3", TextKind::Text)]);
    let started = Instant::now();
    let (code, records, stderr) = meta(&[&fifo, Path::new("/dev/null"), &good]);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(code, 1);
    assert_eq!(records.len(), 1, "the regular file still prints");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "civimg: error: {}: not a regular file (a FIFO)",
                fifo.display()
            ),
            "civimg: error: /dev/null: not a regular file (a device)".to_string(),
        ]
    );
}

// issue 8: compressed text inflates to at most 64 MiB per file, across all chunks, and only
// the chunks a parser reads.
#[test]
fn many_ztxt_bombs_inflate_within_the_budget() {
    use std::io::Write;
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bomb.png");
    // One 8 MiB text compressed once (8 KiB), repeated in zTXt chunks that a parser reads
    // (`Description`, ridden along into `extra`) and in ones none reads (`junk`).
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(&vec![b'x'; 8 << 20]).unwrap();
    let bomb = z.finish().unwrap();
    let mut png = Png::new(1, 1, Color::Rgb).text(TextKind::Text, "parameters", "a cat\nSteps: 3");
    for key in ["junk"; 4].into_iter().chain(["Description"; 10]) {
        png = png.chunk(b"zTXt", &[format!("{key}\0\0").as_bytes(), &bomb].concat());
    }
    std::fs::write(&path, png.build()).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);
    let record = civimg::meta::read_file(&path).unwrap().unwrap();
    assert_eq!(record.steps, Some(3));
    assert!(!record.extra.contains_key("junk"), "never inflated");
    let kept: Vec<usize> = record
        .extra
        .iter()
        .filter(|(k, _)| k.starts_with("Description"))
        .filter_map(|(_, v)| v.as_str().map(str::len))
        .collect();
    assert_eq!(
        kept,
        [8 << 20],
        "one Description rides along (duplicates are dropped)"
    );
}

#[test]
fn the_table_names_the_generator_and_the_second_pass() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.png");
    let text_ = "a cat\nSteps: 20, Seed: 1, Denoising strength: 0.3, Hires upscale: 1.5, Hires steps: 10, Hires upscaler: 4x-UltraSharp, Version: f2.0.1";
    fixtures::png_with_text(&path, &[("parameters", text_, TextKind::Text)]);
    let out = bare().arg("meta").arg(&path).output().unwrap();
    let table = text(&out.stdout);
    let line = |label: &str| {
        table
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("{label}: {table}"))
            .split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("generator"), "Forge");
    assert_eq!(line("hires"), "1.5x 4x-UltraSharp 10 steps");
}

// An editor that re-saves with XMP keeps the generator's text in `exif:UserComment`.
#[test]
fn a1111_text_in_png_xmp() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("x.png");
    let xmp = "<x:xmpmeta><rdf:RDF><rdf:Description><exif:UserComment><rdf:Alt><rdf:li xml:lang=\"x-default\">a cat &lt;lora:fur:0.5&gt;&#xA;Steps: 9, Seed: 4</rdf:li></rdf:Alt></exif:UserComment></rdf:Description></rdf:RDF></x:xmpmeta>";
    fixtures::png_with_text(&path, &[("XML:com.adobe.xmp", xmp, TextKind::Itxt)]);
    let (code, records, stderr) = meta(&[&path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(records[0]["prompt"], "a cat <lora:fur:0.5>");
    assert_eq!(records[0]["steps"], 9);
    assert_eq!(records[0]["seed"], 4);
}
