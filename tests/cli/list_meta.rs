//! `civimg list --fields meta.<key>`: normalized generation fields in CSV, flat and wrapped meta.

use serde_json::Value;

use crate::fake::{FakeCivitai, Modes};
use crate::support::{civimg, RunExt};

// `meta.model` / `meta.clipSkip` read the normalized record; `meta.Model` stays the raw path.
#[test]
fn list_csv_resolves_normalized_meta_fields() {
    let fake = FakeCivitai::start();
    fake.set_modes(Modes {
        no_models_api: true,
        ..Modes::default()
    });
    let fields = "id,meta.seed,meta.sampler,meta.cfgScale,meta.model,meta.clipSkip,meta.Model";
    // (flags of `list`, the same query as the fake's walk wants it)
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);
    let cases: [Case; 2] = [
        (&["--username", "bob"], &[("username", "bob")]),
        // The modelId-only path wraps meta (doc/api.md); civimg unwraps it. (The models endpoint
        // is off, so civimg walks the model on that path.)
        (&["--model-id", "102"], &[("modelId", "102")]),
    ];
    for (args, params) in cases {
        let out = civimg(&fake)
            .args(["list", "--format", "csv", "--nsfw", "X", "--max", "40"])
            .args(["--fields", fields])
            .args(args)
            .run_ok();
        let mut want_params = params.to_vec();
        want_params.extend([("nsfw", "X"), ("withMeta", "true")]);
        let want = fake.walk(&want_params);
        let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), want.len().min(40));
        assert!(rows.len() > 5);
        for (row, item) in rows.iter().zip(&want) {
            assert_csv_row(row, item);
        }
    }
}

fn assert_csv_row(row: &csv::StringRecord, item: &Value) {
    let id = item["id"].to_string();
    assert_eq!(&row[0], id);
    let meta = match &item["meta"] {
        Value::Object(m) if m.contains_key("meta") && !m.contains_key("prompt") => {
            &item["meta"]["meta"]
        }
        other => other,
    };
    if meta.is_null() {
        assert!(row.iter().skip(1).all(str::is_empty), "{id}: {row:?}");
        return;
    }
    assert_eq!(row[1], meta["seed"].to_string(), "{id}");
    assert_eq!(row[2], *meta["sampler"].as_str().unwrap(), "{id}");
    assert_eq!(
        row[3].parse::<f64>().ok(),
        meta["cfgScale"].as_f64(),
        "{id}"
    );
    let model = match meta.get("Model") {
        Some(m) => m.as_str().unwrap().to_string(),
        // ComfyUI items name the checkpoint only in the graph.
        None => {
            let graph: Value = serde_json::from_str(meta["comfy"].as_str().unwrap()).unwrap();
            graph["prompt"]["4"]["inputs"]["ckpt_name"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    assert_eq!(row[4], model, "{id}");
    assert_eq!(
        row[5],
        *meta.get("Clip skip").and_then(Value::as_str).unwrap_or(""),
        "{id}"
    );
    assert_eq!(
        row[6],
        *meta.get("Model").and_then(Value::as_str).unwrap_or(""),
        "{id}"
    );
}
