//! Command-line surface: clap derive types only, doc comments are the help text.
//!
//! Nothing here talks to the network; `query::ImageQuery` and `settings::Settings`
//! turn these raw flags into domain values.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::store::name::NameTemplate;
use crate::walk::window::DateArg;

pub mod query;
mod resources;
pub mod usage;

pub use crate::settings::flags::GlobalArgs;
use crate::values::{
    parse_concurrency, parse_count, parse_limit, parse_page, parse_user_id, parse_username,
};
pub use crate::values::{
    ApiKey, ByteSize, ColorWhen, Format, MediaType, MetaFormat, Nsfw, Period, Sort, TagSet,
};
pub use resources::ResourcesArgs;

/// List, inspect and bulk-download images from Civitai.
#[derive(Debug, Parser)]
#[command(name = "civimg", version, about, long_about = None, max_term_width = 100)]
#[command(after_help = "Examples:
  civimg list --model-id 123 --sort newest
  civimg list --username alice --format jsonl | jq -r .url
  civimg download --username alice -o gallery/")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Subcommand help: the examples right under the usage line, where a reader looks first.
const SUBCOMMAND_HELP: &str =
    "{about-with-newline}\n{usage-heading} {usage}{after-help}\n\n{all-args}";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List images matching a query, as a table, JSON lines, JSON or CSV
    #[command(help_template = SUBCOMMAND_HELP, after_help = "Examples:
  civimg list --model-id 123 --sort newest --max 20
  civimg list --username alice --format jsonl | jq -r .url
  civimg list --username alice --max 500 --format csv > alice.csv
  civimg list --collection-id 5001 --format jsonl
  civimg list --username alice --username bob --with-tags --format csv
  civimg list https://civitai.com/user/alice --max 20")]
    List(ListArgs),

    /// Download full-resolution originals, resumably, several at a time
    #[command(help_template = SUBCOMMAND_HELP, after_help = "Examples:
  civimg download --username alice -o gallery/
  civimg download --model-id 123 --sort newest -o m123/
  civimg download --username alice --username bob -o both/
  civimg download https://civitai.com/models/123 -o pasted/
  civimg download --input links.txt -o picked/
  civimg list --username alice -f jsonl | civimg download --input -")]
    Download(DownloadArgs),

    /// Show how an image was made: prompt, seed, sampler, model, resources
    #[command(help_template = SUBCOMMAND_HELP, after_help = "Examples:
  civimg meta 469632
  civimg meta https://civitai.com/images/469632
  civimg meta image.png --format jsonl | jq .seed
  civimg meta gallery/")]
    Meta(MetaArgs),

    /// Which models, LoRAs and embeddings made these images, and which of them you lack.
    ///
    /// The images: Civitai page URLs, ids and the query flags as for `list`, or --input, or
    /// downloaded files and folders named in place of URLs
    #[command(help_template = SUBCOMMAND_HELP, after_help = "Examples:
  civimg resources --username alice
  civimg resources gallery/ --have ~/models --missing
  civimg resources --post-id 7000565 --format jsonl | jq -r .downloadUrl
  civimg list --username alice -f jsonl | civimg resources --input - -f csv")]
    Resources(ResourcesArgs),

    /// Print a shell completion script
    #[command(after_help = "Examples:
  civimg completions bash > ~/.local/share/bash-completion/completions/civimg
  civimg completions zsh > ~/.zfunc/_civimg
  civimg completions fish > ~/.config/fish/completions/civimg.fish")]
    Completions {
        /// The shell to complete for
        #[arg(value_enum, ignore_case = true)]
        shell: clap_complete::Shell,
    },

    /// Print the manual page (roff): every subcommand and option, exit codes, the config file
    #[command(after_help = "Examples:
  civimg man | man -l -
  civimg man > ~/.local/share/man/man1/civimg.1")]
    Man,

    /// Show where the config file is and what it holds
    #[command(subcommand)]
    Config(ConfigCommand),
}

/// `civimg config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the config file's path
    #[command(after_help = "Examples:
  civimg config path
  $EDITOR \"$(civimg config path)\"")]
    Path,
    /// Print the settings in force as a config file, each with where it comes from (defaults
    /// and the API key commented out)
    #[command(after_help = "Examples:
  civimg config show
  civimg --base-url https://civitai.red config show")]
    Show,
}

/// Arguments of `civimg list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format [default: table on a terminal, jsonl otherwise]
    #[arg(long, short = 'f', value_enum, ignore_case = true)]
    pub format: Option<Format>,

    /// Fields to show, as dotted paths (id,username,meta.seed)
    ///
    /// Item fields (id,username,stats.likeCount,meta.prompt …): the columns of table and csv;
    /// jsonl and json keep only these. meta.seed, meta.model, meta.sampler, meta.clipSkip…
    /// read the normalized generation data
    #[arg(long, value_delimiter = ',', value_name = "A,B,C")]
    pub fields: Vec<String>,

    /// Do not ask for generation data (`meta` stays null)
    #[arg(long)]
    pub no_meta: bool,

    #[command(flatten)]
    pub query: QueryArgs,
}

/// Arguments of `civimg download`.
#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// Directory to save into [default: .]
    ///
    /// Created if missing
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Files transferred at once, 1-32 [default: 4]
    #[arg(short = 'j', long, value_name = "N", value_parser = parse_concurrency)]
    pub concurrency: Option<usize>,

    /// File name template [default: {id}.{ext}]
    ///
    /// A / makes subfolders. Placeholders: {id} {uuid} {username} {postId} {type} {baseModel} {createdAt} {createdTime} {ext};
    /// {createdAt} is the UTC date (2026-07-12), {createdTime} the date and time (2026-07-12T17-36-54);
    /// {ext} comes from the file's first bytes
    #[arg(long, value_name = "TEMPLATE", verbatim_doc_comment)]
    pub name: Option<NameTemplate>,

    /// Read what to download from FILE (- is stdin)
    ///
    /// Instead of querying: JSON lines as `civimg list --format jsonl` prints them, or one
    /// image id or Civitai page URL per line, mixed. Page URLs are walked at --nsfw / --browsing-level; any other line (CSV …) stops
    /// the run with an error
    #[arg(long, value_name = "FILE|-")]
    pub input: Option<PathBuf>,

    /// Write <name>.json with the item beside each file
    ///
    /// The full item, as the API sent it
    #[arg(long)]
    pub sidecar: bool,

    /// Write <stem>.txt with the prompt beside each file
    ///
    /// For LoRA training tools
    #[arg(long)]
    pub captions: bool,

    /// Write generation data into files that lack it
    ///
    /// The item's generation data goes into each saved PNG, JPEG or WebP that has none, as
    /// A1111 text (PNG `parameters` chunk, EXIF UserComment) that A1111, Forge, ComfyUI
    /// loaders, image browsers and `civimg meta` read; files with data of their own stay as
    /// they are, and with --sidecar a video's or audio file's sidecar gets the text under
    /// `parameters`. Off by default: originals stay byte-identical
    #[arg(long)]
    pub embed_meta: bool,

    /// Print what would be saved where, download nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Fetch and replace files the archive calls complete
    #[arg(long)]
    pub overwrite: bool,

    /// With --sort newest: stop after N known in a row
    ///
    /// Stops listing a target after N items in a row that are already complete (a model's in its merged order, so a new image in any version is fetched)
    #[arg(long, value_name = "N", value_parser = parse_count)]
    pub stop_after_known: Option<u64>,

    /// Largest file to save (K, M, G)
    ///
    /// Bytes, or K, M, G (powers of 1024). A larger file fails before any byte is written
    #[arg(long, value_name = "SIZE", default_value = "4G")]
    pub max_file_size: ByteSize,

    #[command(flatten)]
    pub query: QueryArgs,
}

/// Arguments of `civimg meta`.
#[derive(Debug, Args)]
pub struct MetaArgs {
    /// Image ids, image page URLs, image files or directories of them.
    ///
    /// An existing path is read from disk: what the generator wrote into the PNG, JPEG, WebP,
    /// AVIF or HEIF (A1111, Forge, ComfyUI, NovelAI, InvokeAI, SwarmUI, Fooocus, Civitai…; the
    /// record's `generator` says which), else the `<name>.json` sidecar of `download --sidecar`;
    /// a directory means every such image in it and its subfolders (videos, GIFs, hidden and side files skipped; an image
    /// without data is a note, not an error). Otherwise a number, or a
    /// URL ending in /images/<id> on any host (civitai.com, civitai.red …), is looked up on
    /// --base-url: only the id is taken from a URL.
    #[arg(required = true, value_name = "ID|URL|FILE|DIR")]
    pub targets: Vec<std::ffi::OsString>,

    /// Output format: a table for people; json, jsonl or csv for machines, as in `list`
    #[arg(long, short = 'f', value_enum, ignore_case = true, default_value_t = MetaFormat::Table)]
    pub format: MetaFormat,
}

/// Query flags shared by every command that walks the images endpoint, under three headings:
/// what to walk (Targets), which of its items (Filters) and how much (Paging). The first
/// paragraph of each doc comment is the line `-h` shows; `--help` and the man page show all.
#[derive(Debug, Args, Clone, Default)]
pub struct QueryArgs {
    /// Page URLs or image ids, pasted from the browser
    ///
    /// Civitai pages: /user/NAME (also /images, /videos, /posts), /models/ID[/slug][?modelVersionId=V],
    /// /posts/ID, /images/ID, /collections/ID on civitai.com, civitai.red or civitai.green.
    /// Each is read as the matching target flag (--username, --model-id …); requests still go
    /// to --base-url
    #[arg(help_heading = "Targets", value_name = "URL|ID", display_order = 0)]
    pub pasted: Vec<String>,

    /// Only images by this user; repeatable
    ///
    /// Sent as typed (the API keeps letters, digits and _ of it); @NAME and a /user/NAME page
    /// URL work too
    #[arg(help_heading = "Targets", long, value_name = "NAME", value_parser = parse_username)]
    pub username: Vec<String>,

    /// Only images by this user id; repeatable
    #[arg(help_heading = "Targets", long, value_name = "ID", value_parser = parse_user_id)]
    pub user_id: Vec<u64>,

    /// Only images made with this model; repeatable
    ///
    /// Without --model-version-id: every image of the model (unlisted and early-access posts
    /// included), in one --sort order across its versions, walked side by side and merged
    #[arg(help_heading = "Targets", long, value_name = "ID")]
    pub model_id: Vec<u64>,

    /// Only images of this model version; repeatable
    #[arg(help_heading = "Targets", long, value_name = "ID")]
    pub model_version_id: Vec<u64>,

    /// Only images of this post; repeatable
    ///
    /// Repeated target flags give one target per combination of their values, walked in
    /// turn; an image is listed once
    #[arg(help_heading = "Targets", long, value_name = "ID")]
    pub post_id: Vec<u64>,

    /// Only this image, at any level; repeatable
    ///
    /// At whatever browsing level it has
    #[arg(help_heading = "Targets", long, value_name = "ID")]
    pub image_id: Vec<u64>,

    /// Images of this collection; repeatable, alone
    ///
    /// Over the site's own internal API (tRPC), which may change without notice; not combined
    /// with the other target flags
    #[arg(help_heading = "Targets", long, value_name = "ID", conflicts_with_all = ["post_id", "model_id", "model_version_id", "username", "user_id", "image_id"])]
    pub collection_id: Vec<u64>,

    /// Order of the results [API's default: most-reactions]
    ///
    /// The API honours random only in collections; --image-id always comes newest first
    #[arg(help_heading = "Filters", long, value_enum, ignore_case = true)]
    pub sort: Option<Sort>,

    /// Time window of the results [API's default: all-time]
    #[arg(help_heading = "Filters", long, value_enum, ignore_case = true)]
    pub period: Option<Period>,

    /// Levels: PG=1 PG13=2 R=4 X=8 XXX=16, summed
    ///
    /// A bitmask; the API's default is 1, PG only
    #[arg(help_heading = "Filters", long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=63))]
    pub browsing_level: Option<u32>,

    /// Legacy content filter (--browsing-level wins)
    #[arg(
        help_heading = "Filters",
        long,
        value_enum,
        ignore_case = true,
        value_name = "LEVEL"
    )]
    pub nsfw: Option<Nsfw>,

    /// Only images, only videos or only audio
    #[arg(
        help_heading = "Filters",
        long = "type",
        value_enum,
        ignore_case = true,
        value_name = "TYPE"
    )]
    pub media_type: Option<MediaType>,

    /// Only this base model; repeatable
    ///
    /// Exactly as Civitai names it ("SDXL 1.0", Pony …)
    #[arg(help_heading = "Filters", long, value_name = "NAME")]
    pub base_model: Vec<String>,

    /// Only images with this tag id (4,6: all of them)
    ///
    /// Repeated (--tag 4 --tag 6): images with either, one walk per tag, each image once.
    /// Comma-joined (--tag 4,6): images with all of them
    #[arg(help_heading = "Filters", long, value_name = "ID[,ID…]")]
    pub tag: Vec<TagSet>,

    /// Ask for each image's tags
    ///
    /// JSON keeps `tags`; csv and --fields tags show the names, ;-joined
    #[arg(help_heading = "Filters", long)]
    pub with_tags: bool,

    /// Only items created on or after DATE (YYYY-MM-DD)
    ///
    /// A UTC day or an RFC 3339 time. With --sort newest the walk stops at the first older
    /// item; in any other order every page is read
    #[arg(help_heading = "Filters", long, value_name = "DATE")]
    pub since: Option<DateArg>,

    /// Only items created on or before DATE (YYYY-MM-DD)
    ///
    /// A UTC day (the whole day counts) or an RFC 3339 time. With --sort oldest the walk stops
    /// at the first newer item; in any other order every page is read
    #[arg(help_heading = "Filters", long, value_name = "DATE")]
    pub until: Option<DateArg>,

    /// Stop after N items in total
    #[arg(help_heading = "Paging", long, value_name = "N", value_parser = parse_count)]
    pub max: Option<u64>,

    /// Start at this cursor (as printed when a walk stops early)
    #[arg(help_heading = "Paging", long, value_name = "C")]
    pub cursor: Option<String>,

    /// Items per page, 1-200 [default: 100]
    ///
    /// Sent with every request of a walk and kept when it is resumed
    #[arg(help_heading = "Paging", long, value_name = "N", value_parser = parse_limit)]
    pub limit: Option<u32>,

    /// Only 1: the API ignores page numbers on listings and would answer page 1 for any other
    /// (use --cursor to go on where a walk stopped, --max to take fewer items)
    #[arg(help_heading = "Paging", hide_short_help = true, long, value_name = "N", value_parser = parse_page)]
    pub page: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn globals_go_after_the_subcommand_too() {
        let cli = Cli::try_parse_from(["civimg", "list", "--base-url", "http://x", "-q"]).unwrap();
        assert_eq!(cli.global.base_url.as_deref(), Some("http://x"));
        assert!(cli.global.quiet);
    }

    #[test]
    fn api_spellings_of_sort_are_accepted() {
        for s in [
            "Most Reactions",
            "most-reactions",
            "MOST-REACTIONS",
            "mostreactions",
        ] {
            let cli = Cli::try_parse_from(["civimg", "list", "--sort", s]).unwrap();
            let Command::List(args) = cli.command else {
                panic!("not list")
            };
            assert_eq!(args.query.sort, Some(Sort::MostReactions), "{s}");
        }
    }

    #[test]
    fn limit_above_200_is_a_usage_error() {
        let err = Cli::try_parse_from(["civimg", "list", "--limit", "500"]).unwrap_err();
        assert!(err.to_string().contains("use --max"), "{err}");
    }

    #[test]
    fn a_bad_api_key_is_never_echoed() {
        let err =
            Cli::try_parse_from(["civimg", "--api-key", "sek rit\u{1b}", "list"]).unwrap_err();
        assert!(
            err.to_string().contains("--api-key: invalid characters"),
            "{err}"
        );
        assert!(!err.to_string().contains("sek"), "{err}");
        assert!("clé".parse::<ApiKey>().is_err());
    }

    #[test]
    fn api_key_debug_is_redacted() {
        let key: ApiKey = "sekrit123".parse().unwrap();
        assert!(!format!("{key:?}").contains("sekrit"));
    }

    #[test]
    fn sizes_take_binary_suffixes() {
        let size = |s: &str| s.parse::<ByteSize>().map(ByteSize::bytes);
        assert_eq!(size("4G"), Ok(4 << 30));
        assert_eq!(size("512k"), Ok(512 << 10));
        assert_eq!(size("64M"), Ok(64 << 20));
        assert_eq!(size("1000"), Ok(1000));
        assert!(size("0").is_err());
        assert!(size("4T").is_err());
        assert!(size("-1K").is_err());
        assert!(size("99999999999G").is_err());
    }
}
