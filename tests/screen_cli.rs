//! `divtrace screen` against the list layouts: CSL CSV, OFAC legacy files, FtM JSON lines.

mod common;

use std::path::{Path, PathBuf};

use common::{divtrace, fixture};
use serde_json::Value;

fn ofac_args() -> Vec<String> {
    let f = |n: &str| fixture(&format!("lists/ofac/{n}")).to_str().unwrap().to_string();
    vec!["--sdn".into(), f("sdn.csv"), "--sdn-add".into(), f("add.csv"), "--sdn-alt".into(), f("alt.csv")]
}

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// Spelling variants of real listed companies: diacritics dropped or added,
/// Cyrillic for Latin, legal forms abbreviated, spelled out or swapped.
const VARIANTS: &[(&str, &str, &str)] = &[
    ("AZU International Bilgi Teknolojileri ve Dış Ticaret Ltd. Şti.", "TR", "42033"),
    ("AZU INTERNATIONAL BILGI TEKNOLOJILERI VE DIS TIC. LTD. STI.", "TR", "42033"),
    ("MMK Metalurji Sanayi Ticaret ve Liman İşletmeciliği A.Ş.", "TR", "38317"),
    ("Artvin Maritime and Trade Ltd", "TR", "42178"),
    ("GTLK Middle East FZCO", "AE", "37863"),
    ("I-Jet Global DMCC", "AE", "38977"),
    ("Success Aviation Services F.Z.C.", "AE", "38976"),
    ("ПАО Промсвязьбанк", "RU", "34656"),
    ("Promsvyazbank PAO", "RU", "34656"),
    ("Sberbank of Russia PJSC", "RU", "17018"),
    ("ООО Укон", "KG", "47614"),
    ("ОсОО Прогресс Лидер", "KG", "44024"),
    ("TOO Elem Group", "KZ", "47950"),
    ("Milur Electronics ООО", "AM", "38796"),
];

#[test]
fn ofac_spelling_variants_find_the_right_entry_first() {
    for (name, country, want) in VARIANTS {
        let mut args = vec!["screen".to_string(), "--name".into(), name.to_string(), "--country".into(), country.to_string()];
        args.extend(ofac_args());
        args.extend(["--format".into(), "json".into()]);
        let v = json(&divtrace(&args).ok().stdout);
        let first = &v["matches"][0];
        assert_eq!(first["entry"].as_str(), Some(*want), "{name}: {v}");
        assert!(first["accepted"].as_bool().unwrap(), "{name}: {v}");
        assert!(first["explanation"].as_str().unwrap().contains(&format!("country {country} agrees")), "{name}: {v}");
    }
}

const ADJ: &[&str] = &[
    "Blue", "Golden", "Northern", "Silver", "Green", "Bright", "Rapid", "Crystal", "Royal", "Amber", "Coral", "Maple", "Quiet", "Happy",
    "Lucky",
];
const NOUN: &[&str] = &[
    "Harbor Foods",
    "Textile Works",
    "Furniture House",
    "Garden Supplies",
    "Bakery",
    "Dental Clinic",
    "Travel Agency",
    "Paper Mills",
    "Shoe Factory",
    "Toy Store",
];
const FORM: &[(&str, &str)] = &[("LLC", "RU"), ("Ltd. Şti.", "TR"), ("FZE", "AE"), ("TOO", "KZ"), ("Co., Ltd.", "CN")];

/// Writes a bundle of fictional companies, one shipment between the first two.
fn fictional_bundle(dir: &Path) -> usize {
    std::fs::create_dir_all(dir).unwrap();
    let mut ents = String::from("id,name,country\n");
    let mut n = 0;
    for (i, a) in ADJ.iter().enumerate() {
        for (j, b) in NOUN.iter().enumerate() {
            let (form, country) = FORM[(i + j) % FORM.len()];
            ents.push_str(&format!("F{n},\"{a} {b} {form}\",{country}\n"));
            n += 1;
            let (form, country) = FORM[(i + j + 2) % FORM.len()];
            ents.push_str(&format!("G{n},\"{b} {a} {form}\",{country}\n"));
            n += 1;
        }
    }
    std::fs::write(dir.join("entities.csv"), ents).unwrap();
    std::fs::write(dir.join("shipments.csv"), "id,date,shipper,consignee,hs_code\nS1,2023-01-02,F0,G1,9503\n").unwrap();
    n
}

#[test]
fn fictional_unrelated_companies_do_not_match() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("b");
    let n = fictional_bundle(&bundle);
    assert_eq!(n, 300);
    let case = tmp.path().join("c.db");
    divtrace(["ingest", &s(&bundle), "--case", &s(&case)]).ok();
    let mut args = vec!["screen".to_string(), "--case".into(), s(&case), "--format".into(), "json".into()];
    args.extend(ofac_args());
    let v = json(&divtrace(&args).ok().stdout);
    assert_eq!(v["matches"].as_array().unwrap().len(), 0, "{v}");
}

fn dupes_case(tmp: &Path) -> PathBuf {
    let case = tmp.join("c.db");
    divtrace(["ingest", &s(&fixture("resolve/dupes")), "--case", &s(&case)]).ok();
    case
}

fn screen_lists(case: &Path, extra: &[&str]) -> common::Output {
    let mut args = vec![
        "screen".to_string(),
        "--case".into(),
        s(case),
        "--csl".into(),
        s(&fixture("lists/csl/small.csv")),
        "--ftm".into(),
        s(&fixture("lists/ftm/small.jsonl")),
    ];
    args.extend(extra.iter().map(|x| x.to_string()));
    divtrace(&args)
}

fn memberships(case: &Path) -> Vec<(String, String, String, String, i64)> {
    let c = rusqlite::Connection::open(case).unwrap();
    let mut st = c
        .prepare(
            "SELECT e.input_id, m.list, m.list_entry, f.role, m.src_line FROM list_membership m
             JOIN entity e ON e.id = m.entity JOIN batch_file f ON f.id = m.src_file JOIN batch b ON b.id = m.batch
             WHERE b.format = 'screen' ORDER BY e.input_id, m.list_entry",
        )
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn screening_a_case_stores_memberships_with_provenance() {
    let tmp = tempfile::tempdir().unwrap();
    let case = dupes_case(tmp.path());
    let out = screen_lists(&case, &[]).ok();
    let got = memberships(&case);
    let row = |e: &str, l: &str, id: &str, role: &str, line: i64| (e.to_string(), l.to_string(), id.to_string(), role.to_string(), line);
    assert_eq!(
        got,
        vec![
            row("AE1", "opensanctions", "tst-vektor", "ftm", 1),
            row("AE2", "opensanctions", "tst-vektor", "ftm", 1),
            row("KZ1", "meu", "csl-2", "csl", 3),
            row("KZ2", "meu", "csl-2", "csl", 3),
            row("P1", "sdn", "90001", "csl", 4),
            row("P2", "sdn", "90001", "csl", 4),
            row("RU1", "opensanctions", "tst-vektor", "ftm", 1),
            row("RU2", "opensanctions", "tst-vektor", "ftm", 1),
            row("RU3", "opensanctions", "tst-vektor", "ftm", 1),
            row("TR1", "entity_list", "csl-1", "csl", 2),
            row("TR2", "entity_list", "csl-1", "csl", 2),
        ],
        "{}",
        out.stdout
    );
    let c = rusqlite::Connection::open(&case).unwrap();
    let (program, listed_on, note): (String, String, String) = c
        .query_row(
            "SELECT program, listed_on, match_note FROM list_membership m JOIN entity e ON e.id = m.entity WHERE e.input_id = 'RU1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((program.as_str(), listed_on.as_str()), ("US-RUS-EO14024", "2023-05-19"));
    assert!(note.starts_with("identifier inn:7701234567 equal"), "{note}");
    let note: String = c
        .query_row("SELECT match_note FROM list_membership m JOIN entity e ON e.id = m.entity WHERE e.input_id = 'AE1'", [], |r| r.get(0))
        .unwrap();
    assert!(note.contains("owned 100% by listed 'ООО Вектор'"), "{note}");
    let hashes: i64 = c
        .query_row(
            "SELECT count(*) FROM batch_file f JOIN batch b ON b.id = f.batch WHERE b.format = 'screen' AND length(f.sha256) = 64",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hashes, 2);
    // Re-running the same screening replaces, not duplicates.
    screen_lists(&case, &[]).ok();
    assert_eq!(memberships(&case).len(), 11);
}

#[test]
fn threshold_and_review_control_acceptance() {
    let tmp = tempfile::tempdir().unwrap();
    let case = dupes_case(tmp.path());
    let before = std::fs::read(&case).unwrap();
    let out = screen_lists(&case, &["--review", "--format", "json"]).ok();
    assert_eq!(std::fs::read(&case).unwrap(), before, "--review stores nothing");
    let v = json(&out.stdout);
    let ms = v["matches"].as_array().unwrap();
    assert!(ms.iter().any(|m| m["entity"] == "RU5" && m["entry"] == "tst-vektor"), "{v}");
    for m in ms {
        assert!(!m["accepted"].as_bool().unwrap());
        let sc = m["score"].as_f64().unwrap();
        assert!((0.8..0.9).contains(&sc), "{m}");
    }
    let e = screen_lists(&case, &["--threshold", "1.5"]).failed();
    assert!(e.stderr.contains("--threshold"), "{}", e.stderr);
}

#[test]
fn malformed_lists_name_the_line_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let case = dupes_case(tmp.path());
    screen_lists(&case, &[]).ok();
    let before = std::fs::read(&case).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--csl", "lists/bad/csl-wrong-header.csv"], "csl-wrong-header.csv, line 1: not a Consolidated Screening List header"),
        (&["--ftm", "lists/bad/ftm-bad-line.jsonl"], "ftm-bad-line.jsonl, line 3: not a JSON object"),
        (&["--sdn", "lists/bad/sdn-missing-name.csv"], "sdn-missing-name.csv, line 4, column 'SDN_Name': the entry has no name"),
    ];
    for (flags, want) in cases {
        let mut args = vec!["screen".to_string(), "--case".into(), s(&case), "--csl".into(), s(&fixture("lists/csl/small.csv"))];
        args.push(flags[0].to_string());
        args.push(s(&fixture(flags[1])));
        let e = divtrace(&args).failed();
        assert_eq!(e.code, 2);
        assert!(e.stderr.contains(want), "{}", e.stderr);
        assert_eq!(std::fs::read(&case).unwrap(), before);
    }
}

#[test]
fn quick_check_needs_no_case_and_validates_flags() {
    let out = divtrace(["screen", "--name", "Denkar Dis Ticaret", "--country", "tr", "--csl", &s(&fixture("lists/csl/small.csv"))]).ok();
    assert!(out.stdout.contains("entity_list csl-1 'Denkar Dis Ticaret Ltd Sti'"), "{}", out.stdout);
    let e = divtrace(["screen", "--name", "X", "--country", "XX", "--csl", &s(&fixture("lists/csl/small.csv"))]).failed();
    assert!(e.stderr.contains("--country"), "{}", e.stderr);
    let e = divtrace(["screen", "--name", "X"]).failed();
    assert_eq!(e.stderr.trim_end(), "error: --csl/--sdn/--ftm: give at least one screening list");
}
