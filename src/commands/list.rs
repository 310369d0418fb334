//! `civimg list`: walk the query and print each page as it arrives.

use std::io::{BufWriter, IsTerminal};
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Format, ListArgs};
use crate::output;
use crate::settings::Settings;
use crate::walk::paginator::Paginator;
use crate::walk::query::ImageQuery;

/// Runs `list`; items already written stay written when a later page fails.
pub async fn run(settings: &Settings, args: &ListArgs) -> Result<ExitCode> {
    let query = ImageQuery::from_args(&args.query, !args.no_meta)?;
    let client = settings.client(settings.log())?;
    let stdout = std::io::stdout();
    let is_tty = stdout.is_terminal();
    let format =
        settings
            .format(args.format)
            .unwrap_or(if is_tty { Format::Table } else { Format::Jsonl });
    let term_width = output::table_width(is_tty);
    let out = BufWriter::new(stdout.lock());
    // With --with-tags the default CSV columns gain the tag names.
    let fields = if args.fields.is_empty() && args.query.with_tags && format == Format::Csv {
        let mut all: Vec<String> = output::DEFAULT_CSV_FIELDS
            .iter()
            .map(|f| f.to_string())
            .collect();
        all.push("tags".into());
        all
    } else {
        args.fields.clone()
    };
    let mut writer = output::writer(format, out, &fields, term_width);
    let mut walk = Paginator::new(&client, &query);
    loop {
        match walk.next_page().await {
            Ok(Some(batch)) => writer.write_page(&batch.items)?,
            Ok(None) => break,
            Err(err) => {
                // What was written stays valid: a JSON array is closed before the error.
                writer.finish()?;
                return Err(err.into());
            }
        }
    }
    writer.finish()?;
    if walk.emitted() == 0 && walk.some_target_exists() {
        if let Some(hint) = pg_only_hint(&query) {
            settings.log().warn(hint);
        }
    }
    if let Some(notice) = walk.pg_cap_notice() {
        settings.log().warn(notice);
    }
    match walk.missing_error() {
        Some(missing) => Err(missing),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// doc/api.md: with neither `nsfw` nor `browsingLevel` the API answers PG images only, so an
/// empty result may only mean that nothing PG matched.
pub fn pg_only_hint(query: &ImageQuery) -> Option<&'static str> {
    let level_asked = query.param("nsfw").is_some() || query.param("browsingLevel").is_some();
    (!level_asked).then_some(
        "nothing matched at the API's default level, PG only; ask for more with \
         --nsfw x (every level) or --browsing-level N (PG=1 PG13=2 R=4 X=8 XXX=16, added up)",
    )
}
