//! The FollowTheMoney export read by the real followthemoney library
//! (pinned in tests/requirements.txt, installed into .venv by .ci/setup):
//! `ftm validate` changes nothing, `ftm export-cypher` and
//! `ftm export-neo4j-bulk` consume it, and divtrace reads it back without
//! loss. Also: divtrace reads what OpenSanctions publishes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

/// The venv's `ftm` command (beside its python), else `ftm` on the PATH.
fn ftm() -> PathBuf {
    let beside = python().with_file_name("ftm");
    if beside.exists() {
        beside
    } else {
        PathBuf::from("ftm")
    }
}

fn run_ftm(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(ftm()).args(args).output().unwrap_or_else(|e| {
        panic!("the followthemoney `ftm` command is needed by this test ({e}); `bash .ci/setup` installs it into .venv")
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ftm {args:?} failed:\n{stderr}");
    String::from_utf8(out.stdout).unwrap()
}

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap().lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn export(case: &Path, out: &Path, extra: &[&str]) {
    let mut args: Vec<std::ffi::OsString> = vec!["export".into(), "--case".into(), case.into(), "--out".into(), out.into()];
    args.extend(["--format", "ftm"].iter().map(Into::into));
    args.extend(extra.iter().map(Into::into));
    divtrace(args).ok();
}

/// Runs `ftm validate` over `file` and asserts that every entity comes out
/// exactly as it went in: same id, schema, and the same values in the same
/// order for every property. Returns the number of entities.
fn assert_validate_changes_nothing(file: &Path) -> usize {
    let cleaned = file.with_extension("validated.jsonl");
    run_ftm(&["validate".as_ref(), "-i".as_ref(), file.as_os_str(), "-o".as_ref(), cleaned.as_os_str()]);
    let (a, b) = (jsonl(file), jsonl(&cleaned));
    assert_eq!(a.len(), b.len(), "ftm validate dropped entities");
    let mut problems = Vec::new();
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((&x["id"], &x["schema"]), (&y["id"], &y["schema"]));
        let (px, py) = (x["properties"].as_object().unwrap(), y["properties"].as_object().unwrap());
        for k in px.keys().chain(py.keys()) {
            if px.get(k) != py.get(k) {
                problems.push(format!("{} {} {k}: {:?} -> {:?}", x["schema"], x["id"], px.get(k), py.get(k)));
            }
        }
    }
    assert!(problems.is_empty(), "ftm validate changed {} values:\n{}", problems.len(), problems.join("\n"));
    a.len()
}

fn schemas(v: &[Value]) -> std::collections::BTreeMap<String, usize> {
    let mut m = std::collections::BTreeMap::new();
    for e in v {
        *m.entry(e["schema"].as_str().unwrap().to_string()).or_insert(0) += 1;
    }
    m
}

fn ingest_graph(dir: &Path, rel: &str) -> PathBuf {
    let case = dir.join("case.db");
    divtrace(["ingest".as_ref(), root().join(rel).as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    case
}

#[test]
fn ftm_validate_changes_nothing_in_the_bundled_case() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_graph(tmp.path(), "graphs/turkish-chips");
    let f = tmp.path().join("routes.jsonl");
    export(&case, &f, &["--from", "country:US", "--from", "origin:US", "--to", "country:RU", "--all"]);
    let n = assert_validate_changes_nothing(&f);
    let ents = jsonl(&f);
    let s = schemas(&ents);
    assert!(n > 50, "{s:?}");
    for schema in ["Company", "EconomicActivity", "Sanction", "Identification"] {
        assert!(s.contains_key(schema), "no {schema} in {s:?}");
    }
    // Provenance is text, never a fake URL; the facts FtM lacks are in description.
    let ship = ents.iter().find(|e| e["id"] == "S00000051").expect("S00000051 is on a route");
    assert!(ship["properties"]["recordId"][0].as_str().unwrap().ends_with("graphs/turkish-chips/shipments.csv:52"), "{ship}");
    assert_eq!(
        ship["properties"]["description"],
        serde_json::json!(["quantity: 30000", "unit: PCS", "weight_kg: 31.41", "manufacturer: PEMBERTON COMPONENTS"])
    );
    assert!(ents.iter().all(|e| e["properties"].get("sourceUrl").is_none()));
}

#[test]
fn ftm_validate_changes_nothing_with_hostile_names() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/hostile");
    let f = tmp.path().join("around.jsonl");
    export(&case, &f, &["--entity", "TR1", "--depth", "3"]);
    assert!(assert_validate_changes_nothing(&f) > 5);
    // Names FtM would clean are kept as written in notes, and read back as written.
    let case2 = tmp.path().join("back.db");
    divtrace(["ingest".as_ref(), "--format".as_ref(), "ftm".as_ref(), f.as_os_str(), "--case".as_ref(), case2.as_os_str(), "-q".as_ref()])
        .ok();
    let f2 = tmp.path().join("back.jsonl");
    export(&case2, &f2, &["--entity", "TR1", "--depth", "3"]);
    assert_eq!(without_record_lines(&jsonl(&f)), without_record_lines(&jsonl(&f2)));
}

/// The export minus where each record sits in its input (which a re-import changes by design).
fn without_record_lines(v: &[Value]) -> Vec<Value> {
    let mut v = v.to_vec();
    for e in &mut v {
        let p = e["properties"].as_object_mut().unwrap();
        p.remove("recordId");
        if let Some(Value::Array(notes)) = p.get_mut("notes") {
            notes.retain(|n| !n.as_str().unwrap().starts_with("record: "));
            if notes.is_empty() {
                p.remove("notes");
            }
        }
    }
    v.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    v
}

#[test]
fn ftm_round_trip_keeps_every_field() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_graph(tmp.path(), "graphs/turkish-chips");
    let q = ["--from", "country:US", "--from", "origin:US", "--to", "country:RU", "--all"];
    let f = tmp.path().join("a.jsonl");
    export(&case, &f, &q);
    let case2 = tmp.path().join("b.db");
    divtrace(["ingest".as_ref(), "--format".as_ref(), "ftm".as_ref(), f.as_os_str(), "--case".as_ref(), case2.as_os_str(), "-q".as_ref()])
        .ok();
    let f2 = tmp.path().join("b.jsonl");
    export(&case2, &f2, &q);
    let (a, b) = (without_record_lines(&jsonl(&f)), without_record_lines(&jsonl(&f2)));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "entity changed on the way through FtM");
    }
}

#[test]
fn ftm_cypher_and_neo4j_bulk_consume_the_export() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_graph(tmp.path(), "graphs/turkish-chips");
    let f = tmp.path().join("routes.jsonl");
    export(&case, &f, &["--from", "country:US", "--to", "country:RU", "--all"]);
    let ents = jsonl(&f);
    let cypher = run_ftm(&["export-cypher".as_ref(), "-i".as_ref(), f.as_os_str()]);
    // Every party and declaration is a node; each declaration links to its sender and receiver.
    let ships = ents.iter().filter(|e| e["schema"] == "EconomicActivity").count();
    assert!(ships > 10);
    // Links (ownership, directorship, unknown link) are edges; everything else is a node.
    for e in ents.iter().filter(|e| !["Ownership", "Directorship", "UnknownLink"].contains(&e["schema"].as_str().unwrap())) {
        assert!(cypher.contains(&format!("{{ id: \"entity:{}\" }}", e["id"].as_str().unwrap())), "node {} missing", e["id"]);
    }
    assert_eq!(cypher.matches("-[:SENDER ").count(), ships, "{cypher}");
    assert_eq!(cypher.matches("-[:RECEIVER ").count(), ships);
    let dir = tmp.path().join("neo4j");
    run_ftm(&["export-neo4j-bulk".as_ref(), "-i".as_ref(), f.as_os_str(), "-o".as_ref(), dir.as_os_str()]);
    let script = std::fs::read_to_string(dir.join("neo4j_import.sh")).expect("neo4j_import.sh");
    assert!(script.contains("neo4j-admin import") && script.contains("EconomicActivity.csv"), "{script}");
    let links = std::fs::read_to_string(dir.join("_links.csv")).unwrap();
    assert_eq!(links.lines().filter(|l| l.starts_with("\"SENDER\"")).count(), ships);
    let companies = std::fs::read_to_string(dir.join("Company.csv")).unwrap();
    assert_eq!(companies.lines().count() - 1, ents.iter().filter(|e| e["schema"] == "Company").count());
}

#[test]
fn reads_what_opensanctions_publishes() {
    // fixtures/ftm/opensanctions.jsonl: written for divtrace in the shape of an
    // OpenSanctions export (datasets, referents, first_seen, last_seen, target).
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("os.db");
    let f = fixture("ftm/opensanctions.jsonl");
    divtrace(["ingest".as_ref(), "--format".as_ref(), "ftm".as_ref(), f.as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()])
        .ok();
    let db = rusqlite::Connection::open(&case).unwrap();
    let one = |sql: &str| -> String { db.query_row(sql, [], |r| r.get::<_, String>(0)).unwrap() };
    let company = "NK-4f3Wb8XQuM6mJxZpRc2Tq9";
    // A Sanction that names the company by a referent (its id before a merge) lands on it.
    assert_eq!(
        one("SELECT e.input_id || ' ' || l.list || ' ' || l.program || ' ' || l.listed_on FROM list_membership l JOIN entity e ON e.id = l.entity"),
        format!("{company} sdn RUSSIA-EO14024 2024-02-23")
    );
    // Identification and Passport entities become identifiers of their holder (the first by a referent id).
    let ids = |who: &str| {
        one(&format!(
            "SELECT group_concat(x, ' ') FROM (SELECT scheme || ':' || value AS x FROM entity_identifier i JOIN entity e ON e.id = i.entity \
             WHERE e.input_id = '{who}' ORDER BY x)"
        ))
    };
    assert_eq!(ids(company), "inn:7716929212 ogrn:1197746390313 trn:AE-TRN-100200300400003");
    assert_eq!(ids("NK-8uVr2Ka1XbPq7ZtLm3Hd5w"), "passport:720011223");
    // The source: the source link, else the datasets.
    assert_eq!(one(&format!("SELECT source FROM entity WHERE input_id = '{company}'")), "https://sanctions.example.org/entry/70001");
    assert_eq!(one("SELECT source FROM entity WHERE input_id = 'NK-8uVr2Ka1XbPq7ZtLm3Hd5w'"), "FtM dataset us_ofac_sdn");
    // The ownership names its owner by a referent id.
    assert_eq!(
        one("SELECT o.input_id || ' ' || r.share || ' ' || a.input_id FROM relation r JOIN entity o ON o.id = r.from_entity JOIN entity a ON a.id = r.to_entity WHERE r.kind = 'ownership'"),
        format!("NK-8uVr2Ka1XbPq7ZtLm3Hd5w 51.0 {company}")
    );
    // The fixture itself is valid FtM (the real library keeps it as is).
    assert!(
        assert_validate_changes_nothing(&{
            let copy = tmp.path().join("os.jsonl");
            std::fs::copy(&f, &copy).unwrap();
            copy
        }) >= 5
    );
}

/// A 200,000-shipment synthetic case, exported with every route (about
/// 2,000 entities; 21 s wall, 4 CPU s at load 16 on 2 cores).
#[test]
fn ftm_validate_changes_nothing_on_a_200k_synth_case() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("synth");
    divtrace(["synth", "--seed", "7", "--shipments", "200000", "--out", bundle.to_str().unwrap()]).ok();
    let case = tmp.path().join("case.db");
    divtrace(["ingest".as_ref(), bundle.as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    let f = tmp.path().join("routes.jsonl");
    export(&case, &f, &["--from", "country:US", "--from", "origin:US", "--to", "country:RU", "--all", "--max-nodes", "100000"]);
    let n = assert_validate_changes_nothing(&f);
    eprintln!("200k synth: {n} entities, {:?}", schemas(&jsonl(&f)));
    assert!(n > 1000);
}
