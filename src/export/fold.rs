//! Keeping diagrams within what Graphviz can lay out: background parties
//! beyond a node budget are folded into one "N other parties" node per
//! country, their arrows merged.
//!
//! `dot` took 20 s on 200 nodes / 400 labelled edges and did not finish
//! 1,000 / 2,000 in two minutes (see docs/export.md), hence a budget.

use std::collections::{BTreeMap, BTreeSet};

use super::diagram::{Diagram, Edge, Node, Part};

/// Folds all but `max_nodes` nodes. Nodes in `keep` (route parties, the
/// centre of a neighbourhood) are never folded; of the others, listed parties
/// are kept first, then by the value of the trade they touch (ties by key).
pub fn fold(d: Diagram, max_nodes: usize, keep: &BTreeSet<usize>) -> Diagram {
    if d.nodes.len() <= max_nodes {
        return d;
    }
    let mut weight = vec![0.0f64; d.nodes.len()];
    for e in &d.edges {
        weight[e.from] += e.value_usd;
        weight[e.to] += e.value_usd;
    }
    let mut others: Vec<usize> = (0..d.nodes.len()).filter(|i| !keep.contains(i)).collect();
    // Listed parties are evidence in themselves: they go last into the fold.
    let listed = |i: usize| !d.nodes[i].lists.is_empty();
    others.sort_by(|&a, &b| {
        listed(b).cmp(&listed(a)).then_with(|| weight[b].total_cmp(&weight[a])).then_with(|| d.nodes[a].key.cmp(&d.nodes[b].key))
    });
    // Keep as many of the others as fit together with one folded node per
    // country of the rest; when even that is too many, fold the rest into one.
    let room = max_nodes.saturating_sub(keep.len());
    let countries = |rest: &[usize]| rest.iter().map(|&i| &d.nodes[i].country).collect::<BTreeSet<_>>().len();
    let (kept, per_country) = (0..=others.len().min(room))
        .rev()
        .find(|&k| k + countries(&others[k..]) <= room)
        .map(|k| (k, true))
        .unwrap_or((room.saturating_sub(1), false));
    let mut groups: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for &i in &others[kept.min(others.len())..] {
        groups.entry(if per_country { d.nodes[i].country.clone() } else { None }).or_default().push(i);
    }
    // A "group" of one costs a node either way: show the party itself.
    groups.retain(|_, members| members.len() > 1);
    let folded: Vec<usize> = groups.values().flatten().copied().collect();
    if folded.is_empty() {
        return d;
    }
    let folded_set: BTreeSet<usize> = folded.iter().copied().collect();
    let mut nodes: Vec<Node> = Vec::new();
    let mut map = vec![usize::MAX; d.nodes.len()];
    for (i, n) in d.nodes.iter().enumerate() {
        if !folded_set.contains(&i) {
            map[i] = nodes.len();
            nodes.push(n.clone());
        }
    }
    for (country, members) in &groups {
        let idx = nodes.len();
        for &m in members {
            map[m] = idx;
        }
        let listed = members.iter().filter(|&&m| !d.nodes[m].lists.is_empty()).count();
        let mut details = vec![format!("folded: {} background parties", members.len())];
        if listed > 0 {
            details.push(format!("{listed} of them listed"));
        }
        nodes.push(Node {
            key: format!("~folded-{}", country.as_deref().unwrap_or("none")),
            name: format!("{} other parties", members.len()),
            details,
            country: country.clone(),
            part: Part::Folded,
            lists: Vec::new(),
            band: None,
            latin: None,
            link: None,
        });
    }
    let mut merged: BTreeMap<(usize, usize, String), Edge> = BTreeMap::new();
    for e in d.edges {
        let (a, b) = (map[e.from], map[e.to]);
        if a == b {
            continue;
        }
        merged
            .entry((a, b, e.hs.clone()))
            .and_modify(|m| {
                m.shipments += e.shipments;
                m.mirrored += e.mirrored;
                m.value_usd += e.value_usd;
                if e.first_date < m.first_date {
                    m.first_date = e.first_date.clone();
                }
                if e.last_date > m.last_date {
                    m.last_date = e.last_date.clone();
                }
                m.declarations.extend(e.declarations.iter().cloned());
                m.declarations.sort();
                m.declarations.dedup();
                m.emphasis |= e.emphasis;
            })
            .or_insert(Edge { from: a, to: b, ..e });
    }
    let mut notes = d.notes;
    notes.push(format!("{} background parties folded into {} nodes (--max-nodes {max_nodes})", folded.len(), groups.len()));
    Diagram { title: d.title, subtitle: d.subtitle, nodes, edges: merged.into_values().collect(), notes }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(k: &str, c: &str) -> Node {
        Node {
            key: k.into(),
            name: k.into(),
            details: vec![],
            country: Some(c.into()),
            part: Part::Intermediary,
            lists: vec![],
            band: None,
            latin: None,
            link: None,
        }
    }

    fn edge(from: usize, to: usize, v: f64) -> Edge {
        Edge {
            from,
            to,
            hs: "854231".into(),
            chpl_tier: None,
            first_date: "2022-01-01".into(),
            last_date: "2022-01-01".into(),
            shipments: 1,
            mirrored: 0,
            value_usd: v,
            declarations: vec![format!("D{from}-{to}")],
            emphasis: false,
            link: None,
        }
    }

    #[test]
    fn folds_small_background_parties_per_country_and_keeps_totals() {
        let mut nodes = vec![node("hub", "DE")];
        let mut edges = Vec::new();
        for i in 0..30 {
            nodes.push(node(&format!("c{i:02}"), if i % 2 == 0 { "TR" } else { "AE" }));
            edges.push(edge(0, i + 1, (i + 1) as f64));
        }
        let d = Diagram { nodes, edges, ..Diagram::default() };
        let total: f64 = d.edges.iter().map(|e| e.value_usd).sum();
        let f = fold(d, 12, &BTreeSet::from([0]));
        assert!(f.nodes.len() <= 12, "{}", f.nodes.len());
        assert_eq!(f.nodes.iter().filter(|n| n.part == Part::Folded).count(), 2);
        assert_eq!(f.edges.iter().map(|e| e.value_usd).sum::<f64>(), total);
        assert_eq!(f.edges.iter().map(|e| e.shipments).sum::<usize>(), 30);
        // The biggest customers stay visible.
        assert!(f.nodes.iter().any(|n| n.key == "c29"));
    }
}
