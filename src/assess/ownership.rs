//! Lists and ownership: direct listing, OFAC's 50 percent rule, EU/UK
//! ownership or control, listed minority owners and listed directors.
//!
//! OFAC (FAQ 398-401): an entity is blocked when one or more blocked
//! persons own 50 % or more of it in aggregate, directly or indirectly; an
//! entity blocked this way is itself a blocked person for what it owns. So
//! the blocked set is the least fixpoint of "listed, or owned >= 50 % in
//! aggregate by members of the set", computed by propagation from the listed
//! parties: when a node joins the set, its stakes are added to the
//! aggregates of what it owns, and a node crossing the threshold joins in
//! turn. A holding 60 % owned by a listed party is blocked, so all 40 % it
//! holds in a trader counts (not 60 % × 40 %). Each node joins at most once,
//! so cycles of cross-holdings terminate.
//!
//! EU and UK rules freeze what listed parties own (more than 50 %) or
//! control; the same propagation runs for their lists with a strict
//! threshold and with directorship/agency counted as control.
//!
//! Ownership and listings have dates: the fixpoint is computed once per
//! interval between consecutive dates at which a listing or relation
//! starts or ends, and a node is judged in the intervals where it traded.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::graph::{Node, NO_DATE};
use crate::model::Day;

use super::{Context, Ev, Factor, RiskFactor, Weights, MAX_EVIDENCE};

/// One owner's stake in a node, counted toward a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Stake {
    pub owner: Node,
    /// Percent owned; `None` for a control link (director, agent) or an unstated share.
    pub share: Option<f64>,
    /// Index into `Context::relations`.
    pub relation: usize,
    pub control: bool,
}

/// The outcome of one rule's fixpoint at one date.
#[derive(Clone, Debug, Default)]
pub struct RuleState {
    /// Nodes blocked by the rule (not by their own listing), with the stakes that decided it.
    pub by_rule: HashMap<Node, Vec<Stake>>,
    /// Listed seeds of the rule.
    pub seeds: HashSet<Node>,
    /// Nodes with stakes held by blocked parties that stay below the threshold.
    pub partial: HashMap<Node, Vec<Stake>>,
}

impl RuleState {
    pub fn blocked(&self, v: Node) -> bool {
        self.seeds.contains(&v) || self.by_rule.contains_key(&v)
    }
}

/// Which lists seed a rule and how its threshold reads.
struct Rule<'a> {
    lists: &'a [String],
    threshold: f64,
    /// True: `>= threshold` (OFAC); false: `> threshold` (EU, UK).
    inclusive: bool,
    control: bool,
}

/// Both rules at every date interval of the case.
pub struct Ownership {
    /// Sorted distinct change days; state `i` covers `[points[i-1], points[i])`.
    pub points: Vec<i32>,
    pub ofac: Vec<RuleState>,
    pub eu: Vec<RuleState>,
    /// Listing indexes per node.
    pub node_listings: HashMap<Node, Vec<usize>>,
}

/// Runs one rule's propagation on the day `day`.
///
/// Complexity: O(L + R) for L listings and R relations.
fn fixpoint(ctx: &Context, by_from: &HashMap<Node, Vec<usize>>, rule: &Rule, day: i32) -> RuleState {
    let mut st = RuleState::default();
    let mut seeds: Vec<Node> = ctx.listings.iter().filter(|l| l.since <= day && rule.lists.contains(&l.list)).map(|l| l.node).collect();
    seeds.sort_unstable();
    seeds.dedup();
    st.seeds = seeds.iter().copied().collect();
    let mut queue: VecDeque<Node> = seeds.into_iter().collect();
    let mut stakes: HashMap<Node, Vec<Stake>> = HashMap::new();
    while let Some(y) = queue.pop_front() {
        let Some(edges) = by_from.get(&y) else { continue };
        for &ri in edges {
            let r = &ctx.relations[ri];
            let x = r.to;
            if x == y || !r.in_force(day) || st.seeds.contains(&x) || st.by_rule.contains_key(&x) {
                continue;
            }
            let control = r.kind.is_control();
            if control && !rule.control {
                continue;
            }
            let list = stakes.entry(x).or_default();
            let share = if control { None } else { r.share.filter(|s| s.is_finite() && *s > 0.0).map(|s| s.min(100.0)) };
            // Two records of the same stake (two sources, two cluster members) count once, at the larger share.
            match list.iter_mut().find(|s| s.owner == y && s.control == control) {
                Some(s) => {
                    if share.unwrap_or(0.0) > s.share.unwrap_or(0.0) {
                        s.share = share;
                        s.relation = ri;
                    }
                }
                None => list.push(Stake { owner: y, share, relation: ri, control }),
            }
            let agg: f64 = list.iter().filter_map(|s| s.share).sum();
            let crosses = if rule.inclusive { agg >= rule.threshold - 1e-9 } else { agg > rule.threshold + 1e-9 };
            if crosses || list.iter().any(|s| s.control) {
                let mut decided = stakes.remove(&x).expect("just inserted");
                sort_stakes(&mut decided);
                st.by_rule.insert(x, decided);
                queue.push_back(x);
            }
        }
    }
    for v in stakes.values_mut() {
        sort_stakes(v);
    }
    st.partial = stakes;
    st
}

/// Largest stake first, control links last, then by owner: the order details are written in.
fn sort_stakes(v: &mut [Stake]) {
    v.sort_by(|a, b| b.share.unwrap_or(-1.0).total_cmp(&a.share.unwrap_or(-1.0)).then(a.owner.cmp(&b.owner)));
}

impl Ownership {
    /// Computes both rules for every interval between change dates.
    ///
    /// Complexity: O(K · (L + R)) for K change dates.
    pub fn compute(ctx: &Context, w: &Weights) -> Ownership {
        let o = &w.ownership;
        let mut by_from: HashMap<Node, Vec<usize>> = HashMap::new();
        let mut points: Vec<i32> = Vec::new();
        for (i, r) in ctx.relations.iter().enumerate() {
            if r.kind.is_ownership() || r.kind.is_control() {
                by_from.entry(r.from).or_default().push(i);
                if r.start != NO_DATE {
                    points.push(r.start);
                }
                if r.end != i32::MAX {
                    points.push(r.end.saturating_add(1));
                }
            }
        }
        let mut node_listings: HashMap<Node, Vec<usize>> = HashMap::new();
        for (i, l) in ctx.listings.iter().enumerate() {
            node_listings.entry(l.node).or_default().push(i);
            let relevant = o.ofac_blocking_lists.contains(&l.list) || o.control_lists.contains(&l.list);
            if relevant && l.since != NO_DATE {
                points.push(l.since);
            }
        }
        points.sort_unstable();
        points.dedup();
        let ofac_rule = Rule { lists: &o.ofac_blocking_lists, threshold: 50.0, inclusive: true, control: false };
        let eu_rule = Rule { lists: &o.control_lists, threshold: 50.0, inclusive: false, control: true };
        let mut ofac = Vec::with_capacity(points.len() + 1);
        let mut eu = Vec::with_capacity(points.len() + 1);
        for s in 0..=points.len() {
            let day = if s == 0 { NO_DATE + 1 } else { points[s - 1] };
            ofac.push(fixpoint(ctx, &by_from, &ofac_rule, day));
            eu.push(fixpoint(ctx, &by_from, &eu_rule, day));
        }
        Ownership { points, ofac, eu, node_listings }
    }

    /// The state index in force on `day`.
    pub fn state_of(&self, day: i32) -> usize {
        self.points.partition_point(|&p| p <= day)
    }

    /// The state in force after every recorded change.
    pub fn latest(&self) -> usize {
        self.points.len()
    }

    /// Whether `v` is on any list on `day` (a listing without a date counts always).
    pub fn listed_on(&self, ctx: &Context, v: Node, day: i32) -> bool {
        self.node_listings.get(&v).is_some_and(|ls| ls.iter().any(|&i| ctx.listings[i].since <= day))
    }

    /// Whether `v` is listed or blocked by the OFAC rule on `day`.
    pub fn listed_or_blocked(&self, ctx: &Context, v: Node, day: i32) -> bool {
        self.listed_on(ctx, v, day) || self.ofac[self.state_of(day)].by_rule.contains_key(&v)
    }

    /// States in which `v` traded, first trade date per state, plus the latest state.
    fn relevant_states(&self, ctx: &Context, v: Node) -> Vec<(usize, Option<(i32, u32)>)> {
        let g = ctx.g;
        let mut first: HashMap<usize, (i32, u32)> = HashMap::new();
        if !self.points.is_empty() {
            for s in g.out_range(v).map(|s| s as u32).chain(ctx.incoming.of(v).iter().copied()) {
                let d = g.date[s as usize];
                let e = first.entry(self.state_of(d)).or_insert((d, s));
                if (d, s) < *e {
                    *e = (d, s);
                }
            }
        } else if let Some(s) =
            g.out_range(v).map(|s| s as u32).chain(ctx.incoming.of(v).iter().copied()).min_by_key(|&s| (g.date[s as usize], s))
        {
            first.insert(0, (g.date[s as usize], s));
        }
        let mut v: Vec<(usize, Option<(i32, u32)>)> = first.into_iter().map(|(k, x)| (k, Some(x))).collect();
        v.sort_by_key(|x| x.0);
        let latest = self.latest();
        if !v.iter().any(|x| x.0 == latest) {
            v.push((latest, None));
        }
        v
    }

    /// The list and ownership factors of node `v`.
    pub fn factors(&self, ctx: &Context, w: &Weights, v: Node, out: &mut Vec<Factor>) {
        // Listed directly.
        // Military end-user lists are their own factor (end_use), not "any other list".
        if let Some(ls) = self.node_listings.get(&v).filter(|ls| ls.iter().any(|&i| !w.is_meu_list(&ctx.listings[i].list))) {
            let mut weight = 0;
            let mut parts = Vec::new();
            let mut ev = Vec::new();
            for &i in ls.iter().filter(|&&i| !w.is_meu_list(&ctx.listings[i].list)) {
                let l = &ctx.listings[i];
                weight = weight.max(w.list_weight(&l.list));
                let prog = l.program.as_deref().map_or_else(String::new, |p| format!(" {p}"));
                let since = if l.since == NO_DATE { String::new() } else { format!(" since {}", Day(l.since)) };
                parts.push(format!("{}{prog}{since}", l.list));
                ev.push(Ev::Entity(l.entity));
                ev.push(Ev::Record(l.reference.clone()));
            }
            parts.dedup();
            out.push(Factor { code: RiskFactor::Listed, weight, detail: format!("on {}", parts.join("; ")), evidence: ev });
        }
        let states = self.relevant_states(ctx, v);
        let mut blocked_any = false;
        for (code, rule, weight, what) in [
            (
                RiskFactor::Ofac50Blocked,
                &self.ofac,
                w.ownership.ofac_50_blocked,
                "blocked persons own 50% or more in aggregate (OFAC 50 percent rule)",
            ),
            (
                RiskFactor::EuUkOwnedOrControlled,
                &self.eu,
                w.ownership.eu_uk_owned_or_controlled,
                "EU/UK-listed parties own more than 50% or control it",
            ),
        ] {
            let hit = states.iter().find(|(s, _)| rule[*s].by_rule.contains_key(&v));
            if let Some(&(s, trade)) = hit {
                blocked_any = true;
                let mut ev = Vec::new();
                let chain = self.chain(ctx, &rule[s], v, 0, &mut ev);
                let when = match trade {
                    Some((d, ship)) => {
                        ev.push(Ev::Shipment(ship));
                        format!("at its trade of {}", Day(d))
                    }
                    None => "as of the latest records".to_string(),
                };
                out.push(Factor { code, weight, detail: format!("{what} {when}: {chain}"), evidence: ev });
            }
        }
        if blocked_any {
            return;
        }
        // Below the threshold: the largest aggregate held by blocked parties in any relevant state.
        let mut best: Option<(f64, usize)> = None;
        for &(s, _) in &states {
            if let Some(st) = self.ofac[s].partial.get(&v) {
                let agg: f64 = st.iter().filter_map(|x| x.share).sum();
                if best.is_none_or(|(b, _)| agg > b) {
                    best = Some((agg, s));
                }
            }
        }
        if let Some((agg, s)) = best {
            let mut ev = Vec::new();
            let stakes = &self.ofac[s].partial[&v];
            let parts: Vec<String> = stakes.iter().map(|st| self.stake_text(ctx, &self.ofac[s], st, 1, &mut ev)).collect();
            out.push(Factor {
                code: RiskFactor::ListedMinorityOwner,
                weight: w.ownership.listed_minority_owner,
                detail: format!("blocked persons own {agg:.0}% in aggregate, below 50%: {}", parts.join(" + ")),
                evidence: ev,
            });
        }
        // Listed parties that direct without owning.
        let latest = &self.ofac[self.latest()];
        let mut parts = Vec::new();
        let mut ev = Vec::new();
        for &i in ctx.rel_to.get(&v).map_or(&[][..], Vec::as_slice) {
            let r = &ctx.relations[i];
            if r.from == v || !r.kind.is_control() {
                continue;
            }
            let listed = self.node_listings.get(&r.from).is_some_and(|ls| ls.iter().any(|&l| ctx.listings[l].since <= r.end));
            if listed || latest.by_rule.contains_key(&r.from) {
                parts.push(format!("{} is {} ({})", ctx.name(r.from_entity), r.kind, self.listing_text(ctx, r.from)));
                ev.push(Ev::Entity(r.from_entity));
                ev.push(Ev::Record(ctx.relations[i].reference.clone()));
            }
        }
        if !parts.is_empty() {
            out.push(Factor {
                code: RiskFactor::ListedDirector,
                weight: w.ownership.listed_director,
                detail: format!("a listed or blocked party directs it without owning it: {}", parts.join("; ")),
                evidence: ev,
            });
        }
    }

    fn listing_text(&self, ctx: &Context, v: Node) -> String {
        let Some(ls) = self.node_listings.get(&v) else { return "blocked".into() };
        let mut names: Vec<&str> = ls.iter().map(|&i| ctx.listings[i].list.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names.join(", ")
    }

    fn stake_text(&self, ctx: &Context, st: &RuleState, s: &Stake, depth: usize, ev: &mut Vec<Ev>) -> String {
        let r = &ctx.relations[s.relation];
        ev.push(Ev::Entity(r.from_entity));
        ev.push(Ev::Record(r.reference.clone()));
        let what = match s.share {
            Some(p) => format!("{p:.0}%"),
            None if s.control => r.kind.to_string(),
            None => "unstated share".into(),
        };
        let why = if st.seeds.contains(&s.owner) {
            if let Some(ls) = self.node_listings.get(&s.owner) {
                for &i in ls {
                    if ev.len() < 4 * MAX_EVIDENCE {
                        ev.push(Ev::Record(ctx.listings[i].reference.clone()));
                    }
                }
            }
            format!("listed: {}", self.listing_text(ctx, s.owner))
        } else if st.by_rule.contains_key(&s.owner) {
            format!("blocked: {}", self.chain(ctx, st, s.owner, depth, ev))
        } else {
            "not blocked".into()
        };
        format!("{what} by {} ({why})", ctx.name(r.from_entity))
    }

    /// The stakes that decided `v`'s status, recursively (depth-limited for readability).
    fn chain(&self, ctx: &Context, st: &RuleState, v: Node, depth: usize, ev: &mut Vec<Ev>) -> String {
        let Some(stakes) = st.by_rule.get(&v) else { return String::new() };
        if depth >= 6 {
            return "...".into();
        }
        let agg: f64 = stakes.iter().filter_map(|s| s.share).sum();
        let parts: Vec<String> = stakes.iter().map(|s| self.stake_text(ctx, st, s, depth + 1, ev)).collect();
        if stakes.iter().any(|s| s.control) && agg <= 50.0 {
            parts.join(" + ")
        } else {
            format!("{agg:.0}% = {}", parts.join(" + "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::{Listing, Relation};
    use crate::graph::{CaseGraph, EntityRow};

    fn graph(n: usize) -> CaseGraph {
        let ents = (1..=n as i64).map(|id| EntityRow { id, cluster: id, incorporated: NO_DATE, ..Default::default() }).collect();
        CaseGraph::build(ents, Vec::new()).0
    }

    fn ctx<'g>(g: &'g CaseGraph, sdn: &[Node], stakes: &[(Node, Node, f64)]) -> Context<'g> {
        let listings = sdn
            .iter()
            .map(|&v| Listing {
                node: v,
                entity: i64::from(v) + 1,
                list: "sdn".into(),
                program: None,
                source: None,
                since: NO_DATE,
                reference: format!("l:{v}"),
            })
            .collect();
        let relations = stakes
            .iter()
            .map(|&(a, b, s)| Relation {
                from: a,
                to: b,
                from_entity: i64::from(a) + 1,
                to_entity: i64::from(b) + 1,
                kind: crate::model::RelationKind::Ownership,
                share: Some(s),
                start: NO_DATE,
                end: i32::MAX,
                reference: format!("r:{a}:{b}"),
            })
            .collect();
        Context::new(g, listings, relations, Vec::new(), Vec::new(), Default::default())
    }

    fn blocked(c: &Context) -> Vec<Node> {
        let own = Ownership::compute(c, &Weights::defaults());
        let st = &own.ofac[own.latest()];
        let mut v: Vec<Node> = (0..c.g.node_count() as Node).filter(|&x| st.blocked(x)).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn blocking_runs_around_cycles_and_counts_a_stake_once() {
        let g = graph(4);
        // 0 listed owns 50% of 1; 1 owns 60% of 2; 2 owns 30% of 1 (a cycle); 3 is owned 30% + 30% by 0 through two records of one stake.
        let c = ctx(&g, &[0], &[(0, 1, 50.0), (1, 2, 60.0), (2, 1, 30.0), (0, 3, 30.0), (0, 3, 30.0)]);
        assert_eq!(blocked(&c), vec![0, 1, 2]);
    }

    proptest::proptest! {
        /// The propagation equals the least fixpoint computed naively: repeat
        /// "blocked = listed ∪ {x : sum of stakes held by blocked owners >= 50}" until stable.
        #[test]
        fn propagation_is_the_least_fixpoint(
            seeds in proptest::collection::btree_set(0u32..7, 0..3),
            edges in proptest::collection::btree_map((0u32..7, 0u32..7), 1u32..80, 0..16),
        ) {
            let g = graph(7);
            let stakes: Vec<(Node, Node, f64)> = edges.iter().filter(|((a, b), _)| a != b).map(|(&(a, b), &s)| (a, b, f64::from(s))).collect();
            let seeds: Vec<Node> = seeds.into_iter().collect();
            let c = ctx(&g, &seeds, &stakes);
            let mut want: Vec<bool> = (0..7).map(|v| seeds.contains(&v)).collect();
            loop {
                let next: Vec<bool> = (0..7u32)
                    .map(|x| {
                        want[x as usize]
                            || stakes.iter().filter(|s| s.1 == x && want[s.0 as usize]).map(|s| s.2).sum::<f64>() >= 50.0
                    })
                    .collect();
                if next == want {
                    break;
                }
                want = next;
            }
            let want: Vec<Node> = (0..7).filter(|&v| want[v as usize]).collect();
            proptest::prop_assert_eq!(blocked(&c), want);
        }
    }
}
