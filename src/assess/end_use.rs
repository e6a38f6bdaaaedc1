//! End use: where controlled goods end, and who is a military end user.
//!
//! The route factors elsewhere rate the parties that pass goods on; a
//! compliance officer asks as much about the party the goods reach. Since
//! 2022-02-24 a licence is needed for practically every item subject to the
//! EAR exported to Russia or Belarus (15 CFR 746.8), so a Russian or
//! Belarusian party at the end of a route of US-origin controlled goods is
//! a recipient of goods that should not have reached it (`RU_BY_RECIPIENT`).
//! When that party is a military end user — by its role in the data, by
//! membership of a military end-user list (BIS MEU list, 15 CFR 744 Supp. 7)
//! or by an Entity List entry carrying footnote 3 (Russian/Belarusian
//! military end users under the foreign direct product rule, 15 CFR
//! 734.9(g) and 744.21) — the receipt is `MILITARY_END_USER_RECIPIENT`.
//! Being designated is its own factor, `MILITARY_END_USER_DESIGNATED`.

use std::collections::HashMap;

use crate::graph::{CaseGraph, Node, Ship};
use crate::model::{Role, Roles};

use super::exposure::RouteExposure;
use super::{is_ru_by, Context, Ev, Factor, RiskFactor, Weights, MAX_EVIDENCE};

/// Whether shipment `s` carries controlled goods: on the CHPL or a loaded goods list (`w.goods`).
pub fn controlled(g: &CaseGraph, w: &Weights, s: usize) -> bool {
    w.goods.controlled(&crate::graph::hs_decode(g.hs(s)))
}

/// Whether a list row's program or source marks an Entity List entry with
/// footnote 3 (Russian/Belarusian military end user). The published Entity
/// List prints the footnote as a superscript; data sets write it out as
/// `footnote 3`, `fn 3`, or cite the rule it triggers (734.9(g)).
pub fn footnote_3(text: &str) -> bool {
    let t = text.to_lowercase();
    let followed_by_3 = |key: &str| {
        t.match_indices(key).any(|(i, m)| {
            let rest = t[i + m.len()..].trim_start_matches([' ', ':', '.', '#']);
            rest.starts_with('3') && !rest[1..].starts_with(|c: char| c.is_ascii_digit())
        })
    };
    followed_by_3("footnote")
        || followed_by_3("fn")
        || t.contains("734.9(g)")
        || t.contains("military end user")
        || t.contains("military end-user")
}

/// Military end users of the case: by role, by list, by Entity List footnote.
pub struct Military {
    role_mask: u8,
    /// Nodes designated by a list row, with the indexes of those rows in `Context::listings`.
    designated: HashMap<Node, Vec<usize>>,
}

impl Military {
    /// Complexity: O(L) for L listings.
    pub fn build(ctx: &Context, w: &Weights) -> Military {
        let mut r = Roles::default();
        r.insert(Role::MilitaryEndUser);
        let mut designated: HashMap<Node, Vec<usize>> = HashMap::new();
        for (i, l) in ctx.listings.iter().enumerate() {
            let fn3 = l.list == "entity_list" && [&l.program, &l.source].iter().any(|t| t.as_deref().is_some_and(footnote_3));
            if w.is_meu_list(&l.list) || fn3 {
                designated.entry(l.node).or_default().push(i);
            }
        }
        Military { role_mask: r.0, designated }
    }

    pub fn by_role(&self, g: &CaseGraph, v: Node) -> bool {
        g.node_roles[v as usize] & self.role_mask != 0
    }

    pub fn designated(&self, v: Node) -> bool {
        self.designated.contains_key(&v)
    }

    /// A military end user by role or designation.
    pub fn is_military(&self, g: &CaseGraph, v: Node) -> bool {
        self.by_role(g, v) || self.designated(v)
    }

    fn designation_detail(&self, ctx: &Context, w: &Weights, v: Node) -> Option<(String, Vec<Ev>)> {
        let rows = self.designated.get(&v)?;
        let mut parts = Vec::new();
        let mut ev = Vec::new();
        for &i in rows {
            let l = &ctx.listings[i];
            parts.push(if w.is_meu_list(&l.list) {
                format!("on the military end-user list `{}` (BIS MEU list, 15 CFR 744 Supp. 7)", l.list)
            } else {
                "on the Entity List with footnote 3 (Russian/Belarusian military end user, 15 CFR 744.21, 734.9(g))".to_string()
            });
            ev.push(Ev::Entity(l.entity));
            ev.push(Ev::Record(l.reference.clone()));
        }
        parts.sort();
        parts.dedup();
        Some((parts.join("; "), ev))
    }
}

/// The end-use factors of node `v`.
pub fn factors(ctx: &Context, w: &Weights, expo: &RouteExposure, mil: &Military, v: Node, out: &mut Vec<Factor>) {
    let g = ctx.g;
    let designation = mil.designation_detail(ctx, w, v);
    if let Some((detail, ev)) = &designation {
        out.push(Factor {
            code: RiskFactor::MilitaryEndUserDesignated,
            weight: w.end_use.meu_designated,
            detail: detail.clone(),
            evidence: ev.clone(),
        });
    }
    let Some(r) = expo.ends.get(&v) else { return };
    if r.routes == 0 || !is_ru_by(g.node_country[v as usize]) {
        return;
    }
    let value: f64 = r.received.iter().map(|&s| f64::from(g.value[s as usize])).filter(|x| x.is_finite() && *x > 0.0).sum();
    let mut ships: Vec<Ship> = r.received.clone();
    ships.sort_by(|&a, &b| g.value[b as usize].total_cmp(&g.value[a as usize]).then(a.cmp(&b)));
    let mut ev: Vec<Ev> = ships.iter().take(MAX_EVIDENCE / 2).map(|&s| Ev::Shipment(s)).collect();
    ev.extend(r.first.iter().take(MAX_EVIDENCE / 2).map(|&s| Ev::Shipment(s)));
    let receipt = format!(
        "receives US-origin controlled ({}) goods in {}: {} route(s) end here, {} shipment(s) worth {value:.0} USD received",
        if w.goods.has_user_lists() { w.goods.names().join(", ") } else { "CHPL".into() },
        crate::graph::country_str(g.node_country[v as usize]).unwrap_or_default(),
        r.routes,
        r.received.len()
    );
    if mil.is_military(g, v) {
        let why = match (&designation, mil.by_role(g, v)) {
            (Some((d, _)), true) => format!("role military_end_user; {d}"),
            (Some((d, _)), false) => d.clone(),
            (None, _) => "role military_end_user".to_string(),
        };
        out.push(Factor {
            code: RiskFactor::MilitaryEndUserRecipient,
            weight: w.end_use.military_recipient,
            detail: format!("military end user ({why}) {receipt}"),
            evidence: ev,
        });
    } else {
        out.push(Factor { code: RiskFactor::RuByRecipient, weight: w.end_use.ru_by_recipient, detail: receipt, evidence: ev });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footnote_3_is_read_from_program_or_source_text() {
        for t in ["Footnote 3", "EL fn3", "fn. 3", "87 FR 13141; footnote: 3", "See 734.9(g)", "Russian military end user"] {
            assert!(footnote_3(t), "{t}");
        }
        for t in ["footnote 1", "fn 30", "RUSSIA", "Federal Register 87 FR 38920", "footnote 4"] {
            assert!(!footnote_3(t), "{t}");
        }
    }
}
