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
    let mut child = Command::new(env!("CARGO_BIN_EXE_divtrace"))
        .args(["serve", "--case", case.to_str().unwrap(), "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start divtrace serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port: u16 = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in the start-up line: {line:?}"));
    Server { child: Some(child), port, case, dir }
}

pub fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let case = bundled_case(dir.path());
    serve(case, dir)
}

/// One request (`Connection: close`); returns status, the header block and the body.
pub fn request(s: &Server, method: &str, path: &str, host: &str) -> (u16, String, String) {
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
    write!(c, "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").unwrap();
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
