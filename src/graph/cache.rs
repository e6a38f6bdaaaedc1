//! The persisted form of a [`CaseGraph`] (the `graph_cache` BLOB).
//!
//! Layout (all integers little-endian): the magic `DTGRAPH1`, then each
//! array of the graph in declaration order as a `u64` element count
//! followed by its elements at their natural width, then the string tables
//! as a count and length-prefixed UTF-8. The petgraph reverse adjacency is
//! derived, so it is rebuilt on load (O(S log S) on deduplicated pairs)
//! rather than stored. A blob that does not parse (truncated, other
//! format) is reported as `None` and the caller rebuilds from rows.

use super::{reverse_adjacency, CaseGraph};

/// Bumped whenever the byte layout or the meaning of a field changes.
pub const FORMAT_VERSION: i64 = 1;

const MAGIC: &[u8; 8] = b"DTGRAPH1";

trait Pod: Copy {
    const W: usize;
    fn put(self, out: &mut Vec<u8>);
    fn get(b: &[u8]) -> Self;
}

macro_rules! pod {
    ($($t:ty),*) => {$(
        impl Pod for $t {
            const W: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) { out.extend_from_slice(&self.to_le_bytes()); }
            fn get(b: &[u8]) -> Self { <$t>::from_le_bytes(b.try_into().expect("width checked")) }
        }
    )*};
}
pod!(u8, u16, u32, i32, i64, u64, f32);

fn put_vec<T: Pod>(out: &mut Vec<u8>, v: &[T]) {
    (v.len() as u64).put(out);
    out.reserve(v.len() * T::W);
    for &x in v {
        x.put(out);
    }
}

fn put_strings(out: &mut Vec<u8>, v: &[String]) {
    (v.len() as u64).put(out);
    for s in v {
        (s.len() as u32).put(out);
        out.extend_from_slice(s.as_bytes());
    }
}

struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.b.len() < n {
            return None;
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Some(h)
    }
    fn scalar<T: Pod>(&mut self) -> Option<T> {
        self.take(T::W).map(T::get)
    }
    fn vec<T: Pod>(&mut self) -> Option<Vec<T>> {
        let n = usize::try_from(self.scalar::<u64>()?).ok()?;
        let bytes = self.take(n.checked_mul(T::W)?)?;
        Some(bytes.chunks_exact(T::W).map(T::get).collect())
    }
    fn strings(&mut self) -> Option<Vec<String>> {
        let n = usize::try_from(self.scalar::<u64>()?).ok()?;
        let mut v = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let len = self.scalar::<u32>()? as usize;
            v.push(String::from_utf8(self.take(len)?.to_vec()).ok()?);
        }
        Some(v)
    }
}

/// Serialises a graph to the cache format.
pub fn to_bytes(g: &CaseGraph) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + g.shipment_count() * 48 + g.node_count() * 40);
    out.extend_from_slice(MAGIC);
    put_vec(&mut out, &g.node_entity);
    put_vec(&mut out, &g.node_country);
    put_vec(&mut out, &g.node_roles);
    put_vec(&mut out, &g.node_incorporated);
    put_vec(&mut out, &g.member_start);
    put_vec(&mut out, &g.members);
    put_vec(&mut out, &g.member_country);
    put_vec(&mut out, &g.list_start);
    put_vec(&mut out, &g.node_list_ids);
    put_strings(&mut out, &g.list_names);
    put_vec(&mut out, &g.out_start);
    put_vec(&mut out, &g.ship_row);
    put_vec(&mut out, &g.shipper);
    put_vec(&mut out, &g.consignee);
    put_vec(&mut out, &g.date);
    put_vec(&mut out, &g.hs);
    put_vec(&mut out, &g.value);
    put_vec(&mut out, &g.quantity);
    put_vec(&mut out, &g.origin);
    put_vec(&mut out, &g.brand);
    put_strings(&mut out, &g.brands);
    out
}

/// Parses the cache format; `None` when the bytes are not a consistent graph.
pub fn from_bytes(b: &[u8]) -> Option<CaseGraph> {
    let mut r = Reader { b };
    if r.take(8)? != MAGIC {
        return None;
    }
    let mut g = CaseGraph {
        node_entity: r.vec()?,
        node_country: r.vec()?,
        node_roles: r.vec()?,
        node_incorporated: r.vec()?,
        member_start: r.vec()?,
        members: r.vec()?,
        member_country: r.vec()?,
        list_start: r.vec()?,
        node_list_ids: r.vec()?,
        list_names: r.strings()?,
        out_start: r.vec()?,
        ship_row: r.vec()?,
        shipper: r.vec()?,
        consignee: r.vec()?,
        date: r.vec()?,
        hs: r.vec()?,
        value: r.vec()?,
        quantity: r.vec()?,
        origin: r.vec()?,
        brand: r.vec()?,
        brands: r.strings()?,
        reverse: petgraph::csr::Csr::new(),
    };
    if !r.b.is_empty() || !consistent(&g) {
        return None;
    }
    g.reverse = reverse_adjacency(&g.shipper, &g.consignee, g.node_count());
    Some(g)
}

/// Checks the invariants the search indexes by, so a damaged blob cannot cause a panic.
fn consistent(g: &CaseGraph) -> bool {
    let n = g.node_count();
    let m = g.ship_row.len();
    let csr_ok = |start: &[u32], len: usize| {
        start.len() == n + 1 && start[0] == 0 && start[n] as usize == len && start.windows(2).all(|w| w[0] <= w[1])
    };
    [g.node_country.len(), g.node_roles.len(), g.node_incorporated.len()].iter().all(|&l| l == n)
        && g.member_country.len() == g.members.len()
        && csr_ok(&g.member_start, g.members.len())
        && csr_ok(&g.list_start, g.node_list_ids.len())
        && csr_ok(&g.out_start, m)
        && [g.shipper.len(), g.consignee.len(), g.date.len(), g.hs.len(), g.value.len(), g.quantity.len(), g.origin.len(), g.brand.len()]
            .iter()
            .all(|&l| l == m)
        && g.node_list_ids.iter().all(|&l| (l as usize) < g.list_names.len())
        && g.brand.iter().all(|&b| (b as usize) < g.brands.len())
        && g.consignee.iter().all(|&c| (c as usize) < n)
        && (0..n).all(|v| g.shipper[g.out_start[v] as usize..g.out_start[v + 1] as usize].iter().all(|&s| s as usize == v))
}

#[cfg(test)]
mod tests {
    use super::super::{country_code, EntityRow, ShipmentRow, NO_DATE};
    use super::*;

    #[test]
    fn round_trip_is_exact_and_damage_is_detected() {
        let ents = vec![
            EntityRow { id: 1, cluster: 1, country: country_code("US"), roles: 1, incorporated: NO_DATE, lists: vec![] },
            EntityRow { id: 2, cluster: 2, country: country_code("TR"), roles: 4, incorporated: 19000, lists: vec!["sdn".into()] },
        ];
        let ships = vec![ShipmentRow {
            id: 7,
            date: 19500,
            shipper: 1,
            consignee: 2,
            hs: "854231".into(),
            manufacturer: Some("TEXAS INSTRUMENTS".into()),
            origin: country_code("US"),
            quantity: Some(10.0),
            value_usd: None,
        }];
        let (g, _) = CaseGraph::build(ents, ships);
        let bytes = to_bytes(&g);
        let h = from_bytes(&bytes).unwrap();
        assert_eq!(to_bytes(&h), bytes);
        assert!(h.value[0].is_nan());
        assert_eq!(h.brands, vec!["".to_string(), "TEXAS INSTRUMENTS".into()]);
        assert_eq!(h.reverse.neighbors_slice(1), &[0]);
        assert!(from_bytes(&bytes[..bytes.len() - 3]).is_none());
        let mut bad = bytes.clone();
        bad[0] = b'X';
        assert!(from_bytes(&bad).is_none());
    }
}
