//! Building a [`CaseGraph`] from rows, one shipment at a time.
//!
//! Why streaming: a case of 10,000,000 shipments held as row structs (an
//! owned `String` for the HS code and one for the manufacturer per row,
//! then a sort buffer beside them) peaked at over 3 GiB. Here each row goes
//! straight into compact columns (the HS code packed, the manufacturer
//! interned), the sort is a permutation of `u32` indexes, and the columns
//! are reordered one at a time, so the peak is the graph plus one column.

use std::collections::HashMap;

use super::{hs_encode, hs_key, incoming_index, offsets, CaseGraph, EntityRow, Node, HS_TAIL, NO_DATE};

/// Collects shipments for a graph over a fixed set of entities.
pub struct GraphBuilder {
    g: CaseGraph,
    /// Entity ids, ascending, and the node of each.
    entity_ids: Vec<i64>,
    entity_node: Vec<Node>,
    brand_ids: HashMap<String, u32, foldhash::fast::RandomState>,
    /// Brands in order of first appearance (provisional id = index + 1).
    raw_brands: Vec<String>,
    skipped: Vec<i64>,
}

impl GraphBuilder {
    /// Lays out the nodes: one per cluster representative (see the module
    /// documentation of [`super`]).
    pub fn new(mut entities: Vec<EntityRow>) -> GraphBuilder {
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
        let entity_node: Vec<Node> = reps.iter().map(|&r| node_index(r)).collect();
        // (node, entity index) sorted gives members per node in ascending id.
        let mut by_node: Vec<(Node, usize)> = entity_node.iter().enumerate().map(|(i, &v)| (v, i)).collect();
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
            hs_tail: Vec::new(),
            value: Vec::new(),
            quantity: Vec::new(),
            origin: Vec::new(),
            brand: Vec::new(),
            brands: vec![String::new()],
            in_start: Vec::new(),
            in_order: Vec::new(),
            key6: Vec::new(),
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
        g.node_entity = node_entity;
        GraphBuilder {
            g,
            entity_ids: entities.iter().map(|e| e.id).collect(),
            entity_node,
            brand_ids: HashMap::default(),
            raw_brands: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Reserves room for `n` more shipments (when the caller knows the count).
    pub fn reserve(&mut self, n: usize) {
        let g = &mut self.g;
        g.ship_row.reserve_exact(n);
        g.shipper.reserve_exact(n);
        g.consignee.reserve_exact(n);
        g.date.reserve_exact(n);
        g.hs_tail.reserve_exact(n);
        g.key6.reserve_exact(n);
        g.value.reserve_exact(n);
        g.quantity.reserve_exact(n);
        g.origin.reserve_exact(n);
        g.brand.reserve_exact(n);
    }

    fn node_of(&self, entity: i64) -> Option<Node> {
        self.entity_ids.binary_search(&entity).ok().map(|k| self.entity_node[k])
    }

    /// Adds one shipment (any order). `hs` is the normalised digit string,
    /// `origin` a packed country; one that cannot be placed is remembered as skipped.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        id: i64,
        date: i32,
        shipper: i64,
        consignee: i64,
        hs: &str,
        manufacturer: Option<&str>,
        origin: u16,
        quantity: Option<f64>,
        value_usd: Option<f64>,
    ) {
        let (Some(a), Some(b), Some(code)) = (self.node_of(shipper), self.node_of(consignee), hs_encode(hs)) else {
            self.skipped.push(id);
            return;
        };
        let brand = match manufacturer.map(str::trim).filter(|m| !m.is_empty()) {
            None => 0,
            Some(m) => match self.brand_ids.get(m) {
                Some(&b) => b,
                None => {
                    self.raw_brands.push(m.to_string());
                    let b = self.raw_brands.len() as u32; // provisional, renumbered in finish()
                    self.brand_ids.insert(m.to_string(), b);
                    b
                }
            },
        };
        let f = |x: Option<f64>| x.map_or(f32::NAN, |v| v as f32);
        let g = &mut self.g;
        g.ship_row.push(id);
        g.shipper.push(a);
        g.consignee.push(b);
        g.date.push(date);
        g.key6.push(hs_key(code, 6) as u32);
        g.hs_tail.push((code % HS_TAIL) as u16);
        g.value.push(f(value_usd));
        g.quantity.push(f(quantity));
        g.origin.push(origin);
        g.brand.push(brand);
    }

    /// Sorts the shipments into graph order and builds the indexes; returns
    /// the graph and the row ids of the shipments that could not be placed, ascending.
    ///
    /// Complexity: O(S log d) for S shipments and d per shipper node.
    pub fn finish(self) -> (CaseGraph, Vec<i64>) {
        let GraphBuilder { mut g, raw_brands, mut skipped, brand_ids, .. } = self;
        drop(brand_ids);
        let n = g.node_count();
        // Brand ids in sorted string order, so the graph is the same whatever the row order.
        let mut order: Vec<u32> = (1..=raw_brands.len() as u32).collect();
        order.sort_by(|&a, &b| raw_brands[a as usize - 1].cmp(&raw_brands[b as usize - 1]));
        let mut renum = vec![0u32; raw_brands.len() + 1];
        let mut raw_brands: Vec<Option<String>> = raw_brands.into_iter().map(Some).collect();
        for (new, &old) in order.iter().enumerate() {
            renum[old as usize] = new as u32 + 1;
            g.brands.push(raw_brands[old as usize - 1].take().expect("each brand once"));
        }
        for b in &mut g.brand {
            *b = renum[*b as usize];
        }

        // Graph order: (shipper node, HS-6 key, date, row id). A counting sort
        // by shipper, then a sort of each shipper's slice.
        let key6 = std::mem::take(&mut g.key6);
        let start = offsets(&g.shipper, n);
        let mut fill = start.clone();
        let mut perm = vec![0u32; g.shipper.len()];
        for (i, &a) in g.shipper.iter().enumerate() {
            perm[fill[a as usize] as usize] = i as u32;
            fill[a as usize] += 1;
        }
        drop(fill);
        for v in 0..n {
            let seg = &mut perm[start[v] as usize..start[v + 1] as usize];
            seg.sort_unstable_by_key(|&i| (key6[i as usize], g.date[i as usize], g.ship_row[i as usize]));
        }
        fn permute<T: Copy>(v: &mut Vec<T>, perm: &[u32]) {
            let out: Vec<T> = perm.iter().map(|&i| v[i as usize]).collect();
            *v = out;
        }
        permute(&mut g.ship_row, &perm);
        permute(&mut g.shipper, &perm);
        permute(&mut g.consignee, &perm);
        permute(&mut g.date, &perm);
        permute(&mut g.hs_tail, &perm);
        permute(&mut g.value, &perm);
        permute(&mut g.quantity, &perm);
        permute(&mut g.origin, &perm);
        permute(&mut g.brand, &perm);
        g.key6 = perm.iter().map(|&i| key6[i as usize]).collect();
        drop(key6);
        drop(perm);
        g.out_start = start;
        let (in_start, in_order) = incoming_index(&g.consignee, &g.key6, &g.date, n);
        g.in_start = in_start;
        g.in_order = in_order;
        skipped.sort_unstable();
        (g, skipped)
    }
}
