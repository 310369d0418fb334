//! What a person sees in a terminal: the real binary run in a pseudo-terminal of a chosen
//! width (util-linux `script`), against the fake Civitai.

use std::process::{Command, Stdio};

use serde_json::json;

use crate::fake::FakeCivitai;
use civimg::text::shell_quote;

use crate::support::{civimg, json_lines, real_ext, RunExt, MACHINE_ENV, TEST_ENV};

/// What came out of the terminal (stdout and stderr together, `\r` removed) and the exit code.
pub struct Screen {
    pub text: String,
    /// The bytes as the terminal received them, `\r` and escapes included.
    pub raw: String,
    pub code: i32,
}

/// civimg with `args`, to run in a pseudo-terminal `cols` columns wide, with the tests' clean
/// environment (`support::bare`) plus `env`.
pub fn terminal(cols: u16, env: &[(&str, &str)], args: &[&str]) -> Command {
    let bin = assert_cmd::cargo::cargo_bin("civimg");
    let quoted: Vec<String> = std::iter::once(bin.to_string_lossy().as_ref())
        .chain(args.iter().copied())
        .map(shell_quote)
        .collect();
    let line = format!("stty cols {cols} rows 40; exec {}", quoted.join(" "));
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"]);
    for var in MACHINE_ENV {
        cmd.env_remove(var);
    }
    cmd.envs(TEST_ENV.iter().copied()).envs(env.iter().copied());
    cmd
}

/// Runs civimg with `args` in a pseudo-terminal `cols` columns wide ([`terminal`]).
pub fn in_terminal(cols: u16, env: &[(&str, &str)], args: &[&str]) -> Screen {
    let out = terminal(cols, env, args)
        .stdin(Stdio::null())
        .output()
        .expect("util-linux `script` runs the binary in a pseudo-terminal");
    let raw = String::from_utf8_lossy(&out.stdout).into_owned();
    Screen {
        text: raw.replace('\r', ""),
        raw,
        code: out.status.code().unwrap_or(-1),
    }
}

/// Items that test the table's limits: a wide CJK name, a long name, control characters.
fn odd_items(fake: &FakeCivitai) {
    let base = fake.image_base();
    let names = [
        "東京の絵師さん",
        "a_rather_long_username_x",
        "evil\u{1b}[2Jname",
    ];
    for (i, name) in names.iter().enumerate() {
        let uuid = format!("0000000{i}-aaaa-4bbb-8ccc-dddddddddddd");
        fake.add_item(json!({
            "id": 123456789 + i as u64,
            "url": format!("{base}/xG1nkqKTMzGDvpLrqFT7WA/{uuid}/original=true/{uuid}.jpeg"),
            "username": name, "nsfwLevel": "X", "browsingLevel": 8,
            "width": 1216, "height": 832, "createdAt": "2026-10-31T23:59:00.000Z",
            "stats": {"likeCount": 99999}, "meta": {"prompt": "p"}
        }));
    }
}

// The table fits the terminal: one line per item, no id or username split, no line wider
// than the terminal (display width, not bytes).
#[test]
fn the_table_fits_80_and_60_columns() {
    let fake = FakeCivitai::start();
    odd_items(&fake);
    let args = ["--nsfw", "x", "--sort", "newest", "--max", "30"];
    let want = json_lines(
        &civimg(&fake)
            .args(["list", "-f", "jsonl"])
            .args(args)
            .run_ok()
            .stdout,
    );
    let base = fake.base_url();
    let mut full = vec!["--base-url", &base, "list"];
    full.extend(args);
    for cols in [100u16, 80, 60] {
        let screen = in_terminal(cols, &[], &full);
        assert_eq!(screen.code, 0, "{}", screen.text);
        let lines: Vec<&str> = screen.text.lines().collect();
        assert_eq!(lines.len(), want.len() + 2, "{cols}: {}", screen.text);
        for line in &lines {
            let w = unicode_width::UnicodeWidthStr::width(*line);
            assert!(w <= usize::from(cols), "{cols}: {w}: {line}");
            assert!(!line.contains('\u{1b}'), "no raw escape: {line:?}");
        }
        for (line, item) in lines[2..].iter().zip(&want) {
            let id = item["id"].to_string();
            assert!(line.starts_with(&format!("{id} ")), "{line}");
            let user = item["username"].as_str().unwrap_or("");
            let shown = user.replace('\u{1b}', "\\x1b");
            assert!(
                line.contains(&format!(" {shown} ")),
                "{cols}: {shown} in {line}"
            );
            assert!(!line.contains("None") && !line.contains("http"), "{line}");
        }
        let header = lines[0];
        for col in ["id", "user", "level", "likes", "created"] {
            assert!(header.contains(col), "{cols}: {header}");
        }
        // The file column, when there is room for it, shows each file's whole uuid.
        if header.contains("file") {
            for (line, item) in lines[2..].iter().zip(&want) {
                let uuid = item["url"].as_str().unwrap().rsplit('/').nth(2).unwrap();
                assert!(line.ends_with(uuid), "{line}");
            }
        }
    }
}

// Table cells are cut to their column before layout (an ellipsis shows the cut) and their
// control characters are shown as escapes; JSON keeps the whole value, exactly.
#[test]
fn huge_and_hostile_cells_are_cut_and_escaped_json_stays_exact() {
    let fake = FakeCivitai::start();
    let prompt = format!("{}\u{1b}]0;pwned\u{7}", "x".repeat(128 * 1024));
    let base = fake.image_base();
    let uuid = "11111111-2222-4333-8444-555555555555";
    fake.add_item(json!({
        "id": 99, "username": "bob", "browsingLevel": 1, "nsfwLevel": "None",
        "url": format!("{base}/xG1nkqKTMzGDvpLrqFT7WA/{uuid}/original=true/{uuid}.jpeg"),
        "createdAt": "2020-01-01T00:00:00.000Z", "meta": {"prompt": prompt, "seed": 5}
    }));
    let args = ["list", "--image-id", "99", "--fields", "id,meta.prompt"];
    let out = civimg(&fake).args(args).args(["-f", "table"]).run_ok();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.lines().all(|l| l.chars().count() <= 120), "{table}");
    assert!(table.contains("xxx…"), "{table}");
    assert!(!table.contains('\u{1b}') && !table.contains('\u{7}'));
    let out = civimg(&fake).args(args).args(["-f", "jsonl"]).run_ok();
    let items = json_lines(&out.stdout);
    assert!(
        crate::support::prompt_of(&items[0]) == Some(prompt.clone()),
        "JSON keeps it all"
    );

    // The same prompt read from a file by `meta`: wrapped, cut, escaped; JSON whole.
    let dir = tempfile::TempDir::new().unwrap();
    let png = dir.path().join("long.png");
    let params = format!("{prompt}\nSteps: 20, Seed: 5, Size: 1x1");
    crate::fixtures::png_with_text(
        &png,
        &[("parameters", &params, crate::fixtures::TextKind::Itxt)],
    );
    let out = civimg(&fake).arg("meta").arg(&png).run_ok();
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(
        shown.lines().all(|l| l.chars().count() <= 100),
        "fallback width"
    );
    assert!(
        shown.contains('…') && !shown.contains('\u{1b}'),
        "cut and escaped"
    );
    assert!(shown.len() < 64 * 1024, "{}", shown.len());
    let out = civimg(&fake)
        .args(["meta", "-f", "jsonl"])
        .arg(&png)
        .run_ok();
    let record = &json_lines(&out.stdout)[0];
    assert!(
        record["prompt"].as_str() == Some(prompt.as_str()),
        "JSON keeps it all"
    );
}

// On a terminal, roff is noise: `civimg man` says how to view the page instead.
#[test]
fn man_on_a_terminal_says_how_to_view_the_page() {
    let screen = in_terminal(80, &[], &["man"]);
    assert_eq!(screen.code, 0, "{}", screen.text);
    assert!(
        screen.text.contains("civimg man | man -l -"),
        "{}",
        screen.text
    );
    assert!(!screen.text.contains(".TH"), "{}", screen.text);
    // Piped, it is the page: every subcommand has its section, with exit codes and files.
    let out = crate::support::bare().arg("man").run_ok();
    let page = String::from_utf8(out.stdout).unwrap();
    for heading in [
        "CIVIMG DOWNLOAD",
        "CIVIMG META",
        "EXIT STATUS",
        "FILES",
        "ENVIRONMENT",
    ] {
        assert!(page.contains(heading), "{heading}");
    }
    assert!(page.contains("stop\\-after\\-known") && page.contains("config.toml"));
}

/// What a terminal `cols` wide shows after `raw` was written to it: enough of a VT100 for
/// progress bars (cursor up/down, erase line/below, carriage return, autowrap).
pub fn final_screen(raw: &str, cols: usize) -> Vec<String> {
    let mut rows: Vec<Vec<char>> = vec![Vec::new()];
    let (mut r, mut c) = (0usize, 0usize);
    let mut chars = raw.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\u{1b}' if chars.peek() == Some(&'[') => {
                chars.next();
                let mut params = String::new();
                let mut fin = ' ';
                for p in chars.by_ref() {
                    if p.is_ascii_alphabetic() || p == '@' || p == '~' {
                        fin = p;
                        break;
                    }
                    params.push(p);
                }
                let n: usize = params.trim_start_matches('?').parse().unwrap_or(0);
                match fin {
                    'A' => r = r.saturating_sub(n.max(1)),
                    'B' => r += n.max(1),
                    'G' => c = n.saturating_sub(1),
                    'K' if n == 2 => rows[r].clear(),
                    'K' => rows[r].truncate(c),
                    'J' => {
                        rows[r].truncate(c);
                        rows.truncate(r + 1);
                    }
                    _ => {}
                }
            }
            '\r' => c = 0,
            '\n' => r += 1,
            ch if ch.is_control() => {}
            ch => {
                if c >= cols {
                    r += 1;
                    c = 0;
                }
                while rows.len() <= r {
                    rows.push(Vec::new());
                }
                let row = &mut rows[r];
                while row.len() < c {
                    row.push(' ');
                }
                if c < row.len() {
                    row[c] = ch;
                } else {
                    row.push(ch);
                }
                c += unicode_width::UnicodeWidthChar::width(ch)
                    .unwrap_or(0)
                    .max(1);
            }
        }
        while rows.len() <= r {
            rows.push(Vec::new());
        }
    }
    let mut lines: Vec<String> = rows
        .into_iter()
        .map(|row| row.into_iter().collect::<String>().trim_end().to_string())
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

// After Ctrl-C typed at the terminal the progress lines are gone before the summary: nothing
// stale on screen.
#[test]
fn ctrl_c_leaves_only_the_summary_on_screen() {
    let fake = FakeCivitai::start_with(crate::fake::FakeConfig {
        image_size: Some(1 << 20),
        // 16 chunks 100 ms apart: each file takes ~1.6 s, so Ctrl-C at 1.5 s lands mid-transfer.
        chunk_delay: std::time::Duration::from_millis(100),
        ..crate::fake::FakeConfig::default()
    });
    let dir = tempfile::TempDir::new().unwrap();
    let base = fake.base_url();
    let out_dir = dir.path().display().to_string();
    let args = [
        "--base-url",
        &base,
        "download",
        "--username",
        "bob",
        "--nsfw",
        "x",
        "-j",
        "3",
        "-o",
        &out_dir,
    ];
    let mut child = terminal(60, &[], &args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Ctrl-C typed into the terminal, as a person does, once a transfer is drawn: the
    // terminal echoes it (`^C`) at the cursor, which sits at the end of a full-width bar line.
    let screen = Watched::start(child.stdout.take().unwrap());
    assert!(
        screen.wait_for("KiB/", std::time::Duration::from_secs(60)),
        "no transfer was drawn: {}",
        screen.so_far()
    );
    let mut keyboard = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut keyboard, b"\x03").unwrap();
    let status = child.wait().unwrap();
    drop(keyboard);
    let raw = screen.finish();
    assert_eq!(status.code(), Some(130), "{raw}");
    assert!(
        raw.contains("KiB/"),
        "a transfer was drawn before Ctrl-C: {raw}"
    );
    let screen = final_screen(&raw, 60);
    assert!(screen[0].starts_with("civimg: interrupted:"), "{screen:#?}");
    for l in &screen {
        assert!(
            l.starts_with("civimg:") || l.starts_with("  "),
            "stale: {l:?} in {screen:#?}"
        );
        let progress = ["KiB/", "MiB/1", "listing…", "ETA", "[=", "[>", "[ "];
        assert!(!progress.iter().any(|p| l.contains(p)), "{screen:#?}");
        assert!(
            unicode_width::UnicodeWidthStr::width(l.as_str()) <= 60,
            "{l}"
        );
    }
    assert!(
        screen.join(" ").contains("run the same command again"),
        "{screen:#?}"
    );
}

// Issue 17: the listing runs ahead of the downloads (items are small), so the overall line
// shows the total and an ETA while the first files are still coming, and each transfer row
// shows the file's local name, not the host's uuid.
#[test]
fn the_listing_runs_ahead_and_rows_show_local_names() {
    let fake = FakeCivitai::start_with(crate::fake::FakeConfig {
        image_size: Some(1 << 20),
        // 16 chunks 100 ms apart: each file takes ~1.6 s, two at a time.
        chunk_delay: std::time::Duration::from_millis(100),
        ..crate::fake::FakeConfig::default()
    });
    let query = [
        "--username",
        "alice_ai",
        "--nsfw",
        "x",
        "--limit",
        "20",
        "--max",
        "60",
    ];
    let items = json_lines(
        &civimg(&fake)
            .args(["list", "-f", "jsonl"])
            .args(query)
            .run_ok()
            .stdout,
    );
    assert_eq!(items.len(), 60);
    let dir = tempfile::TempDir::new().unwrap();
    let (base, out_dir) = (fake.base_url(), dir.path().display().to_string());
    let mut args = vec!["--base-url", base.as_str(), "download"];
    args.extend(query);
    args.extend(["-j", "2", "-o", out_dir.as_str()]);
    let mut child = terminal(100, &[], &args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let screen = Watched::start(child.stdout.take().unwrap());
    let guard = std::time::Duration::from_secs(60);
    assert!(screen.wait_for("/60 files", guard), "{}", screen.so_far());
    assert!(screen.wait_for("ETA", guard), "{}", screen.so_far());
    // Three pages listed, and only the first files asked for: the listing did not wait for
    // the transfers (it used to wait until all but the last page's files had started).
    let asked = fake.image_requests().len();
    let first = items[0]["id"].as_u64().unwrap();
    let name = format!("{first}.{}", real_ext(&fake.original_bytes(first)));
    assert!(screen.wait_for(&name, guard), "{}", screen.so_far());
    let mut keyboard = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut keyboard, b"\x03").unwrap();
    let status = child.wait().unwrap();
    drop(keyboard);
    let raw = screen.finish();
    assert_eq!(status.code(), Some(130), "{raw}");
    assert!(
        asked < 20,
        "the total came after {asked} files were asked for"
    );
    let url = items[0]["url"].as_str().unwrap();
    let uuid = url.rsplit('/').nth(2).unwrap();
    assert!(!raw.contains(uuid), "the host's name is not shown: {raw}");
}

// A file saved beside a user's own file of the same name is counted and named; long summary
// lines wrap at spaces to a narrow terminal.
#[test]
fn renamed_files_are_named_and_the_summary_wraps_at_60_columns() {
    let fake = FakeCivitai::start();
    let first = tempfile::TempDir::new().unwrap();
    civimg(&fake)
        .args(["download", "--username", "bob", "-q", "-o"])
        .arg(first.path())
        .run_ok();
    let names: Vec<String> = crate::support::files_below(first.path())
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(names.len(), 5);
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(dir.path().join(&names[0]), b"the user's own file").unwrap();
    let out_dir = dir.path().display().to_string();
    let base = fake.base_url();
    let screen = in_terminal(
        60,
        &[],
        &[
            "--base-url",
            &base,
            "download",
            "--username",
            "bob",
            "-o",
            &out_dir,
        ],
    );
    assert_eq!(screen.code, 0, "{}", screen.text);
    let lines = final_screen(&screen.raw, 60);
    let (stem, ext) = names[0].rsplit_once('.').unwrap();
    let id = stem;
    let renamed = format!("{stem}-{id}.{ext} (not {})", names[0]);
    let text = lines.join("\n");
    assert!(text.contains("1 saved under another name"), "{text}");
    assert!(text.contains(&renamed), "{text}");
    assert_eq!(
        std::fs::read(dir.path().join(&names[0])).unwrap(),
        b"the user's own file"
    );
    for l in &lines {
        assert!(
            unicode_width::UnicodeWidthStr::width(l.as_str()) <= 60,
            "{l}"
        );
    }
    // The summary's first line was longer than 60: it wrapped between words.
    let summary = lines
        .iter()
        .position(|l| l.contains("downloaded ("))
        .unwrap();
    assert!(lines[summary + 1].starts_with("        "), "{text}");
}

/// The bytes drawn so far and whether the output has ended, and its signal of more.
type Drawn = (std::sync::Mutex<(Vec<u8>, bool)>, std::sync::Condvar);

/// A terminal's output read as it comes, so a test can wait for what is drawn.
pub struct Watched {
    seen: std::sync::Arc<Drawn>,
    reader: std::thread::JoinHandle<()>,
}

impl Watched {
    /// Reads `out` on its own thread until it ends.
    pub fn start(mut out: impl std::io::Read + Send + 'static) -> Watched {
        let seen = std::sync::Arc::new((
            std::sync::Mutex::new((Vec::new(), false)),
            std::sync::Condvar::new(),
        ));
        let shared = seen.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                let n = out.read(&mut buf).unwrap_or(0);
                let (lock, more) = &*shared;
                let mut state = lock.lock().unwrap();
                state.0.extend_from_slice(&buf[..n]);
                state.1 = n == 0;
                more.notify_all();
                if n == 0 {
                    return;
                }
            }
        });
        Watched { seen, reader }
    }

    /// Blocks until `text` was drawn (true), the output ended without it or `guard` passed
    /// (a failure guard, not a timing).
    pub fn wait_for(&self, text: &str, guard: std::time::Duration) -> bool {
        let until = std::time::Instant::now() + guard;
        let (lock, more) = &*self.seen;
        let mut state = lock.lock().unwrap();
        loop {
            if String::from_utf8_lossy(&state.0).contains(text) {
                return true;
            }
            let left = until.saturating_duration_since(std::time::Instant::now());
            if state.1 || left.is_zero() {
                return false;
            }
            state = more.wait_timeout(state, left).unwrap().0;
        }
    }

    /// What was drawn so far.
    pub fn so_far(&self) -> String {
        String::from_utf8_lossy(&self.seen.0.lock().unwrap().0).into_owned()
    }

    /// Everything, once the output has ended.
    pub fn finish(self) -> String {
        let Watched { seen, reader } = self;
        reader.join().unwrap();
        let drawn = seen.0.lock().unwrap();
        String::from_utf8_lossy(&drawn.0).into_owned()
    }
}
