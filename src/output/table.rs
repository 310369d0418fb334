//! A readable table for a terminal, printed page by page with the same column widths.

use std::io::Write;

use anyhow::Result;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};
use serde_json::Value;

use crate::api::Item;

use super::fields::{cell, lookup, Row};
use super::ItemWriter;

/// Only a line under the header; columns separated by their padding.
const STYLE: &str = "     ──             ";

/// Width assumed when the output is not a terminal and `COLUMNS` is unset.
const FALLBACK_WIDTH: u16 = 120;

/// Widest a column may start out; longer text wraps.
const MAX_COLUMN: usize = 60;

/// The default columns: header and how to read each from an item.
const DEFAULT_COLUMNS: &[&str] = &["id", "user", "size", "level", "likes", "created", "url"];

/// Least widths of the default columns: 8-digit ids, `1216×1216`, `Mature`, a date and time.
const DEFAULT_MIN_WIDTHS: &[usize] = &[8, 8, 9, 6, 5, 16, 0];

/// Renders items with comfy-table; widths are fixed from the first page so pages line up.
pub struct TableWriter<W: Write> {
    out: W,
    columns: Vec<String>,
    custom: bool,
    widths: Option<Vec<u16>>,
    term_width: u16,
    rows: u64,
}

impl<W: Write> TableWriter<W> {
    /// `fields` picks the columns (dotted paths); `term_width` is the terminal's, if known.
    pub fn new(out: W, fields: &[String], term_width: Option<u16>) -> Self {
        let custom = !fields.is_empty();
        let columns = if custom {
            fields.to_vec()
        } else {
            DEFAULT_COLUMNS.iter().map(|s| s.to_string()).collect()
        };
        TableWriter {
            out,
            columns,
            custom,
            widths: None,
            term_width: term_width.unwrap_or(FALLBACK_WIDTH).max(40),
            rows: 0,
        }
    }

    fn row(&self, item: &Value) -> Vec<String> {
        if self.custom {
            let row = Row::new(item);
            return self.columns.iter().map(|f| row.cell(f)).collect();
        }
        let size = match (lookup(item, "width"), lookup(item, "height")) {
            (Some(w), Some(h)) if !w.is_null() && !h.is_null() => format!("{w}×{h}"),
            _ => String::new(),
        };
        let created = cell(lookup(item, "createdAt"));
        let created: String = created.replace('T', " ").chars().take(16).collect();
        vec![
            cell(lookup(item, "id")),
            cell(lookup(item, "username")),
            size,
            cell(lookup(item, "nsfwLevel")),
            cell(lookup(item, "stats.likeCount")),
            created,
            cell(lookup(item, "url")),
        ]
    }

    /// Column widths from the first page: content width capped, then the widest columns
    /// shrunk until the row fits the terminal.
    fn fit_widths(&self, rows: &[Vec<String>]) -> Vec<u16> {
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        if !self.custom {
            // Later pages keep these widths, so leave room for what they commonly hold.
            for (w, min) in widths.iter_mut().zip(DEFAULT_MIN_WIDTHS) {
                *w = (*w).max(*min);
            }
        }
        for row in rows {
            for (w, text) in widths.iter_mut().zip(row) {
                *w = (*w).max(text.chars().count().min(MAX_COLUMN));
            }
        }
        // Each column has one space of padding per side, and the (blank) borders and
        // column separators take one more each.
        let padding = 2 * widths.len() + widths.len() + 1;
        let budget = (self.term_width as usize).saturating_sub(padding);
        while widths.iter().sum::<usize>() > budget {
            let widest = (0..widths.len()).max_by_key(|&i| widths[i]).unwrap_or(0);
            if widths[widest] <= 6 {
                break;
            }
            widths[widest] -= 1;
        }
        // Room left over goes to the default table's url, up to its full length.
        if !self.custom {
            let longest = rows
                .iter()
                .filter_map(|r| r.last())
                .map(|u| u.chars().count())
                .max()
                .unwrap_or(0);
            let spare = budget.saturating_sub(widths.iter().sum::<usize>());
            if let Some(url) = widths.last_mut() {
                *url = longest.min(*url + spare).max(*url);
            }
        }
        widths.iter().map(|&w| (w + 2) as u16).collect()
    }
}

impl<W: Write> ItemWriter for TableWriter<W> {
    fn write_page(&mut self, items: &[Item]) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let rows: Vec<Vec<String>> = items.iter().map(|i| self.row(&i.value())).collect();
        let first = self.widths.is_none();
        let widths = match &self.widths {
            Some(w) => w.clone(),
            None => {
                let w = self.fit_widths(&rows);
                self.widths = Some(w.clone());
                w
            }
        };
        let mut table = Table::new();
        table
            .load_preset(STYLE)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(self.term_width);
        if first {
            let bold = crate::log::stdout_color();
            table.set_header(self.columns.iter().map(|c| {
                let cell = comfy_table::Cell::new(c);
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
        for mut cells in rows {
            // The default columns read best one item per line: a long url keeps its start and
            // its file name (the uuid) around an ellipsis; jsonl, csv or `--fields url` give it
            // whole. Chosen columns wrap instead.
            if !self.custom {
                if let (Some(url), Some(&w)) = (cells.last_mut(), widths.last()) {
                    *url = shorten_middle(url, usize::from(w).saturating_sub(2));
                }
            }
            table.add_row(cells);
        }
        // Constraints apply to existing columns only, so they come after the rows.
        table.set_constraints(
            widths
                .iter()
                .map(|&w| ColumnConstraint::Absolute(Width::Fixed(w))),
        );
        for line in table.lines() {
            writeln!(self.out, "{}", line.trim_end())?;
        }
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

/// `text` cut to `max` characters by replacing its middle with `…`: a third from the start,
/// the rest from the end.
fn shorten_middle(text: &str, max: usize) -> String {
    let len = text.chars().count();
    if len <= max || max < 5 {
        return text.to_string();
    }
    let head = max / 3;
    let tail = max - head - 1;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(len - tail).collect();
    format!("{start}…{end}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_keeps_both_ends() {
        let url = "http://localhost:1/key/abcdef-0123/original=true/abcdef-0123.jpeg";
        let short = shorten_middle(url, 30);
        assert_eq!(short.chars().count(), 30);
        assert!(
            short.starts_with("http://loc") && short.ends_with("abcdef-0123.jpeg"),
            "{short}"
        );
        assert_eq!(shorten_middle("short", 30), "short");
    }
}
