//! Route results as serialisable records with bundle ids, names and source
//! lines: the JSON shape is a promise to users and scripts, so these are
//! dedicated serde structs, and the CLI's table and CSV printers read them.
//!
//! Names, bundle ids and source lines come through [`Lookup`] (the
//! application layer implements it over the case file), which turns graph
//! indexes into what a reader can check.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::error::Result;
use crate::graph::mirror::Mirrors;
use crate::graph::{country_str, hs_decode, CaseGraph, Node, Ship};
use crate::model::Day;
use crate::model::{EntityInfo, ShipmentInfo};

use super::collect::{Found, RouteHit};
pub use super::declared::{DeclaredValue, MirrorEcho, MirrorOut};
use super::explain::{Break, Explanation};
use super::group::Grouped;
use super::rank::{Evidence, Ranker};
use super::{route_nodes, Directory, Query, QuerySpec};
use crate::model::FastMap;

/// Where a report's labels come from: the case's records by row id (the
/// application layer implements it over the case file).
pub trait Lookup: Directory {
    /// The entities with these row ids (missing ids are left out), in id order.
    fn entities_by_id(&self, ids: &[i64]) -> Result<Vec<EntityInfo>>;
    /// The shipments with these row ids (missing ids are left out), in id order.
    fn shipments_by_id(&self, ids: &[i64]) -> Result<Vec<ShipmentInfo>>;
}

/// Shared text: labels repeat across hops and routes, so they are
/// reference-counted instead of copied (serialises as a plain string).
pub type Text = Arc<str>;

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
    /// With `--controlled`: the goods lists shipments must be on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controlled: Option<Vec<String>>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub min_value: Option<f64>,
    /// `null` when all routes were asked for.
    pub limit: Option<usize>,
    pub group: bool,
    /// The mirror-record rules, when not the defaults (`--mirror-days`,
    /// `--mirror-tolerance`, `--no-mirror`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror: Option<MirrorEcho>,
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
            controlled: spec.controlled.then(|| spec.goods.names()),
            since: spec.since.map(|d| d.to_string()),
            until: spec.until.map(|d| d.to_string()),
            min_value: spec.min_value,
            limit: spec.limit,
            group,
            mirror: (spec.mirror != crate::graph::mirror::MirrorRules::default()).then_some(MirrorEcho {
                enabled: spec.mirror.enabled,
                max_days: spec.mirror.max_days,
                value_tolerance_pct: spec.mirror.value_tolerance * 100.0,
            }),
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
    /// Consignments declared twice (export and import record paired, see
    /// docs/routes.md, *Mirror records*); absent when there are none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror_pairs: Option<usize>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReasonOut {
    pub code: super::rank::RouteReason,
    pub points: i64,
    pub detail: String,
    /// Bundle ids of the shipments or entities the reason rests on.
    pub evidence: Vec<Text>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HopOut {
    pub hop: usize,
    pub shipment: Text,
    pub date: String,
    pub shipper: Text,
    pub shipper_name: Text,
    pub shipper_country: Option<String>,
    /// Bundle ids of the resolved cluster's members, when it has more than one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shipper_members: Vec<Text>,
    pub consignee: Text,
    pub consignee_name: Text,
    pub consignee_country: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consignee_members: Vec<Text>,
    pub hs: String,
    pub description: Option<Text>,
    pub manufacturer: Option<Text>,
    pub origin_country: Option<Text>,
    pub quantity: Option<f64>,
    pub unit: Option<Text>,
    pub value_usd: Option<f64>,
    /// The value as declared when its currency is not USD, and how it became
    /// (or did not become) `value_usd`; absent for values declared in USD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_value: Option<DeclaredValue>,
    /// Days since the previous hop (none for the first).
    pub dwell_days: Option<i32>,
    /// The `source` column: declaration or document reference.
    pub declaration: Option<Text>,
    pub source_file: Text,
    pub source_line: i64,
    /// The second declaration of this consignment (the importing country's
    /// record of the same goods, see docs/routes.md, *Mirror records*): the
    /// hop rests on two declarations and is counted once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror: Option<MirrorOut>,
}

/// The columns of a route hop row, in order: the CSV header of `routes --format csv`
/// and the Hops sheet of its workbook, spelled once so the two cannot drift apart.
pub const HOP_COLUMNS: &[&str] = &[
    "rank",
    "score",
    "hop",
    "date",
    "shipment",
    "shipper",
    "shipper_name",
    "shipper_country",
    "consignee",
    "consignee_name",
    "consignee_country",
    "hs",
    "value_usd",
    "quantity",
    "unit",
    "manufacturer",
    "origin_country",
    "dwell_days",
    "declaration",
    "source_file",
    "source_line",
    // Appended (extend, never reorder): a value declared in another currency,
    // and the mirror record of the hop (docs/routes.md).
    "declared_value",
    "currency",
    "usd",
    "mirror_shipment",
    "mirror_date",
    "mirror_declaration",
    "mirror_source_file",
    "mirror_source_line",
];

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RouteOut {
    pub rank: usize,
    pub score: i64,
    pub reasons: Vec<ReasonOut>,
    pub shipments: Vec<Text>,
    pub entities: Vec<Text>,
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

/// What a report shows of a node.
struct NodeLabel {
    id: Text,
    name: Text,
    country: Option<String>,
    /// Members' ids when the node is a cluster of several entities.
    members: Vec<Text>,
}

/// What a report shows of a shipment.
struct ShipLabel {
    id: Text,
    description: Option<Text>,
    manufacturer: Option<Text>,
    origin_country: Option<Text>,
    quantity: Option<f64>,
    unit: Option<Text>,
    value_usd: Option<f64>,
    declared_value: Option<DeclaredValue>,
    declaration: Option<Text>,
    source_file: Text,
    source_line: i64,
}

/// Bundle ids, names and source lines for the graph items a report cites,
/// fetched once per report.
pub struct Labels<'g> {
    g: &'g CaseGraph,
    nodes: FastMap<Node, NodeLabel>,
    ships: FastMap<Ship, ShipLabel>,
    /// Mirror records of the shipments cited: (first, second).
    mirrors: FastMap<Ship, Ship>,
}

impl<'g> Labels<'g> {
    /// Loads labels for these nodes (and their members) and shipments, and
    /// for the mirror records in `mirrors` of those shipments.
    pub fn load(case: &dyn Lookup, g: &'g CaseGraph, nodes: &[Node], ships: &[Ship], mirrors: &Mirrors) -> Result<Self> {
        let mut nodes = nodes.to_vec();
        nodes.sort_unstable();
        nodes.dedup();
        let mirror_of: FastMap<Ship, Ship> = ships.iter().filter_map(|&s| mirrors.of(s).map(|m| (s, m))).collect();
        let mut ships = ships.to_vec();
        ships.extend(mirror_of.values().copied());
        ships.sort_unstable();
        ships.dedup();
        let mut ids: Vec<i64> = Vec::new();
        for &v in &nodes {
            ids.extend_from_slice(g.node_members(v));
        }
        let rows: Vec<i64> = ships.iter().map(|&s| g.ship_row[s as usize]).collect();
        let multi_scope = case.scopes()?.len() > 1;
        let scoped = |scope: &str, id: &str| -> Text {
            if multi_scope {
                format!("{scope}:{id}").into()
            } else {
                id.into()
            }
        };
        let entities: HashMap<i64, EntityInfo> = case.entities_by_id(&ids)?.into_iter().map(|e| (e.id, e)).collect();
        let entity_id = |e: i64| entities.get(&e).map_or_else(|| Text::from(format!("#{e}")), |i| scoped(&i.scope, &i.input_id));
        let node_labels = nodes
            .iter()
            .map(|&v| {
                let rep = entities.get(&g.node_entity[v as usize]);
                let m = g.node_members(v);
                let label = NodeLabel {
                    id: entity_id(g.node_entity[v as usize]),
                    name: rep.map_or_else(|| Text::from(""), |i| i.name.as_str().into()),
                    country: country_str(g.node_country[v as usize]),
                    members: if m.len() > 1 { m.iter().map(|&e| entity_id(e)).collect() } else { Vec::new() },
                };
                (v, label)
            })
            .collect();
        let infos: HashMap<i64, ShipmentInfo> = case.shipments_by_id(&rows)?.into_iter().map(|s| (s.id, s)).collect();
        let mut paths: HashMap<String, Text> = HashMap::new();
        let t = |s: &Option<String>| s.as_deref().map(Text::from);
        let ship_labels = ships
            .iter()
            .map(|&s| {
                let row = g.ship_row[s as usize];
                let label = match infos.get(&row) {
                    Some(i) => ShipLabel {
                        id: scoped(&i.scope, &i.input_id),
                        description: t(&i.description),
                        manufacturer: t(&i.manufacturer),
                        origin_country: t(&i.origin_country),
                        quantity: i.quantity,
                        unit: t(&i.unit),
                        value_usd: i.value_usd,
                        declared_value: DeclaredValue::of(i),
                        declaration: t(&i.source),
                        source_file: paths.entry(i.src_path.clone()).or_insert_with(|| i.src_path.as_str().into()).clone(),
                        source_line: i.src_line,
                    },
                    None => ShipLabel {
                        id: format!("#{row}").into(),
                        description: None,
                        manufacturer: None,
                        origin_country: None,
                        quantity: None,
                        unit: None,
                        value_usd: None,
                        declared_value: None,
                        declaration: None,
                        source_file: "".into(),
                        source_line: 0,
                    },
                };
                (s, label)
            })
            .collect();
        Ok(Labels { g, nodes: node_labels, ships: ship_labels, mirrors: mirror_of })
    }

    fn node(&self, v: Node) -> &NodeLabel {
        self.nodes.get(&v).expect("labels were loaded for every node the report cites")
    }

    fn ship(&self, s: Ship) -> &ShipLabel {
        self.ships.get(&s).expect("labels were loaded for every shipment the report cites")
    }

    /// The bundle id of a node (its representative).
    pub fn node_id(&self, v: Node) -> Text {
        self.node(v).id.clone()
    }

    pub fn node_name(&self, v: Node) -> Text {
        self.node(v).name.clone()
    }

    pub fn ship_id(&self, s: Ship) -> Text {
        self.ship(s).id.clone()
    }

    fn evidence(&self, e: &Evidence) -> Text {
        match *e {
            Evidence::Shipment(s) => self.ship_id(s),
            Evidence::Entity(v) => self.node_id(v),
        }
    }

    fn hop(&self, h: usize, s: Ship, prev: Option<Ship>) -> HopOut {
        let g = self.g;
        let (a, b) = (self.node(g.shipper[s as usize]), self.node(g.consignee[s as usize]));
        let i = self.ship(s);
        HopOut {
            hop: h + 1,
            shipment: i.id.clone(),
            date: Day(g.date[s as usize]).to_string(),
            shipper: a.id.clone(),
            shipper_name: a.name.clone(),
            shipper_country: a.country.clone(),
            shipper_members: a.members.clone(),
            consignee: b.id.clone(),
            consignee_name: b.name.clone(),
            consignee_country: b.country.clone(),
            consignee_members: b.members.clone(),
            hs: hs_decode(g.hs(s as usize)),
            description: i.description.clone(),
            manufacturer: i.manufacturer.clone(),
            origin_country: i.origin_country.clone(),
            quantity: i.quantity,
            unit: i.unit.clone(),
            value_usd: i.value_usd,
            declared_value: i.declared_value.clone(),
            dwell_days: prev.map(|p| g.date[s as usize] - g.date[p as usize]),
            declaration: i.declaration.clone(),
            source_file: i.source_file.clone(),
            source_line: i.source_line,
            mirror: self.mirrors.get(&s).map(|&m| {
                let j = self.ship(m);
                MirrorOut {
                    shipment: j.id.clone(),
                    date: Day(g.date[m as usize]).to_string(),
                    declaration: j.declaration.clone(),
                    source_file: j.source_file.clone(),
                    source_line: j.source_line,
                    quantity: j.quantity,
                    value_usd: j.value_usd,
                    declared_value: j.declared_value.clone(),
                }
            }),
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
                .into_iter()
                .map(|r| ReasonOut {
                    code: r.code,
                    points: r.points,
                    evidence: r.evidence.iter().map(|e| self.evidence(e)).collect(),
                    detail: r.detail,
                })
                .collect(),
            shipments: hit.ships.iter().map(|&s| self.ship_id(s)).collect(),
            entities: route_nodes(self.g, &hit.ships).into_iter().map(|v| self.node_id(v)).collect(),
            hops: hit.ships.iter().enumerate().map(|(h, &s)| self.hop(h, s, h.checked_sub(1).map(|p| hit.ships[p]))).collect(),
        }
    }
}

/// Routes with reasons and labels, in order. Large outputs are built on
/// all cores in contiguous chunks (concatenated in order, so the result is
/// the same bytes whatever the thread count).
/// `first` is the rank before the first of `hits`.
fn route_outs(labels: &Labels, hits: &[RouteHit], first: usize) -> Vec<RouteOut> {
    const CHUNK_MIN: usize = 2000;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(hits.len() / CHUNK_MIN).max(1);
    let build = |first: usize, part: &[RouteHit]| -> Vec<RouteOut> {
        let mut ranker = Ranker::new(labels.g);
        part.iter().enumerate().map(|(i, h)| labels.route(&mut ranker, first + i + 1, h)).collect()
    };
    if threads == 1 {
        return build(first, hits);
    }
    let size = hits.len().div_ceil(threads);
    std::thread::scope(|sc| {
        let handles: Vec<_> = hits.chunks(size).enumerate().map(|(k, part)| sc.spawn(move || build(first + k * size, part))).collect();
        handles.into_iter().flat_map(|h| h.join().expect("report worker does not panic")).collect()
    })
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
        mirror_pairs: (!q.mirrors.is_empty()).then(|| q.mirrors.pairs().len()),
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
pub fn routes_report(case: &dyn Lookup, g: &CaseGraph, spec: &QuerySpec, q: &Query, found: &Found) -> Result<RoutesReport> {
    let (nodes, ships) = nodes_and_ships(g, found.routes.iter());
    let labels = Labels::load(case, g, &nodes, &ships, &q.mirrors)?;
    let routes = route_outs(&labels, &found.routes, 0);
    Ok(RoutesReport {
        query: QueryEcho::new(spec, false),
        stats: stats(g, q, found.total, routes.len()),
        message: (found.total == 0).then(|| empty_message(g, spec, q)),
        routes,
        channels: None,
    })
}

/// [`RoutesReport`] of an ungrouped search with its routes built while it
/// is serialised: the same JSON bytes, but only [`STREAM_CHUNK`] routes
/// exist at a time (68,554 routes with reasons were about 250 MB at
/// 10,000,000 shipments, held beside the graph).
#[derive(Serialize)]
pub struct RoutesStream<'a> {
    pub query: QueryEcho,
    pub stats: Stats,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    routes: LazyRoutes<'a>,
}

/// Routes built per chunk while they are written.
pub const STREAM_CHUNK: usize = 4096;

struct LazyRoutes<'a> {
    labels: Labels<'a>,
    hits: &'a [RouteHit],
}

impl Serialize for LazyRoutes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.hits.len()))?;
        for (k, part) in self.hits.chunks(STREAM_CHUNK).enumerate() {
            for r in route_outs(&self.labels, part, k * STREAM_CHUNK) {
                seq.serialize_element(&r)?;
            }
        }
        seq.end()
    }
}

/// The report of an ungrouped search, to be serialised once (see [`RoutesStream`]).
pub fn routes_stream<'a>(case: &dyn Lookup, g: &'a CaseGraph, spec: &QuerySpec, q: &Query, found: &'a Found) -> Result<RoutesStream<'a>> {
    let (nodes, ships) = nodes_and_ships(g, found.routes.iter());
    let labels = Labels::load(case, g, &nodes, &ships, &q.mirrors)?;
    Ok(RoutesStream {
        query: QueryEcho::new(spec, false),
        stats: stats(g, q, found.total, found.routes.len()),
        message: (found.total == 0).then(|| empty_message(g, spec, q)),
        routes: LazyRoutes { labels, hits: &found.routes },
    })
}

/// The report of a grouped search (`--group`).
pub fn channels_report(case: &dyn Lookup, g: &CaseGraph, spec: &QuerySpec, q: &Query, grouped: &Grouped) -> Result<RoutesReport> {
    let (mut nodes, ships) = nodes_and_ships(g, grouped.channels.iter().map(|c| &c.best));
    nodes.extend(grouped.channels.iter().flat_map(|c| c.nodes.iter().copied()));
    nodes.sort_unstable();
    nodes.dedup();
    let labels = Labels::load(case, g, &nodes, &ships, &q.mirrors)?;
    let mut ranker = Ranker::new(g);
    let channels: Vec<ChannelOut> = grouped
        .channels
        .iter()
        .enumerate()
        .map(|(i, c)| ChannelOut {
            rank: i + 1,
            score: c.best.score,
            routes: c.routes,
            entities: c.nodes.iter().map(|&v| labels.node_id(v).to_string()).collect(),
            entity_names: c.nodes.iter().map(|&v| labels.node_name(v).to_string()).collect(),
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
pub fn explain_report(case: &dyn Lookup, g: &CaseGraph, spec: &QuerySpec, ex: &Explanation) -> Result<ExplainReport> {
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
    let labels = Labels::load(case, g, &nodes, &ships, &Mirrors::default())?;
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
                    format!(
                        "goods arrived as HS {}; what left is HS {} (no agreement on {} digits)",
                        hs(arrived_hs),
                        hs(left_hs),
                        spec.hs_level
                    ),
                ),
                Break::TooEarly { first_arrival, last_departure } => {
                    ("too_early", format!("the matching goods left by {} but arrived only from {}", d(*last_departure), d(*first_arrival)))
                }
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
                    format!(
                        "{too_early} matching shipment(s) left before the goods arrived and {too_late} more than {} days after",
                        spec.max_dwell_days
                    ),
                ),
            };
            ChainOut {
                entities: c.nodes.iter().map(|&v| labels.node_id(v).to_string()).collect(),
                entity_names: c.nodes.iter().map(|&v| labels.node_name(v).to_string()).collect(),
                hop: c.hop,
                constraint: constraint.into(),
                detail,
                arrived: c.arrived.iter().map(|&s| labels.ship_id(s).to_string()).collect(),
                left: c.left.iter().map(|&s| labels.ship_id(s).to_string()).collect(),
            }
        })
        .collect();
    Ok(ExplainReport { query: echo, finding: finding.into(), message, chains })
}
