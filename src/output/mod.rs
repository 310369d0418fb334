//! Output writers for `list` (table, JSON lines, JSON array and CSV, each streaming page by
//! page) and for `meta` (a record as a table or a JSON line).

mod columns;
mod csv;
mod layout;
mod record;
mod table;

use std::io::Write;

use crate::item::{fields, Item};
use anyhow::Result;

use crate::text::{escape_line, fit_width};
use crate::values::Format;

pub use self::csv::{CsvWriter, DEFAULT_CSV_FIELDS};
pub use self::record::RecordWriter;
pub use self::table::TableWriter;

/// The width tables are laid out for: `COLUMNS` when set to a number (as shells and `ls`
/// read it), else the terminal's when stdout is one, else `None` (the writer's default).
pub fn table_width(stdout_is_terminal: bool) -> Option<u16> {
    match columns_env() {
        Some(n) => Some(n),
        None if stdout_is_terminal => comfy_table::Table::new().width(),
        None => None,
    }
}

/// The width stderr's lines should fit: `COLUMNS` when set, else the terminal's when stderr
/// is one, else `None` (a pipe or a file: no wrapping).
pub fn stderr_width() -> Option<u16> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    columns_env().or_else(|| comfy_table::Table::new().use_stderr().width())
}

/// `COLUMNS` when set to a positive number.
fn columns_env() -> Option<u16> {
    let columns = std::env::var("COLUMNS").ok()?;
    columns.trim().parse::<u16>().ok().filter(|&n| n > 0)
}

/// A cell's text on one line, escaped, at most `max` columns wide. The text is cut before
/// it is escaped, so a huge value costs no more than its first `max` characters.
fn fit_cell(text: &str, max: usize) -> String {
    let cut = fit_width(text, max);
    fit_width(&escape_line(&cut), max).into_owned()
}

/// Receives items a page at a time and renders them.
pub trait ItemWriter {
    /// Writes one page's items and flushes, so a pipe sees them as they arrive.
    fn write_page(&mut self, items: &[Item]) -> Result<()>;
    /// Closes the output (the JSON array's `]`, say) and flushes.
    fn finish(&mut self) -> Result<()>;
}

/// Picks the writer for a format; `fields` chooses columns for table and csv.
pub fn writer<'w, W: Write + 'w>(
    format: Format,
    out: W,
    fields: &[String],
    term_width: Option<u16>,
) -> Box<dyn ItemWriter + 'w> {
    let fields = fields.to_vec();
    match format {
        Format::Jsonl => Box::new(JsonLines { out, fields }),
        Format::Json => Box::new(JsonArray {
            out,
            fields,
            first: true,
        }),
        Format::Csv => Box::new(CsvWriter::new(out, &fields)),
        Format::Table => Box::new(TableWriter::new(out, &fields, term_width)),
    }
}

/// One item per line, exactly the fields the API sent, in its order (or only `--fields`).
struct JsonLines<W> {
    out: W,
    fields: Vec<String>,
}

impl<W: Write> ItemWriter for JsonLines<W> {
    fn write_page(&mut self, items: &[Item]) -> Result<()> {
        for item in items {
            write_compact(&mut self.out, item, &self.fields)?;
            self.out.write_all(b"\n")?;
        }
        self.out.flush()?;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// One JSON array, written element by element.
struct JsonArray<W> {
    out: W,
    fields: Vec<String>,
    first: bool,
}

impl<W: Write> ItemWriter for JsonArray<W> {
    fn write_page(&mut self, items: &[Item]) -> Result<()> {
        for item in items {
            self.out
                .write_all(if self.first { b"[\n" } else { b",\n" })?;
            self.first = false;
            write_compact(&mut self.out, item, &self.fields)?;
        }
        self.out.flush()?;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.out
            .write_all(if self.first { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()?;
        Ok(())
    }
}

/// The item's text as the API sent it, unless it spans lines (a pretty-printed answer):
/// then it is re-serialized compactly so that JSON lines stay one item per line. With
/// `--fields`, only those fields (`fields::project`).
fn write_compact<W: Write>(out: &mut W, item: &Item, fields: &[String]) -> Result<()> {
    let raw = item.raw();
    if !fields.is_empty() {
        serde_json::to_writer(out, &fields::project(&item.value(), fields))?;
    } else if raw.contains('\n') {
        serde_json::to_writer(out, &item.value())?;
    } else {
        out.write_all(raw.as_bytes())?;
    }
    Ok(())
}
