//! Mirror records end to end: a Turkish export bundle and a Russian import
//! bundle of the same consignments (fixtures/bundles/mirror, README there),
//! ingested with the bundled mappings and resolved. One consignment declared
//! twice is one hop backed by two declarations, in every output; the near
//! misses stay apart.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const EXPORT: &str = "tr-exports:22341300EX00134567-1";
const IMPORT: &str = "ru-imports:10013160/150822/0456789/1";

/// The two bundles in one case, resolved.
fn mirror_case(dir: &Path) -> PathBuf {
    let case = dir.join("case.db");
    for (bundle, map) in [("mirror/tr-exports", "tr-export-declarations.toml"), ("mirror/ru-imports", "ru-customs-declaration.toml")] {
        let (b, m) = (fixture(&format!("bundles/{bundle}")), fixture(&format!("mappings/{map}")));
        divtrace(["ingest".as_ref(), b.as_os_str(), "--map".as_ref(), m.as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()])
            .ok();
    }
    divtrace(["resolve".as_ref(), "--case".as_ref(), case.as_os_str()]).ok();
    case
}

fn run(case: &Path, args: &[&str]) -> Output {
    let mut a: Vec<std::ffi::OsString> = vec![args[0].into(), "--case".into(), case.into()];
    a.extend(args[1..].iter().map(Into::into));
    divtrace(a).ok()
}

fn routes_json(case: &Path, extra: &[&str]) -> Value {
    let mut a = vec!["routes", "--from", "origin:US", "--to", "country:RU", "--all", "--format", "json"];
    a.extend_from_slice(extra);
    serde_json::from_str(&run(case, &a).stdout).unwrap()
}

/// Every hop of every route: (shipment, mirror shipment or "").
fn hops(doc: &Value) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for r in doc["routes"].as_array().unwrap() {
        for h in r["hops"].as_array().unwrap() {
            v.push((h["shipment"].as_str().unwrap().to_string(), h["mirror"]["shipment"].as_str().unwrap_or("").to_string()));
        }
    }
    v
}

#[test]
fn the_pair_is_one_hop_with_its_mirror_and_no_route_of_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let case = mirror_case(tmp.path());
    let doc = routes_json(&case, &[]);
    let hops = hops(&doc);
    // The export declaration stands for the hop, the import declaration is its mirror.
    let paired: Vec<&(String, String)> = hops.iter().filter(|(_, m)| !m.is_empty()).collect();
    assert_eq!(paired, vec![&(EXPORT.to_string(), IMPORT.to_string())], "{hops:?}");
    assert!(!hops.iter().any(|(s, _)| s == IMPORT), "the import record formed a route of its own: {hops:?}");
    assert_eq!(doc["stats"]["mirror_pairs"], 1);
    assert_eq!(doc["stats"]["total_routes"], 12, "14 shipments, 1 not US-origin, 1 folded into its mirror");
    let hop =
        doc["routes"].as_array().unwrap().iter().flat_map(|r| r["hops"].as_array().unwrap()).find(|h| h["shipment"] == EXPORT).unwrap();
    let m = &hop["mirror"];
    assert_eq!(m["declaration"], "10013160/150822/0456789");
    assert_eq!(m["date"], "2022-08-15");
    assert!(m["source_file"].as_str().unwrap().ends_with("ru-imports/declarations.csv"), "{m}");
    assert_eq!(m["source_line"], 2);
    assert_eq!(m["value_usd"], 66250.5);
    assert_eq!(hop["value_usd"], 64900.0);
    assert_eq!(hop["declaration"], "22341300EX00134567");
}

#[test]
fn near_misses_stay_two_records() {
    let tmp = tempfile::tempdir().unwrap();
    let case = mirror_case(tmp.path());
    let hops = hops(&routes_json(&case, &[]));
    for s in [
        "ru-imports:10013160/160822/0456790/1", // other consignee
        "tr-exports:22341300EX00145678-1",      // values 23 % apart
        "ru-imports:10013160/100922/0600001/1",
        "tr-exports:22341300EX00156789-1", // other HS-6
        "ru-imports:10013160/201022/0700002/1",
        "tr-exports:22341300EX00167890-1", // 80 days apart
        "ru-imports:10013160/200123/0800003/1",
        "tr-exports:22341300EX00189012-1", // one batch
        "tr-exports:22341300EX00190123-1",
    ] {
        assert!(hops.contains(&(s.to_string(), String::new())), "{s} should be a hop of its own, unpaired: {hops:?}");
    }
}

#[test]
fn flags_change_the_window_tolerance_or_turn_pairing_off() {
    let tmp = tempfile::tempdir().unwrap();
    let case = mirror_case(tmp.path());
    let wide = routes_json(&case, &["--mirror-days", "90"]);
    assert_eq!(wide["stats"]["mirror_pairs"], 2);
    assert!(hops(&wide).contains(&("tr-exports:22341300EX00167890-1".into(), "ru-imports:10013160/200123/0800003/1".into())));
    assert_eq!(wide["query"]["mirror"]["max_days"], 90);
    let loose = routes_json(&case, &["--mirror-tolerance", "25"]);
    assert!(hops(&loose).contains(&("tr-exports:22341300EX00145678-1".into(), "ru-imports:10013160/100922/0600001/1".into())));
    let tight = routes_json(&case, &["--mirror-tolerance", "1"]);
    assert!(tight["stats"].get("mirror_pairs").is_none(), "2.0 % apart is over a 1 % tolerance");
    let off = routes_json(&case, &["--no-mirror"]);
    assert!(off["stats"].get("mirror_pairs").is_none());
    assert_eq!(off["stats"]["total_routes"], 13);
    assert!(hops(&off).contains(&(IMPORT.to_string(), String::new())));
    // Out of range: a usage error naming the flag.
    for (flag, v) in [("--mirror-days", "400"), ("--mirror-days", "-1"), ("--mirror-tolerance", "80")] {
        let arg = format!("{flag}={v}");
        let out = divtrace(["routes", "--case", case.to_str().unwrap(), "--from", "origin:US", "--to", "country:RU", &arg]).failed();
        assert_eq!(out.code, 2);
        assert!(out.stderr.contains(flag), "{}", out.stderr);
    }
}

#[test]
fn table_csv_diagram_and_report_show_two_declarations_counted_once() {
    let tmp = tempfile::tempdir().unwrap();
    let case = mirror_case(tmp.path());
    let q = ["--from", "origin:US", "--to", "country:RU"];
    let table = run(&case, &[&["routes"][..], &q].concat()).stdout;
    assert!(table.contains("1 consignment(s) declared twice"), "{table}");
    assert!(table.contains(&format!("mirror: shipment {IMPORT} of 2022-08-15 decl 10013160/150822/0456789")), "{table}");

    let csv = run(&case, &[&["routes"][..], &q, &["--format", "csv"]].concat()).stdout;
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let head = rdr.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap_or_else(|| panic!("no column {n}: {head:?}"));
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let row = rows.iter().find(|r| &r[col("shipment")] == EXPORT).unwrap();
    assert_eq!(&row[col("mirror_shipment")], IMPORT);
    assert_eq!(&row[col("mirror_declaration")], "10013160/150822/0456789");
    assert_eq!(&row[col("mirror_source_line")], "2");
    assert!(!rows.iter().any(|r| &r[col("shipment")] == IMPORT));

    // The diagram edge counts the consignment once, values it once, and names both declarations.
    let dot = tmp.path().join("r.dot");
    run(&case, &[&["export"][..], &q, &["--out", dot.to_str().unwrap()]].concat());
    let text = std::fs::read_to_string(&dot).unwrap();
    let edge = text.lines().find(|l| l.contains("HS 854233")).unwrap();
    // 64,900 + 40,000 + 52,000 + 20,000 + 20,000: the import's 66,250.50 is not added.
    assert!(edge.contains("5 shipments (1 with 2 declarations) · US$ 196,900"), "{edge}");
    assert!(edge.contains("10013160/150822/0456789") && edge.contains("22341300EX00134567"), "{edge}");
    assert!(!text.contains("131,150"), "the pair was counted twice");

    let rep = tmp.path().join("report");
    run(&case, &[&["report"][..], &q, &["--out", rep.to_str().unwrap()]].concat());
    let html = std::fs::read_to_string(rep.join("report.html")).unwrap();
    assert!(html.contains("mirror: 10013160/150822/0456789 2022-08-15"), "report.html does not show the mirror");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(rep.join("report.json")).unwrap()).unwrap();
    assert_eq!(hops(&json["routes"]).iter().filter(|(_, m)| m == IMPORT).count(), 1, "report.json has no mirror");
}

#[test]
fn only_the_export_declaration_totals_the_edge_of_one_consignment() {
    // The case: one export and one import record of one consignment
    // read "2 shipments · US$ 131,150"; paired, it is one shipment of US$ 64,900.
    let tmp = tempfile::tempdir().unwrap();
    let (tr, ru) = (tmp.path().join("tr"), tmp.path().join("ru"));
    copy_dir(&fixture("bundles/mirror/tr-exports"), &tr);
    copy_dir(&fixture("bundles/mirror/ru-imports"), &ru);
    let keep = |p: &Path, needle: &str| {
        let t = std::fs::read_to_string(p).unwrap();
        let mut lines = t.lines();
        let mut out = format!("{}\n", lines.next().unwrap());
        out.extend(lines.filter(|l| l.starts_with(needle)).map(|l| format!("{l}\n")));
        std::fs::write(p, out).unwrap();
    };
    keep(&tr.join("ihracat.csv"), "22341300EX00134567,1,");
    keep(&ru.join("declarations.csv"), "10013160/150822/0456789;");
    let case = tmp.path().join("case.db");
    for (b, m) in [(&tr, "tr-export-declarations.toml"), (&ru, "ru-customs-declaration.toml")] {
        let m = fixture(&format!("mappings/{m}"));
        divtrace(["ingest".as_ref(), b.as_os_str(), "--map".as_ref(), m.as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()])
            .ok();
    }
    run(&case, &["resolve"]);
    let dot = tmp.path().join("r.dot");
    run(&case, &["export", "--from", "origin:US", "--to", "country:RU", "--out", dot.to_str().unwrap()]);
    let text = std::fs::read_to_string(&dot).unwrap();
    assert!(text.contains("1 shipment, 2 declarations · US$ 64,900"), "{text}");
    // Without pairing, the old double count (as the issue saw it).
    run(&case, &["export", "--from", "origin:US", "--to", "country:RU", "--no-mirror", "--out", dot.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&dot).unwrap().contains("2 shipments · US$ 131,150"));
}
