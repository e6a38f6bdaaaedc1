//! FollowTheMoney JSON lines in: the same validation, provenance and atomicity as CSV bundles.

mod common;

use common::*;
use rusqlite::Connection;

fn q<T: rusqlite::types::FromSql>(case: &std::path::Path, sql: &str) -> T {
    Connection::open(case).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn ftm_entities_links_listings_and_declarations() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    let out = divtrace([
        "ingest".as_ref(),
        "--format".as_ref(),
        "ftm".as_ref(),
        fixture("ftm/small.jsonl").as_os_str(),
        "--case".as_ref(),
        case.as_os_str(),
    ])
    .ok();
    assert!(out.stdout.contains("Address (1)"), "{}", out.stdout);
    assert_eq!(q::<i64>(&case, "SELECT count(*) FROM entity"), 5);
    assert_eq!(q::<String>(&case, "SELECT kind FROM entity WHERE input_id = 'ftm-p1'"), "person");
    assert_eq!(q::<String>(&case, "SELECT country FROM entity WHERE input_id = 'ftm-ru1'"), "RU");
    assert_eq!(q::<i64>(&case, "SELECT count(*) FROM entity_identifier WHERE scheme = 'inn'"), 2);
    // A partial date is not a date: kept raw, not stored as one.
    assert_eq!(q::<Option<String>>(&case, "SELECT incorporated FROM entity WHERE input_id = 'ftm-tr1'"), None);
    assert_eq!(q::<String>(&case, "SELECT raw FROM raw_value WHERE field = 'incorporated'"), "2022-04");
    assert_eq!(q::<f64>(&case, "SELECT share FROM relation WHERE kind = 'ownership'"), 60.0);
    assert_eq!(q::<String>(&case, "SELECT list FROM list_membership"), "entity_list");
    assert_eq!(
        q::<String>(&case, "SELECT hs || ' ' || from_country || '>' || to_country FROM shipment WHERE input_id = 'ftm-ship1'"),
        "854231 US>TR"
    );
    assert_eq!(q::<String>(&case, "SELECT manufacturer FROM shipment WHERE input_id = 'ftm-ship1'"), "HALVORSEN MICRODEVICES");
    assert_eq!(q::<i64>(&case, "SELECT src_line FROM shipment WHERE input_id = 'ftm-ship2'"), 10);
    assert_eq!(q::<String>(&case, "SELECT format FROM batch"), "ftm");
    // A file path is read as FtM without --format too, and the same file twice changes nothing.
    let again = divtrace(["ingest".as_ref(), fixture("ftm/small.jsonl").as_os_str(), "--case".as_ref(), case.as_os_str()]).ok();
    assert!(again.stdout.contains("already imported"), "{}", again.stdout);
}

fn bad(content: &str, expect: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    divtrace(["ingest".as_ref(), fixture("bundles/small").as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    let before = sha256(&case);
    let f = tmp.path().join("bad.jsonl");
    std::fs::write(&f, content).unwrap();
    let out = divtrace(["ingest".as_ref(), f.as_os_str(), "--case".as_ref(), case.as_os_str()]).failed();
    for e in expect {
        assert!(out.stderr.contains(e), "expected {e:?} in:\n{}", out.stderr);
    }
    assert!(sha256(&case) == before, "the case file changed");
}

#[test]
fn bad_ftm_lines_are_refused_with_their_line() {
    let good = std::fs::read_to_string(fixture("ftm/small.jsonl")).unwrap();
    let mut lines: Vec<&str> = good.lines().collect();
    lines.insert(3, "{\"id\": \"broken\", \"schema\": \"Company\", \"properties\": {\"name\": [\"X\"]");
    bad(&lines.join("\n"), &["bad.jsonl, line 4", "not a JSON object"]);
    bad(
        "{\"id\": \"a\", \"schema\": \"Company\", \"properties\": {\"country\": [\"tr\"]}}\n",
        &["line 1, column 'properties.name'", "at least one name"],
    );
    bad(
        "{\"id\": \"a\", \"schema\": \"Company\", \"properties\": {\"name\": [\"A\"]}}\n{\"id\": \"o\", \"schema\": \"Ownership\", \"properties\": {\"owner\": [\"a\"], \"asset\": [\"ghost\"]}}\n",
        &["line 2, column 'properties.asset'", "unknown entity id \"ghost\""],
    );
    bad("{\"schema\": \"Company\"}\n", &["line 1, column 'id'", "missing"]);
    bad("", &["line 1", "empty"]);
    bad(
        "{\"id\": \"a\", \"schema\": \"Company\", \"properties\": {\"name\": [\"A\"]}}\n{\"id\": \"s\", \"schema\": \"EconomicActivity\", \"properties\": {\"sender\": [\"a\"], \"receiver\": [\"a\"], \"date\": [\"2022-01-01\"], \"vedCode\": [\"85\"]}}\n",
        &["line 2, column 'properties.vedCode'", "4 to 10 digits"],
    );
}
