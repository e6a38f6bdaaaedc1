//! What an export or report draws: the best routes of a query that fit a
//! node budget, or the trade around one entity, with the evidence records
//! behind them and the diagram drawn from those.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::assess::report::{assess_report, AssessmentOut, Selection as AssessSelection};
use crate::assess::{Incoming, Weights};
use crate::error::{Error, Field, Result};
use crate::export::diagram::{Band, Diagram};
use crate::export::fold;
use crate::export::view::{self, Caption};
use crate::graph::mirror::Mirrors;
use crate::graph::{CaseGraph, Node};
use crate::routes::collect::RouteHit;
use crate::routes::{collect_routes, resolve_query, route_nodes, Query, QuerySpec, Selector};
use crate::store::evidence::Evidence;
use crate::store::{graph::load_graph, Case};

use super::CaseFile;

/// What an export selected: the evidence and the diagram drawn from it.
pub struct Selection {
    pub evidence: Evidence,
    pub diagram: Diagram,
    /// Routes drawn, as shipment row ids in hop order, best first.
    pub routes: Vec<Vec<i64>>,
    /// The routes as `divtrace routes` reports them (route selections only).
    pub report: Option<crate::routes::report::RoutesReport>,
    /// Assessments of the parties drawn (when asked for).
    pub assessments: Vec<AssessmentOut>,
}

pub fn caption_lines(case: &Case) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    let files = case.input_files()?;
    for f in files.iter().take(8) {
        let name = Path::new(&f.path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        lines.push(format!("input {}/{name} sha256 {}", f.scope, &f.sha256));
    }
    if files.len() > 8 {
        lines.push(format!("... and {} more input files (divtrace info lists them)", files.len() - 8));
    }
    lines.push(format!("divtrace {}", crate::VERSION));
    Ok(lines)
}

pub fn query_title(spec: &QuerySpec) -> String {
    let sel = |flag: &str, v: &[Selector]| v.iter().map(|s| format!("{flag} {s}")).collect::<Vec<_>>();
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
    let m = &spec.mirror;
    if !m.enabled {
        parts.push("--no-mirror".into());
    } else if *m != crate::graph::mirror::MirrorRules::default() {
        parts.push(format!("--mirror-days {} --mirror-tolerance {}", m.max_days, m.value_tolerance * 100.0));
    }
    format!("divtrace routes {}", parts.join(" "))
}

/// The best routes of a query that fit in `max_nodes`, with their evidence.
pub fn routes_selection(case: &Case, g: &CaseGraph, spec: &QuerySpec, max_nodes: usize, assess: bool) -> Result<Selection> {
    let q = resolve_query(g, case, spec)?;
    let found = collect_routes(g, &q);
    let (drawn, left_out) = fit(g, found.routes.iter(), max_nodes);
    let mut notes = vec![format!("{} of {} routes drawn (best first)", drawn.len(), found.total)];
    if found.total as usize > found.routes.len() {
        notes[0] = format!("{} of {} routes drawn (best first; --limit {} / --all)", drawn.len(), found.total, found.routes.len());
    }
    if left_out > 0 {
        notes.push(format!("{left_out} further routes left out to stay within --max-nodes {max_nodes}"));
    }
    let routes: Vec<Vec<i64>> = drawn.iter().map(|h| h.rows.clone()).collect();
    let evidence = route_evidence(case, g, &drawn)?;
    // The parties' risk, assessed over the whole case, colours the diagram.
    let assessments = if assess { assess_parties(case, g, &evidence, spec)? } else { Vec::new() };
    let bands = bands_by_cluster(&evidence, &assessments);
    let diagram = draw(case, g, spec, &q, &drawn, &evidence, &bands, &[], notes)?;
    let report = crate::routes::report::routes_report(case, g, spec, &q, &found)?;
    Ok(Selection { evidence, diagram, routes, report: Some(report), assessments })
}

/// Of `hits` (best first), those that fit in `max_nodes` parties together,
/// and how many were left out.
pub fn fit<'a>(g: &CaseGraph, hits: impl Iterator<Item = &'a RouteHit>, max_nodes: usize) -> (Vec<&'a RouteHit>, usize) {
    let mut nodes: BTreeSet<Node> = BTreeSet::new();
    let mut drawn = Vec::new();
    let mut left_out = 0usize;
    for hit in hits {
        let rn = route_nodes(g, &hit.ships);
        let new = rn.iter().filter(|v| !nodes.contains(v)).count();
        if nodes.len() + new > max_nodes {
            left_out += 1;
            continue;
        }
        nodes.extend(rn);
        drawn.push(hit);
    }
    (drawn, left_out)
}

/// The records behind `hits`: their shipments, and every member of their parties' clusters.
pub fn route_evidence(case: &Case, g: &CaseGraph, hits: &[&RouteHit]) -> Result<Evidence> {
    let ships: Vec<i64> = hits.iter().flat_map(|h| h.rows.iter().copied()).collect::<BTreeSet<_>>().into_iter().collect();
    let nodes: BTreeSet<Node> = hits.iter().flat_map(|h| route_nodes(g, &h.ships)).collect();
    let members: Vec<i64> = nodes.iter().flat_map(|&v| g.node_members(v).iter().copied()).collect();
    case.evidence(&ships, &members)
}

/// The diagram of `drawn` (best first; `evidence` holds at least their
/// records, and only those of `drawn` are drawn), coloured by `bands`, each
/// route's parties and arrows linked to `links` when given (one per route).
#[allow(clippy::too_many_arguments)]
pub fn draw(
    case: &Case,
    g: &CaseGraph,
    spec: &QuerySpec,
    q: &Query,
    drawn: &[&RouteHit],
    evidence: &Evidence,
    bands: &BTreeMap<i64, Band>,
    links: &[view::Link],
    notes: Vec<String>,
) -> Result<Diagram> {
    let rows: BTreeSet<i64> = drawn.iter().flat_map(|h| h.rows.iter().copied()).collect();
    let mut ev = evidence.clone();
    ev.shipments.retain(|r, _| rows.contains(r));
    let routes: Vec<Vec<i64>> = drawn.iter().map(|h| h.rows.clone()).collect();
    let caption = Caption { title: query_title(spec), subtitle: caption_lines(case)?, notes };
    let mirrors = mirror_declarations(case, g, &q.mirrors, drawn.iter().flat_map(|h| h.ships.iter().copied()))?;
    Ok(view::diagram(&ev, &routes, spec.hs_level as usize, bands, &mirrors, links, caption))
}

/// The mirror declaration (its `source`, else its bundle id) of each of
/// `ships` that has one, keyed by the shipment's row id.
fn mirror_declarations(
    case: &Case,
    g: &CaseGraph,
    mirrors: &Mirrors,
    ships: impl Iterator<Item = crate::graph::Ship>,
) -> Result<BTreeMap<i64, String>> {
    let pairs: BTreeMap<i64, i64> = ships.filter_map(|s| mirrors.of(s).map(|m| (g.ship_row[s as usize], g.ship_row[m as usize]))).collect();
    if pairs.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<i64> = pairs.values().copied().collect();
    let infos: BTreeMap<i64, String> =
        crate::routes::report::Lookup::shipments_by_id(case, &rows)?.into_iter().map(|i| (i.id, i.source.unwrap_or(i.input_id))).collect();
    Ok(pairs.into_iter().filter_map(|(a, b)| infos.get(&b).map(|d| (a, d.clone()))).collect())
}

/// Assesses the resolved parties in `ev` (by their representatives' `SCOPE:ID`).
pub fn assess_parties(case: &Case, g: &CaseGraph, ev: &Evidence, spec: &QuerySpec) -> Result<Vec<AssessmentOut>> {
    let ids: Vec<String> = ev.entities.values().filter(|e| e.row == e.cluster).map(|e| format!("{}:{}", e.scope, e.id)).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let weights = Weights { goods: spec.goods.clone(), ..Weights::defaults() };
    let rep = assess_report(case, g, &weights, &AssessSelection::Entities(&ids))?;
    Ok(rep.assessments)
}

/// Risk bands keyed by cluster row id, for the diagram.
pub fn bands_by_cluster(ev: &Evidence, assessments: &[AssessmentOut]) -> BTreeMap<i64, Band> {
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
pub fn neighbourhood(case: &Case, id: &str, depth: u32, max_nodes: usize) -> Result<Selection> {
    let (g, _) = load_graph(case)?;
    let spec =
        QuerySpec { from: vec![Selector::Entity(id.to_string())], to: vec![Selector::Entity(id.to_string())], ..QuerySpec::default() };
    let q = resolve_query(&g, case, &spec).map_err(|e| match e {
        // The query is built here, from the one entity: whatever is wrong is wrong with that entity.
        Error::Usage { message, .. } => Error::field(Field::Entity, message),
        Error::Query(q) => Error::field(Field::Entity, q.message_with(crate::routes::QueryField::as_str)),
        other => other,
    })?;
    let centre: Vec<Node> = (0..g.node_count() as Node).filter(|&v| q.to_nodes[v as usize]).collect();
    let (mut ships, nodes) = around(&g, &centre, depth);
    // A consignment declared twice is drawn once, with both declarations.
    let seconds: BTreeSet<usize> = q.mirrors.pairs().iter().map(|&(_, b)| b as usize).collect();
    ships.retain(|s| !seconds.contains(s));
    let mirrors = mirror_declarations(case, &g, &q.mirrors, ships.iter().map(|&s| s as crate::graph::Ship))?;
    let members: Vec<i64> = nodes.iter().flat_map(|&v| g.node_members(v).iter().copied()).collect();
    let rows: Vec<i64> = ships.iter().map(|&s| g.ship_row[s]).collect();
    let evidence = case.evidence(&rows, &members)?;
    let caption = Caption {
        title: format!("divtrace export --entity {id} --depth {depth}"),
        subtitle: caption_lines(case)?,
        notes: vec![format!("{} shipments among {} parties", rows.len(), nodes.len())],
    };
    let diagram = view::diagram(&evidence, &[], 6, &BTreeMap::new(), &mirrors, &[], caption);
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

/// A hand-picked view (the workspace's canvas): these shipment rows among
/// these entity rows, drawn with the caption, escaping and legend of every
/// other export; `bands` colours the parties already assessed.
pub fn view_of(
    case: &Case,
    rows: &[i64],
    members: &[i64],
    bands: &BTreeMap<i64, Band>,
    title: String,
    notes: Vec<String>,
) -> Result<Selection> {
    let evidence = case.evidence(rows, members)?;
    let caption = Caption { title, subtitle: caption_lines(case)?, notes };
    // Hand-picked rows are drawn as picked: both records of a mirror pair when both were picked.
    let diagram = view::diagram(&evidence, &[], 6, bands, &BTreeMap::new(), &[], caption);
    Ok(Selection { evidence, diagram, routes: Vec::new(), report: None, assessments: Vec::new() })
}

/// Shipments within `depth` hops of `centre` (either direction), and their parties.
fn around(g: &CaseGraph, centre: &[Node], depth: u32) -> (Vec<usize>, BTreeSet<Node>) {
    // The graph keeps outgoing shipments per node; incoming ones come from the index assess builds.
    let incoming = Incoming::build(g);
    let mut seen: BTreeSet<Node> = centre.iter().copied().collect();
    let mut frontier: Vec<Node> = centre.to_vec();
    let mut ships: BTreeSet<usize> = BTreeSet::new();
    for _ in 0..depth {
        let mut next = Vec::new();
        for &v in &frontier {
            for s in g.out_range(v).chain(incoming.of(v).iter().map(|&s| s as usize)) {
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

/// What to draw.
pub enum Target<'a> {
    /// The best routes of a query.
    Routes(&'a QuerySpec),
    /// The trade around one entity (bundle id, or SCOPE:ID), `depth` shipment hops out.
    Around { entity: &'a str, depth: u32 },
}

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Dot,
    Graphml,
    Ftm,
}

/// Above this many nodes, renders use sfdp instead of dot.
const SFDP_ABOVE: usize = 150;

/// What [`export`] wrote.
pub struct Exported {
    pub entities: usize,
    pub shipments: usize,
    pub routes: usize,
    pub notes: Vec<String>,
    /// Nodes in the diagram (which layout [`render`] picks depends on it).
    pub diagram_nodes: usize,
    /// The text written, when `out` is `-` (standard output) and the caller prints it.
    pub text: Option<String>,
}

/// Draws `target` from `case` into the file `out` (`-`: returned in [`Exported::text`] for standard output).
pub fn export(case: CaseFile, target: &Target, max_nodes: usize, format: FileFormat, out: &Path) -> Result<Exported> {
    let case = case.open()?;
    let sel = match target {
        Target::Around { entity, depth } => neighbourhood(&case, entity, *depth, max_nodes)?,
        Target::Routes(spec) => {
            let (g, _) = load_graph(&case)?;
            routes_selection(&case, &g, spec, max_nodes, format == FileFormat::Dot)?
        }
    };
    let text = match format {
        FileFormat::Dot => crate::export::dot::to_dot(&sel.diagram),
        FileFormat::Graphml => crate::export::graphml::to_graphml(&sel.evidence),
        FileFormat::Ftm => crate::export::ftm::to_ftm(&sel.evidence),
    };
    let to_stdout = super::input::is_dash(out);
    if !to_stdout {
        super::write_file(out, text.as_bytes())?;
    }
    Ok(Exported {
        entities: sel.evidence.entities.len(),
        shipments: sel.evidence.shipments.len(),
        routes: sel.routes.len(),
        notes: sel.diagram.notes,
        diagram_nodes: sel.diagram.nodes.len(),
        text: to_stdout.then_some(text),
    })
}

/// Renders a DOT file written by [`export`] with Graphviz, beside it; returns
/// the rendered file and, when the diagram was too large for dot's layered
/// layout and sfdp drew it, its node count.
pub fn render(
    dot_file: &Path,
    format: crate::export::render::RenderFormat,
    diagram_nodes: usize,
) -> Result<(std::path::PathBuf, Option<usize>)> {
    // dot's layout time explodes past a few hundred labelled nodes (docs/export.md); sfdp copes.
    let layout = if diagram_nodes > SFDP_ABOVE { "sfdp" } else { "dot" };
    let path = crate::export::render::render(dot_file, format, layout)?;
    Ok((path, (layout == "sfdp").then_some(diagram_nodes)))
}
