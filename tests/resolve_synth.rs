//! Resolution scored against `divtrace synth`'s truth file: pairwise
//! precision and recall of the planted duplicate-id clusters, and planted
//! scheme routes split across duplicate ids found again by `routes` after
//! `resolve`.

mod common;

use std::collections::BTreeSet;

use common::divtrace;
use serde_json::Value;

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

fn pairs(clusters: &[Vec<String>]) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for c in clusters {
        for (i, a) in c.iter().enumerate() {
            for b in &c[i + 1..] {
                out.insert((a.min(b).clone(), a.max(b).clone()));
            }
        }
    }
    out
}

fn score_seed(seed: &str) {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle");
    let case = dir.path().join("case.db");
    let (b, c) = (bundle.to_str().unwrap(), case.to_str().unwrap());
    divtrace(["synth", "--seed", seed, "--shipments", "30000", "--out", b]).ok();
    divtrace(["ingest", b, "--case", c, "-q"]).ok();
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(bundle.join("truth.json")).unwrap()).unwrap();
    let out = divtrace(["resolve", "--case", c, "--format", "json"]).ok();
    let res: Value = serde_json::from_str(&out.stdout).unwrap();

    let want = pairs(&truth["clusters"].as_array().unwrap().iter().map(strings).collect::<Vec<_>>());
    let got = pairs(&res["clusters"].as_array().unwrap().iter().map(|c| strings(&c["members"])).collect::<Vec<_>>());
    assert!(!want.is_empty(), "the truth file plants no duplicates");
    let tp = want.intersection(&got).count() as f64;
    let precision = tp / got.len() as f64;
    let recall = tp / want.len() as f64;
    let fp: Vec<_> = got.difference(&want).take(10).collect();
    let missed: Vec<_> = want.difference(&got).take(10).collect();
    assert!(precision >= 0.98, "seed {seed}: precision {precision:.3}; false merges {fp:?}");
    assert!(recall >= 0.95, "seed {seed}: recall {recall:.3}; missed {missed:?}");

    // Every planted route split by duplicate ids is found again once resolved.
    let r = divtrace([
        "routes",
        "--case",
        c,
        "--from",
        "country:US",
        "--from",
        "origin:US",
        "--to",
        "country:RU",
        "--max-hops",
        "5",
        "--all",
        "--format",
        "json",
    ])
    .ok();
    let routes: Value = serde_json::from_str(&r.stdout).unwrap();
    let found: BTreeSet<Vec<String>> = routes["routes"].as_array().unwrap().iter().map(|r| strings(&r["shipments"])).collect();
    let mut split = 0;
    for s in truth["schemes"].as_array().unwrap().iter().filter(|s| s["split_by_duplicates"] == true) {
        for route in s["routes"].as_array().unwrap().iter().map(strings).filter(|r| r.len() <= 5) {
            split += 1;
            assert!(found.contains(&route), "seed {seed}: split route of {} not found: {route:?}", s["id"]);
        }
    }
    eprintln!("seed {seed}: precision {precision:.3}, recall {recall:.3}, {split} split routes found");
}

#[test]
fn synth_duplicates_resolve_and_split_routes_reappear_seed_3() {
    score_seed("3");
}

#[test]
fn synth_duplicates_resolve_and_split_routes_reappear_seed_11() {
    score_seed("11");
}
