//! `list`'s tables as a person reads them (issue 17): `--fields` columns share out the
//! terminal's width, the wide ones giving up room first and the short ones never cut; a table
//! of mixed media says which items are videos.

use serde_json::json;

use crate::fake::FakeCivitai;
use crate::support::{civimg, text, RunExt};
use crate::terminal::in_terminal;

/// Adds an item by `user` with this id, type, like count and prompt.
fn add(fake: &FakeCivitai, user: &str, id: u64, kind: &str, likes: u64, prompt: &str) {
    let base = fake.image_base();
    let uuid = format!("{id:08}-aaaa-4bbb-8ccc-dddddddddddd");
    let ext = if kind == "video" { "mp4" } else { "jpeg" };
    fake.add_item(json!({
        "id": id, "username": user, "type": kind, "nsfw": false,
        "nsfwLevel": "None", "browsingLevel": 1, "width": 832, "height": 1216,
        "url": format!("{base}/xG1nkqKTMzGDvpLrqFT7WA/{uuid}/original=true/{uuid}.{ext}"),
        "createdAt": "2026-10-31T23:59:00.000Z", "stats": {"likeCount": likes},
        "meta": {"prompt": prompt}
    }));
}

const FIELDS: &str = "id,nsfw,stats.likeCount,meta.prompt,url";

/// The rows under the header and its rule.
fn rows(table: &str) -> Vec<&str> {
    table.lines().skip(2).collect()
}

fn width(line: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(line)
}

// In a terminal: every header whole, short columns whole, and the line as wide as the
// terminal, the long prompt and url taking what the short columns leave.
#[test]
fn field_columns_fill_the_terminal_and_keep_short_headers_whole() {
    let fake = FakeCivitai::start();
    let prompt = "masterpiece, best quality, ".repeat(12);
    add(&fake, "wide_tables", 99_000_001, "image", 7, &prompt);
    let base = fake.base_url();
    let args = [
        "--base-url",
        &base,
        "list",
        "--username",
        "wide_tables",
        "--fields",
        FIELDS,
    ];
    let mut shown = Vec::new();
    for cols in [60u16, 80, 160] {
        let screen = in_terminal(cols, &[], &args);
        assert_eq!(screen.code, 0, "{}", screen.text);
        let header: Vec<&str> = screen.text.lines().next().unwrap().split(' ').collect();
        let header: Vec<&str> = header.into_iter().filter(|h| !h.is_empty()).collect();
        assert_eq!(
            header[..3],
            ["id", "nsfw", "stats.likeCount"],
            "{}",
            screen.text
        );
        let rows = rows(&screen.text);
        assert_eq!(rows.len(), 1, "{}", screen.text);
        assert!(rows[0].starts_with("99000001 false 7 "), "{}", rows[0]);
        // One column short of the terminal: the last stays free, as under the default table.
        assert_eq!(width(rows[0]), usize::from(cols) - 1, "{}", screen.text);
        let start = rows[0].find("masterpiece").unwrap();
        let end = rows[0].find(" http").unwrap();
        shown.push(end - start);
    }
    // The wider the terminal, the more of the prompt it shows.
    assert!(shown[0] < shown[1] && shown[1] < shown[2], "{shown:?}");
    // Piped, the width is COLUMNS's, as `ls` reads it.
    let out = civimg(&fake)
        .env("COLUMNS", "200")
        .args(["list", "--username", "wide_tables", "-f", "table"])
        .args(["--fields", FIELDS])
        .run_ok();
    let table = text(&out.stdout);
    assert_eq!(width(rows(&table)[0]), 199, "{table}");
}

// Issue 17: "a table of mixed media shows the type": a type column when some item is not an
// image, none in a table of images.
#[test]
fn a_table_of_mixed_media_shows_the_type() {
    let fake = FakeCivitai::start();
    add(&fake, "mixed_media", 99_000_011, "image", 50, "a cat");
    add(
        &fake,
        "mixed_media",
        99_000_012,
        "video",
        40,
        "a cat, moving",
    );
    let list = |extra: &[&str]| {
        let out = civimg(&fake)
            .env("COLUMNS", "100")
            .args(["list", "--username", "mixed_media", "-f", "table"])
            .args(extra)
            .run_ok();
        text(&out.stdout)
    };
    let mixed = list(&[]);
    let lines: Vec<&str> = mixed.lines().collect();
    assert!(lines[0].contains(" type "), "{mixed}");
    let row = |id: &str| lines.iter().find(|l| l.starts_with(id)).unwrap();
    assert!(row("99000011").contains(" image "), "{mixed}");
    assert!(row("99000012").contains(" video "), "{mixed}");
    // Images alone: no column.
    let images = list(&["--type", "image"]);
    assert!(
        !images.contains("type") && images.contains("99000011"),
        "{images}"
    );
    // The video on the second page: the table starts again with the column, under a header
    // of its own, and every item is still listed once.
    let paged = list(&["--limit", "1"]);
    let headers: Vec<&str> = paged.lines().filter(|l| l.starts_with("id ")).collect();
    assert_eq!(headers.len(), 2, "{paged}");
    assert!(
        !headers[0].contains("type") && headers[1].contains(" type "),
        "{paged}"
    );
    assert_eq!(paged.lines().count(), 2 + 1 + 2 + 1, "{paged}");
    assert!(paged
        .lines()
        .any(|l| l.starts_with("99000012") && l.contains(" video ")));
}
