//! Measurement, not a test of behaviour: builds a synthetic case with
//! 1,000,000 shipments and reports graph build/load times, cache size and
//! graph bytes per shipment, then times the whole `divtrace routes` process.
//! Ignored by default (it takes a while and needs a release build to mean
//! anything); run with
//!
//!     cargo test --release --test routes_bench -- --ignored --nocapture
//!
//! Set DIVTRACE_BENCH_CASE=path to keep the case file (e.g. for peer benchmarks).
//! Figures are printed, never asserted (no timed assertions in tests).

mod routes_common;

use std::time::Instant;

use rusqlite::{params, Connection};

/// A small deterministic PRNG (xorshift64*), so the case is the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const HS: [&str; 24] = [
    "854231", "854232", "854233", "854239", "852351", "847150", "847180", "850440", "853669", "854140", "852691", "880730", "901380",
    "903289", "848210", "847330", "852910", "854110", "854129", "854150", "847141", "852580", "846012", "847989",
];
const MID: [&str; 10] = ["TR", "AE", "KZ", "AM", "KG", "HK", "CN", "GE", "UZ", "RS"];
const OTHER: [&str; 6] = ["DE", "FR", "IT", "JP", "KR", "GB"];

/// Writes `n_ship` shipments among `n_ent` entities: US makers ship to
/// intermediaries and others; intermediaries trade among themselves and
/// on to Russia; the rest is background trade.
fn generate(path: &std::path::Path, n_ent: usize, n_ship: usize) {
    drop(divtrace::store::Case::open_or_create(path).unwrap());
    let mut conn = Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;").unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO batch (scope, format, bundle_path, content_sha256, imported_at, tool_version) VALUES ('bench','bundle','bench','x','2024-01-01T00:00:00Z','bench')", []).unwrap();
    tx.execute("INSERT INTO batch_file (batch, role, path, sha256, rows) VALUES (1,'entities','entities.csv','',0)", []).unwrap();
    tx.execute("INSERT INTO batch_file (batch, role, path, sha256, rows) VALUES (1,'shipments','shipments.csv','',0)", []).unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let n_us = n_ent / 40;
    let n_mid = n_ent / 2;
    let n_ru = n_ent / 10;
    let country = |i: usize| -> &str {
        if i < n_us {
            "US"
        } else if i < n_us + n_mid {
            MID[i % MID.len()]
        } else if i < n_us + n_mid + n_ru {
            "RU"
        } else {
            OTHER[i % OTHER.len()]
        }
    };
    {
        let mut st = tx
            .prepare("INSERT INTO entity (id, batch, input_id, name, kind, country, roles, src_file, src_line) VALUES (?1, 1, ?2, ?3, 'company', ?4, ?5, 1, ?6)")
            .unwrap();
        for i in 0..n_ent {
            let roles = if i < n_us {
                "manufacturer"
            } else if country(i) == "RU" {
                "end_user"
            } else {
                "trader"
            };
            st.execute(params![i as i64 + 1, format!("E{i}"), format!("Company {i}"), country(i), roles, i as i64 + 2]).unwrap();
        }
        let mut st = tx
            .prepare("INSERT INTO shipment (batch, input_id, date, shipper, consignee, hs, manufacturer, origin_country, quantity, value_usd, src_file, src_line) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, 'US', ?7, ?8, 2, ?9)")
            .unwrap();
        let base = divtrace::model::Day::parse_iso("2022-01-01").unwrap().0;
        let pick = |rng: &mut Rng, lo: usize, n: usize| lo + rng.below(n as u64) as usize;
        for k in 0..n_ship {
            let (a, b) = match rng.below(10) {
                0..=1 => (pick(&mut rng, 0, n_us), pick(&mut rng, n_us, n_mid)),
                2..=4 => (pick(&mut rng, n_us, n_mid), pick(&mut rng, n_us, n_mid)),
                5..=6 => (pick(&mut rng, n_us, n_mid), pick(&mut rng, n_us + n_mid, n_ru)),
                _ => (pick(&mut rng, 0, n_ent), pick(&mut rng, 0, n_ent)),
            };
            let day = divtrace::model::Day(base + rng.below(3 * 365) as i32);
            let hs = HS[rng.below(HS.len() as u64) as usize];
            let mfr = ["TEXAS INSTRUMENTS", "ANALOG DEVICES", "XILINX", "INTEL", "MICROCHIP"][rng.below(5) as usize];
            st.execute(params![
                format!("S{k}"),
                day.to_string(),
                a as i64 + 1,
                b as i64 + 1,
                hs,
                mfr,
                (rng.below(1000) + 1) as f64,
                (rng.below(100_000) + 100) as f64,
                k as i64 + 2
            ])
            .unwrap();
        }
    }
    tx.execute_batch(divtrace::store::schema::INDEXES).unwrap();
    tx.execute("UPDATE case_meta SET value = '1' WHERE key = 'generation'", []).unwrap();
    tx.commit().unwrap();
}

#[test]
#[ignore]
fn measure_one_million_shipments() {
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var_os("DIVTRACE_BENCH_CASE").map(std::path::PathBuf::from).unwrap_or_else(|| dir.path().join("bench.db"));
    let _ = std::fs::remove_file(&path);
    let t = Instant::now();
    generate(&path, 20_000, 1_000_000);
    eprintln!("generate 1M shipments: {:.2?}", t.elapsed());

    let case = divtrace::store::Case::open(&path).unwrap();
    let t = Instant::now();
    let (g, skipped) = divtrace::store::graph::build_from_rows(&case).unwrap();
    eprintln!("graph from SQL rows: {:.2?} ({} skipped)", t.elapsed(), skipped.len());
    let bytes = g.heap_bytes();
    eprintln!(
        "graph memory: {bytes} bytes = {:.1} bytes/shipment ({} nodes, {} shipments, {} incoming index entries)",
        bytes as f64 / g.shipment_count() as f64,
        g.node_count(),
        g.shipment_count(),
        g.in_order.len()
    );
    let t = Instant::now();
    let blob = divtrace::graph::cache::to_bytes(&g);
    eprintln!("serialise: {:.2?}, {} bytes ({:.1}/shipment)", t.elapsed(), blob.len(), blob.len() as f64 / g.shipment_count() as f64);
    let generation = case.generation().unwrap();
    let t = Instant::now();
    divtrace::store::graph::write_cache(&case, generation, &g).unwrap();
    eprintln!("write graph_cache: {:.2?}", t.elapsed());
    let t = Instant::now();
    let h = divtrace::store::graph::read_cache(&case, generation).unwrap().unwrap();
    eprintln!("graph from cache: {:.2?}", t.elapsed());
    assert_eq!(h.shipment_count(), g.shipment_count());
    drop(case);

    for (label, clear) in [("whole process, cache stale (rebuild + save)", true), ("whole process, cache current", false)] {
        if clear {
            Connection::open(&path).unwrap().execute("DELETE FROM graph_cache", []).unwrap();
        }
        let t = Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_divtrace"))
            .args([
                "routes",
                "--case",
                path.to_str().unwrap(),
                "--from",
                "country:US",
                "--to",
                "country:RU",
                "--max-hops",
                "4",
                "--all",
                "--format",
                "csv",
            ])
            .output()
            .unwrap();
        let el = t.elapsed();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let rows = out.stdout.iter().filter(|&&b| b == b'\n').count() - 1;
        eprintln!("{label}: {el:.2?} ({rows} hop rows of output)");
    }
    let t = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_divtrace"))
        .args([
            "routes",
            "--case",
            path.to_str().unwrap(),
            "--from",
            "country:US",
            "--to",
            "country:RU",
            "--max-hops",
            "4",
            "--limit",
            "20",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    eprintln!("whole process, top 20 as JSON: {:.2?}; total_routes {}", t.elapsed(), v["stats"]["total_routes"]);
}
