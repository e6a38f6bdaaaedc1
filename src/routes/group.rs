//! Channels: routes folded by their chain of entities and HS key.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::{hs_key, CaseGraph, Node, Ship};

use super::collect::{rank_order, RouteHit};
use super::rank::Ranker;
use super::search::search;
use super::{route_nodes, Query};

/// Routes that share the same chain of entities and the same HS key (at the query's level).
#[derive(Clone, Debug, PartialEq)]
pub struct Channel {
    pub nodes: Vec<Node>,
    /// The first `hs_level` digits the channel's goods share.
    pub hs_prefix: String,
    pub routes: u64,
    /// Distinct shipments seen at each hop, ascending index.
    pub hop_shipments: Vec<Vec<Ship>>,
    /// Sum of declared values of the distinct shipments of the last hop (what reached the destination); unknown values count 0.
    pub value_delivered: f64,
    /// Sum of declared values of the distinct shipments of the first hop.
    pub value_shipped: f64,
    pub first_date: i32,
    pub last_date: i32,
    /// The channel's best route (it ranks the channel).
    pub best: RouteHit,
}

/// The outcome of a grouped search.
#[derive(Clone, Debug, Default)]
pub struct Grouped {
    pub total_routes: u64,
    pub total_channels: u64,
    /// Best first, at most `q.limit`.
    pub channels: Vec<Channel>,
}

struct Acc {
    routes: u64,
    hops: Vec<BTreeSet<Ship>>,
    best: RouteHit,
}

/// Runs the search and folds routes into channels.
///
/// Description: each route is keyed by (entity chain, HS key); per key the
/// distinct shipments of each hop and the best route are kept. Channels
/// rank by their best route ([`rank_order`]), then by route count, then by
/// chain.
///
/// Complexity: search cost plus O(R k log S) for R routes of k hops.
pub fn group_routes(g: &CaseGraph, q: &Query) -> Grouped {
    let mut ranker = Ranker::new(g);
    let mut acc: BTreeMap<(Vec<Node>, u64), Acc> = BTreeMap::new();
    let total_routes = search(g, q, |route| {
        let score = ranker.score(route, None);
        let hit = || RouteHit { score, ships: route.to_vec(), rows: route.iter().map(|&s| g.ship_row[s as usize]).collect() };
        add(&mut acc, g, q.hs_level, route, hit, |candidate, best| rank_order(candidate, best).is_lt());
    });
    let mut channels: Vec<Channel> = acc.into_iter().map(|((nodes, _), a)| finish(g, q.hs_level, nodes, a)).collect();
    channels.sort_by(channel_order);
    let total_channels = channels.len() as u64;
    if let Some(k) = q.limit {
        channels.truncate(k);
    }
    Grouped { total_routes, total_channels, channels }
}

/// A channel and the routes it folds.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelRoutes {
    pub channel: Channel,
    /// Indexes into the routes given to [`fold_channels`], ascending (so
    /// best first when those were ranked).
    pub members: Vec<usize>,
}

/// Folds routes already found (ranked best first by [`rank_order`], e.g.
/// all of [`super::collect_routes`] with no limit) into channels, keeping
/// which routes each channel holds: the same channels, in the same order,
/// as [`group_routes`] on the query that found them.
///
/// Complexity: O(R k log S) for R routes of k hops.
pub fn fold_channels(g: &CaseGraph, hs_level: u32, hits: &[RouteHit]) -> Vec<ChannelRoutes> {
    let mut acc: BTreeMap<(Vec<Node>, u64), (Acc, Vec<usize>)> = BTreeMap::new();
    for (i, h) in hits.iter().enumerate() {
        let key = (route_nodes(g, &h.ships), hs_key(g.hs(h.ships[0] as usize), hs_level));
        let (a, members) = acc.entry(key).or_insert_with(|| (new_acc(h.ships.len(), h.clone()), Vec::new()));
        count(a, &h.ships);
        if rank_order(h, &a.best).is_lt() {
            a.best = h.clone();
        }
        members.push(i);
    }
    let mut channels: Vec<ChannelRoutes> =
        acc.into_iter().map(|((nodes, _), (a, members))| ChannelRoutes { channel: finish(g, hs_level, nodes, a), members }).collect();
    channels.sort_by(|a, b| channel_order(&a.channel, &b.channel));
    channels
}

fn new_acc(hops: usize, best: RouteHit) -> Acc {
    Acc { routes: 0, hops: vec![BTreeSet::new(); hops], best }
}

fn count(a: &mut Acc, route: &[Ship]) {
    a.routes += 1;
    for (h, &s) in route.iter().enumerate() {
        a.hops[h].insert(s);
    }
}

/// Adds one route of the search to its channel; `better` decides whether it becomes the channel's best.
fn add(
    acc: &mut BTreeMap<(Vec<Node>, u64), Acc>,
    g: &CaseGraph,
    hs_level: u32,
    route: &[Ship],
    hit: impl Fn() -> RouteHit,
    better: impl Fn(&RouteHit, &RouteHit) -> bool,
) {
    let key = (route_nodes(g, route), hs_key(g.hs(route[0] as usize), hs_level));
    let a = acc.entry(key).or_insert_with(|| new_acc(route.len(), hit()));
    count(a, route);
    let candidate = hit();
    if better(&candidate, &a.best) {
        a.best = candidate;
    }
}

fn finish(g: &CaseGraph, hs_level: u32, nodes: Vec<Node>, a: Acc) -> Channel {
    let value = |set: &BTreeSet<Ship>| set.iter().map(|&s| f64::from(g.value[s as usize])).filter(|v| !v.is_nan()).sum();
    let digits = crate::graph::hs_decode(g.hs(a.best.ships[0] as usize));
    let hs_prefix = digits.chars().take(hs_level as usize).collect();
    let dates = a.hops.iter().flatten().map(|&s| g.date[s as usize]);
    Channel {
        nodes,
        hs_prefix,
        routes: a.routes,
        value_delivered: value(a.hops.last().expect("routes have a hop")),
        value_shipped: value(&a.hops[0]),
        first_date: dates.clone().min().expect("routes have a hop"),
        last_date: dates.max().expect("routes have a hop"),
        hop_shipments: a.hops.into_iter().map(|h| h.into_iter().collect()).collect(),
        best: a.best,
    }
}

/// Channels rank by their best route, then by route count, then by chain.
fn channel_order(a: &Channel, b: &Channel) -> std::cmp::Ordering {
    rank_order(&a.best, &b.best)
        .then(b.routes.cmp(&a.routes))
        .then_with(|| a.nodes.cmp(&b.nodes))
        .then_with(|| a.hs_prefix.cmp(&b.hs_prefix))
}

/// Removes channels whose chain of entities is a contiguous part of a longer
/// channel's chain with the same HS digits (that longer channel tells the
/// same story); returns how many were removed. The rest keep their order.
pub fn drop_subchains(grouped: &mut Grouped) -> usize {
    drop_subchains_of(&mut grouped.channels, |c| c)
}

/// [`drop_subchains`] over any list of items that each carry a channel.
pub fn drop_subchains_of<T>(items: &mut Vec<T>, channel: impl Fn(&T) -> &Channel) -> usize {
    let chains: Vec<(Vec<Node>, String)> = items.iter().map(|i| (channel(i).nodes.clone(), channel(i).hs_prefix.clone())).collect();
    let before = items.len();
    items.retain(|i| {
        let c = channel(i);
        !chains.iter().any(|(longer, hs)| {
            *hs == c.hs_prefix && longer.len() > c.nodes.len() && longer.windows(c.nodes.len()).any(|w| w == c.nodes.as_slice())
        })
    });
    before - items.len()
}

#[cfg(test)]
mod subchain_tests {
    use super::*;

    fn channel(nodes: &[Node], hs: &str) -> Channel {
        Channel {
            nodes: nodes.to_vec(),
            hs_prefix: hs.into(),
            routes: 1,
            hop_shipments: Vec::new(),
            value_delivered: 0.0,
            value_shipped: 0.0,
            first_date: 0,
            last_date: 0,
            best: RouteHit { ships: Vec::new(), rows: Vec::new(), score: 0 },
        }
    }

    #[test]
    fn only_contiguous_parts_with_the_same_goods_go() {
        let mut g = Grouped {
            total_routes: 5,
            total_channels: 5,
            channels: vec![
                channel(&[1, 2, 3, 4], "854231"),
                channel(&[2, 3, 4], "854231"),
                channel(&[2, 3], "854232"),
                channel(&[1, 3], "854231"),
                channel(&[3, 4], "854231"),
            ],
        };
        assert_eq!(drop_subchains(&mut g), 2);
        let left: Vec<Vec<Node>> = g.channels.iter().map(|c| c.nodes.clone()).collect();
        assert_eq!(left, vec![vec![1, 2, 3, 4], vec![2, 3], vec![1, 3]]);
    }
}
