//! The case's resolved entities held in memory: the labels every answer
//! shows (id, name, country, lists) and the search over names in any
//! script, bundle ids and identifiers (INN, VKN, LEI ...).
//!
//! Why in memory: search and every partner list label hundreds of nodes per
//! request; one SQL lookup per label would dominate the answer time, while
//! the labels of a 1M-shipment case (about 50,000 entities) fit in a few MB.

use std::collections::HashMap;

use serde::Serialize;

use crate::app::workspace::OpenCase;
use crate::error::Result;
use crate::graph::{country_str, CaseGraph, Node};
use crate::resolve::normalise::ascii_tokens;
// The one transliteration of the code base: the panel spells a name as the report does.
use crate::resolve::translit::latin_form;

/// What every answer shows of a resolved entity (a graph node).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Card {
    /// Bundle id of the cluster's representative (`SCOPE:ID` when the case has several scopes).
    pub id: String,
    pub name: String,
    /// A Latin form of the name when it is written in another script (else absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latin: Option<String>,
    pub country: Option<String>,
    pub kind: String,
    /// Screening lists any member is on.
    pub lists: Vec<String>,
}

/// One name or alias of a node, as tokens for matching.
struct NameEntry {
    node: Node,
    text: String,
    tokens: Vec<String>,
}

/// How a search hit matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    /// Name tokens start with the query's tokens.
    NamePrefix,
    /// Every query token is a whole token of the name.
    NameTokens,
    /// The whole name, normalised, is the query.
    Name,
    Identifier,
    Id,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub node: Node,
    pub how: Match,
    /// The name, alias, id or identifier that matched.
    pub matched: String,
}

pub struct Directory {
    pub cards: Vec<Card>,
    /// Member bundle ids, bare and `SCOPE:ID`, to nodes (a bare id may name several).
    ids: HashMap<String, Vec<Node>>,
    /// Normalised identifier values (and `scheme:value`) to nodes, with the text as written.
    idents: HashMap<String, Vec<(Node, String)>>,
    names: Vec<NameEntry>,
    /// Total declared value in and out per node: ranks equal matches (the bigger trader first).
    pub weight: Vec<f64>,
    /// True when the case has several batch scopes (ids are then shown as `SCOPE:ID`).
    pub multi_scope: bool,
}

/// Upper-case letters and digits only: `TR 1234-567` and `tr1234567` are one identifier.
fn ident_key(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect()
}

impl Directory {
    pub fn load(case: &OpenCase, g: &CaseGraph) -> Result<Directory> {
        let labels = case.entity_labels()?;
        let mut ent_node: HashMap<i64, Node> = HashMap::with_capacity(g.members.len());
        for v in 0..g.node_count() as Node {
            for &e in g.node_members(v) {
                ent_node.insert(e, v);
            }
        }
        let mut scopes: Vec<&str> = labels.iter().map(|e| e.scope.as_str()).collect();
        scopes.sort_unstable();
        scopes.dedup();
        let multi = scopes.len() > 1;
        let by_row: HashMap<i64, usize> = labels.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
        let cards = (0..g.node_count() as Node)
            .map(|v| {
                let rep = by_row.get(&g.node_entity[v as usize]).map(|&i| &labels[i]);
                let name = rep.map_or_else(String::new, |e| e.name.clone());
                Card {
                    id: rep.map_or_else(
                        || format!("#{}", g.node_entity[v as usize]),
                        |e| if multi { format!("{}:{}", e.scope, e.input_id) } else { e.input_id.clone() },
                    ),
                    latin: latin_form(&name),
                    name,
                    country: country_str(g.node_country[v as usize]),
                    kind: rep.map_or_else(String::new, |e| e.kind.clone()),
                    lists: g.node_lists(v).iter().map(|&l| g.list_names[l as usize].clone()).collect(),
                }
            })
            .collect();
        let mut ids: HashMap<String, Vec<Node>> = HashMap::new();
        let mut names = Vec::new();
        for e in &labels {
            let Some(&v) = ent_node.get(&e.id) else { continue };
            for key in [e.input_id.clone(), format!("{}:{}", e.scope, e.input_id)] {
                let slot = ids.entry(key).or_default();
                if !slot.contains(&v) {
                    slot.push(v);
                }
            }
            for text in std::iter::once(&e.name).chain(&e.aliases) {
                let tokens = ascii_tokens(text);
                if !tokens.is_empty() {
                    names.push(NameEntry { node: v, text: text.clone(), tokens });
                }
            }
        }
        let mut idents: HashMap<String, Vec<(Node, String)>> = HashMap::new();
        for (e, scheme, value) in case.identifiers()? {
            let Some(&v) = ent_node.get(&e) else { continue };
            let shown = format!("{scheme}:{value}");
            for key in [ident_key(&value), ident_key(&shown)] {
                if key.is_empty() {
                    continue;
                }
                let slot = idents.entry(key).or_default();
                if !slot.iter().any(|(n, _)| *n == v) {
                    slot.push((v, shown.clone()));
                }
            }
        }
        let mut weight = vec![0f64; g.node_count()];
        for s in 0..g.shipment_count() {
            let x = g.value[s];
            if !x.is_nan() {
                weight[g.shipper[s] as usize] += f64::from(x);
                weight[g.consignee[s] as usize] += f64::from(x);
            }
        }
        Ok(Directory { cards, ids, idents, names, weight, multi_scope: multi })
    }

    pub fn card(&self, v: Node) -> &Card {
        &self.cards[v as usize]
    }

    /// The nodes a bundle id (bare or `SCOPE:ID`) names.
    pub fn nodes_of_id(&self, id: &str) -> &[Node] {
        self.ids.get(id.trim()).map_or(&[], Vec::as_slice)
    }

    /// Ranked hits for `q` and how many matched in all. Ids and
    /// identifiers first, then names: every token of the query must start
    /// a token of the name (names are compared transliterated and without
    /// marks, so `bogazici` finds `Boğaziçi` and `vektor` finds `Вектор`).
    ///
    /// Complexity: O(N·t) for N names and aliases of t tokens.
    pub fn search(&self, q: &str, limit: usize) -> (Vec<Hit>, usize) {
        let q = q.trim();
        let mut best: HashMap<Node, Hit> = HashMap::new();
        let mut offer = |h: Hit| match best.get(&h.node) {
            Some(old) if old.how >= h.how => {}
            _ => {
                best.insert(h.node, h);
            }
        };
        for &v in self.nodes_of_id(q) {
            offer(Hit { node: v, how: Match::Id, matched: q.to_string() });
        }
        let key = ident_key(q);
        if key.len() >= 4 {
            for (v, shown) in self.idents.get(&key).into_iter().flatten() {
                offer(Hit { node: *v, how: Match::Identifier, matched: shown.clone() });
            }
        }
        let qt = ascii_tokens(q);
        if !qt.is_empty() {
            for n in &self.names {
                let how = if n.tokens == qt {
                    Match::Name
                } else if qt.iter().all(|t| n.tokens.contains(t)) {
                    Match::NameTokens
                } else if qt.iter().all(|t| n.tokens.iter().any(|x| x.starts_with(t.as_str()))) {
                    Match::NamePrefix
                } else {
                    continue;
                };
                offer(Hit { node: n.node, how, matched: n.text.clone() });
            }
        }
        let mut hits: Vec<Hit> = best.into_values().collect();
        hits.sort_by(|a, b| {
            b.how
                .cmp(&a.how)
                .then(self.weight[b.node as usize].total_cmp(&self.weight[a.node as usize]))
                .then_with(|| self.cards[a.node as usize].id.cmp(&self.cards[b.node as usize].id))
        });
        let total = hits.len();
        hits.truncate(limit);
        (hits, total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_ignore_spacing_and_case() {
        assert_eq!(ident_key("tr 1234-567"), "TR1234567");
        assert_eq!(ident_key("vkn:1234567890"), "VKN1234567890");
    }
}
