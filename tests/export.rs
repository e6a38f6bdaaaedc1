//! Diagrams that can stand as evidence: valid for Graphviz, names exactly
//! as written whatever they contain, deterministic, and interchange formats
//! that other tools load.

mod common;

use common::*;

fn export(case: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> Output {
    let mut args: Vec<std::ffi::OsString> = vec!["export".into(), "--case".into(), case.into(), "--out".into(), out.into()];
    args.extend(extra.iter().map(Into::into));
    divtrace(args)
}

#[test]
fn hostile_names_are_laid_out_exactly_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/hostile");
    let dot = tmp.path().join("routes.dot");
    export(&case, &dot, &["--from", "country:US", "--to", "country:RU"]).ok();
    let layout = check_dot(&dot);
    let labels = drawn_labels(&layout);
    let names: Vec<String> =
        csv::Reader::from_path(fixture("bundles/hostile/entities.csv")).unwrap().records().map(|r| r.unwrap()[1].to_string()).collect();
    for name in &names {
        let lines: Vec<String> = name.lines().map(String::from).collect();
        assert!(
            labels.values().any(|drawn| drawn.len() >= lines.len() && drawn[..lines.len()] == lines[..]),
            "name {name:?} is not drawn as written; drawn labels:\n{labels:#?}"
        );
    }
    // Nothing the data says became structure: exactly the parties and arrows of the routes.
    let nodes = layout["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["name"].as_str().is_some_and(|n| n.starts_with('n') && n[1..].parse::<u32>().is_ok()))
        .count();
    assert_eq!(nodes, names.len());
    assert_eq!(layout["edges"].as_array().unwrap().len(), 8);
    // Edge labels carry the declaration references as written too.
    let text = std::fs::read_to_string(&dot).unwrap();
    assert!(!text.contains("<script>"), "raw markup in the DOT");
    let edge_texts: Vec<String> = layout["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["_ldraw_"].as_array().cloned().unwrap_or_default())
        .filter(|op| op["op"] == "T")
        .filter_map(|op| op["text"].as_str().map(String::from))
        .collect();
    assert!(edge_texts.iter().any(|t| t == "decl. decl \"<S1>\" \\N"), "{edge_texts:?}");
}

#[test]
fn the_bundled_case_diagram_is_valid_and_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    divtrace(["ingest".as_ref(), root().join("graphs/turkish-chips").as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    let a = tmp.path().join("a.dot");
    let b = tmp.path().join("b.dot");
    export(&case, &a, &["--from", "country:US", "--to", "country:RU"]).ok();
    export(&case, &b, &["--from", "country:US", "--to", "country:RU"]).ok();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "same input, same DOT bytes");
    let layout = check_dot(&a);
    assert!(layout["edges"].as_array().unwrap().len() > 5);
    let text = std::fs::read_to_string(&a).unwrap();
    // The title names the query, the inputs' hashes and the tool version; no timestamp.
    assert!(text.contains("--from country:US") && text.contains("sha256") && text.contains(env!("CARGO_PKG_VERSION")));
    assert!(text.contains("cluster_TR") && text.contains("Türkiye"));
    // A neighbourhood export, with folding, is valid too.
    let n = tmp.path().join("n.dot");
    export(&case, &n, &["--entity", "E0000902", "--depth", "2", "--max-nodes", "12"]).ok();
    let layout = check_dot(&n);
    let nodes = layout["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["name"].as_str().is_some_and(|n| n.starts_with('n') && n[1..].parse::<u32>().is_ok()))
        .count();
    assert!(nodes <= 12, "{nodes} nodes with --max-nodes 12");
}

#[test]
fn render_needs_graphviz_and_says_how_to_get_it() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/small");
    let dot = tmp.path().join("d.dot");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_divtrace"))
        .args(["export", "--case"])
        .arg(&case)
        .args(["--from", "country:US", "--to", "country:RU", "--render", "svg", "--out"])
        .arg(&dot)
        .env("PATH", "")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("apt-get install graphviz") && stderr.contains("d.dot"), "{stderr}");
    assert!(dot.exists(), "the DOT file is written even without Graphviz");
    // With Graphviz, the SVG is there.
    export(&case, &dot, &["--from", "country:US", "--to", "country:RU", "--render", "svg"]).ok();
    assert!(std::fs::read_to_string(tmp.path().join("d.svg")).unwrap().contains("<svg"));
}

#[test]
fn graphml_loads_in_networkx_with_the_right_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/small");
    let g = tmp.path().join("g.graphml");
    export(&case, &g, &["--from", "country:US", "--to", "country:RU", "--format", "graphml"]).ok();
    let script = format!(
        "import networkx as nx\ng = nx.read_graphml({:?})\nprint(g.number_of_nodes(), g.number_of_edges())\nprint(sorted(d.get('name','') for _, d in g.nodes(data=True))[0])",
        g.to_str().unwrap()
    );
    let out = std::process::Command::new(common::python()).args(["-c", &script]).output().expect("python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "networkx could not read the GraphML (`bash .ci/setup` installs networkx): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Routes US1 -> DE1 -> TR1 -> AE1 -> RU1 -> RU2: 6 entities plus P1 (the relations' person is not on a route),
    // 5 shipments plus the relations among route parties.
    let first = stdout.lines().next().unwrap();
    let v: Vec<usize> = first.split(' ').map(|x| x.parse().unwrap()).collect();
    let xml = std::fs::read_to_string(&g).unwrap();
    assert_eq!(v[0], xml.matches("<node ").count());
    assert_eq!(v[1], xml.matches("<edge ").count());
    assert_eq!(xml.matches("<edge id=\"s").count(), 5);
}

#[test]
fn ftm_export_reads_back_to_the_same_routes() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/small");
    let f = tmp.path().join("routes.jsonl");
    export(&case, &f, &["--from", "country:US", "--to", "country:RU", "--format", "ftm"]).ok();
    let case2 = tmp.path().join("case2.db");
    divtrace(["ingest".as_ref(), f.as_os_str(), "--case".as_ref(), case2.as_os_str()]).ok();
    let routes = |c: &std::path::Path| -> serde_json::Value {
        let out = divtrace([
            "routes".as_ref(),
            "--case".as_ref(),
            c.as_os_str(),
            "--from".as_ref(),
            "country:US".as_ref(),
            "--to".as_ref(),
            "country:RU".as_ref(),
            "--all".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
        ])
        .ok();
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        serde_json::Value::Array(
            v["routes"].as_array().unwrap().iter().map(|r| serde_json::json!([r["shipments"], r["entities"], r["score"]])).collect(),
        )
    };
    let a = routes(&case);
    assert!(!a.as_array().unwrap().is_empty());
    assert_eq!(a, routes(&case2));
}
