//! From evidence records to a [`Diagram`]: one node per (resolved) entity,
//! one edge per shipper → consignee → goods, with the shipments behind it
//! folded into counts, date ranges, totals and declaration ids.

use std::collections::{BTreeMap, BTreeSet};

use super::diagram::{Band, Diagram, Edge, Node, Part};
use crate::refdata;
use crate::store::evidence::{EntityRecord, Evidence};

/// Where a drawn route's parties and arrows link to (the report's anchors).
#[derive(Clone, Debug)]
pub struct Link {
    /// For its parties (the first route drawn through a party decides).
    pub node: String,
    /// For its arrows.
    pub edge: String,
}

/// What the diagram is of, for its title.
pub struct Caption {
    pub title: String,
    pub subtitle: Vec<String>,
    pub notes: Vec<String>,
}

/// Builds the diagram of `routes` (shipment row ids in hop order, best
/// route first) plus any further shipments in `ev` (a neighbourhood).
/// `hs_level` (4 or 6) decides which shipments fold into one edge.
/// `bands` gives a risk band per cluster id when assessments were made.
/// `mirrors` gives, per shipment row that stands for a consignment declared
/// twice, the reference of its mirror declaration (listed on the edge; the
/// shipment is counted and valued once). `links` (empty, or one per route)
/// says where each route's parties and arrows link to.
pub fn diagram(
    ev: &Evidence,
    routes: &[Vec<i64>],
    hs_level: usize,
    bands: &BTreeMap<i64, Band>,
    mirrors: &BTreeMap<i64, String>,
    links: &[Link],
    caption: Caption,
) -> Diagram {
    // Clusters present, with their members.
    let mut members: BTreeMap<i64, Vec<&EntityRecord>> = BTreeMap::new();
    for e in ev.entities.values() {
        members.entry(e.cluster).or_default().push(e);
    }
    let firsts: BTreeSet<i64> =
        routes.iter().filter_map(|r| r.first()).filter_map(|s| ev.shipments.get(s)).map(|s| cluster(ev, s.shipper)).collect();
    let lasts: BTreeSet<i64> =
        routes.iter().filter_map(|r| r.last()).filter_map(|s| ev.shipments.get(s)).map(|s| cluster(ev, s.consignee)).collect();
    let used: BTreeSet<i64> = ev.shipments.values().flat_map(|s| [cluster(ev, s.shipper), cluster(ev, s.consignee)]).collect();

    let mut nodes = Vec::new();
    let mut index: BTreeMap<i64, usize> = BTreeMap::new();
    // Order: by first appearance along the best routes, then by key, so the layout is stable.
    let mut order: Vec<i64> = Vec::new();
    for r in routes {
        for s in r.iter().filter_map(|s| ev.shipments.get(s)) {
            for c in [cluster(ev, s.shipper), cluster(ev, s.consignee)] {
                if !order.contains(&c) {
                    order.push(c);
                }
            }
        }
    }
    for c in &used {
        if !order.contains(c) {
            order.push(*c);
        }
    }
    // The first route through a party, and the route of each shipment, for the links.
    let mut node_link: BTreeMap<i64, &str> = BTreeMap::new();
    let mut ship_link: BTreeMap<i64, &str> = BTreeMap::new();
    for (r, l) in routes.iter().zip(links) {
        for s in r.iter().filter_map(|s| ev.shipments.get(s)) {
            for c in [cluster(ev, s.shipper), cluster(ev, s.consignee)] {
                node_link.entry(c).or_insert(&l.node);
            }
            ship_link.entry(s.row).or_insert(&l.edge);
        }
    }
    for c in order {
        let Some(ms) = members.get(&c) else { continue };
        let rep = ms.iter().find(|e| e.row == c).copied().unwrap_or(ms[0]);
        index.insert(c, nodes.len());
        let mut n = node(rep, ms, firsts.contains(&c), lasts.contains(&c), bands.get(&c).copied());
        n.link = node_link.get(&c).map(|l| l.to_string());
        nodes.push(n);
    }

    // Edges: shipments folded by (shipper, consignee, goods key).
    let best: BTreeSet<i64> = routes.first().map(|r| r.iter().copied().collect()).unwrap_or_default();
    let mut groups: BTreeMap<(usize, usize, String), Vec<i64>> = BTreeMap::new();
    for s in ev.shipments.values() {
        let (Some(&a), Some(&b)) = (index.get(&cluster(ev, s.shipper)), index.get(&cluster(ev, s.consignee))) else { continue };
        let key = s.hs.get(..hs_level).unwrap_or(&s.hs).to_string();
        groups.entry((a, b, key)).or_default().push(s.row);
    }
    let mut edges = Vec::new();
    for ((a, b, key), rows) in groups {
        let ships: Vec<_> = rows.iter().filter_map(|r| ev.shipments.get(r)).collect();
        let mut declarations: Vec<String> = ships.iter().map(|s| s.source.clone().unwrap_or_else(|| s.id.clone())).collect();
        declarations.extend(rows.iter().filter_map(|r| mirrors.get(r).cloned()));
        declarations.sort();
        declarations.dedup();
        edges.push(Edge {
            from: a,
            to: b,
            chpl_tier: refdata::chpl_item(&ships[0].hs).map(|i| i.tier.clone()),
            hs: key,
            first_date: ships.iter().map(|s| s.date.clone()).min().unwrap_or_default(),
            last_date: ships.iter().map(|s| s.date.clone()).max().unwrap_or_default(),
            shipments: ships.len(),
            mirrored: rows.iter().filter(|r| mirrors.contains_key(r)).count(),
            value_usd: ships.iter().filter_map(|s| s.value_usd).sum(),
            declarations,
            emphasis: rows.iter().any(|r| best.contains(r)),
            link: rows.iter().find_map(|r| ship_link.get(r)).map(|l| l.to_string()),
        });
    }
    Diagram { title: caption.title, subtitle: caption.subtitle, nodes, edges, notes: caption.notes }
}

fn cluster(ev: &Evidence, entity: i64) -> i64 {
    ev.entities.get(&entity).map(|e| e.cluster).unwrap_or(entity)
}

fn node(rep: &EntityRecord, members: &[&EntityRecord], first: bool, last: bool, band: Option<Band>) -> Node {
    let has = |role: &str| members.iter().any(|m| m.roles.iter().any(|r| r == role));
    let country = rep.country.clone().or_else(|| members.iter().find_map(|m| m.country.clone()));
    let part = if members.iter().all(|m| m.kind == "person") {
        Part::Person
    } else if has("military_end_user") {
        Part::MilitaryEndUser
    } else if has("manufacturer") {
        Part::Manufacturer
    } else if has("end_user") {
        Part::EndUser
    } else if has("distributor") {
        Part::Distributor
    } else if last && matches!(country.as_deref(), Some("RU" | "BY")) {
        Part::Importer
    } else if first {
        Part::Distributor
    } else {
        Part::Intermediary
    };
    let mut details = Vec::new();
    let mut ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() == 1 {
        details.push(format!("id {}", ids[0]));
    } else {
        details.push(format!("ids {} (resolved as one)", ids.join(", ")));
    }
    let mut roles: Vec<&str> = members.iter().flat_map(|m| m.roles.iter().map(String::as_str)).collect();
    roles.sort_unstable();
    roles.dedup();
    if !roles.is_empty() {
        details.push(roles.join(", ").replace('_', " "));
    }
    if let Some(inc) = members.iter().filter_map(|m| m.incorporated.as_deref()).max() {
        details.push(format!("incorporated {inc}"));
    }
    let mut lists: Vec<String> = members.iter().flat_map(|m| m.lists.iter().map(|l| l.list.clone())).collect();
    lists.sort();
    lists.dedup();
    // The Latin form: a Latin alias or a Latin-named record of the same company, else a transliteration.
    let others = members.iter().flat_map(|m| std::iter::once(m.name.as_str()).chain(m.aliases.iter().map(String::as_str)));
    let latin = crate::resolve::translit::latin_name(&rep.name, others).map(|(l, _)| l);
    Node { key: rep.id.clone(), name: rep.name.clone(), latin, details, country, part, lists, band, link: None }
}

/// `1234567.8` → `1,234,568`.
pub fn money(v: f64) -> String {
    let s = format!("{:.0}", v.max(0.0));
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_groups_thousands() {
        assert_eq!(super::money(0.0), "0");
        assert_eq!(super::money(999.4), "999");
        assert_eq!(super::money(1234567.8), "1,234,568");
    }
}
