//! On a `divtrace synth` case, `assess --all` must separate the planted
//! schemes' intermediaries from every other company outside Russia and
//! Belarus (decoys included) with ROC AUC at least 0.95, scored from truth.json.
//! The case is resolved first; ids of one company (truth clusters) share its label.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn ok(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_divtrace")).args(args).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// Area under the ROC curve: the chance a random positive outscores a random negative, ties counting half.
fn auc(pos: &[u32], neg: &[u32]) -> f64 {
    let mut sum = 0.0;
    for &p in pos {
        for &n in neg {
            sum += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    sum / (pos.len() * neg.len()) as f64
}

fn scored_case(dir: &Path, seed: &str, shipments: &str) -> f64 {
    let bundle = dir.join(format!("b{seed}"));
    let case = dir.join(format!("c{seed}.db"));
    ok(&["synth", "--shipments", shipments, "--seed", seed, "--out", bundle.to_str().unwrap()]);
    ok(&["ingest", bundle.to_str().unwrap(), "--case", case.to_str().unwrap(), "--quiet"]);
    // Assessment runs over resolved entities, as an investigator would run it.
    ok(&["resolve", "--case", case.to_str().unwrap(), "--format", "json"]);
    let rep: Value = serde_json::from_str(&ok(&["assess", "--case", case.to_str().unwrap(), "--all", "--format", "json"])).unwrap();
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(bundle.join("truth.json")).unwrap()).unwrap();

    // Every id's score: its resolved entity's (members share it).
    let mut score: HashMap<String, u32> = HashMap::new();
    for a in rep["assessments"].as_array().unwrap() {
        let s = a["score"].as_u64().unwrap() as u32;
        score.insert(a["entity"].as_str().unwrap().to_string(), s);
        for m in a["members"].as_array().into_iter().flatten() {
            score.insert(m.as_str().unwrap().to_string(), s);
        }
    }
    // Ids of one company (truth clusters) share its label: a duplicate id of an intermediary is the intermediary.
    let mut company: HashMap<String, String> = HashMap::new();
    for c in truth["clusters"].as_array().unwrap() {
        let ids: Vec<&str> = c.as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
        for id in &ids {
            company.insert(id.to_string(), ids[0].to_string());
        }
    }
    let canon = |id: &str| company.get(id).cloned().unwrap_or_else(|| id.to_string());
    let positives: HashSet<String> = truth["schemes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["intermediaries"].as_array().unwrap().iter())
        .map(|x| canon(x.as_str().unwrap()))
        .collect();
    let decoys: HashSet<String> = truth["decoys"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["entities"].as_array().unwrap().iter())
        .map(|x| canon(x.as_str().unwrap()))
        .collect();

    let mut rdr = csv::Reader::from_path(bundle.join("entities.csv")).unwrap();
    let head = rdr.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let (id_col, cc_col) = (col("id"), col("country"));
    let (mut pos, mut neg) = (Vec::new(), Vec::new());
    let mut decoy_negatives = 0;
    for r in rdr.records() {
        let r = r.unwrap();
        let id = &r[id_col];
        let s = *score.get(id).unwrap_or_else(|| panic!("{id} was not assessed"));
        if positives.contains(&canon(id)) {
            pos.push(s);
        } else if !matches!(&r[cc_col], "RU" | "BY") {
            if decoys.contains(&canon(id)) {
                decoy_negatives += 1;
            }
            neg.push(s);
        }
    }
    assert!(pos.len() >= 3 && decoy_negatives >= 9, "positives {} decoy negatives {decoy_negatives}", pos.len());
    auc(&pos, &neg)
}

#[test]
fn scheme_intermediaries_separate_from_other_companies() {
    let dir = tempfile::tempdir().unwrap();
    for seed in ["3", "11"] {
        let a = scored_case(dir.path(), seed, "40000");
        eprintln!("seed {seed}: ROC AUC {a:.4}");
        assert!(a >= 0.95, "seed {seed}: ROC AUC {a:.4} < 0.95");
    }
}

#[test]
fn auc_counts_ties_half() {
    assert_eq!(auc(&[2], &[1]), 1.0);
    assert_eq!(auc(&[1], &[1]), 0.5);
    assert_eq!(auc(&[1, 3], &[2]), 0.5);
}
