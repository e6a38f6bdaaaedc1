//! Cold answers of `divtrace serve` timed in-process, without HTTP: the
//! CPU one answer costs when nothing is kept yet, for the answers
//! benches/serve.sh sends cold (distinct filtered expansions of the largest
//! hub, the entity panels of the largest hubs). One thread, so the time of
//! an answer is its CPU.
//!
//! `cargo bench --bench serve_cold -- CASE.db [DUMP_DIR]`
//!
//! With DUMP_DIR, every answer's JSON body (the bytes the API sends) is
//! written there, one file per answer, to compare two builds byte for byte
//! (`diff -r`). docs/benchmarks.md has the figures.

use std::time::{Duration, Instant};

use divtrace::graph::Node;
use divtrace::model::Day;
use divtrace::refdata::goods::GoodsLists;
use divtrace::serve::flows;
use divtrace::serve::hubs::{Hubs, HUB_MIN_SIDES};
use divtrace::serve::params::Params;
use divtrace::serve::partners::Trade;
use divtrace::serve::state::State;

// The allocator the server runs with (src/main.rs): allocation is part of an answer's cost.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The `neighbours` parameters, as the API reads them (src/serve/api.rs).
const PAGE_PARAMS: &[&str] = &["limit", "offset", "since", "until", "hs", "chpl", "chpl_tier", "controlled", "country"];

fn expansion(st: &State, v: Node, query: &str) -> Vec<u8> {
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    let p = Params::new(&pairs, PAGE_PARAMS).expect("known parameters");
    let f = p.filter().expect("a valid filter");
    let limit = p.uint("limit", 20, 100).expect("limit") as usize;
    let offset = p.uint("offset", 0, u64::from(u32::MAX)).expect("offset") as usize;
    serde_json::to_vec(&flows::neighbours(st, v, &f, limit, offset)).expect("json")
}

fn cpu_seconds() -> f64 {
    // utime + stime of this process, in clock ticks (100 per second on Linux).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let t = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (t(11) + t(12)) / 100.0
}

fn report(label: &str, mut times: Vec<Duration>) {
    if std::env::var_os("SERVE_COLD_EACH").is_some() {
        println!("  {:?}", times.iter().map(|d| (d.as_secs_f64() * 1e5).round() / 100.0).collect::<Vec<_>>());
    }
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pct = |p: f64| ms(times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1]);
    let sum: Duration = times.iter().sum();
    println!(
        "{label}: {} answers, mean {:.3} ms, p50 {:.3} ms, p95 {:.3} ms, max {:.3} ms, total {:.1} ms",
        times.len(),
        ms(sum) / times.len() as f64,
        pct(0.5),
        pct(0.95),
        pct(1.0),
        ms(sum)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(case) = args.first() else {
        eprintln!("usage: serve_cold CASE.db [DUMP_DIR]");
        std::process::exit(2);
    };
    let dump = args.get(1).map(std::path::PathBuf::from);
    if let Some(d) = &dump {
        std::fs::create_dir_all(d).expect("dump folder");
    }
    let t = Instant::now();
    let st = State::load(std::path::Path::new(case), GoodsLists::bundled()).expect("case loads");
    println!("loaded in {:.2} s (partner index {:.1} MB)", t.elapsed().as_secs_f64(), st.adj.heap_bytes() as f64 / 1e6);
    let t = Instant::now();
    let again = Hubs::build(&Trade { g: &st.graph, adj: &st.adj, hubs: None }, HUB_MIN_SIDES);
    println!("hubs: {} kept, {:.1} MB, worked out in {:.3} s", again.len(), again.heap_bytes() as f64 / 1e6, t.elapsed().as_secs_f64());
    drop(again);
    let t = Instant::now();
    let risk = st.assess_all();
    let _ = st.risk.set(risk);
    println!("assessed in {:.2} s", t.elapsed().as_secs_f64());

    // Hubs by shipments in and out (a self-shipment counts once), the largest first.
    let g = &st.graph;
    let mut n = vec![0u32; g.node_count()];
    for s in 0..g.shipment_count() {
        n[g.shipper[s] as usize] += 1;
        if g.consignee[s] != g.shipper[s] {
            n[g.consignee[s] as usize] += 1;
        }
    }
    let mut hubs: Vec<Node> = (0..g.node_count() as Node).collect();
    hubs.sort_by(|a, b| n[*b as usize].cmp(&n[*a as usize]).then(a.cmp(b)));
    let hub = hubs[0];
    println!("hub: {} ({} shipments)", st.dir.cards[hub as usize].id, n[hub as usize]);

    let end = Day::parse_iso("2024-12-31").expect("date").0;
    let start = Day::parse_iso("2021-01-01").expect("date").0;
    let mut sets: Vec<(&str, Vec<String>)> = vec![
        (
            "expansion, since the first of one of 30 months",
            (0..30).map(|m| format!("limit=20&since={}-{:02}-01", 2021 + m / 12, m % 12 + 1)).collect(),
        ),
        ("expansion, until one of 50 days", (1..=50).map(|d| format!("limit=20&until={}", Day(end - d))).collect()),
        (
            "expansion, since one of 50 days, HS 85, controlled",
            (1..=50).map(|d| format!("limit=20&controlled=true&hs=85&since={}", Day(start + d))).collect(),
        ),
        ("expansion, no filter", vec!["limit=20".to_string()]),
    ];
    // The unfiltered expansion of the 50 largest hubs as well, once each.
    sets.push(("expansion, no filter, 50 largest hubs", Vec::new()));
    let mut k = 0usize;
    let mut keep = |body: &[u8], what: &str| {
        if let Some(d) = &dump {
            std::fs::write(d.join(format!("{k:03}-{what}.json")), body).expect("dump");
        }
        k += 1;
    };
    // SERVE_COLD_ROUNDS=N asks every set N times (for a profiler; each answer is computed again).
    let rounds: usize = std::env::var("SERVE_COLD_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let cpu0 = cpu_seconds();
    for _ in 0..rounds {
        for (label, queries) in &sets {
            let mut times = Vec::new();
            if queries.is_empty() {
                for &v in hubs.iter().take(50) {
                    let t = Instant::now();
                    let body = expansion(&st, v, "limit=20");
                    times.push(t.elapsed());
                    keep(&body, "hub");
                }
            }
            for q in queries {
                let t = Instant::now();
                let body = expansion(&st, hub, q);
                times.push(t.elapsed());
                keep(&body, "expansion");
            }
            report(label, times);
        }
        let mut times = Vec::new();
        for &v in hubs.iter().take(50) {
            let t = Instant::now();
            let body = serde_json::to_vec(&flows::entity(&st, v).expect("panel")).expect("json");
            times.push(t.elapsed());
            keep(&body, "panel");
        }
        report("entity panel, 50 largest hubs", times);
    }
    println!("process CPU over the answers: {:.2} s", cpu_seconds() - cpu0);
}
