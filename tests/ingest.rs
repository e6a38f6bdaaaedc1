//! Ingest end to end: the built binary on fixture bundles.

mod common;

use common::*;
use rusqlite::Connection;

fn ingest(bundle: &std::path::Path, case: &std::path::Path, extra: &[&str]) -> Output {
    let mut args: Vec<std::ffi::OsString> = vec!["ingest".into(), bundle.into(), "--case".into(), case.into(), "-q".into()];
    args.extend(extra.iter().map(Into::into));
    divtrace(args)
}

fn q<T: rusqlite::types::FromSql>(case: &std::path::Path, sql: &str) -> T {
    Connection::open(case).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn small_bundle_keeps_raw_values_extras_and_provenance() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    let out = ingest(&fixture("bundles/small"), &case, &[]).ok();
    assert!(out.stdout.contains("as batch 1"), "{}", out.stdout);
    assert_eq!(q::<i64>(&case, "SELECT count(*) FROM entity"), 7);
    assert_eq!(q::<i64>(&case, "SELECT count(*) FROM shipment"), 6);
    // Normalised on the way in, raw kept.
    assert_eq!(q::<String>(&case, "SELECT hs FROM shipment WHERE input_id = 'S2'"), "85423100");
    assert_eq!(
        q::<String>(
            &case,
            "SELECT raw FROM raw_value r JOIN shipment s ON r.tbl='shipment' AND r.record=s.id WHERE s.input_id='S2' AND field='hs_code'"
        ),
        "8542 31 00"
    );
    assert_eq!(q::<String>(&case, "SELECT country FROM entity WHERE input_id = 'DE1'"), "DE");
    // Defaults from the parties' countries.
    assert_eq!(q::<String>(&case, "SELECT from_country || '>' || to_country FROM shipment WHERE input_id = 'S1'"), "US>DE");
    // Names kept as written.
    assert_eq!(q::<String>(&case, "SELECT name FROM entity WHERE input_id = 'RU1'"), "ООО «Вектор-Микро»");
    assert_eq!(q::<i64>(&case, "SELECT count(*) FROM entity_identifier WHERE scheme = 'inn'"), 2);
    assert_eq!(q::<String>(&case, "SELECT value FROM extra_attribute WHERE name = 'customs_post'"), "İstanbul Havalimanı");
    // Provenance: file and line of each record, hash of each file.
    assert_eq!(
        q::<String>(
            &case,
            "SELECT f.role || ':' || s.src_line FROM shipment s JOIN batch_file f ON f.id = s.src_file WHERE s.input_id = 'S4'"
        ),
        "shipments:5"
    );
    assert_eq!(q::<i64>(&case, "SELECT count(*) FROM batch_file WHERE length(sha256) = 64"), 4);
    assert_eq!(q::<String>(&case, "SELECT tool_version FROM batch"), env!("CARGO_PKG_VERSION"));
    assert_eq!(q::<u32>(&case, "PRAGMA user_version"), divtrace::store::schema::CURRENT_VERSION);
}

#[test]
fn same_bundle_twice_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    ingest(&fixture("bundles/small"), &case, &[]).ok();
    let before = sha256(&case);
    let out = ingest(&fixture("bundles/small"), &case, &[]).ok();
    assert!(out.stdout.contains("already imported"), "{}", out.stdout);
    assert!(sha256(&case) == before);
    // The same content under another path is recognised too.
    let copy = tmp.path().join("copy");
    copy_dir(&fixture("bundles/small"), &copy);
    let out = ingest(&copy, &case, &[]).ok();
    assert!(out.stdout.contains("already imported"), "{}", out.stdout);
    assert!(sha256(&case) == before);
}

#[test]
fn a_second_bundle_gets_its_own_id_scope() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    ingest(&fixture("bundles/small"), &case, &[]).ok();
    // Same ids (US1, S1...) with different content: a new scope, no collision.
    let other = tmp.path().join("small");
    copy_dir(&fixture("bundles/small"), &other);
    let text = std::fs::read_to_string(other.join("shipments.csv")).unwrap().replace("125000.00", "125001.00");
    std::fs::write(other.join("shipments.csv"), text).unwrap();
    let out = ingest(&other, &case, &["--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["scope"], "small-2");
    assert_eq!(q::<i64>(&case, "SELECT count(*) FROM shipment WHERE input_id = 'S1'"), 2);
    assert_eq!(q::<i64>(&case, "SELECT count(DISTINCT shipper) FROM shipment WHERE input_id = 'S1'"), 2);
    // An explicit scope that is taken is refused, naming the flag.
    let third = tmp.path().join("third");
    copy_dir(&other, &third);
    std::fs::write(third.join("lists.csv"), "entity,list\nRU2,sdn\n").unwrap();
    let out = ingest(&third, &case, &["--scope", "small"]).failed();
    assert_eq!(out.stderr.trim_end(), "error: --scope: scope \"small\" is already used by another batch in this case; choose another");
}

#[test]
fn russian_customs_declarations_through_a_mapping() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    let map = fixture("mappings/ru-customs-declaration.toml");
    ingest(&fixture("bundles/ru-declarations"), &case, &["--map", map.to_str().unwrap()]).ok();
    assert_eq!(q::<i64>(&case, "SELECT count(*) FROM shipment"), 4);
    assert_eq!(
        q::<String>(&case, "SELECT date || ' ' || hs || ' ' || origin_country || ' ' || from_country || ' ' || value_usd FROM shipment WHERE input_id = '10702070/010722/0123456/1'"),
        "2022-07-01 8542319000 US AE 171000.0"
    );
    assert_eq!(
        q::<String>(&case, "SELECT manufacturer FROM shipment WHERE input_id = '10013160/150822/0456789/1'"),
        "HALVORSEN MICRODEVICES INC."
    );
    // Inline parties: one entity per consignee INN, so two declarations to the same INN share it.
    assert_eq!(q::<i64>(&case, "SELECT count(DISTINCT consignee) FROM shipment WHERE consignee IN (SELECT entity FROM entity_identifier WHERE value = '7701234567')"), 1);
    assert_eq!(
        q::<i64>(&case, "SELECT count(*) FROM shipment s JOIN entity e ON e.id = s.consignee WHERE e.name = 'ООО «ВЕКТОР-МИКРО»'"),
        3
    );
    assert_eq!(q::<String>(&case, "SELECT raw FROM raw_value WHERE field = 'from_country' LIMIT 1"), "ОАЭ");
    assert_eq!(q::<i64>(&case, "SELECT count(*) FROM extra_attribute WHERE name = 'Графа 45 Таможенная стоимость, руб'"), 4);
    assert!(q::<String>(&case, "SELECT mapping FROM batch").contains("Графа 33"));
}

#[test]
fn turkish_export_declarations_through_a_mapping() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    let map = fixture("mappings/tr-export-declarations.toml");
    ingest(&fixture("bundles/tr-exports"), &case, &["--map", map.to_str().unwrap()]).ok();
    assert_eq!(q::<i64>(&case, "SELECT count(*) FROM shipment"), 4);
    assert_eq!(q::<String>(&case, "SELECT hs FROM shipment WHERE input_id = '22341300EX00123456-1'"), "8542319000");
    assert_eq!(q::<f64>(&case, "SELECT value_usd FROM shipment WHERE input_id = '22341300EX00123456-1'"), 152000.0);
    assert_eq!(q::<String>(&case, "SELECT date FROM shipment WHERE input_id = '22340100EX00201010-1'"), "2022-08-03");
    // The exporter is one entity, identified by its VKN, named as written.
    assert_eq!(
        q::<String>(&case, "SELECT input_id || ' ' || name FROM entity WHERE country = 'TR'  ORDER BY id LIMIT 1"),
        "vkn:2930456781 DENKAR DIŞ TİCARET LTD. ŞTİ."
    );
}

#[test]
fn a_mapping_that_names_a_missing_column_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let map = tmp.path().join("m.toml");
    std::fs::write(
        &map,
        "[shipments]\nfile = \"ihracat.csv\"\n[shipments.columns]\nshipper_name = \"İhracatçı Unvanı\"\nid = \"Beyanname Numarası\"\n",
    )
    .unwrap();
    let out = ingest(&fixture("bundles/tr-exports"), &tmp.path().join("c.db"), &["--map", map.to_str().unwrap()]).failed();
    assert!(out.stderr.contains("ihracat.csv, line 1, column 'Beyanname Numarası'"), "{}", out.stderr);
    std::fs::write(&map, "[shipments]\nfile = \"ihracat.csv\"\nbogus = 1\n").unwrap();
    let out = ingest(&fixture("bundles/tr-exports"), &tmp.path().join("c.db"), &["--map", map.to_str().unwrap()]).failed();
    assert!(out.stderr.contains("m.toml, line 3") && out.stderr.contains("bogus"), "{}", out.stderr);
    assert!(!tmp.path().join("c.db").exists(), "a failed first import leaves no case file behind");
}

#[test]
fn info_describes_the_case() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    ingest(&fixture("bundles/small"), &case, &[]).ok();
    let out = divtrace(["info".as_ref(), "--case".as_ref(), case.as_os_str(), "--format".as_ref(), "json".as_ref()]).ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["shipments"], 6);
    assert_eq!(v["first_date"], "2022-03-01");
    assert_eq!(v["lists"]["entity_list"], 1);
    let h8542 = v["hs_headings"].as_array().unwrap().iter().find(|h| h["heading"] == "8542").unwrap();
    assert_eq!(h8542["chpl_share"], 1.0);
    assert!((v["chpl_share"].as_f64().unwrap() - 5.0 / 6.0).abs() < 1e-9);
    let table = divtrace(["info".as_ref(), "--case".as_ref(), case.as_os_str()]).ok().stdout;
    assert!(table.contains("FinCEN/BIS transshipment point") && table.contains("sha256"), "{table}");
    let missing = divtrace(["info", "--case", "/nonexistent/case.db"]).failed();
    assert!(missing.stderr.contains("no such case file"), "{}", missing.stderr);
}

/// The unique index on `(batch, input_id)` of shipments: a first load whose
/// ids increase has proved them unique and leaves the index to first use; a
/// first load whose ids do not builds it at the end; an import into a case
/// without it builds it before checking ids row by row.
#[test]
fn shipment_id_index_is_built_when_needed() {
    let tmp = tempfile::tempdir().unwrap();
    let has_index = |case: &std::path::Path| q::<i64>(case, "SELECT count(*) FROM sqlite_master WHERE name = 'shipment_batch_id'") == 1;
    let header = "id,date,shipper,consignee,hs_code\n";
    let bundle = |name: &str, ids: [&str; 3]| {
        let dir = tmp.path().join(name);
        copy_dir(&fixture("bundles/small"), &dir);
        let rows: String = ids.iter().map(|id| format!("{id},2022-05-02,US1,DE1,854231\n")).collect();
        std::fs::write(dir.join("shipments.csv"), format!("{header}{rows}")).unwrap();
        dir
    };
    let sorted = tmp.path().join("sorted.db");
    ingest(&fixture("bundles/small"), &sorted, &[]).ok();
    assert!(!has_index(&sorted), "S1..S6 in order: no index built at import");

    let reused = bundle("reused", ["S2", "S1", "S2"]);
    let out = ingest(&reused, &sorted, &[]).failed();
    assert!(out.stderr.contains("shipments.csv, line 4, column 'id'"), "{}", out.stderr);
    assert!(out.stderr.contains("duplicate id \"S2\": already used at shipments.csv line 2"), "{}", out.stderr);
    assert!(!has_index(&sorted), "the failed import's index build was rolled back");
    ingest(&bundle("fixed", ["S2", "S1", "S3"]), &sorted, &[]).ok();
    assert!(has_index(&sorted), "built for the second import's row-by-row check");
    assert_eq!(q::<i64>(&sorted, "SELECT count(*) FROM shipment"), 9);

    let unsorted = tmp.path().join("unsorted.db");
    ingest(&bundle("unsorted", ["S2", "S1", "S3"]), &unsorted, &[]).ok();
    assert!(has_index(&unsorted), "ids out of order: built (and checked) at import");
    let failed = tmp.path().join("failed.db");
    let out = ingest(&reused, &failed, &[]).failed();
    assert!(out.stderr.contains("duplicate id \"S2\": already used at shipments.csv line 2"), "{}", out.stderr);
    assert!(!failed.exists());

    // Commands that look records up build it on first use.
    let fresh = tmp.path().join("fresh.db");
    ingest(&fixture("bundles/small"), &fresh, &[]).ok();
    assert!(!has_index(&fresh));
    divtrace(["assess".as_ref(), "--case".as_ref(), fresh.as_os_str(), "--all".as_ref()]).ok();
    assert!(has_index(&fresh));
}
