//! `divtrace routes --import-routes FILE`: the routes another engine found
//! (the Spark job, engines/spark/divtrace_routes.py) ranked, grouped and
//! reported on the case they were found in, as the same bytes `divtrace
//! routes` prints for the query the job ran (docs/scale.md, *Back to one
//! machine*).
//!
//! The query is the job's own (`query.args`, read by the front end's flag
//! parser); only how many routes to show comes from the caller. Before a
//! route is ranked it is shown to be a route of that query on this case,
//! clause by clause ([`crate::routes::verify`]): a file that holds anything
//! else is refused, naming the file, the route and the field. Whether the
//! file holds *every* route is not checked (that is the search itself): the
//! report counts the routes the file holds.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, InputError, Result};
use crate::graph::mirror::Mirrors;
use crate::graph::{hs_decode, CaseGraph, Node, Ship};
use crate::model::Day;
use crate::routes::collect::{rank_order, Found, RouteHit};
use crate::routes::group::{fold_channels, Grouped};
use crate::routes::rank::Ranker;
use crate::routes::report::{channels_report, routes_report, Labels};
use crate::routes::verify::{check, Fault};
use crate::routes::{resolve_query, route_nodes, Query, QuerySpec};
use crate::store::{graph::load_graph, lookup::shipment_rows_by_bundle_ids, Case};

use super::routes::{Answer, Loaded, Mode};
use super::CaseFile;

/// The `format` of a routes file.
pub const FORMAT: &str = "divtrace-routes";
/// The `version` of the routes file this divtrace reads.
pub const VERSION: u64 = 1;

/// Reads the job's flags (`query.args`) into a query, as the front end
/// reads its own (the CLI's flag parser): the one place flags are known.
pub type ParseArgs<'a> = &'a dyn Fn(&[String]) -> Result<QuerySpec>;

/// The routes of `file`, checked and ranked on `case`, kept as `limit` says
/// (all when `None`): what [`super::routes::search`] returns for a search.
///
/// # Errors
/// A file that is not a routes file of version 1, the job's refusal, a
/// query the case cannot resolve, an export of another state of the case,
/// and any route that is not a route of the query on this case.
pub fn import_search(case: CaseFile, file: &Path, limit: Option<usize>, parse: ParseArgs) -> Result<(Loaded, QuerySpec, Found)> {
    let (l, spec, mut hits) = read(case, file, limit, parse)?;
    let total = hits.len() as u64;
    if let Some(k) = limit {
        hits.truncate(k);
    }
    Ok((l, spec, Found { total, routes: hits }))
}

/// The report of the routes of `file` ([`Mode::Routes`]) or of their
/// channels ([`Mode::Channels`]), as [`super::routes::route_query`] answers
/// the same query.
pub fn import_routes(case: CaseFile, file: &Path, limit: Option<usize>, mode: Mode, parse: ParseArgs) -> Result<(Loaded, Answer)> {
    match mode {
        Mode::Routes => {
            let (l, spec, found) = import_search(case, file, limit, parse)?;
            let rep = routes_report(&l.case, &l.graph, &spec, &l.query, &found)?;
            Ok((l, Answer::Routes(rep)))
        }
        Mode::Channels => {
            let (l, spec, hits) = read(case, file, limit, parse)?;
            // The same channels, in the same order, as a grouped search (see fold_channels).
            let folded = fold_channels(&l.graph, spec.hs_level, &hits);
            let total_channels = folded.len() as u64;
            let channels = folded.into_iter().take(limit.unwrap_or(usize::MAX)).map(|c| c.channel).collect();
            let grouped = Grouped { total_routes: hits.len() as u64, total_channels, channels };
            let rep = channels_report(&l.case, &l.graph, &spec, &l.query, &grouped)?;
            Ok((l, Answer::Routes(rep)))
        }
        Mode::Explain => Err(Error::Other("imported routes come without the search an explanation retraces".into())),
    }
}

fn bad(file: &Path, message: String) -> Error {
    InputError::new(file, 0, None, message).into()
}

fn field(file: &Path, name: &str, message: impl std::fmt::Display) -> Error {
    bad(file, format!("field '{name}': {message}"))
}

/// A JSON value as an error message quotes it: compact, cut short.
fn shown(v: Option<&Value>) -> String {
    let Some(v) = v else { return "nothing".into() };
    let s = v.to_string();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s,
    }
}

/// A route as the file lists it.
struct Listed<'a> {
    shipments: Vec<&'a str>,
    entities: Vec<&'a str>,
}

/// The parts of a routes file divtrace reads (`engine` and `stats` are the job's notes).
struct Doc<'a> {
    args: Vec<String>,
    /// The export's identity, when the file carries one.
    case: Option<&'a Value>,
    routes: Vec<Listed<'a>>,
}

fn strings<'a>(file: &Path, name: &str, v: Option<&'a Value>, what: &str) -> Result<Vec<&'a str>> {
    let Some(Value::Array(a)) = v else {
        return Err(field(file, name, format!("expected {what} (a list of strings), got {}", shown(v))));
    };
    a.iter()
        .enumerate()
        .map(|(i, x)| x.as_str().ok_or_else(|| field(file, &format!("{name}[{i}]"), format!("expected a string, got {}", shown(Some(x))))))
        .collect()
}

fn doc<'a>(file: &Path, v: &'a Value) -> Result<Doc<'a>> {
    let Some(o) = v.as_object() else {
        return Err(bad(file, format!("expected a JSON object with \"format\": \"{FORMAT}\", got {}", shown(Some(v)))));
    };
    if o.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(field(
            file,
            "format",
            format!("expected \"{FORMAT}\" (the routes file of engines/spark/divtrace_routes.py --out), got {}", shown(o.get("format"))),
        ));
    }
    if o.get("version").and_then(Value::as_u64) != Some(VERSION) {
        return Err(field(
            file,
            "version",
            format!(
                "this divtrace reads version {VERSION}, the file is version {}; use the divtrace that matches the job",
                shown(o.get("version"))
            ),
        ));
    }
    if let Some(e) = o.get("error") {
        let why = e.as_str().map_or_else(|| e.to_string(), str::to_string);
        return Err(bad(file, format!("the Spark job refused this query, so the file holds no routes: {why}")));
    }
    let args = strings(file, "query.args", o.get("query").and_then(|q| q.get("args")), "the job's flags")?;
    let Some(Value::Array(list)) = o.get("routes") else {
        return Err(field(file, "routes", format!("expected a list of routes, got {}", shown(o.get("routes")))));
    };
    let mut routes = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let at = |f: &str| format!("routes[{i}].{f}");
        if !r.is_object() {
            return Err(field(
                file,
                &format!("routes[{i}]"),
                format!("expected an object with shipments and entities, got {}", shown(Some(r))),
            ));
        }
        let shipments = strings(file, &at("shipments"), r.get("shipments"), "the bundle ids of the route's shipments")?;
        if shipments.is_empty() {
            return Err(field(file, &at("shipments"), "empty: a route has at least one shipment"));
        }
        let entities = strings(file, &at("entities"), r.get("entities"), "the bundle ids of the route's entities")?;
        if entities.len() != shipments.len() + 1 {
            return Err(field(
                file,
                &at("entities"),
                format!(
                    "{} entities for {} shipments; expected {} (the first shipper, then each hop's consignee)",
                    entities.len(),
                    shipments.len(),
                    shipments.len() + 1
                ),
            ));
        }
        routes.push(Listed { shipments, entities });
    }
    Ok(Doc { args: args.into_iter().map(str::to_string).collect(), case: o.get("case").filter(|c| !c.is_null()), routes })
}

/// Refuses routes found on an export of another state of the case (a later
/// ingest or resolution changes the graph the routes were found in).
fn same_case(file: &Path, case: &Case, theirs: &Value) -> Result<()> {
    let ours = serde_json::to_value(super::export_parquet::case_identity(case)?).map_err(|e| Error::Other(e.to_string()))?;
    if *theirs == ours {
        return Ok(());
    }
    let describe = |v: &Value| -> String {
        let batches: Vec<String> = v["batches"]
            .as_array()
            .map(|b| {
                b.iter()
                    .map(|b| {
                        let sha = b["content_sha256"].as_str().unwrap_or("?");
                        format!("{} ({})", b["scope"].as_str().unwrap_or("?"), sha.get(..12).unwrap_or(sha))
                    })
                    .collect()
            })
            .unwrap_or_default();
        format!(
            "generation {}, batches {}",
            shown(v.get("generation")),
            if batches.is_empty() { "none".into() } else { batches.join(", ") }
        )
    };
    Err(field(
        file,
        "case",
        format!(
            "the routes were found on an export of another case or another state of it (the export: {}; this case file: {}); \
             export the case again (divtrace export --format parquet) and rerun the job",
            describe(theirs),
            describe(&ours)
        ),
    ))
}

fn read(case: CaseFile, file: &Path, limit: Option<usize>, parse: ParseArgs) -> Result<(Loaded, QuerySpec, Vec<RouteHit>)> {
    let text = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    let v: Value = serde_json::from_slice(&text)
        .map_err(|e| bad(file, format!("not JSON ({e}); expected the routes file engines/spark/divtrace_routes.py writes")))?;
    let d = doc(file, &v)?;
    let mut spec = parse(d.args.as_slice()).map_err(|e| field(file, "query.args", e))?;
    spec.limit = limit;
    let case = case.open()?;
    if let Some(theirs) = d.case {
        same_case(file, &case, theirs)?;
    }
    let (graph, _) = load_graph(&case)?;
    let query = resolve_query(&graph, &case, &spec).map_err(|e| match e {
        Error::Query(q) => field(file, "query.args", q),
        other => other,
    })?;
    let hits = hits(file, &case, &graph, &query, &d.routes)?;
    Ok((Loaded { case, graph, query }, spec, hits))
}

/// The graph's shipment index of each bundle id the routes cite.
fn ships_of(file: &Path, case: &Case, g: &CaseGraph, routes: &[Listed]) -> Result<Vec<Vec<Ship>>> {
    let mut ids: Vec<&str> = routes.iter().flat_map(|r| r.shipments.iter().copied()).collect();
    ids.sort_unstable();
    ids.dedup();
    let rows = shipment_rows_by_bundle_ids(case, &ids, &crate::store::graph::scopes(case)?)?;
    // Row id -> graph index in one pass over the graph (a look-up per id would scan it per id).
    let mut wanted: Vec<i64> = rows.iter().flatten().copied().collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut index: Vec<Option<Ship>> = vec![None; wanted.len()];
    for (s, r) in g.ship_row.iter().enumerate() {
        if let Ok(i) = wanted.binary_search(r) {
            index[i] = Some(s as Ship);
        }
    }
    let by_id: BTreeMap<&str, &[i64]> = ids.iter().copied().zip(rows.iter().map(Vec::as_slice)).collect();
    let mut out = Vec::with_capacity(routes.len());
    for (i, r) in routes.iter().enumerate() {
        let mut ships = Vec::with_capacity(r.shipments.len());
        for (j, &id) in r.shipments.iter().enumerate() {
            let at = format!("routes[{i}].shipments[{j}]");
            let row = match by_id[&id] {
                [] => return Err(field(file, &at, format!("no shipment '{id}' in this case file"))),
                [row] => *row,
                many => {
                    return Err(field(file, &at, format!("'{id}' names {} shipments in different batches; expected SCOPE:ID", many.len())));
                }
            };
            match wanted.binary_search(&row).ok().and_then(|k| index[k]) {
                Some(s) => ships.push(s),
                None => {
                    return Err(field(
                        file,
                        &at,
                        format!("shipment '{id}' is in the case file but not in the route graph (no usable HS code), so no route holds it"),
                    ))
                }
            }
        }
        out.push(ships);
    }
    Ok(out)
}

/// Every listed route, checked against the query and scored, best first.
fn hits(file: &Path, case: &Case, g: &CaseGraph, q: &Query, routes: &[Listed]) -> Result<Vec<RouteHit>> {
    let ships = ships_of(file, case, g, routes)?;
    let mut nodes: Vec<Node> = ships.iter().flatten().flat_map(|&s| [g.shipper[s as usize], g.consignee[s as usize]]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let labels = Labels::load(case, g, &nodes, &[], &Mirrors::default())?;
    let mut ranker = Ranker::new(g);
    let mut hits = Vec::with_capacity(routes.len());
    for (i, (r, route)) in routes.iter().zip(&ships).enumerate() {
        let fault = check(g, q, route).err();
        // A broken chain has no entity list to compare with; otherwise the
        // entities are compared before the query's clauses, since a file of
        // another resolution of the case shows first there.
        if let Some(f @ Fault::Broken { .. }) = fault {
            return Err(fault_error(file, g, q, &labels, i, r, route, f));
        }
        for (k, v) in route_nodes(g, route).into_iter().enumerate() {
            let ours = labels.node_id(v);
            if *ours != *r.entities[k] {
                let role = if k == 0 { "the first hop's shipper".to_string() } else { format!("the consignee of hop {k}") };
                return Err(field(
                    file,
                    &format!("routes[{i}].entities[{k}]"),
                    format!("expected '{ours}' ({role}, {}, after resolution), got '{}'", r.shipments[k.saturating_sub(1)], r.entities[k]),
                ));
            }
        }
        if let Some(f) = fault {
            return Err(fault_error(file, g, q, &labels, i, r, route, f));
        }
        let score = ranker.score(route, None);
        hits.push(RouteHit { score, ships: route.clone(), rows: route.iter().map(|&s| g.ship_row[s as usize]).collect() });
    }
    // The same route twice would count twice and fold twice into its channel.
    let mut order: Vec<usize> = (0..hits.len()).collect();
    order.sort_by(|&a, &b| hits[a].rows.cmp(&hits[b].rows).then(a.cmp(&b)));
    if let Some(w) = order.windows(2).find(|w| hits[w[0]].rows == hits[w[1]].rows) {
        return Err(field(file, &format!("routes[{}]", w[1]), format!("the same route as routes[{}]", w[0])));
    }
    hits.sort_by(rank_order);
    Ok(hits)
}

/// The error for the clause route `i` breaks, naming the field and the
/// shipments and entities at fault.
#[allow(clippy::too_many_arguments)]
fn fault_error(file: &Path, g: &CaseGraph, q: &Query, labels: &Labels, i: usize, r: &Listed, route: &[Ship], f: Fault) -> Error {
    let node = |v: Node| format!("'{}' ({})", labels.node_id(v), labels.node_name(v));
    let date = |h: usize| Day(g.date[route[h] as usize]).to_string();
    let id = |h: usize| format!("'{}'", r.shipments[h]);
    let last = route.len() - 1;
    let (at, message) = match f {
        Fault::Empty => ("shipments".to_string(), "empty: a route has at least one shipment".to_string()),
        Fault::TooManyHops => ("shipments".into(), format!("{} hops; the query allows at most {}", route.len(), q.max_hops)),
        Fault::Broken { hop } => (
            format!("shipments[{hop}]"),
            format!(
                "shipment {} leaves {}, but the hop before it ({}) delivered to {} (entities after resolution): the hops do not chain",
                id(hop),
                node(g.shipper[route[hop] as usize]),
                id(hop - 1),
                node(g.consignee[route[hop - 1] as usize])
            ),
        ),
        Fault::Earlier { hop } => (
            format!("shipments[{hop}]"),
            format!("shipment {} is dated {}, before the hop before it ({}, {}): dates must not decrease", id(hop), date(hop), id(hop - 1), date(hop - 1)),
        ),
        Fault::Dwell { hop } => (
            format!("shipments[{hop}]"),
            format!(
                "shipment {} left {} days after the hop before it ({}) arrived; the query allows at most {} days",
                id(hop),
                g.date[route[hop] as usize] - g.date[route[hop - 1] as usize],
                id(hop - 1),
                q.max_dwell_days
            ),
        ),
        Fault::Goods { hop } => (
            format!("shipments[{hop}]"),
            format!(
                "shipment {} is HS {}, the hop before it ({}) HS {}: they differ in the first {} digits the query compares",
                id(hop),
                hs_decode(g.hs(route[hop] as usize)),
                id(hop - 1),
                hs_decode(g.hs(route[hop - 1] as usize)),
                q.hs_level
            ),
        ),
        Fault::Repeats { at, first } => {
            let v = route_nodes(g, route)[at];
            let msg = if at == first + 1 {
                format!("shipment {} goes from {} to itself (after resolution)", id(at - 1), node(v))
            } else {
                format!("shipment {} delivers to {}, which the route passed already: no entity may appear twice", id(at - 1), node(v))
            };
            (format!("shipments[{}]", at - 1), msg)
        }
        Fault::Origin => (
            "shipments[0]".into(),
            format!(
                "shipment {} does not start a route of the query: its shipper {} is not among the origins, nor do its goods match an origin: or brand: selector",
                id(0),
                node(g.shipper[route[0] as usize])
            ),
        ),
        Fault::Destination => (
            format!("shipments[{last}]"),
            format!("shipment {} delivers to {}, which is not among the query's destinations", id(last), node(g.consignee[route[last] as usize])),
        ),
        Fault::Filtered { hop } => {
            let s = route[hop];
            let msg = match q.mirrors.pairs().iter().find(|p| p.1 == s) {
                Some(_) => format!(
                    "shipment {} is the second declaration of a consignment declared twice; its first declaration stands for the hop (mirror records, docs/routes.md)",
                    id(hop)
                ),
                None => format!("shipment {} is left out by the query's filters (dates, value, HS prefixes, CHPL, controlled goods)", id(hop)),
            };
            (format!("shipments[{hop}]"), msg)
        }
        Fault::Avoided { hop } => (
            format!("shipments[{hop}]"),
            format!(
                "shipment {} ({} to {}) touches an entity the query avoids",
                id(hop),
                node(g.shipper[route[hop] as usize]),
                node(g.consignee[route[hop] as usize])
            ),
        ),
        Fault::NoVia => ("entities".into(), "no entity of the route is among the query's via entities".into()),
    };
    field(file, &format!("routes[{i}].{at}"), message)
}
