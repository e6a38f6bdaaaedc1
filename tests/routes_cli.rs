//! `divtrace routes` on an ingested fixture bundle: one test per clause of
//! the route definition (docs/routes.md), per option, and per output form.

mod routes_common;

use std::path::PathBuf;

use routes_common::{divtrace, fixture, route_ids, route_set, routes_json};

/// Ingests fixtures/routes/diversion into a fresh case file.
fn case() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.db");
    let r = divtrace(&["ingest", fixture("diversion").to_str().unwrap(), "--case", case.to_str().unwrap(), "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (dir, case)
}

fn ids(v: &[&[&str]]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = v.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect();
    out.sort();
    out
}

const US_RU: [&str; 4] = ["--from", "country:US", "--to", "country:RU"];

fn q(case: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let mut a: Vec<&str> = US_RU.to_vec();
    a.extend_from_slice(extra);
    routes_json(case, &a)
}

#[test]
fn finds_the_planted_routes_best_first_with_bundle_ids() {
    let (_d, c) = case();
    let v = q(&c, &[]);
    assert_eq!(route_ids(&v), vec![vec!["S3", "S4", "S5"], vec!["S1", "S2"]]);
    assert_eq!(v["stats"]["total_routes"], 2);
    let r = &v["routes"][0];
    assert_eq!(r["rank"], 1);
    assert_eq!(r["entities"], serde_json::json!(["TI", "GULF", "STEP", "ZAV"]));
    let sum: i64 = r["reasons"].as_array().unwrap().iter().map(|x| x["points"].as_i64().unwrap()).sum();
    assert_eq!(r["score"].as_i64().unwrap(), sum, "reasons add up to the score");
    let hop = &r["hops"][1];
    assert_eq!(hop["shipment"], "S4");
    assert_eq!(hop["dwell_days"], 28);
    assert_eq!(hop["declaration"], "AE-EXP-201");
    assert_eq!(hop["source_line"], 5);
    assert_eq!(hop["shipper_country"], "AE");
}

#[test]
fn clause_consignee_ships_next_hop() {
    // ADI -> MUC exists but MUC ships nothing on: no route from ADI.
    let (_d, c) = case();
    let v = routes_json(&c, &["--from", "entity:ADI", "--to", "country:RU"]);
    assert_eq!(v["stats"]["total_routes"], 0);
    assert!(v["message"].as_str().unwrap().contains("no routes"));
}

#[test]
fn clause_dates_ordered_and_within_dwell() {
    let (_d, c) = case();
    // S1 (2023-01-10) then S8 (2023-12-01) is 325 days: a route only with a long enough dwell.
    let to_zav = ["--from", "entity:TI", "--to", "entity:ZAV", "--avoid", "entity:GULF"];
    assert_eq!(routes_json(&c, &to_zav)["stats"]["total_routes"], 0);
    let mut long = to_zav.to_vec();
    long.extend(["--max-dwell-days", "325"]);
    assert_eq!(route_set(&routes_json(&c, &long)), ids(&[&["S1", "S8"]]));
    let n = long.len();
    long[n - 1] = "324";
    assert_eq!(routes_json(&c, &long)["stats"]["total_routes"], 0);
    // S7 (2022-12-01) left GULF before S3 (2023-02-01) arrived: never a route, whatever the dwell.
    let early =
        ["--from", "entity:TI", "--to", "entity:ZAV", "--avoid", "entity:STEP", "--avoid", "entity:BOS", "--max-dwell-days", "100000"];
    assert_eq!(routes_json(&c, &early)["stats"]["total_routes"], 0);
}

#[test]
fn clause_hs_agreement_at_level() {
    let (_d, c) = case();
    // S10 (854239) agrees with S1 (854231) on 4 digits, not 6.
    let v = routes_json(&c, &["--from", "entity:TI", "--to", "entity:RAD"]);
    assert_eq!(route_set(&v), ids(&[&["S1", "S2"]]));
    let v = routes_json(&c, &["--from", "entity:TI", "--to", "entity:RAD", "--hs-level", "4"]);
    assert_eq!(route_set(&v), ids(&[&["S1", "S10"], &["S1", "S2"]]));
}

#[test]
fn clause_from_goods_selectors_qualify_the_first_hop() {
    let (_d, c) = case();
    let v = routes_json(&c, &["--from", "origin:US", "--to", "country:RU", "--all"]);
    assert_eq!(route_set(&v), ids(&[&["S1", "S2"], &["S10"], &["S2"], &["S3", "S4", "S5"], &["S4", "S5"], &["S5"], &["S7"], &["S8"]]));
    let v = routes_json(&c, &["--from", "brand:analog devices", "--to", "country:RU"]);
    assert_eq!(route_set(&v), ids(&[&["S10"]]));
    // A union with an entity selector.
    let v = routes_json(&c, &["--from", "brand:analog", "--from", "entity:GULF", "--to", "country:RU"]);
    assert_eq!(route_set(&v), ids(&[&["S10"], &["S4", "S5"], &["S7"]]));
}

#[test]
fn clause_to_set_and_entity_selectors() {
    let (_d, c) = case();
    assert_eq!(route_set(&q(&c, &[])), route_set(&routes_json(&c, &["--from", "country:US", "--to", "entity:RAD", "--to", "entity:ZAV"])));
    let by_list = routes_json(&c, &["--from", "role:manufacturer", "--to", "list:entity_list"]);
    assert_eq!(route_set(&by_list), ids(&[&["S1", "S2"]]));
    let by_role = routes_json(&c, &["--from", "country:US", "--to", "role:military_end_user"]);
    assert_eq!(route_set(&by_role), ids(&[&["S3", "S4", "S5"]]));
    // Name selectors match names and aliases, across scripts (ООО Радиотех).
    let by_name = routes_json(&c, &["--from", "name:texas instruments", "--to", "name:радиотех"]);
    assert_eq!(route_set(&by_name), ids(&[&["S1", "S2"]]));
}

#[test]
fn option_max_hops() {
    let (_d, c) = case();
    assert_eq!(route_set(&q(&c, &["--max-hops", "2"])), ids(&[&["S1", "S2"]]));
    assert_eq!(q(&c, &["--max-hops", "1"])["stats"]["total_routes"], 0);
}

#[test]
fn option_via_and_avoid() {
    let (_d, c) = case();
    assert_eq!(route_set(&q(&c, &["--via", "country:KZ"])), ids(&[&["S3", "S4", "S5"]]));
    assert_eq!(route_set(&q(&c, &["--via", "entity:RAD"])), ids(&[&["S1", "S2"]]));
    assert_eq!(route_set(&q(&c, &["--avoid", "country:TR"])), ids(&[&["S3", "S4", "S5"]]));
    assert_eq!(q(&c, &["--avoid", "entity:TI"])["stats"]["total_routes"], 0);
}

#[test]
fn filters_apply_to_every_shipment() {
    let (_d, c) = case();
    // S3 is 20000 USD: the whole route goes.
    assert_eq!(route_set(&q(&c, &["--min-value", "21000"])), ids(&[&["S1", "S2"]]));
    assert_eq!(route_set(&q(&c, &["--since", "2023-02-01"])), ids(&[&["S3", "S4", "S5"]]));
    assert_eq!(route_set(&q(&c, &["--until", "2023-03-19"])), ids(&[&["S1", "S2"]]));
    assert_eq!(route_set(&q(&c, &["--hs", "8542.32"])), ids(&[&["S3", "S4", "S5"]]));
    assert_eq!(route_set(&q(&c, &["--hs", "854231", "--hs", "854232"])).len(), 2);
    assert_eq!(route_set(&q(&c, &["--chpl-tier", "1"])).len(), 2);
    // Laptops (847130) are not CHPL: with --chpl the laptop hop cannot be used.
    let v = routes_json(&c, &["--from", "entity:BOS", "--to", "entity:RAD", "--chpl"]);
    assert_eq!(route_set(&v), ids(&[&["S10"], &["S2"]]));
}

#[test]
fn limit_keeps_the_best_and_counts_all() {
    let (_d, c) = case();
    let all = routes_json(&c, &["--from", "origin:US", "--to", "country:RU", "--all"]);
    let top = routes_json(&c, &["--from", "origin:US", "--to", "country:RU", "--limit", "3"]);
    assert_eq!(top["stats"]["total_routes"], 8);
    assert_eq!(top["stats"]["routes_shown"], 3);
    assert_eq!(route_ids(&top)[..], route_ids(&all)[..3]);
    let scores: Vec<i64> = all["routes"].as_array().unwrap().iter().map(|r| r["score"].as_i64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn group_folds_routes_into_channels() {
    let (_d, c) = case();
    let v = routes_json(&c, &["--from", "origin:US", "--to", "country:RU", "--group"]);
    assert_eq!(v["stats"]["total_routes"], 8);
    let ch = v["channels"].as_array().unwrap();
    assert_eq!(v["stats"]["total_channels"].as_u64().unwrap() as usize, ch.len());
    let total: u64 = ch.iter().map(|c| c["routes"].as_u64().unwrap()).sum();
    assert_eq!(total, 8);
    let tgs = ch.iter().find(|c| c["entities"] == serde_json::json!(["TI", "GULF", "STEP", "ZAV"])).unwrap();
    assert_eq!(tgs["hs"], "854232");
    assert_eq!(tgs["shipments_per_hop"], serde_json::json!([1, 1, 1]));
    assert_eq!(tgs["first_date"], "2023-02-01");
    assert_eq!(tgs["last_date"], "2023-03-20");
    assert_eq!(tgs["value_delivered"], 25000.0);
}

#[test]
fn explain_names_the_broken_hop_and_constraint() {
    let (_d, c) = case();
    let ex = |args: &[&str]| {
        let mut a = vec!["--explain"];
        a.extend_from_slice(args);
        routes_json(&c, &a)
    };
    let v = ex(&["--from", "entity:ADI", "--to", "entity:ZAV"]);
    assert_eq!(v["finding"], "not_connected");
    assert!(v["message"].as_str().unwrap().contains("no shipment out of: MUC"), "{v}");
    let v = ex(&["--from", "entity:TI", "--to", "entity:ZAV", "--avoid", "entity:GULF"]);
    assert_eq!(v["finding"], "broken");
    assert_eq!(v["chains"][0]["constraint"], "too_late");
    assert_eq!(v["chains"][0]["hop"], 2);
    assert_eq!(v["chains"][0]["arrived"], serde_json::json!(["S1"]));
    assert_eq!(v["chains"][0]["left"], serde_json::json!(["S8"]));
    let v = ex(&["--from", "entity:TI", "--to", "entity:ZAV", "--avoid", "entity:STEP", "--avoid", "entity:BOS"]);
    assert_eq!(v["chains"][0]["constraint"], "too_early");
    let v = ex(&["--from", "entity:TI", "--to", "entity:RAD", "--until", "2023-01-20"]);
    assert_eq!(v["chains"][0]["constraint"], "hs_mismatch");
    assert_eq!(v["chains"][0]["entities"], serde_json::json!(["TI", "BOS", "RAD"]));
    let v = ex(&["--from", "entity:MUC", "--to", "entity:ZAV"]);
    assert_eq!(v["finding"], "no_shipment_out");
    let v = ex(&["--from", "entity:TI", "--to", "entity:ZAV"]);
    assert_eq!(v["finding"], "connected");
    // The table form says the same in words, and exits 0.
    let r = divtrace(&[
        "routes",
        "--case",
        c.to_str().unwrap(),
        "--explain",
        "--from",
        "entity:TI",
        "--to",
        "entity:RAD",
        "--until",
        "2023-01-20",
    ]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("breaks at hop 2 (hs_mismatch)"), "{}", r.stdout);
}

#[test]
fn table_and_csv_forms() {
    let (_d, c) = case();
    let base = ["routes", "--case", c.to_str().unwrap(), "--from", "country:US", "--to", "country:RU"];
    let t = divtrace(&base);
    assert_eq!(t.code, 0);
    assert!(t.stdout.starts_with("2 route(s); showing 2"), "{}", t.stdout);
    assert!(t.stdout.contains("TI Texas Instruments Incorporated (US) -> GULF Gulf Components FZE (AE)"));
    assert!(t.stdout.contains("shipment S4 decl AE-EXP-201"));
    let mut a = base.to_vec();
    a.extend(["--format", "csv"]);
    let csv = divtrace(&a).stdout;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 5, "one row per hop:\n{csv}");
    assert!(lines[0].starts_with("rank,score,hop,date,shipment,shipper"));
    assert!(lines[1].starts_with("1,79,1,2023-02-01,S3,TI,"), "{}", lines[1]);
    let mut g = base.to_vec();
    g.extend(["--group", "--format", "csv"]);
    assert_eq!(divtrace(&g).stdout.lines().count(), 1 + 5);
}

#[test]
fn same_input_same_bytes_from_rows_and_from_cache() {
    let (_d, c) = case();
    let args = ["routes", "--case", c.to_str().unwrap(), "--from", "origin:US", "--to", "country:RU", "--all", "--format", "json"];
    let first = divtrace(&args).stdout; // builds the graph from rows and saves the cache
    let second = divtrace(&args).stdout; // reads the cache
    assert!(!first.is_empty());
    assert_eq!(first, second);
}

#[test]
fn bad_selectors_and_flags_are_usage_errors_naming_the_flag() {
    let (_d, c) = case();
    let run = |extra: &[&str]| {
        let mut a = vec!["routes", "--case", c.to_str().unwrap()];
        a.extend_from_slice(extra);
        divtrace(&a)
    };
    let cases: [(&[&str], &str); 14] = [
        (&["--from", "country:XX", "--to", "country:RU"], "--from: 'country:XX': unknown country 'XX'"),
        (&["--from", "country:US", "--to", "entity:NOPE"], "--to: 'entity:NOPE': no entity with this id"),
        (&["--from", "country:US", "--to", "country:RU", "--since", "2023-13-01"], "--since: '2023-13-01' is not a date"),
        (&["--from", "country:US", "--to", "country:RU", "--until", "yesterday"], "--until: 'yesterday' is not a date"),
        (&["--from", "country:US", "--to", "origin:RU"], "--to: 'origin:RU' describes goods"),
        (&["--from", "country:US", "--to", "country:RU", "--hs-level", "5"], "--hs-level: must be 4 or 6"),
        (&["--from", "country:US", "--to", "country:RU", "--max-hops", "0"], "--max-hops: must be 1 to 12"),
        (&["--from", "country:US", "--to", "country:RU", "--hs", "85x"], "--hs: '85x' is not an HS prefix"),
        (&["--to", "country:RU"], "--from: give at least one selector"),
        (&["--from", "country:US", "--to", "country:RU", "--max-dwell-days=-1"], "--max-dwell-days: must be 0 or more"),
        (&["--from", "country:US", "--to", "country:RU", "--chpl-tier", "9"], "--chpl-tier: must be 1 to 4, got 9"),
        (&["--from", "country:US", "--to", "country:RU", "--min-value=-5"], "--min-value: must be a non-negative number, got -5"),
        (
            &["--from", "country:US", "--to", "country:RU", "--since", "2024-02-01", "--until", "2024-01-01"],
            "--since: 2024-02-01 is after --until",
        ),
        (&["--from", "country:US", "--to", "country:RU", "--via", "entity:NOPE"], "--via: 'entity:NOPE': no entity with this id"),
    ];
    for (args, want) in cases {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"));
    }
}

#[test]
fn unreachable_pairs_and_empty_cases_exit_0_with_a_message() {
    let (d, c) = case();
    let r = divtrace(&["routes", "--case", c.to_str().unwrap(), "--from", "country:DE", "--to", "country:RU"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("no routes"), "{}", r.stdout);
    let r = divtrace(&["routes", "--case", c.to_str().unwrap(), "--from", "country:CN", "--to", "country:RU"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("no entity matches --from country:CN"), "{}", r.stdout);
    let empty = d.path().join("empty.db");
    drop(divtrace::store::Case::open_or_create(&empty).unwrap());
    let r = divtrace(&["routes", "--case", empty.to_str().unwrap(), "--from", "country:US", "--to", "country:RU"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("the case has no shipments"), "{}", r.stdout);
}
