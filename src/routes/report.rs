//! Route results as serialisable records with bundle ids, names and source
//! lines: the JSON shape is a promise to users and scripts, so these are
//! dedicated serde structs, and the CLI's table and CSV printers read them.
//!
//! This is the only part of `routes` that reads the case file (through
//! `store`), to turn graph indexes into what a reader can check.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Result;
use crate::graph::{country_str, hs_decode, CaseGraph, Node, Ship};
use crate::model::Day;
use crate::store::graph::{entities_by_id, scopes, shipments_by_id, EntityInfo, ShipmentInfo};
use crate::store::Case;

use super::collect::{Found, RouteHit};
use super::explain::{Break, Explanation};
use super::group::Grouped;
use super::rank::{Evidence, Ranker};
use super::{route_nodes, Query, QuerySpec};

/// The query as run, echoed in every report.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct QueryEcho {
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub via: Vec<String>,
    pub avoid: Vec<String>,
    pub max_hops: u32,
    pub max_dwell_days: i32,
    pub hs_level: u32,
    pub hs: Vec<String>,
    pub chpl_max_tier: Option<u8>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub min_value: Option<f64>,
    /// `null` when all routes were asked for.
    pub limit: Option<usize>,
    pub group: bool,
}

impl QueryEcho {
    pub fn new(spec: &QuerySpec, group: bool) -> Self {
        let s = |v: &[super::Selector]| v.iter().map(ToString::to_string).collect();
        QueryEcho {
            from: s(&spec.from),
            to: s(&spec.to),
            via: s(&spec.via),
            avoid: s(&spec.avoid),
            max_hops: spec.max_hops,
            max_dwell_days: spec.max_dwell_days,
            hs_level: spec.hs_level,
            hs: spec.hs.clone(),
            chpl_max_tier: spec.chpl_max_tier,
            since: spec.since.map(|d| d.to_string()),
            until: spec.until.map(|d| d.to_string()),
            min_value: spec.min_value,
            limit: spec.limit,
            group,
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Stats {
    /// Every route that meets the query, whatever `limit` shows.
    pub total_routes: u64,
    pub routes_shown: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_channels: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels_shown: Option<usize>,
    /// Resolved entities (graph nodes) matched by --from's entity selectors and by --to.
    pub from_entities: usize,
    pub to_entities: usize,
    pub graph_entities: usize,
    pub graph_shipments: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReasonOut {
    pub code: String,
    pub points: i64,
    pub detail: String,
    /// Bundle ids of the shipments or entities the reason rests on.
    pub evidence: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HopOut {
    pub hop: usize,
    pub shipment: String,
    pub date: String,
    pub shipper: String,
    pub shipper_name: String,
    pub shipper_country: Option<String>,
    /// Bundle ids of the resolved cluster's members, when it has more than one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shipper_members: Vec<String>,
    pub consignee: String,
    pub consignee_name: String,
    pub consignee_country: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consignee_members: Vec<String>,
    pub hs: String,
    pub description: Option<String>,
    pub manufacturer: Option<String>,
    pub origin_country: Option<String>,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    pub value_usd: Option<f64>,
    /// Days since the previous hop (none for the first).
    pub dwell_days: Option<i32>,
    /// The `source` column: declaration or document reference.
    pub declaration: Option<String>,
    pub source_file: String,
    pub source_line: i64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RouteOut {
    pub rank: usize,
    pub score: i64,
    pub reasons: Vec<ReasonOut>,
    pub shipments: Vec<String>,
    pub entities: Vec<String>,
    pub hops: Vec<HopOut>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ChannelOut {
    pub rank: usize,
    /// The score of the channel's best route.
    pub score: i64,
    pub routes: u64,
    pub entities: Vec<String>,
    pub entity_names: Vec<String>,
    /// The HS digits (at --hs-level) the channel's goods share.
    pub hs: String,
    pub shipments_per_hop: Vec<usize>,
    /// Declared values summed over distinct shipments of the first / last hop, whole USD.
    pub value_shipped: f64,
    pub value_delivered: f64,
    pub first_date: String,
    pub last_date: String,
    pub best_route: RouteOut,
}

/// `divtrace routes` output.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RoutesReport {
    pub query: QueryEcho,
    pub stats: Stats,
    /// Why nothing was found, when nothing was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub routes: Vec<RouteOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<ChannelOut>>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ChainOut {
    pub entities: Vec<String>,
    pub entity_names: Vec<String>,
    pub hop: usize,
    /// `hs_mismatch`, `too_early`, `too_late` or `outside_window`.
    pub constraint: String,
    pub detail: String,
    pub arrived: Vec<String>,
    pub left: Vec<String>,
}

/// `divtrace routes --explain` output.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExplainReport {
    pub query: QueryEcho,
    /// `connected`, `no_origin`, `no_destination`, `no_shipment_out`, `not_connected` or `broken`.
    pub finding: String,
    pub message: String,
    pub chains: Vec<ChainOut>,
}

/// Bundle ids, names and source lines for the graph items a report cites.
pub struct Labels<'g> {
    g: &'g CaseGraph,
    multi_scope: bool,
    entities: BTreeMap<i64, EntityInfo>,
    shipments: BTreeMap<i64, ShipmentInfo>,
}

impl<'g> Labels<'g> {
    /// Loads labels for these nodes (and their members) and shipments.
    pub fn load(case: &Case, g: &'g CaseGraph, nodes: &[Node], ships: &[Ship]) -> Result<Self> {
        let mut ids: Vec<i64> = Vec::new();
        for &v in nodes {
            ids.extend_from_slice(g.node_members(v));
        }
        let rows: Vec<i64> = ships.iter().map(|&s| g.ship_row[s as usize]).collect();
        Ok(Labels {
            g,
            multi_scope: scopes(case)?.len() > 1,
            entities: entities_by_id(case, &ids)?.into_iter().map(|e| (e.id, e)).collect(),
            shipments: shipments_by_id(case, &rows)?.into_iter().map(|s| (s.id, s)).collect(),
        })
    }

    fn scoped(&self, scope: &str, id: &str) -> String {
        if self.multi_scope {
            format!("{scope}:{id}")
        } else {
            id.to_string()
        }
    }

    fn entity_id(&self, e: i64) -> String {
        self.entities.get(&e).map_or_else(|| format!("#{e}"), |i| self.scoped(&i.scope, &i.input_id))
    }

    /// The bundle id of a node (its representative).
    pub fn node_id(&self, v: Node) -> String {
        self.entity_id(self.g.node_entity[v as usize])
    }

    pub fn node_name(&self, v: Node) -> String {
        self.entities.get(&self.g.node_entity[v as usize]).map_or_else(String::new, |i| i.name.clone())
    }

    fn node_country(&self, v: Node) -> Option<String> {
        country_str(self.g.node_country[v as usize])
    }

    fn node_members(&self, v: Node) -> Vec<String> {
        let m = self.g.node_members(v);
        if m.len() < 2 {
            return Vec::new();
        }
        m.iter().map(|&e| self.entity_id(e)).collect()
    }

    pub fn ship_id(&self, s: Ship) -> String {
        let row = self.g.ship_row[s as usize];
        self.shipments.get(&row).map_or_else(|| format!("#{row}"), |i| self.scoped(&i.scope, &i.input_id))
    }

    fn evidence(&self, e: &Evidence) -> String {
        match *e {
            Evidence::Shipment(s) => self.ship_id(s),
            Evidence::Entity(v) => self.node_id(v),
        }
    }

    fn hop(&self, h: usize, s: Ship, prev: Option<Ship>) -> HopOut {
        let g = self.g;
        let (a, b) = (g.shipper[s as usize], g.consignee[s as usize]);
        let info = self.shipments.get(&g.ship_row[s as usize]);
        HopOut {
            hop: h + 1,
            shipment: self.ship_id(s),
            date: Day(g.date[s as usize]).to_string(),
            shipper: self.node_id(a),
            shipper_name: self.node_name(a),
            shipper_country: self.node_country(a),
            shipper_members: self.node_members(a),
            consignee: self.node_id(b),
            consignee_name: self.node_name(b),
            consignee_country: self.node_country(b),
            consignee_members: self.node_members(b),
            hs: hs_decode(g.hs[s as usize]),
            description: info.and_then(|i| i.description.clone()),
            manufacturer: info.and_then(|i| i.manufacturer.clone()),
            origin_country: info.and_then(|i| i.origin_country.clone()),
            quantity: info.and_then(|i| i.quantity),
            unit: info.and_then(|i| i.unit.clone()),
            value_usd: info.and_then(|i| i.value_usd),
            dwell_days: prev.map(|p| g.date[s as usize] - g.date[p as usize]),
            declaration: info.and_then(|i| i.source.clone()),
            source_file: info.map_or_else(String::new, |i| i.src_path.clone()),
            source_line: info.map_or(0, |i| i.src_line),
        }
    }

    /// One route with its reasons recomputed in full.
    pub fn route(&self, ranker: &mut Ranker, rank: usize, hit: &RouteHit) -> RouteOut {
        let mut reasons = Vec::new();
        let score = ranker.score(&hit.ships, Some(&mut reasons));
        debug_assert_eq!(score, hit.score);
        RouteOut {
            rank,
            score,
            reasons: reasons
                .iter()
                .map(|r| ReasonOut {
                    code: r.code.to_string(),
                    points: r.points,
                    detail: r.detail.clone(),
                    evidence: r.evidence.iter().map(|e| self.evidence(e)).collect(),
                })
                .collect(),
            shipments: hit.ships.iter().map(|&s| self.ship_id(s)).collect(),
            entities: route_nodes(self.g, &hit.ships).into_iter().map(|v| self.node_id(v)).collect(),
            hops: hit.ships.iter().enumerate().map(|(h, &s)| self.hop(h, s, h.checked_sub(1).map(|p| hit.ships[p]))).collect(),
        }
    }
}

fn nodes_and_ships<'a>(g: &CaseGraph, hits: impl Iterator<Item = &'a RouteHit>) -> (Vec<Node>, Vec<Ship>) {
    let mut nodes = Vec::new();
    let mut ships = Vec::new();
    for h in hits {
        nodes.extend(route_nodes(g, &h.ships));
        ships.extend_from_slice(&h.ships);
    }
    nodes.sort_unstable();
    nodes.dedup();
    (nodes, ships)
}

fn stats(g: &CaseGraph, q: &Query, total_routes: u64, shown: usize) -> Stats {
    Stats {
        total_routes,
        routes_shown: shown,
        total_channels: None,
        channels_shown: None,
        from_entities: q.from_nodes.iter().filter(|&&b| b).count(),
        to_entities: q.to_nodes.iter().filter(|&&b| b).count(),
        graph_entities: g.node_count(),
        graph_shipments: g.shipment_count(),
    }
}

/// Why a query found nothing, in one sentence (used when `total_routes` is 0).
pub fn empty_message(g: &CaseGraph, spec: &QuerySpec, q: &Query) -> String {
    let list = |v: &[super::Selector]| v.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    if g.shipment_count() == 0 {
        "no routes: the case has no shipments".into()
    } else if !q.from_nodes.iter().any(|&b| b) && !q.has_goods_selectors {
        format!("no routes: no entity matches --from {}", list(&spec.from))
    } else if !q.to_nodes.iter().any(|&b| b) {
        format!("no routes: no entity matches --to {}", list(&spec.to))
    } else {
        "no routes connect --from to --to under these constraints (run with --explain to see where they break)".into()
    }
}

/// The report of an ungrouped search.
pub fn routes_report(case: &Case, g: &CaseGraph, spec: &QuerySpec, q: &Query, found: &Found) -> Result<RoutesReport> {
    let (nodes, ships) = nodes_and_ships(g, found.routes.iter());
    let labels = Labels::load(case, g, &nodes, &ships)?;
    let mut ranker = Ranker::new(g);
    let routes: Vec<RouteOut> = found.routes.iter().enumerate().map(|(i, h)| labels.route(&mut ranker, i + 1, h)).collect();
    Ok(RoutesReport {
        query: QueryEcho::new(spec, false),
        stats: stats(g, q, found.total, routes.len()),
        message: (found.total == 0).then(|| empty_message(g, spec, q)),
        routes,
        channels: None,
    })
}

/// The report of a grouped search (`--group`).
pub fn channels_report(case: &Case, g: &CaseGraph, spec: &QuerySpec, q: &Query, grouped: &Grouped) -> Result<RoutesReport> {
    let (mut nodes, ships) = nodes_and_ships(g, grouped.channels.iter().map(|c| &c.best));
    nodes.extend(grouped.channels.iter().flat_map(|c| c.nodes.iter().copied()));
    nodes.sort_unstable();
    nodes.dedup();
    let labels = Labels::load(case, g, &nodes, &ships)?;
    let mut ranker = Ranker::new(g);
    let channels: Vec<ChannelOut> = grouped
        .channels
        .iter()
        .enumerate()
        .map(|(i, c)| ChannelOut {
            rank: i + 1,
            score: c.best.score,
            routes: c.routes,
            entities: c.nodes.iter().map(|&v| labels.node_id(v)).collect(),
            entity_names: c.nodes.iter().map(|&v| labels.node_name(v)).collect(),
            hs: c.hs_prefix.clone(),
            shipments_per_hop: c.hop_shipments.iter().map(Vec::len).collect(),
            value_shipped: c.value_shipped.round(),
            value_delivered: c.value_delivered.round(),
            first_date: Day(c.first_date).to_string(),
            last_date: Day(c.last_date).to_string(),
            best_route: labels.route(&mut ranker, 1, &c.best),
        })
        .collect();
    let mut st = stats(g, q, grouped.total_routes, 0);
    st.total_channels = Some(grouped.total_channels);
    st.channels_shown = Some(channels.len());
    Ok(RoutesReport {
        query: QueryEcho::new(spec, true),
        stats: st,
        message: (grouped.total_routes == 0).then(|| empty_message(g, spec, q)),
        routes: Vec::new(),
        channels: Some(channels),
    })
}

/// The report of `--explain`.
pub fn explain_report(case: &Case, g: &CaseGraph, spec: &QuerySpec, ex: &Explanation) -> Result<ExplainReport> {
    let echo = QueryEcho::new(spec, false);
    let (finding, mut message, chains) = match ex {
        Explanation::Connected { routes } => {
            ("connected", format!("{routes} route(s) connect --from to --to; nothing to explain"), &[][..])
        }
        Explanation::NoOrigin => ("no_origin", "no entity matches --from".to_string(), &[][..]),
        Explanation::NoDestination => ("no_destination", "no entity matches --to".to_string(), &[][..]),
        Explanation::NoShipmentOut => (
            "no_shipment_out",
            "no shipment out: nothing leaves the --from entities (or carries the --from goods) that passes the filters".to_string(),
            &[][..],
        ),
        Explanation::NotConnected { reached, .. } => (
            "not_connected",
            format!(
                "no chain of shipments reaches --to within {} hops, even ignoring dates and HS codes; the origins reach {reached} entities",
                spec.max_hops
            ),
            &[][..],
        ),
        Explanation::Broken { chains, more } => (
            "broken",
            format!(
                "{} chain(s) of entities lead from --from to --to, and each breaks at one hop{}",
                chains.len(),
                if *more { " (showing the shortest)" } else { "" }
            ),
            chains.as_slice(),
        ),
    };
    let mut nodes: Vec<Node> = chains.iter().flat_map(|c| c.nodes.iter().copied()).collect();
    let ships: Vec<Ship> = chains.iter().flat_map(|c| c.arrived.iter().chain(&c.left).copied()).collect();
    if let Explanation::NotConnected { dead_ends, .. } = ex {
        nodes.extend(dead_ends);
    }
    nodes.sort_unstable();
    nodes.dedup();
    let labels = Labels::load(case, g, &nodes, &ships)?;
    if let Explanation::NotConnected { dead_ends, .. } = ex {
        if !dead_ends.is_empty() {
            let names: Vec<String> = dead_ends.iter().map(|&v| format!("{} ({})", labels.node_id(v), labels.node_name(v))).collect();
            message.push_str(&format!("; no shipment out of: {}", names.join(", ")));
        }
    }
    let d = |x: i32| Day(x).to_string();
    let hs = |v: &[u64]| v.iter().map(|&c| hs_decode(c)).collect::<Vec<_>>().join(", ");
    let chains = chains
        .iter()
        .map(|c| {
            let (constraint, detail) = match &c.why {
                Break::HsMismatch { arrived_hs, left_hs } => (
                    "hs_mismatch",
                    format!("goods arrived as HS {}; what left is HS {} (no agreement on {} digits)", hs(arrived_hs), hs(left_hs), spec.hs_level),
                ),
                Break::TooEarly { first_arrival, last_departure } => (
                    "too_early",
                    format!("the matching goods left by {} but arrived only from {}", d(*last_departure), d(*first_arrival)),
                ),
                Break::TooLate { last_arrival, deadline, first_departure } => (
                    "too_late",
                    format!(
                        "goods arrived by {}; with --max-dwell-days {} they had to leave by {}, but the matching shipments left from {}",
                        d(*last_arrival),
                        spec.max_dwell_days,
                        d(*deadline),
                        d(*first_departure)
                    ),
                ),
                Break::OutsideWindow { too_early, too_late } => (
                    "outside_window",
                    format!("{too_early} matching shipment(s) left before the goods arrived and {too_late} more than {} days after", spec.max_dwell_days),
                ),
            };
            ChainOut {
                entities: c.nodes.iter().map(|&v| labels.node_id(v)).collect(),
                entity_names: c.nodes.iter().map(|&v| labels.node_name(v)).collect(),
                hop: c.hop,
                constraint: constraint.into(),
                detail,
                arrived: c.arrived.iter().map(|&s| labels.ship_id(s)).collect(),
                left: c.left.iter().map(|&s| labels.ship_id(s)).collect(),
            }
        })
        .collect();
    Ok(ExplainReport { query: echo, finding: finding.into(), message, chains })
}
