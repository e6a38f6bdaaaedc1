//! Keeping the best routes while counting them all.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::graph::{CaseGraph, Ship};

use super::rank::Ranker;
use super::search::search;
use super::Query;

/// One ranked route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteHit {
    pub score: i64,
    /// Shipment indexes in hop order.
    pub ships: Vec<Ship>,
    /// Their row ids (`shipment.id`): the deterministic tie-break.
    pub rows: Vec<i64>,
}

/// Best first: higher score, then the smaller sequence of shipment row ids.
pub fn rank_order(a: &RouteHit, b: &RouteHit) -> Ordering {
    b.score.cmp(&a.score).then_with(|| a.rows.cmp(&b.rows))
}

/// Heap entry ordered so the heap's top is the worst kept route.
struct Worst(RouteHit);

impl PartialEq for Worst {
    fn eq(&self, o: &Self) -> bool {
        rank_order(&self.0, &o.0) == Ordering::Equal
    }
}
impl Eq for Worst {}
impl PartialOrd for Worst {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Worst {
    fn cmp(&self, o: &Self) -> Ordering {
        rank_order(&self.0, &o.0)
    }
}

/// The outcome of a search: the full count and the kept routes, best first.
#[derive(Clone, Debug, Default)]
pub struct Found {
    pub total: u64,
    pub routes: Vec<RouteHit>,
}

/// Runs the search and keeps the `q.limit` best routes (all when `None`).
///
/// Description: every route is scored without building reasons; a bounded
/// binary heap keeps the K best under [`rank_order`], so memory is O(K)
/// whatever the number of routes.
///
/// Complexity: search cost plus O(R log K) for R routes.
pub fn collect_routes(g: &CaseGraph, q: &Query) -> Found {
    let mut ranker = Ranker::new(g);
    let mut heap: BinaryHeap<Worst> = BinaryHeap::new();
    let mut all: Vec<RouteHit> = Vec::new();
    let mut rows_buf: Vec<i64> = Vec::new();
    let total = search(g, q, |route| {
        let score = ranker.score(route, None);
        rows_buf.clear();
        rows_buf.extend(route.iter().map(|&s| g.ship_row[s as usize]));
        match q.limit {
            None => all.push(RouteHit { score, ships: route.to_vec(), rows: rows_buf.clone() }),
            Some(0) => {}
            Some(k) => {
                if heap.len() == k {
                    let worst = &heap.peek().expect("non-empty").0;
                    let better = score > worst.score || (score == worst.score && rows_buf.as_slice() < worst.rows.as_slice());
                    if !better {
                        return;
                    }
                    heap.pop();
                }
                heap.push(Worst(RouteHit { score, ships: route.to_vec(), rows: rows_buf.clone() }));
            }
        }
    });
    let mut routes = if q.limit.is_none() { all } else { heap.into_iter().map(|w| w.0).collect() };
    routes.sort_by(rank_order);
    Found { total, routes }
}
