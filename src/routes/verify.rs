//! Whether a sequence of shipments is a route of a query (docs/routes.md,
//! *Definition*), clause by clause. The search only ever produces routes;
//! this is for routes found elsewhere — the Spark job's, imported with
//! `routes --import-routes` — which are ranked and reported as if the search
//! had found them, so each must first be shown to be one.

use crate::graph::{CaseGraph, Ship};

use super::search::qualifies_first;
use super::{route_nodes, Query};

/// The first clause of the definition a sequence breaks. `hop` counts from
/// 0; `at` and `first` are positions in the route's entity chain (0 is the
/// first shipper, `k` the consignee of hop `k`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// No shipment at all.
    Empty,
    /// More hops than the query's `max_hops`.
    TooManyHops,
    /// Clause 1: hop `hop` does not leave the node hop `hop - 1` delivered to.
    Broken { hop: usize },
    /// Clause 2: hop `hop` is dated before hop `hop - 1`.
    Earlier { hop: usize },
    /// Clause 2: hop `hop` left more than the dwell limit after hop `hop - 1`.
    Dwell { hop: usize },
    /// Clause 3: hop `hop`'s HS key (at the query's level) is not hop `hop - 1`'s.
    Goods { hop: usize },
    /// Clause 4: the entity at position `at` is the one at position `first`.
    Repeats { at: usize, first: usize },
    /// Clause 5: the first hop qualifies for no origin selector.
    Origin,
    /// Clause 6: the last hop delivers outside the destination set.
    Destination,
    /// Clause 7: a filter (or the mirror pairing, which masks the second
    /// declaration of a consignment) leaves hop `hop`'s shipment out.
    Filtered { hop: usize },
    /// Clause 9: hop `hop` touches an avoided entity.
    Avoided { hop: usize },
    /// Clause 8: no entity of the route is in the via set.
    NoVia,
}

/// Checks `route` against `q` on `g`: the structure (clauses 1 to 4) first,
/// then what the query asks (hops, clauses 5 to 9), and says which clause
/// fails first. `Ok` exactly when [`super::search::search`] on `q` would
/// visit `route`.
///
/// Complexity: O(k²) for k hops (k is at most 12).
pub fn check(g: &CaseGraph, q: &Query, route: &[Ship]) -> Result<(), Fault> {
    let Some(&first) = route.first() else {
        return Err(Fault::Empty);
    };
    for (h, w) in route.windows(2).enumerate() {
        let (a, b) = (w[0] as usize, w[1] as usize);
        let hop = h + 1;
        if g.consignee[a] != g.shipper[b] {
            return Err(Fault::Broken { hop });
        }
        if g.date[b] < g.date[a] {
            return Err(Fault::Earlier { hop });
        }
        if i64::from(g.date[b]) > i64::from(g.date[a]) + i64::from(q.max_dwell_days) {
            return Err(Fault::Dwell { hop });
        }
        if g.key(a, q.hs_level) != g.key(b, q.hs_level) {
            return Err(Fault::Goods { hop });
        }
    }
    let nodes = route_nodes(g, route);
    for at in 1..nodes.len() {
        if let Some(first) = nodes[..at].iter().position(|&v| v == nodes[at]) {
            return Err(Fault::Repeats { at, first });
        }
    }
    if route.len() > q.max_hops as usize {
        return Err(Fault::TooManyHops);
    }
    if !qualifies_first(g, q, first as usize) {
        return Err(Fault::Origin);
    }
    if !q.to_nodes[*nodes.last().expect("a route has nodes") as usize] {
        return Err(Fault::Destination);
    }
    for (hop, &s) in route.iter().enumerate() {
        if !q.ship_ok[s as usize] {
            return Err(Fault::Filtered { hop });
        }
        if q.avoid_nodes[g.shipper[s as usize] as usize] || q.avoid_nodes[g.consignee[s as usize] as usize] {
            return Err(Fault::Avoided { hop });
        }
    }
    if let Some(via) = &q.via_nodes {
        if !nodes.iter().any(|&v| via[v as usize]) {
            return Err(Fault::NoVia);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{country_code, EntityRow, ShipmentRow, NO_DATE};
    use crate::routes::search::search;

    /// US(1) -> AE(2) -> TR(3) -> RU(4), with a way back to AE and goods that change.
    fn graph() -> CaseGraph {
        let ent = |id: i64, cc: &str| EntityRow { id, cluster: id, country: country_code(cc), incorporated: NO_DATE, ..Default::default() };
        let ship = |id: i64, date: i32, a: i64, b: i64, hs: &str, value: Option<f64>| ShipmentRow {
            id,
            date,
            shipper: a,
            consignee: b,
            hs: hs.into(),
            value_usd: value,
            ..Default::default()
        };
        CaseGraph::build(
            vec![ent(1, "US"), ent(2, "AE"), ent(3, "TR"), ent(4, "RU")],
            vec![
                ship(10, 100, 1, 2, "854231", Some(5000.0)),
                ship(11, 120, 2, 3, "854231", Some(5000.0)),
                ship(12, 130, 3, 4, "854231", Some(5000.0)),
                ship(13, 125, 3, 2, "854231", Some(5000.0)), // back to AE
                ship(14, 90, 2, 4, "854231", Some(5000.0)),  // AE -> RU before the goods arrived
                ship(15, 400, 2, 4, "854231", Some(5000.0)), // AE -> RU 300 days after
                ship(16, 110, 2, 4, "851713", Some(5000.0)), // AE -> RU, other goods
                ship(17, 110, 2, 4, "854231", None),         // AE -> RU, no value
            ],
        )
        .0
    }

    fn query(g: &CaseGraph) -> Query {
        let n = g.node_count();
        Query {
            from_nodes: (0..n).map(|v| v == 0).collect(),
            from_origins: vec![],
            from_brands: vec![false; g.brands.len()],
            has_goods_selectors: false,
            to_nodes: (0..n).map(|v| v == 3).collect(),
            via_nodes: None,
            avoid_nodes: vec![false; n],
            ship_ok: vec![true; g.shipment_count()],
            max_hops: 4,
            max_dwell_days: 180,
            hs_level: 6,
            limit: None,
            mirrors: Default::default(),
        }
    }

    fn ships(g: &CaseGraph, rows: &[i64]) -> Vec<Ship> {
        rows.iter().map(|&r| g.ship_of_row(r).unwrap()).collect()
    }

    #[test]
    fn every_route_the_search_finds_passes_and_nothing_else_does() {
        let g = graph();
        let q = query(&g);
        let mut found = Vec::new();
        search(&g, &q, |r| found.push(r.to_vec()));
        assert!(found.len() >= 2, "{found:?}");
        for r in &found {
            assert_eq!(check(&g, &q, r), Ok(()), "{r:?}");
        }
        // Every chain of up to 3 shipments the search did not give fails.
        let n = g.shipment_count() as Ship;
        for a in 0..n {
            for b in 0..n {
                for c in 0..n {
                    for r in [vec![a], vec![a, b], vec![a, b, c]] {
                        assert_eq!(check(&g, &q, &r).is_ok(), found.contains(&r), "{r:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn names_the_first_clause_broken() {
        let g = graph();
        let mut q = query(&g);
        let f = |q: &Query, rows: &[i64]| check(&g, q, &ships(&g, rows));
        assert_eq!(f(&q, &[10, 11, 12]), Ok(()));
        assert_eq!(check(&g, &q, &[]), Err(Fault::Empty));
        assert_eq!(f(&q, &[10, 12]), Err(Fault::Broken { hop: 1 }));
        assert_eq!(f(&q, &[10, 14]), Err(Fault::Earlier { hop: 1 }));
        assert_eq!(f(&q, &[10, 15]), Err(Fault::Dwell { hop: 1 }));
        assert_eq!(f(&q, &[10, 16]), Err(Fault::Goods { hop: 1 }));
        assert_eq!(f(&q, &[10, 11, 13]), Err(Fault::Repeats { at: 3, first: 1 }));
        assert_eq!(f(&q, &[11, 12]), Err(Fault::Origin));
        assert_eq!(f(&q, &[10, 11]), Err(Fault::Destination));
        q.max_hops = 2;
        assert_eq!(f(&q, &[10, 11, 12]), Err(Fault::TooManyHops));
        q.max_hops = 4;
        q.ship_ok[g.ship_of_row(11).unwrap() as usize] = false;
        assert_eq!(f(&q, &[10, 11, 12]), Err(Fault::Filtered { hop: 1 }));
        q.ship_ok.fill(true);
        q.avoid_nodes[2] = true;
        assert_eq!(f(&q, &[10, 11, 12]), Err(Fault::Avoided { hop: 1 }));
        q.avoid_nodes.fill(false);
        q.via_nodes = Some((0..g.node_count()).map(|v| v == 2).collect());
        assert_eq!(f(&q, &[10, 17]), Err(Fault::NoVia));
        assert_eq!(f(&q, &[10, 11, 12]), Ok(()));
    }
}
