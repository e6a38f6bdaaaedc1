//! `divtrace resolve` on a small bundle with planted duplicates.

mod common;

use std::path::Path;

use common::{divtrace, fixture};
use serde_json::Value;

fn ingest(bundle: &Path, case: &Path) {
    divtrace([Path::new("ingest"), bundle, Path::new("--case"), case]).ok();
}

fn clusters(case: &Path) -> Vec<(String, String, Vec<String>)> {
    let out = divtrace(["resolve", "--case", case.to_str().unwrap(), "--format", "json"]).ok();
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    v["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let members = c["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect();
            (c["id"].as_str().unwrap().to_string(), c["name"].as_str().unwrap().to_string(), members)
        })
        .collect()
}

fn ids(cs: &[(String, String, Vec<String>)]) -> Vec<Vec<&str>> {
    cs.iter().map(|c| c.2.iter().map(String::as_str).collect()).collect()
}

fn db(case: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(case).unwrap()
}

#[test]
fn planted_duplicates_are_clustered_with_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("c.db");
    ingest(&fixture("resolve/dupes"), &case);
    let cs = clusters(&case);
    // HK2 lost its country: unknown, not different, so it meets and joins HK1.
    // The two `Ivan Petrov` records are not merged on the name alone (two
    // people share a name): they are listed for review instead.
    assert_eq!(
        ids(&cs),
        vec![vec!["TR1", "TR2"], vec!["RU1", "RU2", "RU3"], vec!["AE1", "AE2"], vec!["KZ1", "KZ2", "KZ3"], vec!["HK1", "HK2"]]
    );
    assert_eq!(cs[1].1, "ООО Вектор");
    // Stored: cluster map, names and evidence.
    let c = db(&case);
    let n: i64 = c.query_row("SELECT count(*) FROM entity_cluster", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 12);
    let detail: String = c
        .query_row(
            "SELECT detail FROM resolution_evidence e JOIN entity a ON a.id = e.entity_a JOIN entity b ON b.id = e.entity_b
             WHERE a.input_id = 'KZ1' AND b.input_id = 'KZ3'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(detail.contains("identifier bin:123456789012 equal"), "{detail}");
    // The full JSON carries evidence with scores.
    let out = divtrace(["resolve", "--case", case.to_str().unwrap(), "--format", "json"]).ok();
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let ev = &v["clusters"][0]["evidence"][0];
    assert_eq!((ev["a"].as_str(), ev["b"].as_str(), ev["basis"].as_str()), (Some("TR1"), Some("TR2"), Some("name")));
    // Which fields agreed, their weights and the decision threshold.
    let why = ev["detail"].as_str().unwrap();
    assert!(why.contains("address agrees (+0.05)") && why.contains(">= merge threshold 0.92"), "{why}");
    // Same input, same bytes.
    let again = divtrace(["resolve", "--case", case.to_str().unwrap(), "--format", "json"]).ok();
    assert_eq!(out.stdout, again.stdout);
}

#[test]
fn review_lists_borderline_pairs_only() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("c.db");
    ingest(&fixture("resolve/dupes"), &case);
    let out = divtrace(["resolve", "--case", case.to_str().unwrap(), "--review", "--format", "json"]).ok();
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let pairs: Vec<(String, String)> = v["review"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["a"].as_str().unwrap().to_string(), p["b"].as_str().unwrap().to_string()))
        .collect();
    // Borderline: the same person's name with nothing else agreeing, and
    // `Вектор-М` against `Вектор`. Not `Виктор` against `Вектор` (an edit in
    // the one distinctive word) nor anything merged.
    let want: Vec<(String, String)> =
        [("P1", "P2"), ("RU1", "RU5"), ("RU2", "RU5"), ("RU3", "RU5")].iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(pairs, want);
    let why = v["review"][0]["detail"].as_str().unwrap();
    assert!(why.contains("a person's name alone cannot merge"), "{why}");
    let table = divtrace(["resolve", "--case", case.to_str().unwrap(), "--review"]).ok();
    assert!(table.stdout.contains("RU1 'ООО Вектор'  ~  RU5 'ООО Вектор-М'"), "{}", table.stdout);
}

#[test]
fn analyst_merge_and_split_win_and_survive_rerun() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("c.db");
    let c = case.to_str().unwrap();
    ingest(&fixture("resolve/dupes"), &case);
    divtrace(["resolve", "--case", c, "--split", "RU1", "RU3"]).ok();
    let cs = clusters(&case);
    assert!(ids(&cs).contains(&vec!["RU1", "RU2"]), "{cs:?}");
    assert!(!ids(&cs).iter().any(|m| m.contains(&"RU3")), "{cs:?}");
    divtrace(["resolve", "--case", c, "--merge", "RU1", "RU4"]).ok();
    divtrace(["resolve", "--case", c]).ok();
    let cs = clusters(&case);
    assert!(ids(&cs).contains(&vec!["RU1", "RU2", "RU4"]), "{cs:?}");
    // The decisions are relations in the case file.
    let kinds: Vec<String> = {
        let conn = db(&case);
        let mut st = conn.prepare("SELECT kind FROM relation WHERE source = 'analyst' ORDER BY id").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(kinds, ["not_same", "same_as"]);
    // A later decision about the same pair replaces the earlier one.
    divtrace(["resolve", "--case", c, "--merge", "RU3", "RU1"]).ok();
    assert!(ids(&clusters(&case)).contains(&vec!["RU1", "RU2", "RU3", "RU4"]));
    // Unknown ids are usage errors naming the flag.
    let e = divtrace(["resolve", "--case", c, "--merge", "RU1", "NOPE"]).failed();
    assert_eq!(e.code, 2);
    assert!(e.stderr.contains("--merge") && e.stderr.contains("NOPE"), "{}", e.stderr);
}

#[test]
fn a_decision_keeps_the_analysts_note_and_a_bad_note_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("c.db");
    let c = case.to_str().unwrap();
    ingest(&fixture("resolve/dupes"), &case);
    let notes = |case: &std::path::Path| -> Vec<(String, Option<String>)> {
        let conn = db(case);
        let mut st = conn.prepare("SELECT kind, note FROM relation WHERE source = 'analyst' ORDER BY id").unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    divtrace(["resolve", "--case", c, "--split", "RU1", "RU3", "--note", "  different INN in the register\n(checked 2026-11-30) "]).ok();
    divtrace(["resolve", "--case", c, "--merge", "RU1", "RU4"]).ok();
    assert_eq!(
        notes(&case),
        [("not_same".to_string(), Some("different INN in the register\n(checked 2026-11-30)".to_string())), ("same_as".to_string(), None)]
    );
    let before = std::fs::read(&case).unwrap();
    for (args, want) in [
        (vec!["--merge", "RU2", "RU3", "--note", "\u{1b}[31mred"], "control character U+001B"),
        (vec!["--merge", "RU2", "RU3", "--note", "  "], "the note is empty"),
        (vec!["--note", "why"], "a note goes with a decision"),
    ] {
        let mut a = vec!["resolve", "--case", c];
        a.extend(args);
        let e = divtrace(a).failed();
        assert_eq!(e.code, 2, "{}", e.stderr);
        assert!(e.stderr.contains("--note") && e.stderr.contains(want), "{}", e.stderr);
        assert!(!e.stderr.contains('\u{1b}'), "the escape reached the terminal: {}", e.stderr);
    }
    let long = "x".repeat(1001);
    let e = divtrace(["resolve", "--case", c, "--merge", "RU2", "RU3", "--note", &long]).failed();
    assert!(e.stderr.contains("1001 characters"), "{}", e.stderr);
    assert!(before == std::fs::read(&case).unwrap(), "a refused note changed the case file");
}

#[test]
fn not_same_in_relations_csv_is_respected() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("b");
    common::copy_dir(&fixture("resolve/dupes"), &bundle);
    let mut rel = std::fs::read_to_string(bundle.join("relations.csv")).unwrap();
    rel.push_str("TR1,TR2,not_same,,,,analyst note 12\nHK1,HK3,same_as,,,,analyst note 13\n");
    std::fs::write(bundle.join("relations.csv"), rel).unwrap();
    let case = tmp.path().join("c.db");
    ingest(&bundle, &case);
    let cs = clusters(&case);
    assert!(!ids(&cs).contains(&vec!["TR1", "TR2"]), "{cs:?}");
    assert!(ids(&cs).iter().any(|m| m.contains(&"HK1") && m.contains(&"HK3")), "{cs:?}");
}

#[test]
fn manufacturer_texts_link_to_maker_entities() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("c.db");
    ingest(&fixture("resolve/dupes"), &case);
    divtrace(["resolve", "--case", case.to_str().unwrap()]).ok();
    let conn = db(&case);
    let mut st = conn
        .prepare(
            "SELECT s.input_id, e.input_id FROM manufacturer_link l JOIN shipment s ON s.id = l.shipment
             JOIN entity e ON e.id = l.entity ORDER BY s.input_id",
        )
        .unwrap();
    let links: Vec<(String, String)> = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    let want: Vec<(String, String)> =
        [("S1", "TI"), ("S2", "TI"), ("S3", "ADI")].iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(links, want);
}

/// Links are decided once per distinct (text, origin country) and expanded
/// to the shipments: repeated texts, a missing origin (NULL) and other
/// origins each get the link a per-shipment decision would give.
#[test]
fn manufacturer_links_follow_each_text_and_origin() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("b");
    common::copy_dir(&fixture("resolve/dupes"), &bundle);
    let mut ships = std::fs::read_to_string(bundle.join("shipments.csv")).unwrap();
    ships.push_str(
        "X1,2022-07-01,TI,TR1,854231,Microcontrollers,TEXAS INSTR.,US\n\
         X2,2022-07-02,TI,TR1,854231,Microcontrollers,TEXAS INSTR.,\n\
         X3,2022-07-03,TI,TR1,854231,Microcontrollers,TEXAS INSTR.,\n\
         X4,2022-07-04,ADI,AE1,854232,Memory,ANALOG DEVICES,\n\
         X5,2022-07-05,ADI,AE1,854232,Memory,,US\n",
    );
    std::fs::write(bundle.join("shipments.csv"), ships).unwrap();
    let case = tmp.path().join("c.db");
    ingest(&bundle, &case);
    let out: serde_json::Value =
        serde_json::from_str(&divtrace(["resolve", "--case", case.to_str().unwrap(), "--format", "json"]).ok().stdout).unwrap();
    let conn = db(&case);
    let links: Vec<(String, String, Option<String>)> = conn
        .prepare(
            "SELECT s.input_id, e.input_id, s.origin_country FROM manufacturer_link l JOIN shipment s ON s.id = l.shipment
             JOIN entity e ON e.id = l.entity ORDER BY s.input_id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let pairs: Vec<(&str, &str)> = links.iter().map(|(s, e, _)| (s.as_str(), e.as_str())).collect();
    assert_eq!(pairs, [("S1", "TI"), ("S2", "TI"), ("S3", "ADI"), ("X1", "TI"), ("X2", "TI"), ("X3", "TI"), ("X4", "ADI")]);
    assert_eq!(links[4].2, None, "a shipment without an origin is linked too");
    // The summary counts shipments, not distinct texts.
    assert_eq!(out["manufacturer_links"], 7, "{out}");
    let with_text: i64 = conn.query_row("SELECT count(*) FROM shipment WHERE trim(manufacturer) <> ''", [], |r| r.get(0)).unwrap();
    let text = divtrace(["resolve", "--case", case.to_str().unwrap()]).ok().stdout;
    assert!(text.contains(&format!("7 of {with_text} manufacturer texts linked")), "{text}");
}

#[test]
fn missing_case_file_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let e = divtrace(["resolve", "--case", tmp.path().join("none.db").to_str().unwrap()]).failed();
    assert!(e.stderr.contains("no such case file"), "{}", e.stderr);
}

#[test]
fn free_zone_and_mainland_forms_stay_two_companies() {
    // Issue 10: `ADOON ... L.L.C.` ~ `ADOON ... FZE` was a false merge. Different legal
    // forms in one country are different companies unless other evidence says the same.
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("c.db");
    ingest(&fixture("resolve/legal-forms"), &case);
    let cs = clusters(&case);
    assert_eq!(ids(&cs), vec![vec!["AE1", "AE4"], vec!["AE2", "AE3"], vec!["AE6", "AE7"]]);
    let out = divtrace(["resolve", "--case", case.to_str().unwrap(), "--review", "--format", "json"]).ok();
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let pair = v["review"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["a"] == "AE1" && p["b"] == "AE2")
        .unwrap_or_else(|| panic!("AE1/AE2 listed for review: {}", out.stdout));
    assert!(pair["detail"].as_str().unwrap().contains("a UAE free-zone form against another form"), "{pair}");
}
