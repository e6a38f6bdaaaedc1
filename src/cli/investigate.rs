//! `divtrace investigate BUNDLE_DIR --out DIR`: the main job in one command.
//! Ingests the bundle into DIR/case.db, searches the routes from US-origin
//! goods and US makers to Russian and Belarusian consignees, and writes the
//! diagram and evidence report into DIR.

use std::io::Write;
use std::path::PathBuf;

use divtrace::app::investigate::investigate;
use divtrace::Result;

use super::printers::{ingest_summary, resolve_summary};
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
    /// A goods list (CSV hs_code,list,description,source; repeatable): its goods count as controlled, like the CHPL's
    #[arg(long, value_name = "FILE")]
    pub goods: Vec<PathBuf>,
    /// Only controlled goods: on the CHPL or on a list loaded with --goods
    #[arg(long)]
    pub controlled: bool,
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<()> {
    // Read the goods lists first: a bad file stops the run before anything is written.
    let goods = divtrace::refdata::goods::GoodsLists::load(&args.goods)?;
    let inv = investigate(&args.bundle, &args.out, args.limit, !args.quiet, &goods, args.controlled)?;
    let case_path = &inv.case_path;
    ingest_summary(&inv.summary, case_path, Format::Table, out)?;
    io(writeln!(out, "\n== Entity resolution\n"))?;
    io(writeln!(out, "{}", resolve_summary(&inv.resolution)))?;
    io(writeln!(out, "(divtrace resolve --case {} lists the clusters and their evidence)", case_path.display()))?;

    io(writeln!(out, "\n== Routes: US makers and US-origin goods to Russia and Belarus, grouped into channels\n"))?;
    let rep = &inv.channels;
    // One line per channel here; `divtrace routes --group` and the report have every hop.
    io(writeln!(
        out,
        "{} route(s) in {} channel(s); the {} best:",
        rep.stats.total_routes,
        rep.stats.total_channels.unwrap_or(0),
        rep.channels.as_ref().map_or(0, Vec::len)
    ))?;
    for c in rep.channels.iter().flatten() {
        io(writeln!(
            out,
            "\n{:>3}. score {:>3}  {} route(s)  HS {}  {} .. {}  US$ {} shipped",
            c.rank,
            c.score,
            c.routes,
            c.hs,
            c.first_date,
            c.last_date,
            divtrace::export::view::money(c.value_shipped)
        ))?;
        let chain: Vec<String> = c
            .entities
            .iter()
            .zip(&c.entity_names)
            .map(|(id, n)| format!("{} [{}]", divtrace::text::safe::term(n), divtrace::text::safe::term(id)))
            .collect();
        io(writeln!(out, "     {}", chain.join(" -> ")))?;
    }
    if inv.hidden > 0 {
        io(writeln!(
            out,
            "\n({} channel(s) that are parts of longer ones above are not listed; `divtrace routes --group` lists all)",
            inv.hidden
        ))?;
    }
    if let Some(m) = &rep.message {
        io(writeln!(out, "{m}"))?;
    }

    io(writeln!(out, "\n== Evidence\n"))?;
    io(writeln!(out, "== Parties on these routes by risk (divtrace assess; every factor is in the report)\n"))?;
    for a in inv.assessments.iter().take(args.limit) {
        let codes: Vec<&str> = a.factors.iter().take(4).map(|f| f.code.code()).collect();
        io(writeln!(
            out,
            "  {:>3} {:<7} {} [{}] ({})  {}",
            a.score,
            a.band.as_str(),
            divtrace::text::safe::term(&a.name),
            divtrace::text::safe::term(&a.entity),
            divtrace::text::safe::term(a.country.as_deref().unwrap_or("??")),
            codes.join(", ")
        ))?;
    }
    io(writeln!(out))?;
    for line in &inv.report_lines {
        io(writeln!(out, "{line}"))?;
    }
    io(writeln!(
        out,
        "Open {} in a browser. Next: divtrace routes --case {} --from ... --to ...  (see README)",
        args.out.join("report.html").display(),
        case_path.display()
    ))
}
