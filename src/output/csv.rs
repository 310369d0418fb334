//! CSV: a header row, then one row per item with flattened columns.

use std::io::Write;

use anyhow::Result;

use super::ItemWriter;
use crate::item::fields::Row;
use crate::item::Item;

/// CSV columns when `--fields` is not given: every documented item field, flattened.
pub const DEFAULT_CSV_FIELDS: &[&str] = &[
    "id",
    "url",
    "width",
    "height",
    "type",
    "nsfwLevel",
    "browsingLevel",
    "createdAt",
    "postId",
    "username",
    "baseModel",
    "modelVersionIds",
    "hash",
    // doc/api.md, "The official reference": a video's still, null for images.
    "thumbnail.url",
    "thumbnail.width",
    "thumbnail.height",
    "stats.likeCount",
    "stats.heartCount",
    "stats.laughCount",
    "stats.cryCount",
    "stats.dislikeCount",
    "stats.commentCount",
    "meta.prompt",
    "meta.negativePrompt",
    "meta.seed",
    "meta.steps",
    "meta.sampler",
    "meta.cfgScale",
    "meta.Model",
];

/// Streams rows through the `csv` crate (quoting, embedded newlines and commas handled there).
pub struct CsvWriter<W: Write> {
    out: csv::Writer<W>,
    fields: Vec<String>,
    header_written: bool,
}

impl<W: Write> CsvWriter<W> {
    /// Columns are `fields`, or every documented field when empty.
    pub fn new(out: W, fields: &[String]) -> Self {
        let fields = if fields.is_empty() {
            DEFAULT_CSV_FIELDS.iter().map(|s| s.to_string()).collect()
        } else {
            fields.to_vec()
        };
        CsvWriter {
            out: csv::Writer::from_writer(out),
            fields,
            header_written: false,
        }
    }

    fn header(&mut self) -> Result<()> {
        if !self.header_written {
            self.out.write_record(&self.fields)?;
            self.header_written = true;
        }
        Ok(())
    }
}

impl<W: Write> ItemWriter for CsvWriter<W> {
    fn write_page(&mut self, items: &[Item]) -> Result<()> {
        self.header()?;
        for item in items {
            let value = item.value();
            let row = Row::new(&value);
            self.out
                .write_record(self.fields.iter().map(|f| row.cell(f)))?;
        }
        self.out.flush()?;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.header()?;
        self.out.flush()?;
        Ok(())
    }
}
