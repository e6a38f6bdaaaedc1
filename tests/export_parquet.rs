//! `divtrace export --format parquet` (docs/export.md, *Parquet*): the
//! resolved case as part files, read back with a Parquet reader, the same
//! bytes twice, and what the folder rules refuse.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use serde_json::Value;

/// The mirror fixture (two batches, resolved): clusters, scoped ids and a mirror pair.
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

fn export(case: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut a: Vec<std::ffi::OsString> =
        vec!["export".into(), "--case".into(), case.into(), "--format".into(), "parquet".into(), "--out".into(), out.into()];
    a.extend(extra.iter().map(Into::into));
    divtrace(a)
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("_divtrace.json")).unwrap()).unwrap()
}

/// Every row of every part of `table`, as column name -> value text.
fn rows(dir: &Path, table: &str) -> Vec<BTreeMap<String, String>> {
    let m = manifest(dir);
    let mut out = Vec::new();
    for p in m[table]["parts"].as_array().unwrap() {
        let f = std::fs::File::open(dir.join(p["path"].as_str().unwrap())).unwrap();
        let r = SerializedFileReader::new(f).unwrap();
        for row in r.get_row_iter(None).unwrap() {
            let row = row.unwrap();
            out.push(
                row.get_column_iter()
                    .map(|(k, v)| {
                        let v = match v {
                            Field::Str(s) => s.clone(),
                            other => other.to_string(),
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            );
        }
    }
    out
}

/// All files of an export folder, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for sub in ["", "shipments", "entities"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap().flatten() {
            if e.file_type().unwrap().is_file() {
                m.insert(format!("{sub}/{}", e.file_name().to_string_lossy()), std::fs::read(e.path()).unwrap());
            }
        }
    }
    m
}

#[test]
fn the_resolved_case_reads_back_with_scoped_ids_clusters_and_mirrors() {
    let tmp = tempfile::tempdir().unwrap();
    let case = mirror_case(tmp.path());
    let out = tmp.path().join("pq");
    let o = export(&case, &out, &[]).ok();
    assert!(o.stdout.contains("Parquet schema v1"), "{}", o.stdout);
    let m = manifest(&out);
    assert_eq!(m["format"], "divtrace-case-parquet");
    assert_eq!(m["schema_version"], 1);
    assert_eq!(m["case"]["batches"].as_array().unwrap().len(), 2);
    let ships = rows(&out, "shipments");
    let ents = rows(&out, "entities");
    assert_eq!(ships.len() as u64, m["shipments"]["rows"].as_u64().unwrap());
    assert_eq!(ents.len() as u64, m["entities"]["rows"].as_u64().unwrap());
    assert_eq!(m["shipments"]["columns"][0], "row_id");
    assert_eq!(ships[0].keys().count(), 16);

    // The ids are the ones `routes --format json` writes: scoped in a case of two batches.
    let routes: Value = serde_json::from_str(
        &divtrace([
            "routes".as_ref(),
            "--case".as_ref(),
            case.as_os_str(),
            "--from".as_ref(),
            "origin:US".as_ref(),
            "--to".as_ref(),
            "country:RU".as_ref(),
            "--all".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
        ])
        .ok()
        .stdout,
    )
    .unwrap();
    let by_id: BTreeMap<&str, &BTreeMap<String, String>> = ships.iter().map(|s| (s["shipment"].as_str(), s)).collect();
    let r0 = &routes["routes"][0];
    for s in r0["shipments"].as_array().unwrap() {
        assert!(by_id.contains_key(s.as_str().unwrap()), "route shipment {s} not exported");
    }
    let ent_ids: Vec<&str> = ents.iter().map(|e| e["id"].as_str()).collect();
    for e in r0["entities"].as_array().unwrap() {
        assert!(ent_ids.contains(&e.as_str().unwrap()), "route entity {e} not exported as a node");
    }
    // The mirrored hop: the import declaration points at the export declaration.
    let hop = &r0["hops"][0];
    if let Some(mirror) = hop["mirror"]["shipment"].as_str() {
        let first = by_id[hop["shipment"].as_str().unwrap()];
        assert_eq!(by_id[mirror]["mirror_of"], first["row_id"], "{mirror}");
    }
    assert!(m["mirror"]["pairs"].as_u64().unwrap() >= 1, "{m}");
    let paired = ships.iter().filter(|s| s["mirror_of"] != "null").count();
    assert_eq!(paired as u64, m["mirror"]["pairs"].as_u64().unwrap());
    // Resolution: the TR exporter's two records are one node with two members.
    assert!(ents.iter().any(|e| e["member_rows"].matches(',').count() >= 1), "no cluster of several members: {ents:?}");
    // Every shipment's parties are nodes of the entity table.
    let nodes: Vec<&str> = ents.iter().map(|e| e["entity"].as_str()).collect();
    for s in &ships {
        assert!(nodes.contains(&s["shipper"].as_str()) && nodes.contains(&s["consignee"].as_str()), "{s:?}");
        assert!(s["hs"].len() >= 2, "{s:?}");
    }
}

#[test]
fn same_case_same_bytes_and_part_files_split_and_are_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/small");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    export(&case, &a, &["--part-rows", "2"]).ok();
    export(&case, &b, &["--part-rows", "2"]).ok();
    assert_eq!(files(&a), files(&b), "two exports of one case differ");
    let m = manifest(&a);
    let parts = m["shipments"]["parts"].as_array().unwrap();
    let n = m["shipments"]["rows"].as_u64().unwrap();
    assert!(parts.len() >= 2, "{m}");
    assert_eq!(parts.iter().map(|p| p["rows"].as_u64().unwrap()).sum::<u64>(), n);
    assert_eq!(rows(&a, "shipments").len() as u64, n);
    // Row id order across parts.
    let ids: Vec<i64> = rows(&a, "shipments").iter().map(|s| s["row_id"].parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    // Re-exporting into the same folder with bigger parts leaves no stale part behind.
    export(&case, &a, &[]).ok();
    let left: Vec<String> = files(&a).into_keys().filter(|k| k.starts_with("shipments/")).collect();
    assert_eq!(left, ["shipments/part-00000.parquet"]);
    assert_eq!(rows(&a, "shipments").len() as u64, n);
}

#[test]
fn folders_and_flags_that_do_not_fit_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/small");
    let busy = tmp.path().join("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "mine").unwrap();
    let e = export(&case, &busy, &[]).failed();
    assert!(e.stderr.contains("--out") && e.stderr.contains("not empty"), "{}", e.stderr);
    assert_eq!(std::fs::read_to_string(busy.join("notes.txt")).unwrap(), "mine");
    let e = export(&case, &tmp.path().join("x"), &["--from", "country:US"]).failed();
    assert!(e.stderr.contains("--from") && e.stderr.contains("whole resolved case"), "{}", e.stderr);
    let e = export(&case, Path::new("-"), &[]).failed();
    assert!(e.stderr.contains("--out"), "{}", e.stderr);
    let e = export(&case, &tmp.path().join("y"), &["--part-rows", "0"]).failed();
    assert_eq!(e.stderr.trim_end(), "error: --part-rows: must be at least 1");
}
