//! `divtrace routes`: search a case for transshipment routes, group them
//! into channels, or explain why none connects two parties.

use std::io::Write;
use std::path::PathBuf;

use divtrace::model::Day;
use divtrace::routes::report::{channels_report, explain_report, routes_report, ExplainReport, RouteOut, RoutesReport, Text};
use divtrace::routes::{collect_routes, explain::explain, group::group_routes, resolve_query, QuerySpec, Selector};
use divtrace::store::{graph::load_graph, Case};
use divtrace::{Error, Result};

use super::output::{self, io, Csv, Format};
use super::CaseArg;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub case: CaseArg,
    #[command(flatten)]
    pub query: QueryArgs,
    /// Fold routes with the same chain of entities and HS digits into channels
    #[arg(long, conflicts_with = "explain")]
    pub group: bool,
    /// Say why no route connects --from to --to
    #[arg(long)]
    pub explain: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// The route query flags, shared by `routes`, `export` and `report`.
#[derive(clap::Args, Clone, Debug)]
pub struct QueryArgs {
    /// Where routes start (repeatable, a union): country:US, entity:ID, role:manufacturer,
    /// list:entity_list, name:TEXT, or goods declared on the first hop: origin:US, brand:TEXT
    #[arg(long, value_name = "SEL")]
    pub from: Vec<String>,
    /// Where routes end (repeatable, a union): country:, entity:, role:, list:, name:
    #[arg(long, value_name = "SEL")]
    pub to: Vec<String>,
    /// Some entity of the route must match (repeatable, a union)
    #[arg(long, value_name = "SEL")]
    pub via: Vec<String>,
    /// No entity of the route may match (repeatable)
    #[arg(long, value_name = "SEL")]
    pub avoid: Vec<String>,
    /// Most shipments in a route
    #[arg(long, default_value_t = 5)]
    pub max_hops: u32,
    /// Most days between a hop and the next
    #[arg(long, default_value_t = 180)]
    pub max_dwell_days: i32,
    /// HS digits consecutive hops must share: 4 or 6
    #[arg(long, default_value_t = 6)]
    pub hs_level: u32,
    /// Only shipments whose HS code starts with PREFIX (repeatable)
    #[arg(long, value_name = "PREFIX")]
    pub hs: Vec<String>,
    /// Only goods on the BIS Common High Priority List
    #[arg(long)]
    pub chpl: bool,
    /// Only CHPL goods of this tier or a more sensitive one (1 = integrated circuits); implies --chpl
    #[arg(long, value_name = "N")]
    pub chpl_tier: Option<u8>,
    /// A goods list to load: CSV hs_code,list,description,source with HS prefixes of 2 to 10 digits (repeatable)
    #[arg(long, value_name = "FILE")]
    pub goods: Vec<PathBuf>,
    /// Only controlled goods: on the CHPL or on a list loaded with --goods
    #[arg(long)]
    pub controlled: bool,
    /// Only shipments on or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only shipments on or before this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only shipments with a declared value of at least this many USD
    #[arg(long, value_name = "USD")]
    pub min_value: Option<f64>,
    /// Show the K best routes (or channels)
    #[arg(long, value_name = "K", default_value_t = 20)]
    pub limit: usize,
    /// Show every route (or channel)
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
}

fn selectors(flag: &str, v: &[String]) -> Result<Vec<Selector>> {
    v.iter().map(|s| Selector::parse(flag, s)).collect()
}

fn date(flag: &str, v: &Option<String>) -> Result<Option<Day>> {
    v.as_deref()
        .map(|s| Day::parse_iso(s.trim()).ok_or_else(|| Error::usage(flag, format!("'{s}' is not a date (expected YYYY-MM-DD)"))))
        .transpose()
}

/// The library query for these flags.
pub fn spec(a: &QueryArgs) -> Result<QuerySpec> {
    if let Some(v) = a.min_value {
        if !v.is_finite() || v < 0.0 {
            return Err(Error::usage("--min-value", format!("must be a non-negative number, got {v}")));
        }
    }
    Ok(QuerySpec {
        from: selectors("--from", &a.from)?,
        to: selectors("--to", &a.to)?,
        via: selectors("--via", &a.via)?,
        avoid: selectors("--avoid", &a.avoid)?,
        max_hops: a.max_hops,
        max_dwell_days: a.max_dwell_days,
        hs_level: a.hs_level,
        hs: a.hs.clone(),
        chpl_max_tier: a.chpl_tier.or(a.chpl.then_some(4)),
        goods: divtrace::refdata::goods::GoodsLists::load(&a.goods)?,
        controlled: a.controlled,
        since: date("--since", &a.since)?,
        until: date("--until", &a.until)?,
        min_value: a.min_value,
        limit: (!a.all).then_some(a.limit),
    })
}

pub fn run(a: Args, out: &mut dyn Write) -> Result<()> {
    let spec = spec(&a.query)?;
    let case = Case::open(&a.case.case)?;
    let (g, _load) = load_graph(&case)?;
    let q = resolve_query(&g, &case, &spec)?;
    if a.explain {
        let ex = explain(&g, &q);
        let rep = explain_report(&case, &g, &spec, &ex)?;
        return match a.format {
            Format::Json => output::json(out, &rep),
            Format::Table => io(write_explain_table(out, &rep)),
            Format::Csv => write_explain_csv(out, &rep),
        };
    }
    // serde and the printers make many small writes: a large buffer of a
    // concrete type lets them inline and reaches the process's output in
    // few large writes.
    let mut buf = std::io::BufWriter::with_capacity(1 << 16, out);
    let out = &mut buf;
    let rep = if a.group {
        channels_report(&case, &g, &spec, &q, &group_routes(&g, &q))?
    } else {
        routes_report(&case, &g, &spec, &q, &collect_routes(&g, &q))?
    };
    let written = match a.format {
        Format::Json => output::json(out, &rep),
        Format::Table => io(write_table(out, &rep)),
        Format::Csv => write_csv(out, &rep),
    }
    .and_then(|()| io(out.flush()));
    // The process ends here: freeing millions of small allocations one by
    // one would cost more than the search (measured on 1M shipments).
    std::mem::forget(rep);
    std::mem::forget(q);
    std::mem::forget(g);
    written
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(String::new, ToString::to_string)
}

fn text(v: &Option<Text>) -> &str {
    v.as_deref().unwrap_or("")
}

/// `ID NAME (CC)`, written in place: the table has a line per hop, and
/// building each piece as a String first cost more than writing it.
fn write_party<W: Write + ?Sized>(out: &mut W, id: &str, name: &str, country: &Option<String>) -> std::io::Result<()> {
    write!(out, "{id} {name} ({})", country.as_deref().unwrap_or("??"))
}

fn write_route_block<W: Write + ?Sized>(out: &mut W, r: &RouteOut, title: std::fmt::Arguments) -> std::io::Result<()> {
    writeln!(out, "{title}  score {}  {} hop(s)", r.score, r.hops.len())?;
    for h in &r.hops {
        write!(out, "  {}. {}  ", h.hop, h.date)?;
        write_party(out, &h.shipper, &h.shipper_name, &h.shipper_country)?;
        out.write_all(b" -> ")?;
        write_party(out, &h.consignee, &h.consignee_name, &h.consignee_country)?;
        write!(out, "\n     HS {}  ", h.hs)?;
        match h.value_usd {
            Some(v) => write!(out, "{v} USD")?,
            None => out.write_all(b"value ?")?,
        }
        if let Some(d) = h.dwell_days {
            write!(out, "  dwell {d} d")?;
        }
        if let Some(m) = h.manufacturer.as_deref() {
            write!(out, "  mfr {m}")?;
        }
        if let Some(o) = h.origin_country.as_deref() {
            write!(out, "  origin {o}")?;
        }
        write!(out, "  shipment {}", h.shipment)?;
        if let Some(d) = h.declaration.as_deref() {
            write!(out, " decl {d}")?;
        }
        writeln!(out, "  ({}:{})", h.source_file, h.source_line)?;
        for (side, m) in [("shipper", &h.shipper_members), ("consignee", &h.consignee_members)] {
            if !m.is_empty() {
                write!(out, "     {side} cluster members: ")?;
                for (i, e) in m.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b", ")?;
                    }
                    out.write_all(e.as_bytes())?;
                }
                writeln!(out)?;
            }
        }
    }
    for reason in &r.reasons {
        write!(out, "  {:+4} {} {}", reason.points, reason.code, reason.detail)?;
        if !reason.evidence.is_empty() {
            out.write_all(b" [")?;
            for (i, e) in reason.evidence.iter().enumerate() {
                if i > 0 {
                    out.write_all(b", ")?;
                }
                out.write_all(e.as_bytes())?;
            }
            out.write_all(b"]")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

pub fn write_table<W: Write + ?Sized>(out: &mut W, rep: &RoutesReport) -> std::io::Result<()> {
    let s = &rep.stats;
    if let Some(m) = &rep.message {
        writeln!(out, "{m}")?;
        return Ok(());
    }
    if let Some(ch) = &rep.channels {
        writeln!(out, "{} route(s) in {} channel(s); showing {}", s.total_routes, s.total_channels.unwrap_or(0), ch.len())?;
        for c in ch {
            writeln!(out)?;
            let chain: Vec<String> = c.entities.iter().zip(&c.entity_names).map(|(i, n)| format!("{i} {n}")).collect();
            writeln!(out, "Channel {}  score {}  {} route(s)  HS {}", c.rank, c.score, c.routes, c.hs)?;
            writeln!(out, "  {}", chain.join(" -> "))?;
            let per_hop: Vec<String> = c.shipments_per_hop.iter().map(usize::to_string).collect();
            writeln!(
                out,
                "  {} to {}; shipments per hop {}; value shipped {} USD, delivered {} USD",
                c.first_date,
                c.last_date,
                per_hop.join("/"),
                c.value_shipped,
                c.value_delivered
            )?;
            write_route_block(out, &c.best_route, format_args!("  best route:"))?;
        }
        return Ok(());
    }
    writeln!(out, "{} route(s); showing {}", s.total_routes, rep.routes.len())?;
    for r in &rep.routes {
        writeln!(out)?;
        write_route_block(out, r, format_args!("Route {}", r.rank))?;
    }
    Ok(())
}

fn write_csv(out: &mut dyn Write, rep: &RoutesReport) -> Result<()> {
    let mut w = Csv::headless(out);
    if let Some(ch) = &rep.channels {
        w.row([
            "channel",
            "score",
            "routes",
            "hs",
            "hop",
            "shipper",
            "shipper_name",
            "consignee",
            "consignee_name",
            "shipments",
            "first_date",
            "last_date",
            "value_shipped",
            "value_delivered",
        ])?;
        for c in ch {
            let (rank, score, routes) = (c.rank.to_string(), c.score.to_string(), c.routes.to_string());
            let (shipped, delivered) = (c.value_shipped.to_string(), c.value_delivered.to_string());
            for (h, n) in c.shipments_per_hop.iter().enumerate() {
                let (hop, n) = ((h + 1).to_string(), n.to_string());
                w.row([
                    rank.as_str(),
                    &score,
                    &routes,
                    &c.hs,
                    &hop,
                    &c.entities[h],
                    &c.entity_names[h],
                    &c.entities[h + 1],
                    &c.entity_names[h + 1],
                    &n,
                    &c.first_date,
                    &c.last_date,
                    &shipped,
                    &delivered,
                ])?;
            }
        }
        return w.finish();
    }
    w.row([
        "rank",
        "score",
        "hop",
        "date",
        "shipment",
        "shipper",
        "shipper_name",
        "shipper_country",
        "consignee",
        "consignee_name",
        "consignee_country",
        "hs",
        "value_usd",
        "quantity",
        "unit",
        "manufacturer",
        "origin_country",
        "dwell_days",
        "declaration",
        "source_file",
        "source_line",
    ])?;
    for r in &rep.routes {
        let (rank, score) = (r.rank.to_string(), r.score.to_string());
        for h in &r.hops {
            let (hop, value, qty, dwell, line) =
                (h.hop.to_string(), opt(&h.value_usd), opt(&h.quantity), opt(&h.dwell_days), h.source_line.to_string());
            w.row([
                rank.as_str(),
                &score,
                &hop,
                &h.date,
                &h.shipment,
                &h.shipper,
                &h.shipper_name,
                opt(&h.shipper_country).as_str(),
                &h.consignee,
                &h.consignee_name,
                opt(&h.consignee_country).as_str(),
                &h.hs,
                &value,
                &qty,
                text(&h.unit),
                text(&h.manufacturer),
                text(&h.origin_country),
                &dwell,
                text(&h.declaration),
                &h.source_file,
                &line,
            ])?;
        }
    }
    w.finish()
}

fn write_explain_table(out: &mut dyn Write, rep: &ExplainReport) -> std::io::Result<()> {
    writeln!(out, "{}", rep.message)?;
    for c in &rep.chains {
        let chain: Vec<String> = c.entities.iter().zip(&c.entity_names).map(|(i, n)| format!("{i} {n}")).collect();
        writeln!(out)?;
        writeln!(out, "{}", chain.join(" -> "))?;
        writeln!(out, "  breaks at hop {} ({}): {}", c.hop, c.constraint, c.detail)?;
        writeln!(out, "  arrived: {}  left: {}", c.arrived.join(", "), c.left.join(", "))?;
    }
    Ok(())
}

fn write_explain_csv(out: &mut dyn Write, rep: &ExplainReport) -> Result<()> {
    let mut w = Csv::new(out, ["finding", "entities", "hop", "constraint", "detail", "arrived", "left"])?;
    if rep.chains.is_empty() {
        w.row([rep.finding.as_str(), "", "", "", rep.message.as_str(), "", ""])?;
    }
    for c in &rep.chains {
        w.row([
            rep.finding.clone(),
            c.entities.join(";"),
            c.hop.to_string(),
            c.constraint.clone(),
            c.detail.clone(),
            c.arrived.join(";"),
            c.left.join(";"),
        ])?;
    }
    w.finish()
}
