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
//! The same shipments are indexed a second time by consignee
//! (`in_order`: indexes sorted by consignee, HS-6 key, date), so the
//! backward pass that prunes the search asks "what arrived at `v` with key
//! `k` between `t - D` and `t`?" the same way. Each shipment's HS-6 key is
//! kept as it is (`key6`), so no probe divides, and the rest of the code as
//! a 2-byte tail (`hs_tail`): 44 bytes per shipment in all.
//!
//! The arrays are also the persisted form (see [`cache`]): loading a case
//! whose `graph_cache` is current is a copy of little-endian arrays, not a
//! rebuild from rows.

mod build;
pub mod cache;
pub mod centrality;
mod hs;
pub mod mirror;

pub use build::GraphBuilder;
pub use hs::{hs_decode, hs_encode, hs_key, hs_prefix_of, HS_DIGITS, HS_TAIL};

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
    /// Positions 7 to 10 of the packed HS code (`hs_encode(code) % 11^4`):
    /// with `key6` it is the whole code (see [`CaseGraph::hs`]), in 2 bytes
    /// instead of a second 8-byte copy of the first six digits.
    pub hs_tail: Vec<u16>,
    /// Declared value in USD, NaN when unknown.
    pub value: Vec<f32>,
    /// Quantity, NaN when unknown.
    pub quantity: Vec<f32>,
    pub origin: Vec<u16>,
    /// Index into `brands`, 0 when none was declared.
    pub brand: Vec<u32>,
    /// Distinct manufacturer strings as declared (trimmed); `brands[0]` is "".
    pub brands: Vec<String>,
    // ---- indexes ----
    /// CSR offsets of each node's incoming shipments in `in_order` (len = nodes + 1).
    pub in_start: Vec<u32>,
    /// Shipment indexes sorted by (consignee, HS-6 key, date, index).
    pub in_order: Vec<u32>,
    /// HS-6 key of each shipment (`hs_key(code, 6)`).
    pub key6: Vec<u32>,
}

impl CaseGraph {
    pub fn node_count(&self) -> usize {
        self.node_entity.len()
    }

    pub fn shipment_count(&self) -> usize {
        self.ship_row.len()
    }

    /// The packed HS code of shipment `s` (see [`hs_encode`]).
    #[inline]
    pub fn hs(&self, s: usize) -> u64 {
        u64::from(self.key6[s]) * HS_TAIL + u64::from(self.hs_tail[s])
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
    /// list strings, and the incoming index).
    pub fn heap_bytes(&self) -> usize {
        fn v<T>(x: &Vec<T>) -> usize {
            x.capacity() * std::mem::size_of::<T>()
        }
        let strings = |s: &Vec<String>| v(s) + s.iter().map(String::capacity).sum::<usize>();
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
            + v(&self.hs_tail)
            + v(&self.value)
            + v(&self.quantity)
            + v(&self.origin)
            + v(&self.brand)
            + strings(&self.brands)
            + v(&self.in_start)
            + v(&self.in_order)
            + v(&self.key6)
    }

    /// Builds the graph from rows (see [`GraphBuilder`], which this feeds).
    ///
    /// Shipments whose shipper or consignee is not among `entities`, or whose
    /// HS code is not 4-10 digits, cannot be placed and are returned by row id
    /// in `skipped` (the store's schema makes both impossible for ingested data).
    ///
    /// Complexity: O(E log E + S log S) for E entities and S shipments.
    pub fn build(entities: Vec<EntityRow>, shipments: Vec<ShipmentRow>) -> (CaseGraph, Vec<i64>) {
        let mut b = GraphBuilder::new(entities);
        for s in &shipments {
            b.push(s.id, s.date, s.shipper, s.consignee, &s.hs, s.manufacturer.as_deref(), s.origin, s.quantity, s.value_usd);
        }
        b.finish()
    }

    /// The HS key of shipment `s` at `level` (4 or 6) from the precomputed HS-6 keys.
    #[inline]
    pub fn key(&self, s: usize, level: u32) -> u32 {
        key_at(self.key6[s], level)
    }

    /// The incoming shipments of `v`: a range of positions in `in_order`.
    pub fn in_range(&self, v: Node) -> std::ops::Range<usize> {
        self.in_start[v as usize] as usize..self.in_start[v as usize + 1] as usize
    }
}

/// An HS-6 key ([`hs_key`] at level 6) cut to `level` (4 or 6): the first
/// four positions of a base-11 HS-6 key are its value divided by 11².
#[inline]
pub fn key_at(key6: u32, level: u32) -> u32 {
    if level >= 6 {
        key6
    } else {
        key6 / 121
    }
}

/// CSR offsets from an array of owners (counts, so any order works).
pub(crate) fn offsets(owner: &[Node], n: usize) -> Vec<u32> {
    let mut start = vec![0u32; n + 1];
    for &o in owner {
        start[o as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    start
}

/// The incoming index: `(in_start, in_order)` with `in_order` the shipment
/// indexes sorted by (consignee, HS-6 key, date, index) and `in_start` its
/// CSR offsets per consignee.
///
/// Description: a counting sort by consignee (stable, so each consignee's
/// shipments come in index order), then a sort of each consignee's slice.
///
/// Complexity: O(S + sum of d log d) for S shipments and d per consignee.
pub(crate) fn incoming_index(consignee: &[Node], key6: &[u32], date: &[i32], n: usize) -> (Vec<u32>, Vec<u32>) {
    let start = offsets(consignee, n);
    let mut fill = start.clone();
    let mut order = vec![0u32; consignee.len()];
    for (i, &c) in consignee.iter().enumerate() {
        order[fill[c as usize] as usize] = i as u32;
        fill[c as usize] += 1;
    }
    for v in 0..n {
        let seg = &mut order[start[v] as usize..start[v + 1] as usize];
        seg.sort_unstable_by_key(|&i| (key6[i as usize], date[i as usize], i));
    }
    (start, order)
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
        // Into node 2: shipments 13, 11 (854231, days 2 and 3) then 10 (854232).
        let into: Vec<i64> = g.in_range(2).map(|i| g.ship_row[g.in_order[i] as usize]).collect();
        assert_eq!(into, vec![13, 11, 10]);
        assert_eq!(g.in_range(0).len(), 0);
        assert_eq!(g.key(0, 4), key_at(g.key6[0], 4));
        assert!(g.heap_bytes() > 0);
    }
}
