//! Route scores with reasons, and brand matching.
//!
//! A score is the sum of integer points of its reasons, so it is exact and
//! reproducible. The point table (docs/routes.md, "Ranking") rewards what
//! investigators read as signs of one consignment moving on: the same
//! manufacturer declared at each hop, values and quantities that carry
//! over, short dwell, sensitive (CHPL) goods, intermediaries in FinCEN/BIS
//! transshipment countries, recently incorporated intermediaries, listed
//! parties, and few hops. Nothing here filters: a route with contradicting
//! evidence is kept and ranked lower, with the contradiction as a reason.

use crate::graph::{country_str, hs_decode, hs_key, CaseGraph, Node, Ship, NO_DATE};
use crate::model::{Day, FastMap};
use crate::refdata;

use super::route_nodes;

/// A name or brand as comparable tokens: the shared name normaliser of
/// [`crate::resolve::normalise`] (transliterated, ASCII-folded, lower-case,
/// legal forms set apart, spelling variants folded), so routes compare
/// manufacturers the way resolution compares companies.
///
/// This is the one place routes normalise names.
pub fn brand_tokens(s: &str) -> Vec<String> {
    crate::resolve::normalise::normalise_name(s).tokens
}

/// Tokens agree when equal, or when one abbreviates the other (a prefix of at least 3 letters: `INSTR` ~ `INSTRUMENTS`).
fn tok_eq(a: &str, b: &str) -> bool {
    a == b || (a.len().min(b.len()) >= 3 && (a.starts_with(b) || b.starts_with(a)))
}

/// Whether `needle` occurs as a contiguous run of agreeing tokens in `hay` (selectors: `brand:texas`).
pub fn tokens_contain(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty()
        && needle.len() <= hay.len()
        && (0..=hay.len() - needle.len()).any(|i| needle.iter().zip(&hay[i..]).all(|(n, h)| tok_eq(h, n)))
}

/// Whether two declared manufacturers name the same company: the shorter
/// token list agrees with the start of the longer (`TEXAS INSTR.` ~ `Texas Instruments Inc`).
pub fn brands_agree(a: &[String], b: &[String]) -> bool {
    let (s, l) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !s.is_empty() && s.iter().zip(l).all(|(x, y)| tok_eq(x, y))
}

/// What a reason points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    Shipment(Ship),
    Entity(Node),
}

/// The reasons a route's score is made of: the one place each code is
/// defined. Codes are a contract (JSON, CSV, table, the HTML report), so
/// [`RouteReason::code`] spells each as it always was. Each variant names its
/// points (the `P_*` constants below) and its row in docs/routes.md
/// ("Ranking"). tests/architecture.rs checks that every code string
/// appears once in `src/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RouteReason {
    /// `BRAND_AGREES`: consecutive hops declare agreeing manufacturers. [`P_BRAND_AGREES`]; docs/routes.md `BRAND_AGREES`.
    BrandAgrees,
    /// `BRAND_DIFFERS`: they declare different ones (a contradiction). [`P_BRAND_DIFFERS`]; docs/routes.md `BRAND_DIFFERS`.
    BrandDiffers,
    /// `VALUE_CONSISTENT`: the value carries over. [`P_VALUE_CONSISTENT`]; docs/routes.md `VALUE_CONSISTENT`.
    ValueConsistent,
    /// `VALUE_INCONSISTENT`: a tenth or ten times the value (a contradiction). [`P_VALUE_INCONSISTENT`]; docs/routes.md `VALUE_INCONSISTENT`.
    ValueInconsistent,
    /// `QUANTITY_CONSISTENT`: the quantity carries over or is split. [`P_QUANTITY_CONSISTENT`]; docs/routes.md `QUANTITY_CONSISTENT`.
    QuantityConsistent,
    /// `QUANTITY_EXCEEDS`: more left than arrived (a contradiction).
    /// [`P_QUANTITY_EXCEEDS`], [`P_QUANTITY_FAR_EXCEEDS`]; docs/routes.md `QUANTITY_EXCEEDS`.
    QuantityExceeds,
    /// `UNIT_PRICE_CONSISTENT`: a reseller's markup. [`P_UNIT_PRICE_CONSISTENT`]; docs/routes.md `UNIT_PRICE_CONSISTENT`.
    UnitPriceConsistent,
    /// `UNIT_PRICE_INCONSISTENT`: a third or three times the unit price (a contradiction).
    /// [`P_UNIT_PRICE_INCONSISTENT`]; docs/routes.md `UNIT_PRICE_INCONSISTENT`.
    UnitPriceInconsistent,
    /// `SHORT_DWELL`: the goods moved on quickly. [`P_DWELL_14`], [`P_DWELL_45`]; docs/routes.md `SHORT_DWELL`.
    ShortDwell,
    /// `CHPL_TIER`: the most sensitive CHPL tier among the goods. [`P_CHPL_TIER`]; docs/routes.md `CHPL_TIER`.
    ChplTier,
    /// `NOT_CHPL`: none of the goods is on the CHPL. [`P_NOT_CHPL`]; docs/routes.md `NOT_CHPL`.
    NotChpl,
    /// `AFTER_INVASION`: delivered on or after the invasion date. [`P_AFTER_INVASION`]; docs/routes.md `AFTER_INVASION`.
    AfterInvasion,
    /// `TRANSSHIPMENT_COUNTRY`: an intermediary in a FinCEN/BIS transshipment country.
    /// [`P_TRANSSHIPMENT_COUNTRY`]; docs/routes.md `TRANSSHIPMENT_COUNTRY`. Also the assessment
    /// factor `assess::RiskFactor::TransshipmentCountry`, which takes its spelling from here.
    TransshipmentCountry,
    /// `RECENTLY_INCORPORATED`: an intermediary incorporated shortly before it received the goods.
    /// [`P_RECENTLY_INCORPORATED`] within [`RECENT_DAYS`]; docs/routes.md `RECENTLY_INCORPORATED`.
    /// Also the assessment factor `assess::RiskFactor::RecentlyIncorporated`.
    RecentlyIncorporated,
    /// `LISTED_PARTY`: a node of the route is on a list. [`P_LISTED_PARTY`]; docs/routes.md `LISTED_PARTY`.
    ListedParty,
    /// `HOPS`: fewer hops rank higher. [`P_PER_EXTRA_HOP`] per hop beyond the first; docs/routes.md `HOPS`.
    Hops,
}

impl RouteReason {
    pub const ALL: [RouteReason; 16] = [
        RouteReason::BrandAgrees,
        RouteReason::BrandDiffers,
        RouteReason::ValueConsistent,
        RouteReason::ValueInconsistent,
        RouteReason::QuantityConsistent,
        RouteReason::QuantityExceeds,
        RouteReason::UnitPriceConsistent,
        RouteReason::UnitPriceInconsistent,
        RouteReason::ShortDwell,
        RouteReason::ChplTier,
        RouteReason::NotChpl,
        RouteReason::AfterInvasion,
        RouteReason::TransshipmentCountry,
        RouteReason::RecentlyIncorporated,
        RouteReason::ListedParty,
        RouteReason::Hops,
    ];

    /// The code as printed and serialised.
    pub const fn code(self) -> &'static str {
        match self {
            RouteReason::BrandAgrees => "BRAND_AGREES",
            RouteReason::BrandDiffers => "BRAND_DIFFERS",
            RouteReason::ValueConsistent => "VALUE_CONSISTENT",
            RouteReason::ValueInconsistent => "VALUE_INCONSISTENT",
            RouteReason::QuantityConsistent => "QUANTITY_CONSISTENT",
            RouteReason::QuantityExceeds => "QUANTITY_EXCEEDS",
            RouteReason::UnitPriceConsistent => "UNIT_PRICE_CONSISTENT",
            RouteReason::UnitPriceInconsistent => "UNIT_PRICE_INCONSISTENT",
            RouteReason::ShortDwell => "SHORT_DWELL",
            RouteReason::ChplTier => "CHPL_TIER",
            RouteReason::NotChpl => "NOT_CHPL",
            RouteReason::AfterInvasion => "AFTER_INVASION",
            RouteReason::TransshipmentCountry => "TRANSSHIPMENT_COUNTRY",
            RouteReason::RecentlyIncorporated => "RECENTLY_INCORPORATED",
            RouteReason::ListedParty => "LISTED_PARTY",
            RouteReason::Hops => "HOPS",
        }
    }

    /// Whether the reason says consecutive declarations contradict each
    /// other: not evidence that the same goods moved on (route exposure
    /// skips such routes, docs/assessment.md "Route exposure").
    pub const fn contradicts(self) -> bool {
        matches!(
            self,
            RouteReason::BrandDiffers | RouteReason::ValueInconsistent | RouteReason::QuantityExceeds | RouteReason::UnitPriceInconsistent
        )
    }
}

impl std::fmt::Display for RouteReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Serialised as its code string, as before the enum existed.
impl serde::Serialize for RouteReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// One contribution to a route's score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub code: RouteReason,
    pub points: i64,
    pub detail: String,
    pub evidence: Vec<Evidence>,
}

// The point table. Documented in docs/routes.md; change both together.
pub const P_BRAND_AGREES: i64 = 10;
pub const P_BRAND_DIFFERS: i64 = -10;
pub const P_VALUE_CONSISTENT: i64 = 4;
pub const P_VALUE_INCONSISTENT: i64 = -4;
pub const P_QUANTITY_CONSISTENT: i64 = 4;
pub const P_QUANTITY_EXCEEDS: i64 = -4;
pub const P_QUANTITY_FAR_EXCEEDS: i64 = -12;
pub const P_UNIT_PRICE_CONSISTENT: i64 = 4;
pub const P_UNIT_PRICE_INCONSISTENT: i64 = -8;
pub const P_NOT_CHPL: i64 = -8;
pub const P_AFTER_INVASION: i64 = 6;
pub const P_DWELL_14: i64 = 6;
pub const P_DWELL_45: i64 = 3;
pub const P_CHPL_TIER: [i64; 5] = [0, 15, 10, 6, 3];
pub const P_TRANSSHIPMENT_COUNTRY: i64 = 8;
pub const P_RECENTLY_INCORPORATED: i64 = 8;
pub const RECENT_DAYS: i32 = 730;
pub const P_LISTED_PARTY: i64 = 12;
pub const P_PER_EXTRA_HOP: i64 = -4;

/// Scores routes of one graph, memoising brand comparisons and CHPL look-ups.
pub struct Ranker<'g> {
    g: &'g CaseGraph,
    /// Tokens of each brand, normalised on first use: a route cites few of
    /// a large case's brands, and normalising them all cost more than the search.
    brand_toks: Vec<Option<Vec<String>>>,
    agree: FastMap<(u32, u32), bool>,
    chpl: FastMap<u64, Option<&'static refdata::ChplItem>>,
}

impl<'g> Ranker<'g> {
    pub fn new(g: &'g CaseGraph) -> Self {
        Ranker { g, brand_toks: vec![None; g.brands.len()], agree: FastMap::default(), chpl: FastMap::default() }
    }

    fn brands_agree(&mut self, a: u32, b: u32) -> bool {
        let key = (a.min(b), a.max(b));
        if let Some(&v) = self.agree.get(&key) {
            return v;
        }
        let g = self.g;
        for x in [a, b] {
            self.brand_toks[x as usize].get_or_insert_with(|| brand_tokens(&g.brands[x as usize]));
        }
        let toks = |x: u32| self.brand_toks[x as usize].as_deref().unwrap_or(&[]);
        let v = brands_agree(toks(a), toks(b));
        self.agree.insert(key, v);
        v
    }

    fn chpl(&mut self, code: u64) -> Option<&'static refdata::ChplItem> {
        *self.chpl.entry(hs_key(code, 6)).or_insert_with(|| refdata::chpl_item(&hs_decode(code)))
    }

    /// The score of `route` (shipments in hop order); when `reasons` is
    /// given, fills it with the reasons whose points sum to the score.
    ///
    /// Complexity: O(k) for k hops, plus one memoised brand comparison per hop pair.
    pub fn score(&mut self, route: &[Ship], mut reasons: Option<&mut Vec<Reason>>) -> i64 {
        let g = self.g;
        let mut total = 0i64;
        let mut add = |code: RouteReason, points: i64, detail: &dyn Fn() -> String, ev: &[Evidence]| {
            total += points;
            if let Some(r) = reasons.as_deref_mut() {
                r.push(Reason { code, points, detail: detail(), evidence: ev.to_vec() });
            }
        };
        for w in route.windows(2) {
            let (a, b) = (w[0] as usize, w[1] as usize);
            let ev = [Evidence::Shipment(w[0]), Evidence::Shipment(w[1])];
            let (ba, bb) = (g.brand[a], g.brand[b]);
            if ba != 0 && bb != 0 {
                let (na, nb) = (&g.brands[ba as usize], &g.brands[bb as usize]);
                if self.brands_agree(ba, bb) {
                    add(RouteReason::BrandAgrees, P_BRAND_AGREES, &|| format!("manufacturer '{na}' ~ '{nb}'"), &ev);
                } else {
                    add(RouteReason::BrandDiffers, P_BRAND_DIFFERS, &|| format!("manufacturer '{na}' then '{nb}'"), &ev);
                }
            }
            let (va, vb) = (g.value[a], g.value[b]);
            if va > 0.0 && vb >= 0.0 {
                let r = vb / va;
                if (0.5..=3.0).contains(&r) {
                    add(RouteReason::ValueConsistent, P_VALUE_CONSISTENT, &|| format!("value {va:.0} then {vb:.0} USD (x{r:.2})"), &ev);
                } else if !(0.1..=10.0).contains(&r) {
                    add(RouteReason::ValueInconsistent, P_VALUE_INCONSISTENT, &|| format!("value {va:.0} then {vb:.0} USD (x{r:.2})"), &ev);
                }
            }
            let (qa, qb) = (g.quantity[a], g.quantity[b]);
            if qa > 0.0 && qb >= 0.0 {
                let r = qb / qa;
                if (0.1..=1.05).contains(&r) {
                    add(RouteReason::QuantityConsistent, P_QUANTITY_CONSISTENT, &|| format!("quantity {qa} then {qb}"), &ev);
                } else if r > 3.0 {
                    add(
                        RouteReason::QuantityExceeds,
                        P_QUANTITY_FAR_EXCEEDS,
                        &|| format!("quantity {qa} then {qb}: far more left than arrived"),
                        &ev,
                    );
                } else if r > 1.5 {
                    add(
                        RouteReason::QuantityExceeds,
                        P_QUANTITY_EXCEEDS,
                        &|| format!("quantity {qa} then {qb}: more left than arrived"),
                        &ev,
                    );
                }
            }
            // Price per unit: a reseller marks up, it does not sell the same goods at a fraction of the price.
            if va > 0.0 && vb > 0.0 && qa > 0.0 && qb > 0.0 {
                let (ua, ub) = (va / qa, vb / qb);
                let r = ub / ua;
                if (0.8..=2.0).contains(&r) {
                    add(
                        RouteReason::UnitPriceConsistent,
                        P_UNIT_PRICE_CONSISTENT,
                        &|| format!("unit price {ua:.2} then {ub:.2} USD (x{r:.2})"),
                        &ev,
                    );
                } else if !(1.0 / 3.0..=3.0).contains(&r) {
                    add(
                        RouteReason::UnitPriceInconsistent,
                        P_UNIT_PRICE_INCONSISTENT,
                        &|| format!("unit price {ua:.2} then {ub:.2} USD (x{r:.2})"),
                        &ev,
                    );
                }
            }
            let dwell = g.date[b] - g.date[a];
            if dwell <= 14 {
                add(RouteReason::ShortDwell, P_DWELL_14, &|| format!("moved on after {dwell} days (<= 14)"), &ev);
            } else if dwell <= 45 {
                add(RouteReason::ShortDwell, P_DWELL_45, &|| format!("moved on after {dwell} days (<= 45)"), &ev);
            }
        }
        // The most sensitive CHPL tier among the route's goods.
        let mut best: Option<(&'static refdata::ChplItem, Ship)> = None;
        for &s in route {
            if let Some(item) = self.chpl(g.hs(s as usize)) {
                if best.is_none_or(|(b, _)| item.tier_number() < b.tier_number()) {
                    best = Some((item, s));
                }
            }
        }
        if let Some((item, s)) = best {
            let t = item.tier_number().min(4) as usize;
            add(
                RouteReason::ChplTier,
                P_CHPL_TIER[t],
                &|| format!("HS {} is on the CHPL, tier {}", item.hs6, item.tier),
                &[Evidence::Shipment(s)],
            );
        } else if let Some(&s) = route.first() {
            add(
                RouteReason::NotChpl,
                P_NOT_CHPL,
                &|| format!("HS {} is not on the CHPL", hs_decode(g.hs(s as usize))),
                &[Evidence::Shipment(s)],
            );
        }
        if let Some(&last) = route.last() {
            let d = g.date[last as usize];
            if d >= refdata::INVASION_DAY.0 {
                add(
                    RouteReason::AfterInvasion,
                    P_AFTER_INVASION,
                    &|| format!("delivered on {}, after {}", Day(d), refdata::INVASION_DATE),
                    &[Evidence::Shipment(last)],
                );
            }
        }
        let nodes = route_nodes(g, route);
        for (i, &v) in nodes.iter().enumerate() {
            let inner = i > 0 && i + 1 < nodes.len();
            let vi = v as usize;
            if inner {
                if let Some(c) = country_str(g.node_country[vi]).filter(|c| refdata::transshipment_source(c).is_some()) {
                    add(
                        RouteReason::TransshipmentCountry,
                        P_TRANSSHIPMENT_COUNTRY,
                        &|| format!("intermediary in {c}, a FinCEN/BIS transshipment point"),
                        &[Evidence::Entity(v)],
                    );
                }
                let inc = g.node_incorporated[vi];
                let arrived = g.date[route[i - 1] as usize];
                if inc != NO_DATE && arrived - inc <= RECENT_DAYS {
                    add(
                        RouteReason::RecentlyIncorporated,
                        P_RECENTLY_INCORPORATED,
                        &|| format!("incorporated {}; received the goods {} days later, on {}", Day(inc), arrived - inc, Day(arrived)),
                        &[Evidence::Entity(v)],
                    );
                }
            }
            let lists = g.node_lists(v);
            if !lists.is_empty() {
                add(
                    RouteReason::ListedParty,
                    P_LISTED_PARTY,
                    &|| {
                        let names: Vec<&str> = lists.iter().map(|&l| g.list_names[l as usize].as_str()).collect();
                        format!("on {}", names.join(", "))
                    },
                    &[Evidence::Entity(v)],
                );
            }
        }
        if route.len() > 1 {
            let k = route.len();
            add(RouteReason::Hops, P_PER_EXTRA_HOP * (k as i64 - 1), &|| format!("{k} hops"), &[]);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_a_row_in_the_point_table() {
        let doc = include_str!("../../docs/routes.md");
        let mut codes: Vec<&str> = RouteReason::ALL.iter().map(|r| r.code()).collect();
        for c in &codes {
            assert!(doc.contains(&format!("| `{c}` |")), "{c} has no row in docs/routes.md");
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RouteReason::ALL.len());
        assert_eq!(serde_json::to_string(&RouteReason::ChplTier).unwrap(), "\"CHPL_TIER\"");
        let contradictions: Vec<RouteReason> = RouteReason::ALL.into_iter().filter(|r| r.contradicts()).collect();
        assert_eq!(
            contradictions,
            [RouteReason::BrandDiffers, RouteReason::ValueInconsistent, RouteReason::QuantityExceeds, RouteReason::UnitPriceInconsistent]
        );
    }

    #[test]
    fn brand_normalisation_matches_abbreviations_and_legal_forms() {
        let a = brand_tokens("TEXAS INSTR.");
        let b = brand_tokens("Texas Instruments Inc");
        assert_eq!(b.len(), 2, "legal form set apart: {b:?}");
        assert!(brands_agree(&a, &b));
        assert!(brands_agree(&brand_tokens("Analog Devices, Inc."), &brand_tokens("ANALOG DEVICES")));
        assert!(!brands_agree(&brand_tokens("Analog Devices"), &brand_tokens("Texas Instruments")));
        assert!(!brands_agree(&brand_tokens("Inc."), &brand_tokens("Texas Instruments")));
        assert_eq!(brand_tokens("ООО Ромашка"), brand_tokens("Romashka LLC"));
        assert_eq!(brand_tokens("Müller GmbH"), brand_tokens("MULLER"));
        assert!(tokens_contain(&b, &brand_tokens("instruments")));
        assert!(tokens_contain(&b, &brand_tokens("texas")));
        assert!(!tokens_contain(&b, &brand_tokens("tx")));
        assert!(!tokens_contain(&b, &brand_tokens("instruments texas")));
    }
}
