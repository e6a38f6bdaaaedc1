//! `divtrace synth`: write a fictional case bundle with planted schemes and a truth file.

use std::io::Write;
use std::path::PathBuf;

use divtrace::model::Day;
use divtrace::synth::{generate, Config};
use divtrace::{Error, Result};

#[derive(clap::Args)]
pub struct Args {
    /// Seed of the random generator; the same seed and flags write the same bytes
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of lines in shipments.csv (100 to 100,000,000)
    #[arg(long)]
    shipments: u64,
    /// Output directory (created; must be empty unless --force)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Planted diversion schemes [default: shipments/20000, at least 3, at most 500]
    #[arg(long)]
    schemes: Option<usize>,
    /// Decoys that look suspicious but are not diversion [default: as many as schemes, at least 9]
    #[arg(long)]
    decoys: Option<usize>,
    /// Fraction of companies that also appear under extra ids with variant spellings (0 to 1)
    #[arg(long, default_value_t = 0.05)]
    dup_rate: f64,
    /// First day of the window (YYYY-MM-DD)
    #[arg(long, default_value = "2021-01-01")]
    start: String,
    /// Last day of the window (YYYY-MM-DD)
    #[arg(long, default_value = "2024-12-31")]
    end: String,
    /// Hub traders in TR, AE, HK, CN and KZ that take a large share of the trade (see docs/synth.md) [default: none]
    #[arg(long, default_value_t = 0)]
    hubs: usize,
    /// Write into a non-empty directory, replacing the bundle files there
    #[arg(long)]
    force: bool,
}

fn day(flag: &str, s: &str) -> Result<Day> {
    Day::parse_iso(s).ok_or_else(|| Error::usage(flag, format!("expected a date YYYY-MM-DD, got '{s}'")))
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<()> {
    if !(0.0..=1.0).contains(&args.dup_rate) {
        return Err(Error::usage("--dup-rate", format!("must be between 0 and 1, got {}", args.dup_rate)));
    }
    let cfg = Config {
        seed: args.seed,
        shipments: args.shipments,
        schemes: args.schemes,
        decoys: args.decoys,
        dup_per_mille: (args.dup_rate * 1000.0).round() as u64,
        start: day("--start", &args.start)?,
        end: day("--end", &args.end)?,
        hubs: args.hubs,
    };
    cfg.validate()?;
    let dir = &args.out;
    if dir.exists() {
        if !dir.is_dir() {
            return Err(Error::usage("--out", format!("{} exists and is not a directory", dir.display())));
        }
        let non_empty = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.next().is_some();
        if non_empty && !args.force {
            return Err(Error::usage("--out", format!("{} is not empty; pass --force to overwrite the bundle files in it", dir.display())));
        }
    } else {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let s = generate(&cfg, dir)?;
    super::io(writeln!(
        out,
        "wrote {}: {} entities, {} shipments ({} planted), {} schemes, {} decoys, {} duplicate clusters",
        dir.display(),
        s.entities,
        s.shipments,
        s.planted_shipments,
        s.schemes,
        s.decoys,
        s.clusters
    ))
}
