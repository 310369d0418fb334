//! `meta` and `list` stay linear on hostile generation data (issue 21, "No panic, no quadratic
//! scan, no hang"): entity decoding, tag scanning, repeated keys and resource de-duplication.
//!
//! Each test times the real binary on an input and on one ten times larger. Linear work costs
//! about ten times more; the bound allows three times that for a loaded machine, while the
//! quadratic scans these tests guard against cost a hundred times more (seconds to minutes).

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tempfile::TempDir;

use crate::fixtures::{self, TextKind};
use crate::meta::stub_api;
use crate::support::{bare, json_lines, RunExt};

/// How much more a ten times larger input may cost.
const MAX_RATIO: f64 = 30.0;

/// Times `run(n)` and `run(10 n)` (the smaller one at its best of three, so a hiccup cannot
/// make it look fast) and fails when the larger one costs more than [`MAX_RATIO`] times more.
fn assert_linear(what: &str, n: usize, run: impl Fn(usize)) {
    let time = |n: usize| {
        let start = Instant::now();
        run(n);
        start.elapsed()
    };
    let small = (0..3).map(|_| time(n)).min().unwrap();
    let large = time(10 * n);
    let ratio = large.as_secs_f64() / small.max(Duration::from_millis(1)).as_secs_f64();
    assert!(
        ratio <= MAX_RATIO,
        "{what}: {n} took {small:?}, {} took {large:?} ({ratio:.0}x)",
        10 * n
    );
}

/// `civimg meta FILE --format jsonl`: its one record.
fn meta_of(path: &Path) -> Value {
    let out = bare()
        .args(["meta", "--format", "jsonl"])
        .arg(path)
        .run_ok();
    json_lines(&out.stdout).remove(0)
}

#[test]
fn xmp_entities_are_decoded_in_linear_time() {
    let dir = TempDir::new().unwrap();
    let run = |n: usize| {
        // A run of bare `&` (no `;` anywhere), then one real entity at the end.
        let xmp = format!(
            "<x:xmpmeta><rdf:Description exif:UserComment=\"{}&lt;\nSteps: 3\"/></x:xmpmeta>",
            "&".repeat(n)
        );
        let path = dir.path().join(format!("{n}.png"));
        let entry = ("XML:com.adobe.xmp", xmp.as_str(), TextKind::ItxtCompressed);
        fixtures::png_with_text(&path, &[entry]);
        let record = meta_of(&path);
        assert_eq!(record["prompt"].as_str().unwrap().len(), n + 1);
        assert!(record["prompt"].as_str().unwrap().ends_with("&<"));
        assert_eq!(record["steps"], 3);
    };
    assert_linear("bare & in XMP", 20_000, run);
}

#[test]
fn prompt_tags_are_scanned_in_linear_time() {
    let dir = TempDir::new().unwrap();
    let run = |n: usize| {
        // Every `<` opens a tag that only the last `>` could close.
        let text = format!("{}<lora:last:0.5>\nSteps: 3", "<".repeat(n));
        let path = dir.path().join(format!("{n}.png"));
        fixtures::png_with_text(&path, &[("parameters", &text, TextKind::Ztxt)]);
        let record = meta_of(&path);
        assert_eq!(record["resources"][0]["name"], "last");
        assert_eq!(record["resources"].as_array().unwrap().len(), 1);
    };
    assert_linear("a prompt of <", 10_000, run);
}

#[test]
fn repeated_settings_keys_are_kept_in_linear_time() {
    let dir = TempDir::new().unwrap();
    let run = |n: usize| {
        let settings = vec!["Note: x"; n].join(", ");
        let text = format!("a cat\nSteps: 3, {settings}");
        let path = dir.path().join(format!("{n}.png"));
        fixtures::png_with_text(&path, &[("parameters", &text, TextKind::Ztxt)]);
        let record = meta_of(&path);
        let extra = record["extra"].as_object().unwrap();
        assert_eq!(extra.len(), n, "every value kept under its own key");
        assert_eq!(extra[&format!("Note ({n})")], "x");
    };
    assert_linear("a repeated key", 500, run);
}

/// An API item whose `meta` holds `prompt` and `civitaiResources`.
fn item_with(prompt: &str, resources: Vec<Value>) -> Value {
    json!({"id": 1, "url": "https://image.civitai.com/x/1.jpeg", "width": 8, "height": 8,
        "nsfwLevel": "None", "createdAt": "2024-05-01T00:00:00.000Z", "postId": 1,
        "username": "u", "stats": {},
        "meta": {"prompt": prompt, "steps": 3, "civitaiResources": resources}})
}

// `meta ID` keeps at most 100 resources and says how many more there were.
#[test]
fn resources_are_deduplicated_in_linear_time_and_bounded() {
    let run = |n: usize| {
        let resources = (0..n)
            .map(|i| json!({"type": "lora", "modelVersionId": i % (n / 2), "weight": 1}))
            .collect();
        let stub = stub_api(json!({"items": [item_with("p", resources)], "metadata": {}}));
        let out = bare()
            .args(["--base-url", &stub.base, "meta", "1", "--format", "jsonl"])
            .run_ok();
        let record = &json_lines(&out.stdout)[0];
        assert_eq!(record["resources"].as_array().unwrap().len(), 100);
        // Ids repeat after n / 2: the repeats of the 100 kept merge, the others count.
        assert_eq!(record["resourcesDropped"], n - 200);
    };
    assert_linear("many resources", 1_000, run);
}

// `list --format csv` reads the prompt's tags through the same normalized record.
#[test]
fn list_csv_scans_prompt_tags_in_linear_time() {
    let run = |n: usize| {
        let prompt = format!("{}>", "<".repeat(n));
        let stub = stub_api(json!({"items": [item_with(&prompt, Vec::new())], "metadata": {}}));
        let out = bare()
            .args([
                "--base-url",
                &stub.base,
                "list",
                "--format",
                "csv",
                "--max",
                "1",
            ])
            .args(["--fields", "id,meta.prompt,meta.steps"])
            .run_ok();
        assert_eq!(
            out.stdout.len(),
            "id,meta.prompt,meta.steps\n1,,3\n".len() + n + 1
        );
    };
    assert_linear("a prompt of < in a list", 10_000, run);
}

// The table says so too.
#[test]
fn the_table_counts_the_resources_not_kept() {
    let resources = (0..150)
        .map(|i| json!({"type": "lora", "modelVersionId": i}))
        .collect();
    let stub = stub_api(json!({"items": [item_with("p", resources)], "metadata": {}}));
    let out = bare()
        .args(["--base-url", &stub.base, "meta", "1"])
        .run_ok();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("version 99 (lora)\n"), "{table}");
    assert!(!table.contains("version 100 "), "{table}");
    assert!(table.contains("(and 50 more, not kept)"), "{table}");
}
