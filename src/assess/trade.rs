//! Trade-pattern factors, read from a party's own shipments in the graph:
//! mirror trade (controlled goods in from the US/EU, the same HS-6 out to
//! Russia/Belarus soon after), the share of its exports that are CHPL goods
//! to Russia/Belarus and its rise after the invasion, incorporation shortly
//! before its first trade in CHPL goods, and direct trade with listed
//! (or blocked, at the trade's date) parties and military end users.

use crate::graph::{CaseGraph, Node, Ship, NO_DATE};
use crate::model::Day;
use crate::refdata;

use super::end_use::Military;
use super::ownership::Ownership;
use super::{is_ru_by, is_us_or_eu, Context, Ev, Factor, RiskFactor, Weights, MAX_EVIDENCE};

/// The CHPL tier of a shipment's goods, 4 for goods only on a user goods list, `None` when not controlled.
fn tier(g: &CaseGraph, w: &Weights, s: usize) -> Option<u8> {
    w.goods.tier(&crate::graph::hs_decode(g.hs(s)))
}

fn value(g: &CaseGraph, s: usize) -> f64 {
    let v = f64::from(g.value[s]);
    if v.is_nan() || v < 0.0 {
        0.0
    } else {
        v
    }
}

/// Share of a party's exports, by declared value (by count when no value is declared).
#[derive(Default)]
struct Share {
    value: f64,
    total_value: f64,
    count: u64,
    total_count: u64,
}

impl Share {
    fn add(&mut self, v: f64, hit: bool) {
        self.total_value += v;
        self.total_count += 1;
        if hit {
            self.value += v;
            self.count += 1;
        }
    }
    fn share(&self) -> Option<f64> {
        if self.total_value > 0.0 {
            Some(self.value / self.total_value)
        } else if self.total_count > 0 {
            Some(self.count as f64 / self.total_count as f64)
        } else {
            None
        }
    }
}

/// The trade-pattern factors of node `v`.
///
/// Complexity: O(d log d) for the d shipments of `v` (each export to RU/BY
/// binary-searches the imports of the same HS-6).
pub fn factors(ctx: &Context, w: &Weights, own: &Ownership, mil: &Military, v: Node, out: &mut Vec<Factor>) {
    let g = ctx.g;
    let t = &w.trade;
    let since = Day::parse_iso(&w.route.since).map_or(NO_DATE, |d| d.0);
    let inv = refdata::INVASION_DAY.0;
    let incoming = ctx.incoming.of(v);
    let mut chpl_memo: std::collections::HashMap<u64, Option<u8>> = std::collections::HashMap::new();
    let mut tier_of = |s: usize| *chpl_memo.entry(u64::from(g.key6[s])).or_insert_with(|| tier(g, w, s));
    let mut brand_memo: std::collections::HashMap<u32, Vec<String>> = std::collections::HashMap::new();
    let mut same_maker = |a: u32, b: u32| {
        if a == 0 || b == 0 || a == b {
            return true;
        }
        for x in [a, b] {
            brand_memo.entry(x).or_insert_with(|| crate::routes::rank::brand_tokens(&g.brands[x as usize]));
        }
        crate::routes::rank::brands_agree(&brand_memo[&a], &brand_memo[&b])
    };

    // Mirror trade and export shares, from the exports.
    let mut best_tier: Option<u8> = None;
    let mut pairs: Vec<(Ship, Ship)> = Vec::new();
    let mut mirrored_exports = 0u64;
    let (mut pre, mut post) = (Share::default(), Share::default());
    let mut post_ev: Vec<Ship> = Vec::new();
    for e in g.out_range(v) {
        let to_ru = is_ru_by(g.node_country[g.consignee[e] as usize]);
        let tr = tier_of(e);
        let hit = to_ru && tr.is_some();
        if g.date[e] >= inv {
            post.add(value(g, e), hit);
            if hit {
                post_ev.push(e as Ship);
            }
        } else {
            pre.add(value(g, e), hit);
        }
        let (true, Some(tr)) = (to_ru, tr) else { continue };
        // An export declaring another origin (Chinese-made chips) is not a re-export of US/EU goods.
        if g.date[e] < since || (g.origin[e] != 0 && !is_us_or_eu(g.origin[e])) {
            continue;
        }
        // Imports of the same HS-6 from the US/EU, dated within mirror_days before the export, of the same
        // manufacturer when both declarations name one (`brands_agree`, as the route ranking's BRAND_DIFFERS).
        let key = u64::from(g.key6[e]);
        let lo = incoming.partition_point(|&i| (u64::from(g.key6[i as usize]), g.date[i as usize]) < (key, g.date[e] - t.mirror_days));
        let mut found = None;
        for &i in &incoming[lo..] {
            let iu = i as usize;
            if u64::from(g.key6[iu]) != key || g.date[iu] > g.date[e] {
                break;
            }
            if (is_us_or_eu(g.origin[iu]) || is_us_or_eu(g.node_country[g.shipper[iu] as usize])) && same_maker(g.brand[iu], g.brand[e]) {
                found = Some(i);
            }
        }
        if let Some(i) = found {
            mirrored_exports += 1;
            if best_tier.is_none_or(|b| tr < b) {
                best_tier = Some(tr);
            }
            pairs.push((i, e as Ship));
        }
    }
    if let Some(tr) = best_tier {
        let ev: Vec<Ev> = pairs.iter().take(MAX_EVIDENCE / 2).flat_map(|&(i, e)| [Ev::Shipment(i), Ev::Shipment(e)]).collect();
        out.push(Factor {
            code: RiskFactor::MirrorTrade,
            weight: w.mirror_weight(tr),
            detail: format!(
                "{mirrored_exports} export(s) of {} goods (best tier {tr}) to RU/BY within {} days of importing the same HS-6 from the US/EU",
                w.goods.label(),
                t.mirror_days
            ),
            evidence: ev,
        });
    }
    if let Some(share) = post.share() {
        if share >= t.chpl_share_min && post.count > 0 {
            post_ev.sort_by(|&a, &b| g.value[b as usize].total_cmp(&g.value[a as usize]).then(a.cmp(&b)));
            let ev: Vec<Ev> = post_ev.iter().take(MAX_EVIDENCE).map(|&s| Ev::Shipment(s)).collect();
            out.push(Factor {
                code: RiskFactor::RuByChplExportShare,
                weight: (f64::from(t.chpl_share) * share).round() as u32,
                detail: format!(
                    "{:.0}% of its exports since {} ({} of {} shipments, {:.0} of {:.0} USD) are {} goods to RU/BY",
                    share * 100.0,
                    refdata::INVASION_DATE,
                    post.count,
                    post.total_count,
                    post.value,
                    post.total_value,
                    w.goods.label()
                ),
                evidence: ev.clone(),
            });
            if let Some(before) = pre.share() {
                if share - before >= t.jump_min {
                    out.push(Factor {
                        code: RiskFactor::RuByChplJump,
                        weight: t.chpl_jump,
                        detail: format!(
                            "{} exports to RU/BY rose from {:.0}% of its exports before {} to {:.0}% after",
                            w.goods.label(),
                            before * 100.0,
                            refdata::INVASION_DATE,
                            share * 100.0
                        ),
                        evidence: ev,
                    });
                }
            }
        }
    }

    // Incorporated shortly before its first trade in CHPL goods.
    let inc = g.node_incorporated[v as usize];
    if inc != NO_DATE {
        let first =
            g.out_range(v).chain(incoming.iter().map(|&i| i as usize)).filter(|&s| tier_of(s).is_some()).min_by_key(|&s| (g.date[s], s));
        if let Some(s) = first {
            let gap = g.date[s] - inc;
            if gap <= t.recent_days {
                out.push(Factor {
                    code: RiskFactor::RecentlyIncorporated,
                    weight: t.recently_incorporated,
                    detail: if gap >= 0 {
                        format!(
                            "incorporated {}, {gap} day(s) before its first trade in {} goods on {}",
                            Day(inc),
                            w.goods.label(),
                            Day(g.date[s])
                        )
                    } else {
                        format!(
                            "incorporated {}, {} day(s) after its first recorded trade in {} goods on {}",
                            Day(inc),
                            -gap,
                            w.goods.label(),
                            Day(g.date[s])
                        )
                    },
                    evidence: vec![Ev::Entity(g.node_entity[v as usize]), Ev::Shipment(s as Ship)],
                });
            }
        }
    }

    // Direct trade with listed/blocked parties (at the trade's date) and military end users (role or designation).
    let (mut listed, mut military): (Vec<Ship>, Vec<Ship>) = (Vec::new(), Vec::new());
    let (mut listed_parties, mut mil_parties) = (Vec::new(), Vec::new());
    for s in g.out_range(v).chain(incoming.iter().map(|&i| i as usize)) {
        let other = if g.shipper[s] == v { g.consignee[s] } else { g.shipper[s] };
        if other == v {
            continue;
        }
        if own.listed_or_blocked(ctx, other, g.date[s]) {
            listed.push(s as Ship);
            listed_parties.push(other);
        }
        if mil.is_military(g, other) {
            military.push(s as Ship);
            mil_parties.push(other);
        }
    }
    for (code, weight, ships, mut parties, what) in [
        (RiskFactor::TradesWithListed, t.trades_with_listed, listed, listed_parties, "with parties listed or blocked at the time"),
        (RiskFactor::TradesWithMilitaryEndUser, t.trades_with_military_end_user, military, mil_parties, "with military end users"),
    ] {
        if ships.is_empty() {
            continue;
        }
        parties.sort_unstable();
        parties.dedup();
        let names: Vec<&str> = parties.iter().take(5).map(|&p| ctx.node_name(p)).collect();
        let more = if parties.len() > 5 { format!(" and {} more", parties.len() - 5) } else { String::new() };
        let mut ev: Vec<Ev> = parties.iter().take(MAX_EVIDENCE / 2).map(|&p| Ev::Entity(g.node_entity[p as usize])).collect();
        ev.extend(ships.iter().take(MAX_EVIDENCE / 2).map(|&s| Ev::Shipment(s)));
        out.push(Factor { code, weight, detail: format!("{} shipment(s) {what}: {}{more}", ships.len(), names.join(", ")), evidence: ev });
    }
}
