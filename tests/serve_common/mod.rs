//! A `divtrace serve` process over the bundled case (ingested and resolved
//! in a temp dir), and a minimal HTTP/1.1 client on std's TcpStream.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub struct Server {
    pub child: Option<Child>,
    pub port: u16,
    pub case: PathBuf,
    pub dir: tempfile::TempDir,
}

impl Server {
    /// Stops the process and waits for it.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The bundled case ingested and resolved into `dir`.
pub fn bundled_case(dir: &std::path::Path) -> PathBuf {
    let case = dir.join("case.db");
    let bundle = super::common::root().join("graphs/turkish-chips");
    super::common::divtrace(["ingest".as_ref(), bundle.as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    super::common::divtrace(["resolve".as_ref(), "--case".as_ref(), case.as_os_str()]).ok();
    case
}

/// Starts `divtrace serve --port 0` on a case and reads the port it printed.
pub fn serve(case: PathBuf, dir: tempfile::TempDir) -> Server {
    serve_with(case, dir, &[]).0
}

/// [`serve`] with more flags; also returns the edit token when `--allow-edits` is among them.
pub fn serve_with(case: PathBuf, dir: tempfile::TempDir, extra: &[&str]) -> (Server, Option<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_divtrace"))
        .args(["serve", "--case", case.to_str().unwrap(), "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start divtrace serve");
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    let token = extra.contains(&"--allow-edits").then(|| {
        let mut t = String::new();
        out.read_line(&mut t).unwrap();
        t.strip_prefix("edit token: ")
            .and_then(|r| r.split(' ').next())
            .unwrap_or_else(|| panic!("no edit token in the second line: {t:?}"))
            .to_string()
    });
    let port: u16 = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in the start-up line: {line:?}"));
    (Server { child: Some(child), port, case, dir }, token)
}

pub fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let case = bundled_case(dir.path());
    serve(case, dir)
}

/// One request (`Connection: close`); returns status, the header block and the body.
pub fn request(s: &Server, method: &str, path: &str, host: &str) -> (u16, String, String) {
    send(s, method, path, host, &[], "")
}

/// A POST of `body` to this server with extra header lines (`Name: value`).
pub fn post(s: &Server, path: &str, headers: &[&str], body: &str) -> (u16, String, String) {
    send(s, "POST", path, &format!("127.0.0.1:{}", s.port), headers, body)
}

fn send(s: &Server, method: &str, path: &str, host: &str, headers: &[&str], body: &str) -> (u16, String, String) {
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
    let extra: String = headers.iter().map(|h| format!("{h}\r\n")).collect();
    write!(c, "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{extra}Content-Length: {}\r\n\r\n{body}", body.len())
        .unwrap();
    let mut raw = Vec::new();
    c.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a header block");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    let code = head.split(' ').nth(1).and_then(|c| c.parse().ok()).expect("a status code");
    (code, head, String::from_utf8_lossy(&body).into_owned())
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(i) = b.windows(2).position(|w| w == b"\r\n") else { return out };
        let n = usize::from_str_radix(std::str::from_utf8(&b[..i]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + n]);
        b = &b[i + 2 + n + 2..];
    }
}

pub fn get(s: &Server, path: &str) -> (u16, String, String) {
    request(s, "GET", path, &format!("127.0.0.1:{}", s.port))
}

pub fn get_as(s: &Server, path: &str, host: &str) -> (u16, String, String) {
    request(s, "GET", path, host)
}
