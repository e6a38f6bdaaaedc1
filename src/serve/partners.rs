//! One entity's trade, read from the graph's arrays: its partners with
//! shipments folded into (partner, direction) edges, its shipments month by
//! month, and its shipments one by one. Pure functions of the graph: no SQL.

use std::collections::HashMap;

use crate::graph::{hs_key, hs_prefix_of, CaseGraph, Node, Ship};
use crate::model::Day;

/// Keys are small integers from our own arrays: foldhash, not SipHash (no untrusted keys).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The shipments of an entity that count, as the canvas filters choose them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub since: Option<Day>,
    pub until: Option<Day>,
    /// Packed HS prefixes with their lengths (any may match); empty = any goods.
    pub hs: Vec<(u64, u32)>,
    /// Only CHPL goods of this tier or a more sensitive one.
    pub chpl_max_tier: Option<u8>,
    /// Only partners registered in this country (packed).
    pub country: Option<u16>,
    /// Only shipments with this partner.
    pub partner: Option<Node>,
}

/// CHPL tier per shipment (0 = not on the list), computed once per case.
pub fn chpl_tiers(g: &CaseGraph) -> Vec<u8> {
    let mut memo: HashMap<u64, u8> = HashMap::new();
    (0..g.shipment_count())
        .map(|s| {
            *memo
                .entry(hs_key(g.hs(s), 6))
                .or_insert_with(|| crate::refdata::chpl_item(&crate::graph::hs_decode(g.hs(s))).map_or(0, |c| c.tier_number()))
        })
        .collect()
}

/// The graph with the indexes partner queries need.
pub struct Trade<'g> {
    pub g: &'g CaseGraph,
    pub incoming: &'g crate::assess::Incoming,
    pub chpl: &'g [u8],
}

/// Shipments from or to one partner, folded.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub partner: Node,
    /// True when the entity shipped to the partner.
    pub outgoing: bool,
    pub shipments: u32,
    pub value: f64,
    pub first: i32,
    pub last: i32,
    /// A packed HS code of the HS-6 heading carrying most value (0 until
    /// [`Trade::name_goods`]), and whether any shipment is CHPL goods.
    pub top_hs: u64,
    pub chpl: bool,
}

impl Trade<'_> {
    fn keep(&self, f: &Filter, s: usize, partner: Node) -> bool {
        let g = self.g;
        let d = Day(g.date[s]);
        f.since.is_none_or(|x| d >= x)
            && f.until.is_none_or(|x| d <= x)
            && (f.hs.is_empty() || f.hs.iter().any(|&(p, len)| hs_prefix_of(p, len, g.hs(s))))
            && f.chpl_max_tier.is_none_or(|t| self.chpl[s] != 0 && self.chpl[s] <= t)
            && f.country.is_none_or(|c| g.node_country[partner as usize] == c)
            && f.partner.is_none_or(|p| p == partner)
    }

    /// Calls `visit(ship, partner, outgoing)` for each kept shipment of `v`
    /// (outgoing first, then incoming). A shipment from `v` to itself is seen once.
    pub fn each(&self, v: Node, f: &Filter, mut visit: impl FnMut(usize, Node, bool)) {
        let g = self.g;
        for s in g.out_range(v) {
            let p = g.consignee[s];
            if self.keep(f, s, p) {
                visit(s, p, true);
            }
        }
        for &s in self.incoming.of(v) {
            let s = s as usize;
            let p = g.shipper[s];
            if p != v && self.keep(f, s, p) {
                visit(s, p, false);
            }
        }
    }

    /// Every partner edge of `v` under `f`, heaviest (declared value) first,
    /// then most shipments, then node order: the same order on every call.
    /// `top_hs` is left 0: [`Trade::name_goods`] fills it for the edges shown.
    ///
    /// Complexity: O(k + e log e) for k shipments of `v` and e edges (one
    /// hash probe per shipment: a hub of 50,000 shipments folds in well under a millisecond).
    pub fn edges(&self, v: Node, f: &Filter) -> Vec<Edge> {
        let g = self.g;
        let mut at: FastMap<(Node, bool), u32> = FastMap::default();
        let mut edges: Vec<Edge> = Vec::new();
        self.each(v, f, |s, p, out| {
            let i = *at.entry((p, out)).or_insert_with(|| {
                edges.push(Edge {
                    partner: p,
                    outgoing: out,
                    shipments: 0,
                    value: 0.0,
                    first: i32::MAX,
                    last: i32::MIN,
                    top_hs: 0,
                    chpl: false,
                });
                (edges.len() - 1) as u32
            });
            let e = &mut edges[i as usize];
            e.shipments += 1;
            if !g.value[s].is_nan() {
                e.value += f64::from(g.value[s]);
            }
            e.first = e.first.min(g.date[s]);
            e.last = e.last.max(g.date[s]);
            e.chpl |= self.chpl[s] != 0;
        });
        edges.sort_by(|a, b| {
            b.value
                .total_cmp(&a.value)
                .then(b.shipments.cmp(&a.shipments))
                .then(a.partner.cmp(&b.partner))
                .then(b.outgoing.cmp(&a.outgoing))
        });
        edges
    }

    /// Sets each edge's `top_hs`: the HS-6 heading carrying most declared
    /// value between the two (most shipments when no value is declared; the
    /// lower code on a tie). One more pass over `v`'s shipments, for the few edges shown.
    pub fn name_goods(&self, v: Node, f: &Filter, edges: &mut [Edge]) {
        let g = self.g;
        let index: FastMap<(Node, bool), usize> = edges.iter().enumerate().map(|(i, e)| ((e.partner, e.outgoing), i)).collect();
        // (edge, HS-6 key) -> (value, shipments, one full code of that heading)
        let mut sums: FastMap<(usize, u64), (f64, u32, u64)> = FastMap::default();
        self.each(v, f, |s, p, out| {
            if let Some(&i) = index.get(&(p, out)) {
                let x = sums.entry((i, hs_key(g.hs(s), 6))).or_insert((0.0, 0, g.hs(s)));
                if !g.value[s].is_nan() {
                    x.0 += f64::from(g.value[s]);
                }
                x.1 += 1;
            }
        });
        let mut best: FastMap<usize, (u64, f64, u32, u64)> = FastMap::default();
        for ((i, h), (val, n, code)) in sums {
            let b = best.entry(i).or_insert((h, val, n, code));
            if (val, n) > (b.1, b.2) || ((val, n) == (b.1, b.2) && h < b.0) {
                *b = (h, val, n, code);
            }
        }
        for (i, (_, _, _, code)) in best {
            edges[i].top_hs = code;
        }
    }

    /// Shipments per calendar month, in and out: `(year*12 + month-1, out count, out value, in count, in value)`.
    pub fn months(&self, v: Node, f: &Filter) -> Vec<(i32, u32, f64, u32, f64)> {
        let g = self.g;
        let mut m: std::collections::BTreeMap<i32, (u32, f64, u32, f64)> = std::collections::BTreeMap::new();
        self.each(v, f, |s, _, out| {
            let (y, mo, _) = Day(g.date[s]).ymd();
            let e = m.entry(y * 12 + mo as i32 - 1).or_default();
            let x = if g.value[s].is_nan() { 0.0 } else { f64::from(g.value[s]) };
            if out {
                e.0 += 1;
                e.1 += x;
            } else {
                e.2 += 1;
                e.3 += x;
            }
        });
        m.into_iter().map(|(k, (a, b, c, d))| (k, a, b, c, d)).collect()
    }

    /// Kept shipments of `v`, newest first (then graph order), with the partner and direction.
    pub fn shipments(&self, v: Node, f: &Filter) -> Vec<(Ship, Node, bool)> {
        let mut out = Vec::new();
        self.each(v, f, |s, p, o| out.push((s as Ship, p, o)));
        out.sort_by(|a, b| self.g.date[b.0 as usize].cmp(&self.g.date[a.0 as usize]).then(a.0.cmp(&b.0)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{EntityRow, ShipmentRow};

    fn graph() -> CaseGraph {
        let e = |id: i64, c: &str| EntityRow { id, cluster: id, country: crate::graph::country_code(c), ..Default::default() };
        let s = |id: i64, date: &str, a: i64, b: i64, hs: &str, v: f64| ShipmentRow {
            id,
            date: Day::parse_iso(date).unwrap().0,
            shipper: a,
            consignee: b,
            hs: hs.into(),
            value_usd: Some(v),
            ..Default::default()
        };
        let (g, skipped) = CaseGraph::build(
            vec![e(1, "US"), e(2, "TR"), e(3, "RU"), e(4, "AE")],
            vec![
                s(10, "2023-01-05", 1, 2, "854231", 100.0),
                s(11, "2023-02-05", 1, 2, "854232", 50.0),
                s(12, "2023-03-01", 2, 3, "854231", 120.0),
                s(13, "2023-03-09", 2, 4, "940360", 500.0),
                s(14, "2024-01-01", 4, 2, "854231", 10.0),
            ],
        );
        assert!(skipped.is_empty());
        g
    }

    #[test]
    fn folds_partners_heaviest_first_and_filters() {
        let g = graph();
        let inc = crate::assess::Incoming::build(&g);
        let chpl = chpl_tiers(&g);
        let t = Trade { g: &g, incoming: &inc, chpl: &chpl };
        let tr = g.node_of_entity(2).unwrap();
        let name = |v: Node| g.node_entity[v as usize];
        let mut all = t.edges(tr, &Filter::default());
        t.name_goods(tr, &Filter::default(), &mut all);
        let got: Vec<(i64, bool, u32, f64)> = all.iter().map(|e| (name(e.partner), e.outgoing, e.shipments, e.value)).collect();
        assert_eq!(got, vec![(4, true, 1, 500.0), (1, false, 2, 150.0), (3, true, 1, 120.0), (4, false, 1, 10.0)]);
        assert_eq!(crate::graph::hs_decode(all[1].top_hs), "854231");
        assert_eq!(crate::graph::hs_decode(all[0].top_hs), "940360");
        assert!(all[1].chpl && !all[0].chpl);
        let f = Filter { since: Day::parse_iso("2023-02-01"), until: Day::parse_iso("2023-12-31"), ..Default::default() };
        let got: Vec<(i64, u32)> = t.edges(tr, &f).iter().map(|e| (name(e.partner), e.shipments)).collect();
        assert_eq!(got, vec![(4, 1), (3, 1), (1, 1)]);
        let f = Filter {
            hs: vec![(crate::graph::hs_encode("8542").unwrap(), 4)],
            country: Some(crate::graph::country_code("US")),
            ..Default::default()
        };
        let got: Vec<(i64, u32)> = t.edges(tr, &f).iter().map(|e| (name(e.partner), e.shipments)).collect();
        assert_eq!(got, vec![(1, 2)]);
        let f = Filter { chpl_max_tier: Some(4), ..Default::default() };
        assert!(t.edges(tr, &f).iter().all(|e| e.chpl));
        assert_eq!(t.shipments(tr, &Filter::default()).len(), 5);
        let months = t.months(tr, &Filter::default());
        assert_eq!(months.len(), 4);
        assert_eq!(months[0], (2023 * 12, 0, 0.0, 1, 100.0));
    }
}
