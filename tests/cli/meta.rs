//! `civimg meta` through the real binary: API lookups against the fake Civitai, local files
//! written by the fixtures, and directories of `download --sidecar` output.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tempfile::TempDir;

use crate::fake::FakeCivitai;
use crate::fixtures::{self, CommentEncoding, TextKind};
use crate::support::{bare, civimg, json_lines, text, RunExt};

const A1111: &str = "a knight, <lora:armor:0.8>\nNegative prompt: blurry\nSteps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 123, Size: 512x768, Model hash: 6ce0161689, Model: v1-5, Clip skip: 2, Lora hashes: \"armor: 0123abcd\"";

const COMFY_GRAPH: &str = r#"{"3": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 12, "cfg": 4.5,
    "sampler_name": "euler", "scheduler": "karras", "denoise": 1.0,
    "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0], "model": ["4", 0]}},
  "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "juggernaut.safetensors"}},
  "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 832, "height": 1216, "batch_size": 1}},
  "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse", "clip": ["4", 1]}},
  "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "fog", "clip": ["4", 1]}}}"#;

/// Runs `civimg meta ARGS --format json`; returns (exit code, records, stderr).
fn meta_json(cmd: &mut assert_cmd::Command, args: &[&str]) -> (i32, Vec<Value>, String) {
    let out = cmd
        .arg("meta")
        .args(args)
        .args(["--format", "jsonl"])
        .output()
        .expect("civimg runs");
    let code = out.status.code().expect("exit code");
    (code, json_lines(&out.stdout), text(&out.stderr))
}

/// Every item of bob (7, all levels) as emitted with `withMeta=true` on the normal path.
fn bob(fake: &FakeCivitai) -> Vec<Value> {
    fake.walk(&[("username", "bob"), ("nsfw", "X"), ("withMeta", "true")])
}

/// Asserts that a record carries the generation data of a flat API `meta`.
fn assert_matches_api(record: &Value, meta: &Value) {
    let id = &meta["prompt"];
    assert_eq!(record["prompt"], meta["prompt"], "{id}");
    assert_eq!(record["seed"], meta["seed"], "{id}");
    assert_eq!(record["steps"], meta["steps"], "{id}");
    assert_eq!(record["sampler"], meta["sampler"], "{id}");
    assert_eq!(
        record["cfgScale"].as_f64(),
        meta["cfgScale"].as_f64(),
        "{id}"
    );
    if let Some(model) = meta.get("Model") {
        assert_eq!(&record["model"], model, "{id}");
    }
    if let Some(negative) = meta.get("negativePrompt") {
        assert_eq!(&record["negativePrompt"], negative, "{id}");
    }
    let names: Vec<&str> = record["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    for res in meta["resources"].as_array().expect("api resources") {
        let name = res["name"].as_str().unwrap();
        assert!(names.contains(&name), "{name} in {names:?}");
    }
}

// doc/api.md: the imageId path wraps meta as {"id", "meta"}; the record is the flat meta's.
#[test]
fn an_id_is_looked_up_with_meta_and_every_level() {
    let fake = FakeCivitai::start();
    let items = bob(&fake);
    // An R-rated A1111 item: found although the API's default level is PG only.
    let item = items
        .iter()
        .find(|i| i["nsfwLevel"] == "Mature")
        .expect("bob has one R item");
    assert!(item["meta"]["Model"].is_string(), "an A1111 item");
    let id = item["id"].as_u64().unwrap();
    let (code, records, err) = meta_json(&mut civimg(&fake), &[&id.to_string()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(records.len(), 1);
    assert_matches_api(&records[0], &item["meta"]);
    assert_eq!(records[0]["source"], "api");
    assert_eq!(records[0]["extra"]["id"], id);
    let reqs = fake.api_requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].param("imageId"), Some(id.to_string().as_str()));
    assert_eq!(reqs[0].param("withMeta"), Some("true"));
    assert_eq!(reqs[0].param("browsingLevel"), Some("31"));
}

#[test]
fn comfyui_meta_from_the_api_fills_the_fields_from_the_graph() {
    let fake = FakeCivitai::start();
    let items = fake.walk(&[("username", "gina_comfy"), ("withMeta", "true")]);
    let item = items
        .iter()
        .find(|i| i["meta"]["comfy"].is_string())
        .expect("gina has ComfyUI items");
    let id = item["id"].as_u64().unwrap().to_string();
    let (code, records, err) = meta_json(&mut civimg(&fake), &[&id]);
    assert_eq!(code, 0, "{err}");
    let record = &records[0];
    assert_eq!(record["prompt"], item["meta"]["prompt"]);
    assert_eq!(record["seed"], item["meta"]["seed"]);
    assert_eq!(record["scheduler"], "karras", "from the graph");
    assert!(record["model"].as_str().unwrap().ends_with(".safetensors"));
}

/// A server that answers every images request with `page`: for a meta shape the fake's imageId
/// path never sends (it always wraps).
pub struct StubApi {
    pub base: String,
    _runtime: tokio::runtime::Runtime,
}

pub fn stub_api(page: Value) -> StubApi {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/api/v1/images",
        axum::routing::get(move || {
            let page = page.clone();
            async move { axum::Json(page) }
        }),
    );
    runtime.spawn(async move { axum::serve(listener, app).await });
    StubApi {
        base,
        _runtime: runtime,
    }
}

#[test]
fn a_flat_meta_answer_gives_the_same_record() {
    let fake = FakeCivitai::start();
    let item = bob(&fake)
        .into_iter()
        .find(|i| i["meta"]["Model"].is_string())
        .unwrap();
    let id = item["id"].as_u64().unwrap().to_string();
    let (_, wrapped, _) = meta_json(&mut civimg(&fake), &[&id]);
    let stub = stub_api(json!({"items": [item], "metadata": {"nextCursor": null}}));
    let mut cmd = bare();
    cmd.args(["--base-url", &stub.base]);
    let (code, flat, err) = meta_json(&mut cmd, &[&id]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(flat, wrapped);
    assert_matches_api(&flat[0], &item["meta"]);
}

#[test]
fn an_item_without_meta_and_an_unknown_id_fail_with_one_line_each() {
    let fake = FakeCivitai::start();
    let null = bob(&fake)
        .into_iter()
        .find(|i| i["meta"].is_null())
        .expect("bob has an item without meta");
    let null_id = null["id"].as_u64().unwrap();
    let out = civimg(&fake)
        .args(["meta", &null_id.to_string()])
        .run_fails(1);
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        format!("civimg: error: image {null_id} has no generation data\n")
    );
    civimg(&fake)
        .args(["meta", "12345"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("civimg: error: image 12345 not found\n");
}

// The id is what matters: a page URL on civitai.com or civitai.red is looked up on --base-url.
#[test]
fn page_urls_are_looked_up_on_the_base_url() {
    let fake = FakeCivitai::start();
    let item = bob(&fake)
        .into_iter()
        .find(|i| !i["meta"].is_null())
        .unwrap();
    let id = item["id"].as_u64().unwrap();
    let urls = [
        format!("https://civitai.com/images/{id}"),
        format!("https://civitai.red/images/{id}/"),
        format!("https://civitai.com/images/{id}?postId=4&modelVersionId=5"),
    ];
    let args: Vec<&str> = urls.iter().map(String::as_str).collect();
    let (code, records, err) = meta_json(&mut civimg(&fake), &args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(records.len(), 3);
    for record in &records {
        assert_matches_api(record, &item["meta"]);
    }
    let reqs = fake.api_requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs
        .iter()
        .all(|r| r.param("imageId") == Some(id.to_string().as_str())));
}

/// The fixtures a directory test reads: (file name, writer).
fn write_fixtures(dir: &Path) -> Vec<PathBuf> {
    let files = [
        ("a1111.png", 0),
        ("comfy.png", 1),
        ("utf16.jpeg", 2),
        ("user.webp", 3),
    ];
    files
        .iter()
        .map(|&(name, kind)| {
            let path = dir.join(name);
            match kind {
                0 => fixtures::png_with_text(&path, &[("parameters", A1111, TextKind::Itxt)]),
                1 => fixtures::png_with_text(
                    &path,
                    &[
                        ("prompt", COMFY_GRAPH, TextKind::Text),
                        ("workflow", r#"{"nodes": []}"#, TextKind::Ztxt),
                    ],
                ),
                2 => fixtures::jpeg_with_user_comment(&path, A1111, CommentEncoding::Utf16Le),
                _ => fixtures::webp_with_user_comment(&path, A1111),
            }
            path
        })
        .collect()
}

fn assert_a1111(record: &Value, path: &Path) {
    assert_eq!(record["source"], path.display().to_string());
    assert_eq!(record["prompt"], "a knight, <lora:armor:0.8>");
    assert_eq!(record["negativePrompt"], "blurry");
    assert_eq!(record["seed"], 123);
    assert_eq!(record["steps"], 30);
    assert_eq!(record["sampler"], "DPM++ 2M Karras");
    assert_eq!(record["cfgScale"], 7.0);
    assert_eq!(record["model"], "v1-5");
    assert_eq!(record["modelHash"], "6ce0161689");
    assert_eq!(record["clipSkip"], 2);
    assert_eq!(
        (record["width"].as_u64(), record["height"].as_u64()),
        (Some(512), Some(768))
    );
    let resources = record["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 1, "{resources:?}");
    assert_eq!(resources[0]["name"], "armor");
    assert_eq!(resources[0]["hash"], "0123abcd");
    assert_eq!(resources[0]["weight"], 0.8);
}

fn assert_comfy(record: &Value, path: &Path) {
    assert_eq!(record["source"], path.display().to_string());
    assert_eq!(record["prompt"], "a lighthouse");
    assert_eq!(record["negativePrompt"], "fog");
    assert_eq!(record["seed"], 5);
    assert_eq!(record["steps"], 12);
    assert_eq!(record["sampler"], "euler");
    assert_eq!(record["scheduler"], "karras");
    assert_eq!(record["cfgScale"], 4.5);
    assert_eq!(record["model"], "juggernaut.safetensors");
}

#[test]
fn png_a1111_png_comfyui_jpeg_utf16_and_webp_files() {
    let dir = TempDir::new().unwrap();
    let files = write_fixtures(dir.path());
    let args: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let (code, records, err) = meta_json(&mut bare(), &args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(records.len(), 4);
    assert_a1111(&records[0], &files[0]);
    assert_comfy(&records[1], &files[1]);
    assert_a1111(&records[2], &files[2]);
    assert_a1111(&records[3], &files[3]);
}

// issue 18: AVIF and HEIC keep EXIF and XMP as items of their `meta` box; the records in them
// are found as in JPEG and WebP, and the primary image's `ispe` gives the size.
#[test]
fn avif_and_heic_files_give_their_exif_and_xmp_records() {
    use civimg_fake::build::heif::{Builder, Place};
    use civimg_fake::build::tiff;
    let dir = TempDir::new().unwrap();
    let a1111 = dir.path().join("a1111.avif");
    let tiff = tiff::a1111(A1111, true);
    std::fs::write(
        &a1111,
        Builder::avif(640, 480).exif(&tiff, Place::File).build(),
    )
    .unwrap();
    // A ComfyUI saver's AVIF: the graph in EXIF `Model` as `prompt: {…}` (as in its WebPs).
    let comfy = dir.path().join("comfy.avif");
    let prompt = format!("prompt:{COMFY_GRAPH}");
    let tiff = fixtures::tiff_with_ifd0_strings(&[(0x010F, "workflow:{}"), (0x0110, &prompt)]);
    let bytes = Builder::avif(832, 1216).exif(&tiff, Place::Idat).build();
    std::fs::write(&comfy, bytes).unwrap();
    // An XMP packet only (an editor re-saved it): its exif:UserComment holds the text.
    let xmp = dir.path().join("xmp.heic");
    let escaped = A1111
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    let packet =
        format!("<x:xmpmeta><rdf:Description exif:UserComment=\"{escaped}\"/></x:xmpmeta>");
    let bytes = Builder::heic(4032, 3024)
        .xmp(packet.as_bytes(), Place::File)
        .build();
    std::fs::write(&xmp, bytes).unwrap();
    // Sizes from `ispe` when the record has none.
    let sized = dir.path().join("sized.avif");
    let tiff = tiff::a1111("a cat\nSteps: 20, Seed: 7", true);
    std::fs::write(
        &sized,
        Builder::avif(640, 480).exif(&tiff, Place::File).build(),
    )
    .unwrap();
    let plain = dir.path().join("plain.avif");
    std::fs::write(&plain, Builder::avif(64, 64).build()).unwrap();

    let (code, records, err) = meta_json(&mut bare(), &[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        format!("civimg: note: {} has no generation data\n", plain.display())
    );
    assert_eq!(records.len(), 4, "{records:?}");
    assert_a1111(&records[0], &a1111);
    assert_eq!(records[0]["generator"], "A1111");
    assert_comfy(&records[1], &comfy);
    assert_eq!(records[1]["generator"], "ComfyUI");
    assert_eq!(records[2]["source"], sized.display().to_string());
    assert_eq!(records[2]["seed"], 7);
    assert_eq!(
        (records[2]["width"].as_u64(), records[2]["height"].as_u64()),
        (Some(640), Some(480))
    );
    assert_a1111(&records[3], &xmp);
}

#[test]
fn the_table_shows_what_a_person_reads_first() {
    let dir = TempDir::new().unwrap();
    let files = write_fixtures(dir.path());
    let out = bare().arg("meta").args(&files[..2]).run_ok();
    let table = text(&out.stdout);
    let (first, second) = table
        .split_once("\n\n")
        .expect("a blank line between records");
    let lines: Vec<&str> = first.lines().collect();
    assert_eq!(lines[0], format!("source           {}", files[0].display()));
    for row in [
        "prompt           a knight, <lora:armor:0.8>",
        "negative prompt  blurry",
        "model            v1-5 [6ce0161689]",
        "sampler          DPM++ 2M Karras",
        "steps            30",
        "cfg scale        7",
        "seed             123",
        "size             512x768",
        "clip skip        2",
        "resources        armor (lora) 0.8 0123abcd",
    ] {
        assert!(lines.contains(&row), "{row:?} in\n{first}");
    }
    assert!(!first.contains("denoise"), "empty fields are left out");
    assert!(
        second
            .lines()
            .any(|l| l.starts_with("scheduler ") && l.ends_with(" karras")),
        "{second}"
    );
    assert!(table.lines().all(|l| l.chars().count() <= 100), "{table}");
}

#[test]
fn long_prompts_wrap_to_100_columns_off_a_terminal() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("long.png");
    let prompt = "a very detailed castle on a hill at sunset, ".repeat(10);
    fixtures::png_with_text(
        &path,
        &[("parameters", &format!("{prompt}\nSteps: 4"), TextKind::Text)],
    );
    let out = bare().arg("meta").arg(&path).assert().success();
    let table = text(&out.get_output().stdout);
    assert!(table.lines().count() > 5, "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 100), "{table}");
    let words: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with("prompt"))
        .take_while(|l| !l.starts_with("steps"))
        .flat_map(|l| l.trim_start_matches("prompt").split_whitespace())
        .collect();
    assert_eq!(words.join(" "), prompt.trim_end());
}

#[test]
fn a_plain_png_fails_naming_the_file() {
    let dir = TempDir::new().unwrap();
    let plain = dir.path().join("plain.png");
    fixtures::png_plain(&plain);
    bare()
        .arg("meta")
        .arg(&plain)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "civimg: error: {} has no generation data\n",
            plain.display()
        ));
}

#[test]
fn a_file_with_only_a_sidecar() {
    let dir = TempDir::new().unwrap();
    let image = dir.path().join("77.png");
    fixtures::png_plain(&image);
    let sidecar = dir.path().join("77.png.json");
    let item = json!({"id": 77, "url": "https://image.civitai.com/x/y/original=true/z.jpeg",
        "meta": {"id": 77, "meta": {"prompt": "from the sidecar", "seed": 9, "Model": "m"}}});
    std::fs::write(&sidecar, item.to_string()).unwrap();
    let (code, records, err) = meta_json(&mut bare(), &[image.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(records[0]["prompt"], "from the sidecar");
    assert_eq!(records[0]["seed"], 9);
    assert_eq!(records[0]["model"], "m");
    assert_eq!(
        records[0]["source"],
        format!("sidecar:{}", sidecar.display())
    );
}

#[test]
fn a_directory_gives_one_record_per_image_and_reports_the_failures() {
    let dir = TempDir::new().unwrap();
    let files = write_fixtures(dir.path());
    let plain = dir.path().join("b-plain.png");
    fixtures::png_plain(&plain);
    // Side files and hidden files are not images.
    std::fs::write(dir.path().join("a1111.txt"), "caption").unwrap();
    std::fs::write(dir.path().join("x.png.part"), "partial").unwrap();
    std::fs::write(dir.path().join(".hidden.png"), "hidden").unwrap();
    std::fs::create_dir(dir.path().join(".civimg")).unwrap();
    let (code, records, err) = meta_json(&mut bare(), &[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "one file has no data: a note, not a failure");
    assert_eq!(
        err,
        format!("civimg: note: {} has no generation data\n", plain.display())
    );
    // Sorted by name: a1111.png, b-plain.png (failed), comfy.png, user.webp, utf16.jpeg.
    let sources: Vec<&str> = records
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    let want: Vec<String> = [&files[0], &files[1], &files[3], &files[2]]
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(sources, want);
    assert_comfy(&records[1], &files[1]);
}

#[test]
fn an_invalid_argument_is_reported_and_the_others_still_print() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    let files = write_fixtures(dir.path());
    let missing = dir.path().join("missing.png");
    let out = civimg(&fake)
        .arg("meta")
        .arg(&files[0])
        .args(["not-an-id", "https://civitai.com/models/123"])
        .arg(&missing)
        .arg(&files[1])
        .args(["--format", "jsonl"])
        .run_fails(1);
    assert_eq!(json_lines(&out.stdout).len(), 2);
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            "civimg: error: not an image id, image URL or existing file: not-an-id".to_string(),
            "civimg: error: not an image id, image URL or existing file: https://civitai.com/models/123".to_string(),
            format!("civimg: error: not an image id, image URL or existing file: {}", missing.display()),
        ]
    );
    assert!(fake.api_requests().is_empty());
    bare().arg("meta").assert().code(2);
}

// The issue's end-to-end: download with sidecars, then read the folder back.
#[test]
fn download_with_sidecars_then_meta_on_the_directory() {
    let fake = FakeCivitai::start();
    let dir = TempDir::new().unwrap();
    civimg(&fake)
        .args(["download", "--username", "bob", "--sidecar", "-q", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let items = fake.walk(&[("username", "bob"), ("withMeta", "true")]);
    // Strip one JPEG down to a bare SOI + EOI: its sidecar must stand in for the lost EXIF.
    let stripped = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "jpeg"))
        .expect("bob has a JPEG original");
    std::fs::write(&stripped, [0xFF, 0xD8, 0xFF, 0xD9]).unwrap();
    fake.clear_requests();
    let (code, records, err) = meta_json(&mut civimg(&fake), &[dir.path().to_str().unwrap()]);
    let with_meta: Vec<&Value> = items.iter().filter(|i| !i["meta"].is_null()).collect();
    assert_eq!(records.len(), with_meta.len(), "{err}");
    // An item without meta has neither embedded data nor a useful sidecar.
    let without = items.len() - with_meta.len();
    assert_eq!(err.lines().count(), without, "{err}");
    assert_eq!(code, 0, "files without data are notes: {err}");
    assert!(
        err.lines().all(|l| l.ends_with("has no generation data")),
        "{err}"
    );
    let stripped_source = format!("sidecar:{}.json", stripped.display());
    let mut from_exif = 0;
    for record in &records {
        // `DIR/<id>.<ext>`: bob's files are all PNG, JPEG or WebP, and each carries its own
        // generation data (PNG text chunks, EXIF UserComment), which wins over the sidecar;
        // only the stripped file reads as `sidecar:DIR/<id>.jpeg.json`.
        let source = record["source"].as_str().unwrap();
        assert_eq!(
            source.starts_with("sidecar:"),
            source == stripped_source,
            "{source}"
        );
        from_exif += usize::from(source.ends_with(".jpeg") || source.ends_with(".webp"));
        let name = Path::new(source).file_name().unwrap().to_string_lossy();
        let id: u64 = name.split('.').next().unwrap().parse().unwrap();
        let item = with_meta
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("{source} is one of bob's items"));
        assert_eq!(record["prompt"], item["meta"]["prompt"], "{source}");
        assert_eq!(record["seed"], item["meta"]["seed"], "{source}");
    }
    assert!(from_exif > 0, "bob has JPEG and WebP originals");
    assert!(records
        .iter()
        .any(|r| r["source"] == stripped_source.as_str()));
    assert!(
        fake.api_requests().is_empty(),
        "reading files asks the API nothing"
    );
}
