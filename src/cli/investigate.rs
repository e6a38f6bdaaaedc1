//! `divtrace investigate BUNDLE_DIR --out DIR`: the main job in one command.
//! Ingests the bundle into DIR/case.db, searches the routes from US-origin
//! goods and US makers to Russian and Belarusian consignees, and writes the
//! diagram and evidence report into DIR.

use std::io::Write;
use std::path::PathBuf;

use divtrace::ingest;
use divtrace::routes::{group::group_routes, report::channels_report, resolve_query, QuerySpec, Selector};
use divtrace::store::{graph::load_graph, Case};
use divtrace::{Error, Result};

use super::{io, Format};

#[derive(clap::Args)]
pub struct Args {
    /// The case bundle to investigate (e.g. graphs/turkish-chips)
    #[arg(value_name = "BUNDLE_DIR")]
    pub bundle: PathBuf,
    /// Where the case file, diagram and report go (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// How many channels to list
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// No progress bars
    #[arg(long, short)]
    pub quiet: bool,
}

/// The question investigate asks: US makers or US-origin goods to Russia or Belarus.
pub fn default_query(limit: usize) -> Result<QuerySpec> {
    let sel = |flag: &str, s: &str| Selector::parse(flag, s);
    Ok(QuerySpec {
        from: vec![sel("--from", "country:US")?, sel("--from", "origin:US")?],
        to: vec![sel("--to", "country:RU")?, sel("--to", "country:BY")?],
        limit: Some(limit),
        ..QuerySpec::default()
    })
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<()> {
    std::fs::create_dir_all(&args.out).map_err(|e| Error::io(&args.out, e))?;
    let case_path = args.out.join("case.db");
    let opts = ingest::Options { progress: !args.quiet, ..Default::default() };
    let summary = super::ingest::ingest_into(&case_path, &args.bundle, &opts, false)?;
    super::ingest::print_summary(&summary, &case_path, Format::Table, out)?;
    let case = Case::open(&case_path)?;

    io(writeln!(out, "\n== Routes: US makers and US-origin goods to Russia and Belarus, grouped into channels\n"))?;
    let spec = default_query(args.limit)?;
    let (g, _) = load_graph(&case)?;
    let q = resolve_query(&g, &case, &spec)?;
    let rep = channels_report(&case, &g, &spec, &q, &group_routes(&g, &q))?;
    super::routes::write_table(out, &rep).map_err(|e| Error::io("stdout", e))?;

    io(writeln!(out, "\n== Evidence\n"))?;
    let report_spec = QuerySpec { limit: Some(20), ..spec };
    for line in super::report::write_report(&case, &report_spec, &args.out, 60)? {
        io(writeln!(out, "{line}"))?;
    }
    io(writeln!(
        out,
        "Open {} in a browser. Next: divtrace routes --case {} --from ... --to ...  (see README)",
        args.out.join("report.html").display(),
        case_path.display()
    ))
}
