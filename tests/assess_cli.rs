//! `divtrace assess` and `divtrace hubs` on small fixture bundles: the OFAC
//! 50 percent rule cases, dates, customer lists and their errors, output formats.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(p)
}

fn run(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_divtrace")).args(args).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{args:?}\nstdout:\n{out}\nstderr:\n{err}");
    out
}

fn case_of(dir: &Path, bundle: &str) -> String {
    let case = dir.join("case.db");
    ok(&["ingest", fixture(bundle).to_str().unwrap(), "--case", case.to_str().unwrap(), "--quiet"]);
    case.to_str().unwrap().to_string()
}

fn codes(rep: &Value, entity: &str) -> Vec<String> {
    let a =
        rep["assessments"].as_array().unwrap().iter().find(|a| a["entity"] == entity).unwrap_or_else(|| panic!("{entity} not assessed"));
    a["factors"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
}

fn factor<'a>(rep: &'a Value, entity: &str, code: &str) -> &'a Value {
    let a = rep["assessments"].as_array().unwrap().iter().find(|a| a["entity"] == entity).unwrap();
    a["factors"].as_array().unwrap().iter().find(|f| f["code"] == code).unwrap_or_else(|| panic!("{entity}: no {code} in {a}"))
}

#[test]
fn ofac_fifty_percent_rule_cases() {
    let dir = tempfile::tempdir().unwrap();
    let case = case_of(dir.path(), "assess/fifty");
    let rep: Value = serde_json::from_str(&ok(&["assess", "--case", &case, "--all", "--format", "json"])).unwrap();

    // Two listed parties with 30% each of a holding that owns 100% of a trader.
    assert!(codes(&rep, "H1").contains(&"OFAC_50_BLOCKED".to_string()));
    let f = factor(&rep, "T1", "OFAC_50_BLOCKED");
    let d = f["detail"].as_str().unwrap();
    assert!(d.contains("100% by Twin Holding Ltd") && d.contains("30% by Listed Owner One"), "{d}");
    let ev: Vec<&str> = f["evidence"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    assert!(ev.contains(&"H1") && ev.contains(&"L1") && ev.contains(&"L2") && ev.contains(&"S1"), "{ev:?}");
    assert!(ev.iter().any(|e| e.starts_with("relations.csv:")) && ev.iter().any(|e| e.starts_with("lists.csv:")), "{ev:?}");

    // 60% of a holding that owns 40%, plus 15% directly: 55%, blocked (not 0.6 x 40 + 15 = 39%).
    let d = factor(&rep, "T2", "OFAC_50_BLOCKED")["detail"].as_str().unwrap().to_string();
    assert!(
        d.contains("55% = 40% by Sixty Holding Ltd (blocked: 60% = 60% by Listed Owner Three") && d.contains("+ 15% by Listed Owner Four"),
        "{d}"
    );

    // 49% in aggregate is not blocked, but it is a weaker factor.
    let c = codes(&rep, "T3");
    assert!(!c.contains(&"OFAC_50_BLOCKED".to_string()), "{c:?}");
    assert!(factor(&rep, "T3", "LISTED_MINORITY_OWNER")["detail"].as_str().unwrap().contains("49%"));

    // A cycle of cross-holdings terminates, and 40% does not block anyone in it.
    for e in ["C1", "C2", "C3"] {
        assert!(!codes(&rep, e).contains(&"OFAC_50_BLOCKED".to_string()), "{e}");
    }

    // Dates: a stake that ended before the trade does not block; one that began between two trades blocks the later.
    assert!(!codes(&rep, "T6").contains(&"OFAC_50_BLOCKED".to_string()));
    let d = factor(&rep, "T7", "OFAC_50_BLOCKED")["detail"].as_str().unwrap().to_string();
    assert!(d.contains("at its trade of 2023-02-01"), "{d}");

    // EU/UK: more than 50% or control freezes; exactly 50% does not; an SDN director is a weaker factor.
    assert!(!codes(&rep, "T8").contains(&"EU_UK_OWNED_OR_CONTROLLED".to_string()));
    assert!(codes(&rep, "T9").contains(&"EU_UK_OWNED_OR_CONTROLLED".to_string()));
    assert!(codes(&rep, "T10").contains(&"EU_UK_OWNED_OR_CONTROLLED".to_string()));
    let c = codes(&rep, "T11");
    assert!(c.contains(&"LISTED_DIRECTOR".to_string()) && !c.contains(&"OFAC_50_BLOCKED".to_string()), "{c:?}");
    // Shared links with listed or blocked parties (H1 is blocked by the rule, L2 is listed).
    assert!(factor(&rep, "T12", "SHARED_ADDRESS_WITH_LISTED")["detail"].as_str().unwrap().contains("Twin Holding Ltd"));
    assert!(factor(&rep, "T13", "SHARED_IDENTIFIER_WITH_LISTED")["detail"].as_str().unwrap().contains("inn:7701000001"));
    let d = factor(&rep, "T14", "SHARED_DIRECTOR_WITH_LISTED")["detail"].as_str().unwrap().to_string();
    assert!(d.contains("Common Director also directs Twin Holding Ltd"), "{d}");
    assert!(!codes(&rep, "T3").iter().any(|c| c.starts_with("SHARED_")));

    // The buyer traded with blocked parties only from when they were blocked.
    let f = factor(&rep, "B1", "TRADES_WITH_LISTED");
    let ev: Vec<&str> = f["evidence"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    assert!(ev.contains(&"S1") && ev.contains(&"S2") && ev.contains(&"S7") && !ev.contains(&"S6") && !ev.contains(&"S5"), "{ev:?}");

    // Listed parties themselves score 100 (sdn) and come first; ties broken by id.
    let first = &rep["assessments"][0];
    assert_eq!(first["score"], 100);
    assert_eq!(first["band"], "severe");
    assert_eq!(first["entity"], "L1");
    // Factors are sorted by weight, then code.
    for a in rep["assessments"].as_array().unwrap() {
        let w: Vec<u64> = a["factors"].as_array().unwrap().iter().map(|f| f["weight"].as_u64().unwrap()).collect();
        assert!(w.windows(2).all(|p| p[0] >= p[1]), "{a}");
    }
    // Deterministic bytes.
    assert_eq!(
        ok(&["assess", "--case", &case, "--all", "--format", "json"]),
        ok(&["assess", "--case", &case, "--all", "--format", "json"])
    );
}

#[test]
fn weights_file_overrides_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let case = case_of(dir.path(), "assess/fifty");
    let w = dir.path().join("w.toml");
    std::fs::write(&w, "[ownership]\nofac_50_blocked = 42\n").unwrap();
    let rep: Value =
        serde_json::from_str(&ok(&["assess", "--case", &case, "T2", "--weights", w.to_str().unwrap(), "--format", "json"])).unwrap();
    assert_eq!(factor(&rep, "T2", "OFAC_50_BLOCKED")["weight"], 42);
    std::fs::write(&w, "[ownership]\nofac_50_blockd = 42\n").unwrap();
    let (code, _, err) = run(&["assess", "--case", &case, "T2", "--weights", w.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("w.toml") && err.contains("ofac_50_blockd"), "{err}");
}

#[test]
fn customer_list_in_rated_list_out() {
    let dir = tempfile::tempdir().unwrap();
    let case = case_of(dir.path(), "bundles/small");
    let input = fixture("assess/customers/customers.csv");
    let rep: Value =
        serde_json::from_str(&ok(&["assess", "--case", &case, "--input", input.to_str().unwrap(), "--format", "json"])).unwrap();
    let ents: Vec<&str> = rep["assessments"].as_array().unwrap().iter().map(|a| a["entity"].as_str().unwrap()).collect();
    assert_eq!(ents.len(), 3, "{rep}");
    for e in ["TR1", "RU2", "AE1"] {
        assert!(ents.contains(&e), "{e} in {ents:?}");
    }
    let nf = rep["not_found"].as_array().unwrap();
    assert_eq!(nf.len(), 1);
    assert_eq!(nf[0]["line"], 4);
    assert_eq!(nf[0]["input"], "Nobody Trading GmbH");
    // RU2 is on the Entity List and a military end user.
    assert!(codes(&rep, "RU2").contains(&"LISTED".to_string()));
    // TR1 forwards the US chips on the route and is in Turkey.
    let c = codes(&rep, "TR1");
    assert!(c.contains(&"ROUTE_US_TO_RU_BY".to_string()) && c.contains(&"TRANSSHIPMENT_COUNTRY".to_string()), "{c:?}");

    // The CSV of a customer list keeps its columns (customer, notes), one row per input row.
    let csv_out = ok(&["assess", "--case", &case, "--input", input.to_str().unwrap(), "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv_out.as_bytes());
    assert_eq!(r.headers().unwrap().iter().take(4).collect::<Vec<_>>(), ["customer", "notes", "line", "status"]);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 6, "{csv_out}");
    assert!(rows.iter().any(|x| &x[3] == "not_found" && &x[0] == "Nobody Trading GmbH" && &x[2] == "4"), "{csv_out}");
    assert!(rows.iter().any(|x| &x[3] == "empty" && &x[2] == "3"), "{csv_out}");
    let table = ok(&["assess", "--case", &case, "--input", input.to_str().unwrap()]);
    assert!(table.contains("line 4: 'Nobody Trading GmbH': not found"), "{table}");
}

#[test]
fn customer_list_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let case = case_of(dir.path(), "bundles/small");
    for (file, want) in [
        ("wrong-column.csv", "no column of customers"),
        ("empty.csv", "empty file"),
        ("broken.csv", "broken.csv, line 3, column 'name': not valid UTF-8"),
        ("does-not-exist.csv", "does-not-exist.csv"),
    ] {
        let p = fixture("assess/customers").join(file);
        let (code, out, err) = run(&["assess", "--case", &case, "--input", p.to_str().unwrap()]);
        assert_ne!(code, 0, "{file}: {out}");
        assert!(err.contains(want), "{file}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let p = fixture("assess/customers/wrong-column.csv");
    let out = ok(&["assess", "--case", &case, "--input", p.to_str().unwrap(), "--column", "company_name", "--format", "json"]);
    assert!(out.contains("\"not_found\""), "{out}");
    let (code, _, err) = run(&["assess", "--case", &case, "NO-SUCH-ID"]);
    assert_eq!(code, 2);
    assert!(err.contains("NO-SUCH-ID"), "{err}");
    let (code, _, err) = run(&["assess", "--case", &case]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn hubs_rank_intermediaries_and_countries() {
    let dir = tempfile::tempdir().unwrap();
    let case = case_of(dir.path(), "bundles/small");
    let rep: Value =
        serde_json::from_str(&ok(&["hubs", "--case", &case, "--from", "country:US", "--to", "country:RU", "--format", "json"])).unwrap();
    assert!(rep["total_routes"].as_u64().unwrap() >= 1, "{rep}");
    let hubs: Vec<&str> = rep["hubs"].as_array().unwrap().iter().map(|h| h["entity"].as_str().unwrap()).collect();
    // The route US1 -> DE1 -> TR1 -> AE1 -> RU1 (and on to RU2): intermediaries DE1, TR1, AE1 (and RU1 towards RU2).
    for e in ["DE1", "TR1", "AE1"] {
        assert!(hubs.contains(&e), "{e} in {hubs:?}");
    }
    let countries: Vec<&str> = rep["countries"].as_array().unwrap().iter().map(|c| c["country"].as_str().unwrap()).collect();
    assert!(countries.contains(&"TR"), "{countries:?}");
    let table = ok(&["hubs", "--case", &case, "--from", "country:US", "--to", "country:RU"]);
    assert!(table.contains("Türkiye") || table.contains("TR"), "{table}");
    let csv_out = ok(&["hubs", "--case", &case, "--from", "country:US", "--to", "country:RU", "--format", "csv"]);
    assert!(csv_out.starts_with("kind,rank,entity"), "{csv_out}");
    let (code, _, err) = run(&["hubs", "--case", &case, "--from", "planet:mars", "--to", "country:RU"]);
    assert_eq!(code, 2);
    assert!(err.contains("--from"), "{err}");
}

#[test]
fn a_busy_distributor_on_one_route_weighs_less_than_the_shell_it_sold_to() {
    // Issue 10: a hub with thousands of legitimate sales is on a route as soon as one customer diverts.
    let dir = tempfile::tempdir().unwrap();
    let case = case_of(dir.path(), "assess/hubs");
    let rep: Value = serde_json::from_str(&ok(&["assess", "--case", &case, "--all", "--format", "json"])).unwrap();
    let hub = factor(&rep, "HUB", "ROUTE_US_TO_RU_BY");
    let detail = hub["detail"].as_str().unwrap();
    assert_eq!(hub["weight"], 12, "{detail}");
    assert!(detail.contains("3.3% of its CHPL exports since 2022-02-24, under 10%: weight 33% of 35"), "{detail}");
    let shell = factor(&rep, "SHL", "ROUTE_US_TO_RU_BY");
    assert_eq!(shell["weight"], 35, "{shell}");
    assert!(shell["detail"].as_str().unwrap().contains("100.0% of its CHPL exports"), "{shell}");
    // Mirror trade is the same goods going on: the forwarder's are, the Chinese distributor's Taiwanese chips are not.
    assert_eq!(factor(&rep, "FWD", "MIRROR_TRADE")["weight"], 25);
    let cnx = codes(&rep, "CNX");
    assert!(!cnx.contains(&"MIRROR_TRADE".to_string()) && cnx.contains(&"RU_BY_CHPL_EXPORT_SHARE".to_string()), "{cnx:?}");
    // A weights file can restore the constant weight.
    let w = dir.path().join("w.toml");
    std::fs::write(&w, "[route]\nshare_full = 0\n").unwrap();
    let rep: Value =
        serde_json::from_str(&ok(&["assess", "--case", &case, "--all", "--format", "json", "--weights", w.to_str().unwrap()])).unwrap();
    assert_eq!(factor(&rep, "HUB", "ROUTE_US_TO_RU_BY")["weight"], 35);
}
