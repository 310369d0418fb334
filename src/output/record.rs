//! `civimg meta` output: a generation record as a two-column table for people, or for machines
//! as JSON (one array), JSON lines or CSV, agreeing with `list --format`.

use std::io::Write;

use anyhow::Result;
use comfy_table::{presets, ColumnConstraint, ContentArrangement, Table, Width};

use crate::meta::{GenRecord, Resource, API_SOURCE};
use crate::text;
use crate::values::MetaFormat;

/// Width used when stdout is not a terminal.
pub const FALLBACK_WIDTH: u16 = 100;

/// Narrowest table we lay out; below this wrapping makes prompts unreadable anyway.
const MIN_WIDTH: u16 = 40;

/// The CSV columns: the record's common fields, by their JSON names.
const CSV_COLUMNS: [&str; 16] = [
    "source",
    "generator",
    "prompt",
    "negativePrompt",
    "seed",
    "steps",
    "sampler",
    "scheduler",
    "cfgScale",
    "width",
    "height",
    "model",
    "modelHash",
    "clipSkip",
    "denoisingStrength",
    "resources",
];

/// Writes records one after another, flushing each so a pipe sees it at once.
pub struct RecordWriter<W: Write> {
    out: W,
    format: MetaFormat,
    width: u16,
    written: u64,
}

impl<W: Write> RecordWriter<W> {
    /// `width` is the terminal's when known; tables wrap to it (else [`FALLBACK_WIDTH`]).
    pub fn new(out: W, format: MetaFormat, width: Option<u16>) -> Self {
        RecordWriter {
            out,
            format,
            width: width.unwrap_or(FALLBACK_WIDTH).max(MIN_WIDTH),
            written: 0,
        }
    }

    /// Writes one record: a table (after a blank line unless it is the first) or a JSON line.
    pub fn write(&mut self, record: &GenRecord) -> Result<()> {
        match self.format {
            MetaFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, record)?;
                self.out.write_all(b"\n")?;
            }
            MetaFormat::Json => {
                self.out
                    .write_all(if self.written == 0 { b"[" } else { b"," })?;
                serde_json::to_writer(&mut self.out, record)?;
            }
            MetaFormat::Csv => self.csv_row(record)?,
            MetaFormat::Table => {
                if self.written > 0 {
                    self.out.write_all(b"\n")?;
                }
                for line in table(record, self.width).lines() {
                    writeln!(self.out, "{}", line.trim_end())?;
                }
            }
        }
        self.written += 1;
        self.out.flush()?;
        Ok(())
    }

    /// One CSV row (after the header, for the first): text through the `csv` crate, so
    /// commas, quotes and newlines in a prompt stay inside their cell.
    fn csv_row(&mut self, record: &GenRecord) -> Result<()> {
        let value = serde_json::to_value(record)?;
        let cell = |key: &str| match (key, value.get(key)) {
            ("resources", _) => record
                .resources
                .iter()
                .map(Resource::label)
                .collect::<Vec<_>>()
                .join(";"),
            (_, None | Some(serde_json::Value::Null)) => String::new(),
            (_, Some(serde_json::Value::String(s))) => s.clone(),
            (_, Some(other)) => other.to_string(),
        };
        let mut csv = csv::Writer::from_writer(Vec::new());
        if self.written == 0 {
            csv.write_record(CSV_COLUMNS)?;
        }
        csv.write_record(CSV_COLUMNS.map(cell))?;
        let row = csv
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
        self.out.write_all(&row)?;
        Ok(())
    }

    /// Ends the output: closes the JSON array (`[]` when there was no record).
    pub fn finish(&mut self) -> Result<()> {
        if self.format == MetaFormat::Json {
            self.out
                .write_all(if self.written == 0 { b"[]\n" } else { b"]\n" })?;
        }
        self.out.flush()?;
        Ok(())
    }

    /// Flushes what is buffered (before an error goes to stderr, say).
    pub fn flush(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// Widest label (`negative prompt`): the label column keeps this width for every record of a
/// run, whichever labels a record has, so the values of all records line up.
const LABEL_WIDTH: u16 = 15;

/// Most display columns of a value laid out; the rest is cut with `…` (JSON keeps it all).
/// Laying out is then quick however long a value is.
const MAX_VALUE_COLUMNS: usize = 8192;

/// Most lines of a value laid out.
const MAX_VALUE_LINES: usize = 200;

/// The record as label/value rows, wrapped to `width`.
fn table(record: &GenRecord, width: u16) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .add_rows(
            rows(record)
                .into_iter()
                .map(|[label, value]| [label, fit_value(&value, value_width(width))]),
        );
    if let Some(labels) = table.column_mut(0) {
        labels.set_padding((0, 1));
        labels.set_constraint(ColumnConstraint::Absolute(Width::Fixed(LABEL_WIDTH + 1)));
    }
    table
}

/// The value column's text width in a table `width` wide (label, its gap, the value's padding).
fn value_width(width: u16) -> usize {
    usize::from(width.saturating_sub(LABEL_WIDTH + 1 + 2)).max(1)
}

/// A value made safe and bounded for the table: control characters escaped (newlines kept),
/// at most [`MAX_VALUE_LINES`] lines and [`MAX_VALUE_COLUMNS`] columns, `…` where cut. A word
/// wider than the column is broken at the column's width here (comfy-table's own splitting of
/// long words takes time quadratic in their length).
fn fit_value(value: &str, column: usize) -> String {
    let mut out = String::new();
    let mut budget = MAX_VALUE_COLUMNS;
    for (i, line) in value.split('\n').enumerate() {
        if i == MAX_VALUE_LINES || budget == 0 {
            out.push('…');
            break;
        }
        if i > 0 {
            out.push('\n');
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = super::fit_cell(line, budget);
        budget = budget.saturating_sub(text::width(&line).max(1));
        break_long_words(&line, column, &mut out);
    }
    out
}

/// Appends `line` to `out`, each word wider than `column` broken into pieces of that width.
fn break_long_words(line: &str, column: usize, out: &mut String) {
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if text::width(word) <= column {
            out.push_str(word);
            continue;
        }
        let mut used = 0;
        for c in word.chars() {
            let w = text::width(c.encode_utf8(&mut [0; 4]));
            if used + w > column && used > 0 {
                out.push('\n');
                used = 0;
            }
            out.push(c);
            used += w;
        }
    }
}

/// The fields a person reads first, in reading order; empty ones left out. Everything
/// else (`extra`, version ids) is in `--format json`.
pub fn rows(r: &GenRecord) -> Vec<[String; 2]> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let num = |v: Option<f64>| v.map(|n| n.to_string()).unwrap_or_default();
    let int = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
    let candidates = [
        ("source", source(r)),
        ("generator", text(&r.generator)),
        ("prompt", text(&r.prompt)),
        ("negative prompt", text(&r.negative_prompt)),
        ("model", model(r)),
        ("sampler", text(&r.sampler)),
        ("scheduler", text(&r.scheduler)),
        ("steps", int(r.steps.map(u64::from))),
        ("cfg scale", num(r.cfg_scale)),
        ("seed", int(r.seed)),
        ("size", size(r)),
        ("clip skip", int(r.clip_skip.map(u64::from))),
        ("denoise", num(r.denoising_strength)),
        ("hires", hires(r)),
        ("resources", resources(&r.resources, r.resources_dropped)),
    ];
    candidates
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(label, value)| [label.to_string(), value])
        .collect()
}

/// `api (image 469632)` for an API record; a file record's source is its path already.
fn source(r: &GenRecord) -> String {
    match r.extra.get("id").and_then(serde_json::Value::as_u64) {
        Some(id) if r.source == API_SOURCE => format!("{API_SOURCE} (image {id})"),
        _ => r.source.clone(),
    }
}

/// `name [hash]`, or whichever of the two is known.
fn model(r: &GenRecord) -> String {
    match (&r.model, &r.model_hash) {
        (Some(name), Some(hash)) => format!("{name} [{hash}]"),
        (Some(name), None) => name.clone(),
        (None, Some(hash)) => format!("[{hash}]"),
        (None, None) => String::new(),
    }
}

/// `832x1216`, or the one side that is known.
fn size(r: &GenRecord) -> String {
    match (r.width, r.height) {
        (Some(w), Some(h)) => format!("{w}x{h}"),
        (Some(w), None) => format!("width {w}"),
        (None, Some(h)) => format!("height {h}"),
        (None, None) => String::new(),
    }
}

/// `2x 4x-UltraSharp`.
fn hires(r: &GenRecord) -> String {
    let Some(h) = &r.hires else {
        return String::new();
    };
    let factor = h.upscale.map(|u| format!("{u}x"));
    let steps = h.steps.map(|n| format!("{n} steps"));
    [factor, h.upscaler.clone(), steps]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

/// One line per resource: `name (type) weight hash`, leaving out what is unknown; a
/// resource known only by its Civitai version id shows that. A last line counts the
/// resources the record did not keep.
fn resources(list: &[Resource], dropped: Option<u64>) -> String {
    let line = |res: &Resource| {
        let parts = [
            Some(res.label()).filter(|n| !n.is_empty()),
            res.kind.as_ref().map(|k| format!("({k})")),
            res.weight.map(|w| w.to_string()),
            res.hash.clone(),
        ];
        parts.into_iter().flatten().collect::<Vec<_>>().join(" ")
    };
    let dropped = dropped.map(|n| format!("(and {n} more, not kept)"));
    list.iter()
        .map(line)
        .filter(|l| !l.is_empty())
        .chain(dropped)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::Hires;

    fn record() -> GenRecord {
        GenRecord {
            prompt: Some("a lighthouse at dusk, ".repeat(12)),
            negative_prompt: Some("fog".into()),
            steps: Some(30),
            sampler: Some("DPM++ 2M".into()),
            scheduler: Some("Karras".into()),
            cfg_scale: Some(7.0),
            seed: Some(18_446_744_073_709_551_615),
            width: Some(832),
            height: Some(1216),
            model: Some("juggernaut".into()),
            model_hash: Some("6ce0161689".into()),
            clip_skip: Some(2),
            denoising_strength: Some(0.4),
            hires: Some(Hires {
                upscaler: Some("4x-UltraSharp".into()),
                upscale: Some(2.0),
                steps: None,
            }),
            resources: vec![
                Resource {
                    name: "armor".into(),
                    kind: Some("lora".into()),
                    weight: Some(0.8),
                    hash: Some("0123abcd".into()),
                    model_version_id: None,
                },
                Resource {
                    name: String::new(),
                    kind: Some("checkpoint".into()),
                    model_version_id: Some(42),
                    ..Resource::default()
                },
            ],
            source: "x/1.png".into(),
            ..GenRecord::default()
        }
    }

    fn render(record: &GenRecord, width: u16) -> String {
        let mut out = Vec::new();
        let mut writer = RecordWriter::new(&mut out, MetaFormat::Table, Some(width));
        writer.write(record).unwrap();
        writer.write(record).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn table_reads_top_down_and_wraps_to_the_width() {
        let text = render(&record(), 60);
        assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
        let first = text.split("\n\n").next().unwrap();
        insta::assert_snapshot!(first, @r"
        source           x/1.png
        prompt           a lighthouse at dusk, a lighthouse at
                         dusk, a lighthouse at dusk, a lighthouse
                         at dusk, a lighthouse at dusk, a
                         lighthouse at dusk, a lighthouse at dusk,
                         a lighthouse at dusk, a lighthouse at
                         dusk, a lighthouse at dusk, a lighthouse
                         at dusk, a lighthouse at dusk,
        negative prompt  fog
        model            juggernaut [6ce0161689]
        sampler          DPM++ 2M
        scheduler        Karras
        steps            30
        cfg scale        7
        seed             18446744073709551615
        size             832x1216
        clip skip        2
        denoise          0.4
        hires            2x 4x-UltraSharp
        resources        armor (lora) 0.8 0123abcd
                         version 42 (checkpoint)
        ");
    }

    #[test]
    fn every_record_of_a_run_has_the_same_key_column() {
        let short = GenRecord {
            prompt: Some("a cat".into()),
            seed: Some(7),
            source: "a.png".into(),
            ..GenRecord::default()
        };
        let text = render(&short, 80) + &render(&record(), 80);
        let starts: Vec<usize> = text
            .lines()
            .filter(|l| l.starts_with("prompt") || l.starts_with("seed"))
            .map(|l| {
                let gap = l.find(' ').unwrap();
                gap + l[gap..].find(|c: char| c != ' ').unwrap()
            })
            .collect();
        assert!(
            starts.len() >= 4 && starts.iter().all(|&s| s == starts[0]),
            "{text}"
        );
    }

    #[test]
    fn huge_values_are_cut_and_escaped_before_layout() {
        let r = GenRecord {
            prompt: Some(format!("{}\x1b[2J", "x".repeat(1 << 17))),
            negative_prompt: Some("a\r\nb\u{9b}".into()),
            source: "x.png".into(),
            ..GenRecord::default()
        };
        let text = render(&r, 60);
        assert!(text.lines().all(|l| text::width(l) <= 60));
        assert!(
            text.contains("x…") && !text.contains('\x1b'),
            "cut, escaped"
        );
        assert!(text.contains("b\\u{9b}"), "{text}");
        assert!(text.len() < 3 * MAX_VALUE_COLUMNS, "{}", text.len());
    }

    #[test]
    fn empty_fields_are_left_out() {
        let r = GenRecord {
            prompt: Some("just a prompt".into()),
            source: "api".into(),
            ..GenRecord::default()
        };
        let labels: Vec<String> = rows(&r).into_iter().map(|[l, _]| l).collect();
        assert_eq!(labels, ["source", "prompt"]);
    }

    #[test]
    fn json_is_one_line_per_record() {
        let mut out = Vec::new();
        let mut writer = RecordWriter::new(&mut out, MetaFormat::Jsonl, None);
        writer.write(&record()).unwrap();
        writer.write(&record()).unwrap();
        writer.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let back: GenRecord = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(back, record());
    }

    // issue 17: `meta --format` agrees with `list`: json is one array, csv exists.
    #[test]
    fn json_is_one_array_and_csv_one_row_a_record() {
        let write = |format: MetaFormat, n: usize| {
            let mut out = Vec::new();
            let mut writer = RecordWriter::new(&mut out, format, None);
            for _ in 0..n {
                writer.write(&record()).unwrap();
            }
            writer.finish().unwrap();
            String::from_utf8(out).unwrap()
        };
        let array: Vec<GenRecord> = serde_json::from_str(&write(MetaFormat::Json, 2)).unwrap();
        assert_eq!(array, [record(), record()]);
        assert_eq!(write(MetaFormat::Json, 0), "[]\n");
        let csv = write(MetaFormat::Csv, 2);
        let mut rows = csv::Reader::from_reader(csv.as_bytes());
        let header = rows.headers().unwrap().clone();
        assert_eq!(&header[2], "prompt");
        let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][2], record().prompt.unwrap());
        assert_eq!(&rows[0][4], "18446744073709551615");
        assert_eq!(&rows[0][15], "armor;version 42");
    }
}
