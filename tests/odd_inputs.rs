//! Odd files and odd line endings: line numbers name the physical line in
//! LF, CRLF and CR-only files; non-regular files, empty lists, empty scopes
//! and NUL bytes are refused by name; a failed import or report changes nothing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

/// The small bundle with every line ending replaced by `eol`.
fn bundle_with_eol(dir: &Path, eol: &str) -> PathBuf {
    let b = dir.join(format!("eol{}", eol.len() + eol.matches('\r').count()));
    copy_dir(&fixture("bundles/small"), &b);
    for f in ["entities.csv", "shipments.csv", "relations.csv", "lists.csv"] {
        let t = std::fs::read_to_string(b.join(f)).unwrap();
        std::fs::write(b.join(f), t.replace("\r\n", "\n").replace('\n', eol)).unwrap();
    }
    b
}

#[test]
fn stored_lines_are_physical_lines_in_lf_crlf_and_cr_files() {
    let tmp = tempfile::tempdir().unwrap();
    for eol in ["\n", "\r\n", "\r"] {
        let b = bundle_with_eol(tmp.path(), eol);
        let case = tmp.path().join(format!("c{}.db", eol.len() + eol.matches('\r').count()));
        divtrace([os("ingest"), b.as_os_str(), os("--case"), case.as_os_str(), os("-q")]).ok();
        let conn = rusqlite::Connection::open(&case).unwrap();
        let lines: Vec<(String, i64)> = conn
            .prepare("SELECT input_id, src_line FROM shipment ORDER BY src_line")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let want: Vec<(String, i64)> = (1..=6).map(|i| (format!("S{i}"), i + 1)).collect();
        assert_eq!(lines, want, "line ending {eol:?}");
        let ents: Vec<i64> = conn
            .prepare("SELECT src_line FROM entity ORDER BY src_line")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(ents, (2..=8).collect::<Vec<i64>>(), "line ending {eol:?}");
    }
}

/// As tests/ingest_errors.rs: the error mentions every fragment and the case file's bytes did not change.
fn check_refused(bad: &Path, extra: &[&str], expect: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/small");
    let before = sha256(&case);
    let mut args = vec![os("ingest"), bad.as_os_str(), os("--case"), case.as_os_str(), os("-q")];
    args.extend(extra.iter().map(|s| os(s)));
    let out = divtrace(&args).failed();
    for e in expect {
        assert!(out.stderr.contains(e), "expected {e:?} in the error:\n{}", out.stderr);
    }
    assert!(sha256(&case) == before, "the case file changed after a failed import");
}

#[test]
fn faults_name_the_physical_line_in_crlf_and_cr_files() {
    let tmp = tempfile::tempdir().unwrap();
    for eol in ["\r\n", "\r"] {
        let b = bundle_with_eol(tmp.path(), eol);
        let t = std::fs::read_to_string(b.join("shipments.csv")).unwrap();
        // Line 7 (S6) gets a bad date.
        std::fs::write(b.join("shipments.csv"), t.replace("2022-03-01", "2022-13-01")).unwrap();
        check_refused(&b, &[], &["shipments.csv, line 7, column 'date'"]);
    }
}

#[test]
fn non_regular_bundle_files_are_refused_by_what_they_are() {
    let tmp = tempfile::tempdir().unwrap();
    let b = tmp.path().join("b");
    copy_dir(&fixture("bundles/small"), &b);
    std::fs::remove_file(b.join("relations.csv")).unwrap();
    std::fs::create_dir(b.join("relations.csv")).unwrap();
    check_refused(&b, &[], &["relations.csv", "a folder, not a regular file"]);
    std::fs::remove_dir(b.join("relations.csv")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("nowhere.csv"), b.join("relations.csv")).unwrap();
    check_refused(&b, &[], &["relations.csv", "dangling symbolic link"]);
    std::fs::remove_file(b.join("relations.csv")).unwrap();
    let st = Command::new("mkfifo").arg(b.join("relations.csv")).status().unwrap();
    assert!(st.success());
    check_refused(&b, &[], &["relations.csv", "named pipe (FIFO)"]);
    std::fs::remove_file(b.join("relations.csv")).unwrap();
    // A required file that is a folder is not "missing".
    std::fs::remove_file(b.join("shipments.csv")).unwrap();
    std::fs::create_dir(b.join("shipments.csv")).unwrap();
    check_refused(&b, &[], &["shipments.csv", "a folder"]);
}

#[test]
fn empty_scope_and_nul_bytes_are_refused() {
    check_refused(&fixture("bundles/small"), &["--scope", ""], &["--scope", "not a scope name"]);
    check_refused(&fixture("bundles/small"), &["--scope", "  "], &["--scope"]);
    let tmp = tempfile::tempdir().unwrap();
    let b = tmp.path().join("b");
    copy_dir(&fixture("bundles/small"), &b);
    let t = std::fs::read_to_string(b.join("entities.csv")).unwrap();
    std::fs::write(b.join("entities.csv"), t.replace("Falcon Crest", "Falcon\0Crest")).unwrap();
    check_refused(&b, &[], &["entities.csv, line 5, column 'name'", "NUL byte"]);
    std::fs::write(b.join("entities.csv"), t.replace("AE1,", "AE\u{0}1,")).unwrap();
    check_refused(&b, &[], &["entities.csv, line 5, column 'id'", "NUL byte"]);
}

#[test]
fn empty_screening_lists_are_errors_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    let blank = tmp.path().join("blank.jsonl");
    std::fs::write(&blank, b"\n\n").unwrap();
    for (flag, file) in [("--sdn", &empty), ("--ftm", &empty), ("--ftm", &blank), ("--csl", &empty)] {
        let o = divtrace([os("screen"), os("--name"), os("Denkar"), os(flag), file.as_os_str()]).failed();
        assert_eq!(o.code, 2, "{flag}: {}", o.stderr);
        assert!(o.stderr.contains(file.to_str().unwrap()), "{flag} {}: {}", file.display(), o.stderr);
    }
    let o = divtrace([os("screen"), os("--name"), os("Denkar"), os("--sdn"), tmp.path().as_os_str()]).failed();
    assert!(o.stderr.contains("a folder"), "{}", o.stderr);
}

fn run_env(args: &[&std::ffi::OsStr], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_divtrace"));
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn source_date_epoch_makes_reports_and_cases_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    let rep = tmp.path().join("report");
    let env = [("SOURCE_DATE_EPOCH", "1700000000")];
    let mut runs = Vec::new();
    for i in 0..2 {
        if i == 1 {
            // Let the clock move: without the variable the timestamps would differ.
            std::thread::sleep(std::time::Duration::from_millis(1100));
            std::fs::remove_file(&case).unwrap();
            std::fs::remove_dir_all(&rep).unwrap();
        }
        run_env(&[os("ingest"), fixture("bundles/small").as_os_str(), os("--case"), case.as_os_str(), os("-q")], &env).ok();
        run_env(
            &[
                os("report"),
                os("--case"),
                case.as_os_str(),
                os("--from"),
                os("country:US"),
                os("--to"),
                os("country:RU"),
                os("--out"),
                rep.as_os_str(),
            ],
            &env,
        )
        .ok();
        let files: Vec<Vec<u8>> = [case.clone(), rep.join("report.html"), rep.join("report.json"), rep.join("MANIFEST.sha256")]
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        runs.push(files);
    }
    for (i, name) in ["case.db", "report.html", "report.json", "MANIFEST.sha256"].iter().enumerate() {
        assert!(runs[0][i] == runs[1][i], "{name} differs between runs with SOURCE_DATE_EPOCH set");
    }
    let json = String::from_utf8(runs[0][2].clone()).unwrap();
    assert!(json.contains("2023-11-14T22:13:20Z"), "the report carries SOURCE_DATE_EPOCH's time");
}

#[test]
fn very_long_names_are_capped_in_diagrams_and_kept_in_full_elsewhere() {
    let tmp = tempfile::tempdir().unwrap();
    let b = tmp.path().join("long");
    copy_dir(&fixture("bundles/small"), &b);
    let long: String = "Ж".repeat(20_000);
    let t = std::fs::read_to_string(b.join("entities.csv")).unwrap();
    std::fs::write(b.join("entities.csv"), t.replace("Falcon Crest General Trading FZE", &long)).unwrap();
    let case = tmp.path().join("c.db");
    divtrace([os("ingest"), b.as_os_str(), os("--case"), case.as_os_str(), os("-q")]).ok();
    let rep = tmp.path().join("report");
    divtrace([
        os("report"),
        os("--case"),
        case.as_os_str(),
        os("--from"),
        os("country:US"),
        os("--to"),
        os("country:RU"),
        os("--out"),
        rep.as_os_str(),
    ])
    .ok();
    check_dot(&rep.join("routes.dot"));
    let dot = std::fs::read_to_string(rep.join("routes.dot")).unwrap();
    assert!(!dot.contains(&long) && dot.contains(&format!("{}…", "Ж".repeat(119))), "label capped");
    assert!(std::fs::read_to_string(rep.join("report.html")).unwrap().contains(&long), "full name in the report table");
    assert!(std::fs::read_to_string(rep.join("report.json")).unwrap().contains(&long), "full name in the JSON");
}

#[test]
fn a_failed_report_leaves_the_previous_one_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/small");
    let rep = tmp.path().join("report");
    let q = [os("--from"), os("country:US"), os("--to"), os("country:RU")];
    let args: Vec<&std::ffi::OsStr> = [&[os("report"), os("--case"), case.as_os_str(), os("--out"), rep.as_os_str()][..], &q].concat();
    divtrace(&args).ok();
    let listing = |d: &Path| {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
            .collect();
        v.sort();
        v
    };
    let before = listing(&rep);
    // A Graphviz that answers -V but fails to render, first in PATH.
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::fs::write(bin.join("dot"), "#!/bin/sh\n[ \"$1\" = -V ] && exit 0\necho 'syntax error in line 1' >&2\nexit 1\n").unwrap();
    std::fs::set_permissions(bin.join("dot"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let o = run_env(&[&args[..], &[os("--from"), os("origin:US")]].concat(), &[("PATH", &path)]);
    assert_ne!(o.code, 0, "{}", o.stdout);
    assert!(listing(&rep) == before, "a failed report changed or left files in {}", rep.display());
}
