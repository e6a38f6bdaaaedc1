//! Every kind of bad input gets an error naming file, line and column, and
//! leaves the case file exactly as it was.

mod common;

use common::*;

/// Ingests the good small bundle into a case, then a copy of it with `file`
/// replaced by `content`; checks the error mentions every `expect` fragment
/// and that the case file's bytes did not change.
fn check(file: &str, content: &[u8], expect: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    divtrace(["ingest".as_ref(), fixture("bundles/small").as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    let before = sha256(&case);
    let bad = tmp.path().join("bad");
    copy_dir(&fixture("bundles/small"), &bad);
    std::fs::write(bad.join(file), content).unwrap();
    let out = divtrace(["ingest".as_ref(), bad.as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).failed();
    assert_eq!(out.code, 2, "input errors exit 2: {}", out.stderr);
    for e in expect {
        assert!(out.stderr.contains(e), "expected {e:?} in the error:\n{}", out.stderr);
    }
    assert!(sha256(&case) == before, "the case file changed after a failed import");
    assert!(!tmp.path().join("case.db-journal").exists());
}

const SHIP_HEADER: &str = "id,date,shipper,consignee,hs_code,description,manufacturer,origin_country,from_country,to_country,quantity,unit,value_usd,weight_kg,source\n";

fn ships(rows: &str) -> Vec<u8> {
    format!("{SHIP_HEADER}{rows}").into_bytes()
}

#[test]
fn missing_required_column() {
    check(
        "shipments.csv",
        b"id,date,shipper,consignee,description\nS1,2022-05-02,US1,DE1,chips\n",
        &["shipments.csv, line 1, column 'hs_code'", "required column is missing", "found: id, date, shipper, consignee, description"],
    );
}

#[test]
fn unknown_entity_in_shipments() {
    check(
        "shipments.csv",
        &ships("S1,2022-05-02,US1,DE1,854231,,,,,,,,,,\nS2,2022-05-03,US1,NOPE,854231,,,,,,,,,,\n"),
        &["shipments.csv, line 3, column 'consignee'", "unknown entity id \"NOPE\""],
    );
}

#[test]
fn unknown_entity_in_relations() {
    check(
        "relations.csv",
        b"from,to,kind,share\nP1,RU1,ownership,60\nP1,GHOST,director,\n",
        &["relations.csv, line 3, column 'to'", "unknown entity id \"GHOST\""],
    );
}

#[test]
fn bad_date() {
    check(
        "shipments.csv",
        &ships("S1,2022-02-30,US1,DE1,854231,,,,,,,,,,\n"),
        &["shipments.csv, line 2, column 'date'", "expected a date YYYY-MM-DD, found \"2022-02-30\""],
    );
    check(
        "lists.csv",
        b"entity,list,program,listed_on\nRU2,entity_list,RUSSIA,28.06.2022\n",
        &["lists.csv, line 2, column 'listed_on'", "expected a date YYYY-MM-DD"],
    );
}

#[test]
fn bad_hs_code() {
    check(
        "shipments.csv",
        &ships("S1,2022-05-02,US1,DE1,854,,,,,,,,,,\n"),
        &["shipments.csv, line 2, column 'hs_code'", "4 to 10 digits", "found \"854\""],
    );
    check("shipments.csv", &ships("S1,2022-05-02,US1,DE1,8542/31,,,,,,,,,,\n"), &["line 2, column 'hs_code'"]);
}

#[test]
fn bad_country() {
    check(
        "shipments.csv",
        &ships("S1,2022-05-02,US1,DE1,854231,,,XX,,,,,,,\n"),
        &["shipments.csv, line 2, column 'origin_country'", "ISO 3166-1 alpha-2", "found \"XX\""],
    );
    check(
        "entities.csv",
        b"id,name,country\nUS1,A,USA\nDE1,B,DE\nTR1,C,TR\nAE1,D,AE\nRU1,E,RU\nRU2,F,RU\nP1,G,RU\n",
        &["entities.csv, line 2, column 'country'", "found \"USA\""],
    );
}

#[test]
fn duplicate_ids() {
    check(
        "entities.csv",
        b"id,name\nUS1,A\nDE1,B\nTR1,C\nAE1,D\nRU1,E\nRU2,F\nP1,G\nDE1,Again\n",
        &["entities.csv, line 9, column 'id'", "duplicate id \"DE1\": already used at line 3"],
    );
    check(
        "shipments.csv",
        &ships("S1,2022-05-02,US1,DE1,854231,,,,,,,,,,\nS2,2022-05-02,US1,DE1,854231,,,,,,,,,,\nS1,2022-05-03,US1,DE1,854231,,,,,,,,,,\n"),
        &["shipments.csv, line 4, column 'id'", "duplicate id \"S1\": already used at shipments.csv line 2"],
    );
}

#[test]
fn broken_quoting() {
    check(
        "shipments.csv",
        &ships("S1,2022-05-02,US1,DE1,854231,\"Microcontrollers, 32-bit,,,,,,,,,\nS2,2022-05-03,US1,DE1,854231,,,,,,,,,,\n"),
        &["shipments.csv, line 2", "expected 15 fields as in the header"],
    );
}

#[test]
fn non_utf8_byte() {
    let mut content = ships("S1,2022-05-02,US1,DE1,854231,");
    content.extend_from_slice(b"Mikroi\xfelemci");
    content.extend_from_slice(b",,,,,,,,,\n");
    check("shipments.csv", &content, &["shipments.csv, line 2, column 'description'", "invalid UTF-8"]);
}

#[test]
fn empty_file() {
    check("shipments.csv", b"", &["shipments.csv, line 1", "the file is empty"]);
    check("relations.csv", b"", &["relations.csv, line 1", "the file is empty"]);
}

#[test]
fn bad_values_of_other_kinds() {
    check("entities.csv", b"id,name,roles\nUS1,A,smuggler\n", &["line 2, column 'roles'", "unknown role \"smuggler\""]);
    check("entities.csv", b"id,name,identifiers\nUS1,A,7701234567\n", &["line 2, column 'identifiers'", "scheme:value"]);
    check("relations.csv", b"from,to,kind,share\nP1,RU1,ownership,160\n", &["line 2, column 'share'", "0 to 100"]);
    check("relations.csv", b"from,to,kind\nP1,RU1,friendship\n", &["line 2, column 'kind'", "unknown relation kind"]);
    check("shipments.csv", &ships("S1,2022-05-02,US1,DE1,854231,,,,,,-5,,,,\n"), &["line 2, column 'quantity'", "non-negative number"]);
    check("entities.csv", b"id,name\nUS1,\n", &["entities.csv, line 2, column 'name'", "required value is empty"]);
}

#[test]
fn missing_required_file() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad");
    copy_dir(&fixture("bundles/small"), &bad);
    std::fs::remove_file(bad.join("shipments.csv")).unwrap();
    let case = tmp.path().join("case.db");
    let out = divtrace(["ingest".as_ref(), bad.as_os_str(), "--case".as_ref(), case.as_os_str()]).failed();
    assert!(out.stderr.contains("shipments.csv") && out.stderr.contains("missing"), "{}", out.stderr);
}

#[test]
fn many_errors_are_listed_together() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad");
    copy_dir(&fixture("bundles/small"), &bad);
    std::fs::write(bad.join("shipments.csv"), ships("S1,2022-13-01,US1,DE1,854231,,,,,,,,,,\nS2,2022-05-02,US1,DE1,85,,,,,,,,,,\n"))
        .unwrap();
    let out = divtrace(["ingest".as_ref(), bad.as_os_str(), "--case".as_ref(), tmp.path().join("c.db").as_os_str()]).failed();
    assert!(out.stderr.contains("line 2, column 'date'") && out.stderr.contains("line 3, column 'hs_code'"), "{}", out.stderr);
}

#[test]
fn skip_invalid_imports_the_rest_and_writes_rejects() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad");
    copy_dir(&fixture("bundles/small"), &bad);
    std::fs::write(
        bad.join("entities.csv"),
        "id,name,country\nUS1,Halvorsen,US\nDE1,Rheinfeld,DEU\nTR1,Denkar,TR\nAE1,Falcon,AE\nRU1,Vektor,RU\nRU2,Radiozavod,RU\nP1,Petrov,RU\n",
    )
    .unwrap();
    std::fs::write(
        bad.join("shipments.csv"),
        ships("S1,2022-05-02,US1,DE1,854231,,,,,,,,,,\nS2,2022-05-20,TR1,AE1,854231,,,,,,,,,,\nS3,2022-06-01,AE1,RU1,8542x,,,,,,,,,,\nS4,2022-06-02,AE1,RU1,854231,,,,,,,,,,\n"),
    )
    .unwrap();
    let case = tmp.path().join("case.db");
    let rejects = tmp.path().join("rejects.csv");
    let out = divtrace([
        "ingest".as_ref(),
        bad.as_os_str(),
        "--case".as_ref(),
        case.as_os_str(),
        "--skip-invalid".as_ref(),
        "--rejects".as_ref(),
        rejects.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ])
    .ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    let ents = files.iter().find(|f| f["role"] == "entities").unwrap();
    assert_eq!((ents["stored"].as_u64(), ents["refused"].as_u64()), (Some(6), Some(1)));
    let sh = files.iter().find(|f| f["role"] == "shipments").unwrap();
    // S1 names the refused DE1, S3 has a bad HS code.
    assert_eq!((sh["stored"].as_u64(), sh["refused"].as_u64()), (Some(2), Some(2)));
    let text = std::fs::read_to_string(&rejects).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(rows.iter().any(|r| &r[0] == "entities.csv" && &r[1] == "3" && &r[2] == "country"));
    assert!(rows.iter().any(|r| &r[0] == "shipments.csv" && &r[1] == "2" && r[3].contains("refused at entities.csv line 3")));
    assert!(rows.iter().any(|r| &r[0] == "shipments.csv" && &r[1] == "4" && &r[2] == "hs_code" && r[4].contains("8542x")));
}

/// A first import into a new case checks shipment ids after the load (the
/// unique index is built then); an import into a case that has shipments
/// checks them row by row. Both must report the same errors, in line order
/// among the other kinds, cut at the same 50, and change nothing.
#[test]
fn duplicate_shipment_ids_are_reported_alike_in_a_new_and_a_used_case() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad");
    copy_dir(&fixture("bundles/small"), &bad);
    let mut rows = String::from("S1,2022-05-02,US1,DE1,854231,,,,,,,,,,\nS2,2022-05-02,US1,DE1,8542.31,,,,,,,,,,\n");
    // Line 4: S1 again; line 5: a bad date; line 6: S2 again; then 60 more
    // rows reusing S1, every seventh with a bad HS code instead.
    rows += "S1,2022-05-03,US1,DE1,854231,,,,,,,,,,\nS3,2022-13-01,US1,DE1,854231,,,,,,,,,,\nS2,2022-05-04,US1,DE1,854231,,,,,,,,,,\n";
    for i in 0..60 {
        rows += if i % 7 == 3 { "S9,2022-05-05,US1,DE1,85x,,,,,,,,,,\n" } else { "S1,2022-05-05,US1,DE1,854231,,,,,,,,,,\n" };
    }
    std::fs::write(bad.join("shipments.csv"), ships(&rows)).unwrap();
    let run = |case: &std::path::Path| divtrace(["ingest".as_ref(), bad.as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]);

    let fresh = tmp.path().join("fresh.db");
    let new_case = run(&fresh).failed();
    assert_eq!(new_case.code, 2, "{}", new_case.stderr);
    assert!(!fresh.exists(), "a failed first import leaves no case file");

    std::fs::create_dir(tmp.path().join("used")).unwrap();
    let used = ingest_case(&tmp.path().join("used"), "bundles/small");
    let before = sha256(&used);
    let used_case = run(&used).failed();
    assert!(sha256(&used) == before, "the case file changed after a failed import");
    assert_eq!(new_case.stderr, used_case.stderr, "the two checks disagree");

    let e = &new_case.stderr;
    let at = |s: &str| e.find(s).unwrap_or_else(|| panic!("expected {s:?} in:\n{e}"));
    let first = at("shipments.csv, line 4, column 'id'");
    assert!(e.contains("duplicate id \"S1\": already used at shipments.csv line 2"), "{e}");
    let date = at("shipments.csv, line 5, column 'date'");
    let second = at("shipments.csv, line 6, column 'id'");
    assert!(e.contains("duplicate id \"S2\": already used at shipments.csv line 3"), "{e}");
    let hs = at("shipments.csv, line 10, column 'hs_code'");
    assert!(first < date && date < second && second < hs, "not in line order:\n{e}");
    // 63 bad rows: 50 are kept, of which the first 20 (lines 4 to 23) are shown.
    assert_eq!(e.matches("shipments.csv, line ").count(), 20, "{e}");
    assert!(e.contains("shipments.csv, line 23,") && !e.contains("shipments.csv, line 24,"), "{e}");
    assert!(e.contains("... and 30 more"), "{e}");
}
