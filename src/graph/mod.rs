//! The shipment graph of one case, laid out for the route search.
//!
//! Nodes are entities after resolution: one node per `entity_cluster`
//! representative (an entity without a cluster row is its own node). Edges
//! are shipments.
//!
//! Why not store shipments as petgraph edge weights: the search's inner
//! question is "what left node `v` with goods of HS key `k` between day `t`
//! and `t + D`?". A petgraph edge list per node answers that by scanning.
//! Here shipments live in a struct of arrays sorted by (shipper node, HS-6
//! key, date, row id), with CSR offsets per node (`out_start`), so the
//! question is two binary searches inside one node's slice, and each field
//! costs exactly its width per shipment (no per-edge `Vec`, no padding).
//! petgraph is used where its model fits: a [`petgraph::csr::Csr`] of the
//! *reverse* node adjacency (deduplicated shipper→consignee pairs) drives
//! the backward reachability that prunes the search, and is available for
//! node-level algorithms (centrality, components).
//!
//! The arrays are also the persisted form (see [`cache`]): loading a case
//! whose `graph_cache` is current is a copy of little-endian arrays, not a
//! rebuild from rows.

pub mod cache;
pub mod centrality;
mod hs;

pub use hs::{hs_decode, hs_encode, hs_key, hs_prefix_of, HS_DIGITS};

use petgraph::csr::Csr;

/// Index of a node (a resolved entity) in a [`CaseGraph`].
pub type Node = u32;
/// Index of a shipment in a [`CaseGraph`]'s arrays (not its row id).
pub type Ship = u32;

/// No date of incorporation known.
pub const NO_DATE: i32 = i32::MIN;

/// A country code packed into two bytes; 0 is unknown.
pub fn country_code(iso2: &str) -> u16 {
    let b = iso2.as_bytes();
    if b.len() != 2 {
        return 0;
    }
    (u16::from(b[0].to_ascii_uppercase()) << 8) | u16::from(b[1].to_ascii_uppercase())
}

/// The two letters of a packed country code, `None` for 0.
pub fn country_str(code: u16) -> Option<String> {
    (code != 0).then(|| String::from_utf8_lossy(&[(code >> 8) as u8, code as u8]).into_owned())
}

/// One entity row as the graph builder needs it.
#[derive(Clone, Debug, Default)]
pub struct EntityRow {
    /// `entity.id`.
    pub id: i64,
    /// The representative of its cluster (`id` itself when unresolved).
    pub cluster: i64,
    /// Packed country ([`country_code`]), 0 when unknown.
    pub country: u16,
    /// [`crate::model::Roles`] bits.
    pub roles: u8,
    /// Day of incorporation or [`NO_DATE`].
    pub incorporated: i32,
    /// Names of the lists the entity is on (any order, duplicates allowed).
    pub lists: Vec<String>,
}

/// One shipment row as the graph builder needs it.
#[derive(Clone, Debug, Default)]
pub struct ShipmentRow {
    /// `shipment.id`.
    pub id: i64,
    pub date: i32,
    /// `entity.id` of the shipper and consignee (not yet resolved).
    pub shipper: i64,
    pub consignee: i64,
    /// Normalised HS digits (4 to 10).
    pub hs: String,
    /// Declared manufacturer / brand, as written.
    pub manufacturer: Option<String>,
    /// Packed country of origin, 0 when unknown.
    pub origin: u16,
    pub quantity: Option<f64>,
    pub value_usd: Option<f64>,
}

/// The compact graph. Field order of the shipment arrays is the sort order
/// described in the module documentation.
pub struct CaseGraph {
    // ---- nodes ----
    /// Representative entity id of each node, ascending (node order).
    pub node_entity: Vec<i64>,
    /// Packed country of the representative, else of the first member that has one.
    pub node_country: Vec<u16>,
    /// Union of the members' role bits.
    pub node_roles: Vec<u8>,
    /// Latest known incorporation day among members, or [`NO_DATE`].
    pub node_incorporated: Vec<i32>,
    /// CSR offsets into `members` / `member_country` (len = nodes + 1).
    pub member_start: Vec<u32>,
    /// Member entity ids per node, ascending.
    pub members: Vec<i64>,
    pub member_country: Vec<u16>,
    /// CSR offsets into `node_list_ids` (len = nodes + 1).
    pub list_start: Vec<u32>,
    /// Indexes into `list_names`, ascending and distinct per node.
    pub node_list_ids: Vec<u16>,
    /// Distinct list names, sorted.
    pub list_names: Vec<String>,
    // ---- shipments (struct of arrays) ----
    /// CSR offsets of each node's outgoing shipments (len = nodes + 1).
    pub out_start: Vec<u32>,
    pub ship_row: Vec<i64>,
    pub shipper: Vec<Node>,
    pub consignee: Vec<Node>,
    pub date: Vec<i32>,
    /// HS code packed by [`hs_encode`].
    pub hs: Vec<u64>,
    /// Declared value in USD, NaN when unknown.
    pub value: Vec<f32>,
    /// Quantity, NaN when unknown.
    pub quantity: Vec<f32>,
    pub origin: Vec<u16>,
    /// Index into `brands`, 0 when none was declared.
    pub brand: Vec<u32>,
    /// Distinct manufacturer strings as declared (trimmed); `brands[0]` is "".
    pub brands: Vec<String>,
    // ---- derived on load, not persisted ----
    /// Reverse node adjacency: consignee -> distinct shippers.
    pub reverse: Csr<(), (), petgraph::Directed, u32>,
}

impl CaseGraph {
    pub fn node_count(&self) -> usize {
        self.node_entity.len()
    }

    pub fn shipment_count(&self) -> usize {
        self.ship_row.len()
    }

    /// The outgoing shipments of `v` as a range of shipment indexes.
    pub fn out_range(&self, v: Node) -> std::ops::Range<usize> {
        self.out_start[v as usize] as usize..self.out_start[v as usize + 1] as usize
    }

    /// Member entity ids of node `v`.
    pub fn node_members(&self, v: Node) -> &[i64] {
        &self.members[self.member_start[v as usize] as usize..self.member_start[v as usize + 1] as usize]
    }

    /// Countries of node `v`'s members (0 = unknown), in member order.
    pub fn node_member_countries(&self, v: Node) -> &[u16] {
        &self.member_country[self.member_start[v as usize] as usize..self.member_start[v as usize + 1] as usize]
    }

    /// Indexes into `list_names` of the lists any member of `v` is on.
    pub fn node_lists(&self, v: Node) -> &[u16] {
        &self.node_list_ids[self.list_start[v as usize] as usize..self.list_start[v as usize + 1] as usize]
    }

    /// The node holding entity `entity_id` (a member of any cluster).
    pub fn node_of_entity(&self, entity_id: i64) -> Option<Node> {
        // Members are sorted within a node, not globally: consult the
        // representative first (the common case), then scan.
        if let Ok(i) = self.node_entity.binary_search(&entity_id) {
            return Some(i as Node);
        }
        (0..self.node_count() as Node).find(|&v| self.node_members(v).binary_search(&entity_id).is_ok())
    }

    /// The index of the shipment with row id `row`, if it is in the graph.
    pub fn ship_of_row(&self, row: i64) -> Option<Ship> {
        self.ship_row.iter().position(|&r| r == row).map(|i| i as Ship)
    }

    /// Bytes of heap memory held by the graph (all arrays, the brand and
    /// list strings, and the petgraph reverse adjacency).
    pub fn heap_bytes(&self) -> usize {
        fn v<T>(x: &Vec<T>) -> usize {
            x.capacity() * std::mem::size_of::<T>()
        }
        let strings = |s: &Vec<String>| v(s) + s.iter().map(String::capacity).sum::<usize>();
        let csr = self.reverse.edge_count() * std::mem::size_of::<u32>() + (self.reverse.node_count() + 1) * std::mem::size_of::<usize>();
        v(&self.node_entity)
            + v(&self.node_country)
            + v(&self.node_roles)
            + v(&self.node_incorporated)
            + v(&self.member_start)
            + v(&self.members)
            + v(&self.member_country)
            + v(&self.list_start)
            + v(&self.node_list_ids)
            + strings(&self.list_names)
            + v(&self.out_start)
            + v(&self.ship_row)
            + v(&self.shipper)
            + v(&self.consignee)
            + v(&self.date)
            + v(&self.hs)
            + v(&self.value)
            + v(&self.quantity)
            + v(&self.origin)
            + v(&self.brand)
            + strings(&self.brands)
            + csr
    }

    /// Builds the graph from rows.
    ///
    /// Shipments whose shipper or consignee is not among `entities`, or whose
    /// HS code is not 4-10 digits, cannot be placed and are returned by row id
    /// in `skipped` (the store's schema makes both impossible for ingested data).
    ///
    /// Complexity: O(E log E + S log S) for E entities and S shipments.
    pub fn build(mut entities: Vec<EntityRow>, shipments: Vec<ShipmentRow>) -> (CaseGraph, Vec<i64>) {
        entities.sort_by_key(|e| e.id);
        // A cluster representative that is itself missing from `entities`
        // would leave a node without a row: treat such members as their own node.
        let known = |id: i64, ents: &[EntityRow]| ents.binary_search_by_key(&id, |e| e.id).is_ok();
        let reps: Vec<i64> = entities.iter().map(|e| if known(e.cluster, &entities) { e.cluster } else { e.id }).collect();
        let mut node_entity: Vec<i64> = reps.clone();
        node_entity.sort_unstable();
        node_entity.dedup();
        let n = node_entity.len();
        let node_index = |rep: i64| node_entity.binary_search(&rep).expect("representative is a node") as Node;
        // (node, entity index) sorted gives members per node in ascending id.
        let mut by_node: Vec<(Node, usize)> = reps.iter().enumerate().map(|(i, &r)| (node_index(r), i)).collect();
        by_node.sort_unstable();

        let mut list_names: Vec<String> = entities.iter().flat_map(|e| e.lists.iter().cloned()).collect();
        list_names.sort();
        list_names.dedup();

        let mut g = CaseGraph {
            node_country: vec![0; n],
            node_roles: vec![0; n],
            node_incorporated: vec![NO_DATE; n],
            member_start: Vec::with_capacity(n + 1),
            members: Vec::with_capacity(entities.len()),
            member_country: Vec::with_capacity(entities.len()),
            list_start: Vec::with_capacity(n + 1),
            node_list_ids: Vec::new(),
            list_names,
            out_start: Vec::new(),
            ship_row: Vec::new(),
            shipper: Vec::new(),
            consignee: Vec::new(),
            date: Vec::new(),
            hs: Vec::new(),
            value: Vec::new(),
            quantity: Vec::new(),
            origin: Vec::new(),
            brand: Vec::new(),
            brands: vec![String::new()],
            reverse: Csr::new(),
            node_entity: Vec::new(),
        };
        let mut i = 0;
        #[allow(clippy::needless_range_loop)] // v indexes four arrays and is compared with by_node
        for v in 0..n {
            g.member_start.push(g.members.len() as u32);
            g.list_start.push(g.node_list_ids.len() as u32);
            let mut lists: Vec<u16> = Vec::new();
            let mut rep_country = 0;
            let mut first_country = 0;
            while i < by_node.len() && by_node[i].0 as usize == v {
                let e = &entities[by_node[i].1];
                g.members.push(e.id);
                g.member_country.push(e.country);
                if e.id == node_entity[v] {
                    rep_country = e.country;
                }
                if first_country == 0 {
                    first_country = e.country;
                }
                g.node_roles[v] |= e.roles;
                g.node_incorporated[v] = g.node_incorporated[v].max(e.incorporated);
                for l in &e.lists {
                    lists.push(g.list_names.binary_search(l).expect("list name collected") as u16);
                }
                i += 1;
            }
            g.node_country[v] = if rep_country != 0 { rep_country } else { first_country };
            lists.sort_unstable();
            lists.dedup();
            g.node_list_ids.extend(lists);
        }
        g.member_start.push(g.members.len() as u32);
        g.list_start.push(g.node_list_ids.len() as u32);

        // Resolve shipment endpoints to nodes and intern brands.
        let mut skipped = Vec::new();
        let mut brand_ids: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        let mut raw_brands: Vec<String> = Vec::new();
        let ent_node = |id: i64| -> Option<Node> { entities.binary_search_by_key(&id, |e| e.id).ok().map(|k| node_index(reps[k])) };
        struct Tmp {
            node: Node,
            key: u64,
            date: i32,
            row: i64,
            idx: usize,
            cons: Node,
            hs: u64,
            brand: u32,
        }
        let mut tmp: Vec<Tmp> = Vec::with_capacity(shipments.len());
        for (idx, s) in shipments.iter().enumerate() {
            let (Some(a), Some(b), Some(code)) = (ent_node(s.shipper), ent_node(s.consignee), hs_encode(&s.hs)) else {
                skipped.push(s.id);
                continue;
            };
            let brand = match s.manufacturer.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
                None => 0,
                Some(m) => match brand_ids.get(m) {
                    Some(&b) => b,
                    None => {
                        raw_brands.push(m.to_string());
                        let b = raw_brands.len() as u32; // provisional, renumbered below
                        brand_ids.insert(m.to_string(), b);
                        b
                    }
                },
            };
            tmp.push(Tmp { node: a, key: hs_key(code, 6), date: s.date, row: s.id, idx, cons: b, hs: code, brand });
        }
        // Brand ids in sorted string order, so the graph is the same whatever the row order.
        let mut order: Vec<u32> = (1..=raw_brands.len() as u32).collect();
        order.sort_by(|&a, &b| raw_brands[a as usize - 1].cmp(&raw_brands[b as usize - 1]));
        let mut renum = vec![0u32; raw_brands.len() + 1];
        for (new, &old) in order.iter().enumerate() {
            renum[old as usize] = new as u32 + 1;
            g.brands.push(raw_brands[old as usize - 1].clone());
        }
        tmp.sort_unstable_by_key(|t| (t.node, t.key, t.date, t.row));
        let m = tmp.len();
        g.ship_row.reserve_exact(m);
        g.shipper.reserve_exact(m);
        g.consignee.reserve_exact(m);
        g.date.reserve_exact(m);
        g.hs.reserve_exact(m);
        g.value.reserve_exact(m);
        g.quantity.reserve_exact(m);
        g.origin.reserve_exact(m);
        g.brand.reserve_exact(m);
        let f = |x: Option<f64>| x.map_or(f32::NAN, |v| v as f32);
        for t in &tmp {
            let s = &shipments[t.idx];
            g.ship_row.push(t.row);
            g.shipper.push(t.node);
            g.consignee.push(t.cons);
            g.date.push(t.date);
            g.hs.push(t.hs);
            g.value.push(f(s.value_usd));
            g.quantity.push(f(s.quantity));
            g.origin.push(s.origin);
            g.brand.push(renum[t.brand as usize]);
        }
        g.node_entity = node_entity;
        g.out_start = offsets(&g.shipper, n);
        g.reverse = reverse_adjacency(&g.shipper, &g.consignee, n);
        skipped.sort_unstable();
        (g, skipped)
    }
}

/// CSR offsets from a sorted array of owners.
fn offsets(owner: &[Node], n: usize) -> Vec<u32> {
    let mut start = vec![0u32; n + 1];
    for &o in owner {
        start[o as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    start
}

/// The deduplicated consignee -> shipper adjacency as a petgraph CSR with exactly `n` nodes.
pub(crate) fn reverse_adjacency(shipper: &[Node], consignee: &[Node], n: usize) -> Csr<(), (), petgraph::Directed, u32> {
    // Counting sort by consignee (shippers arrive in ascending order, as the
    // shipment arrays are sorted by shipper), then dedup: O(S), no comparison sort.
    let mut start = vec![0u32; n + 1];
    for &c in consignee {
        start[c as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut pairs = vec![(0u32, 0u32); consignee.len()];
    for (&c, &s) in consignee.iter().zip(shipper) {
        pairs[fill[c as usize] as usize] = (c, s);
        fill[c as usize] += 1;
    }
    if !shipper.windows(2).all(|w| w[0] <= w[1]) {
        pairs.sort_unstable();
    }
    pairs.dedup();
    let mut csr = Csr::from_sorted_edges(&pairs).expect("pairs are sorted");
    while csr.node_count() < n {
        csr.add_node(());
    }
    csr
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ent(id: i64, cluster: i64, cc: &str) -> EntityRow {
        EntityRow { id, cluster, country: country_code(cc), incorporated: NO_DATE, ..Default::default() }
    }
    fn ship(id: i64, date: i32, a: i64, b: i64, hs: &str) -> ShipmentRow {
        ShipmentRow { id, date, shipper: a, consignee: b, hs: hs.into(), ..Default::default() }
    }

    #[test]
    fn clusters_become_nodes_and_shipments_sort_per_shipper() {
        let ents = vec![ent(1, 1, "US"), ent(2, 3, ""), ent(3, 3, "TR"), ent(4, 4, "RU")];
        let ships = vec![
            ship(10, 5, 2, 4, "854232"),
            ship(11, 3, 3, 4, "854231"),
            ship(12, 1, 1, 2, "854231"),
            ship(13, 2, 3, 4, "854231"),
            ship(14, 2, 9, 4, "854231"),
        ];
        let (g, skipped) = CaseGraph::build(ents, ships);
        assert_eq!(skipped, vec![14]);
        assert_eq!(g.node_entity, vec![1, 3, 4]);
        assert_eq!(g.node_members(1), &[2, 3]);
        assert_eq!(g.node_country[1], country_code("TR"));
        // node 1's shipments: 854231 on days 2, 3 then 854232.
        let r = g.out_range(1);
        let rows: Vec<i64> = r.map(|i| g.ship_row[i]).collect();
        assert_eq!(rows, vec![13, 11, 10]);
        assert_eq!(g.node_of_entity(2), Some(1));
        assert_eq!(g.reverse.neighbors_slice(2), &[1]);
        assert!(g.heap_bytes() > 0);
    }
}
