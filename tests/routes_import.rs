//! `divtrace routes --import-routes FILE`: routes written the way the Spark
//! job writes them (engines/spark/divtrace_routes.py) are ranked, grouped and
//! reported with the very bytes `divtrace routes` prints for the job's
//! query; a file that is not that, or whose routes are not routes of its
//! query on this case, is refused with exit 2 naming the file, the route and
//! the field. The files here are built from `divtrace routes --format json`,
//! so no Spark is needed (tests/spark_parity.rs imports the job's own files).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::{json, Value};

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

fn run(case: &Path, args: &[&str]) -> Output {
    let mut a: Vec<&std::ffi::OsStr> = vec![os("routes"), os("--case"), case.as_os_str()];
    a.extend(args.iter().map(|s| os(s)));
    divtrace(a)
}

/// The bundled case, ingested and resolved (its clusters have several members).
fn bundled(dir: &Path) -> PathBuf {
    let case = dir.join("bundled.db");
    let b = root().join("graphs/turkish-chips");
    divtrace([os("ingest"), b.as_os_str(), os("--case"), case.as_os_str(), os("-q")]).ok();
    divtrace([os("resolve"), os("--case"), case.as_os_str()]).ok();
    case
}

/// The two-batch mirror fixture: bundle ids are SCOPE:ID, and consignments are declared twice.
fn mirror(dir: &Path) -> PathBuf {
    let case = dir.join("mirror.db");
    for (bundle, map) in [("mirror/tr-exports", "tr-export-declarations.toml"), ("mirror/ru-imports", "ru-customs-declaration.toml")] {
        let (b, m) = (fixture(&format!("bundles/{bundle}")), fixture(&format!("mappings/{map}")));
        divtrace([os("ingest"), b.as_os_str(), os("--map"), m.as_os_str(), os("--case"), case.as_os_str(), os("-q")]).ok();
    }
    divtrace([os("resolve"), os("--case"), case.as_os_str()]).ok();
    case
}

/// The `case` identity the Parquet export of `case` carries (the job copies it into its file).
fn identity(case: &Path, dir: &Path) -> Value {
    let out = dir.join(format!("{}-pq", case.file_stem().unwrap().to_string_lossy()));
    divtrace([os("export"), os("--case"), case.as_os_str(), os("--format"), os("parquet"), os("--out"), out.as_os_str()]).ok();
    let m: Value = serde_json::from_str(&std::fs::read_to_string(out.join("_divtrace.json")).unwrap()).unwrap();
    m["case"].clone()
}

/// The routes file the job would write for `args` on `case`: every route's
/// shipments and entities, sorted as the job sorts them (not in rank order).
fn job_file(case: &Path, ident: &Value, args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--all", "--format", "json"]);
    let native: Value = serde_json::from_str(&run(case, &a).ok().stdout).unwrap();
    let mut routes: Vec<Value> =
        native["routes"].as_array().unwrap().iter().map(|r| json!({"shipments": r["shipments"], "entities": r["entities"]})).collect();
    routes.sort_by_key(|r| (r["shipments"].as_array().unwrap().len(), r["shipments"].to_string()));
    let mut job_args: Vec<&str> = args.to_vec();
    job_args.extend(["--out", "routes.json"]);
    json!({
        "format": "divtrace-routes",
        "version": 1,
        "engine": "spark",
        "case": ident,
        "query": {"args": job_args},
        "stats": {"total_routes": routes.len(), "pruned": true},
        "routes": routes,
    })
}

fn write(dir: &Path, name: &str, doc: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(doc).unwrap() + "\n").unwrap();
    p
}

const BUNDLED: [&str; 8] = ["--from", "country:US", "--from", "origin:US", "--to", "country:RU", "--max-hops", "4"];
const MIRROR: [&str; 6] = ["--from", "origin:US", "--to", "country:RU", "--max-hops", "3"];

/// Native and imported output, for each way of showing them.
fn assert_same_bytes(case: &Path, file: &Path, args: &[&str]) {
    let f = file.to_str().unwrap();
    let shows: [&[&str]; 10] = [
        &["--format", "json"],
        &["--format", "json", "--all"],
        &["--format", "json", "--limit", "1"],
        &["--format", "table"],
        &["--format", "csv", "--all"],
        &["--group", "--format", "json", "--all"],
        &["--group", "--format", "json", "--limit", "1"],
        &["--group", "--format", "table"],
        &["--group", "--format", "csv"],
        &["--format", "table", "--limit", "0"],
    ];
    for show in shows {
        let mut native = args.to_vec();
        native.extend_from_slice(show);
        let mut imported = vec!["--import-routes", f];
        imported.extend_from_slice(show);
        let (n, i) = (run(case, &native).ok(), run(case, &imported).ok());
        assert!(!n.stdout.is_empty(), "{show:?}: nothing printed");
        assert_eq!(i.stdout, n.stdout, "{show:?}");
    }
    // The workbook too.
    let dir = file.parent().unwrap();
    let (nx, ix) = (dir.join("native.xlsx"), dir.join("imported.xlsx"));
    let mut native = args.to_vec();
    native.extend(["--format", "xlsx", "--out", nx.to_str().unwrap()]);
    run(case, &native).ok();
    run(case, &["--import-routes", f, "--format", "xlsx", "--out", ix.to_str().unwrap()]).ok();
    assert_eq!(std::fs::read(&ix).unwrap(), std::fs::read(&nx).unwrap(), "the workbooks differ");
}

#[test]
fn the_jobs_routes_report_byte_for_byte_as_divtrace_finds_them() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    for (case, args) in [(bundled(t), &BUNDLED[..]), (mirror(t), &MIRROR[..])] {
        let doc = job_file(&case, &identity(&case, t), args);
        assert!(doc["routes"].as_array().unwrap().len() >= 2, "{doc}");
        let file = write(t, "routes.json", &doc);
        assert_same_bytes(&case, &file, args);
        // A file without the export's identity (case: null) is taken as it is.
        let mut anon = doc.clone();
        anon["case"] = Value::Null;
        assert_same_bytes(&case, &write(t, "anon.json", &anon), args);
    }
}

#[test]
fn a_subset_is_ranked_and_counted_as_the_routes_the_file_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let case = bundled(t);
    let mut doc = job_file(&case, &identity(&case, t), &BUNDLED);
    let all = doc["routes"].as_array().unwrap().clone();
    assert!(all.len() >= 4, "{}", all.len());
    // Every other route, in reverse: the order of the file does not matter.
    let kept: Vec<Value> = all.iter().step_by(2).rev().cloned().collect();
    doc["routes"] = Value::Array(kept.clone());
    let file = write(t, "subset.json", &doc);
    let got: Value =
        serde_json::from_str(&run(&case, &["--import-routes", file.to_str().unwrap(), "--all", "--format", "json"]).ok().stdout).unwrap();
    let mut a = BUNDLED.to_vec();
    a.extend(["--all", "--format", "json"]);
    let native: Value = serde_json::from_str(&run(&case, &a).ok().stdout).unwrap();
    assert_eq!(got["stats"]["total_routes"], kept.len());
    assert_eq!(got["stats"]["routes_shown"], kept.len());
    assert_eq!(got["query"], native["query"]);
    // The kept routes, in the native ranking's order, each reported as natively but for its rank.
    let strip = |r: &Value| {
        let mut r = r.clone();
        r.as_object_mut().unwrap().remove("rank");
        r
    };
    let want: Vec<Value> =
        native["routes"].as_array().unwrap().iter().filter(|r| kept.iter().any(|k| k["shipments"] == r["shipments"])).map(strip).collect();
    let have: Vec<Value> = got["routes"].as_array().unwrap().iter().map(strip).collect();
    assert_eq!(have, want);
    let ranks: Vec<u64> = got["routes"].as_array().unwrap().iter().map(|r| r["rank"].as_u64().unwrap()).collect();
    assert_eq!(ranks, (1..=kept.len() as u64).collect::<Vec<_>>());
}

#[test]
fn search_flags_are_refused_beside_an_imported_file() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let case = mirror(t);
    let file = write(t, "routes.json", &job_file(&case, &Value::Null, &MIRROR));
    let f = file.to_str().unwrap();
    for extra in [&["--from", "country:US"][..], &["--max-hops", "2"], &["--hs-level", "4"], &["--no-mirror"], &["--explain"]] {
        let mut a = vec!["--import-routes", f];
        a.extend_from_slice(extra);
        let o = run(&case, &a).failed();
        assert_eq!(o.code, 2, "{extra:?}: {}", o.stderr);
        assert!(o.stderr.contains("--import-routes") && o.stderr.contains(extra[0]), "{extra:?}: {}", o.stderr);
    }
}

/// fixtures/routes/diversion, ingested: TI -> GULF -> STEP -> ZAV and TI -> BOS -> RAD.
fn diversion(dir: &Path) -> PathBuf {
    let case = dir.join("diversion.db");
    let b = fixture("routes/diversion");
    divtrace([os("ingest"), b.as_os_str(), os("--case"), case.as_os_str(), os("-q")]).ok();
    case
}

#[test]
fn a_bad_file_is_refused_naming_the_file_the_route_and_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let case = diversion(t);
    let us_ru = ["--from", "country:US", "--to", "country:RU"];
    let good = job_file(&case, &identity(&case, t), &us_ru);
    // The file lists the shorter route first, as the job does.
    assert_eq!(
        good["routes"],
        json!([
            {"shipments": ["S1", "S2"], "entities": ["TI", "BOS", "RAD"]},
            {"shipments": ["S3", "S4", "S5"], "entities": ["TI", "GULF", "STEP", "ZAV"]},
        ])
    );
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut d = good.clone();
        f(&mut d);
        d
    };
    let cases: Vec<(&str, Value, &[&str])> = vec![
        ("array", json!([]), &["expected a JSON object"]),
        (
            "format",
            edit(&|d| d["format"] = json!("divtrace-case-parquet")),
            &["field 'format'", "divtrace-routes", "divtrace-case-parquet"],
        ),
        ("version", edit(&|d| d["version"] = json!(2)), &["field 'version'", "reads version 1", "version 2"]),
        (
            "refused",
            json!({"format": "divtrace-routes", "version": 1, "error": "--from: 'name:bosphorus': name: selectors compare names"}),
            &["refused", "--from: 'name:bosphorus'"],
        ),
        ("no-routes", edit(&|d| d.as_object_mut().unwrap().remove("routes").map(drop).unwrap()), &["field 'routes'", "expected a list"]),
        ("not-a-string", edit(&|d| d["routes"][0]["shipments"][0] = json!(7)), &["field 'routes[0].shipments[0]'", "expected a string"]),
        (
            "unknown-id",
            edit(&|d| d["routes"][0]["shipments"][1] = json!("NOPE")),
            &["field 'routes[0].shipments[1]'", "no shipment 'NOPE'"],
        ),
        ("entity-count", edit(&|d| d["routes"][0]["entities"] = json!(["TI", "BOS"])), &["field 'routes[0].entities'", "expected 3"]),
        (
            "broken",
            edit(&|d| d["routes"][1]["shipments"] = json!(["S3", "S2", "S5"])),
            &["field 'routes[1].shipments[1]'", "'S2' leaves 'BOS'", "delivered to 'GULF'", "do not chain"],
        ),
        (
            "earlier",
            edit(&|d| d["routes"][0] = json!({"shipments": ["S3", "S7"], "entities": ["TI", "GULF", "ZAV"]})),
            &["field 'routes[0].shipments[1]'", "'S7' is dated 2022-12-01", "dates must not decrease"],
        ),
        (
            "entity",
            edit(&|d| d["routes"][1]["entities"][1] = json!("BOS")),
            &["field 'routes[1].entities[1]'", "expected 'GULF'", "got 'BOS'"],
        ),
        ("case", edit(&|d| d["case"]["generation"] = json!(999)), &["field 'case'", "generation 999", "export the case again"]),
        (
            "max-hops",
            edit(&|d| d["query"]["args"] = json!(["--from", "country:US", "--to", "country:RU", "--max-hops", "2"])),
            &["field 'routes[1].shipments'", "3 hops", "at most 2"],
        ),
        (
            "destination",
            edit(&|d| d["query"]["args"] = json!(["--from", "country:US", "--to", "entity:ZAV"])),
            &["field 'routes[0].shipments[1]'", "delivers to 'RAD'", "destinations"],
        ),
        (
            "twice",
            edit(&|d| {
                let first = d["routes"][0].clone();
                d["routes"].as_array_mut().unwrap().push(first);
            }),
            &["field 'routes[2]'", "same route as routes[0]"],
        ),
        ("flag", edit(&|d| d["query"]["args"] = json!(["--from", "country:US", "--frobnicate"])), &["field 'query.args'", "--frobnicate"]),
        (
            "selector",
            edit(&|d| d["query"]["args"] = json!(["--from", "country:XX", "--to", "country:RU"])),
            &["field 'query.args'", "--from", "XX"],
        ),
        ("no-args", edit(&|d| d["query"] = json!({})), &["field 'query.args'", "list of strings"]),
    ];
    for (name, doc, wants) in cases {
        let file = write(t, &format!("{name}.json"), &doc);
        for group in [false, true] {
            let mut a = vec!["--import-routes", file.to_str().unwrap(), "--format", "json"];
            if group {
                a.push("--group");
            }
            let o = run(&case, &a).failed();
            assert_eq!(o.code, 2, "{name}: {}", o.stderr);
            assert!(o.stdout.is_empty(), "{name}: {}", o.stdout);
            assert!(o.stderr.contains(file.to_str().unwrap()), "{name}: the file is not named: {}", o.stderr);
            for w in wants {
                assert!(o.stderr.contains(w), "{name}: no {w:?} in {}", o.stderr);
            }
        }
    }
    // Not JSON at all, and no file.
    let file = t.join("text.json");
    std::fs::write(&file, "routes: S1 S2\n").unwrap();
    let o = run(&case, &["--import-routes", file.to_str().unwrap()]).failed();
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("text.json") && o.stderr.contains("not JSON") && o.stderr.contains("line 1"), "{}", o.stderr);
    let o = run(&case, &["--import-routes", t.join("missing.json").to_str().unwrap()]).failed();
    assert!(o.stderr.contains("missing.json"), "{}", o.stderr);
    // The good file still imports.
    let file = write(t, "good.json", &good);
    assert_same_bytes(&case, &file, &us_ru);
}
