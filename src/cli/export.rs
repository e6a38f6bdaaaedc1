//! `divtrace export`: the routes of a query (or the neighbourhood of one
//! company) as a Graphviz diagram, GraphML or FollowTheMoney.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use divtrace::assess::report::{assess_report, AssessmentOut, Selection as AssessSelection};
use divtrace::assess::Weights;
use divtrace::export::diagram::{Band, Diagram};
use divtrace::export::render::{render, RenderFormat};
use divtrace::export::view::{self, Caption};
use divtrace::export::{dot, fold, ftm, graphml};
use divtrace::graph::{CaseGraph, Node};
use divtrace::routes::{collect_routes, resolve_query, route_nodes, QuerySpec};
use divtrace::store::evidence::Evidence;
use divtrace::store::{graph::load_graph, Case};
use divtrace::{Error, Result};

use super::routes::{spec, QueryArgs};
use super::{io, CaseArg};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub case: CaseArg,
    #[command(flatten)]
    pub query: QueryArgs,
    /// Instead of routes: the trade around one entity (bundle id, or SCOPE:ID)
    #[arg(long, value_name = "ID", conflicts_with_all = ["from", "to", "via", "avoid"])]
    pub entity: Option<String>,
    /// With --entity: how many shipment hops out from it
    #[arg(long, default_value_t = 1, requires = "entity")]
    pub depth: u32,
    /// The file to write (FILE.dot, FILE.graphml, FILE.jsonl)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// What to write: a Graphviz diagram, GraphML, or FollowTheMoney JSON lines
    #[arg(long, value_enum, default_value_t = ExportFormat::Dot)]
    pub format: ExportFormat,
    /// Also render the DOT with Graphviz (`dot`) to this format, beside the DOT file
    #[arg(long, value_enum)]
    pub render: Option<Render>,
    /// Most nodes in the diagram; background parties beyond it are folded per country
    #[arg(long, default_value_t = 60)]
    pub max_nodes: usize,
}

/// Above this many nodes, renders use sfdp instead of dot.
const SFDP_ABOVE: usize = 150;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Dot,
    Graphml,
    Ftm,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Render {
    Svg,
    Png,
    Pdf,
}

/// What an export selected: the evidence and the diagram drawn from it.
pub struct Selection {
    pub evidence: Evidence,
    pub diagram: Diagram,
    /// Routes drawn, as shipment row ids in hop order, best first.
    pub routes: Vec<Vec<i64>>,
    /// The routes as `divtrace routes` reports them (route selections only).
    pub report: Option<divtrace::routes::report::RoutesReport>,
    /// Assessments of the parties drawn (when asked for).
    pub assessments: Vec<AssessmentOut>,
}

pub fn run(a: Args, out: &mut dyn Write) -> Result<()> {
    if a.max_nodes < 5 {
        return Err(Error::usage("--max-nodes", "must be at least 5"));
    }
    if a.render.is_some() && a.format != ExportFormat::Dot {
        return Err(Error::usage("--render", "renders a DOT diagram; leave out --format or use --format dot"));
    }
    let case = Case::open(&a.case.case)?;
    let sel = match &a.entity {
        Some(id) => neighbourhood(&case, id, a.depth, a.max_nodes)?,
        None => {
            let spec = spec(&a.query)?;
            let (g, _) = load_graph(&case)?;
            routes_selection(&case, &g, &spec, a.max_nodes, a.format == ExportFormat::Dot)?
        }
    };
    let text = match a.format {
        ExportFormat::Dot => dot::to_dot(&sel.diagram),
        ExportFormat::Graphml => graphml::to_graphml(&sel.evidence),
        ExportFormat::Ftm => ftm::to_ftm(&sel.evidence),
    };
    write_file(&a.out, text.as_bytes())?;
    io(writeln!(
        out,
        "Wrote {} ({} entities, {} shipments, {} routes drawn).",
        a.out.display(),
        sel.evidence.entities.len(),
        sel.evidence.shipments.len(),
        sel.routes.len()
    ))?;
    for n in &sel.diagram.notes {
        io(writeln!(out, "  {n}"))?;
    }
    if let Some(r) = a.render {
        let format = match r {
            Render::Svg => RenderFormat::Svg,
            Render::Png => RenderFormat::Png,
            Render::Pdf => RenderFormat::Pdf,
        };
        // dot's layout time explodes past a few hundred labelled nodes (docs/export.md); sfdp copes.
        let layout = if sel.diagram.nodes.len() > SFDP_ABOVE { "sfdp" } else { "dot" };
        let path = render(&a.out, format, layout)?;
        let how = if layout == "sfdp" {
            format!(" with sfdp: {} nodes are too many for dot's layered layout", sel.diagram.nodes.len())
        } else {
            String::new()
        };
        io(writeln!(out, "Rendered {}{how}", path.display()))?;
    }
    Ok(())
}

pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

fn caption_lines(case: &Case) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    let files = case.input_files()?;
    for f in files.iter().take(8) {
        let name = Path::new(&f.path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        lines.push(format!("input {}/{name} sha256 {}", f.scope, &f.sha256));
    }
    if files.len() > 8 {
        lines.push(format!("... and {} more input files (divtrace info lists them)", files.len() - 8));
    }
    lines.push(format!("divtrace {}", divtrace::VERSION));
    Ok(lines)
}

pub fn query_title(spec: &QuerySpec) -> String {
    let sel = |flag: &str, v: &[divtrace::routes::Selector]| v.iter().map(|s| format!("{flag} {s}")).collect::<Vec<_>>();
    let mut parts: Vec<String> = Vec::new();
    parts.extend(sel("--from", &spec.from));
    parts.extend(sel("--to", &spec.to));
    parts.extend(sel("--via", &spec.via));
    parts.extend(sel("--avoid", &spec.avoid));
    parts.push(format!("--max-hops {} --max-dwell-days {} --hs-level {}", spec.max_hops, spec.max_dwell_days, spec.hs_level));
    for h in &spec.hs {
        parts.push(format!("--hs {h}"));
    }
    if let Some(t) = spec.chpl_max_tier {
        parts.push(format!("--chpl-tier {t}"));
    }
    for f in &spec.goods.files {
        parts.push(format!("--goods {f}"));
    }
    if spec.controlled {
        parts.push("--controlled".into());
    }
    if let Some(d) = spec.since {
        parts.push(format!("--since {d}"));
    }
    if let Some(d) = spec.until {
        parts.push(format!("--until {d}"));
    }
    if let Some(v) = spec.min_value {
        parts.push(format!("--min-value {v}"));
    }
    format!("divtrace routes {}", parts.join(" "))
}

/// The best routes of a query that fit in `max_nodes`, with their evidence.
pub fn routes_selection(case: &Case, g: &CaseGraph, spec: &QuerySpec, max_nodes: usize, assess: bool) -> Result<Selection> {
    let q = resolve_query(g, case, spec)?;
    let found = collect_routes(g, &q);
    let mut nodes: BTreeSet<Node> = BTreeSet::new();
    let mut routes: Vec<Vec<i64>> = Vec::new();
    let mut left_out = 0usize;
    for hit in &found.routes {
        let rn = route_nodes(g, &hit.ships);
        let new = rn.iter().filter(|v| !nodes.contains(v)).count();
        if nodes.len() + new > max_nodes {
            left_out += 1;
            continue;
        }
        nodes.extend(rn);
        routes.push(hit.rows.clone());
    }
    let ships: Vec<i64> = routes.iter().flatten().copied().collect::<BTreeSet<_>>().into_iter().collect();
    let members: Vec<i64> = nodes.iter().flat_map(|&v| g.node_members(v).iter().copied()).collect();
    let evidence = case.evidence(&ships, &members)?;
    let mut notes = vec![format!("{} of {} routes drawn (best first)", routes.len(), found.total)];
    if found.total as usize > found.routes.len() {
        notes[0] = format!("{} of {} routes drawn (best first; --limit {} / --all)", routes.len(), found.total, found.routes.len());
    }
    if left_out > 0 {
        notes.push(format!("{left_out} further routes left out to stay within --max-nodes {max_nodes}"));
    }
    let caption = Caption { title: query_title(spec), subtitle: caption_lines(case)?, notes };
    // The parties' risk, assessed over the whole case, colours the diagram.
    let assessments = if assess { assess_parties(case, g, &evidence, spec)? } else { Vec::new() };
    let bands = bands_by_cluster(&evidence, &assessments);
    let diagram = view::diagram(&evidence, &routes, spec.hs_level as usize, &bands, caption);
    let report = divtrace::routes::report::routes_report(case, g, spec, &q, &found)?;
    Ok(Selection { evidence, diagram, routes, report: Some(report), assessments })
}

/// Assesses the resolved parties in `ev` (by their representatives' `SCOPE:ID`).
fn assess_parties(case: &Case, g: &CaseGraph, ev: &Evidence, spec: &QuerySpec) -> Result<Vec<AssessmentOut>> {
    let ids: Vec<String> = ev.entities.values().filter(|e| e.row == e.cluster).map(|e| format!("{}:{}", e.scope, e.id)).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let weights = Weights { goods: spec.goods.clone(), ..Weights::defaults() };
    let rep = assess_report(case, g, &weights, &AssessSelection::Entities(&ids))?;
    Ok(rep.assessments)
}

/// Risk bands keyed by cluster row id, for the diagram.
fn bands_by_cluster(ev: &Evidence, assessments: &[AssessmentOut]) -> BTreeMap<i64, Band> {
    let mut by_id: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for e in ev.entities.values().filter(|e| e.row == e.cluster) {
        by_id.entry(e.id.as_str()).or_default().push(e.row);
    }
    let mut bands = BTreeMap::new();
    for a in assessments {
        // Assessment ids are bundle ids; where two scopes share one, both get the band only if unambiguous.
        if let Some(rows) = by_id.get(a.entity.as_str()).filter(|r| r.len() == 1) {
            bands.insert(rows[0], a.band);
        }
    }
    bands
}

/// The trade around one entity, `depth` shipment hops out in both directions.
fn neighbourhood(case: &Case, id: &str, depth: u32, max_nodes: usize) -> Result<Selection> {
    let (g, _) = load_graph(case)?;
    let spec = QuerySpec {
        from: vec![divtrace::routes::Selector::parse("--entity", &format!("entity:{id}"))?],
        to: vec![divtrace::routes::Selector::parse("--entity", &format!("entity:{id}"))?],
        ..QuerySpec::default()
    };
    let q = resolve_query(&g, case, &spec).map_err(|e| match e {
        Error::Usage { message, .. } => Error::usage("--entity", message),
        other => other,
    })?;
    let centre: Vec<Node> = (0..g.node_count() as Node).filter(|&v| q.to_nodes[v as usize]).collect();
    let (ships, nodes) = around(&g, &centre, depth);
    let members: Vec<i64> = nodes.iter().flat_map(|&v| g.node_members(v).iter().copied()).collect();
    let rows: Vec<i64> = ships.iter().map(|&s| g.ship_row[s]).collect();
    let evidence = case.evidence(&rows, &members)?;
    let caption = Caption {
        title: format!("divtrace export --entity {id} --depth {depth}"),
        subtitle: caption_lines(case)?,
        notes: vec![format!("{} shipments among {} parties", rows.len(), nodes.len())],
    };
    let diagram = view::diagram(&evidence, &[], 6, &BTreeMap::new(), caption);
    let keep: BTreeSet<usize> = diagram
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| centre.iter().any(|&c| g.node_members(c).iter().any(|m| evidence.entities.get(m).is_some_and(|e| e.id == n.key))))
        .map(|(i, _)| i)
        .collect();
    let diagram = fold::fold(diagram, max_nodes, &keep);
    Ok(Selection { evidence, diagram, routes: Vec::new(), report: None, assessments: Vec::new() })
}

/// Shipments within `depth` hops of `centre` (either direction), and their parties.
fn around(g: &CaseGraph, centre: &[Node], depth: u32) -> (Vec<usize>, BTreeSet<Node>) {
    // Incoming shipments per node, built once: the graph keeps only outgoing ranges.
    let mut incoming: BTreeMap<Node, Vec<usize>> = BTreeMap::new();
    let mut seen: BTreeSet<Node> = centre.iter().copied().collect();
    let mut frontier: Vec<Node> = centre.to_vec();
    let mut ships: BTreeSet<usize> = BTreeSet::new();
    let frontier_set = |f: &[Node]| f.iter().copied().collect::<BTreeSet<_>>();
    for _ in 0..depth {
        let fs = frontier_set(&frontier);
        incoming.clear();
        for s in 0..g.shipment_count() {
            if fs.contains(&g.consignee[s]) {
                incoming.entry(g.consignee[s]).or_default().push(s);
            }
        }
        let mut next = Vec::new();
        for &v in &frontier {
            let out = g.out_range(v);
            for s in out.chain(incoming.get(&v).cloned().unwrap_or_default()) {
                ships.insert(s);
                for w in [g.shipper[s], g.consignee[s]] {
                    if seen.insert(w) {
                        next.push(w);
                    }
                }
            }
        }
        frontier = next;
    }
    (ships.into_iter().collect(), seen)
}
