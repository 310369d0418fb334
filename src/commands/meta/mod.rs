//! `civimg meta`: how images were made, from the API (ids, page URLs) or from local files.
//!
//! Each argument is a target; a target that fails is reported on stderr and the others still
//! print. The exit code is 1 when any failed (`exit.rs`).

pub(crate) mod lookup;
mod target;

use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, Result};

use crate::cli::MetaArgs;
use crate::exit;
use crate::meta::{read_file_or_sidecar, GenRecord};
use crate::output::RecordWriter;
use crate::settings::Settings;
use crate::walk::client::Client;

use self::target::Target;

/// Runs `meta`; records print in argument order (a directory's files sorted by name).
pub async fn run(settings: &Settings, args: &MetaArgs) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let width = crate::output::table_width(stdout.is_terminal());
    let mut run = MetaRun {
        settings,
        client: None,
        out: RecordWriter::new(BufWriter::new(stdout.lock()), args.format, width),
        failed: 0,
        records: 0,
        without_data: 0,
    };
    for arg in &args.targets {
        match Target::parse(arg) {
            Ok(Target::Image(id)) => {
                let record = match run.client() {
                    Ok(client) => lookup::fetch(client, id).await,
                    Err(err) => Err(err),
                };
                run.emit(record)?;
            }
            Ok(Target::Path(path)) => run.path(&path)?,
            Err(err) => run.emit(Err(err))?,
        }
    }
    run.out.flush()?;
    if run.records == 0 && run.failed == 0 && run.without_data > 0 {
        exit::print_error(&anyhow!(
            "none of the {} image files had generation data",
            run.without_data
        ));
        run.failed += 1;
    }
    Ok(if run.failed > 0 {
        ExitCode::from(exit::FAILURE)
    } else {
        ExitCode::SUCCESS
    })
}

/// The state of one `meta` run: the output, failures so far, the client once one is needed.
struct MetaRun<'s, W: Write> {
    settings: &'s Settings,
    client: Option<Client>,
    out: RecordWriter<W>,
    failed: u64,
    /// Records printed.
    records: u64,
    /// Images in a directory that held no generation data (a note each, not a failure).
    without_data: u64,
}

impl<W: Write> MetaRun<'_, W> {
    /// The API client, built on first use so that local files need no network settings.
    fn client(&mut self) -> Result<&Client> {
        let client = match self.client.take() {
            Some(client) => client,
            None => self.settings.client(self.settings.log())?,
        };
        Ok(self.client.insert(client))
    }

    /// Every file of a file or directory target, each a record or a reported failure. In a
    /// directory, an image without generation data is a note, not a failure.
    fn path(&mut self, path: &Path) -> Result<()> {
        if !path.is_dir() {
            return self.emit(from_file(path));
        }
        let files = match target::images_below(path) {
            Ok(files) => files,
            Err(err) => return self.emit(Err(err)),
        };
        for file in files {
            match read_file_or_sidecar(&file) {
                Ok(None) => {
                    self.out.flush()?;
                    self.settings.log().notice(&format!(
                        "note: {} has no generation data",
                        crate::text::escape_line(&file.display().to_string())
                    ));
                    self.without_data += 1;
                }
                Ok(Some(record)) => self.emit(Ok(record))?,
                Err(err) => self.emit(Err(err))?,
            }
        }
        Ok(())
    }

    /// Prints a record, or reports a target's failure and carries on. Only a failed write
    /// to stdout (a closed pipe, say) ends the run.
    fn emit(&mut self, record: Result<GenRecord>) -> Result<()> {
        match record {
            Ok(record) => {
                self.records += 1;
                self.out.write(&record)
            }
            Err(err) => {
                // What is already on stdout comes before the error, as it happened.
                self.out.flush()?;
                exit::print_error(&err);
                self.failed += 1;
                Ok(())
            }
        }
    }
}

/// The record of one local file: its own metadata, else its `download --sidecar` JSON.
fn from_file(path: &Path) -> Result<GenRecord> {
    read_file_or_sidecar(path)?.ok_or_else(|| anyhow!("{} has no generation data", path.display()))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Command, MetaFormat};

    #[test]
    fn targets_and_format_parse() {
        let cli = Cli::try_parse_from(["civimg", "meta", "1", "a.png", "-f", "json"]).unwrap();
        let Command::Meta(args) = cli.command else {
            panic!("not meta")
        };
        assert_eq!(args.targets, ["1", "a.png"]);
        assert_eq!(args.format, MetaFormat::Json);
        let cli = Cli::try_parse_from(["civimg", "meta", "1"]).unwrap();
        let Command::Meta(args) = cli.command else {
            panic!("not meta")
        };
        assert_eq!(
            args.format,
            MetaFormat::Table,
            "a table by default, even on a pipe"
        );
    }

    #[test]
    fn at_least_one_target_is_required() {
        assert!(Cli::try_parse_from(["civimg", "meta"]).is_err());
        assert!(Cli::try_parse_from(["civimg", "meta", "1", "--format", "csv"]).is_err());
    }
}
