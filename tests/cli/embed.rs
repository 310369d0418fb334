//! `download --embed-meta` through the real binary (issue 20): files without generation data
//! get the item's `meta` as A1111 text, which reads back through `civimg meta` and through a
//! second reader built here from the A1111 text format alone; files with data, and every file
//! without the flag, stay byte-identical; the archive holds the hash of the file as saved.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use crate::fake::{FakeCivitai, Modes};
use crate::support::{civimg, files_below, json_lines, real_ext, text};

/// A fake whose originals carry no generation text, as many real uploads are stripped.
fn bare_fake() -> FakeCivitai {
    let fake = FakeCivitai::start();
    fake.set_modes(Modes {
        bare_originals: true,
        ..Modes::default()
    });
    fake
}

fn download(fake: &FakeCivitai, dir: &Path, extra: &[&str]) {
    civimg(fake)
        .args(["download", "--username", "bob", "--nsfw", "X", "-o"])
        .arg(dir)
        .args(extra)
        .assert()
        .success();
}

/// The saved images (not side files, not civimg's state), with the id in their name.
fn images(dir: &Path) -> Vec<(u64, std::path::PathBuf)> {
    files_below(dir)
        .into_iter()
        .filter(|p| !p.starts_with(".civimg"))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "png" || e == "jpeg" || e == "webp")
        })
        .map(|p| {
            let id = p.file_stem().unwrap().to_str().unwrap().parse().unwrap();
            (id, dir.join(p))
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn meta_json(fake: &FakeCivitai, target: &std::ffi::OsStr) -> Value {
    let out = civimg(fake)
        .arg("meta")
        .arg(target)
        .args(["--format", "jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    json_lines(&out.stdout).remove(0)
}

/// Resources as a set of their JSON texts, so that order does not matter.
fn resource_set(record: &Value) -> BTreeSet<String> {
    record["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect()
}

#[test]
fn embedded_files_read_back_like_the_api_item() {
    let fake = bare_fake();
    let out = TempDir::new().unwrap();
    download(&fake, out.path(), &["--embed-meta"]);
    let saved = images(out.path());
    let mut embedded = 0;
    let mut kinds = BTreeSet::new();
    for (id, path) in &saved {
        let item = fake.item(*id).unwrap();
        let bytes = std::fs::read(path).unwrap();
        let Some(text) = second_reader::parameters_of(&bytes) else {
            assert!(
                item["meta"].is_null(),
                "item {id} has meta but nothing was embedded"
            );
            assert_eq!(bytes, fake.original_bytes(*id), "item {id}");
            continue;
        };
        embedded += 1;
        kinds.insert(real_ext(&bytes));
        let api = meta_json(&fake, id.to_string().as_ref());
        let file = meta_json(&fake, path.as_os_str());
        for key in [
            "prompt",
            "negativePrompt",
            "seed",
            "sampler",
            "steps",
            "cfgScale",
            "model",
        ] {
            assert_eq!(file[key], api[key], "item {id}: {key}");
        }
        assert_eq!(resource_set(&file), resource_set(&api), "item {id}");
        // The second reader: the A1111 text format alone.
        let read = second_reader::parse(&text);
        let meta = &item["meta"];
        assert_eq!(read.prompt, meta["prompt"].as_str().unwrap(), "item {id}");
        assert_eq!(
            read.get("Seed"),
            Some(meta["seed"].to_string()),
            "item {id}"
        );
        assert_eq!(
            read.get("Sampler").as_deref(),
            meta["sampler"].as_str(),
            "item {id}"
        );
        let listed: Value = serde_json::from_str(&read.get("Civitai resources").unwrap()).unwrap();
        let ids = |list: &Value| -> BTreeSet<u64> {
            list.as_array()
                .unwrap()
                .iter()
                .filter_map(|r| r["modelVersionId"].as_u64())
                .collect()
        };
        assert_eq!(ids(&listed), ids(&meta["civitaiResources"]), "item {id}");
    }
    assert!(embedded >= 3, "{embedded} of {}", saved.len());
    assert!(kinds.len() >= 2, "{kinds:?}");
}

#[test]
fn the_archive_keeps_the_saved_hash_and_a_rerun_fetches_nothing() {
    let fake = bare_fake();
    let out = TempDir::new().unwrap();
    download(&fake, out.path(), &["--embed-meta"]);
    let archive = std::fs::read_to_string(out.path().join(".civimg/archive.jsonl")).unwrap();
    for record in json_lines(archive.as_bytes()) {
        let path = out.path().join(record["name"].as_str().unwrap());
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(record["size"], bytes.len() as u64);
        assert_eq!(record["sha256"], sha256_hex(&bytes));
    }
    fake.clear_requests();
    download(&fake, out.path(), &["--embed-meta"]);
    assert_eq!(fake.image_requests().len(), 0);
}

#[test]
fn originals_stay_byte_identical_unless_asked_or_already_carrying_data() {
    // Off by default.
    let fake = bare_fake();
    let out = TempDir::new().unwrap();
    download(&fake, out.path(), &[]);
    for (id, path) in images(out.path()) {
        assert_eq!(
            std::fs::read(path).unwrap(),
            fake.original_bytes(id),
            "item {id}"
        );
    }
    // Files that carry their own data are left as they are.
    let fake = FakeCivitai::start();
    let out = TempDir::new().unwrap();
    download(&fake, out.path(), &["--embed-meta"]);
    for (id, path) in images(out.path()) {
        assert_eq!(
            std::fs::read(path).unwrap(),
            fake.original_bytes(id),
            "item {id}"
        );
    }
}

#[test]
fn videos_get_the_text_in_their_sidecar() {
    let fake = FakeCivitai::start();
    let out = TempDir::new().unwrap();
    civimg(&fake)
        .args([
            "download",
            "--username",
            "alice_ai",
            "--nsfw",
            "X",
            "--type",
            "video",
        ])
        .args(["--max", "3", "--sidecar", "--embed-meta", "-o"])
        .arg(out.path())
        .assert()
        .success();
    let mut with_text = 0;
    for rel in files_below(out.path()) {
        if rel.extension().is_none_or(|e| e != "json") || rel.starts_with(".civimg") {
            continue;
        }
        let item: Value =
            serde_json::from_slice(&std::fs::read(out.path().join(&rel)).unwrap()).unwrap();
        match item["meta"].as_object() {
            Some(meta) => {
                let read = second_reader::parse(item["parameters"].as_str().unwrap());
                assert_eq!(read.prompt, meta["prompt"].as_str().unwrap());
                with_text += 1;
            }
            None => assert!(item.get("parameters").is_none()),
        }
    }
    assert!(with_text >= 1);
}

/// A reader written from the A1111 `parameters` format alone (and the PNG, JPEG/EXIF and
/// WebP layouts), sharing no code with civimg: prompt lines, `Negative prompt:`, then a
/// settings line of `Key: value` pairs where a value may be a JSON-quoted string.
mod second_reader {
    /// The parts of the text.
    pub struct Parsed {
        pub prompt: String,
        pub settings: Vec<(String, String)>,
    }

    impl Parsed {
        pub fn get(&self, key: &str) -> Option<String> {
            self.settings
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        }
    }

    pub fn parse(text: &str) -> Parsed {
        let lines: Vec<&str> = text.lines().collect();
        let settings_at = lines
            .iter()
            .rposition(|l| l.starts_with("Steps: "))
            .unwrap();
        let negative_at = lines[..settings_at]
            .iter()
            .position(|l| l.starts_with("Negative prompt: "))
            .unwrap_or(settings_at);
        Parsed {
            prompt: lines[..negative_at].join("\n"),
            settings: pairs(lines[settings_at]),
        }
    }

    fn pairs(mut line: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        while let Some(colon) = line.find(": ") {
            let key = line[..colon].trim_start_matches([',', ' ']).to_string();
            let rest = &line[colon + 2..];
            let (value, after) = if rest.starts_with('"') {
                let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
                let value = stream.next().unwrap().unwrap();
                (value, &rest[stream.byte_offset()..])
            } else {
                let end = rest.find(", ").unwrap_or(rest.len());
                (rest[..end].to_string(), &rest[end..])
            };
            out.push((key, value));
            line = after;
        }
        out
    }

    /// The `parameters` text of a PNG, JPEG or WebP, if it holds one.
    pub fn parameters_of(bytes: &[u8]) -> Option<String> {
        match bytes {
            [0x89, b'P', b'N', b'G', ..] => png_text(bytes),
            [0xFF, 0xD8, ..] => jpeg_exif(bytes).and_then(user_comment),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => {
                webp_exif(bytes).and_then(user_comment)
            }
            _ => None,
        }
    }

    fn be32(b: &[u8]) -> usize {
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
    }

    fn png_text(bytes: &[u8]) -> Option<String> {
        let mut pos = 8;
        while pos + 8 <= bytes.len() {
            let len = be32(&bytes[pos..]);
            let kind = &bytes[pos + 4..pos + 8];
            let data = bytes.get(pos + 8..pos + 8 + len)?;
            match kind {
                b"tEXt" if data.starts_with(b"parameters\0") => {
                    return Some(data[11..].iter().map(|&b| b as char).collect())
                }
                b"iTXt" if data.starts_with(b"parameters\0\0\0\0\0") => {
                    return String::from_utf8(data[15..].to_vec()).ok()
                }
                b"IDAT" | b"IEND" => return None,
                _ => {}
            }
            pos += 12 + len;
        }
        None
    }

    fn jpeg_exif(bytes: &[u8]) -> Option<&[u8]> {
        let mut pos = 2;
        while pos + 4 <= bytes.len() && bytes[pos] == 0xFF && bytes[pos + 1] != 0xDA {
            let len = u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]) as usize;
            let data = bytes.get(pos + 4..pos + 2 + len)?;
            if bytes[pos + 1] == 0xE1 && data.starts_with(b"Exif\0\0") {
                return Some(&data[6..]);
            }
            pos += 2 + len;
        }
        None
    }

    fn webp_exif(bytes: &[u8]) -> Option<&[u8]> {
        let mut pos = 12;
        while pos + 8 <= bytes.len() {
            let len = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().ok()?) as usize;
            if &bytes[pos..pos + 4] == b"EXIF" {
                return bytes.get(pos + 8..pos + 8 + len);
            }
            pos += 8 + len + len % 2;
        }
        None
    }

    /// IFD0 → Exif IFD (tag 0x8769) → UserComment (0x9286), `UNICODE\0` + UTF-16.
    fn user_comment(tiff: &[u8]) -> Option<String> {
        let big = tiff.starts_with(b"MM");
        let u16_at = |p: usize| {
            let b = [tiff[p], tiff[p + 1]];
            if big {
                u16::from_be_bytes(b)
            } else {
                u16::from_le_bytes(b)
            }
        };
        let u32_at = |p: usize| {
            let b = [tiff[p], tiff[p + 1], tiff[p + 2], tiff[p + 3]];
            (if big {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }) as usize
        };
        let find = |ifd: usize, tag: u16| {
            (0..u16_at(ifd) as usize)
                .map(|i| ifd + 2 + 12 * i)
                .find(|&e| u16_at(e) == tag)
        };
        let exif = u32_at(find(u32_at(4), 0x8769)? + 8);
        let entry = find(exif, 0x9286)?;
        let (count, offset) = (u32_at(entry + 4), u32_at(entry + 8));
        let comment = tiff
            .get(offset..offset + count)?
            .strip_prefix(b"UNICODE\0")?;
        let units: Vec<u16> = comment
            .chunks_exact(2)
            .map(|c| {
                if big {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).ok()
    }
}
