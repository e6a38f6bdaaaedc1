//! Mirror records: one consignment declared twice, once by the exporting
//! country and once by the importing one (a Turkish export declaration and
//! the Russian import declaration of the same goods).
//!
//! Two shipments are a mirror pair when they come from different import
//! batches (one consignment is declared once per country; two equal lines of
//! one dump are two consignments), have the same shipper node and the same
//! consignee node after resolution, the same HS-6 code, the later is dated
//! 0 to `max_days` days after the earlier, and their declared values (USD)
//! differ by at most `value_tolerance` of the larger — or, when a value is
//! unknown on either side, their quantities are equal. A value outside the
//! tolerance rules the pair out even when the quantities agree.
//!
//! The earlier record (the export declaration) stands for the hop; the later
//! one is its mirror: it backs the hop as a second declaration, and route
//! search, totals and diagrams do not count it again. When several records
//! could pair, pairs are taken in order of (days apart, value difference,
//! earlier row id, later row id), each record in at most one pair: the same
//! case gives the same pairs.

use super::{CaseGraph, Ship};

/// The matching rules (docs/routes.md, *Mirror records*).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MirrorRules {
    /// Pair at all (`--no-mirror` turns it off).
    pub enabled: bool,
    /// Most days from the earlier declaration to the later.
    pub max_days: i32,
    /// Largest value difference, as a fraction of the larger value.
    pub value_tolerance: f64,
}

pub const DEFAULT_MAX_DAYS: i32 = 45;
pub const DEFAULT_VALUE_TOLERANCE: f64 = 0.10;

impl Default for MirrorRules {
    fn default() -> Self {
        MirrorRules { enabled: true, max_days: DEFAULT_MAX_DAYS, value_tolerance: DEFAULT_VALUE_TOLERANCE }
    }
}

/// A candidate pair before the batch rule: (earlier, later) shipment and its sort key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub first: Ship,
    pub second: Ship,
    days: i32,
    value_gap: f32,
}

/// The pairs chosen: `(first, second)`, sorted by `first`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mirrors {
    pairs: Vec<(Ship, Ship)>,
}

impl Mirrors {
    /// The mirror (second declaration) of shipment `s`, when `s` stands for a pair.
    pub fn of(&self, s: Ship) -> Option<Ship> {
        self.pairs.binary_search_by_key(&s, |p| p.0).ok().map(|i| self.pairs[i].1)
    }

    pub fn pairs(&self) -> &[(Ship, Ship)] {
        &self.pairs
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// Whether the values (or, failing them, the quantities) of `a` and `b` agree.
fn agree(g: &CaseGraph, a: usize, b: usize, tol: f64) -> Option<f32> {
    let (va, vb) = (g.value[a], g.value[b]);
    if !va.is_nan() && !vb.is_nan() {
        let gap = (va - vb).abs();
        let top = va.max(vb);
        return (f64::from(gap) <= tol * f64::from(top)).then_some(gap);
    }
    let (qa, qb) = (g.quantity[a], g.quantity[b]);
    (!qa.is_nan() && qa == qb).then_some(f32::INFINITY)
}

/// Every pair of shipments that meets the rules except the batch rule,
/// in the order pairs are chosen (see the module documentation).
///
/// Description: a node's outgoing shipments are sorted by (HS-6 key, date,
/// index); within one HS-6 bucket they are re-sorted by (consignee, date,
/// index), and each shipment is compared with the ones after it to the same
/// consignee up to `max_days` later.
///
/// Complexity: O(S log S + C) for S shipments and C comparisons inside the
/// windows (each shipment against the same route's shipments of the next
/// `max_days` days).
pub fn candidates(g: &CaseGraph, rules: &MirrorRules) -> Vec<Candidate> {
    let mut out = Vec::new();
    if !rules.enabled {
        return out;
    }
    let mut bucket: Vec<usize> = Vec::new();
    for v in 0..g.node_count() as u32 {
        let r = g.out_range(v);
        let mut b = r.start;
        while b < r.end {
            let e = b + g.key6[b..r.end].partition_point(|&k| k == g.key6[b]);
            if e - b >= 2 {
                bucket.clear();
                bucket.extend(b..e);
                bucket.sort_unstable_by_key(|&i| (g.consignee[i], g.date[i], i));
                for (x, &i) in bucket.iter().enumerate() {
                    for &j in &bucket[x + 1..] {
                        if g.consignee[j] != g.consignee[i] || g.date[j] - g.date[i] > rules.max_days {
                            break;
                        }
                        if let Some(value_gap) = agree(g, i, j, rules.value_tolerance) {
                            let (first, second) = (i as Ship, j as Ship);
                            out.push(Candidate { first, second, days: g.date[j] - g.date[i], value_gap });
                        }
                    }
                }
            }
            b = e;
        }
    }
    out.sort_unstable_by(|a, b| {
        (a.days, a.value_gap, g.ship_row[a.first as usize], g.ship_row[a.second as usize])
            .partial_cmp(&(b.days, b.value_gap, g.ship_row[b.first as usize], g.ship_row[b.second as usize]))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    out
}

/// The shipments of `cands` (ascending, distinct), whose batches [`choose`] needs.
pub fn candidate_ships(cands: &[Candidate]) -> Vec<Ship> {
    let mut v: Vec<Ship> = cands.iter().flat_map(|c| [c.first, c.second]).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Takes candidates in order, skipping pairs from one batch and records
/// already paired. `batch(s)` is the import batch of shipment `s`.
pub fn choose(g: &CaseGraph, cands: &[Candidate], batch: impl Fn(Ship) -> Option<i64>) -> Mirrors {
    let mut used = vec![false; g.shipment_count()];
    let mut pairs = Vec::new();
    for c in cands {
        let (a, b) = (c.first as usize, c.second as usize);
        if used[a] || used[b] {
            continue;
        }
        match (batch(c.first), batch(c.second)) {
            (Some(x), Some(y)) if x != y => {}
            _ => continue,
        }
        used[a] = true;
        used[b] = true;
        // The earlier declaration stands for the hop; on the same day, the lower row id.
        let (first, second) =
            if (g.date[a], g.ship_row[a]) <= (g.date[b], g.ship_row[b]) { (c.first, c.second) } else { (c.second, c.first) };
        pairs.push((first, second));
    }
    pairs.sort_unstable();
    Mirrors { pairs }
}

#[cfg(test)]
mod tests {
    use super::super::{country_code, EntityRow, ShipmentRow, NO_DATE};
    use super::*;

    fn ent(id: i64, cluster: i64, cc: &str) -> EntityRow {
        EntityRow { id, cluster, country: country_code(cc), incorporated: NO_DATE, ..Default::default() }
    }
    fn ship(id: i64, date: i32, a: i64, b: i64, hs: &str, qty: f64, usd: Option<f64>) -> ShipmentRow {
        ShipmentRow { id, date, shipper: a, consignee: b, hs: hs.into(), quantity: Some(qty), value_usd: usd, ..Default::default() }
    }

    /// Entities 1 and 2 are one TR trader (resolved), 3 and 4 one RU buyer.
    fn graph(ships: Vec<ShipmentRow>) -> CaseGraph {
        let ents = vec![ent(1, 1, "TR"), ent(2, 1, "TR"), ent(3, 3, "RU"), ent(4, 3, "RU"), ent(5, 5, "RU")];
        CaseGraph::build(ents, ships).0
    }

    fn pairs_by_row(g: &CaseGraph, rules: &MirrorRules, batch_of_row: impl Fn(i64) -> i64) -> Vec<(i64, i64)> {
        let c = candidates(g, rules);
        let m = choose(g, &c, |s| Some(batch_of_row(g.ship_row[s as usize])));
        let mut v: Vec<(i64, i64)> = m.pairs().iter().map(|&(a, b)| (g.ship_row[a as usize], g.ship_row[b as usize])).collect();
        v.sort_unstable();
        v
    }

    /// Rows 10.. are in batch 1 (exports), 20.. in batch 2 (imports).
    fn batch(row: i64) -> i64 {
        row / 10
    }

    #[test]
    fn the_issue_example_pairs_across_resolved_parties() {
        // TR 29.07.2022 1,500 pcs $64,900; RU 15.08.2022 1,500 pcs $66,250.50 (17 days, 2.0 %).
        let g =
            graph(vec![ship(10, 100, 1, 3, "854233", 1500.0, Some(64_900.0)), ship(20, 117, 2, 4, "8542330000", 1500.0, Some(66_250.5))]);
        assert_eq!(pairs_by_row(&g, &MirrorRules::default(), batch), vec![(10, 20)]);
        let m = choose(&g, &candidates(&g, &MirrorRules::default()), |s| Some(batch(g.ship_row[s as usize])));
        let first = g.ship_of_row(10).unwrap();
        assert_eq!(m.of(first), g.ship_of_row(20));
        assert_eq!(m.of(g.ship_of_row(20).unwrap()), None);
        // Off: nothing pairs.
        assert!(pairs_by_row(&g, &MirrorRules { enabled: false, ..MirrorRules::default() }, batch).is_empty());
        // A tighter window or tolerance drops it.
        assert!(pairs_by_row(&g, &MirrorRules { max_days: 16, ..MirrorRules::default() }, batch).is_empty());
        assert!(pairs_by_row(&g, &MirrorRules { value_tolerance: 0.01, ..MirrorRules::default() }, batch).is_empty());
    }

    #[test]
    fn near_misses_do_not_pair() {
        let d = MirrorRules::default();
        // Same batch: two consignments of one dump.
        let g = graph(vec![ship(10, 100, 1, 3, "854233", 1500.0, Some(64_900.0)), ship(11, 110, 1, 3, "854233", 1500.0, Some(64_900.0))]);
        assert!(pairs_by_row(&g, &d, batch).is_empty());
        // Other HS-6, other consignee, too late, values 30 % apart with equal quantities.
        for s in [
            ship(20, 110, 1, 3, "854232", 1500.0, Some(64_900.0)),
            ship(20, 110, 1, 5, "854233", 1500.0, Some(64_900.0)),
            ship(20, 146, 1, 3, "854233", 1500.0, Some(64_900.0)),
            ship(20, 110, 1, 3, "854233", 1500.0, Some(45_000.0)),
        ] {
            let g = graph(vec![ship(10, 100, 1, 3, "854233", 1500.0, Some(64_900.0)), s.clone()]);
            assert!(pairs_by_row(&g, &d, batch).is_empty(), "{s:?}");
        }
        // No values on one side: quantities decide.
        let g = graph(vec![ship(10, 100, 1, 3, "854233", 1500.0, Some(64_900.0)), ship(20, 105, 1, 3, "854233", 1500.0, None)]);
        assert_eq!(pairs_by_row(&g, &d, batch), vec![(10, 20)]);
        let g = graph(vec![ship(10, 100, 1, 3, "854233", 1500.0, Some(64_900.0)), ship(20, 105, 1, 3, "854233", 1400.0, None)]);
        assert!(pairs_by_row(&g, &d, batch).is_empty());
    }

    #[test]
    fn ties_break_on_days_then_value_then_row_ids() {
        let d = MirrorRules::default();
        // Two exports could pair with one import: the closer in time wins, the other stays alone.
        let g = graph(vec![
            ship(10, 100, 1, 3, "854233", 1500.0, Some(64_900.0)),
            ship(11, 105, 1, 3, "854233", 1500.0, Some(64_900.0)),
            ship(20, 110, 1, 3, "854233", 1500.0, Some(64_900.0)),
        ]);
        assert_eq!(pairs_by_row(&g, &d, batch), vec![(11, 20)]);
        // Same day apart: the smaller value gap, then the lower row id.
        let g = graph(vec![
            ship(10, 100, 1, 3, "854233", 1500.0, Some(60_000.0)),
            ship(11, 100, 1, 3, "854233", 1500.0, Some(64_000.0)),
            ship(20, 110, 1, 3, "854233", 1500.0, Some(64_900.0)),
        ]);
        assert_eq!(pairs_by_row(&g, &d, batch), vec![(11, 20)]);
        let g = graph(vec![
            ship(11, 100, 1, 3, "854233", 1500.0, Some(64_900.0)),
            ship(10, 100, 1, 3, "854233", 1500.0, Some(64_900.0)),
            ship(20, 110, 1, 3, "854233", 1500.0, Some(64_900.0)),
        ]);
        assert_eq!(pairs_by_row(&g, &d, batch), vec![(10, 20)]);
    }
}
