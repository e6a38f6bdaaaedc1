//! Enumeration of every route that meets the hard constraints.
//!
//! Two passes. A backward pass from the destinations ([`reach`]) marks
//! each shipment with the fewest hops of a chain that starts with it and
//! ends at a destination — following HS keys, dates, dwell, the filters and
//! `--avoid`, only not the rule that no entity repeats. The forward
//! depth-first search then starts only from marked shipments and takes a
//! next hop only when its mark fits in the hops left. Since every suffix of
//! a route is such a chain, no route is lost, and since the marks follow
//! goods and time (not only which companies trade), the search does not
//! wander through hubs whose other trade can never reach a destination:
//! its cost follows the routes, not the background.

use std::collections::VecDeque;

use crate::graph::{CaseGraph, Node, Ship};

use super::Query;

/// Distance marker for nodes that cannot reach the destination set.
pub const UNREACHABLE: u8 = u8::MAX;

/// Mark of a shipment from which no destination can be reached within the query's hops.
pub const NEVER: u8 = u8::MAX;

/// Fewest hops from each node to a destination node, ignoring dates, HS
/// codes and shipment filters (so it never overestimates), through nodes
/// that are not avoided; [`UNREACHABLE`] beyond `cap`. (`--explain` uses it
/// to tell "not connected" from "broken".)
///
/// Description: multi-source breadth-first search over the incoming
/// shipments of each node, from every destination at distance 0.
///
/// Complexity: O(V + S) for V nodes and S shipments.
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
        for p in g.in_range(w) {
            let v = g.shipper[g.in_order[p] as usize];
            if dist[v as usize] == UNREACHABLE && !avoid[v as usize] {
                dist[v as usize] = d + 1;
                queue.push_back(v);
            }
        }
    }
    dist
}

/// The HS-6 keys `[lo, hi]` that have the HS key `key` at `level` (4 or 6):
/// an HS-4 key `k` covers the HS-6 keys `121k ..= 121k + 120` (base 11).
#[inline]
fn key6_span(key: u32, level: u32) -> (u32, u32) {
    if level >= 6 {
        (key, key)
    } else {
        (key * 121, key * 121 + 120)
    }
}

/// Calls `f` with every shipment index that left node `v` with goods whose
/// HS key at `level` is `key`, dated within `[t, t + dwell]`, in index order.
///
/// Description: the node's shipments are sorted by (HS-6 key, date); the
/// HS key range is found by binary search on the precomputed HS-6 keys, and
/// inside it each HS-6 bucket (one at level 6, possibly several at level 4)
/// is binary-searched for `t`.
///
/// Complexity: O(b log d + r) for b HS-6 buckets in range, d shipments per bucket and r results.
#[inline]
pub fn for_each_next(g: &CaseGraph, v: Node, key: u32, level: u32, t: i32, dwell: i32, mut f: impl FnMut(usize)) {
    let r = g.out_range(v);
    let ks = &g.key6[r.clone()];
    let (klo, khi) = key6_span(key, level);
    let lo = r.start + ks.partition_point(|&c| c < klo);
    let hi = r.start + ks.partition_point(|&c| c <= khi);
    let end_t = i64::from(t) + i64::from(dwell);
    let mut b = lo;
    while b < hi {
        let e = if level >= 6 { hi } else { b + g.key6[b..hi].partition_point(|&c| c <= g.key6[b]) };
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

/// Whether shipment `s` may be any hop of a route: it passes the filters,
/// touches no avoided node and does not go from a node to itself.
#[inline]
fn usable(g: &CaseGraph, q: &Query, s: usize) -> bool {
    let (u, c) = (g.shipper[s] as usize, g.consignee[s] as usize);
    q.ship_ok[s] && u != c && !q.avoid_nodes[u] && !q.avoid_nodes[c]
}

/// The backward pass's result.
pub struct Reach {
    /// Per shipment: the fewest hops of a chain starting with it that ends
    /// at a destination (1 = it delivers to one), or [`NEVER`] beyond `--max-hops`.
    pub hops: Vec<u8>,
    /// The shipments with a mark, ascending.
    pub marked: Vec<u32>,
}

/// Marks every shipment from which a destination can be reached within
/// `q.max_hops` hops (see the module documentation).
///
/// Description: breadth-first over shipments, backwards. Round 1 marks the
/// usable shipments into a destination (from the incoming index). Round `j`
/// takes the shipments marked in round `j - 1`, grouped by (shipper, HS
/// key) — index order already groups them, dates ascending — merges their
/// windows `[date - dwell, date]` into disjoint intervals, and marks `j` on
/// every unmarked usable shipment that arrived at that shipper with that key
/// inside an interval. Each round reads each incoming shipment at most once.
/// (A coarser form of the same idea keeps only, per entity and HS key, the
/// latest date from which a destination is reachable; per-shipment marks
/// are exact for the window as well.)
///
/// Complexity: O(k · (M + F log d)) for k hops, M marked shipments and F
/// frontier groups; O(S) only to allocate the marks.
pub fn reach(g: &CaseGraph, q: &Query) -> Reach {
    let level = q.hs_level;
    let dwell = q.max_dwell_days;
    let mut hops = vec![NEVER; g.shipment_count()];
    let mut frontier: Vec<u32> = Vec::new();
    for t in 0..g.node_count() {
        if q.to_nodes[t] && !q.avoid_nodes[t] {
            for p in g.in_range(t as Node) {
                let s = g.in_order[p] as usize;
                if usable(g, q, s) {
                    hops[s] = 1;
                    frontier.push(s as u32);
                }
            }
        }
    }
    let mut marked = frontier.clone();
    let mut dates: Vec<i32> = Vec::new();
    let mut windows: Vec<(i32, i32)> = Vec::new();
    for j in 2..=q.max_hops.min(u32::from(NEVER - 1)) {
        if frontier.is_empty() {
            break;
        }
        frontier.sort_unstable();
        let mut next = Vec::new();
        let mut a = 0;
        while a < frontier.len() {
            let s0 = frontier[a] as usize;
            let (v, k) = (g.shipper[s0], g.key(s0, level));
            let mut b = a + 1;
            while b < frontier.len() && g.shipper[frontier[b] as usize] == v && g.key(frontier[b] as usize, level) == k {
                b += 1;
            }
            dates.clear();
            dates.extend(frontier[a..b].iter().map(|&s| g.date[s as usize]));
            if level < 6 {
                // Several HS-6 buckets: dates ascend within each, not across.
                dates.sort_unstable();
            }
            windows.clear();
            for &d in &dates {
                let lo = d.saturating_sub(dwell);
                match windows.last_mut() {
                    Some(w) if lo <= w.1 => w.1 = d,
                    _ => windows.push((lo, d)),
                }
            }
            let inc = &g.in_order[g.in_range(v)];
            let (klo, khi) = key6_span(k, level);
            let lo = inc.partition_point(|&i| g.key6[i as usize] < klo);
            let hi = inc.partition_point(|&i| g.key6[i as usize] <= khi);
            let mut bk = lo;
            while bk < hi {
                let k6 = g.key6[inc[bk] as usize];
                let e = if level >= 6 { hi } else { bk + inc[bk..hi].partition_point(|&i| g.key6[i as usize] <= k6) };
                let seg = &inc[bk..e];
                for &(from, to) in &windows {
                    let st = seg.partition_point(|&i| g.date[i as usize] < from);
                    for &i in &seg[st..] {
                        let i = i as usize;
                        if g.date[i] > to {
                            break;
                        }
                        if hops[i] == NEVER && usable(g, q, i) {
                            hops[i] = j as u8;
                            next.push(i as u32);
                        }
                    }
                }
                bk = e;
            }
            a = b;
        }
        marked.extend_from_slice(&next);
        frontier = next;
    }
    marked.sort_unstable();
    Reach { hops, marked }
}

/// Enumerates every route of `q` in `g`, calling `visit` with its shipments in hop order.
///
/// Description: [`reach`] marks the shipments that can still complete a
/// route; a depth-first search runs forward from each marked shipment that
/// qualifies as a first hop. At node `v` reached by shipment `p`, the next
/// hops are found by [`for_each_next`] (same HS key, date in
/// `[date(p), date(p) + dwell]`); a hop is taken when its mark fits in the
/// hops left (which implies the filters and `--avoid`) and its consignee is
/// not on the route already. Every prefix that ends at a destination and
/// (with `--via`) contains a via node is a route; the search continues past
/// it, since a route may pass through one destination on its way to another.
/// Routes come in the same order as an unpruned search would give them
/// (first hops and next hops in index order).
///
/// Returns: the number of routes (also the number of calls to `visit`).
///
/// Complexity: the backward pass plus O(R · log d) for R partial routes
/// explored, each of which can still complete; the output itself can be
/// exponential in the number of hops.
pub fn search(g: &CaseGraph, q: &Query, mut visit: impl FnMut(&[Ship])) -> u64 {
    let max = q.max_hops;
    let Reach { hops, marked } = reach(g, q);
    let mut st = Dfs {
        g,
        q,
        hops,
        visited: vec![false; g.node_count()],
        stack: Vec::with_capacity(max as usize),
        via_on_route: 0,
        bufs: vec![Vec::new(); max as usize + 1],
        count: 0,
    };
    for &s in &marked {
        let s = s as usize;
        if !qualifies_first(g, q, s) {
            continue;
        }
        let u = g.shipper[s] as usize;
        st.enter(u);
        st.push(s);
        st.extend(&mut visit);
        st.pop();
        st.leave(u);
    }
    st.count
}

struct Dfs<'a> {
    g: &'a CaseGraph,
    q: &'a Query,
    hops: Vec<u8>,
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
        // Hops still allowed, the next one included.
        let left = q.max_hops - depth;
        let mut buf = std::mem::take(&mut self.bufs[depth as usize]);
        buf.clear();
        let key = g.key(last, q.hs_level);
        for_each_next(g, v, key, q.hs_level, g.date[last], q.max_dwell_days, |i| {
            if u32::from(self.hops[i]) <= left && !self.visited[g.consignee[i] as usize] {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{country_code, EntityRow, ShipmentRow, NO_DATE};

    fn graph() -> CaseGraph {
        let ent = |id: i64, cc: &str| EntityRow { id, cluster: id, country: country_code(cc), incorporated: NO_DATE, ..Default::default() };
        let ship = |id: i64, date: i32, a: i64, b: i64, hs: &str| ShipmentRow {
            id,
            date,
            shipper: a,
            consignee: b,
            hs: hs.into(),
            ..Default::default()
        };
        CaseGraph::build(
            vec![ent(1, "US"), ent(2, "AE"), ent(3, "RU")],
            vec![
                ship(10, 100, 1, 2, "854231"), // can go on: 12 leaves 20 days later
                ship(11, 100, 1, 2, "851713"), // wrong goods for any way on
                ship(12, 120, 2, 3, "854231"),
                ship(13, 400, 1, 2, "854231"), // arrives after the last way on
                ship(14, 50, 2, 3, "851713"),  // same goods as 11, but leaves before it arrives
            ],
        )
        .0
    }

    fn query(g: &CaseGraph, level: u32) -> Query {
        let n = g.node_count();
        Query {
            from_nodes: (0..n).map(|v| v == 0).collect(),
            from_origins: vec![],
            from_brands: vec![false; g.brands.len()],
            has_goods_selectors: false,
            to_nodes: (0..n).map(|v| v == 2).collect(),
            via_nodes: None,
            avoid_nodes: vec![false; n],
            ship_ok: vec![true; g.shipment_count()],
            max_hops: 4,
            max_dwell_days: 180,
            hs_level: level,
            limit: None,
            mirrors: Default::default(),
        }
    }

    #[test]
    fn marks_follow_goods_and_time() {
        let g = graph();
        let r = reach(&g, &query(&g, 6));
        let mark = |row: i64| r.hops[g.ship_of_row(row).unwrap() as usize];
        assert_eq!((mark(12), mark(14)), (1, 1));
        assert_eq!(mark(10), 2);
        assert_eq!(mark(11), NEVER, "HS key never goes on");
        assert_eq!(mark(13), NEVER, "arrives after the last departure");
        assert_eq!(r.marked.len(), 3);
        let mut routes = Vec::new();
        assert_eq!(search(&g, &query(&g, 6), |s| routes.push(s.iter().map(|&i| g.ship_row[i as usize]).collect::<Vec<_>>())), 1);
        assert_eq!(routes, vec![vec![10, 12]]);
        // At HS-4, 851713 and 854231 still differ (8517 vs 8542).
        assert_eq!(reach(&g, &query(&g, 4)).hops[g.ship_of_row(11).unwrap() as usize], NEVER);
        assert_eq!(key6_span(5, 4), (605, 725));
    }
}
