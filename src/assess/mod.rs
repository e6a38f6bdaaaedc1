//! Counterparty assessment: is this company a diversion risk, and on what
//! evidence? Each resolved entity (a graph node) gets factors — each a red
//! flag from public guidance with a weight, a one-line detail and the
//! records behind it — and a score (the weights summed, capped at 100)
//! with a band. docs/assessment.md documents every factor and its source.
//!
//! - [`config`]: weights and bands (bundled TOML, `--weights` overrides);
//! - [`ownership`]: lists, OFAC's 50 percent rule as a dated fixpoint, EU/UK ownership or control, listed directors;
//! - [`links`]: shared address, director or identifier with a listed party;
//! - [`exposure`]: place on routes of US-origin goods to Russia/Belarus (one search with `routes`);
//! - [`end_use`]: Russian/Belarusian recipients of US-origin controlled goods, military end users;
//! - [`trade`]: mirror trade, CHPL share and its post-invasion jump, incorporation timing, listed or military counterparties;
//! - [`geography`]: FinCEN/BIS transshipment countries;
//! - [`hubs`]: intermediaries ranked by route value and betweenness;
//! - [`customers`]: customer lists (CSV) and name matching;
//! - [`report`]: the only part that reads the case file, and the output shapes.

pub mod config;
pub mod customers;
pub mod end_use;
pub mod exposure;
pub mod factor;
pub mod geography;
pub mod hubs;
pub mod links;
pub mod ownership;
pub mod report;
pub mod trade;

use std::collections::HashMap;

use crate::graph::{CaseGraph, Node, Ship, NO_DATE};

pub use config::{Band, Weights};
pub use factor::RiskFactor;

/// What a factor rests on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ev {
    /// An entity, by `entity.id`.
    Entity(i64),
    /// A shipment, by graph index.
    Shipment(Ship),
    /// A list or relation row, as `scope:file:line`.
    Record(String),
}

/// One red flag with its weight.
#[derive(Clone, Debug, PartialEq)]
pub struct Factor {
    pub code: RiskFactor,
    pub weight: u32,
    pub detail: String,
    pub evidence: Vec<Ev>,
}

/// The assessment of one resolved entity.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    pub node: Node,
    pub score: u32,
    pub band: Band,
    /// Sorted by weight (highest first), then code.
    pub factors: Vec<Factor>,
}

/// Most evidence ids listed per factor (the detail gives the full count).
pub const MAX_EVIDENCE: usize = 20;

/// A list membership mapped onto the graph.
#[derive(Clone, Debug)]
pub struct Listing {
    pub node: Node,
    pub entity: i64,
    /// Lower-case list name.
    pub list: String,
    pub program: Option<String>,
    /// The row's source text (read for Entity List footnote 3).
    pub source: Option<String>,
    /// Day listed, [`NO_DATE`] when unknown (then treated as always listed).
    pub since: i32,
    pub reference: String,
}

/// A relation mapped onto the graph.
#[derive(Clone, Debug)]
pub struct Relation {
    pub from: Node,
    pub to: Node,
    pub from_entity: i64,
    pub to_entity: i64,
    pub kind: crate::model::RelationKind,
    pub share: Option<f64>,
    /// First day in force, [`NO_DATE`] when unknown.
    pub start: i32,
    /// Last day in force, `i32::MAX` when open.
    pub end: i32,
    pub reference: String,
}

impl Relation {
    pub fn in_force(&self, day: i32) -> bool {
        self.start <= day && day <= self.end
    }
}

/// Everything the factor modules read: the graph plus the case's lists,
/// relations, addresses and identifiers mapped onto graph nodes. Built by
/// [`report::load_context`]; tests build it by hand.
pub struct Context<'g> {
    pub g: &'g CaseGraph,
    pub listings: Vec<Listing>,
    pub relations: Vec<Relation>,
    /// (node, entity, address as written).
    pub addresses: Vec<(Node, i64, String)>,
    /// (node, entity, scheme, value).
    pub identifiers: Vec<(Node, i64, String, String)>,
    /// Entity names, for details (by `entity.id`).
    pub names: HashMap<i64, String>,
    /// Incoming shipments per node, sorted by (HS-6 key, date).
    pub incoming: Incoming,
    /// Relation indexes by source node and by target node.
    pub rel_from: HashMap<Node, Vec<usize>>,
    pub rel_to: HashMap<Node, Vec<usize>>,
}

impl<'g> Context<'g> {
    /// Builds the context and its indexes (addresses and identifiers are sorted by node).
    pub fn new(
        g: &'g CaseGraph,
        listings: Vec<Listing>,
        relations: Vec<Relation>,
        mut addresses: Vec<(Node, i64, String)>,
        mut identifiers: Vec<(Node, i64, String, String)>,
        names: HashMap<i64, String>,
    ) -> Context<'g> {
        addresses.sort();
        identifiers.sort();
        let mut rel_from: HashMap<Node, Vec<usize>> = HashMap::new();
        let mut rel_to: HashMap<Node, Vec<usize>> = HashMap::new();
        for (i, r) in relations.iter().enumerate() {
            rel_from.entry(r.from).or_default().push(i);
            rel_to.entry(r.to).or_default().push(i);
        }
        let incoming = Incoming::build(g);
        Context { g, listings, relations, addresses, identifiers, names, incoming, rel_from, rel_to }
    }

    /// Addresses of node `v`'s members.
    pub fn addresses_of(&self, v: Node) -> &[(Node, i64, String)] {
        let lo = self.addresses.partition_point(|x| x.0 < v);
        let hi = self.addresses.partition_point(|x| x.0 <= v);
        &self.addresses[lo..hi]
    }

    /// Identifiers of node `v`'s members.
    pub fn identifiers_of(&self, v: Node) -> &[(Node, i64, String, String)] {
        let lo = self.identifiers.partition_point(|x| x.0 < v);
        let hi = self.identifiers.partition_point(|x| x.0 <= v);
        &self.identifiers[lo..hi]
    }

    /// Relations (indexes) that start or end at `v`.
    pub fn relations_of(&self, v: Node) -> impl Iterator<Item = usize> + '_ {
        let a = self.rel_from.get(&v).map_or(&[][..], Vec::as_slice);
        let b = self.rel_to.get(&v).map_or(&[][..], Vec::as_slice);
        a.iter().chain(b.iter().filter(move |i| !a.contains(i))).copied()
    }

    pub fn name(&self, entity: i64) -> &str {
        self.names.get(&entity).map_or("?", String::as_str)
    }
    /// Name of a node's representative.
    pub fn node_name(&self, v: Node) -> &str {
        self.name(self.g.node_entity[v as usize])
    }
}

/// A CSR of shipments by consignee node, each node's slice sorted by (HS-6 key, date, index).
pub struct Incoming {
    pub start: Vec<u32>,
    pub ships: Vec<Ship>,
}

impl Incoming {
    /// Builds the index. Complexity: O(S log S).
    pub fn build(g: &CaseGraph) -> Incoming {
        let n = g.node_count();
        let mut ships: Vec<Ship> = (0..g.shipment_count() as Ship).collect();
        ships.sort_unstable_by_key(|&s| {
            let i = s as usize;
            (g.consignee[i], u64::from(g.key6[i]), g.date[i], s)
        });
        let mut start = vec![0u32; n + 1];
        for &s in &ships {
            start[g.consignee[s as usize] as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        Incoming { start, ships }
    }
    pub fn of(&self, v: Node) -> &[Ship] {
        &self.ships[self.start[v as usize] as usize..self.start[v as usize + 1] as usize]
    }
}

/// Parses a stored date, [`NO_DATE`] when absent or unreadable.
pub fn day_or_none(s: Option<&str>) -> i32 {
    s.and_then(crate::model::Day::parse_iso).map_or(NO_DATE, |d| d.0)
}

/// Whether a packed country is Russia or Belarus.
pub fn is_ru_by(code: u16) -> bool {
    code == crate::graph::country_code("RU") || code == crate::graph::country_code("BY")
}

const EU: [&str; 27] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT",
    "RO", "SK", "SI", "ES", "SE",
];

/// Whether a packed country is the US or an EU member state.
pub fn is_us_or_eu(code: u16) -> bool {
    code != 0 && (code == crate::graph::country_code("US") || EU.iter().any(|c| crate::graph::country_code(c) == code))
}

/// Assesses the nodes `targets` (every node when `None`).
///
/// Description: global passes first (ownership fixpoints over all dates,
/// one route search, the address/identifier index), then each target's
/// factors from its own shipments; factors are summed, capped at 100 and banded.
///
/// Complexity: O(S log S + K·(L + R) + route search) for S shipments, K
/// distinct list/relation dates, L listings and R relations, plus each target's shipments.
pub fn assess(ctx: &Context, w: &Weights, targets: Option<&[Node]>) -> Vec<Assessment> {
    let g = ctx.g;
    let all: Vec<Node>;
    let targets = match targets {
        Some(t) => t,
        None => {
            all = (0..g.node_count() as Node).collect();
            &all
        }
    };
    let own = ownership::Ownership::compute(ctx, w);
    let expo = exposure::route_exposure(g, w);
    let link_index = links::LinkIndex::build(ctx, &own);
    let mil = end_use::Military::build(ctx, w);
    let mut out: Vec<Assessment> = Vec::with_capacity(targets.len());
    for &v in targets {
        let mut f: Vec<Factor> = Vec::new();
        own.factors(ctx, w, v, &mut f);
        link_index.factors(ctx, w, v, &mut f);
        if let Some(x) = expo.factor(g, w, v) {
            f.push(x);
        }
        end_use::factors(ctx, w, &expo, &mil, v, &mut f);
        trade::factors(ctx, w, &own, &mil, v, &mut f);
        geography::factors(g, w, v, &mut f);
        f.retain(|x| x.weight > 0);
        for x in &mut f {
            x.evidence.dedup();
        }
        f.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.code.cmp(&b.code)).then_with(|| a.detail.cmp(&b.detail)));
        let score = f.iter().map(|x| x.weight).sum::<u32>().min(100);
        out.push(Assessment { node: v, score, band: w.band(score), factors: f });
    }
    out
}
