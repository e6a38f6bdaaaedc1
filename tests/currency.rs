//! Values as declared: a Russian declaration dump with lines in USD, EUR and
//! AED (fixtures/bundles/mirror/ru-imports) through the bundled mapping.
//! Amount and currency are kept; USD comes only from a rate divtrace can
//! name (`--fx`, or the bundled ECB monthly averages); a value with no rate
//! is unconverted and flagged, never taken as dollars.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use rusqlite::Connection;
use serde_json::Value;

const EUR_LINE: &str = "10702070/050922/0600500/1";
const AED_LINE: &str = "10702070/060922/0600600/1";

fn q<T: rusqlite::types::FromSql>(case: &Path, sql: &str) -> T {
    Connection::open(case).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn ingest(dir: &Path, bundle: &Path, extra: &[&str]) -> (PathBuf, Output) {
    let case = dir.join("case.db");
    let map = fixture("mappings/ru-customs-declaration.toml");
    let mut a: Vec<std::ffi::OsString> =
        vec!["ingest".into(), bundle.into(), "--map".into(), map.into(), "--case".into(), case.clone().into(), "-q".into()];
    a.extend(extra.iter().map(Into::into));
    let out = divtrace(a);
    (case, out)
}

fn value_of(case: &Path, id: &str, col: &str) -> Option<f64> {
    q::<Option<f64>>(case, &format!("SELECT {col} FROM shipment WHERE input_id = '{id}'"))
}

#[test]
fn amounts_are_kept_as_declared_and_converted_only_with_a_named_rate() {
    let tmp = tempfile::tempdir().unwrap();
    let (case, out) = ingest(tmp.path(), &fixture("bundles/mirror/ru-imports"), &[]);
    out.ok();
    // USD: value and value_usd agree, no rate.
    let usd = "10013160/150822/0456789/1";
    assert_eq!(value_of(&case, usd, "value"), Some(66250.5));
    assert_eq!(value_of(&case, usd, "value_usd"), Some(66250.5));
    assert_eq!(q::<String>(&case, &format!("SELECT currency FROM shipment WHERE input_id = '{usd}'")), "USD");
    // EUR: kept as declared, converted with the bundled ECB average of September 2022, which it cites.
    assert_eq!(value_of(&case, EUR_LINE, "value"), Some(171_000.0));
    let rate = value_of(&case, EUR_LINE, "usd_rate").unwrap();
    assert!((0.95..1.05).contains(&rate), "EUR in September 2022 was near parity, got {rate}");
    let usd_value = value_of(&case, EUR_LINE, "value_usd").unwrap();
    assert!((usd_value - 171_000.0 * rate).abs() < 0.01, "{usd_value}");
    assert_ne!(usd_value, 171_000.0, "a EUR amount must not be taken as USD");
    assert_eq!(
        q::<String>(&case, &format!("SELECT usd_rate_source FROM shipment WHERE input_id = '{EUR_LINE}'")),
        "ECB euro reference rates, monthly average 2022-09"
    );
    // AED: the ECB has no dirham rate, so no USD value at all.
    assert_eq!(value_of(&case, AED_LINE, "value"), Some(50_000.0));
    assert_eq!(value_of(&case, AED_LINE, "value_usd"), None);

    // info flags it.
    let info = divtrace(["info", "--case", case.to_str().unwrap()]).ok().stdout;
    assert!(info.contains("1 shipment(s) declared in AED (50000.00 AED): 0 converted with a rate, 1 without a USD value"), "{info}");
    let j: Value = serde_json::from_str(&divtrace(["info", "--case", case.to_str().unwrap(), "--format", "json"]).ok().stdout).unwrap();
    let f = j["foreign_values"].as_array().unwrap();
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!((f[0]["currency"].as_str(), f[0]["unconverted"].as_i64()), (Some("AED"), Some(1)));
    assert_eq!((f[1]["currency"].as_str(), f[1]["converted"].as_i64()), (Some("EUR"), Some(1)));
    assert_eq!(j["schema_version"], 5);

    // routes: the hop says what was declared and whether it was converted.
    let r: Value = serde_json::from_str(
        &divtrace(["routes", "--case", case.to_str().unwrap(), "--from", "origin:US", "--to", "country:RU", "--all", "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    let hop = |id: &str| {
        r["routes"].as_array().unwrap().iter().flat_map(|x| x["hops"].as_array().unwrap().clone()).find(|h| h["shipment"] == id).unwrap()
    };
    let aed = hop(AED_LINE);
    assert_eq!(aed["value_usd"], Value::Null);
    assert_eq!(aed["declared_value"]["currency"], "AED");
    assert_eq!(aed["declared_value"]["usd"], "unconverted");
    let eur = hop(EUR_LINE);
    assert_eq!(eur["declared_value"]["usd"], "converted");
    assert_eq!(eur["declared_value"]["rate_source"], "ECB euro reference rates, monthly average 2022-09");
    assert!(hop("10013160/150822/0456789/1").get("declared_value").is_none(), "USD values carry no declared_value");
    let table = divtrace(["routes", "--case", case.to_str().unwrap(), "--from", "origin:US", "--to", "country:RU", "--all"]).ok().stdout;
    assert!(table.contains("value ? [AED 50000 (no USD rate: not converted)]"), "{table}");
    let rep = tmp.path().join("report");
    divtrace(["report", "--case", case.to_str().unwrap(), "--from", "origin:US", "--to", "country:RU", "--out", rep.to_str().unwrap()])
        .ok();
    let html = std::fs::read_to_string(rep.join("report.html")).unwrap();
    assert!(html.contains("AED 50000 (no USD rate: not converted)"), "report.html does not flag the AED value");
}

#[test]
fn a_user_rate_table_comes_first_day_before_month() {
    let tmp = tempfile::tempdir().unwrap();
    let fx = tmp.path().join("rates.csv");
    std::fs::write(&fx, "date_or_month,currency,usd_per_unit\n2022-09,AED,0.2723\n2022-09-05,EUR,1.0\n2022-09,EUR,0.5\n").unwrap();
    let (case, out) = ingest(tmp.path(), &fixture("bundles/mirror/ru-imports"), &["--fx", fx.to_str().unwrap()]);
    out.ok();
    assert_eq!(value_of(&case, EUR_LINE, "value_usd"), Some(171_000.0));
    assert_eq!(
        q::<String>(&case, &format!("SELECT usd_rate_source FROM shipment WHERE input_id = '{EUR_LINE}'")),
        "rates.csv line 3 (2022-09-05)"
    );
    assert_eq!(value_of(&case, AED_LINE, "value_usd"), Some(13_615.0));
    assert_eq!(q::<i64>(&case, "SELECT count(*) FROM shipment WHERE value IS NOT NULL AND value_usd IS NULL"), 0);
}

#[test]
fn bad_rates_and_bad_currencies_name_file_line_and_column_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let fx = tmp.path().join("rates.csv");
    for (body, want) in [
        ("2022-09,EUR,1.0\n2022-09,EUE,1\n", "line 3, column 'currency'"),
        ("2022-9,EUR,1.0\n", "line 2, column 'date_or_month'"),
        ("2022-09,EUR,zero\n", "line 2, column 'usd_per_unit'"),
        ("2022-09,EUR,1\n2022-09,EUR,1.1\n", "line 3, column 'date_or_month'"),
    ] {
        std::fs::write(&fx, format!("date_or_month,currency,usd_per_unit\n{body}")).unwrap();
        let (case, out) = ingest(tmp.path(), &fixture("bundles/mirror/ru-imports"), &["--fx", fx.to_str().unwrap()]);
        let out = out.failed();
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("rates.csv") && out.stderr.contains(want), "{want}: {}", out.stderr);
        assert!(!case.exists(), "a refused import left a case file behind");
    }
    // An unknown currency code in the bundle: the file, its line and the column.
    let bundle = tmp.path().join("ru");
    copy_dir(&fixture("bundles/mirror/ru-imports"), &bundle);
    let p = bundle.join("declarations.csv");
    let text = std::fs::read_to_string(&p).unwrap().replace(";EUR;", ";EURO;");
    std::fs::write(&p, text).unwrap();
    let (case, out) = ingest(tmp.path(), &bundle, &[]);
    let out = out.failed();
    assert!(out.stderr.contains("declarations.csv, line 7, column 'Графа 22 Валюта'") && out.stderr.contains("\"EURO\""), "{}", out.stderr);
    assert!(!case.exists());
    // A value with no currency in a contract bundle.
    let plain = tmp.path().join("plain");
    copy_dir(&fixture("bundles/small"), &plain);
    let s = plain.join("shipments.csv");
    let mut t = std::fs::read_to_string(&s).unwrap();
    let first_nl = t.find('\n').unwrap();
    t.insert_str(first_nl, ",value,currency");
    let lines: Vec<String> = t
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else if i == 1 {
                format!("{l},100,")
            } else {
                format!("{l},,")
            }
        })
        .collect();
    std::fs::write(&s, lines.join("\n") + "\n").unwrap();
    let case = tmp.path().join("plain.db");
    let out = divtrace(["ingest", plain.to_str().unwrap(), "--case", case.to_str().unwrap(), "-q"]).failed();
    assert!(out.stderr.contains("shipments.csv, line 2, column 'value'") && out.stderr.contains("needs its currency"), "{}", out.stderr);
}

#[test]
fn a_case_of_schema_v3_is_upgraded_and_keeps_its_values() {
    // Build a v3 case file by hand from the shipped migrations' shape: ingest, then drop the v4 and v5 columns.
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/small");
    let before: f64 = q(&case, "SELECT sum(value_usd) FROM shipment");
    {
        let c = Connection::open(&case).unwrap();
        for col in ["usd_rate_source", "usd_rate", "currency", "value"] {
            c.execute_batch(&format!("ALTER TABLE shipment DROP COLUMN {col}")).unwrap();
        }
        c.execute_batch("ALTER TABLE relation DROP COLUMN note").unwrap();
        c.pragma_update(None, "user_version", 3).unwrap();
    }
    // Read-only: a clear error, nothing changed.
    let out = divtrace(["info", "--case", case.to_str().unwrap(), "--read-only"]).failed();
    assert!(out.stderr.contains("v3") && out.stderr.contains("v5"), "{}", out.stderr);
    let out = divtrace(["info", "--case", case.to_str().unwrap()]).ok();
    assert!(out.stdout.contains("schema v5"), "{}", out.stdout);
    assert_eq!(q::<f64>(&case, "SELECT sum(value_usd) FROM shipment"), before);
    assert_eq!(q::<i64>(&case, "SELECT count(*) FROM shipment WHERE currency IS NOT NULL"), 0);
}
