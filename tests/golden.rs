//! Byte identity: every command, in every format, prints and writes on the
//! bundled case exactly what the stored outputs in fixtures/golden/bundled/
//! say. scripts/compare-outputs.sh runs the commands (the list is there);
//! this test compares. After an intended change of output, rewrite the stored
//! outputs with `DIVTRACE_BLESS=1 cargo test --release --test golden` and
//! review the diff like code.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir).map(|rd| rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()).unwrap_or_default()
}

#[test]
fn every_command_prints_what_it_printed_before() {
    let tmp = tempfile::tempdir().unwrap();
    let got = tmp.path().join("out");
    let script = common::root().join("scripts/compare-outputs.sh");
    let run = Command::new("bash")
        .arg(&script)
        .args(["run", env!("CARGO_BIN_EXE_divtrace"), "bundled"])
        .arg(&got)
        .env("NO_GRAPHVIZ", "1")
        .output()
        .expect("run bash");
    assert!(run.status.success(), "{} failed:\n{}", script.display(), String::from_utf8_lossy(&run.stderr));
    let want = common::fixture("golden/bundled");
    if std::env::var_os("DIVTRACE_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&want);
        std::fs::create_dir_all(&want).unwrap();
        for n in names(&got) {
            std::fs::copy(got.join(&n), want.join(&n)).unwrap();
        }
        return;
    }
    let (g, w) = (names(&got), names(&want));
    assert!(g.len() > 100, "the script wrote only {} outputs", g.len());
    assert_eq!(g, w, "the set of outputs changed (DIVTRACE_BLESS=1 rewrites fixtures/golden/bundled)");
    let mut differ = Vec::new();
    for n in &g {
        if std::fs::read(got.join(n)).unwrap() != std::fs::read(want.join(n)).unwrap() {
            let d = Command::new("diff").arg("-u").arg(want.join(n)).arg(got.join(n)).output().map(|o| o.stdout).unwrap_or_default();
            let d = String::from_utf8_lossy(&d);
            differ.push(format!("{n}:\n{}", d.lines().take(30).collect::<Vec<_>>().join("\n")));
        }
    }
    assert!(differ.is_empty(), "{} outputs differ from fixtures/golden/bundled:\n{}", differ.len(), differ.join("\n\n"));
}
