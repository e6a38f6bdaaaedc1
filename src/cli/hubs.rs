//! `divtrace hubs`: rank the intermediaries (and their countries) that carry
//! the routes between two selections, by value, routes and betweenness.

use std::io::Write;

use divtrace::app::routes::hubs;
use divtrace::assess::report::HubsReport;
use divtrace::{Error, Result};

use super::output::{self, io, Csv, Format, SheetFormat, Target};
use super::query::{spec, QueryArgs};
use super::CaseArg;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub case: CaseArg,
    /// The route query, exactly as for `divtrace routes`; `--limit K` / `--all`
    /// choose how many intermediaries are listed (every route is counted)
    #[command(flatten)]
    pub query: QueryArgs,
    #[arg(long, value_enum, default_value_t)]
    pub format: SheetFormat,
    /// The workbook to write with --format xlsx
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
}

pub fn run(a: Args, out: &mut dyn Write) -> Result<()> {
    if a.query.from.is_empty() || a.query.to.is_empty() {
        return Err(Error::usage(if a.query.from.is_empty() { "--from" } else { "--to" }, "hubs needs both --from and --to selectors"));
    }
    let spec = spec(&a.query)?;
    let target = a.format.target(a.out.as_deref())?;
    let rep = hubs(a.case.file(), &spec, (!a.query.all).then_some(a.query.limit))?;
    match target {
        Target::Workbook(path) => divtrace::export::xlsx::write(path, &divtrace::export::workbook::hubs(&rep)),
        Target::Print(Format::Json) => output::json(out, &rep),
        Target::Print(Format::Table) => io(write_table(out, &rep)),
        Target::Print(Format::Csv) => write_csv(out, &rep),
    }
}

fn write_table(out: &mut dyn Write, rep: &HubsReport) -> std::io::Result<()> {
    writeln!(out, "{} route(s)", rep.total_routes)?;
    if rep.total_routes == 0 {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{:<4} {:<22} {:>6} {:>8} {:>7} {:>16} {:>7}", "", "country", "hubs", "routes", "share", "value USD", "share")?;
    for c in &rep.countries {
        writeln!(
            out,
            "{:<4} {:<22} {:>6} {:>8} {:>6.1}% {:>16.0} {:>6.1}%",
            c.country.as_deref().unwrap_or("??"),
            c.country_name.as_deref().unwrap_or("unknown"),
            c.intermediaries,
            c.routes,
            c.route_share * 100.0,
            c.value_usd,
            c.value_share * 100.0
        )?;
    }
    writeln!(out)?;
    writeln!(out, "{:>4} {:<14} {:<40} {:<3} {:>7} {:>16} {:>11}", "rank", "entity", "name", "cc", "routes", "value USD", "betweenness")?;
    for h in &rep.hubs {
        let name: String = divtrace::text::safe::term(&h.name).chars().take(40).collect();
        writeln!(
            out,
            "{:>4} {:<14} {:<40} {:<3} {:>7} {:>16.0} {:>11.3}",
            h.rank,
            h.entity,
            name,
            h.country.as_deref().unwrap_or("??"),
            h.routes,
            h.value_usd,
            h.betweenness
        )?;
    }
    Ok(())
}

fn write_csv(out: &mut dyn Write, rep: &HubsReport) -> Result<()> {
    let mut w = Csv::new(
        out,
        [
            "kind",
            "rank",
            "entity",
            "name",
            "country",
            "intermediaries",
            "routes",
            "route_share",
            "shipments",
            "value_usd",
            "value_share",
            "betweenness",
        ],
    )?;
    for (i, c) in rep.countries.iter().enumerate() {
        w.row([
            "country".to_string(),
            (i + 1).to_string(),
            String::new(),
            c.country_name.clone().unwrap_or_default(),
            c.country.clone().unwrap_or_default(),
            c.intermediaries.to_string(),
            c.routes.to_string(),
            c.route_share.to_string(),
            String::new(),
            c.value_usd.to_string(),
            c.value_share.to_string(),
            String::new(),
        ])?;
    }
    for h in &rep.hubs {
        w.row([
            "entity".to_string(),
            h.rank.to_string(),
            h.entity.clone(),
            h.name.clone(),
            h.country.clone().unwrap_or_default(),
            String::new(),
            h.routes.to_string(),
            String::new(),
            h.shipments.to_string(),
            h.value_usd.to_string(),
            String::new(),
            h.betweenness.to_string(),
        ])?;
    }
    w.finish()
}
