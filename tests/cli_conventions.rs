//! What users expect of a command line: `investigate` on several bundles
//! with their own mappings, `-` for standard input and output, "did you
//! mean" for a near-miss entity id or mapping key, a hint that mappings
//! exist, and a failed import that changes nothing.

mod common;

use common::*;

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

/// `BUNDLE=MAPPING` as one argument.
fn mapped(bundle: &str, mapping: &str) -> String {
    format!("{}={}", s(&fixture(bundle)), s(&fixture(mapping)))
}

#[test]
fn investigate_joins_a_turkish_export_dump_and_a_russian_import_dump() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("inv");
    let tr = mapped("bundles/tr-exports", "mappings/tr-export-declarations.toml");
    let ru = mapped("bundles/ru-declarations", "mappings/ru-customs-declaration.toml");
    let csl = fixture("lists/csl/small.csv");
    let o = divtrace(["investigate", &tr, &ru, "--out", s(&out), "--quiet", "--csl", s(&csl)]).ok();
    let t = &o.stdout;
    assert!(t.contains("as batch 1 (ids scoped as \"tr-exports\")") && t.contains("as batch 2 (ids scoped as \"ru-declarations\")"), "{t}");
    assert!(t.contains("== Screening") && t.contains("accepted list match(es) stored"), "{t}");
    assert!(t.contains(" route(s) in ") && t.contains("channel(s); the "), "{t}");
    // The Turkish exporter is on the Entity List of the CSL given.
    assert!(t.lines().any(|l| l.contains("DENKAR") && l.contains("LISTED")), "{t}");
    // No empty heading: the evidence section holds what the report step wrote.
    assert!(!t.contains("== Evidence\n\n=="), "{t}");
    let ev = t.split("== Evidence report").nth(1).unwrap_or_else(|| panic!("{t}"));
    assert!(ev.trim_start().starts_with("Wrote the evidence report"), "{t}");
    let info: serde_json::Value =
        serde_json::from_str(&divtrace(["info", "--case", s(&out.join("case.db")), "--format", "json"]).ok().stdout).unwrap();
    // One batch per bundle, and one for the screening run.
    let scopes: Vec<&str> = info["batches"].as_array().unwrap().iter().map(|b| b["scope"].as_str().unwrap()).collect();
    assert_eq!(&scopes[..2], ["tr-exports", "ru-declarations"], "{info}");
    assert!(scopes.len() == 3 && scopes[2].starts_with("screen:"), "{info}");

    // The route query options of `routes`: a narrower question, its heading says which.
    let out2 = dir.path().join("inv2");
    let o = divtrace(["investigate", &tr, &ru, "--out", s(&out2), "-q", "--hs", "854233", "--to", "country:RU"]).ok();
    assert!(o.stdout.contains("== Routes: from country:US or origin:US to country:RU"), "{}", o.stdout);
    assert!(o.stdout.contains("HS 854233") && !o.stdout.contains("HS 854231"), "{}", o.stdout);
}

#[test]
fn a_failed_bundle_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("inv");
    let small = fixture("bundles/small");
    // The second bundle needs a mapping: nothing is created.
    let o = divtrace(["investigate", s(&small), s(&fixture("bundles/tr-exports")), "--out", s(&out), "-q"]).failed();
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("tr-exports") && o.stderr.contains("try --map fixtures/mappings/tr-export-declarations.toml"),
        "{}",
        o.stderr
    );
    assert!(!out.exists(), "a failed investigate left {}", out.display());
    // Over an earlier investigation: its case file stays byte-identical, no partial file is left.
    divtrace(["investigate", s(&small), "--out", s(&out), "-q"]).ok();
    let before = std::fs::read(out.join("case.db")).unwrap();
    let listing = |d: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    };
    let files = listing(&out);
    let bad = mapped("bundles/tr-exports", "mappings/bad/unknown-field.toml");
    divtrace(["investigate", s(&small), &bad, "--out", s(&out), "-q"]).failed();
    divtrace(["investigate", s(&small), s(&fixture("bundles/ru-declarations")), "--out", s(&out), "-q"]).failed();
    assert_eq!(std::fs::read(out.join("case.db")).unwrap(), before);
    assert_eq!(listing(&out), files);
    // --map is for one bundle; several name theirs with BUNDLE=MAPPING.
    let o = divtrace(["investigate", s(&small), s(&small), "--map", s(&fixture("mappings/tr-export-declarations.toml")), "--out", s(&out)])
        .failed();
    assert!(o.stderr.contains("BUNDLE=MAPPING.toml"), "{}", o.stderr);
}

#[test]
fn a_bundle_in_another_layout_gets_a_hint_naming_the_closest_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("c.db");
    let o = divtrace(["ingest", s(&fixture("bundles/ru-declarations")), "--case", s(&case), "-q"]).failed();
    assert!(o.stderr.contains("the closest bundled mapping is fixtures/mappings/ru-customs-declaration.toml"), "{}", o.stderr);
    assert!(!case.exists());
    // A contract folder with a missing column gets the general hint.
    let b = dir.path().join("b");
    std::fs::create_dir(&b).unwrap();
    std::fs::write(b.join("entities.csv"), "id,name,kind,country\nA,Alpha,company,TR\n").unwrap();
    std::fs::write(b.join("shipments.csv"), "id,date,shipper,consignee\nS1,2022-01-01,A,A\n").unwrap();
    let o = divtrace(["ingest", s(&b), "--case", s(&case), "-q"]).failed();
    assert!(o.stderr.contains("required column is missing") && o.stderr.contains("a column mapping maps it"), "{}", o.stderr);
}

#[test]
fn a_mapping_with_an_unknown_key_says_which_was_meant() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("c.db");
    let tr = fixture("bundles/tr-exports");
    let o = divtrace(["ingest", s(&tr), "--case", s(&case), "--map", s(&fixture("mappings/bad/unknown-key.toml"))]).failed();
    assert!(
        o.stderr.contains("unknown-key.toml, line 7") && o.stderr.contains("unknown key `colum`, did you mean `column`"),
        "{}",
        o.stderr
    );
    let o = divtrace(["ingest", s(&tr), "--case", s(&case), "--map", s(&fixture("mappings/bad/unknown-field.toml"))]).failed();
    assert!(
        o.stderr.contains("unknown-field.toml, line 8") && o.stderr.contains("unknown key `valu_usd`, did you mean `value_usd`"),
        "{}",
        o.stderr
    );
    // A folder where a file is expected names the flag.
    let o = divtrace(["ingest", s(&tr), "--case", s(&case), "--map", s(dir.path())]).failed();
    assert!(o.stderr.contains("--map: ") && o.stderr.contains("is a folder: expected a column mapping file"), "{}", o.stderr);
    assert!(!case.exists());
}

#[test]
fn a_near_miss_entity_id_suggests_close_ids_and_names() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("c.db");
    divtrace(["ingest", s(&fixture("bundles/small")), "--case", s(&case), "-q"]).ok();
    let c = s(&case);
    let o = divtrace(["routes", "--case", c, "--from", "entity:US2", "--to", "country:RU"]).failed();
    assert!(o.stderr.contains("did you mean `entity:US1` (Halvorsen Microdevices Inc)"), "{}", o.stderr);
    let o = divtrace(["assess", "--case", c, "TR3"]).failed();
    assert!(o.stderr.contains("did you mean `TR1` (Denkar Dış Ticaret Ltd. Şti.)"), "{}", o.stderr);
    let o = divtrace(["export", "--case", c, "--entity", "AE2", "--out", s(&dir.path().join("x.dot"))]).failed();
    assert_eq!(
        o.stderr.trim_end(),
        "error: --entity: 'entity:AE2': no entity with this id in the case; did you mean `entity:AE1` (Falcon Crest General Trading FZE)?"
    );
    let o = divtrace(["resolve", "--case", c, "--merge", "TR1", "Denkr"]).failed();
    assert!(o.stderr.contains("did you mean") && o.stderr.contains("`TR1`"), "{}", o.stderr);
    // Far from everything: no suggestion.
    let o = divtrace(["assess", "--case", c, "QQQQQQQQ"]).failed();
    assert!(!o.stderr.contains("did you mean"), "{}", o.stderr);
}

#[test]
fn a_dash_is_standard_input_or_output() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("c.db");
    divtrace(["ingest", s(&fixture("bundles/small")), "--case", s(&case), "-q"]).ok();
    let c = s(&case);
    // export --out -: the same bytes as the file, and nothing else on stdout.
    for format in ["dot", "graphml", "ftm"] {
        let file = dir.path().join(format!("x.{format}"));
        divtrace(["export", "--case", c, "--from", "country:US", "--to", "country:RU", "--format", format, "--out", s(&file)]).ok();
        let o = divtrace(["export", "--case", c, "--from", "country:US", "--to", "country:RU", "--format", format, "--out", "-"]).ok();
        assert_eq!(o.stdout.as_bytes(), std::fs::read(&file).unwrap(), "{format}");
        assert!(o.stderr.contains("to stdout"), "{}", o.stderr);
    }
    // ingest --format ftm -: the FtM export read back from standard input, kept beside the case.
    let ftm = divtrace(["export", "--case", c, "--from", "country:US", "--to", "country:RU", "--format", "ftm", "--out", "-"]).ok().stdout;
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let case2 = sub.join("c2.db");
    let o = with_stdin(&["ingest", "--format", "ftm", "-", "--case", s(&case2), "-q"], ftm.as_bytes()).ok();
    assert!(o.stdout.contains("ids scoped as \"stdin-"), "{}", o.stdout);
    let kept: Vec<_> = std::fs::read_dir(&sub)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("stdin-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(std::fs::read_to_string(sub.join(&kept[0])).unwrap(), ftm);
    // A bad line from stdin: refused, naming the kept copy's line, and the copy is gone again.
    let o = with_stdin(&["ingest", "--format", "ftm", "-", "--case", s(&sub.join("c3.db")), "-q"], b"{\"id\": \"x\"}\nnot json\n").failed();
    assert!(o.stderr.contains("line"), "{}", o.stderr);
    assert_eq!(std::fs::read_dir(&sub).unwrap().count(), 2, "only c2.db and its stdin copy remain");
    // A CSV bundle is a folder: `-` alone says so.
    let o = with_stdin(&["ingest", "-", "--case", s(&sub.join("c4.db"))], b"").failed();
    assert!(o.stderr.contains("add --format ftm"), "{}", o.stderr);
    let o = divtrace(["export", "--case", c, "--from", "country:US", "--to", "country:RU", "--out", "-", "--render", "svg"]).failed();
    assert!(o.stderr.contains("--render"), "{}", o.stderr);
}
