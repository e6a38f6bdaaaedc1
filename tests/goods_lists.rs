//! `--goods FILE` and `--controlled`: a user goods list with a machine tool
//! that is not on the CHPL (lathes, 8458.19) makes its route controlled in
//! `routes`, `hubs`, `report` and `investigate`, its Russian recipient high in
//! `assess`, and is counted by `info`; bad files are errors with file, line and column.

mod common;

use common::{divtrace, fixture};
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let o = divtrace(args).ok();
    serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", o.stdout))
}

#[test]
fn a_user_goods_list_makes_a_non_chpl_machine_tool_controlled() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.db");
    divtrace(["ingest", fixture("goods/lathes").to_str().unwrap(), "--case", case.to_str().unwrap(), "--quiet"]).ok();
    let c = case.to_str().unwrap();
    let goods = fixture("goods/machine-tools.csv");
    let g = goods.to_str().unwrap();
    let q = ["--from", "country:US", "--to", "country:RU", "--format", "json"];
    let routes = |extra: &[&str]| {
        let mut a = vec!["routes", "--case", c];
        a.extend(q);
        a.extend(extra);
        json(&a)
    };

    // The CHPL alone does not know lathes of 8458.19.
    assert_eq!(routes(&[])["stats"]["total_routes"], 1);
    assert_eq!(routes(&["--chpl"])["stats"]["total_routes"], 0);
    assert_eq!(routes(&["--controlled"])["stats"]["total_routes"], 0);
    let r = routes(&["--goods", g, "--controlled"]);
    assert_eq!(r["stats"]["total_routes"], 1, "{r}");
    assert_eq!(r["query"]["controlled"], serde_json::json!(["chpl", "machine_tools", "memory"]));
    // --chpl keeps working next to --goods, and --goods alone filters nothing.
    assert_eq!(routes(&["--goods", g, "--chpl"])["stats"]["total_routes"], 0);
    assert!(routes(&["--goods", g])["query"].get("controlled").is_none());

    // hubs: the Turkish trader carries the controlled lathes.
    let h = json(&["hubs", "--case", c, "--from", "country:US", "--to", "country:RU", "--goods", g, "--controlled", "--format", "json"]);
    assert_eq!(h["total_routes"], 1, "{h}");
    assert_eq!(h["hubs"][0]["entity"], "TR1", "{h}");

    // assess: without the list the Russian end user of the lathes is not a recipient of controlled goods; with it, high.
    let a = json(&["assess", "--case", c, "RU1", "--format", "json"]);
    assert_eq!(a["assessments"][0]["band"], "low", "{a}");
    let a = json(&["assess", "--case", c, "RU1", "--goods", g, "--format", "json"]);
    let x = &a["assessments"][0];
    assert_eq!(x["band"], "high", "{x}");
    let f = &x["factors"][0];
    assert_eq!(f["code"], "RU_BY_RECIPIENT");
    assert!(f["detail"].as_str().unwrap().contains("machine_tools"), "{f}");
    let t = json(&["assess", "--case", c, "TR1", "--goods", g, "--format", "json"]);
    let codes: Vec<&str> = t["assessments"][0]["factors"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"ROUTE_US_TO_RU_BY") && codes.contains(&"MIRROR_TRADE"), "{codes:?}");

    // info counts the shipments on each list.
    let i = json(&["info", "--case", c, "--goods", g, "--format", "json"]);
    let lists = i["goods_lists"].as_array().unwrap();
    let mt = lists.iter().find(|l| l["list"] == "machine_tools").unwrap();
    assert_eq!(mt["shipments"], 2, "{i}");
    assert!(json(&["info", "--case", c, "--format", "json"]).get("goods_lists").is_none());
    let table = divtrace(["info", "--case", c, "--goods", g]).ok().stdout;
    assert!(table.contains("Goods lists") && table.contains("machine_tools"), "{table}");

    // report: the route is drawn with --controlled and the query line says so.
    let out = dir.path().join("rep");
    divtrace([
        "report",
        "--case",
        c,
        "--from",
        "country:US",
        "--to",
        "country:RU",
        "--goods",
        g,
        "--controlled",
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    let rep: Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert!(rep.to_string().contains("L2"), "the lathe hop is in the report");
    assert!(std::fs::read_to_string(out.join("report.html")).unwrap().contains("--controlled"));

    // investigate takes the same flags.
    let inv = dir.path().join("inv");
    let o = divtrace([
        "investigate",
        fixture("goods/lathes").to_str().unwrap(),
        "--out",
        inv.to_str().unwrap(),
        "--goods",
        g,
        "--controlled",
        "--quiet",
    ])
    .ok();
    assert!(o.stdout.contains("2 route(s) in 2 channel(s)") && o.stdout.contains("HS 845819"), "{}", o.stdout);
    assert!(o.stdout.contains("high") && o.stdout.contains("OOO Ural Mekhanika"), "{}", o.stdout);
}

#[test]
fn bad_goods_lists_are_errors_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.db");
    divtrace(["ingest", fixture("goods/lathes").to_str().unwrap(), "--case", case.to_str().unwrap(), "--quiet"]).ok();
    let c = case.to_str().unwrap();
    let bad = fixture("goods/bad-prefix.csv");
    for cmd in [
        vec!["routes", "--case", c, "--from", "country:US", "--to", "country:RU"],
        vec!["hubs", "--case", c, "--from", "country:US", "--to", "country:RU"],
        vec!["assess", "--case", c, "--all"],
        vec!["info", "--case", c],
    ] {
        let mut a = cmd.clone();
        a.extend(["--goods", bad.to_str().unwrap()]);
        let e = divtrace(&a).failed().stderr;
        assert!(
            e.contains("bad-prefix.csv") && e.contains("line 3") && e.contains("column 'hs_code'") && e.contains("2 to 10 digits"),
            "{a:?}: {e}"
        );
    }
    let missing = dir.path().join("nope.csv");
    let e = divtrace(["assess", "--case", c, "--all", "--goods", missing.to_str().unwrap()]).failed().stderr;
    assert!(e.contains("nope.csv"), "{e}");
    // A bad list in investigate stops it before anything is written.
    let inv = dir.path().join("inv");
    divtrace(["investigate", fixture("goods/lathes").to_str().unwrap(), "--out", inv.to_str().unwrap(), "--goods", bad.to_str().unwrap()])
        .failed();
    assert!(!inv.exists());
}
