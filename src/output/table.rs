//! A readable table for a terminal, printed page by page with the same column widths: one
//! line per item, never wider than the terminal. Every cell is escaped and cut to its
//! column's width before comfy-table sees it, so layout time stays linear in the input.

use std::io::Write;

use anyhow::Result;
use comfy_table::{Cell, ColumnConstraint, ContentArrangement, Table, Width};
use serde_json::Value;

use crate::item::Item;
use crate::text::width;

use super::columns::{self, Cut, Spec, DEFAULTS, DISPLAY_ORDER};
use super::fields::Row;
use super::layout::{self, Need};
use super::{fit_cell, ItemWriter};

/// Only a line under the header; a blank vertical line (the header line's intersections)
/// separates the columns: that is the layout's `GAP`.
const STYLE: &str = "     ──             ";

/// Width assumed when the output is not a terminal and `COLUMNS` is unset.
const FALLBACK_WIDTH: u16 = 120;

/// Narrowest layout: below this the id and user columns alone fill the line.
const MIN_WIDTH: u16 = 40;

/// Widest a `--fields` column starts out; longer text is cut with `…`.
const MAX_FIELD_COLUMN: usize = 60;

/// Narrowest a `--fields` column is squeezed to on a small terminal.
const MIN_FIELD_COLUMN: usize = 4;

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
    /// reading order.
    fn default_layout(&self, items: &[Value]) -> Vec<Shown> {
        let needs: Vec<Need> = DEFAULTS
            .iter()
            .map(|spec| {
                let content = items
                    .iter()
                    .map(|item| width(&fit_cell(&(spec.text)(item), spec.max + 1)))
                    .max()
                    .unwrap_or(0)
                    .max(width(spec.header));
                let full = content.clamp(spec.min, spec.max);
                let min = if spec.cut == Cut::Never {
                    full
                } else {
                    spec.min
                };
                Need { min, full }
            })
            .collect();
        let widths = layout::fit(&needs, self.term_width);
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

    /// `--fields` columns in the order given, each squeezed as far as needed but never left out.
    fn field_layout(&self, items: &[Value]) -> Vec<Shown> {
        let rows: Vec<Row> = items.iter().map(Row::new).collect();
        let needs: Vec<Need> = self
            .fields
            .iter()
            .map(|path| {
                let content = rows
                    .iter()
                    .map(|row| width(&fit_cell(&row.cell(path), MAX_FIELD_COLUMN + 1)))
                    .max()
                    .unwrap_or(0);
                let full = content.max(width(path)).min(MAX_FIELD_COLUMN);
                Need {
                    min: full.min(MIN_FIELD_COLUMN),
                    full,
                }
            })
            .collect();
        let widths = layout::fit(&needs, self.term_width);
        self.fields
            .iter()
            .zip(widths.iter().zip(&needs))
            .map(|(path, (width, need))| Shown {
                source: Source::Field(path.clone()),
                width: width.unwrap_or(need.min),
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

impl<W: Write> ItemWriter for TableWriter<W> {
    fn write_page(&mut self, items: &[Item]) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let values: Vec<Value> = items.iter().map(Item::value).collect();
        let first = self.shown.is_none();
        let shown = match self.shown.take() {
            Some(shown) => shown,
            None => self.layout(&values),
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
}
