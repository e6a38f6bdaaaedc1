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
    /// A goods list (CSV hs_code,list,description,source; repeatable): its goods count as controlled, like the CHPL's
    #[arg(long, value_name = "FILE")]
    pub goods: Vec<PathBuf>,
    /// Only controlled goods: on the CHPL or on a list loaded with --goods
    #[arg(long)]
    pub controlled: bool,
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
    // Read the goods lists first: a bad file stops the run before anything is written.
    let goods = divtrace::refdata::goods::GoodsLists::load(&args.goods)?;
    std::fs::create_dir_all(&args.out).map_err(|e| Error::io(&args.out, e))?;
    let case_path = args.out.join("case.db");
    let opts = ingest::Options { progress: !args.quiet, ..Default::default() };
    let summary = super::ingest::ingest_into(&case_path, &args.bundle, &opts, false)?;
    super::ingest::print_summary(&summary, &case_path, Format::Table, out)?;

    // The same company under several ids breaks routes exactly where they matter: resolve first.
    io(writeln!(out, "\n== Entity resolution\n"))?;
    let mut said = Vec::new();
    super::resolve::run(
        super::resolve::Args {
            case: super::CaseArg { case: case_path.clone() },
            merge: None,
            split: None,
            review: false,
            format: Format::Table,
        },
        &mut said,
    )?;
    let said = String::from_utf8_lossy(&said);
    io(writeln!(out, "{}", said.lines().last().unwrap_or("")))?;
    io(writeln!(out, "(divtrace resolve --case {} lists the clusters and their evidence)", case_path.display()))?;
    let case = Case::open(&case_path)?;

    io(writeln!(out, "\n== Routes: US makers and US-origin goods to Russia and Belarus, grouped into channels\n"))?;
    // Ask for more channels than shown: sub-chains are dropped from the summary below.
    let spec = QuerySpec { goods: goods.clone(), controlled: args.controlled, ..default_query(args.limit * 5)? };
    let (g, _) = load_graph(&case)?;
    let q = resolve_query(&g, &case, &spec)?;
    let mut rep = channels_report(&case, &g, &spec, &q, &group_routes(&g, &q))?;
    // A channel whose chain lies inside a longer channel's chain (same goods) is part of
    // that story, not a new one: the summary shows the longer one only.
    let hidden = drop_subchains(&mut rep);
    if let Some(c) = rep.channels.as_mut() {
        c.truncate(args.limit);
    }
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
        let chain: Vec<String> = c.entities.iter().zip(&c.entity_names).map(|(id, n)| format!("{n} [{id}]")).collect();
        io(writeln!(out, "     {}", chain.join(" -> ")))?;
    }
    if hidden > 0 {
        io(writeln!(
            out,
            "\n({hidden} channel(s) that are parts of longer ones above are not listed; `divtrace routes --group` lists all)"
        ))?;
    }
    if let Some(m) = &rep.message {
        io(writeln!(out, "{m}"))?;
    }

    io(writeln!(out, "\n== Evidence\n"))?;
    let report_spec = QuerySpec { limit: Some(20), goods, controlled: args.controlled, ..default_query(20)? };
    let (said, assessments) = super::report::write_report(&case, &report_spec, &args.out, 60)?;
    io(writeln!(out, "== Parties on these routes by risk (divtrace assess; every factor is in the report)\n"))?;
    for a in assessments.iter().take(args.limit) {
        let codes: Vec<&str> = a.factors.iter().take(4).map(|f| f.code.as_str()).collect();
        io(writeln!(
            out,
            "  {:>3} {:<7} {} [{}] ({})  {}",
            a.score,
            a.band.as_str(),
            a.name,
            a.entity,
            a.country.as_deref().unwrap_or("??"),
            codes.join(", ")
        ))?;
    }
    io(writeln!(out))?;
    for line in said {
        io(writeln!(out, "{line}"))?;
    }
    io(writeln!(
        out,
        "Open {} in a browser. Next: divtrace routes --case {} --from ... --to ...  (see README)",
        args.out.join("report.html").display(),
        case_path.display()
    ))
}

/// Removes channels whose entity chain is a contiguous part of a longer
/// channel's chain with the same HS digits; returns how many were removed.
fn drop_subchains(rep: &mut divtrace::routes::report::RoutesReport) -> usize {
    let Some(channels) = rep.channels.as_mut() else { return 0 };
    let all: Vec<(Vec<String>, String)> = channels.iter().map(|c| (c.entities.clone(), c.hs.clone())).collect();
    let before = channels.len();
    channels.retain(|c| {
        !all.iter().any(|(longer, hs)| {
            *hs == c.hs && longer.len() > c.entities.len() && longer.windows(c.entities.len()).any(|w| w == c.entities.as_slice())
        })
    });
    for (i, c) in channels.iter_mut().enumerate() {
        c.rank = i + 1;
    }
    before - channels.len()
}
