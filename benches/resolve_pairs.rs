//! Name-scoring throughput on the candidate pairs `divtrace resolve` compares,
//! for the side-by-side with rapidfuzz (benches/resolve_rapidfuzz.py).
//!
//! Reads a bundle's entities.csv (columns id, name, country, kind optional),
//! computes the candidate pairs with the resolver's own blocking, writes them
//! to PAIRS (CSV: name_a,name_b) and times, on one thread, normalising every
//! name once and scoring every pair with `strict_similarity` (the score
//! clustering uses).
//!
//! Usage: cargo bench --bench resolve_pairs -- ENTITIES.csv PAIRS.csv

use std::time::Instant;

use divtrace::model::EntityKind;
use divtrace::resolve::cluster::{candidate_pairs, Record};
use divtrace::resolve::matching::strict_similarity;
use divtrace::resolve::normalise::normalise_name;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: resolve_pairs ENTITIES.csv PAIRS.csv");
        std::process::exit(2);
    };
    let mut rdr = csv::Reader::from_path(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    let head = rdr.headers().expect("header").clone();
    let col = |n: &str| head.iter().position(|h| h == n);
    let (name, country, kind) = (col("name").expect("a name column"), col("country"), col("kind"));
    let records: Vec<Record> = rdr
        .records()
        .enumerate()
        .map(|(i, r)| {
            let r = r.expect("a CSV row");
            let cell = |c: Option<usize>| c.map(|c| r[c].to_string()).filter(|s| !s.is_empty());
            Record {
                id: i as i64 + 1,
                kind: Some(cell(kind).and_then(|k| EntityKind::parse(&k)).unwrap_or(EntityKind::Company)),
                names: vec![r[name].to_string()],
                country: cell(country),
                ..Default::default()
            }
        })
        .collect();
    let t = Instant::now();
    let pairs = candidate_pairs(&records);
    let blocking = t.elapsed().as_secs_f64();
    let mut w = csv::Writer::from_path(output).unwrap_or_else(|e| panic!("{output}: {e}"));
    w.write_record(["a", "b"]).expect("write");
    for &(i, j) in &pairs {
        w.write_record([&records[i as usize].names[0], &records[j as usize].names[0]]).expect("write");
    }
    w.flush().expect("write");

    let t = Instant::now();
    let norm: Vec<_> = records.iter().map(|r| normalise_name(&r.names[0])).collect();
    let normalising = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut sum = 0.0;
    for &(i, j) in &pairs {
        sum += strict_similarity(&norm[i as usize], &norm[j as usize]);
    }
    let scoring = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut sum2 = 0.0;
    for &(i, j) in &pairs {
        sum2 += strict_similarity(&normalise_name(&records[i as usize].names[0]), &normalise_name(&records[j as usize].names[0]));
    }
    let both = t.elapsed().as_secs_f64();
    assert!((sum - sum2).abs() < 1e-6 * pairs.len().max(1) as f64);
    let p = pairs.len() as f64;
    println!("records {}  candidate pairs {}  blocking {blocking:.2} s (all threads)", records.len(), pairs.len());
    println!("normalise every name once: {normalising:.2} s ({:.0} names/s)", records.len() as f64 / normalising);
    println!(
        "strict_similarity on pre-normalised pairs: {scoring:.2} s = {:.0} pairs/s (one thread; mean score {:.3})",
        p / scoring,
        sum / p
    );
    println!("normalise both + strict_similarity per pair: {both:.2} s = {:.0} pairs/s (one thread)", p / both);
}
