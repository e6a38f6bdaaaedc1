//! Property test: the route search agrees, route for route, with a brute-force
//! oracle that enumerates every sequence of distinct shipments and checks the
//! definition in docs/routes.md clause by clause.

use divtrace::graph::{country_code, CaseGraph, EntityRow, ShipmentRow, NO_DATE};
use divtrace::model::{Country, Day, Role, Roles};
use divtrace::routes::explain::{explain, Explanation};
use divtrace::routes::group::{fold_channels, group_routes};
use divtrace::routes::rank::{brand_tokens, tokens_contain};
use divtrace::routes::{collect_routes, resolve_query, Directory, QuerySpec, Selector};
use divtrace::Result;
use proptest::prelude::*;

const COUNTRIES: [&str; 4] = ["US", "TR", "RU", "AE"];
const HS: [&str; 6] = ["854231", "854232", "85423100", "847130", "8542", "847150"];
const BRANDS: [&str; 4] = ["TEXAS INSTRUMENTS", "Texas Instr.", "ANALOG DEVICES INC", "XILINX"];
const LISTS: [&str; 2] = ["entity_list", "sdn"];

#[derive(Clone, Debug)]
struct Ent {
    cluster: usize,
    country: usize,
    roles: u8,
    list: Option<usize>,
}

#[derive(Clone, Debug)]
struct Shp {
    date: i32,
    a: usize,
    b: usize,
    hs: usize,
    brand: Option<usize>,
    origin: Option<usize>,
    value: Option<f64>,
}

struct Dir(usize);

impl Directory for Dir {
    fn scopes(&self) -> Result<Vec<String>> {
        Ok(vec!["b".into()])
    }
    fn entities_by_input_id(&self, _scope: Option<&str>, id: &str) -> Result<Vec<(i64, String)>> {
        Ok(id
            .strip_prefix('E')
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n < self.0)
            .map(|n| (n as i64, "b".into()))
            .into_iter()
            .collect())
    }
    fn entity_names(&self) -> Result<Vec<(i64, Vec<String>)>> {
        Ok((0..self.0).map(|i| (i as i64, vec![format!("Company {}", i)])).collect())
    }
    fn shipment_batches(&self, rows: &[i64]) -> Result<Vec<(i64, i64)>> {
        // One batch ("b"): no mirror pairs, so the oracle needs none.
        Ok(rows.iter().map(|&r| (r, 1)).collect())
    }
}

fn ent_strategy() -> impl Strategy<Value = Ent> {
    (0usize..8, 0usize..4, 0u8..64, prop::option::weighted(0.2, 0usize..2)).prop_map(|(c, country, roles, list)| Ent {
        cluster: c,
        country,
        roles,
        list,
    })
}

fn ship_strategy(n: usize) -> impl Strategy<Value = Shp> {
    (
        0i32..24,
        0..n,
        0..n,
        // Skewed so that consecutive hops often share an HS key.
        prop::sample::select(vec![0usize, 0, 0, 0, 2, 2, 1, 4, 3, 5]),
        prop::option::of(0usize..BRANDS.len()),
        prop::option::of(0usize..COUNTRIES.len()),
        prop::option::of(prop::sample::select(vec![50.0, 100.0, 1000.0])),
    )
        .prop_map(|(date, a, b, hs, brand, origin, value)| Shp { date, a, b, hs, brand, origin, value })
}

fn sel_strategy(goods: bool, n: usize) -> impl Strategy<Value = Selector> {
    let mut options: Vec<BoxedStrategy<Selector>> = vec![
        (0usize..4).prop_map(|c| Selector::Country(Country::known(COUNTRIES[c]))).boxed(),
        (0..n).prop_map(|e| Selector::Entity(format!("E{e}"))).boxed(),
        (0usize..6).prop_map(|r| Selector::Role(Role::ALL[r])).boxed(),
        (0usize..2).prop_map(|l| Selector::List(LISTS[l].into())).boxed(),
        (0..n).prop_map(|e| Selector::Name(format!("company {e}"))).boxed(),
    ];
    if goods {
        options.push((0usize..4).prop_map(|c| Selector::Origin(Country::known(COUNTRIES[c]))).boxed());
        options.push(
            prop::sample::select(vec!["texas", "instruments", "analog devices", "xilinx"]).prop_map(|b| Selector::Brand(b.into())).boxed(),
        );
    }
    prop::strategy::Union::new(options)
}

#[derive(Clone, Debug)]
struct Case {
    ents: Vec<Ent>,
    ships: Vec<Shp>,
    spec: QuerySpec,
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (4usize..=6).prop_flat_map(|n| {
        (
            prop::collection::vec(ent_strategy(), n),
            (
                prop::collection::vec(ship_strategy(n), 0..=20),
                // Planted chains, so that multi-hop routes (and near misses) are common.
                prop::collection::vec(
                    (
                        Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
                        prop::sample::select(vec![3usize, 4, 4, 5, 5]),
                        prop::collection::vec(0i32..12, 4),
                        ship_strategy(n),
                    ),
                    0..=2,
                ),
                prop::bool::weighted(0.7),
            ),
            prop::collection::vec(sel_strategy(true, n), 1..3),
            prop::collection::vec(sel_strategy(false, n), 1..3),
            prop::option::weighted(0.2, sel_strategy(false, n)),
            prop::option::weighted(0.2, sel_strategy(false, n)),
            (
                prop::sample::select(vec![1u32, 2, 3, 3, 4, 4]),
                0i32..40,
                prop::bool::ANY,
                prop::option::weighted(0.2, prop::collection::vec(prop::sample::select(vec!["8542", "85423", "847130", "8"]), 1..3)),
            ),
            (
                prop::option::weighted(0.2, 1u8..=4),
                prop::option::weighted(0.2, 0i32..20),
                prop::option::weighted(0.2, 20i32..40),
                prop::option::weighted(0.2, prop::sample::select(vec![60.0, 500.0])),
            ),
        )
            .prop_map(
                move |(
                    mut ents,
                    (mut ships, chains, aim),
                    mut from,
                    to,
                    via,
                    avoid,
                    (hops, dwell, l4, hs),
                    (chpl, since, until, min_value),
                )| {
                    // Proper clusters: an entity joins an earlier entity's cluster
                    // only when that entity represents itself.
                    for i in 0..n {
                        let c = ents[i].cluster.min(i);
                        ents[i].cluster = if c < i && ents[c].cluster == c { c } else { i };
                    }
                    let mut to = to;
                    for (k, (mut nodes, len, gaps, proto)) in chains.into_iter().enumerate() {
                        nodes.truncate(len);
                        if aim && k == 0 {
                            from.push(Selector::Entity(format!("E{}", nodes[0])));
                            to.push(Selector::Entity(format!("E{}", nodes[nodes.len() - 1])));
                        }
                        let mut date = proto.date;
                        for (h, w) in nodes.windows(2).enumerate() {
                            ships.push(Shp { date, a: w[0], b: w[1], ..proto.clone() });
                            date += gaps[h];
                        }
                    }
                    let spec = QuerySpec {
                        from,
                        to,
                        via: via.into_iter().collect(),
                        avoid: avoid.into_iter().collect(),
                        max_hops: hops,
                        max_dwell_days: dwell,
                        hs_level: if l4 { 4 } else { 6 },
                        hs: hs.unwrap_or_default().into_iter().map(str::to_string).collect(),
                        chpl_max_tier: chpl,
                        goods: divtrace::refdata::goods::GoodsLists::bundled(),
                        controlled: false,
                        since: since.map(Day),
                        until: until.map(Day),
                        min_value,
                        limit: None,
                        // One batch: no mirror pairs (tests/mirror.rs and graph::mirror test those).
                        mirror: Default::default(),
                    };
                    Case { ents, ships, spec }
                },
            )
    })
}

/// Representative (cluster id) of entity `i`.
fn rep(c: &Case, i: usize) -> usize {
    c.ents[i].cluster
}

fn build(c: &Case) -> CaseGraph {
    let ents = c
        .ents
        .iter()
        .enumerate()
        .map(|(i, e)| EntityRow {
            id: i as i64,
            cluster: e.cluster as i64,
            country: country_code(COUNTRIES[e.country]),
            roles: e.roles,
            incorporated: NO_DATE,
            lists: e.list.map(|l| vec![LISTS[l].to_string()]).unwrap_or_default(),
        })
        .collect();
    let ships = c
        .ships
        .iter()
        .enumerate()
        .map(|(i, s)| ShipmentRow {
            id: 100 + i as i64,
            date: s.date,
            shipper: s.a as i64,
            consignee: s.b as i64,
            hs: HS[s.hs].into(),
            manufacturer: s.brand.map(|b| BRANDS[b].to_string()),
            origin: s.origin.map_or(0, |o| country_code(COUNTRIES[o])),
            quantity: None,
            value_usd: s.value,
        })
        .collect();
    CaseGraph::build(ents, ships).0
}

/// Cluster ids (representatives) that an entity selector matches.
fn oracle_entities(c: &Case, sel: &Selector) -> Vec<usize> {
    let n = c.ents.len();
    let matches = |i: usize| -> bool {
        let e = &c.ents[i];
        match sel {
            Selector::Country(cc) => COUNTRIES[e.country] == cc.as_str(),
            Selector::Entity(id) => format!("E{i}") == *id,
            Selector::Role(r) => Roles(e.roles).contains(*r),
            Selector::List(l) => e.list.is_some_and(|x| LISTS[x] == l),
            Selector::Name(t) => tokens_contain(&brand_tokens(&format!("Company {i}")), &brand_tokens(t)),
            _ => false,
        }
    };
    (0..n).filter(|&i| matches(i)).map(|i| rep(c, i)).collect()
}

fn in_set(c: &Case, sels: &[Selector], cluster: usize) -> bool {
    sels.iter().any(|s| oracle_entities(c, s).contains(&cluster))
}

fn hs_agree(a: &str, b: &str, level: usize) -> bool {
    a[..a.len().min(level)] == b[..b.len().min(level)]
}

fn ship_ok(c: &Case, s: &Shp) -> bool {
    let sp = &c.spec;
    let hs = HS[s.hs];
    sp.since.is_none_or(|d| s.date >= d.0)
        && sp.until.is_none_or(|d| s.date <= d.0)
        && sp.min_value.is_none_or(|m| s.value.is_some_and(|v| v >= m))
        && (sp.hs.is_empty() || sp.hs.iter().any(|p| hs.starts_with(p.as_str())))
        && sp.chpl_max_tier.is_none_or(|t| divtrace::refdata::chpl_item(hs).is_some_and(|i| i.tier_number() <= t))
}

fn first_ok(c: &Case, s: &Shp) -> bool {
    c.spec.from.iter().any(|sel| match sel {
        Selector::Origin(o) => s.origin.is_some_and(|x| COUNTRIES[x] == o.as_str()),
        Selector::Brand(b) => s.brand.is_some_and(|x| tokens_contain(&brand_tokens(BRANDS[x]), &brand_tokens(b))),
        other => oracle_entities(c, other).contains(&rep(c, s.a)),
    })
}

/// Every route by the definition, as sequences of shipment indexes.
fn oracle(c: &Case) -> Vec<Vec<usize>> {
    let sp = &c.spec;
    let mut out = Vec::new();
    let mut seq: Vec<usize> = Vec::new();
    fn rec(c: &Case, seq: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        let sp = &c.spec;
        if !seq.is_empty() && is_route(c, seq) {
            out.push(seq.clone());
        }
        if seq.len() as u32 == sp.max_hops {
            return;
        }
        for i in 0..c.ships.len() {
            if !seq.contains(&i) {
                seq.push(i);
                rec(c, seq, out);
                seq.pop();
            }
        }
    }
    let _ = sp;
    rec(c, &mut seq, &mut out);
    out.sort();
    out
}

fn is_route(c: &Case, seq: &[usize]) -> bool {
    let sp = &c.spec;
    let s: Vec<&Shp> = seq.iter().map(|&i| &c.ships[i]).collect();
    let mut ents = vec![rep(c, s[0].a)];
    ents.extend(s.iter().map(|x| rep(c, x.b)));
    let mut sorted = ents.clone();
    sorted.sort();
    sorted.dedup();
    s.iter().all(|x| ship_ok(c, x))
        && s.windows(2).all(|w| {
            rep(c, w[0].b) == rep(c, w[1].a)
                && w[0].date <= w[1].date
                && w[1].date <= w[0].date + sp.max_dwell_days
                && hs_agree(HS[w[0].hs], HS[w[1].hs], sp.hs_level as usize)
        })
        && sorted.len() == ents.len()
        && first_ok(c, s[0])
        && in_set(c, &sp.to, *ents.last().unwrap())
        && (sp.via.is_empty() || ents.iter().any(|&e| in_set(c, &sp.via, e)))
        && !ents.iter().any(|&e| in_set(c, &sp.avoid, e))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, .. ProptestConfig::default() })]

    #[test]
    fn search_matches_brute_force(c in case_strategy()) {
        let g = build(&c);
        let q = resolve_query(&g, &Dir(c.ents.len()), &c.spec).unwrap();
        let found = collect_routes(&g, &q);
        let mut got: Vec<Vec<usize>> = found
            .routes
            .iter()
            .map(|r| r.rows.iter().map(|&row| (row - 100) as usize).collect())
            .collect();
        got.sort();
        let want = oracle(&c);
        prop_assert_eq!(&got, &want);
        prop_assert_eq!(found.total as usize, want.len());

        // Top-K is a prefix of the full ranking, and the total is still the full count.
        let mut q3 = q.clone();
        q3.limit = Some(3);
        let top = collect_routes(&g, &q3);
        prop_assert_eq!(top.total, found.total);
        prop_assert_eq!(&top.routes[..], &found.routes[..found.routes.len().min(3)]);

        // Channels partition the routes.
        let grouped = group_routes(&g, &q);
        prop_assert_eq!(grouped.total_routes, found.total);
        prop_assert_eq!(grouped.channels.iter().map(|ch| ch.routes).sum::<u64>(), found.total);
        // Folding the routes found gives the same channels, each holding exactly its routes.
        let folded = fold_channels(&g, q.hs_level, &found.routes);
        prop_assert_eq!(folded.iter().map(|c| c.channel.clone()).collect::<Vec<_>>(), grouped.channels.clone());
        let mut members: Vec<usize> = folded.iter().flat_map(|c| c.members.iter().copied()).collect();
        members.sort_unstable();
        prop_assert_eq!(members, (0..found.routes.len()).collect::<Vec<_>>());
        for c in &folded {
            prop_assert_eq!(c.members.len() as u64, c.channel.routes);
            prop_assert!(c.members.windows(2).all(|w| w[0] < w[1]));
            prop_assert_eq!(&found.routes[c.members[0]], &c.channel.best);
        }

        // Explain agrees on whether anything connects.
        match explain(&g, &q) {
            Explanation::Connected { routes } => prop_assert_eq!(routes, found.total),
            _ => prop_assert_eq!(found.total, 0),
        }
    }
}
