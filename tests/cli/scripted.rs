//! A small hostile HTTP host for tests: every request is answered by a closure, which can
//! refuse, send a plain `200`, another file, half a file, or drip bytes. Plain HTTP/1.1 on
//! `127.0.0.1:0`, one thread per connection, `Connection: close`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the host saw it.
#[derive(Clone, Debug)]
pub struct Asked {
    /// The request line's method.
    pub method: String,
    /// The path (with any query).
    pub path: String,
    /// The `Range` header, if any.
    pub range: Option<String>,
}

impl Asked {
    /// `(start, Some(end))` for `bytes=S-E`, `(start, None)` for `bytes=S-`.
    pub fn byte_range(&self) -> Option<(u64, Option<u64>)> {
        let spec = self.range.as_deref()?.strip_prefix("bytes=")?;
        let (start, end) = spec.split_once('-')?;
        Some((start.parse().ok()?, end.parse().ok()))
    }
}

/// What to send back.
pub enum Answer {
    /// A status with a short text body.
    Status(u16),
    /// Status, extra headers and a body, sent at once.
    Body(u16, Vec<(String, String)>, Vec<u8>),
    /// Status and headers (with this `Content-Length`), then the body one byte at a time,
    /// this long apart.
    Drip(u16, Vec<(String, String)>, Vec<u8>, Duration),
    /// `Content-Length` of the whole, then only the first `n` bytes, then the connection closes.
    Cut(Vec<u8>, usize),
    /// Never answer (the connection stays open until the test ends).
    Silent,
}

impl Answer {
    /// `200` with the whole file.
    pub fn whole(file: &[u8]) -> Answer {
        Answer::Body(200, vec![], file.to_vec())
    }

    /// `206` with bytes `start..=end` of the file.
    pub fn range(file: &[u8], start: u64, end: Option<u64>) -> Answer {
        let end = end
            .unwrap_or(file.len() as u64 - 1)
            .min(file.len() as u64 - 1);
        let headers = vec![(
            "Content-Range".to_string(),
            format!("bytes {start}-{end}/{}", file.len()),
        )];
        Answer::Body(206, headers, file[start as usize..=end as usize].to_vec())
    }
}

/// A running scripted host; it stops serving when the test process ends.
pub struct Scripted {
    port: u16,
    asked: Arc<Mutex<Vec<Asked>>>,
}

impl Scripted {
    /// Starts a host answering every request with `answer`.
    pub fn start(answer: impl Fn(&Asked) -> Answer + Send + Sync + 'static) -> Scripted {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(answer);
        let log = asked.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (answer, log) = (answer.clone(), log.clone());
                std::thread::spawn(move || serve(stream, &*answer, &log));
            }
        });
        Scripted { port, asked }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request so far.
    pub fn asked(&self) -> Vec<Asked> {
        self.asked.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, answer: &dyn Fn(&Asked) -> Answer, log: &Mutex<Vec<Asked>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut range = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("range") {
                range = Some(value.trim().to_string());
            }
        }
    }
    let asked = Asked {
        method,
        path,
        range,
    };
    log.lock().unwrap().push(asked.clone());
    let mut out = stream;
    let head = |status: u16, headers: &[(String, String)], len: usize| {
        let mut text =
            format!("HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Length: {len}\r\n");
        for (k, v) in headers {
            text.push_str(&format!("{k}: {v}\r\n"));
        }
        text.push_str("\r\n");
        text.into_bytes()
    };
    let _ = match answer(&asked) {
        Answer::Status(status) => {
            let body = format!("status {status}");
            out.write_all(&head(status, &[], body.len()))
                .and_then(|_| out.write_all(body.as_bytes()))
        }
        Answer::Body(status, headers, body) => {
            let body = if asked.method == "HEAD" { vec![] } else { body };
            out.write_all(&head(status, &headers, body.len()))
                .and_then(|_| out.write_all(&body))
        }
        Answer::Drip(status, headers, body, every) => {
            let _ = out.write_all(&head(status, &headers, body.len()));
            for byte in body {
                std::thread::sleep(every);
                if out.write_all(&[byte]).and_then(|_| out.flush()).is_err() {
                    break;
                }
            }
            Ok(())
        }
        Answer::Cut(body, n) => out
            .write_all(&head(200, &[], body.len()))
            .and_then(|_| out.write_all(&body[..n])),
        Answer::Silent => {
            std::thread::sleep(Duration::from_secs(60));
            Ok(())
        }
    };
    let _ = out.flush();
}
