//! Links to listed parties: an address, a director or an identifier shared
//! with a party that is listed (any list) or blocked under the OFAC rule
//! in the latest records. Shell and front companies reuse the premises,
//! officers and registration numbers of the parties they front for
//! (FinCEN/BIS joint alerts: "shared addresses, officers or directors").
//! Members of one resolved cluster are one company, so links inside a
//! cluster are not red flags.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::Node;
use crate::model::RelationKind;

use super::ownership::Ownership;
use super::{Context, Ev, Factor, RiskFactor, Weights, MAX_EVIDENCE};

/// An address as comparable text: ASCII-folded, lower-case, alphanumeric words.
pub fn address_key(a: &str) -> String {
    let folded = deunicode::deunicode(a).to_lowercase();
    folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Shortest address key that counts: a bare city name is not a shared address.
const MIN_ADDRESS_KEY: usize = 12;

/// Shared-link lookups, built once.
pub struct LinkIndex {
    /// Nodes listed or blocked in the latest records.
    flagged: BTreeSet<Node>,
    /// Address key -> (node, entity).
    by_address: BTreeMap<String, Vec<(Node, i64)>>,
    /// (scheme, value) -> (node, entity).
    by_ident: BTreeMap<(String, String), Vec<(Node, i64)>>,
    /// Person/company directing a node: director -> [(node directed, relation index)].
    directs: BTreeMap<Node, Vec<(Node, usize)>>,
}

impl LinkIndex {
    /// Complexity: O(A log A + I log I + R) for addresses, identifiers and relations.
    pub fn build(ctx: &Context, own: &Ownership) -> LinkIndex {
        let latest = own.latest();
        let mut flagged: BTreeSet<Node> = ctx.listings.iter().map(|l| l.node).collect();
        flagged.extend(own.ofac[latest].by_rule.keys().copied());
        let mut by_address: BTreeMap<String, Vec<(Node, i64)>> = BTreeMap::new();
        for (v, e, a) in &ctx.addresses {
            let k = address_key(a);
            if k.len() >= MIN_ADDRESS_KEY {
                by_address.entry(k).or_default().push((*v, *e));
            }
        }
        let mut by_ident: BTreeMap<(String, String), Vec<(Node, i64)>> = BTreeMap::new();
        for (v, e, scheme, value) in &ctx.identifiers {
            let val: String = value.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect();
            if !val.is_empty() {
                by_ident.entry((scheme.to_lowercase(), val)).or_default().push((*v, *e));
            }
        }
        let mut directs: BTreeMap<Node, Vec<(Node, usize)>> = BTreeMap::new();
        for (i, r) in ctx.relations.iter().enumerate() {
            if r.kind == RelationKind::Director && r.from != r.to {
                directs.entry(r.from).or_default().push((r.to, i));
            }
        }
        LinkIndex { flagged, by_address, by_ident, directs }
    }

    /// The shared-link factors of node `v`.
    pub fn factors(&self, ctx: &Context, w: &Weights, v: Node, out: &mut Vec<Factor>) {
        let mut addr_parts = BTreeSet::new();
        let mut addr_ev = Vec::new();
        for (_, e, a) in ctx.addresses_of(v) {
            let k = address_key(a);
            if let Some(list) = self.by_address.get(&k) {
                for &(o, oe) in list {
                    if o != v && self.flagged.contains(&o) {
                        addr_parts.insert(format!("{} shares '{}' with {}", ctx.name(*e), a.trim(), ctx.name(oe)));
                        addr_ev.extend([Ev::Entity(*e), Ev::Entity(oe)]);
                    }
                }
            }
        }
        for r in ctx.relations_of(v).map(|i| &ctx.relations[i]).filter(|r| r.kind == RelationKind::SharedAddress) {
            let other = if r.from == v {
                r.to
            } else if r.to == v {
                r.from
            } else {
                continue;
            };
            let oe = if r.from == v { r.to_entity } else { r.from_entity };
            if other != v && self.flagged.contains(&other) {
                addr_parts.insert(format!("recorded shared address with {}", ctx.name(oe)));
                addr_ev.extend([Ev::Entity(oe), Ev::Record(r.reference.clone())]);
            }
        }
        push(
            out,
            RiskFactor::SharedAddressWithListed,
            w.links.shared_address,
            "shares an address with a listed party",
            addr_parts,
            addr_ev,
        );

        let mut id_parts = BTreeSet::new();
        let mut id_ev = Vec::new();
        for (_, e, scheme, value) in ctx.identifiers_of(v) {
            let val: String = value.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect();
            if let Some(list) = self.by_ident.get(&(scheme.to_lowercase(), val)) {
                for &(o, oe) in list {
                    if o != v && self.flagged.contains(&o) {
                        id_parts.insert(format!("{scheme}:{value} also identifies {}", ctx.name(oe)));
                        id_ev.extend([Ev::Entity(*e), Ev::Entity(oe)]);
                    }
                }
            }
        }
        push(
            out,
            RiskFactor::SharedIdentifierWithListed,
            w.links.shared_identifier,
            "shares an identifier with a listed party",
            id_parts,
            id_ev,
        );

        let mut dir_parts = BTreeSet::new();
        let mut dir_ev = Vec::new();
        let my_directors =
            ctx.rel_to.get(&v).map_or(&[][..], Vec::as_slice).iter().filter(|&&i| ctx.relations[i].kind == RelationKind::Director);
        for &mine in my_directors {
            let Some(list) = self.directs.get(&ctx.relations[mine].from) else { continue };
            for &(o, ri) in list {
                if o != v && self.flagged.contains(&o) {
                    let (a, b) = (&ctx.relations[mine], &ctx.relations[ri]);
                    dir_parts.insert(format!("{} also directs {}", ctx.name(a.from_entity), ctx.name(b.to_entity)));
                    dir_ev.extend([
                        Ev::Entity(a.from_entity),
                        Ev::Record(a.reference.clone()),
                        Ev::Entity(b.to_entity),
                        Ev::Record(b.reference.clone()),
                    ]);
                }
            }
        }
        push(
            out,
            RiskFactor::SharedDirectorWithListed,
            w.links.shared_director,
            "shares a director with a listed party",
            dir_parts,
            dir_ev,
        );
    }
}

fn push(out: &mut Vec<Factor>, code: RiskFactor, weight: u32, what: &str, parts: BTreeSet<String>, mut ev: Vec<Ev>) {
    if parts.is_empty() {
        return;
    }
    ev.truncate(2 * MAX_EVIDENCE);
    let n = parts.len();
    let shown: Vec<String> = parts.into_iter().take(5).collect();
    let more = if n > 5 { format!(" (and {} more)", n - 5) } else { String::new() };
    out.push(Factor { code, weight, detail: format!("{what}: {}{more}", shown.join("; ")), evidence: ev });
}
