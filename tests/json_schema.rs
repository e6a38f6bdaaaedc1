//! The JSON shapes are promises: every JSON divtrace writes validates
//! against its schema in docs/schema/ (closed objects, so a new or renamed
//! field fails here), and a schema cannot change without a new version
//! (the fingerprints below).

mod common;

use std::ffi::OsString;
use std::path::Path;

use common::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Each schema, its version, and the SHA-256 of its file. Changing a schema
/// means a new version: bump `version` and `$id` in the file (and the file
/// name), then put the new digest here.
const SCHEMAS: &[(&str, u32, &str)] = &[
    ("assess", 1, "e68b9e040892eeae161ae0012252378d107655bfbadbb647cb47da7b53b3005b"),
    ("assess", 2, "55efc320f26c2fab9fa5bacce964e9aa59cbc703e17077fea46061de524b70c3"),
    ("channels", 2, "4aea505c44a4e0277a0bb0c936eb2c82815ab826a86c5d5022b7782a9f4b0098"),
    ("explain", 2, "f969c23af8d0c6596da0cf550a7f051ff690e4c6659f99c339a7c9f2ddc0739d"),
    ("hubs", 2, "22a8a583fe6f8b80133e7c93872b32c27857915d940a31d1ff66f44f1785f168"),
    ("info", 2, "21ad18742cc961b3c7f8204d55d9b765a5fe84b779f597c85326b753fa8f940f"),
    ("ingest", 1, "d5cfc2a28e07b5a603e0b1414360ae3e60c291d8b59fc968cc693fb888c611a8"),
    ("report", 3, "1c9bc0266c6b482b4a2a8c9671b1edba49eca3b08ddadbf9d15876f408bf79b7"),
    ("resolve", 1, "2aeb2f43a84acac30e995dd53d85947c27d6afdf089c9adbee6e98ad28afcb80"),
    ("review", 1, "3a47a639b5a123ad323f99ec7a74e8e70938fe46c97de840ee20ac3010abd190"),
    ("routes", 2, "2d3f843e35ca9c3ef14089664d3ff96145938ed6f803c697b62b3186b49235f7"),
    ("screen", 1, "691d956e243b7e999594f2502898f0633e6a457df0356def3d9b1da6ad20779e"),
    ("screen-name", 1, "04803e5a3657e650752b411c27cc63c71163c96defbff9a678d09e4323e38845"),
    ("screen-list", 1, "9870ca0020583290b48a22f47b50d222f5f28e0b7bb56a0902e68793472939ba"),
];

fn schema_path(name: &str, version: u32) -> std::path::PathBuf {
    root().join(format!("docs/schema/{name}.v{version}.schema.json"))
}

/// The validator of the newest version of a schema.
fn validator(name: &str) -> jsonschema::Validator {
    let version = SCHEMAS.iter().filter(|s| s.0 == name).map(|s| s.1).max().expect("a known schema");
    validator_of(name, version)
}

fn validator_of(name: &str, version: u32) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema_path(name, version)).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("docs/schema/{name}: not a valid JSON Schema: {e}"))
}

fn assert_valid(name: &str, what: &str, doc: &Value) {
    let v = validator(name);
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).take(20).collect();
    assert!(errors.is_empty(), "{what} does not match docs/schema/{name}:\n{}", errors.join("\n"));
}

fn json_of(args: &[OsString]) -> Value {
    let out = divtrace(args).ok();
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{args:?} printed no JSON: {e}\n{}", out.stdout))
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

/// The screening lists, as command-line arguments.
fn lists() -> Vec<OsString> {
    let mut a = Vec::new();
    for (flag, file) in [
        ("--csl", "lists/csl/small.csv"),
        ("--sdn", "lists/ofac/sdn.csv"),
        ("--sdn-add", "lists/ofac/add.csv"),
        ("--sdn-alt", "lists/ofac/alt.csv"),
        ("--ftm", "lists/ftm/small.jsonl"),
    ] {
        a.push(OsString::from(flag));
        a.push(fixture(file).into_os_string());
    }
    a
}

const QUERY: [&str; 8] = ["--from", "country:US", "--from", "origin:US", "--to", "country:RU", "--to", "country:BY"];

/// Runs every JSON-writing command on one bundle and validates each output.
fn validate_all(dir: &Path, bundle: &Path) {
    let case = dir.join("case.db");
    let mut a = os(&["ingest"]);
    a.push(bundle.into());
    a.extend(os(&["--case"]));
    a.push(case.clone().into());
    a.extend(os(&["--format", "json"]));
    assert_valid("ingest", "ingest", &json_of(&a));
    let with = |cmd: &[&str], extra: &[OsString]| -> Value {
        let mut a = os(cmd);
        a.push("--case".into());
        a.push(case.clone().into());
        a.extend(extra.iter().cloned());
        a.extend(os(&["--format", "json"]));
        json_of(&a)
    };
    let q = os(&QUERY);
    assert_valid("info", "info", &with(&["info"], &[]));
    let mut goods = os(&["--goods"]);
    goods.push(fixture("goods/machine-tools.csv").into());
    assert_valid("info", "info --goods", &with(&["info"], &goods));
    assert_valid("routes", "routes --all", &with(&["routes", "--all"], &q));
    assert_valid("routes", "routes", &with(&["routes"], &q));
    assert_valid("channels", "routes --group --all", &with(&["routes", "--group", "--all"], &q));
    assert_valid("explain", "routes --explain", &with(&["routes", "--explain"], &q));
    // Every optional field of the query echo filled in.
    let mut filtered = q.clone();
    filtered.extend(os(&["--since", "2020-01-01", "--until", "2030-12-31", "--min-value", "1", "--chpl-tier", "4", "--limit", "3"]));
    filtered.extend(goods.iter().cloned());
    filtered.push("--controlled".into());
    assert_valid("routes", "routes with every filter", &with(&["routes"], &filtered));
    let all = with(&["assess", "--all"], &[]);
    assert_valid("assess", "assess --all", &all);
    // Version 2 only added optional fields: what version 1 described still validates against it.
    assert!(validator_of("assess", 1).is_valid(&all), "assess --all no longer matches docs/schema/assess.v1");
    let mut customers = os(&["--input"]);
    customers.push(fixture("assess/customers/with-listed.csv").into());
    customers.extend(lists());
    assert_valid("assess", "assess --input with lists", &with(&["assess"], &customers));
    let mut names = os(&["screen", "--input"]);
    names.push(fixture("assess/customers/with-listed.csv").into());
    names.extend(os(&["--country-column", "country"]));
    names.extend(lists());
    names.extend(os(&["--format", "json"]));
    assert_valid("screen-list", "screen --input", &json_of(&names));
    assert_valid("hubs", "hubs", &with(&["hubs"], &q));
    assert_valid("resolve", "resolve", &with(&["resolve"], &[]));
    assert_valid("review", "resolve --review", &with(&["resolve", "--review"], &[]));
    assert_valid("screen", "screen", &with(&["screen"], &lists()));
    let rep = dir.join("report");
    let mut a = os(&["report", "--case"]);
    a.push(case.clone().into());
    a.extend(q);
    a.push("--out".into());
    a.push(rep.clone().into());
    divtrace(&a).ok();
    let report: Value = serde_json::from_str(&std::fs::read_to_string(rep.join("report.json")).unwrap()).unwrap();
    assert_valid("report", "report.json", &report);
    // The routes part of report.json has the shape of `routes --format json`.
    assert_valid("routes", "report.json routes", &report["routes"]);
}

#[test]
fn every_json_output_of_the_bundled_case_matches_its_schema() {
    let tmp = tempfile::tempdir().unwrap();
    validate_all(tmp.path(), &root().join("graphs/turkish-chips"));
}

#[test]
fn json_outputs_of_other_fixtures_match_their_schemas() {
    for b in ["bundles/small", "bundles/hostile", "routes/diversion", "resolve/dupes"] {
        let tmp = tempfile::tempdir().unwrap();
        validate_all(tmp.path(), &fixture(b));
    }
}

#[test]
fn a_broken_chain_explained_matches_its_schema() {
    // routes/diversion has a chain that breaks on timing: `chains` is filled in.
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    divtrace(["ingest".as_ref(), fixture("routes/diversion").as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    let mut a = os(&["routes", "--explain", "--case"]);
    a.push(case.into());
    a.extend(os(&["--from", "entity:TI", "--to", "entity:ZAV", "--avoid", "entity:GULF", "--format", "json"]));
    let doc = json_of(&a);
    assert_eq!(doc["finding"], "broken", "{doc}");
    assert!(!doc["chains"].as_array().unwrap().is_empty());
    assert_valid("explain", "routes --explain (broken)", &doc);
}

#[test]
fn screening_one_name_matches_its_schema() {
    for name in ["Multimat İç ve Dış Ticaret Pazarlama Ltd. Şti.", "Nobody Known At All"] {
        let mut a = os(&["screen", "--name", name]);
        a.extend(lists());
        a.extend(os(&["--format", "json"]));
        assert_valid("screen-name", name, &json_of(&a));
    }
}

#[test]
fn a_new_field_fails_validation() {
    // The schemas are closed: this is what makes a change of shape fail the test above.
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    divtrace(["ingest".as_ref(), root().join("graphs/turkish-chips").as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    let mut a = os(&["assess", "--case"]);
    a.push(case.into());
    a.extend(os(&["--all", "--format", "json"]));
    let mut doc = json_of(&a);
    assert!(validator("assess").is_valid(&doc));
    doc["assessments"][0]["surprise"] = Value::from(1);
    assert!(!validator("assess").is_valid(&doc));
    doc["assessments"][0].as_object_mut().unwrap().remove("surprise");
    doc["assessments"][0].as_object_mut().unwrap().remove("score");
    assert!(!validator("assess").is_valid(&doc), "a missing field must fail too");
    doc["assessments"][0]["score"] = Value::from("0.5");
    assert!(!validator("assess").is_valid(&doc), "a changed type must fail too");
}

#[test]
fn schemas_are_versioned_and_fingerprinted() {
    let dir = root().join("docs/schema");
    let files: std::collections::BTreeSet<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    let listed: std::collections::BTreeSet<String> = SCHEMAS.iter().map(|(n, v, _)| format!("{n}.v{v}.schema.json")).collect();
    assert_eq!(files, listed, "docs/schema/ and the SCHEMAS table disagree");
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut stale = Vec::new();
    for (name, version, digest) in SCHEMAS {
        let path = schema_path(name, *version);
        let bytes = std::fs::read(&path).unwrap();
        let schema: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(schema["version"], *version, "{name}: \"version\" in the file");
        assert_eq!(schema["$id"], format!("urn:divtrace:schema:{name}:v{version}"), "{name}: $id carries the version");
        assert!(readme.contains(&format!("docs/schema/{name}.v{version}.schema.json")), "README.md does not reference {name}");
        let got = format!("{:x}", Sha256::digest(&bytes));
        if got != *digest {
            stale.push(format!("(\"{name}\", {version}, \"{got}\"),"));
        }
    }
    assert!(
        stale.is_empty(),
        "schemas changed without a new version: bump the version (file name, \"version\", $id), then record:\n{}",
        stale.join("\n")
    );
}

#[test]
fn mirror_pairs_and_foreign_currencies_match_the_schemas() {
    // Two bundles of one story (fixtures/bundles/mirror): a hop with a mirror
    // record, values in EUR and AED, and a query echo with mirror rules.
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    for (b, m) in [("mirror/tr-exports", "tr-export-declarations.toml"), ("mirror/ru-imports", "ru-customs-declaration.toml")] {
        let mut a = os(&["ingest"]);
        a.push(fixture(&format!("bundles/{b}")).into());
        a.push("--map".into());
        a.push(fixture(&format!("mappings/{m}")).into());
        a.push("--case".into());
        a.push(case.clone().into());
        a.extend(os(&["--format", "json"]));
        assert_valid("ingest", "ingest", &json_of(&a));
    }
    let with = |cmd: &[&str], extra: &[&str]| -> Value {
        let mut a = os(cmd);
        a.push("--case".into());
        a.push(case.clone().into());
        a.extend(os(extra));
        a.extend(os(&["--format", "json"]));
        json_of(&a)
    };
    assert_valid("resolve", "resolve", &with(&["resolve"], &[]));
    let info = with(&["info"], &[]);
    assert!(info["foreign_values"].is_array(), "{info}");
    assert_valid("info", "info", &info);
    let q = ["--from", "origin:US", "--to", "country:RU", "--all", "--mirror-days", "90"];
    let routes = with(&["routes"], &q);
    assert!(routes.to_string().contains("\"mirror\":{"), "no mirror in {routes}");
    assert!(routes.to_string().contains("\"declared_value\""), "no declared value in {routes}");
    assert_valid("routes", "routes with mirrors", &routes);
    assert_valid("channels", "routes --group with mirrors", &with(&["routes", "--group"], &q));
    assert_valid("hubs", "hubs with mirror rules", &with(&["hubs"], &q[..4]));
    assert_valid("explain", "explain with mirror rules", &with(&["routes", "--explain", "--no-mirror"], &q[..4]));
    let rep = tmp.path().join("report");
    let mut a = os(&["report", "--case"]);
    a.push(case.clone().into());
    a.extend(os(&q));
    a.push("--out".into());
    a.push(rep.clone().into());
    divtrace(&a).ok();
    let report: Value = serde_json::from_str(&std::fs::read_to_string(rep.join("report.json")).unwrap()).unwrap();
    assert_valid("report", "report.json with mirrors", &report);
}
