//! Enumeration of every route that meets the hard constraints.

use std::collections::VecDeque;

use crate::graph::{hs_key, CaseGraph, Node, Ship};

use super::Query;

/// Distance marker for nodes that cannot reach the destination set.
pub const UNREACHABLE: u8 = u8::MAX;

/// Fewest hops from each node to a destination node, ignoring dates, HS
/// codes and shipment filters (so it never overestimates), through nodes
/// that are not avoided; [`UNREACHABLE`] beyond `cap`.
///
/// Description: multi-source breadth-first search over the reverse node
/// adjacency (petgraph CSR), from every destination at distance 0.
///
/// Arguments: the graph, the destination mask, the avoid mask, the largest distance of interest.
///
/// Returns: one distance per node.
///
/// Complexity: O(V + P) for V nodes and P distinct shipper→consignee pairs.
pub fn distance_to(g: &CaseGraph, to: &[bool], avoid: &[bool], cap: u32) -> Vec<u8> {
    let n = g.node_count();
    let mut dist = vec![UNREACHABLE; n];
    let mut queue = VecDeque::new();
    for v in 0..n {
        if to[v] && !avoid[v] {
            dist[v] = 0;
            queue.push_back(v as Node);
        }
    }
    while let Some(w) = queue.pop_front() {
        let d = dist[w as usize];
        if u32::from(d) >= cap {
            continue;
        }
        for &v in g.reverse.neighbors_slice(w) {
            if dist[v as usize] == UNREACHABLE && !avoid[v as usize] {
                dist[v as usize] = d + 1;
                queue.push_back(v);
            }
        }
    }
    dist
}

/// Calls `f` with every shipment index that left node `v` with goods whose
/// HS key at `level` is `key`, dated within `[t, t + dwell]`, in index order.
///
/// Description: the node's shipments are sorted by (HS-6 key, date); the
/// HS key range is found by binary search, and inside it each HS-6 bucket
/// (one at level 6, possibly several at level 4) is binary-searched for `t`.
///
/// Complexity: O(b log d + r) for b HS-6 buckets in range, d shipments per bucket and r results.
#[inline]
pub fn for_each_next(g: &CaseGraph, v: Node, key: u64, level: u32, t: i32, dwell: i32, mut f: impl FnMut(usize)) {
    let r = g.out_range(v);
    let hs = &g.hs[r.clone()];
    let lo = r.start + hs.partition_point(|&c| hs_key(c, level) < key);
    let hi = r.start + hs.partition_point(|&c| hs_key(c, level) <= key);
    let end_t = i64::from(t) + i64::from(dwell);
    let mut b = lo;
    while b < hi {
        let k6 = hs_key(g.hs[b], 6);
        let e = if level == 6 { hi } else { b + g.hs[b..hi].partition_point(|&c| hs_key(c, 6) <= k6) };
        let start = b + g.date[b..e].partition_point(|&d| d < t);
        for i in start..e {
            if i64::from(g.date[i]) > end_t {
                break;
            }
            f(i);
        }
        b = e;
    }
}

/// Whether shipment `s` may be the first hop of a route for `q`.
#[inline]
pub fn qualifies_first(g: &CaseGraph, q: &Query, s: usize) -> bool {
    q.from_nodes[g.shipper[s] as usize]
        || (q.has_goods_selectors && (q.from_origins.binary_search(&g.origin[s]).is_ok() || q.from_brands[g.brand[s] as usize]))
}

/// Enumerates every route of `q` in `g`, calling `visit` with its shipments in hop order.
///
/// Description: depth-first search forward from each qualifying first
/// shipment. At node `v` reached by shipment `p`, the next hops are found
/// by [`for_each_next`] (same HS key, date in `[date(p), date(p) + dwell]`);
/// a hop is taken when its shipment passes the filters, its consignee is
/// neither on the route already nor avoided, and the consignee can still
/// reach a destination in the hops left ([`distance_to`], two-sided pruning).
/// Every prefix that ends at a destination and (with `--via`) contains a
/// via node is a route; the search continues past it, since a route may
/// pass through one destination on its way to another.
///
/// Returns: the number of routes (also the number of calls to `visit`).
///
/// Complexity: O(R · k · log d) for R partial routes explored, k ≤ max hops;
/// the output itself can be exponential in k.
pub fn search(g: &CaseGraph, q: &Query, mut visit: impl FnMut(&[Ship])) -> u64 {
    let max = q.max_hops;
    let dist = distance_to(g, &q.to_nodes, &q.avoid_nodes, max);
    let mut st = Dfs {
        g,
        q,
        dist,
        visited: vec![false; g.node_count()],
        stack: Vec::with_capacity(max as usize),
        via_on_route: 0,
        bufs: vec![Vec::new(); max as usize + 1],
        count: 0,
    };
    let try_first = |st: &mut Dfs, s: usize, visit: &mut dyn FnMut(&[Ship])| {
        let (u, c) = (g.shipper[s] as usize, g.consignee[s] as usize);
        if !q.ship_ok[s] || u == c || q.avoid_nodes[u] || q.avoid_nodes[c] || u32::from(st.dist[c]) > max - 1 {
            return;
        }
        if !qualifies_first(g, q, s) {
            return;
        }
        st.enter(u);
        st.push(s);
        st.extend(visit);
        st.pop();
        st.leave(u);
    };
    if q.has_goods_selectors {
        for s in 0..g.shipment_count() {
            try_first(&mut st, s, &mut visit);
        }
    } else {
        for u in 0..g.node_count() {
            if q.from_nodes[u] {
                for s in g.out_range(u as Node) {
                    try_first(&mut st, s, &mut visit);
                }
            }
        }
    }
    st.count
}

struct Dfs<'a> {
    g: &'a CaseGraph,
    q: &'a Query,
    dist: Vec<u8>,
    visited: Vec<bool>,
    stack: Vec<Ship>,
    via_on_route: u32,
    /// One candidate buffer per depth, reused across the search.
    bufs: Vec<Vec<u32>>,
    count: u64,
}

impl Dfs<'_> {
    fn enter(&mut self, v: usize) {
        self.visited[v] = true;
        if self.q.via_nodes.as_ref().is_some_and(|m| m[v]) {
            self.via_on_route += 1;
        }
    }
    fn leave(&mut self, v: usize) {
        self.visited[v] = false;
        if self.q.via_nodes.as_ref().is_some_and(|m| m[v]) {
            self.via_on_route -= 1;
        }
    }
    /// Pushes shipment `s` and marks its consignee.
    fn push(&mut self, s: usize) {
        self.stack.push(s as Ship);
        self.enter(self.g.consignee[s] as usize);
    }
    fn pop(&mut self) {
        let s = self.stack.pop().expect("balanced push/pop") as usize;
        self.leave(self.g.consignee[s] as usize);
    }

    /// Reports the current stack if it is a route, then tries every next hop.
    fn extend(&mut self, visit: &mut dyn FnMut(&[Ship])) {
        let (g, q) = (self.g, self.q);
        let last = *self.stack.last().expect("non-empty") as usize;
        let v = g.consignee[last];
        if q.to_nodes[v as usize] && (q.via_nodes.is_none() || self.via_on_route > 0) {
            self.count += 1;
            visit(&self.stack);
        }
        let depth = self.stack.len() as u32;
        if depth == q.max_hops {
            return;
        }
        let left = q.max_hops - depth - 1;
        let mut buf = std::mem::take(&mut self.bufs[depth as usize]);
        buf.clear();
        let key = hs_key(g.hs[last], q.hs_level);
        for_each_next(g, v, key, q.hs_level, g.date[last], q.max_dwell_days, |i| {
            let c = g.consignee[i] as usize;
            if q.ship_ok[i] && !self.visited[c] && !q.avoid_nodes[c] && u32::from(self.dist[c]) <= left {
                buf.push(i as u32);
            }
        });
        for &i in &buf {
            self.push(i as usize);
            self.extend(visit);
            self.pop();
        }
        self.bufs[depth as usize] = buf;
    }
}
