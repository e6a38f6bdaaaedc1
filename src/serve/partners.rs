//! One entity's trade, read from the partner index ([`Adjacency`]): its
//! partners with shipments folded into (partner, direction) edges, its
//! shipments month by month, and its shipments one by one. Pure functions
//! of the graph and the index: no SQL.

use std::borrow::Cow;
use std::collections::{BinaryHeap, HashMap};

use crate::graph::{hs_key, hs_prefix_of, CaseGraph, Node, Ship, HS_TAIL};
use crate::model::Day;
use crate::refdata::goods::GoodsLists;

use super::adjacency::{self, Adjacency, Group, Run};
use super::hubs::{Hub, Hubs};

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
    /// Only goods on a loaded goods list (the CHPL or a `--goods` file).
    pub controlled: bool,
    /// Only partners registered in this country (packed).
    pub country: Option<u16>,
    /// Only shipments with this partner.
    pub partner: Option<Node>,
}

/// The goods class of every shipment ([`adjacency::TIER_MASK`] bits: the
/// CHPL tier, 0 = not listed; [`adjacency::CONTROLLED`]: on any loaded goods
/// list), computed once per case (each distinct HS code is looked up once).
pub fn goods_classes(g: &CaseGraph, goods: &GoodsLists) -> Vec<u8> {
    let mut memo: FastMap<u64, u8> = FastMap::default();
    (0..g.shipment_count())
        .map(|s| {
            *memo.entry(g.hs(s)).or_insert_with(|| {
                let digits = crate::graph::hs_decode(g.hs(s));
                let tier = crate::refdata::chpl_item(&digits).map_or(0, |c| c.tier_number());
                tier | if goods.controlled(&digits) { adjacency::CONTROLLED } else { 0 }
            })
        })
        .collect()
}

/// The graph with its partner index, and the largest nodes' unfiltered
/// trade worked out at start-up (`None`: every answer folded from the index).
pub struct Trade<'g> {
    pub g: &'g CaseGraph,
    pub adj: &'g Adjacency,
    pub hubs: Option<&'g Hubs>,
}

/// Shipments of one calendar month: `(year*12 + month-1, out count, out value, in count, in value)`.
pub type Month = (i32, u32, f64, u32, f64);

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
    /// A packed HS code whose first six positions are the HS-6 heading
    /// carrying most declared value (most shipments when no value is
    /// declared; the lower code on a tie).
    pub top_hs: u64,
    /// Whether any shipment is CHPL goods, or on any loaded goods list.
    pub chpl: bool,
    pub controlled: bool,
}

impl Edge {
    /// An edge to `partner` with no shipment folded in yet (dates at their
    /// extremes, so the first shipment sets both).
    fn empty(partner: Node, outgoing: bool) -> Edge {
        Edge { partner, outgoing, shipments: 0, value: 0.0, first: i32::MAX, last: i32::MIN, top_hs: 0, chpl: false, controlled: false }
    }
}

/// What a filter makes of one run: all of its date window, none, or the
/// shipments of the window whose full HS code matches (a prefix longer than HS-6).
enum Take {
    None,
    All,
    Check,
}

/// Heaviest (declared value) first, then most shipments, then node order, outgoing first.
pub(super) fn heaviest_first(a: &Edge, b: &Edge) -> std::cmp::Ordering {
    b.value.total_cmp(&a.value).then(b.shipments.cmp(&a.shipments)).then(a.partner.cmp(&b.partner)).then(b.outgoing.cmp(&a.outgoing))
}

/// An edge ordered by [`heaviest_first`], so a max-heap's top is the lightest edge it holds.
struct Ranked(Edge);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        heaviest_first(&self.0, &other.0).is_eq()
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        heaviest_first(&self.0, &other.0)
    }
}

impl Trade<'_> {
    fn group_kept(&self, f: &Filter, grp: &Group) -> bool {
        f.country.is_none_or(|c| self.g.node_country[grp.partner as usize] == c) && f.partner.is_none_or(|p| p == grp.partner)
    }

    fn take(f: &Filter, run: &Run) -> Take {
        let tier = run.class & adjacency::TIER_MASK;
        if f.chpl_max_tier.is_some_and(|t| tier == 0 || tier > t) || (f.controlled && run.class & adjacency::CONTROLLED == 0) {
            return Take::None;
        }
        if f.hs.is_empty() {
            return Take::All;
        }
        let code6 = u64::from(run.key6) * HS_TAIL;
        let mut check = false;
        for &(p, len) in &f.hs {
            if len <= 6 {
                if hs_prefix_of(p, len, code6) {
                    return Take::All;
                }
            } else if hs_key(p, 6) == u64::from(run.key6) {
                check = true;
            }
        }
        if check {
            Take::Check
        } else {
            Take::None
        }
    }

    fn hs_ok(&self, f: &Filter, s: Ship) -> bool {
        let code = self.g.hs(s as usize);
        f.hs.iter().any(|&(p, len)| hs_prefix_of(p, len, code))
    }

    fn groups<'a>(&'a self, v: Node, f: &'a Filter) -> Box<dyn Iterator<Item = Group> + 'a> {
        match f.partner {
            Some(p) => Box::new(self.adj.groups_with(v, p).filter(move |grp| self.group_kept(f, grp))),
            None => Box::new(self.adj.groups(v).filter(move |grp| self.group_kept(f, grp))),
        }
    }

    /// Calls `visit(ship, partner, outgoing)` for each kept shipment of `v`,
    /// partner by partner. A shipment from `v` to itself is seen once.
    pub fn each(&self, v: Node, f: &Filter, mut visit: impl FnMut(usize, Node, bool)) {
        let (since, until) = (f.since.map(|d| d.0), f.until.map(|d| d.0));
        for grp in self.groups(v, f) {
            for run in self.adj.runs(grp) {
                let take = Self::take(f, &run);
                if matches!(take, Take::None) {
                    continue;
                }
                for &s in &run.ship[run.window(since, until)] {
                    if matches!(take, Take::All) || self.hs_ok(f, s) {
                        visit(s as usize, grp.partner, grp.outgoing);
                    }
                }
            }
        }
    }

    fn hub(&self, v: Node) -> Option<&Hub> {
        self.hubs.and_then(|h| h.get(v))
    }

    /// The partner edge of one group under `f`, `None` when no shipment is kept.
    pub(super) fn fold(&self, grp: Group, f: &Filter) -> Option<Edge> {
        let g = self.g;
        let (since, until) = (f.since.map(|d| d.0), f.until.map(|d| d.0));
        let mut e = Edge::empty(grp.partner, grp.outgoing);
        // Runs come by HS-6 key; one heading may span two runs (classes differ
        // when a goods list names a longer prefix), so sums are per heading.
        let mut heading: Option<(u32, f64, u32)> = None;
        let mut best: Option<(u32, f64, u32)> = None;
        let close = |h: Option<(u32, f64, u32)>, best: &mut Option<(u32, f64, u32)>| {
            if let Some(h) = h {
                if best.is_none_or(|b| (h.1, h.2) > (b.1, b.2)) {
                    *best = Some(h);
                }
            }
        };
        for run in self.adj.runs(grp) {
            let take = Self::take(f, &run);
            let w = run.window(since, until);
            let (n, val, first, last) = match take {
                Take::None => continue,
                _ if w.is_empty() => continue,
                Take::All => (w.len() as u32, run.value(&w), run.date[w.start], run.date[w.end - 1]),
                Take::Check => {
                    let (mut n, mut val, mut first, mut last) = (0u32, 0.0f64, i32::MAX, i32::MIN);
                    for i in w {
                        let s = run.ship[i];
                        if self.hs_ok(f, s) {
                            n += 1;
                            let x = g.value[s as usize];
                            if !x.is_nan() {
                                val += f64::from(x);
                            }
                            first = first.min(run.date[i]);
                            last = last.max(run.date[i]);
                        }
                    }
                    if n == 0 {
                        continue;
                    }
                    (n, val, first, last)
                }
            };
            e.shipments += n;
            e.value += val;
            e.first = e.first.min(first);
            e.last = e.last.max(last);
            e.chpl |= run.class & adjacency::TIER_MASK != 0;
            e.controlled |= run.class & adjacency::CONTROLLED != 0;
            match &mut heading {
                Some(h) if h.0 == run.key6 => {
                    h.1 += val;
                    h.2 += n;
                }
                _ => {
                    close(heading, &mut best);
                    heading = Some((run.key6, val, n));
                }
            }
        }
        close(heading, &mut best);
        let (k, _, _) = best?;
        e.top_hs = u64::from(k) * HS_TAIL;
        Some(e)
    }

    /// Every partner edge of `v` under `f`, heaviest (declared value) first,
    /// then most shipments, then node order: the same order on every call.
    ///
    /// Complexity: O(r log k + e log e) for r runs of `v`'s partner index
    /// of at most k shipments each and e edges (plus the shipments of the
    /// date window for an HS prefix longer than six digits).
    pub fn edges(&self, v: Node, f: &Filter) -> Vec<Edge> {
        if *f == Filter::default() {
            if let Some(h) = self.hub(v) {
                return h.edges.clone();
            }
        }
        let mut edges: Vec<Edge> = self.groups(v, f).filter_map(|grp| self.fold(grp, f)).collect();
        edges.sort_by(heaviest_first);
        edges
    }

    /// [`Trade::edges`] with no filter, borrowed when the node is a kept hub.
    pub fn all_edges(&self, v: Node) -> Cow<'_, [Edge]> {
        match self.hub(v) {
            Some(h) => Cow::Borrowed(&h.edges),
            None => Cow::Owned(self.edges(v, &Filter::default())),
        }
    }

    /// Edges `offset..offset + limit` of [`Trade::edges`] and how many there are
    /// in all, without sorting the edges past the page.
    pub fn page(&self, v: Node, f: &Filter, offset: usize, limit: usize) -> (Vec<Edge>, usize) {
        if let Some(h) = self.hub(v) {
            return self.hub_page(h, f, offset, limit);
        }
        let mut edges: Vec<Edge> = self.groups(v, f).filter_map(|grp| self.fold(grp, f)).collect();
        let total = edges.len();
        let end = offset.saturating_add(limit).min(total);
        if end < total && end > 0 {
            edges.select_nth_unstable_by(end - 1, heaviest_first);
            edges.truncate(end);
        }
        edges.sort_by(heaviest_first);
        (edges.into_iter().skip(offset).take(limit).collect(), total)
    }

    /// [`Trade::page`] of a kept hub: its partners are visited heaviest
    /// unfiltered edge first, and once the page holds `offset + limit` edges
    /// and the next partner's unfiltered edge is lighter than the page's
    /// lightest, no later partner can reach the page (a filter only drops
    /// shipments, and no value is negative: [`Hub::bounded`]), so the rest
    /// are only checked for a kept shipment, to count them, not folded.
    fn hub_page(&self, hub: &Hub, f: &Filter, offset: usize, limit: usize) -> (Vec<Edge>, usize) {
        if *f == Filter::default() {
            return (hub.edges.iter().skip(offset).take(limit).cloned().collect(), hub.edges.len());
        }
        let k = offset.saturating_add(limit);
        let mut best: BinaryHeap<Ranked> = BinaryHeap::new();
        let mut total = 0usize;
        for (ue, &index) in hub.edges.iter().zip(&hub.group) {
            let grp = Group { index: index as usize, partner: ue.partner, outgoing: ue.outgoing };
            if !self.group_kept(f, &grp) {
                continue;
            }
            let out_of_reach = hub.bounded
                && best.len() >= k
                && best.peek().is_none_or(|w| match ue.value.total_cmp(&w.0.value) {
                    std::cmp::Ordering::Less => true,
                    std::cmp::Ordering::Equal => ue.shipments < w.0.shipments,
                    std::cmp::Ordering::Greater => false,
                });
            if out_of_reach {
                total += usize::from(self.kept_any(grp, ue, f));
            } else if let Some(e) = self.fold(grp, f) {
                total += 1;
                best.push(Ranked(e));
                if best.len() > k {
                    best.pop();
                }
            }
        }
        let mut page: Vec<Edge> = best.into_iter().map(|r| r.0).collect();
        page.sort_by(heaviest_first);
        (page.into_iter().skip(offset).take(limit).collect(), total)
    }

    /// Whether `f` keeps any shipment of a group whose unfiltered edge is `all`.
    fn kept_any(&self, grp: Group, all: &Edge, f: &Filter) -> bool {
        let (since, until) = (f.since.map(|d| d.0), f.until.map(|d| d.0));
        if f.hs.is_empty() && f.chpl_max_tier.is_none() && !f.controlled {
            // Dates only: the group's first and last shipment settle it unless they straddle the window.
            let (lo, hi) = (since.unwrap_or(i32::MIN), until.unwrap_or(i32::MAX));
            if all.last < lo || all.first > hi {
                return false;
            }
            if all.first >= lo || all.last <= hi {
                return true;
            }
        }
        self.adj.runs(grp).any(|run| match Self::take(f, &run) {
            Take::None => false,
            Take::All => !run.window(since, until).is_empty(),
            Take::Check => run.ship[run.window(since, until)].iter().any(|&s| self.hs_ok(f, s)),
        })
    }

    /// Shipments per calendar month, in and out.
    pub fn months(&self, v: Node, f: &Filter) -> Vec<Month> {
        if *f == Filter::default() {
            if let Some(h) = self.hub(v) {
                return h.months.clone();
            }
        }
        let g = self.g;
        let mut m: FastMap<i32, (u32, f64, u32, f64)> = FastMap::default();
        // Dates within a run ascend: the month is worked out again only when
        // a date leaves the current one, not for every shipment.
        let (mut month_start, mut month_end, mut month) = (i32::MAX, i32::MIN, 0i32);
        self.each(v, f, |s, _, out| {
            let d = g.date[s];
            if d < month_start || d >= month_end {
                let (y, mo, _) = Day(d).ymd();
                month = y * 12 + mo as i32 - 1;
                let (ny, nm) = if mo == 12 { (y + 1, 1) } else { (y, mo + 1) };
                month_start = Day::from_ymd(y, mo, 1).map_or(d, |x| x.0);
                month_end = Day::from_ymd(ny, nm, 1).map_or(d + 1, |x| x.0);
            }
            let e = m.entry(month).or_default();
            let x = if g.value[s].is_nan() { 0.0 } else { f64::from(g.value[s]) };
            if out {
                e.0 += 1;
                e.1 += x;
            } else {
                e.2 += 1;
                e.3 += x;
            }
        });
        let mut v: Vec<Month> = m.into_iter().map(|(k, (a, b, c, d))| (k, a, b, c, d)).collect();
        v.sort_by_key(|x| x.0);
        v
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

    fn index(g: &CaseGraph) -> Adjacency {
        Adjacency::build(g, &goods_classes(g, &GoodsLists::bundled()))
    }

    #[test]
    fn folds_partners_heaviest_first_and_filters() {
        let g = graph();
        let adj = index(&g);
        let t = Trade { g: &g, adj: &adj, hubs: None };
        let tr = g.node_of_entity(2).unwrap();
        let name = |v: Node| g.node_entity[v as usize];
        let all = t.edges(tr, &Filter::default());
        let got: Vec<(i64, bool, u32, f64)> = all.iter().map(|e| (name(e.partner), e.outgoing, e.shipments, e.value)).collect();
        assert_eq!(got, vec![(4, true, 1, 500.0), (1, false, 2, 150.0), (3, true, 1, 120.0), (4, false, 1, 10.0)]);
        assert_eq!(crate::graph::hs_decode(all[1].top_hs), "854231");
        assert_eq!(crate::graph::hs_decode(all[0].top_hs), "940360");
        assert!(all[1].chpl && !all[0].chpl);
        assert!(all[1].controlled && !all[0].controlled);
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
        let f = Filter { controlled: true, ..Default::default() };
        assert_eq!(t.edges(tr, &f).len(), 3);
        assert_eq!(t.shipments(tr, &Filter::default()).len(), 5);
        let months = t.months(tr, &Filter::default());
        assert_eq!(months.len(), 4);
        assert_eq!(months[0], (2023 * 12, 0, 0.0, 1, 100.0));
    }

    /// An edge being folded, with value and shipments per HS-6 key.
    type Folding = (Edge, std::collections::BTreeMap<u32, (f64, u32)>);

    /// The oracle: every shipment of the case looked at, one by one.
    #[allow(clippy::needless_range_loop)]
    fn naive_edges(g: &CaseGraph, class: &[u8], v: Node, f: &Filter) -> Vec<Edge> {
        let mut by: std::collections::BTreeMap<(Node, bool), Folding> = Default::default();
        for s in 0..g.shipment_count() {
            let (a, b) = (g.shipper[s], g.consignee[s]);
            let sides = [(a == v).then_some((b, true)), (b == v && a != v).then_some((a, false))];
            for (p, out) in sides.into_iter().flatten() {
                let d = Day(g.date[s]);
                let tier = class[s] & adjacency::TIER_MASK;
                let keep = f.since.is_none_or(|x| d >= x)
                    && f.until.is_none_or(|x| d <= x)
                    && (f.hs.is_empty() || f.hs.iter().any(|&(pre, len)| hs_prefix_of(pre, len, g.hs(s))))
                    && f.chpl_max_tier.is_none_or(|t| tier != 0 && tier <= t)
                    && (!f.controlled || class[s] & adjacency::CONTROLLED != 0)
                    && f.country.is_none_or(|c| g.node_country[p as usize] == c)
                    && f.partner.is_none_or(|x| x == p);
                if !keep {
                    continue;
                }
                let x = if g.value[s].is_nan() { 0.0 } else { f64::from(g.value[s]) };
                let (e, heads) = by.entry((p, out)).or_insert_with(|| (Edge::empty(p, out), Default::default()));
                e.shipments += 1;
                e.value += x;
                e.first = e.first.min(g.date[s]);
                e.last = e.last.max(g.date[s]);
                e.chpl |= tier != 0;
                e.controlled |= class[s] & adjacency::CONTROLLED != 0;
                let h = heads.entry(g.key6[s]).or_default();
                h.0 += x;
                h.1 += 1;
            }
        }
        let mut edges: Vec<Edge> = by
            .into_values()
            .map(|(mut e, heads)| {
                let mut best: Option<(u32, f64, u32)> = None;
                for (k, (val, n)) in heads {
                    if best.is_none_or(|b| (val, n) > (b.1, b.2)) {
                        best = Some((k, val, n));
                    }
                }
                e.top_hs = u64::from(best.unwrap().0) * HS_TAIL;
                e
            })
            .collect();
        edges.sort_by(heaviest_first);
        edges
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The index answers every filter exactly as a fold over all shipments does.
        #[test]
        fn index_agrees_with_a_full_scan(
            ships in proptest::collection::vec((0i64..6, 0i64..6, 0i32..400, 0usize..6, 0u32..5), 1..120),
            negative in any::<bool>(),
            since in proptest::option::of(0i32..400), span in 0i32..400, until_on in any::<bool>(),
            hs in 0usize..8, chpl in proptest::option::of(1u8..=4), controlled in any::<bool>(),
            country in proptest::option::of(0usize..3), partner in proptest::option::of(0i64..6),
            offset in 0usize..5, limit in 1usize..5,
        ) {
            let countries = ["US", "TR", "RU"];
            let codes = ["854231", "85423190", "85423110", "854232", "940360", "8471"];
            let ents: Vec<EntityRow> = (0..6)
                .map(|i| EntityRow { id: i, cluster: i, country: crate::graph::country_code(countries[i as usize % 3]), ..Default::default() })
                .collect();
            let base = Day::parse_iso("2023-01-01").unwrap().0;
            let rows: Vec<ShipmentRow> = ships.iter().enumerate().map(|(i, &(a, b, d, h, v))| ShipmentRow {
                id: i as i64 + 100,
                date: base + d,
                shipper: a,
                consignee: b,
                hs: codes[h].into(),
                // With `negative`, value 4 is declared as -40: a node with one is not `Hub::bounded`.
                value_usd: (v > 0).then_some(if negative && v == 4 { -40.0 } else { f64::from(v * 10) }),
                ..Default::default()
            }).collect();
            let (g, _) = CaseGraph::build(ents, rows);
            let mut goods = GoodsLists::bundled();
            goods.add_text(std::path::Path::new("mine.csv"), "hs_code,list,description,source\n85423190,mine,x,y\n9403,mine,x,y\n").unwrap();
            let class = goods_classes(&g, &goods);
            let adj = Adjacency::build(&g, &class);
            let t = Trade { g: &g, adj: &adj, hubs: None };
            // Every node kept as a hub: the same answers from its kept edges and timeline.
            let hubs = Hubs::build(&t, 1);
            let th = Trade { g: &g, adj: &adj, hubs: Some(&hubs) };
            let prefixes = [vec![], vec!["8542"], vec!["854231"], vec!["85423190"], vec!["8542319"], vec!["9403", "85423110"], vec!["8471"], vec!["854232", "8542319"]];
            let f = Filter {
                since: since.map(|d| Day(base + d)),
                until: (until_on).then(|| Day(base + since.unwrap_or(0) + span)),
                hs: prefixes[hs].iter().map(|p| (crate::graph::hs_encode(p).unwrap(), p.len() as u32)).collect(),
                chpl_max_tier: chpl,
                controlled,
                country: country.map(|c| crate::graph::country_code(countries[c])),
                partner: partner.and_then(|p| g.node_of_entity(p)),
            };
            for v in 0..g.node_count() as Node {
                let want = naive_edges(&g, &class, v, &f);
                prop_assert_eq!(&t.edges(v, &f), &want);
                prop_assert_eq!(&th.edges(v, &f), &want);
                let slice: Vec<Edge> = want.iter().skip(offset).take(limit).cloned().collect();
                for tt in [&t, &th] {
                    let (page, total) = tt.page(v, &f, offset, limit);
                    prop_assert_eq!(total, want.len());
                    prop_assert_eq!(page, slice.clone());
                }
                prop_assert_eq!(th.all_edges(v).into_owned(), naive_edges(&g, &class, v, &Filter::default()));
                prop_assert_eq!(th.months(v, &Filter::default()), t.months(v, &Filter::default()));
                prop_assert_eq!(th.months(v, &f), t.months(v, &f));
                let n: u32 = want.iter().map(|e| e.shipments).sum();
                prop_assert_eq!(t.shipments(v, &f).len(), n as usize);
                let m = t.months(v, &f);
                prop_assert_eq!(m.iter().map(|x| x.1 + x.3).sum::<u32>(), n);
                let mut by_month: std::collections::BTreeMap<i32, (u32, u32)> = Default::default();
                for (s, _, out) in t.shipments(v, &f) {
                    let (y, mo, _) = Day(g.date[s as usize]).ymd();
                    let e = by_month.entry(y * 12 + mo as i32 - 1).or_default();
                    if out { e.0 += 1 } else { e.1 += 1 }
                }
                prop_assert_eq!(m.iter().map(|x| (x.0, (x.1, x.3))).collect::<Vec<_>>(), by_month.into_iter().collect::<Vec<_>>());
            }
        }
    }
}
