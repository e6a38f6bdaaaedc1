//! Routes over resolved entities, several batches, and the graph cache's life cycle.

mod routes_common;

use routes_common::{divtrace, route_set, routes_json, CaseFile};

const ENTS: &str = "
id,name,country,roles
M,Maker Corp,US,manufacturer
T1,Anatolia Trade,TR,trader
T2,ANATOLIA TRADING LTD,TR,trader
R,Volga OOO,RU,end_user
";

const SHIPS: &str = "
id,date,shipper,consignee,hs_code,manufacturer,value_usd
A,2023-01-01,M,T1,854231,MAKER,100
B,2023-01-05,T2,R,854231,MAKER CORP,100
";

#[test]
fn a_cluster_is_one_node_and_lists_its_members() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut c = CaseFile::create(&path);
    c.entities("b", ENTS).shipments("b", SHIPS);
    // Unresolved, T1 and T2 are different companies: no route.
    assert_eq!(routes_json(&path, &["--from", "country:US", "--to", "country:RU"])["stats"]["total_routes"], 0);
    c.cluster("b", "T1", &["T2"]);
    let v = routes_json(&path, &["--from", "country:US", "--to", "country:RU"]);
    assert_eq!(route_set(&v), vec![vec!["A".to_string(), "B".into()]]);
    assert_eq!(v["routes"][0]["entities"], serde_json::json!(["M", "T1", "R"]));
    let hop = &v["routes"][0]["hops"][1];
    assert_eq!(hop["shipper"], "T1");
    assert_eq!(hop["shipper_name"], "Anatolia Trade");
    assert_eq!(hop["shipper_members"], serde_json::json!(["T1", "T2"]));
    // Either member's id selects the cluster.
    let v = routes_json(&path, &["--from", "entity:M", "--to", "country:RU", "--via", "entity:T2"]);
    assert_eq!(v["stats"]["total_routes"], 1);
}

#[test]
fn several_batches_scope_ids_and_reject_ambiguous_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut c = CaseFile::create(&path);
    c.entities("us", "id,name,country\nM,Maker Corp,US\nX,Same Id Co,US\n");
    c.entities("tr", "id,name,country\nX,Istanbul Chips,TR\nR,Volga OOO,RU\n");
    c.shipments("tr", "id,date,shipper,consignee,hs_code\nS1,2023-01-01,X,R,854231\n");
    let r = divtrace(&["routes", "--case", path.to_str().unwrap(), "--from", "entity:X", "--to", "country:RU"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--from: 'entity:X' is ambiguous"), "{}", r.stderr);
    assert!(r.stderr.contains("entity:tr:X") && r.stderr.contains("entity:us:X"), "{}", r.stderr);
    let v = routes_json(&path, &["--from", "entity:tr:X", "--to", "country:RU"]);
    assert_eq!(v["routes"][0]["shipments"], serde_json::json!(["tr:S1"]));
    assert_eq!(v["routes"][0]["entities"], serde_json::json!(["tr:X", "tr:R"]));
    assert_eq!(routes_json(&path, &["--from", "entity:us:X", "--to", "country:RU"])["stats"]["total_routes"], 0);
}

#[test]
fn the_graph_cache_is_saved_used_and_rebuilt_when_stale() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut c = CaseFile::create(&path);
    c.entities("b", ENTS).shipments("b", SHIPS).cluster("b", "T1", &["T2"]);
    assert_eq!(c.query_i64("SELECT count(*) FROM graph_cache"), 0);
    let args = ["--from", "country:US", "--to", "country:RU"];
    assert_eq!(routes_json(&path, &args)["stats"]["total_routes"], 1);
    let generation = c.query_i64("SELECT CAST(value AS INTEGER) FROM case_meta WHERE key = 'generation'");
    assert_eq!(c.query_i64("SELECT generation FROM graph_cache WHERE id = 1"), generation);

    // The cache is what is read: while the generation is unchanged, rows are not consulted
    // (here a row deleted behind the store's back, without a bump, is still "seen")...
    let case = divtrace::store::Case::open(&path).unwrap();
    let (g, load) = divtrace::store::graph::load_graph(&case).unwrap();
    assert!(load.from_cache);
    assert_eq!(g.shipment_count(), 2);
    drop(case);
    c.sql("DELETE FROM shipment WHERE input_id = 'B'");
    assert_eq!(routes_json(&path, &args)["stats"]["total_routes"], 1);

    // ...and a change that bumps the generation makes it stale: rebuilt and saved back.
    c.bump();
    assert_eq!(routes_json(&path, &args)["stats"]["total_routes"], 0);
    c.shipments("b", "id,date,shipper,consignee,hs_code\nC,2023-01-02,M,R,854231\n");
    assert_eq!(routes_json(&path, &args)["stats"]["total_routes"], 1);
    let now = c.query_i64("SELECT CAST(value AS INTEGER) FROM case_meta WHERE key = 'generation'");
    assert!(now > generation);
    assert_eq!(c.query_i64("SELECT generation FROM graph_cache WHERE id = 1"), now);

    // A damaged blob is not trusted: rebuilt from rows.
    c.sql("UPDATE graph_cache SET data = x'00'");
    assert_eq!(routes_json(&path, &args)["stats"]["total_routes"], 1);
    assert!(c.query_i64("SELECT length(data) FROM graph_cache") > 1);
}

/// The CLI writes `--format json` routes while it builds them, a chunk at a
/// time: the document must be the one the whole report serialises to, also
/// across chunk boundaries (here 4,900 routes, more than one chunk).
#[test]
fn streamed_routes_json_is_the_whole_report() {
    use divtrace::app::routes::{route_query, search, streamed, Answer, Mode};
    use divtrace::app::CaseFile as Opened;
    use divtrace::routes::{QuerySpec, Selector};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut c = CaseFile::create(&path);
    c.entities("b", "id,name,country,roles\nM,Maker Corp,US,manufacturer\nT,Anatolia Trade,TR,trader\nR,Volga OOO,RU,end_user\n");
    // 70 shipments in, 70 out later: every pair is a route (70 x 70).
    let mut ships = String::from("id,date,shipper,consignee,hs_code,manufacturer,value_usd,quantity\n");
    for i in 0..70 {
        ships += &format!("I{i},2023-01-{:02},M,T,854231,MAKER,{},{}\n", 1 + i % 28, 1000 + i, 10 + i % 7);
        ships += &format!("O{i},2023-03-{:02},T,R,85423100,MAKER CORP,{},{}\n", 1 + i % 28, 900 + 3 * i, 9 + i % 5);
    }
    c.shipments("b", &ships);
    let spec = QuerySpec {
        from: vec![Selector::parse(divtrace::routes::QueryField::From, "country:US").unwrap()],
        to: vec![Selector::parse(divtrace::routes::QueryField::To, "country:RU").unwrap()],
        limit: None,
        ..QuerySpec::default()
    };
    let (_, whole) = route_query(Opened::new(&path), &spec, Mode::Routes).unwrap();
    let Answer::Routes(whole) = whole else { panic!("routes mode gives routes") };
    assert_eq!(whole.routes.len(), 4900);
    assert!(whole.routes.len() > divtrace::routes::report::STREAM_CHUNK);
    let (l, found) = search(Opened::new(&path), &spec).unwrap();
    let rep = streamed(&l, &spec, &found).unwrap();
    assert_eq!(serde_json::to_string_pretty(&rep).unwrap(), serde_json::to_string_pretty(&whole).unwrap());
}
