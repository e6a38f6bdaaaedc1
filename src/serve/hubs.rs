//! The unfiltered trade of the largest nodes, worked out once at start-up:
//! every partner edge heaviest first, and the month-by-month timeline.
//!
//! Why: the entity panel shows a node's heaviest partners, its totals and
//! its timeline with no filter, and for a hub of 76,000 shipments (a 1M
//! case) that is a fold of 9,500 partners and a walk over every shipment
//! per panel; fifty cold panels at once queue for the CPU. Kept here, a
//! panel reads them. The sorted edges also bound a filtered expansion: a
//! filter only removes shipments, so (when no declared value is negative)
//! no partner's filtered edge is heavier than its unfiltered one, and
//! [`super::partners::Trade::page`] stops folding partners once the next
//! one's unfiltered edge cannot reach the page.
//!
//! Memory is bounded: only nodes with at least [`HUB_MIN_SIDES`] shipments
//! are kept (below that a cold fold costs well under a millisecond); about
//! 44 bytes per partner edge of those nodes, reported by [`Hubs::heap_bytes`].

use crate::graph::Node;

use super::partners::{heaviest_first, Edge, Filter, Month, Trade};

/// Nodes with at least this many shipments (in and out) are kept.
pub const HUB_MIN_SIDES: usize = 2_000;

/// One kept node.
pub struct Hub {
    /// `Trade::edges(v, &Filter::default())`: every partner edge, heaviest first.
    pub edges: Vec<Edge>,
    /// The partner-index group of each edge, in the same order.
    pub group: Vec<u32>,
    /// `Trade::months(v, &Filter::default())`.
    pub months: Vec<Month>,
    /// True when no shipment of the node declares a negative value: a
    /// filtered edge's value is then at most its unfiltered one.
    pub bounded: bool,
}

#[derive(Default)]
pub struct Hubs {
    /// Index into `hubs` by node, `u32::MAX` for a node not kept (empty when none is).
    of: Vec<u32>,
    hubs: Vec<Hub>,
}

impl Hubs {
    /// Works out the kept nodes' edges and timelines on `t` (a [`Trade`]
    /// without hubs, so every answer is folded from the partner index), for the nodes with at least `min_sides` shipments.
    ///
    /// Complexity: one unfiltered fold and one walk over the shipments of
    /// each kept node (0.1 s for the 118 hubs of a 1M case). On this one
    /// thread, not rayon's: built in parallel, the 1M server held about
    /// 40 MB more after start-up (measured; the pool's idle threads keep
    /// what the folds freed).
    pub fn build(t: &Trade, min_sides: usize) -> Hubs {
        let n = t.g.node_count();
        let kept: Vec<Node> = (0..n as Node).filter(|&v| t.adj.sides_of(v) >= min_sides.max(1)).collect();
        let hubs: Vec<Hub> = kept
            .iter()
            .map(|&v| {
                let all = Filter::default();
                // As `Trade::edges` folds and sorts them, with each edge's group kept alongside.
                // (Vectors of their exact size: a hub may have tens of thousands of partners.)
                let groups = t.adj.groups(v);
                let mut folded: Vec<(Edge, u32)> = Vec::with_capacity(groups.len());
                folded.extend(groups.filter_map(|grp| t.fold(grp, &all).map(|e| (e, grp.index as u32))));
                folded.sort_by(|a, b| heaviest_first(&a.0, &b.0));
                let edges: Vec<Edge> = folded.iter().map(|x| x.0.clone()).collect();
                let group: Vec<u32> = folded.iter().map(|x| x.1).collect();
                let mut bounded = true;
                t.each(v, &all, |s, _, _| bounded &= t.g.value[s].is_nan() || t.g.value[s] >= 0.0);
                Hub { edges, group, months: t.months(v, &all), bounded }
            })
            .collect();
        let mut of = if kept.is_empty() { Vec::new() } else { vec![u32::MAX; n] };
        for (i, &v) in kept.iter().enumerate() {
            of[v as usize] = i as u32;
        }
        Hubs { of, hubs }
    }

    /// The kept answers of node `v`, if it is kept.
    #[inline]
    pub fn get(&self, v: Node) -> Option<&Hub> {
        let i = *self.of.get(v as usize)?;
        self.hubs.get(i as usize)
    }

    /// How many nodes are kept.
    pub fn len(&self) -> usize {
        self.hubs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hubs.is_empty()
    }

    /// Bytes of heap memory held.
    pub fn heap_bytes(&self) -> usize {
        fn v<T>(x: &Vec<T>) -> usize {
            x.capacity() * std::mem::size_of::<T>()
        }
        v(&self.of) + v(&self.hubs) + self.hubs.iter().map(|h| v(&h.edges) + v(&h.group) + v(&h.months)).sum::<usize>()
    }
}
