//! Hubs: which intermediaries (and which countries) carry the routes of a
//! query, by the value they send on, by the number of routes through them
//! and by betweenness on the route subgraph.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::graph::{centrality::betweenness, CaseGraph, Node, Ship};
use crate::routes::{route_nodes, search::search, Query};

/// One intermediary.
#[derive(Clone, Debug, PartialEq)]
pub struct Hub {
    pub node: Node,
    pub routes: u64,
    /// Distinct shipments it sent on along routes, and their declared value.
    pub shipments: usize,
    pub value: f64,
    /// Brandes betweenness on the route subgraph (unnormalised).
    pub betweenness: f64,
}

/// Intermediaries of one country, summed.
#[derive(Clone, Debug, PartialEq)]
pub struct CountryHubs {
    /// Packed country (0 = unknown).
    pub country: u16,
    pub intermediaries: usize,
    /// Routes with at least one intermediary in the country.
    pub routes: u64,
    pub value: f64,
    /// Share of all routes that pass through the country.
    pub route_share: f64,
    pub value_share: f64,
}

/// The outcome of [`hubs`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hubs {
    pub total_routes: u64,
    /// Best first: value, then routes, then betweenness, then node.
    pub hubs: Vec<Hub>,
    /// Best first: value, then routes, then country.
    pub countries: Vec<CountryHubs>,
}

/// Ranks the intermediaries of every route of `q`.
///
/// Description: one route search; each route's inner nodes (not its first
/// or last) collect the route and the shipment they sent on; the distinct
/// hops of all routes form the route subgraph, on which Brandes'
/// betweenness ([`betweenness`]) is computed. A country's value sums its
/// intermediaries' distinct forwarded shipments, and its route count counts
/// each route once however many of its intermediaries are in the country.
///
/// Complexity: the search's cost plus O(R·k) for R routes of k hops and O(V·E) for the route subgraph.
pub fn hubs(g: &CaseGraph, q: &Query) -> Hubs {
    let mut per: HashMap<Node, (u64, BTreeSet<Ship>)> = HashMap::new();
    let mut by_country: BTreeMap<u16, u64> = BTreeMap::new();
    let mut edges: BTreeSet<(Node, Node)> = BTreeSet::new();
    let total = search(g, q, |route| {
        let nodes = route_nodes(g, route);
        let mut countries: Vec<u16> = Vec::new();
        for i in 1..nodes.len().saturating_sub(1) {
            let e = per.entry(nodes[i]).or_default();
            e.0 += 1;
            e.1.insert(route[i]);
            countries.push(g.node_country[nodes[i] as usize]);
        }
        countries.sort_unstable();
        countries.dedup();
        for c in countries {
            *by_country.entry(c).or_default() += 1;
        }
        for w in nodes.windows(2) {
            edges.insert((w[0], w[1]));
        }
    });
    // The route subgraph, renumbered densely in node order.
    let mut sub: Vec<Node> = edges.iter().flat_map(|&(a, b)| [a, b]).collect();
    sub.sort_unstable();
    sub.dedup();
    let idx = |v: Node| sub.binary_search(&v).expect("node of the subgraph") as u32;
    let mut adj = vec![Vec::new(); sub.len()];
    for &(a, b) in &edges {
        adj[idx(a) as usize].push(idx(b));
    }
    let bc = betweenness(&adj);
    let value = |s: &BTreeSet<Ship>| s.iter().map(|&x| f64::from(g.value[x as usize])).filter(|v| !v.is_nan()).sum::<f64>();
    let mut hubs: Vec<Hub> = per
        .into_iter()
        .map(|(v, (routes, ships))| Hub { node: v, routes, shipments: ships.len(), value: value(&ships), betweenness: bc[idx(v) as usize] })
        .collect();
    hubs.sort_by(|a, b| {
        b.value.total_cmp(&a.value).then(b.routes.cmp(&a.routes)).then(b.betweenness.total_cmp(&a.betweenness)).then(a.node.cmp(&b.node))
    });
    let total_value: f64 = hubs.iter().map(|h| h.value).sum();
    let mut countries: Vec<CountryHubs> = by_country
        .into_iter()
        .map(|(c, routes)| {
            let mine: Vec<&Hub> = hubs.iter().filter(|h| g.node_country[h.node as usize] == c).collect();
            let value: f64 = mine.iter().map(|h| h.value).sum();
            CountryHubs {
                country: c,
                intermediaries: mine.len(),
                routes,
                value,
                route_share: if total > 0 { routes as f64 / total as f64 } else { 0.0 },
                value_share: if total_value > 0.0 { value / total_value } else { 0.0 },
            }
        })
        .collect();
    countries.sort_by(|a, b| b.value.total_cmp(&a.value).then(b.routes.cmp(&a.routes)).then(a.country.cmp(&b.country)));
    Hubs { total_routes: total, hubs, countries }
}
