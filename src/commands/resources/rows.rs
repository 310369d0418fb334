//! The answer: one row per resource, from the tally, the API's answers and the local files,
//! written as a table, JSON lines, a JSON array or CSV.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use serde_json::Value;

use super::gather::{kind_name, merge, Entry, Tally};
use super::have::LocalModel;
use super::resolve::{answer_id, file_hashes};
use crate::cli::Format;
use crate::text::{escape_cell, escape_line, fit_width};

/// One resource as printed.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// `checkpoint`, `lora`, `embedding`, … (the API's word when it answered).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The model's name on Civitai, else the name the images wrote.
    pub name: String,
    /// The version's name on Civitai.
    pub version: Option<String>,
    /// Civitai model version id.
    pub version_id: Option<u64>,
    /// Civitai model id.
    pub model_id: Option<u64>,
    /// Base model (`SDXL 1.0`, `Pony`, …).
    pub base_model: Option<String>,
    /// The AutoV2 hash (the API's, else the one the images quoted), lowercase.
    pub hash: Option<String>,
    /// How many images used it.
    pub images: u64,
    /// The distinct weights seen.
    pub weights: Vec<f64>,
    /// With `--have`: `present` or `missing`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub have: Option<&'static str>,
    /// With `--have`: the local file that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The model's page on the site.
    pub url: Option<String>,
    /// Where the API says the file downloads from.
    pub download_url: Option<String>,
    /// The API's whole answer about the version (without its preview images).
    pub api: Option<Value>,
}

/// Groups the tally's entries by the version the API resolved them to and counts each
/// group's images once per image.
pub fn build(tally: &Tally, answers: Vec<Option<Value>>, site: &url::Url) -> Vec<Row> {
    let mut groups: Vec<(Entry, Option<Value>)> = Vec::new();
    let mut group_of = vec![0usize; tally.entries.len()];
    for (i, (entry, answer)) in tally.entries.iter().zip(answers).enumerate() {
        let id = answer.as_ref().and_then(answer_id);
        let same = id.and_then(|id| {
            groups
                .iter()
                .position(|(_, a)| a.as_ref().and_then(answer_id) == Some(id))
        });
        group_of[i] = match same {
            Some(g) => {
                merge(&mut groups[g].0, entry.clone());
                g
            }
            None => {
                groups.push((entry.clone(), answer));
                groups.len() - 1
            }
        };
    }
    let mut counts = vec![0u64; groups.len()];
    for used in &tally.images {
        let mut seen: Vec<usize> = used.iter().map(|&e| group_of[e]).collect();
        seen.sort_unstable();
        seen.dedup();
        for g in seen {
            counts[g] += 1;
        }
    }
    let mut rows: Vec<Row> = groups
        .into_iter()
        .zip(counts)
        .map(|((entry, answer), images)| row(entry, answer, images, site))
        .collect();
    rows.sort_by(|a, b| {
        b.images
            .cmp(&a.images)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.name.cmp(&b.name))
    });
    rows
}

fn row(entry: Entry, api: Option<Value>, images: u64, site: &url::Url) -> Row {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(|s| clean(s, 200));
    let a = api.as_ref();
    let version_id = a.and_then(answer_id).or(entry.version_id);
    let model_id = a.and_then(|v| v.get("modelId")?.as_u64());
    let autov2 = a.and_then(|v| {
        file_hashes(v)
            .into_iter()
            .find(|h| h.len() == 10 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    let url = model_id.map(|m| {
        let mut url = site.clone();
        url.set_path(&format!("models/{m}"));
        if let Some(v) = version_id {
            url.query_pairs_mut()
                .append_pair("modelVersionId", &v.to_string());
        }
        url.to_string()
    });
    Row {
        kind: text(a.and_then(|v| v.pointer("/model/type")))
            .map(|k| kind_name(&k))
            .or(entry.kind),
        name: text(a.and_then(|v| v.pointer("/model/name"))).unwrap_or(entry.name),
        version: text(a.and_then(|v| v.get("name"))),
        version_id,
        model_id,
        base_model: text(a.and_then(|v| v.get("baseModel"))),
        hash: autov2.or(entry.hash),
        images,
        weights: entry.weights,
        have: None,
        path: None,
        url,
        download_url: text(a.and_then(|v| v.get("downloadUrl")))
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        api,
    }
}

/// Text from the API made one printable line of at most `max` characters.
fn clean(text: &str, max: usize) -> String {
    let cut: String = text.chars().take(max).collect();
    escape_line(&cut).into_owned()
}

/// Marks each row present (with the matching file) or missing.
pub fn mark_local(rows: &mut [Row], local: &[LocalModel]) {
    for row in rows.iter_mut() {
        let mut wanted: Vec<String> = row.api.as_ref().map(file_hashes).unwrap_or_default();
        wanted.extend(row.hash.clone());
        let found = local.iter().find(|m| {
            wanted
                .iter()
                .any(|h| *h == m.sha256 || (h.len() == 10 && h == m.autov2()))
        });
        row.have = Some(if found.is_some() {
            "present"
        } else {
            "missing"
        });
        row.path = found.map(|m| m.path.display().to_string());
    }
}

/// Writes the rows in `format`.
pub fn write(rows: &[Row], format: Format, width: Option<u16>, out: &mut impl Write) -> Result<()> {
    match format {
        Format::Jsonl => {
            for row in rows {
                serde_json::to_writer(&mut *out, row)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, rows)?;
            out.write_all(b"\n")?;
        }
        Format::Csv => write_csv(rows, out)?,
        Format::Table => write_table(rows, width, out)?,
    }
    out.flush()?;
    Ok(())
}

const CSV_HEADER: &[&str] = &[
    "type",
    "name",
    "version",
    "versionId",
    "modelId",
    "baseModel",
    "hash",
    "images",
    "weights",
    "have",
    "path",
    "url",
    "downloadUrl",
];

fn write_csv(rows: &[Row], out: &mut impl Write) -> Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(CSV_HEADER)?;
    for r in rows {
        let num = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
        csv.write_record([
            r.kind.clone().unwrap_or_default(),
            r.name.clone(),
            r.version.clone().unwrap_or_default(),
            num(r.version_id),
            num(r.model_id),
            r.base_model.clone().unwrap_or_default(),
            r.hash.clone().unwrap_or_default(),
            r.images.to_string(),
            weights(&r.weights),
            r.have.unwrap_or_default().to_string(),
            r.path
                .clone()
                .map(|p| escape_line(&p).into_owned())
                .unwrap_or_default(),
            r.url.clone().unwrap_or_default(),
            r.download_url.clone().unwrap_or_default(),
        ])?;
    }
    csv.flush()?;
    Ok(())
}

fn weights(w: &[f64]) -> String {
    w.iter().map(f64::to_string).collect::<Vec<_>>().join(";")
}

fn write_table(rows: &[Row], width: Option<u16>, out: &mut impl Write) -> Result<()> {
    use comfy_table::{presets, ContentArrangement, Table};
    let with_have = rows.iter().any(|r| r.have.is_some());
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = width {
        table.set_width(w);
    }
    let mut header = vec!["TYPE", "NAME", "VERSION", "ID", "BASE", "IMAGES", "WEIGHTS"];
    if with_have {
        header.push("HAVE");
    }
    table.set_header(header);
    for r in rows {
        let cell = |s: &str| escape_cell(&fit_width(s, 60)).into_owned();
        let mut line = vec![
            cell(r.kind.as_deref().unwrap_or("?")),
            cell(&r.name),
            cell(r.version.as_deref().unwrap_or("")),
            r.version_id.map(|v| v.to_string()).unwrap_or_default(),
            cell(r.base_model.as_deref().unwrap_or("")),
            r.images.to_string(),
            weights(&r.weights).replace(';', " "),
        ];
        if with_have {
            line.push(r.have.unwrap_or("").to_string());
        }
        table.add_row(line);
    }
    writeln!(out, "{table}")?;
    Ok(())
}
