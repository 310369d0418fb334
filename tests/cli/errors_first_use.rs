//! Errors that point at the fix: a base URL with nothing behind it, what `-v` shows of file
//! requests, and the host named after a redirect.

use std::io::{Read, Write};
use std::net::TcpListener;

use crate::fake::{FakeCivitai, Fault};
use crate::support::{bare, civimg, text, RunExt};

/// A loopback port with nothing listening on it.
fn dead_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn a_refused_first_request_fails_at_once_and_points_at_the_base_url() {
    let port = dead_port();
    let start = std::time::Instant::now();
    let out = bare()
        .args(["--base-url", &format!("http://127.0.0.1:{port}"), "list"])
        .run_fails(1);
    let err = text(&out.stderr);
    assert_eq!(
        err.lines().count(),
        1,
        "no retries of a permanent failure: {err}"
    );
    assert!(
        err.contains(&format!("cannot connect to 127.0.0.1:{port}")),
        "{err}"
    );
    assert!(
        err.contains("--base-url") && err.contains("CIVITAI_BASE_URL"),
        "{err}"
    );
    // Five retries with backoff would take well over ten seconds.
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
}

// A walk of several targets (a model's versions) that fails before anything came prints no
// resume hint: running the same command again is the resume.
#[test]
fn a_walk_that_failed_before_any_item_has_no_resume_hint() {
    let port = dead_port();
    let out = bare()
        .args(["--base-url", &format!("http://127.0.0.1:{port}")])
        .args([
            "list",
            "--model-id",
            "104",
            "--username",
            "bob",
            "--username",
            "alice_ai",
        ])
        .run_fails(1);
    let err = text(&out.stderr);
    assert!(err.contains("cannot connect"), "{err}");
    assert!(!err.contains("--cursor"), "{err}");
}

// Once the host has answered, a connection failure is retried as before.
#[test]
fn after_a_first_answer_network_errors_are_retried() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = conn.read(&mut buf);
        let body =
            r#"{"items":[{"id":1,"url":"http://x/a/b/c/d.jpeg"}],"metadata":{"nextCursor":"1|2"}}"#;
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        conn.write_all(head.as_bytes()).unwrap();
        conn.write_all(body.as_bytes()).unwrap();
        // The listener is dropped here: the next page's connection is refused.
    });
    let out = bare()
        .args(["--base-url", &format!("http://127.0.0.1:{port}")])
        .args(["--retries", "1", "list", "-f", "jsonl"])
        .run_fails(1);
    server.join().unwrap();
    let err = text(&out.stderr);
    assert_eq!(
        text(&out.stdout).lines().count(),
        1,
        "the first page is kept"
    );
    assert!(err.contains("retrying in"), "{err}");
    assert!(!err.contains("check --base-url"), "{err}");
    assert!(err.contains("--cursor '1|2'"), "{err}");
}

#[test]
fn verbose_logs_file_requests_and_a_redirect_failure_names_its_host() {
    let fake = FakeCivitai::start();
    let dir = tempfile::TempDir::new().unwrap();
    let out = civimg(&fake)
        .args(["-v", "download", "--username", "bob", "-o"])
        .arg(dir.path())
        .run_ok();
    let err = text(&out.stderr);
    let image_host = fake.image_base();
    let gets: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with(&format!("civimg: GET {image_host}/")))
        .collect();
    assert_eq!(gets.len(), 5, "{err}");
    assert!(gets.iter().all(|l| l.contains("/original=true/")), "{err}");

    let port = dead_port();
    fake.inject(Fault::ImageRedirectTo(format!(
        "http://127.0.0.1:{port}/x.png"
    )));
    let again = tempfile::TempDir::new().unwrap();
    let out = civimg(&fake)
        .args(["--retries", "0", "--image-fallback-host", "none"])
        .args(["download", "--username", "bob", "-j", "1", "-o"])
        .arg(again.path())
        .run_fails(1);
    let err = text(&out.stderr);
    let failed: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("civimg: failed"))
        .collect();
    assert_eq!(failed.len(), 1, "{err}");
    assert!(failed[0].contains(&format!("127.0.0.1:{port}")), "{err}");
}
