//! Why no route connects an origin to a destination.

use std::collections::VecDeque;

use crate::graph::{CaseGraph, Node, Ship};

use super::search::{distance_to, qualifies_first, search};
use super::Query;

/// Most chains diagnosed, and most shipments cited per side of a break.
pub const MAX_CHAINS: usize = 20;
pub const MAX_CITED: usize = 5;

/// Why one hop of a chain of entities cannot continue a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Break {
    /// No shipment on this hop agrees on the HS key with any goods that arrived.
    HsMismatch {
        /// Distinct HS codes that arrived (hop before) and that left (this hop).
        arrived_hs: Vec<u64>,
        left_hs: Vec<u64>,
    },
    /// Every matching shipment left before the goods arrived.
    TooEarly { first_arrival: i32, last_departure: i32 },
    /// Every matching shipment left more than the dwell limit after the goods arrived.
    TooLate { last_arrival: i32, deadline: i32, first_departure: i32 },
    /// Matching shipments are each either too early or too late.
    OutsideWindow { too_early: usize, too_late: usize },
}

/// A chain of entities (each consecutive pair linked by filtered shipments) and where it breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    pub nodes: Vec<Node>,
    /// 1-based hop that cannot follow the hop before it.
    pub hop: usize,
    pub why: Break,
    /// Shipments of the hop before that carried goods this far (cited, at most [`MAX_CITED`]).
    pub arrived: Vec<Ship>,
    /// Shipments of the failing hop (cited, at most [`MAX_CITED`]).
    pub left: Vec<Ship>,
}

/// The diagnosis of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Explanation {
    /// Routes exist; nothing to explain.
    Connected {
        routes: u64,
    },
    NoOrigin,
    NoDestination,
    /// No origin entity has a shipment that passes the filters and qualifies as a first hop.
    NoShipmentOut,
    /// Ignoring dates and HS codes, no chain of shipments reaches a destination within max hops.
    NotConnected {
        /// How many entities the origins reach within max hops.
        reached: usize,
        /// Reached entities with no (filtered) shipment out, ascending; at most 20.
        dead_ends: Vec<Node>,
    },
    /// Chains of entities exist, and each breaks at one hop.
    Broken {
        chains: Vec<ChainBreak>,
        more: bool,
    },
}

/// Diagnoses why `q` finds no route.
///
/// Description: first the search itself (if it finds routes, that is the
/// answer). Then the origin's first hops; then a breadth-first search over
/// the node graph of filtered shipments ignoring dates and HS codes. When
/// chains of entities exist, each (up to [`MAX_CHAINS`], shortest first)
/// is checked hop by hop with the set of shipments that can carry the
/// goods so far (same HS key, dates within the dwell window); the first
/// hop where that set becomes empty is the break, classified by which
/// constraint every candidate fails.
///
/// Complexity: search cost, plus O(C · k · S_h²) for C chains of k hops with S_h shipments per hop.
pub fn explain(g: &CaseGraph, q: &Query) -> Explanation {
    let routes = search(g, q, |_| {});
    if routes > 0 {
        return Explanation::Connected { routes };
    }
    let n = g.node_count();
    if !q.from_nodes.iter().any(|&b| b) && !q.has_goods_selectors {
        return Explanation::NoOrigin;
    }
    if !q.to_nodes.iter().any(|&b| b) {
        return Explanation::NoDestination;
    }
    let usable = |s: usize| q.ship_ok[s] && !q.avoid_nodes[g.consignee[s] as usize] && g.shipper[s] != g.consignee[s];
    let first: Vec<usize> =
        (0..g.shipment_count()).filter(|&s| usable(s) && !q.avoid_nodes[g.shipper[s] as usize] && qualifies_first(g, q, s)).collect();
    if first.is_empty() {
        return Explanation::NoShipmentOut;
    }
    // Forward BFS on nodes.
    let mut depth = vec![u32::MAX; n];
    let mut queue = VecDeque::new();
    for &s in &first {
        let u = g.shipper[s] as usize;
        if depth[u] == u32::MAX {
            depth[u] = 0;
            queue.push_back(u as Node);
        }
    }
    while let Some(v) = queue.pop_front() {
        let d = depth[v as usize];
        if d >= q.max_hops {
            continue;
        }
        for s in g.out_range(v) {
            let c = g.consignee[s] as usize;
            if usable(s) && depth[c] == u32::MAX {
                depth[c] = d + 1;
                queue.push_back(c as Node);
            }
        }
    }
    let reaches_to = (0..n).any(|v| depth[v] != u32::MAX && depth[v] > 0 && q.to_nodes[v]);
    if !reaches_to {
        let reached = (0..n).filter(|&v| depth[v] != u32::MAX).count();
        let dead_ends = (0..n as Node).filter(|&v| depth[v as usize] != u32::MAX && !g.out_range(v).any(usable)).take(20).collect();
        return Explanation::NotConnected { reached, dead_ends };
    }
    let chains = node_chains(g, q, &first, &usable);
    let more = chains.len() > MAX_CHAINS;
    let chains = chains.into_iter().take(MAX_CHAINS).filter_map(|c| check_chain(g, q, &first, &usable, c)).collect();
    Explanation::Broken { chains, more }
}

/// Simple node chains from a first-hop shipper to a destination within
/// max hops (with `--via`, containing a via node), shortest first then by node ids.
fn node_chains(g: &CaseGraph, q: &Query, first: &[usize], usable: &dyn Fn(usize) -> bool) -> Vec<Vec<Node>> {
    let mut out = Vec::new();
    let mut starts: Vec<(Node, Node)> = first.iter().map(|&s| (g.shipper[s], g.consignee[s])).collect();
    starts.sort_unstable();
    starts.dedup();
    let mut path = Vec::new();
    let mut on = vec![false; g.node_count()];
    let dist = distance_to(g, &q.to_nodes, &q.avoid_nodes, q.max_hops);
    let mut budget: u32 = 1_000_000;
    #[allow(clippy::too_many_arguments)]
    fn dfs(
        g: &CaseGraph,
        q: &Query,
        usable: &dyn Fn(usize) -> bool,
        dist: &[u8],
        budget: &mut u32,
        path: &mut Vec<Node>,
        on: &mut [bool],
        out: &mut Vec<Vec<Node>>,
    ) {
        // Enough chains to show, or enough work: the diagnosis is a sample.
        if out.len() > 10 * MAX_CHAINS || *budget == 0 {
            return;
        }
        *budget -= 1;
        let v = *path.last().expect("non-empty");
        if q.to_nodes[v as usize] && path.len() > 1 && q.via_nodes.as_ref().is_none_or(|m| path.iter().any(|&x| m[x as usize])) {
            out.push(path.clone());
        }
        if path.len() as u32 > q.max_hops {
            return;
        }
        let left = q.max_hops - (path.len() as u32 - 1) - 1;
        let mut next: Vec<Node> = g.out_range(v).filter(|&s| usable(s)).map(|s| g.consignee[s]).collect();
        next.sort_unstable();
        next.dedup();
        for c in next {
            if !on[c as usize] && u32::from(dist[c as usize]) <= left {
                on[c as usize] = true;
                path.push(c);
                dfs(g, q, usable, dist, budget, path, on, out);
                path.pop();
                on[c as usize] = false;
            }
        }
    }
    for (u, c) in starts {
        if u == c {
            continue;
        }
        path.clear();
        path.extend([u, c]);
        on[u as usize] = true;
        on[c as usize] = true;
        if u32::from(dist[c as usize]) < q.max_hops {
            dfs(g, q, usable, &dist, &mut budget, &mut path, &mut on, &mut out);
        }
        on[u as usize] = false;
        on[c as usize] = false;
    }
    out.retain(|p| p.len() as u32 <= q.max_hops + 1);
    out.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    out
}

/// Follows the goods along one chain; `None` if every hop can follow (cannot
/// happen when the search found nothing, kept for safety).
fn check_chain(g: &CaseGraph, q: &Query, first: &[usize], usable: &dyn Fn(usize) -> bool, nodes: Vec<Node>) -> Option<ChainBreak> {
    let hop_ships = |a: Node, b: Node| -> Vec<usize> { g.out_range(a).filter(|&s| g.consignee[s] == b && usable(s)).collect() };
    let mut carried: Vec<usize> = first.iter().copied().filter(|&s| g.shipper[s] == nodes[0] && g.consignee[s] == nodes[1]).collect();
    let key = |s: usize| g.key(s, q.hs_level);
    for h in 1..nodes.len() - 1 {
        let cand = hop_ships(nodes[h], nodes[h + 1]);
        let next: Vec<usize> = cand
            .iter()
            .copied()
            .filter(|&c| carried.iter().any(|&f| key(f) == key(c) && g.date[f] <= g.date[c] && g.date[c] - g.date[f] <= q.max_dwell_days))
            .collect();
        if !next.is_empty() {
            carried = next;
            continue;
        }
        let matching: Vec<usize> = cand.iter().copied().filter(|&c| carried.iter().any(|&f| key(f) == key(c))).collect();
        let why = if matching.is_empty() {
            let mut a: Vec<u64> = carried.iter().map(|&s| g.hs(s)).collect();
            let mut l: Vec<u64> = cand.iter().map(|&s| g.hs(s)).collect();
            a.sort_unstable();
            a.dedup();
            l.sort_unstable();
            l.dedup();
            Break::HsMismatch { arrived_hs: a, left_hs: l }
        } else {
            let arrivals = |c: usize| carried.iter().copied().filter(move |&f| key(f) == key(c)).map(|f| g.date[f]);
            let early = matching.iter().filter(|&&c| arrivals(c).all(|t| g.date[c] < t)).count();
            let late = matching.len() - early;
            let arr: Vec<i32> = matching.iter().flat_map(|&c| arrivals(c)).collect();
            let dep: Vec<i32> = matching.iter().map(|&c| g.date[c]).collect();
            let (amin, amax) = (*arr.iter().min().expect("matched"), *arr.iter().max().expect("matched"));
            let (dmin, dmax) = (*dep.iter().min().expect("matched"), *dep.iter().max().expect("matched"));
            if late == 0 {
                Break::TooEarly { first_arrival: amin, last_departure: dmax }
            } else if early == 0 {
                Break::TooLate { last_arrival: amax, deadline: amax + q.max_dwell_days, first_departure: dmin }
            } else {
                Break::OutsideWindow { too_early: early, too_late: late }
            }
        };
        let cite = |v: &[usize]| v.iter().take(MAX_CITED).map(|&s| s as Ship).collect();
        let left = if matching.is_empty() { cite(&cand) } else { cite(&matching) };
        return Some(ChainBreak { nodes, hop: h + 1, why, arrived: cite(&carried), left });
    }
    None
}
