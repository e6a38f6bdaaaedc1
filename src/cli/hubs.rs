//! `divtrace hubs`: rank the intermediaries (and their countries) that carry
//! the routes between two selections, by value, routes and betweenness.

use std::io::Write;

use divtrace::assess::hubs::hubs;
use divtrace::assess::report::{hubs_report, HubsReport};
use divtrace::model::Day;
use divtrace::routes::{resolve_query, QuerySpec, Selector};
use divtrace::store::{graph::load_graph, Case};
use divtrace::{Error, Result};

use super::{io, CaseArg, Format};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub case: CaseArg,
    /// Where routes start (repeatable, a union), as for `routes`: country:US, origin:US, brand:TEXT, ...
    #[arg(long, value_name = "SEL", required = true)]
    pub from: Vec<String>,
    /// Where routes end (repeatable, a union): country:RU, list:sdn, ...
    #[arg(long, value_name = "SEL", required = true)]
    pub to: Vec<String>,
    #[arg(long, default_value_t = 5)]
    pub max_hops: u32,
    #[arg(long, default_value_t = 180)]
    pub max_dwell_days: i32,
    /// Only CHPL goods of this tier or a more sensitive one (1 = integrated circuits)
    #[arg(long, value_name = "N")]
    pub chpl_tier: Option<u8>,
    /// Only goods on the CHPL
    #[arg(long)]
    pub chpl: bool,
    /// Only shipments whose HS code starts with PREFIX (repeatable)
    #[arg(long, value_name = "PREFIX")]
    pub hs: Vec<String>,
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Show the K biggest intermediaries
    #[arg(long, value_name = "K", default_value_t = 20)]
    pub limit: usize,
    /// Show every intermediary
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn date(flag: &str, v: &Option<String>) -> Result<Option<Day>> {
    v.as_deref()
        .map(|s| Day::parse_iso(s.trim()).ok_or_else(|| Error::usage(flag, format!("'{s}' is not a date (expected YYYY-MM-DD)"))))
        .transpose()
}

pub fn run(a: Args, out: &mut dyn Write) -> Result<()> {
    let sels = |flag: &str, v: &[String]| v.iter().map(|s| Selector::parse(flag, s)).collect::<Result<Vec<_>>>();
    let spec = QuerySpec {
        from: sels("--from", &a.from)?,
        to: sels("--to", &a.to)?,
        max_hops: a.max_hops,
        max_dwell_days: a.max_dwell_days,
        hs: a.hs.clone(),
        chpl_max_tier: a.chpl_tier.or(a.chpl.then_some(4)),
        since: date("--since", &a.since)?,
        until: date("--until", &a.until)?,
        limit: None,
        ..QuerySpec::default()
    };
    let case = Case::open(&a.case.case)?;
    let (g, _) = load_graph(&case)?;
    let q = resolve_query(&g, &case, &spec)?;
    let h = hubs(&g, &q);
    let rep = hubs_report(&case, &g, &spec, &h, (!a.all).then_some(a.limit))?;
    match a.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &rep).map_err(|e| Error::Other(format!("writing JSON: {e}")))?;
            io(writeln!(out))
        }
        Format::Table => io(write_table(out, &rep)),
        Format::Csv => io(write_csv(out, &rep)),
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
        let name: String = h.name.chars().take(40).collect();
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

fn write_csv(out: &mut dyn Write, rep: &HubsReport) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| std::io::Error::other(e.to_string());
    w.write_record(["kind", "rank", "entity", "name", "country", "intermediaries", "routes", "route_share", "shipments", "value_usd", "value_share", "betweenness"])
        .map_err(err)?;
    for (i, c) in rep.countries.iter().enumerate() {
        w.write_record([
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
        ])
        .map_err(err)?;
    }
    for h in &rep.hubs {
        w.write_record([
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
        ])
        .map_err(err)?;
    }
    w.flush()
}
