//! End use in `divtrace assess`: a Russian/Belarusian party at the end of a
//! route of US-origin controlled goods is at least high, a military end user
//! receiving them is severe, a military end-user list is its own factor, and a
//! party that only receives food or medicine is not rated high for it.
//!
//! The route oracle is `divtrace routes` itself (the same query as the
//! assessment's exposure search, every route), so the check reads only the
//! two commands' JSON and the bundle's shipments.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use common::{divtrace, fixture, root};
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let o = divtrace(args).ok();
    serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", o.stdout))
}

fn ingest(bundle: &Path, case: &Path) {
    divtrace(["ingest", bundle.to_str().unwrap(), "--case", case.to_str().unwrap(), "--quiet"]).ok();
}

fn assessment<'a>(rep: &'a Value, entity: &str) -> &'a Value {
    rep["assessments"].as_array().unwrap().iter().find(|a| a["entity"] == entity).unwrap_or_else(|| panic!("{entity} not assessed"))
}

fn codes(rep: &Value, entity: &str) -> Vec<String> {
    assessment(rep, entity)["factors"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
}

const RECIPIENT: [&str; 2] = ["RU_BY_RECIPIENT", "MILITARY_END_USER_RECIPIENT"];
/// Factors read from the goods a party trades (all of them about controlled goods).
const GOODS_FACTORS: [&str; 7] = [
    "RU_BY_RECIPIENT",
    "MILITARY_END_USER_RECIPIENT",
    "ROUTE_US_TO_RU_BY",
    "MIRROR_TRADE",
    "RU_BY_CHPL_EXPORT_SHARE",
    "RU_BY_CHPL_JUMP",
    "RECENTLY_INCORPORATED",
];
/// Route reasons that make a route no evidence that the same goods moved on (docs/assessment.md).
const CONTRADICTED: [&str; 4] = ["BRAND_DIFFERS", "VALUE_INCONSISTENT", "QUANTITY_EXCEEDS", "UNIT_PRICE_INCONSISTENT"];

/// HS chapters of food (1-24) and medicine (30).
fn food_or_medicine(hs: &str) -> bool {
    let digits: String = hs.chars().filter(char::is_ascii_digit).collect();
    matches!(digits.get(..2).and_then(|c| c.parse::<u32>().ok()), Some(1..=24 | 30))
}

/// What a check of one case found.
#[derive(Debug, Default)]
struct EndUseCheck {
    /// RU/BY ends of consistent routes of US-origin CHPL goods.
    ends: usize,
    ends_high_or_severe: usize,
    ends_severe: usize,
    /// Ends reached only by routes whose declarations contradict each other (not required to be high).
    #[allow(dead_code)] // printed with the figures (Debug)
    contradicted_only_ends: usize,
    /// Parties that receive only food or medicine, and of those the high or severe (for what they ship or who they are).
    food_only_parties: usize,
    food_only_high: usize,
    /// Parties whose whole trade (in and out) is food or medicine, and of those the high or severe (by lists only).
    food_only_traders: usize,
    food_only_traders_high: usize,
    violations: Vec<String>,
}

/// Runs the routes query of the exposure search and `assess --all` on `case`
/// and checks every end and every food-or-medicine-only recipient.
fn check_case(case: &Path, shipments_csv: &Path) -> EndUseCheck {
    let c = case.to_str().unwrap();
    let routes = json(&[
        "routes",
        "--case",
        c,
        "--from",
        "origin:US",
        "--from",
        "country:US",
        "--to",
        "country:RU",
        "--to",
        "country:BY",
        "--chpl",
        "--since",
        "2022-02-24",
        "--all",
        "--format",
        "json",
    ]);
    let rep = json(&["assess", "--case", c, "--all", "--format", "json"]);
    let mut ends: HashSet<String> = HashSet::new();
    let mut contradicted: HashSet<String> = HashSet::new();
    for r in routes["routes"].as_array().unwrap() {
        let last = r["hops"].as_array().unwrap().last().unwrap();
        let end = last["consignee"].as_str().unwrap().to_string();
        let bad = r["reasons"].as_array().unwrap().iter().any(|x| CONTRADICTED.contains(&x["code"].as_str().unwrap()));
        if bad {
            contradicted.insert(end);
        } else {
            ends.insert(end);
        }
    }
    let mut out = EndUseCheck { ends: ends.len(), contradicted_only_ends: contradicted.difference(&ends).count(), ..Default::default() };
    for e in &ends {
        let a = assessment(&rep, e);
        match a["band"].as_str().unwrap() {
            "severe" => {
                out.ends_high_or_severe += 1;
                out.ends_severe += 1;
            }
            "high" => out.ends_high_or_severe += 1,
            b => out.violations.push(format!("end user {e} is {b}: {a}")),
        }
    }

    // Per party id: (receives food/medicine, receives other goods, ships anything but food/medicine).
    let mut trade: HashMap<String, (bool, bool, bool)> = HashMap::new();
    let mut rdr = csv::Reader::from_path(shipments_csv).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (shipper, cons, hs) = (col("shipper"), col("consignee"), col("hs_code"));
    for r in rdr.records() {
        let r = r.unwrap();
        let food = food_or_medicine(&r[hs]);
        let e = trade.entry(r[cons].to_string()).or_default();
        if food {
            e.0 = true;
        } else {
            e.1 = true;
        }
        if !food {
            trade.entry(r[shipper].to_string()).or_default().2 = true;
        }
    }
    for a in rep["assessments"].as_array().unwrap() {
        let mut ids = vec![a["entity"].as_str().unwrap().to_string()];
        ids.extend(a["members"].as_array().into_iter().flatten().map(|m| m.as_str().unwrap().to_string()));
        let t: Vec<(bool, bool, bool)> = ids.iter().filter_map(|i| trade.get(i.rsplit(':').next().unwrap()).copied()).collect();
        // Only food or medicine received (it may ship other goods: then it is rated for those).
        if t.is_empty() || !t.iter().any(|x| x.0) || t.iter().any(|x| x.1) {
            continue;
        }
        out.food_only_parties += 1;
        let factors: Vec<(&str, u64)> =
            a["factors"].as_array().unwrap().iter().map(|f| (f["code"].as_str().unwrap(), f["weight"].as_u64().unwrap())).collect();
        if factors.iter().any(|f| RECIPIENT.contains(&f.0)) {
            out.violations.push(format!("{} only receives food/medicine but has a recipient factor: {a}", ids[0]));
        }
        let high = matches!(a["band"].as_str().unwrap(), "high" | "severe");
        out.food_only_high += usize::from(high);
        // A party whose whole trade is food or medicine: no factor about controlled goods at all.
        if !t.iter().any(|x| x.2) {
            out.food_only_traders += 1;
            if let Some(f) = factors.iter().find(|f| GOODS_FACTORS.contains(&f.0)) {
                out.violations.push(format!("{} only trades food/medicine but has {}: {a}", ids[0], f.0));
            }
            out.food_only_traders_high += usize::from(high);
        }
    }
    out
}

#[test]
fn military_end_user_and_ru_recipients_on_the_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.db");
    ingest(&fixture("assess/end-use"), &case);
    let c = case.to_str().unwrap();
    let rep = json(&["assess", "--case", c, "--all", "--format", "json"]);

    // OOO Military Buyer (role military_end_user) receives US tier-1 processors through the Turkish trader: severe.
    let a = assessment(&rep, "RU1");
    assert_eq!(a["band"], "severe", "{a}");
    let f = a["factors"].as_array().unwrap().iter().find(|f| f["code"] == "MILITARY_END_USER_RECIPIENT").unwrap();
    assert_eq!(f["weight"], 80);
    let d = f["detail"].as_str().unwrap();
    assert!(d.contains("role military_end_user") && d.contains("1 shipment(s) worth 45000 USD"), "{d}");
    let ev: Vec<&str> = f["evidence"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    assert_eq!(ev, ["S2", "S1"], "the shipment received and the US export the route starts with");
    assert!(!codes(&rep, "RU1").contains(&"RU_BY_RECIPIENT".to_string()), "the military factor replaces the civil one");

    // A civil Russian importer of the same goods: high, not severe.
    let a = assessment(&rep, "RU2");
    assert_eq!(a["band"], "high", "{a}");
    assert_eq!(codes(&rep, "RU2"), ["RU_BY_RECIPIENT"]);

    // Coffee and medicaments of US origin along the same path: no recipient factor, low.
    let a = assessment(&rep, "RU3");
    assert_eq!(a["band"], "low", "{a}");
    assert!(a["factors"].as_array().unwrap().is_empty(), "{a}");

    // On the MEU list: its own factor (not LISTED as "any other list"), and severe as a recipient.
    let c4 = codes(&rep, "RU4");
    assert!(c4.contains(&"MILITARY_END_USER_DESIGNATED".to_string()) && c4.contains(&"MILITARY_END_USER_RECIPIENT".to_string()), "{c4:?}");
    assert!(!c4.contains(&"LISTED".to_string()), "{c4:?}");
    let d = assessment(&rep, "RU4")["factors"][0]["detail"].as_str().unwrap().to_string();
    assert!(d.contains("on the military end-user list `meu`"), "{d}");
    assert_eq!(assessment(&rep, "RU4")["band"], "severe");

    // Entity List with footnote 3 and nothing received: listed and designated.
    let a = assessment(&rep, "RU5");
    let c5 = codes(&rep, "RU5");
    assert!(c5.contains(&"LISTED".to_string()) && c5.contains(&"MILITARY_END_USER_DESIGNATED".to_string()), "{c5:?}");
    assert!(a.to_string().contains("footnote 3"), "{a}");
    assert!(!c5.iter().any(|c| RECIPIENT.contains(&c.as_str())), "{c5:?}");

    // The trader trades with military end users by role and by designation.
    let t = assessment(&rep, "TR1");
    let f = t["factors"].as_array().unwrap().iter().find(|f| f["code"] == "TRADES_WITH_MILITARY_END_USER").unwrap();
    let d = f["detail"].as_str().unwrap();
    assert!(d.contains("OOO Military Buyer") && d.contains("AO Listed Radar Works"), "{d}");

    // A weights file can switch the factors off or move them.
    let wf = dir.path().join("w.toml");
    std::fs::write(&wf, "[end_use]\nru_by_recipient = 0\nmeu_lists = []\n").unwrap();
    let rep = json(&["assess", "--case", c, "--all", "--format", "json", "--weights", wf.to_str().unwrap()]);
    assert!(codes(&rep, "RU2").is_empty());
    let c4 = codes(&rep, "RU4");
    assert!(c4.contains(&"LISTED".to_string()) && !c4.contains(&"MILITARY_END_USER_DESIGNATED".to_string()), "{c4:?}");

    let check = check_case(&case, &fixture("assess/end-use/shipments.csv"));
    assert!(check.violations.is_empty(), "{:#?}", check.violations);
    assert_eq!((check.ends, check.ends_severe, check.food_only_parties), (3, 2, 1), "{check:?}");
}

#[test]
fn end_users_of_the_bundled_cases() {
    for (bundle, resolve) in [(root().join("graphs/turkish-chips"), true), (fixture("bundles/small"), false)] {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("case.db");
        ingest(&bundle, &case);
        if resolve {
            divtrace(["resolve", "--case", case.to_str().unwrap(), "--format", "json"]).ok();
        }
        let check = check_case(&case, &bundle.join("shipments.csv"));
        assert!(check.violations.is_empty(), "{}: {:#?}", bundle.display(), check.violations);
        assert!(check.ends >= 1 && check.ends_severe >= 1, "{}: {check:?}", bundle.display());
    }
}

/// A synth case (20,000 shipments here; set `DIVTRACE_END_USE_SHIPMENTS` to
/// measure a larger one, e.g. 200000, with `--nocapture` for the figures).
#[test]
fn end_users_of_a_synth_case() {
    let n = std::env::var("DIVTRACE_END_USE_SHIPMENTS").unwrap_or_else(|_| "20000".into());
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("b");
    let case = dir.path().join("case.db");
    divtrace(["synth", "--shipments", &n, "--seed", "5", "--out", bundle.to_str().unwrap()]).ok();
    ingest(&bundle, &case);
    divtrace(["resolve", "--case", case.to_str().unwrap(), "--format", "json"]).ok();
    let check = check_case(&case, &bundle.join("shipments.csv"));
    eprintln!("synth {n} shipments, seed 5: {check:?}");
    assert!(check.violations.is_empty(), "{:#?}", check.violations);
    assert!(check.ends >= 1 && check.food_only_parties >= 1, "{check:?}");
}
