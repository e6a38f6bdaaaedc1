//! Routes searched elsewhere (the Spark job of engines/spark/, or an
//! earlier `divtrace routes --format json`), brought back to be ranked,
//! grouped, explained and reported exactly as if this search had found
//! them (`--import-routes FILE`).
//!
//! Nothing is taken on trust: every shipment id must be in the case and in
//! the graph, the entities must be the route's nodes after resolution, and
//! every route must meet the hard constraints of the query it is imported
//! under (docs/routes.md, *Definition*); the first problem is an error
//! naming the file, the route and the field.

use std::path::PathBuf;

use crate::graph::{CaseGraph, Ship};
use crate::model::FastMap;

use super::search::qualifies_first;
use super::{route_nodes, Query, Route};

/// One imported route: bundle ids as route output writes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedRoute {
    pub shipments: Vec<String>,
    pub entities: Vec<String>,
}

/// The routes of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedRoutes {
    /// The file they came from (for errors).
    pub source: PathBuf,
    pub routes: Vec<ImportedRoute>,
}

/// What is wrong with an imported route: its index, the field and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub route: usize,
    /// `shipments`, `shipments[2]` or `entities`.
    pub field: String,
    pub message: String,
}

/// Why `route` is not a route of `q`, if it is not (the clauses of docs/routes.md, in order).
pub fn violation(g: &CaseGraph, q: &Query, route: &[Ship]) -> Option<(usize, String)> {
    let k = route.len();
    if k == 0 {
        return Some((0, "a route has at least one shipment".into()));
    }
    if k > q.max_hops as usize {
        return Some((k - 1, format!("{k} hops is more than --max-hops {}", q.max_hops)));
    }
    for (i, &s) in route.iter().enumerate() {
        let s = s as usize;
        let (u, c) = (g.shipper[s] as usize, g.consignee[s] as usize);
        if u == c {
            return Some((i, "goes from a party to itself after resolution".into()));
        }
        if q.avoid_nodes[u] || q.avoid_nodes[c] {
            return Some((i, "touches a party of --avoid".into()));
        }
        if !q.ship_ok[s] {
            return Some((i, "fails the query's shipment filters (dates, value, HS, CHPL, controlled goods) or is the mirror declaration of another hop".into()));
        }
        if i > 0 {
            let p = route[i - 1] as usize;
            if g.consignee[p] != g.shipper[s] {
                return Some((i, "its shipper is not the consignee of the hop before (continuity)".into()));
            }
            if g.date[s] < g.date[p] || i64::from(g.date[s]) > i64::from(g.date[p]) + i64::from(q.max_dwell_days) {
                return Some((i, format!("leaves {} days after the hop before, outside 0 to --max-dwell-days {}", g.date[s] - g.date[p], q.max_dwell_days)));
            }
            if g.key(s, q.hs_level) != g.key(p, q.hs_level) {
                return Some((i, format!("its HS code does not agree with the hop before on {} digits", q.hs_level)));
            }
        }
    }
    if !qualifies_first(g, q, route[0] as usize) {
        return Some((0, "the first hop matches no --from selector".into()));
    }
    let last = route[k - 1] as usize;
    if !q.to_nodes[g.consignee[last] as usize] {
        return Some((k - 1, "the last hop delivers to no --to party".into()));
    }
    let nodes = route_nodes(g, route);
    let mut sorted = nodes.clone();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Some((0, "a party appears twice on the route".into()));
    }
    if let Some(via) = &q.via_nodes {
        if !nodes.iter().any(|&v| via[v as usize]) {
            return Some((0, "no party of the route matches --via".into()));
        }
    }
    None
}

/// Maps imported routes onto the graph and checks each against `q`.
///
/// `row_of` maps a shipment bundle id (as route output writes it) to its
/// row id; `node_id` gives a node's bundle id (its representative's).
///
/// # Errors
/// The first route with an unknown shipment id, a shipment the search
/// cannot use, entities that are not the route's parties, a route that
/// breaks a clause of the definition, or a route given twice.
pub fn map_routes(
    g: &CaseGraph,
    q: &Query,
    routes: &ImportedRoutes,
    row_of: &FastMap<String, i64>,
    node_id: impl Fn(u32) -> String,
) -> Result<Vec<Route>, ImportError> {
    let ship_of: FastMap<i64, Ship> = g.ship_row.iter().enumerate().map(|(i, &r)| (r, i as Ship)).collect();
    let mut out = Vec::with_capacity(routes.routes.len());
    let mut seen: std::collections::HashSet<Vec<Ship>> = std::collections::HashSet::new();
    for (ri, r) in routes.routes.iter().enumerate() {
        let bad = |field: String, message: String| ImportError { route: ri, field, message };
        let mut route = Vec::with_capacity(r.shipments.len());
        for (si, id) in r.shipments.iter().enumerate() {
            let Some(&row) = row_of.get(id) else {
                return Err(bad(format!("shipments[{si}]"), format!("no shipment '{id}' in the case")));
            };
            let Some(&s) = ship_of.get(&row) else {
                return Err(bad(format!("shipments[{si}]"), format!("shipment '{id}' has no usable HS code or party: the search never uses it")));
            };
            route.push(s);
        }
        if let Some((i, why)) = violation(g, q, &route) {
            return Err(bad(format!("shipments[{i}]"), format!("not a route of this query: {why}")));
        }
        let nodes: Vec<String> = route_nodes(g, &route).into_iter().map(&node_id).collect();
        if nodes != r.entities {
            return Err(bad(
                "entities".into(),
                format!(
                    "expected the route's parties after resolution [{}], got [{}] (was the case resolved again after the search?)",
                    nodes.join(", "),
                    r.entities.join(", ")
                ),
            ));
        }
        if !seen.insert(route.clone()) {
            return Err(bad("shipments".into(), "the same route is given twice".into()));
        }
        out.push(route);
    }
    Ok(out)
}
