//! A readable table for a terminal, printed page by page with the same column widths: one
//! line per item, never wider than the terminal. Every cell is escaped and cut to its
//! column's width before comfy-table sees it, so layout time stays linear in the input.

use std::io::Write;

use anyhow::Result;
use comfy_table::{Cell, ColumnConstraint, ContentArrangement, Table, Width};
use serde_json::Value;

use crate::item::Item;
use crate::text::width;

use super::columns::{self, Cut, Spec, DEFAULTS, DISPLAY_ORDER, TYPE_COLUMN};
use super::layout::{self, Need};
use super::{fit_cell, ItemWriter};
use crate::item::fields::Row;

/// Only a line under the header; a blank vertical line (the header line's intersections)
/// separates the columns: that is the layout's `GAP`.
const STYLE: &str = "     ──             ";

/// Width assumed when the output is not a terminal and `COLUMNS` is unset.
const FALLBACK_WIDTH: u16 = 120;

/// Narrowest layout: below this the id and user columns alone fill the line.
const MIN_WIDTH: u16 = 40;

/// A `--fields` column whose values are at most this wide is short (ids, counts, levels,
/// sizes, flags): it keeps its whole header and values, and the wide ones give up the room.
const SHORT_FIELD_COLUMN: usize = 16;

/// Narrowest a wide `--fields` column is cut to on a small terminal.
const MIN_FIELD_COLUMN: usize = 6;

/// One shown column: how its text is read and cut, and its width.
struct Shown {
    source: Source,
    width: usize,
}

impl Shown {
    /// The column's header: a default column's name, or the `--fields` path.
    fn header(&self) -> &str {
        match &self.source {
            Source::Default(spec) => spec.header,
            Source::Field(path) => path,
        }
    }
}

/// Where a column's text comes from.
enum Source {
    /// A default column.
    Default(&'static Spec),
    /// A `--fields` path.
    Field(String),
}

/// Renders items with comfy-table; widths are fixed from the first page so pages line up.
pub struct TableWriter<W: Write> {
    out: W,
    fields: Vec<String>,
    shown: Option<Vec<Shown>>,
    term_width: usize,
    rows: u64,
    /// Whether the layout was made for items other than images (the type column's turn).
    typed: bool,
}

impl<W: Write> TableWriter<W> {
    /// `fields` picks the columns (dotted paths); `term_width` is the terminal's, if known.
    pub fn new(out: W, fields: &[String], term_width: Option<u16>) -> Self {
        TableWriter {
            out,
            fields: fields.to_vec(),
            shown: None,
            term_width: usize::from(term_width.unwrap_or(FALLBACK_WIDTH).max(MIN_WIDTH)),
            rows: 0,
            typed: false,
        }
    }

    /// The columns and their widths, from the first page's content.
    fn layout(&self, items: &[Value]) -> Vec<Shown> {
        if self.fields.is_empty() {
            self.default_layout(items)
        } else {
            self.field_layout(items)
        }
    }

    /// Default columns by priority, the least useful left out on a narrow terminal, shown in
    /// reading order; the type column only when some item is not an image.
    fn default_layout(&self, items: &[Value]) -> Vec<Shown> {
        let mixed = !items.iter().all(columns::is_image);
        let candidates: Vec<usize> = (0..DEFAULTS.len())
            .filter(|&i| i != TYPE_COLUMN || mixed)
            .collect();
        let needs: Vec<Need> = candidates
            .iter()
            .map(|&i| default_need(&DEFAULTS[i], items))
            .collect();
        let mut widths = vec![None; DEFAULTS.len()];
        for (&i, width) in candidates.iter().zip(layout::fit(&needs, self.term_width)) {
            widths[i] = width;
        }
        DISPLAY_ORDER
            .iter()
            .filter_map(|&i| {
                widths[i].map(|width| Shown {
                    source: Source::Default(&DEFAULTS[i]),
                    width,
                })
            })
            .collect()
    }

    /// `--fields` columns in the order given, never left out: short ones whole, header
    /// included, and the terminal's width shared out among the wide ones (`layout::level`).
    fn field_layout(&self, items: &[Value]) -> Vec<Shown> {
        let rows: Vec<Row> = items.iter().map(Row::new).collect();
        let needs: Vec<Need> = self
            .fields
            .iter()
            .map(|path| {
                let content = rows
                    .iter()
                    .map(|row| width(&fit_cell(&row.cell(path), self.term_width + 1)))
                    .max()
                    .unwrap_or(0);
                let full = content.max(width(path)).min(self.term_width);
                let min = match content <= SHORT_FIELD_COLUMN {
                    true => full,
                    false => MIN_FIELD_COLUMN,
                };
                Need { min, full }
            })
            .collect();
        let widths = layout::level(&needs, self.term_width);
        self.fields
            .iter()
            .zip(widths)
            .map(|(path, width)| Shown {
                source: Source::Field(path.clone()),
                width,
            })
            .collect()
    }

    /// The cells of one item, each escaped and cut to its column.
    fn row(shown: &[Shown], item: &Value) -> Vec<String> {
        let fields = Row::new(item);
        shown
            .iter()
            .map(|col| match &col.source {
                Source::Default(spec) => columns::render(spec, item, col.width),
                Source::Field(path) => fit_cell(&fields.cell(path), col.width),
            })
            .collect()
    }

    fn table(&self, shown: &[Shown], first: bool) -> Table {
        let mut table = Table::new();
        table
            .load_preset(STYLE)
            .set_content_arrangement(ContentArrangement::Disabled);
        if first {
            let bold = crate::log::stdout_color();
            table.set_header(shown.iter().map(|col| {
                let cell = Cell::new(fit_cell(col.header(), col.width));
                if bold {
                    cell.add_attribute(comfy_table::Attribute::Bold)
                } else {
                    cell
                }
            }));
            if bold {
                table.enforce_styling();
            }
        }
        table
    }
}

/// What a default column needs for these items: its widest text within its bounds, and
/// that much at least when it is never cut.
fn default_need(spec: &Spec, items: &[Value]) -> Need {
    let content = items
        .iter()
        .map(|item| width(&fit_cell(&(spec.text)(item), spec.max + 1)))
        .max()
        .unwrap_or(0)
        .max(width(spec.header));
    let full = content.clamp(spec.min, spec.max);
    let min = match spec.cut {
        Cut::Never => full,
        _ => spec.min,
    };
    Need { min, full }
}

impl<W: Write> ItemWriter for TableWriter<W> {
    fn write_page(&mut self, items: &[Item]) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let values: Vec<Value> = items.iter().map(Item::value).collect();
        // The first video or audio item in a table laid out for images alone starts the table
        // again, with a type column and a header, so no item of another kind passes for an image.
        let not_only_images = !values.iter().all(columns::is_image);
        if not_only_images && !self.typed && self.fields.is_empty() {
            self.shown = None;
        }
        let first = self.shown.is_none();
        let shown = match self.shown.take() {
            Some(shown) => shown,
            None => {
                self.typed = not_only_images;
                self.layout(&values)
            }
        };
        let mut table = self.table(&shown, first);
        for item in &values {
            table.add_row(Self::row(&shown, item));
        }
        // Constraints and padding apply to existing columns only, so they come after the rows.
        table.set_constraints(
            shown
                .iter()
                .map(|col| ColumnConstraint::Absolute(Width::Fixed(col.width as u16))),
        );
        for column in table.column_iter_mut() {
            column.set_padding((0, 0));
        }
        for line in table.lines() {
            writeln!(self.out, "{}", line.trim_end())?;
        }
        self.shown = Some(shown);
        self.rows += items.len() as u64;
        self.out.flush()?;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        if self.rows == 0 {
            writeln!(self.out, "no images matched")?;
        }
        self.out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(items: &[Value], fields: &[&str], cols: u16) -> String {
        let mut out = Vec::new();
        let fields: Vec<String> = fields.iter().map(|s| s.to_string()).collect();
        let mut writer = TableWriter::new(&mut out, &fields, Some(cols));
        let items: Vec<Item> = items
            .iter()
            .map(|v| serde_json::from_str(&v.to_string()).unwrap())
            .collect();
        writer.write_page(&items).unwrap();
        writer.write_page(&items).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn item() -> Value {
        json!({
            "id": 10011180,
            "url": "https://image.civitai.com/xG1nkqKTMzGDvpLrqFT7WA/3a34b774-665a-4c16-b4b3-ca814c76dd26/original=true/3a34b774-665a-4c16-b4b3-ca814c76dd26.jpeg",
            "nsfwLevel": "Soft", "browsingLevel": 2, "width": 832, "height": 1216,
            "createdAt": "2026-07-12T17:36:54.000Z", "username": "Eve_Renders",
            "stats": {"likeCount": 42}, "meta": {"prompt": "a\u{1b}[31m cat\nin a hat"}
        })
    }

    #[test]
    fn default_columns_fit_and_stay_on_one_line() {
        for cols in [60u16, 80, 100, 120] {
            let text = render(&[item()], &[], cols);
            assert_eq!(text.lines().count(), 4, "{cols}: {text}");
            for line in text.lines() {
                assert!(width(line) <= usize::from(cols), "{cols}: {line}");
            }
            assert!(
                text.contains("10011180") && text.contains("Eve_Renders"),
                "{text}"
            );
            assert!(text.contains("PG-13") && !text.contains("Soft"), "{text}");
        }
        let wide = render(&[item()], &[], 100);
        assert!(
            wide.contains("3a34b774-665a-4c16-b4b3-ca814c76dd26"),
            "{wide}"
        );
        assert!(!wide.contains("http"), "{wide}");
    }

    #[test]
    fn field_cells_are_escaped_and_cut() {
        let text = render(&[item()], &["id", "meta.prompt"], 60);
        assert!(text.contains("a\\x1b[31m cat\\nin a hat"), "{text}");
        let mut long = item();
        long["meta"]["prompt"] = json!("x".repeat(1 << 17));
        let text = render(&[long], &["id", "meta.prompt"], 60);
        assert!(text.lines().all(|l| width(l) <= 60), "{text}");
        assert!(text.contains("x…"), "{text}");
    }

    /// Every page of `pages` through one writer, at `cols` columns.
    fn render_pages(pages: &[Vec<Value>], fields: &[&str], cols: u16) -> String {
        let mut out = Vec::new();
        let fields: Vec<String> = fields.iter().map(|s| s.to_string()).collect();
        let mut writer = TableWriter::new(&mut out, &fields, Some(cols));
        for page in pages {
            let items: Vec<Item> = page
                .iter()
                .map(|v| serde_json::from_str(&v.to_string()).unwrap())
                .collect();
            writer.write_page(&items).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    // Issue 17: the room goes to the wide columns, the line is the terminal's, and the
    // headers of short columns are whole.
    #[test]
    fn field_columns_share_the_width_and_keep_short_headers() {
        let mut long = item();
        long["meta"]["prompt"] = json!("masterpiece, ".repeat(20));
        long["nsfw"] = json!(false);
        let fields = ["id", "nsfw", "stats.likeCount", "meta.prompt", "url"];
        for cols in [60u16, 80, 120, 200] {
            let text = render(&[long.clone()], &fields, cols);
            let lines: Vec<&str> = text.lines().collect();
            let header: Vec<&str> = lines[0].split_whitespace().collect();
            assert_eq!(
                header[..3],
                ["id", "nsfw", "stats.likeCount"],
                "{cols}: {text}"
            );
            // Prompt and url are wider than any line: the row fills it, but for the last
            // column, which stays free as under the default columns (`layout::GAP`).
            assert_eq!(width(lines[2]), usize::from(cols) - 1, "{cols}: {text}");
            assert!(lines[2].starts_with("10011180 false "), "{cols}: {text}");
        }
        // On a wide terminal the prompt shows more than any fixed cap would let it.
        let wide = render(&[long], &fields, 200);
        assert!(wide.contains(&"masterpiece, ".repeat(6)), "{wide}");
    }

    // Issue 17: a table of mixed media shows the type; one of images alone does not.
    #[test]
    fn a_type_column_appears_for_mixed_media() {
        let mut video = item();
        video["id"] = json!(10011181);
        video["type"] = json!("video");
        let mut image = item();
        image["type"] = json!("image");
        let images = render_pages(&[vec![image.clone()]], &[], 100);
        assert!(!images.lines().next().unwrap().contains("type"), "{images}");
        let mixed = render_pages(&[vec![image.clone(), video.clone()]], &[], 100);
        let header = mixed.lines().next().unwrap();
        assert!(header.contains(" type "), "{mixed}");
        assert!(mixed
            .lines()
            .any(|l| l.starts_with("10011181") && l.contains(" video ")));
        // A video on a later page starts the table again with the column, once.
        let later = render_pages(&[vec![image.clone()], vec![video], vec![image]], &[], 100);
        let headers: Vec<&str> = later.lines().filter(|l| l.starts_with("id ")).collect();
        assert_eq!(headers.len(), 2, "{later}");
        assert!(
            !headers[0].contains("type") && headers[1].contains(" type "),
            "{later}"
        );
        assert_eq!(later.lines().count(), 3 + 4, "{later}");
    }
}
