//! Route search: time-consistent chains of shipments that carry the same
//! goods from a set of origins to a set of destinations (docs/routes.md
//! states the exact semantics).
//!
//! Pipeline: [`select`] parses selectors and resolves them against a
//! [`CaseGraph`] into node sets; [`search`] enumerates every route that
//! meets the hard constraints and hands each to a visitor; [`rank`] scores
//! a route with reasons; [`collect`] keeps the top K (or all) and the total
//! count; [`group`] folds routes into channels; [`explain`] diagnoses a miss;
//! [`verify`] checks a route found elsewhere (the Spark job) clause by clause;
//! [`report`] turns results into the serialisable shapes front ends print,
//! fetching names, bundle ids and source lines through
//! [`report::Lookup`], which `app` implements over the case file.

pub mod collect;
pub mod declared;
pub mod explain;
pub mod group;
pub mod rank;
pub mod report;
pub mod search;
pub mod select;
pub mod spec;
pub mod verify;

pub use collect::{collect_routes, Found, RouteHit};
pub use select::{resolve_query, Directory, Selector};
pub use spec::{QueryError, QueryField};

use crate::graph::{Node, Ship};
use crate::model::Day;

/// A route query as the user states it (selectors not yet resolved).
#[derive(Clone, Debug, PartialEq)]
pub struct QuerySpec {
    /// Origins: entity selectors (the shipper of the first hop) and goods
    /// selectors (origin / brand declared on the first hop). A union.
    pub from: Vec<Selector>,
    /// Destinations: entity selectors (the consignee of the last hop). A union.
    pub to: Vec<Selector>,
    /// Some entity of the route must be in this set (a union); empty = no constraint.
    pub via: Vec<Selector>,
    /// No entity of the route may be in this set.
    pub avoid: Vec<Selector>,
    pub max_hops: u32,
    pub max_dwell_days: i32,
    /// 4 or 6: how many leading HS digits consecutive hops must share.
    pub hs_level: u32,
    /// Every shipment's HS code must start with one of these (digits); empty = any.
    pub hs: Vec<String>,
    /// Every shipment must be CHPL goods of at most this tier (1..=4); `None` = any goods.
    pub chpl_max_tier: Option<u8>,
    /// The goods lists loaded (the CHPL, plus `--goods` files).
    pub goods: crate::refdata::goods::GoodsLists,
    /// `--controlled`: every shipment's goods must be on one of `goods`' lists.
    pub controlled: bool,
    pub since: Option<Day>,
    pub until: Option<Day>,
    /// Every shipment must have a declared value of at least this (USD).
    pub min_value: Option<f64>,
    /// Keep this many best routes (or channels); `None` keeps all.
    pub limit: Option<usize>,
    /// How export and import declarations of one consignment are paired.
    pub mirror: crate::graph::mirror::MirrorRules,
}

impl Default for QuerySpec {
    fn default() -> Self {
        QuerySpec {
            from: Vec::new(),
            to: Vec::new(),
            via: Vec::new(),
            avoid: Vec::new(),
            max_hops: 5,
            max_dwell_days: 180,
            hs_level: 6,
            hs: Vec::new(),
            chpl_max_tier: None,
            goods: crate::refdata::goods::GoodsLists::bundled(),
            controlled: false,
            since: None,
            until: None,
            min_value: None,
            limit: Some(20),
            mirror: crate::graph::mirror::MirrorRules::default(),
        }
    }
}

/// The most hops a query may ask for (the number of routes grows
/// exponentially with it; beyond this an answer is not readable anyway).
pub const MAX_HOPS_LIMIT: u32 = 12;

/// A query resolved against one graph: node and shipment masks.
#[derive(Clone, Debug)]
pub struct Query {
    /// Nodes whose outgoing shipments qualify as a first hop.
    pub from_nodes: Vec<bool>,
    /// Origin countries (packed) that make a first hop qualify.
    pub from_origins: Vec<u16>,
    /// Brand ids (indexes into `graph.brands`) that make a first hop qualify.
    pub from_brands: Vec<bool>,
    /// True when `from_origins` or brand selectors were given.
    pub has_goods_selectors: bool,
    pub to_nodes: Vec<bool>,
    /// `None` when no `--via` was given.
    pub via_nodes: Option<Vec<bool>>,
    pub avoid_nodes: Vec<bool>,
    /// Shipments that pass every per-shipment filter (dates, value, HS, CHPL).
    pub ship_ok: Vec<bool>,
    pub max_hops: u32,
    pub max_dwell_days: i32,
    pub hs_level: u32,
    pub limit: Option<usize>,
    /// Mirror pairs: the first of each pair stands for the hop, the second is
    /// masked out of `ship_ok` (see [`crate::graph::mirror`]).
    pub mirrors: crate::graph::mirror::Mirrors,
}

/// A route: its shipments (graph indexes) in hop order.
pub type Route = Vec<Ship>;

/// The entities of a route in order: the first shipper, then each consignee.
pub fn route_nodes(g: &crate::graph::CaseGraph, route: &[Ship]) -> Vec<Node> {
    let mut v = Vec::with_capacity(route.len() + 1);
    if let Some(&s) = route.first() {
        v.push(g.shipper[s as usize]);
    }
    v.extend(route.iter().map(|&s| g.consignee[s as usize]));
    v
}
