//! A reader that stops early (`divtrace routes --format csv | head`) is a
//! clean exit for every command and format: exit 0, nothing on stderr.

mod common;

use std::process::{Command, Stdio};

use common::*;

#[test]
fn closed_stdout_is_a_clean_exit_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    let bundle = root().join("graphs/turkish-chips");
    divtrace(["ingest".as_ref(), bundle.as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    let c = case.to_str().unwrap();
    let q = ["--from", "country:US", "--from", "origin:US", "--to", "country:RU", "--all"];
    let mut commands: Vec<Vec<&str>> = Vec::new();
    for f in ["table", "json", "csv"] {
        // Each prints well over the 16 KiB that the CSV writer and stdout buffer hold.
        commands.push([&["routes", "--case", c][..], &q, &["--format", f]].concat());
        commands.push([&["routes", "--case", c, "--group"][..], &q, &["--format", f]].concat());
        commands.push(vec!["assess", "--case", c, "--all", "--format", f]);
        commands.push(vec!["info", "--case", c, "--format", f]);
    }
    for args in commands {
        let mut child =
            Command::new(env!("CARGO_BIN_EXE_divtrace")).args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        // Close the reading end before the command has printed anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.is_empty(), "{args:?}: {:?}\n{stderr}", out.status);
    }
}
