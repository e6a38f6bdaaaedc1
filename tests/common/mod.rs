//! Shared helpers for the integration tests: run the built `divtrace` binary
//! in a fresh temp dir and look at what it printed.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Panics with everything printed unless the command succeeded.
    pub fn ok(self) -> Output {
        assert_eq!(self.code, 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }
    pub fn failed(self) -> Output {
        assert_ne!(self.code, 0, "expected failure\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        assert!(!self.stderr.contains("panicked"), "panic reached the user: {}", self.stderr);
        assert!(!self.stderr.contains("RUST_BACKTRACE"), "backtrace hint reached the user: {}", self.stderr);
        self
    }
}

pub fn divtrace<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::new(env!("CARGO_BIN_EXE_divtrace")).args(args).output().expect("run divtrace");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs divtrace with `stdin` on its standard input (for the `-` arguments).
pub fn with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_divtrace"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run divtrace");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The project root (where fixtures/ and graphs/ are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Python interpreter of the test venv (`.ci/setup` makes `.venv` with
/// tests/requirements.txt), falling back to `python3` on the PATH.
pub fn python() -> PathBuf {
    let venv = root().join(".venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// Copies a bundle folder into `dest`.
pub fn copy_dir(src: &Path, dest: &Path) {
    std::fs::create_dir_all(dest).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), dest.join(e.file_name())).unwrap();
        }
    }
}

pub fn sha256(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut v = Vec::new();
    std::fs::File::open(path).unwrap().read_to_end(&mut v).unwrap();
    // A byte comparison is enough here; no need for a real digest.
    v
}

/// Ingests a bundle into a fresh case file under `dir` and returns its path.
pub fn ingest_case(dir: &Path, bundle: &str) -> PathBuf {
    let case = dir.join("case.db");
    divtrace(["ingest".as_ref(), fixture(bundle).as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    case
}

/// Lays out a DOT file with Graphviz (`dot -Tjson`), failing on any error
/// or warning, and returns the layout as JSON.
pub fn check_dot(path: &Path) -> serde_json::Value {
    let out = Command::new("dot").arg("-Tjson").arg(path).output().unwrap_or_else(|e| {
        panic!("Graphviz's `dot` is needed by this test ({e}); `bash .ci/setup` installs it (Debian package graphviz)")
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "dot rejected {}:\n{stderr}", path.display());
    serde_json::from_slice(&out.stdout).expect("dot -Tjson output is JSON")
}

/// The text lines Graphviz drew in each node's label, by node name (n0, n1, ...).
pub fn drawn_labels(layout: &serde_json::Value) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut m = std::collections::BTreeMap::new();
    for o in layout["objects"].as_array().into_iter().flatten() {
        let name = o["name"].as_str().unwrap_or_default().to_string();
        let texts: Vec<String> = o["_ldraw_"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|op| op["op"] == "T")
            .filter_map(|op| op["text"].as_str().map(String::from))
            .collect();
        if !texts.is_empty() {
            m.insert(name, texts);
        }
    }
    m
}
