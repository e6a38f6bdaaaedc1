//! `divtrace routes`: search a case for transshipment routes, group them
//! into channels, or explain why none connects two parties.

use std::io::Write;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use divtrace::app::import_routes::{import_routes, import_search};
use divtrace::app::routes::{route_query, search, streamed, Answer, Loaded, Mode};
use divtrace::app::CaseFile;
use divtrace::routes::collect::Found;
use divtrace::routes::report::{ExplainReport, RouteOut, RoutesReport, Text};
use divtrace::routes::QuerySpec;
use divtrace::text::safe::term;
use divtrace::Result;

use super::output::{self, io, Csv, Format, SheetFormat, Target};
use super::query::{job_spec, spec, QueryArgs};
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
    pub format: SheetFormat,
    /// The workbook to write with --format xlsx (routes, not --group or --explain)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Rank, group and report the routes the Spark job found (its --out file) instead of
    /// searching; the query is the one the job ran, so give only --limit/--all, --group, --format
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = [
            "explain", "from", "to", "via", "avoid", "max_hops", "max_dwell_days", "hs_level", "hs", "chpl",
            "chpl_tier", "goods", "controlled", "since", "until", "min_value", "mirror_days", "mirror_tolerance", "no_mirror",
        ]
    )]
    pub import_routes: Option<PathBuf>,
}

/// Where the routes come from: a search of the case, or a file of routes found elsewhere.
enum Source<'a> {
    Search(Box<QuerySpec>),
    File(&'a Path),
}

impl Source<'_> {
    /// The routes, kept as the query's limit says, for the streamed JSON.
    fn found(&self, case: CaseFile, limit: Option<usize>) -> Result<(Loaded, Cow<'_, QuerySpec>, Found)> {
        match self {
            Source::Search(spec) => search(case, spec).map(|(l, f)| (l, Cow::Borrowed(spec.as_ref()), f)),
            Source::File(path) => import_search(case, path, limit, &job_spec).map(|(l, s, f)| (l, Cow::Owned(s), f)),
        }
    }

    fn answer(&self, case: CaseFile, limit: Option<usize>, mode: Mode) -> Result<(Loaded, Answer)> {
        match self {
            Source::Search(spec) => route_query(case, spec, mode),
            Source::File(path) => import_routes(case, path, limit, mode, &job_spec),
        }
    }
}

pub fn run(a: Args, out: &mut dyn Write) -> Result<()> {
    // An imported file brings its query; only how many routes to show is ours.
    let limit = (!a.query.all).then_some(a.query.limit);
    let source = match &a.import_routes {
        Some(path) => Source::File(path),
        None => Source::Search(Box::new(spec(&a.query)?)),
    };
    let mode = if a.explain {
        Mode::Explain
    } else if a.group {
        Mode::Channels
    } else {
        Mode::Routes
    };
    let format = match a.format.target(a.out.as_deref())? {
        Target::Print(f) => f,
        Target::Workbook(_) if mode != Mode::Routes => {
            return Err(divtrace::Error::usage("--format", "xlsx is written for routes; leave out --group and --explain"));
        }
        Target::Workbook(path) => {
            let (_loaded, answer) = source.answer(a.case.file(), limit, mode)?;
            return match answer {
                Answer::Routes(rep) => divtrace::export::xlsx::write(path, &divtrace::export::workbook::routes(&rep)),
                Answer::Explain(_) => Err(divtrace::Error::Other("a route search answered with an explanation".into())),
            };
        }
    };
    if mode == Mode::Routes && format == Format::Json {
        // JSON is written while the routes are built, chunk by chunk: with
        // `--all` on a national case the routes outweigh the graph.
        let (loaded, spec, found) = source.found(a.case.file(), limit)?;
        let rep = streamed(&loaded, &spec, &found)?;
        let mut buf = std::io::BufWriter::with_capacity(1 << 16, out);
        let written = output::json(&mut buf, &rep).and_then(|()| io(buf.flush()));
        // As below: the process ends here, nothing to free one by one.
        std::mem::forget(rep);
        std::mem::forget(found);
        std::mem::forget(loaded);
        return written;
    }
    let (loaded, answer) = source.answer(a.case.file(), limit, mode)?;
    let rep = match answer {
        Answer::Explain(rep) => {
            return match format {
                Format::Json => output::json(out, &rep),
                Format::Table => io(write_explain_table(out, &rep)),
                Format::Csv => write_explain_csv(out, &rep),
            };
        }
        Answer::Routes(rep) => rep,
    };
    // serde and the printers make many small writes: a large buffer of a
    // concrete type lets them inline and reaches the process's output in
    // few large writes.
    let mut buf = std::io::BufWriter::with_capacity(1 << 16, out);
    let out = &mut buf;
    let written = match format {
        Format::Json => output::json(out, &rep),
        Format::Table => io(write_table(out, &rep)),
        Format::Csv => write_csv(out, &rep),
    }
    .and_then(|()| io(out.flush()));
    // The process ends here: freeing millions of small allocations one by
    // one would cost more than the search (measured on 1M shipments).
    std::mem::forget(rep);
    std::mem::forget(loaded);
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
    write!(out, "{} {} ({})", term(id), term(name), country.as_deref().unwrap_or("??"))
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
        if let Some(d) = &h.declared_value {
            write!(out, " [{}]", term(&d.describe()))?;
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
        if let Some(m) = &h.mirror {
            write!(out, "     mirror: shipment {} of {}", term(&m.shipment), m.date)?;
            if let Some(d) = m.declaration.as_deref() {
                write!(out, " decl {}", term(d))?;
            }
            writeln!(out, "  ({}:{}) — one consignment, two declarations, counted once", term(&m.source_file), m.source_line)?;
        }
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
            let chain: Vec<String> = c.entities.iter().zip(&c.entity_names).map(|(i, n)| format!("{} {}", term(i), term(n))).collect();
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
    if let Some(n) = s.mirror_pairs {
        writeln!(out, "{n} consignment(s) declared twice (export and import record): one hop each, counted once")?;
    }
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
    w.row(divtrace::routes::report::HOP_COLUMNS)?;
    for r in &rep.routes {
        let (rank, score) = (r.rank.to_string(), r.score.to_string());
        for h in &r.hops {
            let (hop, value, qty, dwell, line) =
                (h.hop.to_string(), opt(&h.value_usd), opt(&h.quantity), opt(&h.dwell_days), h.source_line.to_string());
            let d = h.declared_value.as_ref();
            let declared = d.map(|d| d.amount.to_string()).unwrap_or_default();
            let m = h.mirror.as_ref();
            let m_line = m.map(|m| m.source_line.to_string()).unwrap_or_default();
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
                &declared,
                d.map_or("", |d| d.currency.as_str()),
                d.map_or("", |d| d.usd),
                m.map_or("", |m| &*m.shipment),
                m.map_or("", |m| m.date.as_str()),
                m.and_then(|m| m.declaration.as_deref()).unwrap_or(""),
                m.map_or("", |m| &*m.source_file),
                &m_line,
            ])?;
        }
    }
    w.finish()
}

fn write_explain_table(out: &mut dyn Write, rep: &ExplainReport) -> std::io::Result<()> {
    writeln!(out, "{}", rep.message)?;
    for c in &rep.chains {
        let chain: Vec<String> = c.entities.iter().zip(&c.entity_names).map(|(i, n)| format!("{} {}", term(i), term(n))).collect();
        writeln!(out)?;
        writeln!(out, "{}", chain.join(" -> "))?;
        // Hop N leaves the N-th entity of the chain: say which, so the reader need not count.
        let at = c.hop.checked_sub(1).and_then(|i| c.entities.get(i)).map_or_else(String::new, |e| format!(", out of {}", term(e)));
        writeln!(out, "  breaks at hop {} ({}){at}: {}", c.hop, c.constraint, c.detail)?;
        writeln!(out, "  goods arrived with: {}; matching shipments out: {}", c.arrived.join(", "), c.left.join(", "))?;
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
