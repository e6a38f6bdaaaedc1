//! Evidence kept read-only stays usable, reading commands never create or
//! change a case file, and case-file errors name the file and say what is wrong.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn is_root() -> bool {
    // SAFETY-free check: /proc/self/status names the effective uid.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(2) == Some("0")))
        .unwrap_or(false)
}

/// Runs divtrace as a user who may not write the case file: this user when
/// not root, else the unprivileged uid 65534 through `setpriv`. `None` when
/// that is impossible here (said on stderr).
fn run_unprivileged(args: &[&std::ffi::OsStr]) -> Option<Output> {
    let bin = env!("CARGO_BIN_EXE_divtrace");
    let out = if is_root() {
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].into_iter().find(|p| Path::new(p).exists())?;
        Command::new(setpriv).args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]).args(args).output().ok()?
    } else {
        Command::new(bin).args(args).output().ok()?
    };
    Some(Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// A mode-444 case in a folder the unprivileged user may read but not write,
/// and an output folder it may write.
fn read_only_case(tmp: &Path) -> (PathBuf, PathBuf) {
    std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = tmp.join("evidence");
    std::fs::create_dir(&dir).unwrap();
    let case = ingest_case(&dir, "bundles/small");
    std::fs::set_permissions(&case, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = tmp.join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o777)).unwrap();
    (case, out)
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

#[test]
fn every_reading_command_works_on_a_read_only_case() {
    let tmp = tempfile::tempdir().unwrap();
    let (case, out) = read_only_case(tmp.path());
    let before = sha256(&case);
    let c = case.as_os_str();
    let dot = out.join("r.dot");
    let gml = out.join("r.graphml");
    let rep = out.join("report");
    let q = [os("--from"), os("country:US"), os("--to"), os("country:RU")];
    let commands: Vec<Vec<&std::ffi::OsStr>> = vec![
        vec![os("info"), os("--case"), c],
        [&[os("routes"), os("--case"), c][..], &q].concat(),
        [&[os("routes"), os("--case"), c, os("--group")][..], &q].concat(),
        vec![os("assess"), os("--case"), c, os("--all")],
        [&[os("hubs"), os("--case"), c][..], &q].concat(),
        [&[os("export"), os("--case"), c, os("--out"), dot.as_os_str()][..], &q].concat(),
        [&[os("export"), os("--case"), c, os("--format"), os("graphml"), os("--out"), gml.as_os_str()][..], &q].concat(),
        [&[os("report"), os("--case"), c, os("--out"), rep.as_os_str()][..], &q].concat(),
        vec![os("info"), os("--case"), c, os("--read-only")],
        [&[os("routes"), os("--case"), c, os("--read-only")][..], &q].concat(),
    ];
    for args in &commands {
        let Some(o) = run_unprivileged(args) else {
            eprintln!("SKIPPED: cannot run divtrace as an unprivileged user here (setpriv missing)");
            return;
        };
        assert_eq!(o.code, 0, "{args:?} on a read-only case failed:\n{}", o.stderr);
    }
    assert!(rep.join("report.html").exists());
    // A command that changes the case says it needs write access.
    let bundle = fixture("bundles/small");
    for args in [vec![os("resolve"), os("--case"), c], vec![os("ingest"), bundle.as_os_str(), os("--case"), c]] {
        let o = run_unprivileged(&args).unwrap();
        assert_ne!(o.code, 0);
        assert!(o.stderr.contains("write access") && o.stderr.contains(case.to_str().unwrap()), "{args:?}:\n{}", o.stderr);
        assert!(!o.stderr.contains("attempt to write a readonly database\n") || o.stderr.contains("write access"), "{}", o.stderr);
    }
    assert!(sha256(&case) == before, "the read-only case changed");
    std::fs::set_permissions(case.parent().unwrap(), std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn read_only_flag_writes_nothing_and_is_refused_by_changing_commands() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/small");
    let before = sha256(&case);
    let c = case.as_os_str();
    divtrace([os("routes"), os("--case"), c, os("--read-only"), os("--from"), os("country:US"), os("--to"), os("country:RU")]).ok();
    divtrace([os("assess"), os("--case"), c, os("--read-only"), os("--all")]).ok();
    assert!(sha256(&case) == before, "--read-only changed the case (a cache or an index written)");
    let o = divtrace([os("resolve"), os("--case"), c, os("--read-only")]).failed();
    assert_eq!(o.stderr.trim_end(), "error: --read-only: resolve changes the case file; leave out --read-only");
    let o = divtrace([os("ingest"), fixture("bundles/small").as_os_str(), os("--case"), c, os("--read-only")]).failed();
    assert!(o.stderr.contains("--read-only"), "{}", o.stderr);
    assert!(sha256(&case) == before);
}

#[test]
fn reading_an_empty_file_does_not_initialise_it() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    for cmd in ["info", "assess"] {
        let mut args = vec![os(cmd), os("--case"), empty.as_os_str()];
        if cmd == "assess" {
            args.push(os("--all"));
        }
        let o = divtrace(&args).failed();
        assert!(o.stderr.contains("empty.db") && o.stderr.contains("empty (0 bytes)"), "{}", o.stderr);
    }
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0, "a reading command wrote to the empty file");
    let o = divtrace([os("info"), os("--case"), tmp.path().as_os_str()]).failed();
    assert!(o.stderr.contains("is a folder"), "{}", o.stderr);
}

fn info_error(case: &Path) -> String {
    let o = divtrace([os("info"), os("--case"), case.as_os_str()]).failed();
    assert!(o.stderr.contains(case.to_str().unwrap()), "the error names the file:\n{}", o.stderr);
    assert!(!o.stderr.starts_with("error: case file: "), "raw SQLite text alone:\n{}", o.stderr);
    o.stderr
}

#[test]
fn case_file_errors_name_the_file_and_say_what_is_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    // Damaged: the schema page overwritten.
    let case = ingest_case(tmp.path(), "bundles/small");
    let mut bytes = std::fs::read(&case).unwrap();
    for b in &mut bytes[100..4096] {
        *b = 0x5a;
    }
    let bad = tmp.path().join("damaged.db");
    std::fs::write(&bad, &bytes).unwrap();
    let e = info_error(&bad);
    assert!(e.contains("damaged") || e.contains("not a SQLite database"), "{e}");
    // A foreign SQLite file that claims divtrace's schema version.
    let foreign = tmp.path().join("foreign.db");
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE batch(id INTEGER PRIMARY KEY, x TEXT); PRAGMA user_version = 3;").unwrap();
    drop(conn);
    let e = info_error(&foreign);
    assert!(e.contains("not a divtrace case file"), "{e}");
    // A negative user_version.
    let odd = tmp.path().join("odd.db");
    let conn = rusqlite::Connection::open(&odd).unwrap();
    conn.execute_batch("CREATE TABLE t(x); PRAGMA user_version = -1;").unwrap();
    drop(conn);
    let e = info_error(&odd);
    assert!(e.contains("not a divtrace case file") && !e.contains("out of range at index"), "{e}");
}

#[test]
fn a_busy_case_waits_then_names_the_holder() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/small");
    let before = sha256(&case);
    let holder = rusqlite::Connection::open(&case).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE; UPDATE case_meta SET value = value WHERE key = 'generation';").unwrap();
    let started = std::time::Instant::now();
    let o = divtrace([os("ingest"), fixture("bundles/small").as_os_str(), os("--case"), case.as_os_str(), os("-q")]).failed();
    assert!(started.elapsed() >= std::time::Duration::from_secs(4), "it should wait a little first");
    assert!(o.stderr.contains("another divtrace") && o.stderr.contains(case.to_str().unwrap()), "{}", o.stderr);
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert!(sha256(&case) == before);
}

/// Each refused change leaves every byte of the file it was pointed at.
fn refused_and_unchanged(file: &Path, args: &[&std::ffi::OsStr], expect: &str) {
    let before = sha256(file);
    let o = divtrace(args).failed();
    assert!(o.stderr.contains(expect), "{args:?}: expected {expect:?} in:\n{}", o.stderr);
    assert!(sha256(file) == before, "{args:?} changed {} although it failed", file.display());
}

#[test]
fn failed_changes_leave_the_case_and_foreign_files_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/small");
    let c = case.as_os_str();
    let csl = fixture("lists/csl/small.csv");
    // resolve: an unknown id, the same entity twice.
    refused_and_unchanged(&case, &[os("resolve"), os("--case"), c, os("--merge"), os("TR1"), os("NOPE")], "NOPE");
    refused_and_unchanged(&case, &[os("resolve"), os("--case"), c, os("--merge"), os("TR1"), os("TR1")], "same entity");
    // screen --case: an empty list, a folder as a list, a list that is not UTF-8.
    let empty = tmp.path().join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    let latin1 = tmp.path().join("latin1.csv");
    let mut bytes = std::fs::read(&csl).unwrap();
    bytes.extend_from_slice(b"\n\xe9\n");
    std::fs::write(&latin1, bytes).unwrap();
    for (flag, list, expect) in [
        ("--sdn", empty.as_os_str(), "no entries"),
        ("--ftm", empty.as_os_str(), "no entries"),
        ("--csl", tmp.path().as_os_str(), "a folder"),
        ("--csl", latin1.as_os_str(), "not UTF-8"),
    ] {
        refused_and_unchanged(&case, &[os("screen"), os("--case"), c, os("--csl"), csl.as_os_str(), os(flag), list], expect);
    }
    // ingest --map: a mapping naming a missing column, a key it does not know, a bad pattern, a bad date format.
    let map = tmp.path().join("m.toml");
    let tr = fixture("bundles/tr-exports");
    let shipments = "[shipments]\nfile = \"ihracat.csv\"\n[shipments.columns]\n";
    for (text, expect) in [
        (format!("{shipments}shipper_name = \"İhracatçı Unvanı\"\nid = \"Beyanname Numarası\"\n"), "column 'Beyanname Numarası'"),
        ("[shipments]\nfile = \"ihracat.csv\"\nbogus = 1\n".to_string(), "bogus"),
        (format!("{shipments}manufacturer = {{ column = \"Eşya Tanımı\", pattern = \"([\" }}\n"), "bad pattern"),
        (format!("{shipments}date = {{ column = \"Tescil Tarihi\", date_format = \"QQ.MM\" }}\n"), "m.toml"),
    ] {
        std::fs::write(&map, text).unwrap();
        refused_and_unchanged(&case, &[os("ingest"), tr.as_os_str(), os("--case"), c, os("--map"), map.as_os_str(), os("-q")], expect);
    }
    // ingest into a file that is not a divtrace case: a foreign SQLite file, bytes that are no database, a damaged case.
    let foreign = tmp.path().join("foreign.db");
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
    drop(conn);
    let junk = tmp.path().join("junk.db");
    std::fs::write(&junk, b"these bytes are not a database").unwrap();
    let damaged = tmp.path().join("damaged.db");
    let mut bytes = std::fs::read(&case).unwrap();
    for b in &mut bytes[100..4096] {
        *b = 0x5a;
    }
    std::fs::write(&damaged, bytes).unwrap();
    let bundle = fixture("bundles/small");
    for (file, expect) in [(&foreign, "not a divtrace case file"), (&junk, "not a SQLite database"), (&damaged, "damaged.db")] {
        refused_and_unchanged(file, &[os("ingest"), bundle.as_os_str(), os("--case"), file.as_os_str(), os("-q")], expect);
        refused_and_unchanged(file, &[os("resolve"), os("--case"), file.as_os_str()], expect);
        refused_and_unchanged(file, &[os("screen"), os("--case"), file.as_os_str(), os("--csl"), csl.as_os_str()], expect);
    }
}
