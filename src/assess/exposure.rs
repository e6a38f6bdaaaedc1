//! Route exposure: which parties carry US-origin goods on to a Russian or
//! Belarusian party, found with one search of the routes module (from
//! every US shipper and every shipment declaring US origin, to every
//! RU/BY party), not one search per entity.
//!
//! A party counts when it forwards the goods on a route: every node of a
//! route but the last, except a first node in the US (the exporter whose
//! goods are diverted is not the conduit). Routes whose declarations
//! contradict one another (the ranking's `BRAND_DIFFERS`,
//! `VALUE_INCONSISTENT`, `QUANTITY_EXCEEDS` or `UNIT_PRICE_INCONSISTENT`: a
//! different manufacturer, a tenth or ten times the value, more goods out
//! than in, a third or three times the unit price) are not counted:
//! they are not evidence that the same goods moved on.
//!
//! The same routes give each Russian/Belarusian end its receipts (the
//! last hops of routes whose goods are controlled), read by [`super::end_use`].

use std::collections::HashMap;

use crate::graph::{country_code, CaseGraph, Node, Ship};
use crate::model::{Country, Day};
use crate::routes::rank::Ranker;
use crate::routes::{resolve_query, route_nodes, search::search, Directory, QuerySpec, Selector};

use super::{Ev, Factor, RiskFactor, Weights, MAX_EVIDENCE};

/// A party's place on routes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Exposure {
    pub routes: u64,
    /// Fewest hops from this party to the Russian/Belarusian end of a route.
    pub min_hops_to_end: u32,
    /// Distinct shipments this party sent on along routes.
    pub forwarded: Vec<Ship>,
}

/// A Russian/Belarusian party's place at the end of routes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Receipt {
    /// Routes ending at this party whose goods are controlled.
    pub routes: u64,
    /// Distinct last-hop shipments it received along those routes.
    pub received: Vec<Ship>,
    /// Distinct first-hop shipments (the US-origin goods the routes start with), except those in `received`.
    pub first: Vec<Ship>,
}

/// Every forwarding party's exposure, and every end's receipts.
#[derive(Clone, Debug, Default)]
pub struct RouteExposure {
    pub by_node: HashMap<Node, Exposure>,
    /// By the route's last node (in Russia or Belarus).
    pub ends: HashMap<Node, Receipt>,
    pub total_routes: u64,
}

/// Country selectors never consult a directory; this one answers nothing.
struct NoDirectory;
impl Directory for NoDirectory {
    fn scopes(&self) -> crate::Result<Vec<String>> {
        Ok(Vec::new())
    }
    fn entities_by_input_id(&self, _: Option<&str>, _: &str) -> crate::Result<Vec<(i64, String)>> {
        Ok(Vec::new())
    }
    fn entity_names(&self) -> crate::Result<Vec<(i64, Vec<String>)>> {
        Ok(Vec::new())
    }
    fn shipment_batches(&self, _: &[i64]) -> crate::Result<Vec<(i64, i64)>> {
        Ok(Vec::new())
    }
}

/// The route query behind the factor.
pub fn exposure_query(w: &Weights) -> QuerySpec {
    QuerySpec {
        from: vec![Selector::Origin(Country::known("US")), Selector::Country(Country::known("US"))],
        to: vec![Selector::Country(Country::known("RU")), Selector::Country(Country::known("BY"))],
        max_hops: w.route.max_hops,
        max_dwell_days: w.route.max_dwell_days,
        // With user goods lists, "controlled" is the CHPL or any of them; without, the CHPL tiers as before.
        chpl_max_tier: (w.route.chpl_only && !w.goods.has_user_lists()).then_some(4),
        goods: w.goods.clone(),
        controlled: w.route.chpl_only && w.goods.has_user_lists(),
        since: Day::parse_iso(&w.route.since),
        limit: None,
        ..QuerySpec::default()
    }
}

/// Runs the search and folds every consistent route into per-party exposure.
///
/// Complexity: the route search's, plus O(k) per route of k hops.
pub fn route_exposure(g: &CaseGraph, w: &Weights) -> RouteExposure {
    let spec = exposure_query(w);
    let q = resolve_query(g, &NoDirectory, &spec).expect("the exposure query is well-formed");
    let us = country_code("US");
    let mut ranker = Ranker::new(g);
    let mut reasons = Vec::new();
    let mut out = RouteExposure::default();
    search(g, &q, |route| {
        reasons.clear();
        ranker.score(route, Some(&mut reasons));
        if reasons.iter().any(|r| r.code.contradicts()) {
            return;
        }
        out.total_routes += 1;
        let nodes = route_nodes(g, route);
        let k = route.len();
        for i in 0..k {
            let v = nodes[i];
            if i == 0 && g.node_country[v as usize] == us {
                continue;
            }
            let e = out.by_node.entry(v).or_insert_with(|| Exposure { min_hops_to_end: u32::MAX, ..Exposure::default() });
            e.routes += 1;
            e.min_hops_to_end = e.min_hops_to_end.min((k - i) as u32);
            e.forwarded.push(route[i]);
        }
        let last = route[k - 1];
        if super::end_use::controlled(g, w, last as usize) {
            let r = out.ends.entry(nodes[k]).or_default();
            r.routes += 1;
            r.received.push(last);
            r.first.push(route[0]);
        }
    });
    for e in out.by_node.values_mut() {
        e.forwarded.sort_unstable();
        e.forwarded.dedup();
    }
    for r in out.ends.values_mut() {
        for v in [&mut r.received, &mut r.first] {
            v.sort_unstable();
            v.dedup();
        }
        // A one-hop route starts with the shipment received; cite it once.
        let received = std::mem::take(&mut r.received);
        r.first.retain(|s| received.binary_search(s).is_err());
        r.received = received;
    }
    out
}

impl RouteExposure {
    /// The route factor of node `v`, if it forwards goods on a route.
    ///
    /// Its weight is in full when the shipments sent on along routes are at
    /// least `[route] share_full` of `v`'s controlled exports since `since`
    /// (by declared value, by count when none is declared): a distributor
    /// with thousands of legitimate sales is on a route as soon as one
    /// customer diverts, an intermediary sends on most of what it buys.
    /// Below that the weight shrinks in proportion, to `share_floor` of it.
    pub fn factor(&self, g: &CaseGraph, w: &Weights, v: Node) -> Option<Factor> {
        let e = self.by_node.get(&v)?;
        let value_of = |s: usize| f64::from(g.value[s]).max(0.0); // NaN (unknown) counts 0
        let value: f64 = e.forwarded.iter().map(|&s| value_of(s as usize)).sum();
        let mut ships = e.forwarded.clone();
        ships.sort_by(|&a, &b| g.value[b as usize].total_cmp(&g.value[a as usize]).then(a.cmp(&b)));
        ships.truncate(MAX_EVIDENCE);
        let since = Day::parse_iso(&w.route.since).map_or(crate::graph::NO_DATE, |d| d.0);
        let (mut total_value, mut total_count) = (0.0f64, 0u64);
        for s in g.out_range(v) {
            if g.date[s] >= since && (!w.route.chpl_only || super::end_use::controlled(g, w, s)) {
                total_value += value_of(s);
                total_count += 1;
            }
        }
        // The forwarded shipments are v's own exports (each hop leaves the node it is counted for), all in the total.
        let share = if total_value > 0.0 {
            (value / total_value).min(1.0)
        } else if total_count > 0 {
            (e.forwarded.len() as f64 / total_count as f64).min(1.0)
        } else {
            1.0
        };
        let full = w.route.share_full;
        let fraction = if full > 0.0 { (share / full).clamp(w.route.share_floor, 1.0) } else { 1.0 };
        let weight = (f64::from(w.route.weight) * fraction).round() as u32;
        let scaled = if fraction < 1.0 {
            format!(", under {:.0}%: weight {:.0}% of {}", full * 100.0, fraction * 100.0, w.route.weight)
        } else {
            String::new()
        };
        let label = if w.route.chpl_only {
            if w.goods.has_user_lists() {
                " controlled"
            } else {
                " CHPL"
            }
        } else {
            ""
        };
        Some(Factor {
            code: RiskFactor::RouteUsToRuBy,
            weight,
            detail: format!(
                "forwards US-origin{label} goods on {} route(s) to a Russian/Belarusian party, {} hop(s) from the end at the closest; {} shipment(s) worth {:.0} USD sent on, {:.1}% of its{label} exports since {}{scaled}",
                e.routes,
                e.min_hops_to_end,
                e.forwarded.len(),
                value,
                share * 100.0,
                w.route.since,
            ),
            evidence: ships.into_iter().map(Ev::Shipment).collect(),
        })
    }
}
