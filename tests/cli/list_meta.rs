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

// issue 18: one normalization serves `meta ID` and `list --fields meta.*`: every key of the
// record (`resources`, `generator`, `hires` …) is a field with the values `meta ID` prints, in
// JSON and, resources as names joined by `;`, in CSV as `meta --format csv` writes them.
#[test]
fn list_meta_fields_give_what_meta_id_prints() {
    let fake = FakeCivitai::start();
    let keys = [
        "resources",
        "generator",
        "model",
        "hires",
        "source",
        "resourcesDropped",
    ];
    let fields: Vec<String> = std::iter::once("id".to_string())
        .chain(keys.iter().map(|k| format!("meta.{k}")))
        .collect();
    let out = civimg(&fake)
        .args([
            "list",
            "--username",
            "alice_ai",
            "--nsfw",
            "X",
            "--max",
            "30",
        ])
        .args(["--format", "jsonl", "--fields", &fields.join(",")])
        .run_ok();
    let rows = crate::support::json_lines(&out.stdout);
    // Items whose meta is null have no record, and `meta ID` fails for them.
    let rows: Vec<&Value> = rows
        .iter()
        .filter(|r| r["meta"]["source"] == "api")
        .collect();
    assert!(rows.len() > 10, "{rows:?}");
    let ids: Vec<String> = rows.iter().map(|r| r["id"].to_string()).collect();
    let out = civimg(&fake)
        .arg("meta")
        .args(&ids)
        .args(["--format", "jsonl"])
        .run_ok();
    let records = crate::support::json_lines(&out.stdout);
    assert_eq!(records.len(), rows.len());
    let mut with_resources = 0;
    for (row, record) in rows.iter().zip(&records) {
        for key in keys {
            let got = &row["meta"][key];
            assert_eq!(got, record.get(key).unwrap_or(&Value::Null), "{key}: {row}");
        }
        if record["resources"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
        {
            with_resources += 1;
        }
    }
    assert!(with_resources > 5, "{with_resources}");

    // CSV: the same cells as `meta --format csv`.
    let list_csv = civimg(&fake)
        .args([
            "list",
            "--username",
            "alice_ai",
            "--nsfw",
            "X",
            "--max",
            "30",
        ])
        .args([
            "--format",
            "csv",
            "--fields",
            "id,meta.resources,meta.model",
        ])
        .run_ok();
    let meta_csv = civimg(&fake)
        .arg("meta")
        .args(&ids)
        .args(["--format", "csv"])
        .run_ok();
    let mut list = csv::Reader::from_reader(list_csv.stdout.as_slice());
    let list: Vec<csv::StringRecord> = list.records().map(Result::unwrap).collect();
    let mut meta = csv::Reader::from_reader(meta_csv.stdout.as_slice());
    let header = meta.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (resources, model) = (column("resources"), column("model"));
    let meta: Vec<csv::StringRecord> = meta.records().map(Result::unwrap).collect();
    let mut compared = 0;
    for row in &list {
        let Some(at) = ids.iter().position(|id| id == &row[0]) else {
            continue;
        };
        assert_eq!(&row[1], &meta[at][resources], "{row:?}");
        assert_eq!(&row[2], &meta[at][model], "{row:?}");
        compared += 1;
    }
    assert_eq!(compared, ids.len());
}
