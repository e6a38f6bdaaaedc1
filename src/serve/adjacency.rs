//! The partner index: for each entity, its shipments grouped by partner
//! and direction, then by HS-6 heading and goods class, each run sorted by
//! date with a running sum of declared value. Built once at start-up.
//!
//! Why: a filtered expansion ("partners of this hub since March, HS 8542,
//! controlled goods only") folded shipment by shipment costs the hub's whole
//! trade per request (76,000 shipments for the largest hub of a 1M case),
//! and fifty such requests at once queue for the CPU. Here a run answers a
//! date window with two binary searches and one subtraction, and the HS,
//! CHPL, goods-list and country filters drop whole runs or groups, so an
//! expansion costs O(runs of the entity · log run length), not O(shipments).
//! Only an HS prefix longer than six digits looks at single shipments (inside
//! the matching heading's date window).
//!
//! Memory: 16 bytes per shipment and side (date, running value, shipment
//! index; 32 bytes per shipment, a self-shipment counts once), 9 bytes per
//! run and 9 per group; [`Adjacency::heap_bytes`] reports it.

use rayon::prelude::*;

use crate::graph::{CaseGraph, Node, Ship};

/// Goods class bits of a shipment: the CHPL tier (1 to 4, 0 = not on the
/// CHPL) in the low bits, [`CONTROLLED`] when on any loaded goods list.
pub const TIER_MASK: u8 = 0x07;
pub const CONTROLLED: u8 = 0x80;

pub struct Adjacency {
    /// Groups of node `v`: `node_start[v]..node_start[v + 1]` (len = nodes + 1).
    node_start: Vec<u32>,
    /// Per group, sorted by (partner, outgoing first) within a node.
    group_partner: Vec<Node>,
    /// True when the node shipped to the partner.
    group_out: Vec<bool>,
    /// Runs of group `k`: `group_start[k]..group_start[k + 1]` (len = groups + 1).
    group_start: Vec<u32>,
    /// Per run, sorted by (HS-6 key, class) within a group.
    run_key6: Vec<u32>,
    run_class: Vec<u8>,
    /// Sides of run `r`: `run_start[r]..run_start[r + 1]` (len = runs + 1).
    run_start: Vec<u32>,
    /// Per side, sorted by (date, shipment) within a run.
    date: Vec<i32>,
    /// Declared value of the run's sides up to and including this one (unknown counts 0).
    cum: Vec<f64>,
    ship: Vec<Ship>,
}

/// One run as a slice of the side arrays.
#[derive(Clone, Copy, Debug)]
pub struct Run<'a> {
    pub key6: u32,
    pub class: u8,
    pub date: &'a [i32],
    pub cum: &'a [f64],
    pub ship: &'a [Ship],
}

impl Run<'_> {
    /// The positions of the sides dated `since..=until`.
    #[inline]
    pub fn window(&self, since: Option<i32>, until: Option<i32>) -> std::ops::Range<usize> {
        let lo = since.map_or(0, |d| self.date.partition_point(|&x| x < d));
        let hi = until.map_or(self.date.len(), |d| self.date.partition_point(|&x| x <= d));
        lo..hi.max(lo)
    }

    /// Declared value of the sides at `r` (a non-empty window).
    #[inline]
    pub fn value(&self, r: &std::ops::Range<usize>) -> f64 {
        self.cum[r.end - 1] - if r.start == 0 { 0.0 } else { self.cum[r.start - 1] }
    }
}

/// One (partner, direction) group of a node.
#[derive(Clone, Copy, Debug)]
pub struct Group {
    pub index: usize,
    pub partner: Node,
    pub outgoing: bool,
}

impl Adjacency {
    /// Builds the index; `class[s]` is shipment `s`'s goods class.
    ///
    /// Complexity: O(S log S) for S shipments (one parallel sort of 2S keys).
    pub fn build(g: &CaseGraph, class: &[u8]) -> Adjacency {
        let n = g.node_count();
        let s_count = g.shipment_count();
        assert!(n < (1 << 31) && s_count < (1 << 31), "the partner index holds node and shipment numbers below 2^31");
        // Key (high to low bits): owner 32, partner 32, incoming 1, HS-6 key 21 (11^6 < 2^21), class 8, date 32.
        // Ties (same key) are broken by the shipment index, so the order is fixed.
        let key = |owner: Node, partner: Node, incoming: bool, s: usize| -> u128 {
            (u128::from(owner) << 96)
                | (u128::from(partner) << 64)
                | (u128::from(incoming) << 63)
                | (u128::from(g.key6[s]) << 42)
                | (u128::from(class[s]) << 34)
                | u128::from((g.date[s] as u32) ^ 0x8000_0000)
        };
        let mut sides: Vec<(u128, Ship)> = Vec::with_capacity(2 * s_count);
        for s in 0..s_count {
            let (a, b) = (g.shipper[s], g.consignee[s]);
            sides.push((key(a, b, false, s), s as Ship));
            if a != b {
                sides.push((key(b, a, true, s), s as Ship));
            }
        }
        sides.par_sort_unstable();

        let mut node_start = vec![0u32; n + 1];
        let (mut group_partner, mut group_out, mut group_start) = (Vec::new(), Vec::new(), Vec::new());
        let (mut run_key6, mut run_class, mut run_start) = (Vec::new(), Vec::new(), Vec::new());
        let mut date = Vec::with_capacity(sides.len());
        let mut cum = Vec::with_capacity(sides.len());
        let mut ship = Vec::with_capacity(sides.len());
        let mut last_group: Option<u128> = None;
        let mut last_run: Option<u128> = None;
        for &(k, s) in &sides {
            let group = k >> 63;
            let run = k >> 34;
            if last_group != Some(group) {
                let owner = (k >> 96) as usize;
                node_start[owner + 1] += 1;
                group_partner.push((k >> 64) as u32);
                group_out.push((k >> 63) & 1 == 0);
                group_start.push(run_key6.len() as u32);
                last_group = Some(group);
                last_run = None;
            }
            let v = g.value[s as usize];
            let v = if v.is_nan() { 0.0 } else { f64::from(v) };
            if last_run != Some(run) {
                run_key6.push(((k >> 42) & 0x1F_FFFF) as u32);
                run_class.push(((k >> 34) & 0xFF) as u8);
                run_start.push(date.len() as u32);
                last_run = Some(run);
                cum.push(v);
            } else {
                let prev = cum.last().copied().unwrap_or(0.0);
                cum.push(prev + v);
            }
            date.push(g.date[s as usize]);
            ship.push(s);
        }
        drop(sides);
        for i in 0..n {
            node_start[i + 1] += node_start[i];
        }
        group_start.push(run_key6.len() as u32);
        run_start.push(date.len() as u32);
        let mut a = Adjacency { node_start, group_partner, group_out, group_start, run_key6, run_class, run_start, date, cum, ship };
        a.shrink();
        a
    }

    fn shrink(&mut self) {
        self.group_partner.shrink_to_fit();
        self.group_out.shrink_to_fit();
        self.group_start.shrink_to_fit();
        self.run_key6.shrink_to_fit();
        self.run_class.shrink_to_fit();
        self.run_start.shrink_to_fit();
    }

    /// The (partner, direction) groups of `v`, by partner (outgoing first).
    pub fn groups(&self, v: Node) -> impl ExactSizeIterator<Item = Group> + '_ {
        let r = self.node_start[v as usize] as usize..self.node_start[v as usize + 1] as usize;
        r.map(|k| Group { index: k, partner: self.group_partner[k], outgoing: self.group_out[k] })
    }

    /// The groups of `v` with partner `p` (at most two: out, then in).
    pub fn groups_with(&self, v: Node, p: Node) -> impl Iterator<Item = Group> + '_ {
        let (a, b) = (self.node_start[v as usize] as usize, self.node_start[v as usize + 1] as usize);
        let lo = a + self.group_partner[a..b].partition_point(|&x| x < p);
        let hi = a + self.group_partner[a..b].partition_point(|&x| x <= p);
        (lo..hi).map(|k| Group { index: k, partner: self.group_partner[k], outgoing: self.group_out[k] })
    }

    /// The runs of a group, by (HS-6 key, class).
    pub fn runs(&self, group: Group) -> impl ExactSizeIterator<Item = Run<'_>> + '_ {
        let k = group.index;
        (self.group_start[k] as usize..self.group_start[k + 1] as usize).map(move |r| {
            let sides = self.run_start[r] as usize..self.run_start[r + 1] as usize;
            Run {
                key6: self.run_key6[r],
                class: self.run_class[r],
                date: &self.date[sides.clone()],
                cum: &self.cum[sides.clone()],
                ship: &self.ship[sides],
            }
        })
    }

    /// Shipments of node `v`, in and out (a shipment from `v` to itself counts once).
    pub fn sides_of(&self, v: Node) -> usize {
        let side = |k: u32| self.run_start[self.group_start[k as usize] as usize] as usize;
        side(self.node_start[v as usize + 1]) - side(self.node_start[v as usize])
    }

    /// Shipment sides held (a shipment counts once per party it has).
    pub fn sides(&self) -> usize {
        self.date.len()
    }

    /// Bytes of heap memory held by the index.
    pub fn heap_bytes(&self) -> usize {
        fn v<T>(x: &Vec<T>) -> usize {
            x.capacity() * std::mem::size_of::<T>()
        }
        v(&self.node_start)
            + v(&self.group_partner)
            + v(&self.group_out)
            + v(&self.group_start)
            + v(&self.run_key6)
            + v(&self.run_class)
            + v(&self.run_start)
            + v(&self.date)
            + v(&self.cum)
            + v(&self.ship)
    }
}
