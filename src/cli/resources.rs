//! Arguments of `civimg resources`.

use std::path::PathBuf;

use clap::Args;

use super::{Format, QueryArgs};

/// Arguments of `civimg resources`.
#[derive(Debug, Args)]
pub struct ResourcesArgs {
    /// Downloaded files and folders: each file's sidecar (`download --sidecar`, the API's own
    /// record), else the generation data inside it, else the item its folder's download
    /// archive names, looked up by id; folders are read with their subfolders.
    /// Without paths, the images come from the query flags or --input, as with `list`
    /// (Filled from the positional arguments that name existing paths, by
    /// `usage::read_pasted`; the others are Civitai page URLs and ids, as for `list`.)
    #[arg(skip)]
    pub paths: Vec<PathBuf>,

    /// Read items as JSON lines from FILE (- is stdin)
    ///
    /// As `civimg list --format jsonl` prints them, instead of querying
    #[arg(long, value_name = "FILE|-")]
    pub input: Option<PathBuf>,

    /// Model folder to check resources in; repeatable
    ///
    /// A folder of model files (.safetensors, .ckpt, .pt, .bin, subfolders too) to check each
    /// resource against by hash: present or missing; repeatable. Hashes are remembered by
    /// path, size and modified time, so only new or changed files are read again
    #[arg(long, value_name = "DIR")]
    pub have: Vec<PathBuf>,

    /// Only the resources that no --have folder holds
    #[arg(long, requires = "have")]
    pub missing: bool,

    /// Use only what the cache knows of versions
    ///
    /// Ask the API nothing about versions
    #[arg(long)]
    pub offline: bool,

    /// Output format [default: table on a terminal, jsonl otherwise]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,

    #[command(flatten)]
    pub query: QueryArgs,
}
