//! Property test: the pruned route search (backward marks, starts only from
//! shipments that can complete) finds exactly the routes, in the same order,
//! as a plain depth-first search that follows the definition in
//! docs/routes.md with no pruning at all — on random graphs shaped like
//! national trade: a few hubs that receive and send most shipments, in a
//! few HS headings, so that company-level reachability says "yes" for
//! almost everything while goods and dates say "no".

use divtrace::graph::{country_code, CaseGraph, EntityRow, ShipmentRow, NO_DATE};
use divtrace::routes::search::{qualifies_first, reach, search, NEVER};
use divtrace::routes::Query;
use proptest::prelude::*;

const HS: [&str; 7] = ["854231", "854232", "85423100", "8542", "851762", "847150", "090111"];

#[derive(Clone, Debug)]
struct Case {
    entities: usize,
    hubs: usize,
    ships: Vec<(i32, usize, usize, usize)>,
    from: Vec<bool>,
    to: Vec<bool>,
    avoid: Vec<bool>,
    via: Option<Vec<bool>>,
    ok: Vec<bool>,
    origin_us: Vec<bool>,
    goods: bool,
    max_hops: u32,
    dwell: i32,
    level: u32,
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (6usize..24, 1usize..4, 1u32..6, prop::sample::select(vec![0, 5, 30, 180]), prop::bool::ANY, prop::bool::ANY)
        .prop_flat_map(|(n, hubs, max_hops, dwell, level6, goods)| {
            // Endpoints: half of the shipments touch a hub (the first `hubs` entities).
            let end = move || prop_oneof![0..hubs, 0..n];
            let ship = (0i32..400, end(), end(), prop::sample::select(vec![0usize, 0, 0, 1, 2, 3, 4, 4, 5, 6]));
            (
                Just((n, hubs, max_hops, dwell, level6, goods)),
                prop::collection::vec(ship, 0..160),
                prop::collection::vec(prop::bool::weighted(0.3), n),
                prop::collection::vec(prop::bool::weighted(0.3), n),
                prop::collection::vec(prop::bool::weighted(0.1), n),
                prop::option::weighted(0.2, prop::collection::vec(prop::bool::weighted(0.3), n)),
                prop::collection::vec(prop::bool::weighted(0.9), 160),
                prop::collection::vec(prop::bool::weighted(0.3), 160),
            )
        })
        .prop_map(|((n, hubs, max_hops, dwell, level6, goods), ships, from, to, avoid, via, ok, origin_us)| Case {
            entities: n,
            hubs,
            ships,
            from,
            to,
            avoid,
            via,
            ok,
            origin_us,
            goods,
            max_hops,
            dwell,
            level: if level6 { 6 } else { 4 },
        })
}

fn build(c: &Case) -> (CaseGraph, Query) {
    let ents = (0..c.entities)
        .map(|i| EntityRow {
            id: i as i64,
            cluster: i as i64,
            country: country_code(if i < c.hubs { "AE" } else { "TR" }),
            incorporated: NO_DATE,
            ..Default::default()
        })
        .collect();
    let ships = c
        .ships
        .iter()
        .enumerate()
        .map(|(k, &(date, a, b, hs))| ShipmentRow {
            id: k as i64 + 1,
            date,
            shipper: a as i64,
            consignee: b as i64,
            hs: HS[hs].into(),
            origin: if c.origin_us[k] { country_code("US") } else { 0 },
            ..Default::default()
        })
        .collect();
    let (g, skipped) = CaseGraph::build(ents, ships);
    assert!(skipped.is_empty());
    // Nodes are entity ids in order (no clusters); shipment masks follow graph order.
    let ok = (0..g.shipment_count()).map(|s| c.ok[(g.ship_row[s] - 1) as usize]).collect();
    let q = Query {
        from_nodes: c.from.clone(),
        from_origins: if c.goods { vec![country_code("US")] } else { vec![] },
        from_brands: vec![false; g.brands.len()],
        has_goods_selectors: c.goods,
        to_nodes: c.to.clone(),
        via_nodes: c.via.clone(),
        avoid_nodes: c.avoid.clone(),
        ship_ok: ok,
        max_hops: c.max_hops,
        max_dwell_days: c.dwell,
        hs_level: c.level,
        limit: None,
        mirrors: Default::default(),
    };
    (g, q)
}

/// The definition, searched with no pruning: every usable first shipment,
/// every usable next shipment by a linear scan of the node's shipments.
fn unpruned(g: &CaseGraph, q: &Query) -> Vec<Vec<u32>> {
    let key = |s: usize| if q.hs_level == 6 { g.key6[s] } else { g.key6[s] / 121 };
    let usable = |s: usize| {
        let (u, c) = (g.shipper[s] as usize, g.consignee[s] as usize);
        q.ship_ok[s] && u != c && !q.avoid_nodes[u] && !q.avoid_nodes[c]
    };
    #[allow(clippy::too_many_arguments)]
    fn dfs(
        g: &CaseGraph,
        q: &Query,
        key: &dyn Fn(usize) -> u32,
        usable: &dyn Fn(usize) -> bool,
        stack: &mut Vec<u32>,
        on: &mut Vec<bool>,
        out: &mut Vec<Vec<u32>>,
    ) {
        let last = *stack.last().unwrap() as usize;
        let v = g.consignee[last] as usize;
        let nodes = || std::iter::once(g.shipper[stack[0] as usize]).chain(stack.iter().map(|&s| g.consignee[s as usize]));
        if q.to_nodes[v] && q.via_nodes.as_ref().is_none_or(|m| nodes().any(|x| m[x as usize])) {
            out.push(stack.clone());
        }
        if stack.len() as u32 == q.max_hops {
            return;
        }
        for i in g.out_range(v as u32) {
            let c = g.consignee[i] as usize;
            let in_time = g.date[i] >= g.date[last] && g.date[i] - g.date[last] <= q.max_dwell_days;
            if usable(i) && key(i) == key(last) && in_time && !on[c] {
                on[c] = true;
                stack.push(i as u32);
                dfs(g, q, key, usable, stack, on, out);
                stack.pop();
                on[c] = false;
            }
        }
    }
    let mut out = Vec::new();
    let mut on = vec![false; g.node_count()];
    for s in 0..g.shipment_count() {
        if usable(s) && qualifies_first(g, q, s) {
            let (u, c) = (g.shipper[s] as usize, g.consignee[s] as usize);
            on[u] = true;
            on[c] = true;
            let mut stack = vec![s as u32];
            dfs(g, q, &key, &usable, &mut stack, &mut on, &mut out);
            on[u] = false;
            on[c] = false;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn pruned_search_equals_unpruned_search(c in case_strategy()) {
        let (g, q) = build(&c);
        let mut got = Vec::new();
        let n = search(&g, &q, |r| got.push(r.to_vec()));
        let want = unpruned(&g, &q);
        prop_assert_eq!(n as usize, got.len());
        prop_assert_eq!(&got, &want);
        // The marks are a lower bound on the hops left: every route's suffix
        // starting at hop i needs at least mark(hop i) hops.
        let r = reach(&g, &q);
        for route in &want {
            for (i, &s) in route.iter().enumerate() {
                let m = r.hops[s as usize];
                prop_assert!(m != NEVER && usize::from(m) <= route.len() - i, "route {:?} hop {} mark {}", route, i, m);
            }
        }
        prop_assert!(r.marked.windows(2).all(|w| w[0] < w[1]));
    }
}
