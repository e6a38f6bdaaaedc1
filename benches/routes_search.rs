//! The route search itself, without process start, case opening or output:
//! loads a case's graph once, then times `collect_routes` (every route kept,
//! as `divtrace routes --all` does) over several runs.
//!
//!     cargo bench --bench routes_search -- CASE.db [RUNS] [MAX_HOPS]
//!
//! Prints one line per phase and the medians; `benches/routes.sh` runs it.
//! The query is the benchmark's: --from country:US --to country:RU.

use std::time::{Duration, Instant};

use divtrace::routes::{collect_routes, resolve_query, search::search, QuerySpec, Selector};
use divtrace::store::{graph, Case};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` appends `--bench`; keep only our positional arguments.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: routes_search CASE.db [RUNS] [MAX_HOPS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(1).map_or(7, |s| s.parse().expect("RUNS must be a number"));
    let max_hops: u32 = args.get(2).map_or(4, |s| s.parse().expect("MAX_HOPS must be a number"));

    let case = Case::open(std::path::Path::new(path)).expect("open case");
    let generation = case.generation().expect("generation");
    let t = Instant::now();
    let cached = graph::read_cache(&case, generation).expect("read cache");
    let cache_time = t.elapsed();
    let t = Instant::now();
    let (g, skipped) = graph::build_from_rows(&case).expect("build graph");
    let rebuild_time = t.elapsed();
    let cache_line = match cached {
        Some(c) => {
            assert_eq!(c.shipment_count(), g.shipment_count());
            format!("{:.3} s", cache_time.as_secs_f64())
        }
        None => "no current cache (run `divtrace routes` once to write it)".into(),
    };
    println!(
        "graph from cache: {cache_line}; rebuilt from SQL rows: {:.3} s ({} shipments skipped)",
        rebuild_time.as_secs_f64(),
        skipped.len()
    );
    let bytes = g.heap_bytes();
    println!(
        "graph: {} nodes, {} shipments, {bytes} heap bytes = {:.1} bytes/shipment",
        g.node_count(),
        g.shipment_count(),
        bytes as f64 / g.shipment_count() as f64
    );

    let spec = QuerySpec {
        from: vec![Selector::parse(divtrace::routes::QueryField::From, "country:US").unwrap()],
        to: vec![Selector::parse(divtrace::routes::QueryField::To, "country:RU").unwrap()],
        max_hops,
        limit: None,
        ..QuerySpec::default()
    };
    let t = Instant::now();
    let q = resolve_query(&g, &case, &spec).expect("resolve query");
    println!("resolve selectors: {:.4} s", t.elapsed().as_secs_f64());

    let mut collect = Vec::new();
    let mut count_only = Vec::new();
    let mut total = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let found = collect_routes(&g, &q);
        collect.push(t.elapsed());
        total = found.total;
        assert_eq!(found.routes.len() as u64, found.total);
        let t = Instant::now();
        let n = search(&g, &q, |r| {
            std::hint::black_box(r);
        });
        count_only.push(t.elapsed());
        assert_eq!(n, total);
    }
    let (cmin, cmax) = (collect.iter().min().unwrap().as_secs_f64(), collect.iter().max().unwrap().as_secs_f64());
    println!(
        "collect_routes (search + score + keep all), {runs} runs: median {:.4} s [{cmin:.4}..{cmax:.4}]",
        median(collect).as_secs_f64()
    );
    println!("search alone (count, no scoring), {runs} runs: median {:.4} s", median(count_only).as_secs_f64());
    println!("total_routes: {total}");
}
