//! Checks on a parsed command line that clap's attributes cannot express. Each failure is a
//! usage error (exit 2, clap's own format), found before any request is sent or file touched.

use clap::error::ErrorKind;

use crate::cli::{Cli, Command, DownloadArgs, QueryArgs, ResourcesArgs, Sort};
use crate::walk::base_url;
use crate::walk::window::DateWindow;

/// Parses `args` with `cmd`. clap's usage line in a conflict or a missing-argument error names
/// every option given, and counts a value from the environment (`CIVITAI_API_KEY`,
/// `CIVIMG_IMAGE_HOST` …) as given: it would show `--api-key <KEY>` as if the command needed it.
/// Such an error is made again without the environment, so that its usage line holds only what
/// was typed; an error the environment caused is kept as it was.
pub fn parse(
    cmd: &mut clap::Command,
    args: Vec<std::ffi::OsString>,
) -> Result<clap::ArgMatches, clap::Error> {
    let err = match cmd.try_get_matches_from_mut(args.clone()) {
        Ok(matches) => return Ok(matches),
        Err(err) => err,
    };
    if !matches!(
        err.kind(),
        ErrorKind::ArgumentConflict | ErrorKind::MissingRequiredArgument
    ) {
        return Err(err);
    }
    match without_env(cmd.clone()).try_get_matches_from(args) {
        Err(typed) if typed.kind() == err.kind() => Err(typed),
        _ => Err(err),
    }
}

/// `cmd` with no option read from the environment, its subcommands' included.
fn without_env(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|arg| arg.env(None))
        .mut_subcommands(without_env)
}

/// A usage error: which subcommand's usage to show, and what is wrong.
#[derive(Debug)]
pub struct Usage {
    /// `download`, `list`, or `None` for the global options.
    pub subcommand: Option<&'static str>,
    /// Why clap would reject it.
    pub kind: ErrorKind,
    /// The message, without `error:`.
    pub message: String,
}

impl Usage {
    fn new(subcommand: Option<&'static str>, kind: ErrorKind, message: String) -> Self {
        Usage {
            subcommand,
            kind,
            message,
        }
    }

    /// The clap error for this, with the usage of the subcommand it concerns.
    pub fn into_clap(self, cmd: &mut clap::Command) -> clap::Error {
        let target = match self.subcommand {
            Some(name) => cmd.find_subcommand_mut(name),
            None => None,
        };
        match target {
            Some(sub) => sub.error(self.kind, self.message),
            None => cmd.error(self.kind, self.message),
        }
    }
}

/// Reads the pasted URLs and ids of `list` and `download` into their target flags
/// (`crate::pasted`); an argument of no accepted form is a usage error that lists them.
pub fn read_pasted(cli: &mut Cli) -> Result<(), Usage> {
    let (sub, q) = match &mut cli.command {
        Command::List(args) => ("list", &mut args.query),
        Command::Download(args) => ("download", &mut args.query),
        Command::Resources(args) => {
            // `resources` also reads downloaded files and folders: an argument that names
            // an existing path is one of those, the rest are pasted URLs and ids.
            let (paths, pasted): (Vec<String>, Vec<String>) =
                std::mem::take(&mut args.query.pasted)
                    .into_iter()
                    .partition(|p| std::path::Path::new(p).exists());
            args.paths = paths.into_iter().map(std::path::PathBuf::from).collect();
            args.query.pasted = pasted;
            if !args.paths.is_empty() && !args.query.pasted.is_empty() {
                return Err(Usage::new(
                    Some("resources"),
                    ErrorKind::ArgumentConflict,
                    "name downloaded files and folders, or Civitai URLs and ids, not both \
                     in one run"
                        .into(),
                ));
            }
            ("resources", &mut args.query)
        }
        _ => return Ok(()),
    };
    absorb(q).map_err(|(kind, why)| Usage::new(Some(sub), kind, why))
}

/// Moves `q.pasted` into the target flags it stands for.
fn absorb(q: &mut QueryArgs) -> Result<(), (ErrorKind, String)> {
    use crate::cli::MediaType;
    use crate::pasted::Pasted;
    for text in std::mem::take(&mut q.pasted) {
        match Pasted::parse(&text).map_err(|why| (ErrorKind::InvalidValue, why))? {
            Pasted::User(name) => q.username.push(name),
            Pasted::UserVideos(name) => {
                if q.media_type.is_some_and(|t| t != MediaType::Video) {
                    let why = format!("{text} lists videos, but --type asks for another type");
                    return Err((ErrorKind::ArgumentConflict, why));
                }
                q.media_type = Some(MediaType::Video);
                q.username.push(name);
            }
            Pasted::Model(id) => q.model_id.push(id),
            Pasted::ModelVersion(id) => q.model_version_id.push(id),
            Pasted::Post(id) => q.post_id.push(id),
            Pasted::Image(id) => q.image_id.push(id),
            Pasted::Collection(id) => q.collection_id.push(id),
        }
    }
    // clap refuses --collection-id beside other targets; a pasted collection the same.
    let others = target_flags(q)
        .into_iter()
        .filter(|(flag, on)| *on && !matches!(*flag, "--collection-id" | "--tag"))
        .count();
    if !q.collection_id.is_empty() && others > 0 {
        let why = "a collection cannot be combined with other targets (users, models, posts, \
                   images): list it in a run of its own"
            .to_string();
        return Err((ErrorKind::ArgumentConflict, why));
    }
    Ok(())
}

/// Every check, in the order a user would fix them.
pub fn check(cli: &Cli) -> Result<(), Usage> {
    if let Some(base) = &cli.global.base_url {
        base_url::parse_base_url(base)
            .map_err(|why| Usage::new(None, ErrorKind::InvalidValue, why))?;
    }
    match &cli.command {
        Command::List(args) => {
            crate::item::fields::check_fields(&args.fields, args.query.with_tags)
                .map_err(|why| Usage::new(Some("list"), ErrorKind::InvalidValue, why))?;
            check_query(&args.query, "list")
        }
        Command::Download(args) => check_download(args),
        Command::Resources(args) => check_resources(args),
        _ => Ok(()),
    }
}

/// `--page N` past the first, which the API ignores; `--since` after `--until`, a window no item
/// can fall in.
fn check_query(q: &QueryArgs, sub: &'static str) -> Result<(), Usage> {
    // doc/api.md, legacy path: `Random` answers 400 "Random sort requires a collectionId".
    if q.sort == Some(Sort::Random) && !q.image_id.is_empty() {
        return Err(Usage::new(
            Some(sub),
            ErrorKind::ArgumentConflict,
            "--sort random with --image-id: the API's legacy path sorts at random only in \
             collections; pick another sort"
                .into(),
        ));
    }
    if let Err(why) = DateWindow::new(q.since, q.until, q.sort) {
        return Err(Usage::new(Some(sub), ErrorKind::ArgumentConflict, why));
    }
    // doc/api.md, "The official reference": `page` is ignored on listings (only lookups by
    // image id or bare model id honour it), so page 2 would silently be page 1 again.
    if let Some(page) = q.page.filter(|&p| p > 1) {
        return Err(Usage::new(
            Some(sub),
            ErrorKind::ValueValidation,
            format!(
                "--page {page}: the API ignores page numbers on listings and would answer page 1 \
                 again; to go on where a walk stopped, use the --cursor it printed; to take \
                 fewer items, use --max"
            ),
        ));
    }
    Ok(())
}

fn check_download(args: &DownloadArgs) -> Result<(), Usage> {
    let q = &args.query;
    if args.input.is_some() {
        let chosen = api_choices(q);
        if let Some(first) = chosen.first() {
            return Err(Usage::new(
                Some("download"),
                ErrorKind::ArgumentConflict,
                format!(
                    "{first} cannot be used with --input: the input decides the items \
                     (only --max still limits how many are taken)"
                ),
            ));
        }
        return Ok(());
    }
    if filters(q).is_empty() {
        return Err(Usage::new(
            Some("download"),
            ErrorKind::MissingRequiredArgument,
            format!(
                "no filter given: this would download the whole public feed; choose images \
                 with {}, or --input, or take a sample of the feed with --max N",
                FILTER_FLAGS.join(", ")
            ),
        ));
    }
    // Only newest-first puts every new image before the known ones; in any other order a
    // streak of known images says nothing about what comes after it.
    if args.stop_after_known.is_some() && q.sort != Some(Sort::Newest) {
        return Err(Usage::new(
            Some("download"),
            ErrorKind::ArgumentConflict,
            "--stop-after-known needs --sort newest (new images come first only in that order)"
                .into(),
        ));
    }
    check_query(q, "download")
}

/// `resources` reads paths, `--input` or a walk: the query flags choose only the walk, and a
/// walk needs a filter, as for `download`.
fn check_resources(args: &ResourcesArgs) -> Result<(), Usage> {
    let q = &args.query;
    if !args.paths.is_empty() && args.input.is_some() {
        return Err(Usage::new(
            Some("resources"),
            ErrorKind::ArgumentConflict,
            "FILE|DIR cannot be used with --input: name one source of images".into(),
        ));
    }
    let source = if !args.paths.is_empty() {
        Some("FILE|DIR")
    } else if args.input.is_some() {
        Some("--input")
    } else {
        None
    };
    if let Some(source) = source {
        let chosen = api_choices(q);
        if let Some(first) = chosen.first() {
            return Err(Usage::new(
                Some("resources"),
                ErrorKind::ArgumentConflict,
                format!("{first} cannot be used with {source}: those decide the images"),
            ));
        }
        return Ok(());
    }
    if filters(q).is_empty() {
        return Err(Usage::new(
            Some("resources"),
            ErrorKind::MissingRequiredArgument,
            format!(
                "no images given: name downloaded files or folders, --input, or choose images \
                 with {}, or take a sample of the feed with --max N",
                FILTER_FLAGS.join(", ")
            ),
        ));
    }
    check_query(q, "resources")
}

/// The flags that choose a part of the feed, as the no-filter refusal names them.
/// A new filter flag belongs here and in `target_flags`.
const FILTER_FLAGS: &[&str] = &[
    "--username",
    "--user-id",
    "--model-id",
    "--model-version-id",
    "--post-id",
    "--image-id",
    "--collection-id",
    "--tag",
    "--since (with --sort newest)",
];

/// The target flags (the parts of the site a walk is about), with whether each is given.
fn target_flags(q: &QueryArgs) -> [(&'static str, bool); 8] {
    [
        ("--username", !q.username.is_empty()),
        ("--user-id", !q.user_id.is_empty()),
        ("--model-id", !q.model_id.is_empty()),
        ("--model-version-id", !q.model_version_id.is_empty()),
        ("--post-id", !q.post_id.is_empty()),
        ("--image-id", !q.image_id.is_empty()),
        ("--collection-id", !q.collection_id.is_empty()),
        ("--tag", !q.tag.is_empty()),
    ]
}

/// The names of the flags in `set` that are given.
fn given(set: impl IntoIterator<Item = (&'static str, bool)>) -> Vec<&'static str> {
    set.into_iter()
        .filter(|(_, on)| *on)
        .map(|(f, _)| f)
        .collect()
}

/// The filters that narrow a download below the whole feed (`--max` included), by flag name.
fn filters(q: &QueryArgs) -> Vec<&'static str> {
    let bounds = [
        // Newest first, the walk ends at --since: a bounded part of the feed.
        (
            "--since (with --sort newest)",
            q.since.is_some() && q.sort == Some(Sort::Newest),
        ),
        ("--max", q.max.is_some()),
    ];
    given(target_flags(q).into_iter().chain(bounds))
}

/// The flags that choose which items the API returns, by flag name; `--input` replaces them.
/// (The level flags stay: they apply to the page URLs an input may hold.)
fn api_choices(q: &QueryArgs) -> Vec<&'static str> {
    let choices = [
        ("--base-model", !q.base_model.is_empty()),
        ("--type", q.media_type.is_some()),
        ("--sort", q.sort.is_some()),
        ("--period", q.period.is_some()),
        ("--cursor", q.cursor.is_some()),
        ("--page", q.page.is_some()),
        ("--limit", q.limit.is_some()),
        ("--since", q.since.is_some()),
        ("--until", q.until.is_some()),
    ];
    given(target_flags(q).into_iter().chain(choices))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn usage(args: &[&str]) -> Result<(), Usage> {
        let mut cli = Cli::try_parse_from(args).unwrap();
        read_pasted(&mut cli)?;
        check(&cli)
    }

    fn query_of(args: &[&str]) -> QueryArgs {
        let mut cli = Cli::try_parse_from(args).unwrap();
        read_pasted(&mut cli).unwrap();
        match cli.command {
            Command::List(a) => a.query,
            Command::Download(a) => a.query,
            _ => unreachable!(),
        }
    }

    #[test]
    fn pasted_urls_become_target_flags() {
        let q = query_of(&[
            "civimg",
            "download",
            "https://civitai.com/user/alice_ai",
            "https://civitai.red/models/101/rv?modelVersionId=1002",
            "https://civitai.green/models/102",
            "https://civitai.com/posts/7",
            "https://civitai.com/images/8",
            "9",
            "--image-id",
            "10",
        ]);
        assert_eq!(q.username, ["alice_ai"]);
        assert_eq!(q.model_version_id, [1002]);
        assert_eq!(q.model_id, [102]);
        assert_eq!(q.post_id, [7]);
        assert_eq!(q.image_id, [10, 8, 9]);
        assert!(q.pasted.is_empty());
        let q = query_of(&["civimg", "list", "https://civitai.com/user/bob/videos"]);
        assert_eq!(q.media_type, Some(crate::cli::MediaType::Video));
        // A pasted URL is a filter: download needs no other.
        assert!(usage(&["civimg", "download", "https://civitai.com/user/bob"]).is_ok());
        let err = usage(&["civimg", "list", "https://example.com/user/bob"]).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidValue);
        assert!(err.message.contains("/models/ID"), "{}", err.message);
        let err = usage(&[
            "civimg",
            "list",
            "https://civitai.com/collections/5",
            "--username",
            "bob",
        ]);
        assert_eq!(err.unwrap_err().kind, ErrorKind::ArgumentConflict);
        let err = usage(&[
            "civimg",
            "list",
            "https://civitai.com/user/bob/videos",
            "--type",
            "image",
        ]);
        assert_eq!(err.unwrap_err().kind, ErrorKind::ArgumentConflict);
    }

    #[test]
    fn a_download_needs_a_filter_or_a_max() {
        let err = usage(&["civimg", "download"]).unwrap_err();
        assert!(err.message.contains("--username"), "{}", err.message);
        assert!(err.message.contains("--max"), "{}", err.message);
        for ok in [
            &["civimg", "download", "--max", "3"][..],
            &["civimg", "download", "--tag", "4"],
            &["civimg", "download", "--input", "-"],
            &["civimg", "download", "--post-id", "1", "--sort", "newest"],
        ] {
            assert!(usage(ok).is_ok(), "{ok:?}");
        }
        assert!(usage(&["civimg", "download", "--sort", "newest"]).is_err());
    }

    #[test]
    fn a_date_window_is_a_filter_only_where_it_ends_the_walk() {
        let newest = [
            "civimg",
            "download",
            "--sort",
            "newest",
            "--since",
            "2026-10-01",
        ];
        assert!(usage(&newest).is_ok());
        assert!(usage(&["civimg", "download", "--since", "2026-10-01"]).is_err());
        let until = [
            "civimg",
            "download",
            "--sort",
            "oldest",
            "--until",
            "2026-10-01",
        ];
        assert!(usage(&until).is_err());
        let err = usage(&[
            "civimg",
            "download",
            "--input",
            "-",
            "--until",
            "2026-10-01",
        ]);
        assert!(err.unwrap_err().message.starts_with("--until cannot"));
        let err = usage(&[
            "civimg",
            "list",
            "--since",
            "2026-10-02",
            "--until",
            "2026-10-01",
        ]);
        assert!(err.unwrap_err().message.contains("later than --until"));
    }

    #[test]
    fn input_refuses_api_choices_but_takes_max() {
        let err = usage(&["civimg", "download", "--input", "-", "--sort", "newest"]).unwrap_err();
        assert!(err.message.starts_with("--sort cannot"), "{}", err.message);
        assert!(usage(&["civimg", "download", "--input", "-", "--max", "2"]).is_ok());
    }

    #[test]
    fn only_the_first_page_can_be_asked_for() {
        assert!(usage(&["civimg", "list", "--page", "1"]).is_ok());
        let err = usage(&["civimg", "list", "--page", "2", "--limit", "10"]).unwrap_err();
        assert!(err.message.contains("--cursor") && err.message.contains("--max"));
        assert!(usage(&["civimg", "list", "--page", "5", "--username", "bob"]).is_err());
    }
}
