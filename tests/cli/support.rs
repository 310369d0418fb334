//! Shared helpers for the integration tests: the real binary, pointed at a fake Civitai.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use crate::fake::FakeCivitai;

/// The real `civimg` binary with a clean environment: no key, no base URL or config from the
/// machine it runs on, no colour, and the fake's base URL.
pub fn civimg(fake: &FakeCivitai) -> Command {
    let mut cmd = bare();
    cmd.args(["--base-url", &fake.base_url()]);
    cmd
}

/// The real binary with a clean environment and no base URL.
pub fn bare() -> Command {
    let mut cmd = Command::cargo_bin("civimg").expect("the civimg binary is built");
    for var in MACHINE_ENV {
        cmd.env_remove(var);
    }
    cmd.envs(TEST_ENV.iter().copied());
    cmd.timeout(std::time::Duration::from_secs(120));
    cmd
}

/// Variables of the machine a test runs on that would change what civimg does.
pub const MACHINE_ENV: &[&str] = &[
    "CIVITAI_API_KEY",
    "CIVITAI_BASE_URL",
    "CIVIMG_CONFIG",
    "CIVIMG_IMAGE_HOST",
    "CIVIMG_CACHE_DIR",
    "COLUMNS",
    "CLICOLOR_FORCE",
];

/// What every test run has instead: no config file, no colour, and no fallback file host (a
/// failing file host must never send a test to the real one on the internet; tests of the
/// fallback point it at the fake's own).
pub const TEST_ENV: &[(&str, &str)] = &[
    ("XDG_CONFIG_HOME", "/nonexistent/civimg-tests"),
    // `resources` keeps a cache: tests that use it name their own folder.
    ("XDG_CACHE_HOME", "/nonexistent/civimg-tests"),
    ("CIVIMG_IMAGE_FALLBACK_HOST", "none"),
    ("NO_COLOR", "1"),
];

/// Parses JSON lines output.
pub fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// The ids of a list of items.
pub fn ids(items: &[Value]) -> Vec<u64> {
    items
        .iter()
        .map(|i| i["id"].as_u64().expect("id"))
        .collect()
}

/// Text of stdout or stderr.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every regular file below `dir` (relative paths), skipping civimg's `.civimg` state folder.
pub fn files_below(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                if entry.file_name() != ".civimg" {
                    stack.push(path);
                }
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// The prompt of an item's meta, flat or wrapped.
pub fn prompt_of(item: &Value) -> Option<String> {
    let meta = item.get("meta")?;
    let flat = match meta.get("meta") {
        Some(inner) if meta.get("prompt").is_none() => inner,
        _ => meta,
    };
    flat.get("prompt")?.as_str().map(str::to_string)
}

/// Runs a command and returns its output, asserting how it exited.
pub trait RunExt {
    /// Asserts exit 0.
    fn run_ok(&mut self) -> std::process::Output;
    /// Asserts this exit code.
    fn run_fails(&mut self, code: i32) -> std::process::Output;
}

impl RunExt for Command {
    fn run_ok(&mut self) -> std::process::Output {
        self.assert().success().get_output().clone()
    }

    fn run_fails(&mut self, code: i32) -> std::process::Output {
        self.assert().code(code).get_output().clone()
    }
}

/// What a signature says the extension is, for checking saved names.
pub fn real_ext(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG") {
        "png"
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        "jpeg"
    } else if bytes.len() > 12 && &bytes[8..12] == b"WEBP" {
        "webp"
    } else if bytes.starts_with(b"GIF8") {
        "gif"
    } else if bytes.len() > 8 && &bytes[4..8] == b"ftyp" {
        "mp4"
    } else if bytes.starts_with(b"\x1a\x45\xdf\xa3") {
        "webm"
    } else {
        "bin"
    }
}

/// A small tmpfs mounted for one test and unmounted when dropped.
pub struct Mount(std::path::PathBuf);

impl Mount {
    /// Mounts a tmpfs with these options, or `None` where this user may not mount.
    pub fn tmpfs(at: &Path, options: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Mount(at.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}
