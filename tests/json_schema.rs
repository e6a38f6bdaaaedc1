//! The JSON shapes are promises: every JSON divtrace writes validates
//! against its schema in docs/schema/ (closed objects, so a new or renamed
//! field fails here), and a schema cannot change without a new version
//! (the fingerprints below).

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Each schema, its version, and the SHA-256 of its file. Changing a schema
/// means a new version: bump `version` and `$id` in the file (and the file
/// name), then put the new digest here.
const SCHEMAS: &[(&str, u32, &str)] = &[
    ("assess", 1, ""),
    ("channels", 1, ""),
    ("explain", 1, ""),
    ("hubs", 1, ""),
    ("info", 1, ""),
    ("ingest", 1, ""),
    ("report", 1, ""),
    ("resolve", 1, ""),
    ("review", 1, ""),
    ("routes", 1, ""),
    ("screen", 1, ""),
    ("screen-name", 1, ""),
];

fn schema_path(name: &str, version: u32) -> std::path::PathBuf {
    root().join(format!("docs/schema/{name}.v{version}.schema.json"))
}

fn validator(name: &str) -> jsonschema::Validator {
    let (_, version, _) = SCHEMAS.iter().find(|s| s.0 == name).expect("a known schema");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema_path(name, *version)).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("docs/schema/{name}: not a valid JSON Schema: {e}"))
}

fn assert_valid(name: &str, what: &str, doc: &Value) {
    let v = validator(name);
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path)).take(20).collect();
    assert!(errors.is_empty(), "{what} does not match docs/schema/{name}:\n{}", errors.join("\n"));
}

fn json_of(args: &[&std::ffi::OsStr]) -> Value {
    let out = divtrace(args).ok();
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{args:?} printed no JSON: {e}\n{}", out.stdout))
}

const LISTS: [&str; 10] = [
    "--csl",
    "lists/csl/small.csv",
    "--sdn",
    "lists/ofac/sdn.csv",
    "--sdn-add",
    "lists/ofac/add.csv",
    "--sdn-alt",
    "lists/ofac/alt.csv",
    "--ftm",
    "lists/ftm/small.jsonl",
];

/// Runs every JSON-writing command on one bundle and validates each output.
fn validate_all(dir: &Path, bundle: &Path) {
    let case = dir.join("case.db");
    let c = case.as_os_str();
    let ingest = json_of(&["ingest".as_ref(), bundle.as_os_str(), "--case".as_ref(), c, "--format".as_ref(), "json".as_ref()]);
    assert_valid("ingest", "ingest", &ingest);
    let lists: Vec<std::ffi::OsString> =
        LISTS.iter().map(|a| if a.starts_with("--") { a.into() } else { fixture(a).into_os_string() }).collect();
    let q: Vec<&std::ffi::OsStr> =
        ["--from", "country:US", "--from", "origin:US", "--to", "country:RU", "--to", "country:BY"].iter().map(|s| s.as_ref()).collect();
    let with = |cmd: &[&str], extra: &[&std::ffi::OsStr]| -> Value {
        let mut a: Vec<&std::ffi::OsStr> = cmd.iter().map(|s| s.as_ref()).collect();
        a.extend(["--case".as_ref(), c]);
        a.extend(extra);
        a.extend(["--format".as_ref(), "json".as_ref()]);
        json_of(&a)
    };
    assert_valid("info", "info", &with(&["info"], &[]));
    assert_valid("routes", "routes --all", &with(&["routes", "--all"], &q));
    assert_valid("routes", "routes", &with(&["routes"], &q));
    assert_valid("channels", "routes --group --all", &with(&["routes", "--group", "--all"], &q));
    assert_valid("explain", "routes --explain", &with(&["routes", "--explain"], &q));
    assert_valid("assess", "assess --all", &with(&["assess", "--all"], &[]));
    assert_valid("hubs", "hubs", &with(&["hubs"], &q));
    assert_valid("resolve", "resolve", &with(&["resolve"], &[]));
    assert_valid("review", "resolve --review", &with(&["resolve", "--review"], &[]));
    let l: Vec<&std::ffi::OsStr> = lists.iter().map(|s| s.as_os_str()).collect();
    assert_valid("screen", "screen", &with(&["screen"], &l));
    let mut a: Vec<&std::ffi::OsStr> = vec!["report".as_ref(), "--case".as_ref(), c];
    a.extend(&q);
    let rep = dir.join("report");
    a.extend(["--out".as_ref(), rep.as_os_str()]);
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
fn screening_one_name_matches_its_schema() {
    let lists: Vec<std::ffi::OsString> =
        LISTS.iter().map(|a| if a.starts_with("--") { a.into() } else { fixture(a).into_os_string() }).collect();
    for name in ["Multimat İç ve Dış Ticaret Pazarlama Ltd. Şti.", "Nobody Known At All"] {
        let mut a: Vec<&std::ffi::OsStr> = vec!["screen".as_ref(), "--name".as_ref(), name.as_ref()];
        a.extend(lists.iter().map(|s| s.as_os_str()));
        a.extend(["--format".as_ref(), "json".as_ref()]);
        assert_valid("screen-name", name, &json_of(&a));
    }
}

#[test]
fn a_new_field_fails_validation() {
    // The schemas are closed: this is what makes a change of shape fail the test above.
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    divtrace(["ingest".as_ref(), root().join("graphs/turkish-chips").as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    let mut doc = json_of(&["assess".as_ref(), "--case".as_ref(), case.as_os_str(), "--all".as_ref(), "--format".as_ref(), "json".as_ref()]);
    assert!(validator("assess").is_valid(&doc));
    doc["assessments"][0]["surprise"] = Value::from(1);
    assert!(!validator("assess").is_valid(&doc));
    doc["assessments"][0].as_object_mut().unwrap().remove("surprise");
    doc["assessments"][0].as_object_mut().unwrap().remove("score");
    assert!(!validator("assess").is_valid(&doc), "a missing field must fail too");
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
