//! The Spark job (engines/spark/divtrace_routes.py) finds exactly the routes
//! `divtrace routes` finds, on a generated case with planted schemes, hub
//! traders and duplicate ids (resolved), and on the two-batch mirror
//! fixture; its files, imported with `divtrace routes --import-routes`,
//! report as divtrace's own search does; and it refuses a Parquet folder of
//! another schema version or with a missing column, naming the file and the column.
//!
//! Every query runs in one `spark-submit` (one JVM start, 25-30 s). Without
//! pyspark in .venv or without Java the test says it skipped and why;
//! with DIVTRACE_REQUIRE_SPARK=1 (CI) that is a failure.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::{json, Value};

/// Why Spark cannot run here, if it cannot.
fn spark_missing() -> Option<String> {
    let py = root().join(".venv/bin/python");
    if !py.exists() {
        return Some(format!("{} is missing (.ci/setup makes it)", py.display()));
    }
    match Command::new(&py).args(["-c", "import pyspark"]).output() {
        Ok(o) if o.status.success() => {}
        _ => return Some("pyspark is not installed in .venv (pip install -r tests/requirements-spark.txt)".into()),
    }
    match Command::new("java").arg("-version").output() {
        Ok(o) if o.status.success() => None,
        _ => Some("java is not on the PATH (Debian: openjdk-17-jre-headless)".into()),
    }
}

fn require_spark() -> bool {
    match spark_missing() {
        None => true,
        Some(why) => {
            assert!(std::env::var("DIVTRACE_REQUIRE_SPARK").as_deref() != Ok("1"), "DIVTRACE_REQUIRE_SPARK=1 but Spark cannot run: {why}");
            eprintln!("spark_parity: skipped: {why}");
            false
        }
    }
}

fn run_ok(args: &[&std::ffi::OsStr]) -> Output {
    divtrace(args).ok()
}

/// A generated case with hubs and duplicate ids, ingested and resolved.
fn synth_case(dir: &Path) -> PathBuf {
    let bundle = dir.join("bundle");
    let case = dir.join("synth.db");
    divtrace(["synth", "--seed", "7", "--shipments", "30000", "--hubs", "8", "--out", bundle.to_str().unwrap()]).ok();
    divtrace(["ingest".as_ref(), bundle.as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    divtrace(["resolve".as_ref(), "--case".as_ref(), case.as_os_str()]).ok();
    case
}

fn mirror_case(dir: &Path) -> PathBuf {
    let case = dir.join("mirror.db");
    for (bundle, map) in [("mirror/tr-exports", "tr-export-declarations.toml"), ("mirror/ru-imports", "ru-customs-declaration.toml")] {
        let (b, m) = (fixture(&format!("bundles/{bundle}")), fixture(&format!("mappings/{map}")));
        run_ok(&["ingest".as_ref(), b.as_os_str(), "--map".as_ref(), m.as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]);
    }
    run_ok(&["resolve".as_ref(), "--case".as_ref(), case.as_os_str()]);
    case
}

fn export(case: &Path, out: &Path) {
    run_ok(&[
        "export".as_ref(),
        "--case".as_ref(),
        case.as_os_str(),
        "--format".as_ref(),
        "parquet".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
}

/// A route as its shipments and entities (bundle ids), the part both engines write.
type RouteKey = (Vec<String>, Vec<String>);

fn route_set(doc: &Value) -> BTreeSet<RouteKey> {
    let strings = |v: &Value| v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect::<Vec<_>>();
    doc["routes"].as_array().unwrap().iter().map(|r| (strings(&r["shipments"]), strings(&r["entities"]))).collect()
}

fn native(case: &Path, args: &[&str]) -> Value {
    let mut a: Vec<&std::ffi::OsStr> = vec!["routes".as_ref(), "--case".as_ref(), case.as_os_str()];
    a.extend(args.iter().map(|s| std::ffi::OsStr::new(*s)));
    a.extend(["--all", "--format", "json"].iter().map(std::ffi::OsStr::new));
    serde_json::from_str(&run_ok(&a).stdout).unwrap()
}

#[test]
fn spark_finds_exactly_the_routes_divtrace_finds() {
    if !require_spark() {
        return;
    }
    let started = std::time::Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let synth = synth_case(t);
    let mirror = mirror_case(t);
    let (synth_pq, mirror_pq) = (t.join("synth-pq"), t.join("mirror-pq"));
    export(&synth, &synth_pq);
    export(&mirror, &mirror_pq);

    // Bad folders: another schema version; a table whose part lacks the columns.
    let old = t.join("old-pq");
    copy_tree(&mirror_pq, &old);
    let m = std::fs::read_to_string(old.join("_divtrace.json")).unwrap().replace("\"schema_version\": 1", "\"schema_version\": 2");
    std::fs::write(old.join("_divtrace.json"), m).unwrap();
    let holed = t.join("holed-pq");
    copy_tree(&mirror_pq, &holed);
    std::fs::copy(holed.join("shipments/part-00000.parquet"), holed.join("entities/part-00000.parquet")).unwrap();

    let us_ru = ["--from", "country:US", "--to", "country:RU"];
    let with = |base: &[&str], more: &[&str]| -> Vec<String> { base.iter().chain(more).map(|s| s.to_string()).collect() };
    // (case, parquet, query args)
    let queries: Vec<(&Path, &Path, Vec<String>)> = vec![
        (&synth, &synth_pq, with(&us_ru, &["--max-hops", "3"])),
        (&synth, &synth_pq, with(&us_ru, &["--max-hops", "4"])),
        (&synth, &synth_pq, with(&us_ru, &["--max-hops", "4", "--since", "2022-03-01", "--until", "2023-12-31"])),
        (
            &synth,
            &synth_pq,
            with(
                &["--from", "country:US", "--from", "origin:US", "--to", "country:RU"],
                &["--max-hops", "4", "--max-dwell-days", "90", "--hs-level", "4"],
            ),
        ),
        (&synth, &synth_pq, with(&us_ru, &["--max-hops", "4", "--chpl-tier", "2", "--min-value", "1000", "--avoid", "country:AE"])),
        (&synth, &synth_pq, with(&us_ru, &["--max-hops", "4", "--via", "country:TR", "--controlled", "--hs", "85"])),
        (&mirror, &mirror_pq, with(&["--from", "origin:US", "--to", "country:RU"], &["--max-hops", "3"])),
        (&mirror, &mirror_pq, with(&["--from", "origin:US", "--to", "country:RU"], &["--max-hops", "3", "--no-mirror"])),
    ];
    let mut jobs: Vec<Value> = queries
        .iter()
        .enumerate()
        .map(|(i, (_, pq, args))| json!({"case": pq, "args": args, "out": t.join(format!("q{i}.json"))}))
        .collect();
    let _bad = jobs.len();
    jobs.push(json!({"case": old, "args": us_ru, "out": t.join("bad-version.json")}));
    jobs.push(json!({"case": holed, "args": us_ru, "out": t.join("bad-column.json")}));
    jobs.push(json!({"case": mirror_pq, "args": ["--from", "name:bosphorus", "--to", "country:RU"], "out": t.join("bad-selector.json")}));
    let qfile = t.join("queries.json");
    std::fs::write(&qfile, serde_json::to_string(&jobs).unwrap()).unwrap();

    let submit = root().join(".venv/bin/spark-submit");
    let spark_started = std::time::Instant::now();
    // spark-submit finds Spark (and the Python it runs) through the venv's interpreter on the PATH.
    let path = format!("{}:{}", root().join(".venv/bin").display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new(&submit)
        .env("PATH", path)
        .env("PYSPARK_PYTHON", root().join(".venv/bin/python"))
        .args(["--master", "local[2]", "--conf", "spark.sql.shuffle.partitions=4", "--conf", "spark.ui.enabled=false"])
        .arg(root().join("engines/spark/divtrace_routes.py"))
        .arg("--queries")
        .arg(&qfile)
        .output()
        .expect("run spark-submit");
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("spark_parity: spark-submit took {:.1} s", spark_started.elapsed().as_secs_f64());
    // Three queries are meant to fail: the run says so with exit 2.
    assert_eq!(out.status.code(), Some(2), "{stderr}");

    for (i, (case, _, args)) in queries.iter().enumerate() {
        let spark: Value = serde_json::from_str(
            &std::fs::read_to_string(t.join(format!("q{i}.json"))).unwrap_or_else(|e| panic!("query {i}: {e}\n{stderr}")),
        )
        .unwrap_or_else(|e| panic!("query {i}: {e}"));
        assert!(spark.get("error").is_none(), "query {i} {args:?}: {spark}");
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let want = route_set(&native(case, &a));
        let got = route_set(&spark);
        assert!(!want.is_empty() || i == 5, "query {i} {args:?} finds no route natively: a weak test");
        let missing: Vec<_> = want.difference(&got).take(5).collect();
        let extra: Vec<_> = got.difference(&want).take(5).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "query {i} {args:?}: {} native, {} spark; missing {missing:?}; extra {extra:?}",
            want.len(),
            got.len()
        );
        // Imported, the job's file reports as divtrace's own search does, byte for byte.
        let file = t.join(format!("q{i}.json"));
        for show in [&["--all", "--format", "json"][..], &["--group", "--format", "json"]] {
            let mut native: Vec<&std::ffi::OsStr> = vec!["routes".as_ref(), "--case".as_ref(), case.as_os_str()];
            native.extend(a.iter().chain(show).map(std::ffi::OsStr::new));
            let mut imported: Vec<&std::ffi::OsStr> =
                vec!["routes".as_ref(), "--case".as_ref(), case.as_os_str(), "--import-routes".as_ref(), file.as_os_str()];
            imported.extend(show.iter().map(std::ffi::OsStr::new));
            assert_eq!(run_ok(&imported).stdout, run_ok(&native).stdout, "query {i} {args:?} imported {show:?}");
        }
        eprintln!("spark_parity: query {i} {args:?}: {} routes, equal; imported, the same report", want.len());
    }
    let err = |name: &str| -> String {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(t.join(name)).unwrap()).unwrap();
        v["error"].as_str().unwrap_or_else(|| panic!("{name}: {v}")).to_string()
    };
    let e = err("bad-version.json");
    assert!(e.contains("_divtrace.json") && e.contains("schema_version") && e.contains("version 2"), "{e}");
    let e = err("bad-column.json");
    assert!(e.contains("entities") && e.contains("column 'entity' is missing"), "{e}");
    let e = err("bad-selector.json");
    assert!(e.contains("--from") && e.contains("name:") && e.contains("normaliser"), "{e}");
    eprintln!("spark_parity: whole test {:.1} s", started.elapsed().as_secs_f64());
}

fn copy_tree(src: &Path, dest: &Path) {
    copy_dir(src, dest);
    for sub in ["shipments", "entities"] {
        copy_dir(&src.join(sub), &dest.join(sub));
    }
}
