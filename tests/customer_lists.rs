//! Customer lists (`assess --input`, `screen --input`): names not in the
//! case are screened and rated from the lists alone, standard input is
//! read with `-`, and the CSV keeps the user's columns, one row per input
//! row, empty rows included.

mod common;

use common::*;
use serde_json::Value;

fn small_case(dir: &std::path::Path) -> String {
    let case = dir.join("case.db");
    divtrace(["ingest".as_ref(), fixture("bundles/small").as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    case.to_str().unwrap().to_string()
}

fn list_args() -> Vec<String> {
    let f = |p: &str| fixture(p).to_str().unwrap().to_string();
    vec!["--csl".into(), f("lists/csl/small.csv"), "--sdn".into(), f("lists/ofac/sdn.csv"), "--sdn-alt".into(), f("lists/ofac/alt.csv")]
}

fn customers() -> Vec<u8> {
    std::fs::read(fixture("assess/customers/with-listed.csv")).unwrap()
}

#[test]
fn a_listed_name_not_in_the_case_is_rated_from_the_lists_through_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let case = small_case(dir.path());
    let mut args: Vec<String> =
        ["assess", "--case", &case, "--input", "-", "--country-column", "country", "--format", "json"].map(String::from).to_vec();
    args.extend(list_args());
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let rep: Value = serde_json::from_str(&with_stdin(&a, &customers()).ok().stdout).unwrap();

    let from = rep["from_lists"].as_array().unwrap();
    let by_line = |l: u64| from.iter().find(|x| x["line"] == l).unwrap_or_else(|| panic!("line {l} not rated from lists: {rep}"));
    // The MEU list entry: its own factor, at least high.
    let almaz = by_line(4);
    assert_eq!(almaz["factors"][0]["code"], "MILITARY_END_USER_DESIGNATED", "{almaz}");
    assert!(["high", "severe"].contains(&almaz["band"].as_str().unwrap()), "{almaz}");
    let detail = almaz["factors"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("not in the case") && detail.contains("entry csl-2") && detail.contains("country KZ agrees"), "{detail}");
    assert!(almaz["factors"][0]["evidence"][0].as_str().unwrap().ends_with("small.csv:3"), "{almaz}");
    // The SDN entry: LISTED at the sdn weight.
    let vtb = by_line(5);
    assert_eq!(vtb["factors"][0]["code"], "LISTED", "{vtb}");
    assert_eq!(vtb["band"], "severe", "{vtb}");
    assert!(vtb["factors"][0]["detail"].as_str().unwrap().contains("entry 17013"), "{vtb}");

    // Unlisted and not in the case: not found, but screened, and said so.
    let nf = rep["not_found"].as_array().unwrap();
    let nobody = nf.iter().find(|x| x["input"] == "Nobody Trading GmbH").unwrap();
    assert_eq!(nobody["screened"], true);
    assert!(nobody["reason"].as_str().unwrap().contains("screened against 3 list file(s)"), "{nobody}");

    // In the case and on a list the case was never screened against: the listing is added.
    let tr1 = rep["assessments"].as_array().unwrap().iter().find(|a| a["entity"] == "TR1").unwrap();
    let codes: Vec<&str> = tr1["factors"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"LISTED") && codes.contains(&"ROUTE_US_TO_RU_BY"), "{codes:?}");

    // Empty rows are reported, not dropped.
    let empty: Vec<(u64, &str)> =
        rep["empty"].as_array().unwrap().iter().map(|e| (e["line"].as_u64().unwrap(), e["reason"].as_str().unwrap())).collect();
    assert_eq!(empty, vec![(3, "blank line"), (6, "empty cell in column 'customer'")]);
    assert!(rep["screening"]["entries"].as_u64().unwrap() > 2000, "{}", rep["screening"]);
}

#[test]
fn the_csv_keeps_the_input_columns_one_row_per_input_row() {
    let dir = tempfile::tempdir().unwrap();
    let case = small_case(dir.path());
    let mut args: Vec<String> =
        ["assess", "--case", &case, "--input", "-", "--country-column", "country", "--format", "csv"].map(String::from).to_vec();
    args.extend(list_args());
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = with_stdin(&a, &customers()).ok().stdout;
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(head, ["customer", "country", "notes", "line", "status", "entity", "score", "band", "factors", "explanation"], "{out}");
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    // Every physical row of the input from line 2 to 8, the blank line too.
    let lines: Vec<&str> = rows.iter().map(|x| &x[3]).collect();
    assert_eq!(lines, ["2", "3", "4", "5", "6", "7", "8"], "{out}");
    let status: Vec<&str> = rows.iter().map(|x| &x[4]).collect();
    assert_eq!(status, ["assessed", "empty", "listed_not_in_case", "listed_not_in_case", "empty", "not_found", "not_found"], "{out}");
    // The input's cells as written, in their order.
    assert_eq!(&rows[0][0], "Denkar Dis Ticaret");
    assert_eq!(&rows[0][2], "in the case (TR1) and on the Entity List of lists/csl/small.csv");
    assert_eq!(&rows[0][5], "TR1");
    assert!(rows[0][8].contains("LISTED=") && rows[0][9].contains("TR1 Denkar"), "{out}");
    assert!(rows[2][8].starts_with("MILITARY_END_USER_DESIGNATED=") && rows[2][9].contains("csl-2"), "{out}");
    assert!(rows[5][9].contains("screened against"), "{out}");
    // The formula rule of every CSV output: the cell is text in a spreadsheet.
    assert_eq!(&rows[6][0], "'=HYPERLINK(\"http://evil.example\")", "{out}");
    assert_eq!(&rows[1][9], "blank line");
}

#[test]
fn without_lists_a_name_not_in_the_case_stays_unscreened() {
    let dir = tempfile::tempdir().unwrap();
    let case = small_case(dir.path());
    let out = with_stdin(&["assess", "--case", &case, "--input", "-", "--format", "json"], &customers()).ok().stdout;
    let rep: Value = serde_json::from_str(&out).unwrap();
    assert!(rep.get("from_lists").is_none() && rep.get("screening").is_none(), "{rep}");
    let nf = rep["not_found"].as_array().unwrap();
    assert_eq!(nf.len(), 4, "{rep}");
    assert!(nf.iter().all(|n| n.get("screened").is_none()), "{rep}");
    // Lists without a customer list: said, not ignored.
    let mut args: Vec<String> = ["assess", "--case", &case, "--all"].map(String::from).to_vec();
    args.extend(list_args());
    let o = divtrace(&args).failed();
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("screen --case"), "{}", o.stderr);
}

#[test]
fn screen_input_screens_a_list_of_names_the_same_way() {
    let mut args: Vec<String> =
        ["screen", "--input", "-", "--column", "customer", "--country-column", "country", "--format", "csv"].map(String::from).to_vec();
    args.extend(list_args());
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = with_stdin(&a, &customers()).ok().stdout;
    let mut r = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(r.headers().unwrap().iter().take(5).collect::<Vec<_>>(), ["customer", "country", "notes", "line", "status"]);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let status: Vec<(&str, &str)> = rows.iter().map(|x| (&x[3], &x[4])).collect();
    assert_eq!(
        status,
        [("2", "match"), ("3", "empty"), ("4", "match"), ("5", "match"), ("6", "empty"), ("7", "no_match"), ("8", "no_match")],
        "{out}"
    );
    assert_eq!(&rows[2][6], "meu");
    assert_eq!(&rows[3][6], "sdn");
    assert_eq!(&rows[3][7], "17013");
    // The same from a file, as a table.
    let mut args: Vec<String> = ["screen", "--input"].map(String::from).to_vec();
    args.push(fixture("assess/customers/with-listed.csv").to_str().unwrap().into());
    args.extend(list_args());
    let table = divtrace(&args).ok().stdout;
    assert!(table.contains("line 4: Almaz Grupp Too: match") && table.contains("line 3: empty row"), "{table}");
}

#[test]
fn folders_and_missing_columns_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let case = small_case(dir.path());
    let d = dir.path().to_str().unwrap();
    for (flag, want) in [("--input", "expected a CSV file"), ("--weights", "expected a TOML file")] {
        let mut args = vec!["assess", "--case", &case];
        if flag == "--weights" {
            args.extend(["TR1", "--weights", d]);
        } else {
            args.extend(["--input", d]);
        }
        let o = divtrace(&args).failed();
        assert_eq!(o.code, 2, "{}", o.stderr);
        assert!(o.stderr.contains(&format!("{flag}: {d} is a folder: {want}")), "{}", o.stderr);
    }
    let o = with_stdin(
        &["screen", "--input", "-", "--country-column", "land", "--csl", fixture("lists/csl/small.csv").to_str().unwrap()],
        &customers(),
    )
    .failed();
    assert!(o.stderr.contains("<stdin>, line 1") && o.stderr.contains("no column 'land' (--country-column"), "{}", o.stderr);
    let o = divtrace(["assess", "--case", &case, "--input", "-", "--weights", "-"]).failed();
    assert!(o.stderr.contains("standard input can be read once"), "{}", o.stderr);
}
