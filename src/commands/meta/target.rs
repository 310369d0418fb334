//! What a `civimg meta` argument names: an image on the API (id or page URL) or local files.

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use url::Url;

use crate::sniff::SNIFF_LEN;

/// One command-line argument of `meta`, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An image id, given bare or inside a page URL; looked up on the API.
    Image(u64),
    /// An existing file or directory.
    Path(PathBuf),
}

/// Extensions of the files `download` writes beside an image (sidecar, caption, partial),
/// never images themselves.
const NOT_IMAGES: &[&str] = &["json", "txt", "part"];

impl Target {
    /// Classifies an argument: an existing path first (so a file named `123` is read, not
    /// looked up), then all digits, then an `http(s)://…/images/<id>` URL.
    pub fn parse(arg: &OsStr) -> Result<Target> {
        let path = Path::new(arg);
        if path.exists() {
            return Ok(Target::Path(path.to_path_buf()));
        }
        let text = arg.to_string_lossy();
        let text = text.trim();
        if let Some(id) = parse_id(text) {
            return Ok(Target::Image(id));
        }
        if let Some(id) = id_from_url(text) {
            return Ok(Target::Image(id));
        }
        bail!("not an image id, image URL or existing file: {text}")
    }
}

/// A bare image id: ASCII digits only, fitting a u64.
fn parse_id(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The id in an image page URL (`https://civitai.com/images/469632?postId=1`, any host,
/// trailing slash allowed). Only the id is used: the lookup goes to `--base-url`.
fn id_from_url(text: &str) -> Option<u64> {
    let url = Url::parse(text).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [.., "images", id] => parse_id(id),
        _ => None,
    }
}

/// Every image below a directory target, in subfolders too (`download --name '{username}/…'`
/// makes them), sorted by path. Hidden entries, download's side files (`.json`, `.txt`,
/// `.part`) and files that cannot hold generation data (videos, GIFs, anything not PNG, JPEG,
/// WebP, AVIF or HEIF) are left out silently; symlinked folders are not followed (no loops).
pub fn images_below(path: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    walk(path, &mut files)?;
    if files.is_empty() {
        bail!(
            "{}: no PNG, JPEG, WebP, AVIF or HEIF images in this directory or below it",
            path.display()
        );
    }
    Ok(files)
}

/// Appends the images below `dir` to `files`, depth first, each folder's entries by name.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    let mut entries: Vec<std::fs::DirEntry> = entries
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot list {}", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if is_hidden(&path) {
            continue;
        }
        let kind = entry
            .file_type()
            .with_context(|| format!("cannot read {}", path.display()))?;
        if kind.is_dir() {
            walk(&path, files)?;
        } else if is_candidate(&path) {
            files.push(path);
        }
    }
    Ok(())
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_none_or(|n| n.to_string_lossy().starts_with('.'))
}

/// Whether a directory entry is an image worth reading: a regular file (a symlink to one
/// counts) that is not one of download's side files and starts like a PNG, JPEG, WebP, AVIF
/// or HEIF.
fn is_candidate(path: &Path) -> bool {
    let side_file = path
        .extension()
        .is_some_and(|e| NOT_IMAGES.iter().any(|x| e.eq_ignore_ascii_case(x)));
    if side_file || !path.is_file() {
        return false;
    }
    let mut head = Vec::with_capacity(SNIFF_LEN);
    let read =
        std::fs::File::open(path).and_then(|f| f.take(SNIFF_LEN as u64).read_to_end(&mut head));
    // An unreadable file is kept, so that reading it reports why.
    read.is_err() || crate::meta::can_hold_generation_data(&head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Target> {
        Target::parse(OsStr::new(s))
    }

    #[test]
    fn ids_and_page_urls() {
        assert_eq!(parse("469632").unwrap(), Target::Image(469632));
        for url in [
            "https://civitai.com/images/469632",
            "https://civitai.red/images/469632/",
            "http://civitai.com/images/469632?postId=7&modelId=9",
            "https://civitai.com/images/469632#comments",
        ] {
            assert_eq!(parse(url).unwrap(), Target::Image(469632), "{url}");
        }
    }

    #[test]
    fn anything_else_is_a_clear_error() {
        for bad in [
            "",
            "12a",
            "-5",
            "99999999999999999999999",
            "https://civitai.com/models/123",
            "https://civitai.com/images/abc",
            "ftp://civitai.com/images/1",
            "no-such-file.png",
        ] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(
                err.starts_with("not an image id, image URL or existing file"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn an_existing_path_wins_over_an_id() {
        let dir = tempfile::TempDir::new().unwrap();
        let file = dir.path().join("123");
        std::fs::write(&file, b"x").unwrap();
        assert_eq!(Target::parse(file.as_os_str()).unwrap(), Target::Path(file));
    }

    #[test]
    fn directories_list_visible_images_sorted() {
        let dir = tempfile::TempDir::new().unwrap();
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR";
        let jpeg = b"\xff\xd8\xff\xe0";
        for (name, bytes) in [
            ("b.png", &png[..]),
            ("a.jpeg", jpeg),
            ("a.jpeg.json", b"{}"),
            ("b.txt", b"x"),
            ("c.png.part", png),
            (".hidden.png", png),
            ("clip.mp4", b"\0\0\0\x18ftypmp42"),
            ("anim.gif", b"GIF89a"),
            ("sub/z/deep.png", png),
            ("sub/c.jpeg", jpeg),
            (".git/x.png", png),
        ] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        let names: Vec<String> = images_below(dir.path())
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.jpeg", "b.png", "sub/c.jpeg", "sub/z/deep.png"]);
        let empty = tempfile::TempDir::new().unwrap();
        assert!(images_below(empty.path()).is_err());
    }
}
