//! Typed values of civimg's domain, shared by the command line, the settings and the walk:
//! output formats, the API's enums, byte sizes, the API key, and the parsers that check counts
//! and names before any request.

use clap::ValueEnum;

/// Output formats of `list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable table sized to the terminal
    Table,
    /// One JSON object per line, exactly as the API sent it
    Jsonl,
    /// One JSON array
    Json,
    /// A header row, then one row per item with flattened columns
    Csv,
}

/// The API's legacy `nsfw` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Nsfw {
    /// PG only
    None,
    /// Up to PG-13
    Soft,
    /// Up to R
    Mature,
    /// Everything
    X,
    /// R and above only
    True,
    /// Same as leaving it out
    False,
}

/// The API's sort orders; the API's own spellings are accepted too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sort {
    Newest,
    Oldest,
    #[value(alias = "Most Reactions", alias = "MostReactions")]
    MostReactions,
    #[value(alias = "Most Comments", alias = "MostComments")]
    MostComments,
    #[value(alias = "Most Collected", alias = "MostCollected")]
    MostCollected,
    Random,
}

/// The API's time windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Period {
    Day,
    Week,
    Month,
    Year,
    #[value(alias = "AllTime", alias = "all")]
    AllTime,
}

/// Media types the images endpoint can filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MediaType {
    Image,
    Video,
    Audio,
}

/// A size in bytes, written `1234`, `512K`, `64M` or `4G` (powers of 1024).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(u64);

impl ByteSize {
    /// The size in bytes.
    pub fn bytes(self) -> u64 {
        self.0
    }
}

impl std::str::FromStr for ByteSize {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let (digits, shift) = match text.char_indices().last() {
            Some((i, c)) if c.is_ascii_alphabetic() => {
                let shift = match c.to_ascii_uppercase() {
                    'K' => 10,
                    'M' => 20,
                    'G' => 30,
                    _ => return Err(format!("unknown suffix `{c}`: use K, M or G")),
                };
                (&text[..i], shift)
            }
            _ => (text, 0),
        };
        let n: u64 = digits
            .trim()
            .parse()
            .map_err(|_| "a size is a whole number with an optional K, M or G".to_string())?;
        match n.checked_mul(1 << shift) {
            Some(0) => Err("a size must be above 0".into()),
            Some(bytes) => Ok(ByteSize(bytes)),
            None => Err("too large".into()),
        }
    }
}

/// An API key; its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// The secret itself, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl std::str::FromStr for ApiKey {
    type Err = String;

    /// One word of visible ASCII (what an `Authorization` header can carry). The error never
    /// holds the value: a key pasted wrong is still a secret.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_graphic()) {
            return Err("invalid characters".into());
        }
        Ok(ApiKey(key.to_string()))
    }
}

/// Parses `--api-key` (and `CIVITAI_API_KEY`) with an error that never echoes the value, as
/// clap's own `invalid value '…'` would.
#[derive(Clone)]
pub struct ApiKeyParser;

impl clap::builder::TypedValueParser for ApiKeyParser {
    type Value = ApiKey;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<ApiKey, clap::Error> {
        value.to_str().and_then(|s| s.parse().ok()).ok_or_else(|| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                "--api-key: invalid characters\n",
            )
            .with_cmd(cmd)
        })
    }
}

/// One `--tag` value: tag ids an image must carry all of (`4` or `4,6`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagSet(Vec<u64>);

impl TagSet {
    /// The ids, in the order given, each once.
    pub fn ids(&self) -> &[u64] {
        &self.0
    }
}

impl std::fmt::Display for TagSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<String> = self.0.iter().map(u64::to_string).collect();
        f.write_str(&ids.join(","))
    }
}

impl std::str::FromStr for TagSet {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut ids = Vec::new();
        for part in s.split(',') {
            let id: u64 = part.trim().parse().map_err(|_| {
                "a tag id is a number; A,B means images with all of them".to_string()
            })?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(TagSet(ids))
    }
}

/// `--limit`: the API answers 400 above 200, so say so before asking.
pub fn parse_limit(s: &str) -> Result<u32, String> {
    let n: u32 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a whole number"))?;
    match n {
        1..=200 => Ok(n),
        0 => Err("a page holds at least 1 item".into()),
        _ => Err("at most 200 per page; use --max for more items".into()),
    }
}

/// `--api-interval`: a number of seconds, 0 to 600.
pub fn parse_interval(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(n) if (0.0..=600.0).contains(&n) => Ok(n),
        _ => Err("expected a number of seconds from 0 to 600".into()),
    }
}

/// `--timeout`: whole seconds, 1 to 3600 (0 would time every request out; more overflows
/// nothing but helps nobody).
pub fn parse_timeout(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n @ 1..=3600) => Ok(n),
        _ => Err("expected a whole number of seconds from 1 to 3600".into()),
    }
}

/// `--retries`: 0 to 20 retries of a failed request.
pub fn parse_retries(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n @ 0..=20) => Ok(n),
        _ => Err("expected a whole number from 0 to 20".into()),
    }
}

/// `list --format` as the config file writes it, in any case.
pub fn parse_format(s: &str) -> Result<Format, String> {
    <Format as ValueEnum>::from_str(s.trim(), true)
        .map_err(|_| "expected table, jsonl, json or csv".into())
}

/// A format's name as `--format` takes it.
pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Table => "table",
        Format::Jsonl => "jsonl",
        Format::Json => "json",
        Format::Csv => "csv",
    }
}

/// A count of items (`--max`, `--stop-after-known`): a whole number of at least 1, said plainly
/// (clap's own range message would print `1..18446744073709551615`).
pub fn parse_count(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(0) => Err("must be at least 1 (leave the flag out for no limit)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{s}` is not a whole number of at least 1")),
    }
}

/// `--page`: pages count from 1.
pub fn parse_page(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(0) => Err("pages count from 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{s}` is not a page number (1, 2, …)")),
    }
}

/// `-j`: at least one transfer, and no more than a CDN takes kindly to.
pub fn parse_concurrency(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n @ 1..=32) => Ok(n),
        _ => Err("expected a whole number of transfers from 1 to 32".into()),
    }
}

/// `--username`: sent as typed, since the API slugifies it (doc/api.md, "The official
/// reference"); refused only when it cannot be a name: empty, control characters, over 128
/// bytes, or nothing the API would keep of it.
/// A `/user/NAME` page URL and `@NAME` are read as the name (issue 16).
pub fn parse_username(s: &str) -> Result<String, String> {
    let s = &crate::pasted::username_of(s);
    if s.trim().is_empty() {
        return Err("a username cannot be empty".into());
    }
    if s.chars().any(char::is_control) {
        return Err("a username cannot hold control characters".into());
    }
    if s.len() > 128 {
        return Err("a username is at most 128 bytes".into());
    }
    if username_slug(s).is_empty() {
        return Err(
            "the API keeps only letters, digits and _ of a username: this one would be read as \
             no username at all"
                .into(),
        );
    }
    Ok(s.to_string())
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when writing to a terminal and NO_COLOR is not set
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

impl ColorWhen {
    /// The `--color` value in raw arguments, read before clap parses them so that clap's own
    /// help and errors follow it too. The last occurrence wins, as with clap.
    pub fn from_raw_args<I: IntoIterator<Item = std::ffi::OsString>>(args: I) -> ColorWhen {
        let mut when = ColorWhen::Auto;
        let mut expect_value = false;
        for arg in args {
            let arg = arg.to_string_lossy().into_owned();
            let value = if expect_value {
                expect_value = false;
                Some(arg.as_str())
            } else if arg == "--color" {
                expect_value = true;
                None
            } else if arg == "--" {
                break;
            } else {
                arg.strip_prefix("--color=")
            };
            if let Some(v) = value.and_then(|v| <ColorWhen as ValueEnum>::from_str(v, true).ok()) {
                when = v;
            }
        }
        when
    }
}

/// Output formats of `meta`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetaFormat {
    /// The fields a person reads first, prompts wrapped to the terminal
    Table,
    /// One JSON object per record (every field, `source` = api or the file)
    Json,
}

/// How the API reads a `username`: it "auto-slugifies" it (doc/api.md, "The official
/// reference"). The reference does not publish the rule; civimg's reading keeps the characters a
/// Civitai username can hold (ASCII letters, digits, `_`) and drops the rest.
pub fn username_slug(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}
