//! The independent evaluation (eval/, docs/resolution.md) at fixture size,
//! as regression floors: resolution on eval/namegen.py cases (which share no
//! code or word lists with `divtrace synth`), the false-merge rate on a case
//! without duplicates, and screening of real OFAC entries (fixtures/lists/ofac)
//! written as declarants write them, with unlisted names for false positives.
//! The floors sit a little under the measured figures so that a change that
//! makes resolution or screening worse fails here.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use common::{divtrace, python, root};
use serde_json::Value;

fn generate(args: &[&str], out: &Path) {
    let st = Command::new(python()).args(args).arg(out).current_dir(root()).status().expect("run python");
    assert!(st.success(), "{args:?}");
}

fn truth(path: &Path, key: &str) -> Vec<(String, String, String)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (i, k, c) = (col("id"), col(key), col("cls"));
    r.records().map(|x| x.unwrap()).map(|x| (x[i].to_string(), x[k].to_string(), x[c].to_string())).collect()
}

fn pairs<'a>(groups: impl Iterator<Item = &'a Vec<String>>) -> Pairs {
    let mut out = BTreeSet::new();
    for g in groups {
        for (i, a) in g.iter().enumerate() {
            for b in &g[i + 1..] {
                out.insert((a.min(b).clone(), a.max(b).clone()));
            }
        }
    }
    out
}

type Pairs = BTreeSet<(String, String)>;

/// Ingests and resolves a bundle; returns (true pairs, found pairs, class of each record).
fn resolve(bundle: &Path, case: &Path) -> (Pairs, Pairs, HashMap<String, String>) {
    let (b, c) = (bundle.to_str().unwrap(), case.to_str().unwrap());
    divtrace(["ingest", b, "--case", c, "-q"]).ok();
    let out = divtrace(["resolve", "--case", c, "--format", "json"]).ok();
    let res: Value = serde_json::from_str(&out.stdout).unwrap();
    let found: Vec<Vec<String>> = res["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect())
        .collect();
    let t = truth(&bundle.join("truth.csv"), "group");
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, g, _) in &t {
        groups.entry(g.clone()).or_default().push(id.clone());
    }
    let cls = t.into_iter().map(|(id, _, c)| (id, c)).collect();
    (pairs(groups.values()), pairs(found.iter()), cls)
}

#[test]
fn independent_variants_resolve_with_high_precision_and_recall() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("gen");
    generate(&["eval/namegen.py", "--entities", "4000", "--seed", "21", "--out"], &bundle);
    let (want, got, cls) = resolve(&bundle, &dir.path().join("gen.db"));
    let tp = want.intersection(&got).count();
    let (p, r) = (tp as f64 / got.len() as f64, tp as f64 / want.len() as f64);
    assert!(want.len() > 300, "{}", want.len());
    assert!(p >= 0.99 && r >= 0.96, "precision {p:.4} recall {r:.4} ({} true pairs, {} found)", want.len(), got.len());
    // Every duplicate class is found, not only the easy ones.
    let mut per: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (a, b) in &want {
        let c = if cls[a] == "base" { &cls[b] } else { &cls[a] };
        let e = per.entry(c.as_str()).or_default();
        e.0 += 1;
        e.1 += got.contains(&(a.clone(), b.clone())) as usize;
    }
    for (c, (n, hit)) in per {
        if n >= 20 {
            assert!(hit as f64 / n as f64 >= 0.9, "class {c}: {hit} of {n}");
        }
    }
}

#[test]
fn near_namesakes_without_duplicates_are_not_merged() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("nodup");
    generate(&["eval/namegen.py", "--entities", "12000", "--seed", "22", "--no-duplicates", "--out"], &bundle);
    let (want, got, _) = resolve(&bundle, &dir.path().join("nodup.db"));
    assert!(want.is_empty());
    // Target: at most one false merge per 10,000 entities.
    assert!(got.len() <= 1, "{} false merges: {:?}", got.len(), got.iter().take(5).collect::<Vec<_>>());
}

#[test]
fn ofac_entries_written_as_declarants_write_them_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("queries");
    generate(&["eval/ofac_eval.py", "queries"], &bundle);
    let case = dir.path().join("q.db");
    let (b, c) = (bundle.to_str().unwrap(), case.to_str().unwrap());
    divtrace(["ingest", b, "--case", c, "-q"]).ok();
    let f = |n: &str| root().join("fixtures/lists/ofac").join(n).to_str().unwrap().to_string();
    let out = divtrace([
        "screen",
        "--case",
        c,
        "--sdn",
        &f("sdn.csv"),
        "--sdn-add",
        &f("add.csv"),
        "--sdn-alt",
        &f("alt.csv"),
        "--format",
        "json",
    ])
    .ok();
    let res: Value = serde_json::from_str(&out.stdout).unwrap();
    let mut hits: HashMap<String, Vec<(f64, String)>> = HashMap::new();
    for m in res["matches"].as_array().unwrap() {
        assert!(!m["explanation"].as_str().unwrap().is_empty());
        let q = m["entity"].as_str().unwrap().to_string();
        hits.entry(q).or_default().push((m["score"].as_f64().unwrap(), m["entry"].as_str().unwrap().to_string()));
    }
    let (mut listed, mut top1, mut recall, mut unlisted, mut fp) = (0, 0, 0, 0, 0);
    for (q, entry, _) in truth(&bundle.join("truth.csv"), "entry") {
        let ms = hits.get(&q).cloned().unwrap_or_default();
        if entry.is_empty() {
            unlisted += 1;
            fp += !ms.is_empty() as usize;
            continue;
        }
        listed += 1;
        let best = ms.iter().map(|m| m.0).fold(f64::MIN, f64::max);
        top1 += ms.iter().any(|(s, e)| *e == entry && *s >= best - 1e-9) as usize;
        recall += ms.iter().any(|(_, e)| *e == entry) as usize;
    }
    let (t, r, f) = (top1 as f64 / listed as f64, recall as f64 / listed as f64, fp as f64 / unlisted as f64);
    assert!(listed > 1000 && unlisted > 1000);
    assert!(t >= 0.84 && r >= 0.84 && f <= 0.01, "top-1 {t:.4} recall {r:.4} false-positive rate {f:.4}");
}
