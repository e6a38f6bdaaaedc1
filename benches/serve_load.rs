//! A bounded load test of `divtrace serve`: CLIENTS threads, each with one
//! keep-alive connection, send REQUESTS GETs each (cycling through the
//! given paths) and time every answer. Prints one JSON line per path and
//! one for all: count, p50/p95/p99/max in ms, requests per second.
//!
//! `cargo bench --bench serve_load -- 127.0.0.1:PORT CLIENTS REQUESTS PATH [PATH ...]`
//! (benches/serve.sh runs it; docs/benchmarks.md has the figures).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn one(reader: &mut BufReader<TcpStream>, addr: &str, path: &str) -> std::io::Result<u16> {
    write!(reader.get_mut(), "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n")?;
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status: u16 = line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut len = 0usize;
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body)?;
    Ok(status)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn summary(label: &str, mut v: Vec<Duration>, wall: Duration) {
    v.sort_unstable();
    println!(
        "{{\"path\": {label:?}, \"requests\": {}, \"p50_ms\": {:.2}, \"p95_ms\": {:.2}, \"p99_ms\": {:.2}, \"max_ms\": {:.2}, \"per_second\": {:.0}}}",
        v.len(),
        pct(&v, 0.50),
        pct(&v, 0.95),
        pct(&v, 0.99),
        pct(&v, 1.0),
        v.len() as f64 / wall.as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.len() < 4 {
        eprintln!("usage: serve_load ADDR CLIENTS REQUESTS_PER_CLIENT PATH [PATH ...]");
        std::process::exit(2);
    }
    let addr = args[0].clone();
    let clients: usize = args[1].parse().expect("CLIENTS is a number");
    let per: usize = args[2].parse().expect("REQUESTS is a number");
    let paths: Vec<String> = args[3..].to_vec();
    let start = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let (addr, paths) = (addr.clone(), paths.clone());
            std::thread::spawn(move || {
                let stream = TcpStream::connect(&addr).expect("connect");
                stream.set_nodelay(true).ok();
                let mut r = BufReader::new(stream);
                let mut times: Vec<(usize, Duration)> = Vec::with_capacity(per);
                for i in 0..per {
                    let k = (c + i) % paths.len();
                    let t = Instant::now();
                    let status = one(&mut r, &addr, &paths[k]).expect("answer");
                    assert_eq!(status, 200, "{}", paths[k]);
                    times.push((k, t.elapsed()));
                }
                times
            })
        })
        .collect();
    let all: Vec<(usize, Duration)> = handles.into_iter().flat_map(|h| h.join().expect("client")).collect();
    let wall = start.elapsed();
    for (k, p) in paths.iter().enumerate() {
        summary(p, all.iter().filter(|x| x.0 == k).map(|x| x.1).collect(), wall);
    }
    summary("all", all.iter().map(|x| x.1).collect(), wall);
}
