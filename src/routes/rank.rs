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

use std::collections::HashMap;

use crate::graph::{country_str, hs_decode, hs_key, CaseGraph, Node, Ship, NO_DATE};
use crate::model::Day;
use crate::refdata;

use super::route_nodes;

/// Legal-form words dropped from either end of a name before matching.
const LEGAL_FORMS: &[&str] = &[
    "INC", "INCORPORATED", "CORP", "CORPORATION", "CO", "COMPANY", "LTD", "LIMITED", "LLC", "LLP", "GMBH", "AG", "KG",
    "SA", "SAS", "SARL", "SRL", "SPA", "BV", "NV", "PLC", "AB", "OY", "AS", "PTE", "PTY", "OOO", "AO", "ZAO", "OAO",
    "PAO", "JSC", "PJSC", "TOO", "TOV", "FZE", "FZCO", "FZ", "DMCC", "STI", "TIC", "SAN", "LTDA", "KFT", "SPZOO",
];

/// A name or brand as comparable tokens: ASCII-folded (deunicode),
/// upper-case, split on anything but letters and digits, legal forms
/// stripped from both ends.
///
/// This is the one place routes normalise names; swap its body for the
/// shared resolver normaliser when that exists.
pub fn brand_tokens(s: &str) -> Vec<String> {
    let folded = deunicode::deunicode(s).to_uppercase();
    let mut t: Vec<String> =
        folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect();
    while t.last().is_some_and(|w| LEGAL_FORMS.contains(&w.as_str())) {
        t.pop();
    }
    let lead = t.iter().take_while(|w| LEGAL_FORMS.contains(&w.as_str())).count();
    t.drain(..lead);
    t
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

/// One contribution to a route's score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// Stable machine code, e.g. `BRAND_AGREES`.
    pub code: &'static str,
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
    brand_toks: Vec<Vec<String>>,
    agree: HashMap<(u32, u32), bool>,
    chpl: HashMap<u64, Option<&'static refdata::ChplItem>>,
}

impl<'g> Ranker<'g> {
    pub fn new(g: &'g CaseGraph) -> Self {
        Ranker { g, brand_toks: g.brands.iter().map(|b| brand_tokens(b)).collect(), agree: HashMap::new(), chpl: HashMap::new() }
    }

    fn brands_agree(&mut self, a: u32, b: u32) -> bool {
        let key = (a.min(b), a.max(b));
        if let Some(&v) = self.agree.get(&key) {
            return v;
        }
        let v = brands_agree(&self.brand_toks[a as usize], &self.brand_toks[b as usize]);
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
        let mut add = |code: &'static str, points: i64, detail: &dyn Fn() -> String, ev: &[Evidence]| {
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
                    add("BRAND_AGREES", P_BRAND_AGREES, &|| format!("manufacturer '{na}' ~ '{nb}'"), &ev);
                } else {
                    add("BRAND_DIFFERS", P_BRAND_DIFFERS, &|| format!("manufacturer '{na}' then '{nb}'"), &ev);
                }
            }
            let (va, vb) = (g.value[a], g.value[b]);
            if va > 0.0 && vb >= 0.0 {
                let r = vb / va;
                if (0.5..=3.0).contains(&r) {
                    add("VALUE_CONSISTENT", P_VALUE_CONSISTENT, &|| format!("value {va:.0} then {vb:.0} USD (x{r:.2})"), &ev);
                } else if !(0.1..=10.0).contains(&r) {
                    add("VALUE_INCONSISTENT", P_VALUE_INCONSISTENT, &|| format!("value {va:.0} then {vb:.0} USD (x{r:.2})"), &ev);
                }
            }
            let (qa, qb) = (g.quantity[a], g.quantity[b]);
            if qa > 0.0 && qb >= 0.0 {
                let r = qb / qa;
                if (0.1..=1.05).contains(&r) {
                    add("QUANTITY_CONSISTENT", P_QUANTITY_CONSISTENT, &|| format!("quantity {qa} then {qb}"), &ev);
                } else if r > 1.5 {
                    add("QUANTITY_EXCEEDS", P_QUANTITY_EXCEEDS, &|| format!("quantity {qa} then {qb}: more left than arrived"), &ev);
                }
            }
            let dwell = g.date[b] - g.date[a];
            if dwell <= 14 {
                add("SHORT_DWELL", P_DWELL_14, &|| format!("moved on after {dwell} days (<= 14)"), &ev);
            } else if dwell <= 45 {
                add("SHORT_DWELL", P_DWELL_45, &|| format!("moved on after {dwell} days (<= 45)"), &ev);
            }
        }
        // The most sensitive CHPL tier among the route's goods.
        let mut best: Option<(&'static refdata::ChplItem, Ship)> = None;
        for &s in route {
            if let Some(item) = self.chpl(g.hs[s as usize]) {
                if best.is_none_or(|(b, _)| item.tier_number() < b.tier_number()) {
                    best = Some((item, s));
                }
            }
        }
        if let Some((item, s)) = best {
            let t = item.tier_number().min(4) as usize;
            add("CHPL_TIER", P_CHPL_TIER[t], &|| format!("HS {} is CHPL tier {} ({})", item.hs6, item.tier, item.description), &[Evidence::Shipment(s)]);
        }
        let nodes = route_nodes(g, route);
        for (i, &v) in nodes.iter().enumerate() {
            let inner = i > 0 && i + 1 < nodes.len();
            let vi = v as usize;
            if inner {
                if let Some(src) = country_str(g.node_country[vi]).and_then(|c| refdata::transshipment_source(&c).map(|s| (c, s))) {
                    add("TRANSSHIPMENT_COUNTRY", P_TRANSSHIPMENT_COUNTRY, &|| format!("intermediary in {} ({})", src.0, src.1), &[Evidence::Entity(v)]);
                }
                let inc = g.node_incorporated[vi];
                let arrived = g.date[route[i - 1] as usize];
                if inc != NO_DATE && arrived - inc <= RECENT_DAYS {
                    add(
                        "RECENTLY_INCORPORATED",
                        P_RECENTLY_INCORPORATED,
                        &|| format!("incorporated {}; received the goods {} days later, on {}", Day(inc), arrived - inc, Day(arrived)),
                        &[Evidence::Entity(v)],
                    );
                }
            }
            let lists = g.node_lists(v);
            if !lists.is_empty() {
                add(
                    "LISTED_PARTY",
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
            add("HOPS", P_PER_EXTRA_HOP * (k as i64 - 1), &|| format!("{k} hops"), &[]);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brand_normalisation_matches_abbreviations_and_legal_forms() {
        let a = brand_tokens("TEXAS INSTR.");
        let b = brand_tokens("Texas Instruments Inc");
        assert_eq!(b, vec!["TEXAS", "INSTRUMENTS"]);
        assert!(brands_agree(&a, &b));
        assert!(brands_agree(&brand_tokens("Analog Devices, Inc."), &brand_tokens("ANALOG DEVICES")));
        assert!(!brands_agree(&brand_tokens("Analog Devices"), &brand_tokens("Texas Instruments")));
        assert!(!brands_agree(&brand_tokens("Inc."), &brand_tokens("Texas Instruments")));
        assert_eq!(brand_tokens("ООО Ромашка"), vec!["ROMASHKA"]);
        assert_eq!(brand_tokens("Müller GmbH"), vec!["MULLER"]);
        assert!(tokens_contain(&b, &brand_tokens("instruments")));
        assert!(tokens_contain(&b, &brand_tokens("texas")));
        assert!(!tokens_contain(&b, &brand_tokens("tx")));
        assert!(!tokens_contain(&b, &brand_tokens("instruments texas")));
    }
}
