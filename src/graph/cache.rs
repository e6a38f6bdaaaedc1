//! The persisted form of a [`CaseGraph`] (the `graph_cache` BLOB).
//!
//! Layout (all integers little-endian): the magic `DTGRAPH3`, then each
//! array of the graph in declaration order as a `u64` element count
//! followed by its elements at their natural width, then the string tables
//! as a count and length-prefixed UTF-8, then the incoming index
//! (`in_start`, `in_order`). HS codes are stored as they are held: the
//! HS-6 key and the 2-byte tail (format 2 stored the 8-byte code and
//! derived the keys on load). A blob that does not parse (truncated,
//! other format) is reported as `None` and the caller rebuilds from rows.
//!
//! Both directions stream: [`write_to`] encodes array by array through a
//! small buffer into any writer (the store hands it an incremental BLOB
//! handle sized by [`encoded_len`]), and [`read_from`] decodes from any
//! reader straight into the graph's arrays. So saving or loading a graph
//! never holds a second copy of it (at 10,000,000 shipments the copy was
//! 430 MB). Why not map the BLOB instead: SQLite keeps a large BLOB in a
//! chain of overflow pages scattered through the file, so it is not one
//! mappable range; mapping the database file makes every page read count
//! in the process's resident memory and still needs a decode.

use std::io::{Read, Write};

use super::CaseGraph;

/// Bumped whenever the byte layout or the meaning of a field changes.
pub const FORMAT_VERSION: i64 = 3;

const MAGIC: &[u8; 8] = b"DTGRAPH3";

/// Bytes encoded per buffer flush.
const CHUNK: usize = 1 << 16;

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

struct Encoder<W: Write> {
    w: W,
    buf: Vec<u8>,
}

impl<W: Write> Encoder<W> {
    fn flush_if_full(&mut self) -> std::io::Result<()> {
        if self.buf.len() >= CHUNK {
            self.w.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
    fn vec<T: Pod>(&mut self, v: &[T]) -> std::io::Result<()> {
        (v.len() as u64).put(&mut self.buf);
        for &x in v {
            x.put(&mut self.buf);
            self.flush_if_full()?;
        }
        Ok(())
    }
    fn strings(&mut self, v: &[String]) -> std::io::Result<()> {
        (v.len() as u64).put(&mut self.buf);
        for s in v {
            (s.len() as u32).put(&mut self.buf);
            self.buf.extend_from_slice(s.as_bytes());
            self.flush_if_full()?;
        }
        Ok(())
    }
}

/// The exact number of bytes [`write_to`] writes for `g`.
pub fn encoded_len(g: &CaseGraph) -> u64 {
    fn v<T>(x: &[T]) -> u64 {
        8 + std::mem::size_of_val(x) as u64
    }
    fn s(x: &[String]) -> u64 {
        8 + x.iter().map(|s| 4 + s.len() as u64).sum::<u64>()
    }
    MAGIC.len() as u64
        + v(&g.node_entity)
        + v(&g.node_country)
        + v(&g.node_roles)
        + v(&g.node_incorporated)
        + v(&g.member_start)
        + v(&g.members)
        + v(&g.member_country)
        + v(&g.list_start)
        + v(&g.node_list_ids)
        + s(&g.list_names)
        + v(&g.out_start)
        + v(&g.ship_row)
        + v(&g.shipper)
        + v(&g.consignee)
        + v(&g.date)
        + v(&g.key6)
        + v(&g.hs_tail)
        + v(&g.value)
        + v(&g.quantity)
        + v(&g.origin)
        + v(&g.brand)
        + s(&g.brands)
        + v(&g.in_start)
        + v(&g.in_order)
}

/// Writes `g` in the cache format to `w`.
///
/// # Errors
/// The writer's errors.
pub fn write_to(g: &CaseGraph, w: impl Write) -> std::io::Result<()> {
    let mut e = Encoder { w, buf: Vec::with_capacity(CHUNK + 4096) };
    e.buf.extend_from_slice(MAGIC);
    e.vec(&g.node_entity)?;
    e.vec(&g.node_country)?;
    e.vec(&g.node_roles)?;
    e.vec(&g.node_incorporated)?;
    e.vec(&g.member_start)?;
    e.vec(&g.members)?;
    e.vec(&g.member_country)?;
    e.vec(&g.list_start)?;
    e.vec(&g.node_list_ids)?;
    e.strings(&g.list_names)?;
    e.vec(&g.out_start)?;
    e.vec(&g.ship_row)?;
    e.vec(&g.shipper)?;
    e.vec(&g.consignee)?;
    e.vec(&g.date)?;
    e.vec(&g.key6)?;
    e.vec(&g.hs_tail)?;
    e.vec(&g.value)?;
    e.vec(&g.quantity)?;
    e.vec(&g.origin)?;
    e.vec(&g.brand)?;
    e.strings(&g.brands)?;
    e.vec(&g.in_start)?;
    e.vec(&g.in_order)?;
    let Encoder { mut w, buf } = e;
    w.write_all(&buf)?;
    w.flush()
}

/// Serialises a graph to the cache format in memory (tests and small graphs).
pub fn to_bytes(g: &CaseGraph) -> Vec<u8> {
    let mut out = Vec::with_capacity(encoded_len(g) as usize);
    write_to(g, &mut out).expect("writing to a Vec does not fail");
    out
}

struct Decoder<R: Read> {
    r: R,
    /// Bytes not yet read; no count may claim more.
    left: u64,
    buf: Vec<u8>,
}

impl<R: Read> Decoder<R> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if (n as u64) > self.left {
            return None;
        }
        self.buf.resize(n, 0);
        self.r.read_exact(&mut self.buf).ok()?;
        self.left -= n as u64;
        Some(&self.buf)
    }
    fn scalar<T: Pod>(&mut self) -> Option<T> {
        self.take(T::W).map(T::get)
    }
    fn vec<T: Pod>(&mut self) -> Option<Vec<T>> {
        let n = usize::try_from(self.scalar::<u64>()?).ok()?;
        if (n as u64).checked_mul(T::W as u64)? > self.left {
            return None;
        }
        let mut v = Vec::with_capacity(n);
        let per = CHUNK / T::W;
        let mut done = 0;
        while done < n {
            let k = per.min(n - done);
            let bytes = self.take(k * T::W)?;
            v.extend(bytes.chunks_exact(T::W).map(T::get));
            done += k;
        }
        Some(v)
    }
    fn strings(&mut self) -> Option<Vec<String>> {
        let n = usize::try_from(self.scalar::<u64>()?).ok()?;
        if (n as u64).checked_mul(4)? > self.left {
            return None;
        }
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            let len = self.scalar::<u32>()? as usize;
            v.push(String::from_utf8(self.take(len)?.to_vec()).ok()?);
        }
        Some(v)
    }
}

/// Decodes a graph of `len` bytes from `r`; `None` when the bytes are not a
/// consistent graph (or the reader fails).
pub fn read_from(r: impl Read, len: u64) -> Option<CaseGraph> {
    let mut d = Decoder { r, left: len, buf: Vec::with_capacity(CHUNK) };
    if d.take(8)? != MAGIC {
        return None;
    }
    let g = CaseGraph {
        node_entity: d.vec()?,
        node_country: d.vec()?,
        node_roles: d.vec()?,
        node_incorporated: d.vec()?,
        member_start: d.vec()?,
        members: d.vec()?,
        member_country: d.vec()?,
        list_start: d.vec()?,
        node_list_ids: d.vec()?,
        list_names: d.strings()?,
        out_start: d.vec()?,
        ship_row: d.vec()?,
        shipper: d.vec()?,
        consignee: d.vec()?,
        date: d.vec()?,
        key6: d.vec()?,
        hs_tail: d.vec()?,
        value: d.vec()?,
        quantity: d.vec()?,
        origin: d.vec()?,
        brand: d.vec()?,
        brands: d.strings()?,
        in_start: d.vec()?,
        in_order: d.vec()?,
    };
    if d.left != 0 || !consistent(&g) {
        return None;
    }
    if !incoming_sorted(&g) {
        return None;
    }
    Some(g)
}

/// Parses the cache format from memory; `None` when the bytes are not a consistent graph.
pub fn from_bytes(b: &[u8]) -> Option<CaseGraph> {
    read_from(b, b.len() as u64)
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
        && csr_ok(&g.in_start, m)
        && [
            g.shipper.len(),
            g.consignee.len(),
            g.date.len(),
            g.key6.len(),
            g.hs_tail.len(),
            g.value.len(),
            g.quantity.len(),
            g.origin.len(),
            g.brand.len(),
            g.in_order.len(),
        ]
        .iter()
        .all(|&l| l == m)
        && g.node_list_ids.iter().all(|&l| (l as usize) < g.list_names.len())
        && g.brand.iter().all(|&b| (b as usize) < g.brands.len())
        && g.consignee.iter().all(|&c| (c as usize) < n)
        && g.key6.iter().all(|&k| u64::from(k) < 11u64.pow(6))
        && g.hs_tail.iter().all(|&t| u64::from(t) < super::HS_TAIL)
        && (0..n).all(|v| g.shipper[g.out_start[v] as usize..g.out_start[v + 1] as usize].iter().all(|&s| s as usize == v))
}

/// Whether `in_order` lists every shipment once, under its consignee, in
/// (HS-6 key, date) order: the backward pass binary-searches it.
fn incoming_sorted(g: &CaseGraph) -> bool {
    let m = g.shipment_count();
    let mut seen = vec![false; m];
    for v in 0..g.node_count() {
        let seg = &g.in_order[g.in_start[v] as usize..g.in_start[v + 1] as usize];
        for (k, &i) in seg.iter().enumerate() {
            let i = i as usize;
            if i >= m || seen[i] || g.consignee[i] as usize != v {
                return false;
            }
            seen[i] = true;
            if k > 0 {
                let p = seg[k - 1] as usize;
                if (g.key6[p], g.date[p]) > (g.key6[i], g.date[i]) {
                    return false;
                }
            }
        }
    }
    true
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
        let ship = |id: i64, date: i32, a: i64, b: i64| ShipmentRow {
            id,
            date,
            shipper: a,
            consignee: b,
            hs: "854231".into(),
            manufacturer: Some("TEXAS INSTRUMENTS".into()),
            origin: country_code("US"),
            quantity: Some(10.0),
            value_usd: None,
        };
        let (g, _) = CaseGraph::build(ents, vec![ship(7, 19500, 1, 2), ship(8, 19400, 1, 2), ship(9, 19450, 2, 1)]);
        let bytes = to_bytes(&g);
        assert_eq!(bytes.len() as u64, encoded_len(&g));
        let h = from_bytes(&bytes).unwrap();
        assert_eq!(to_bytes(&h), bytes);
        assert_eq!(h.key6, g.key6);
        assert!(h.value[0].is_nan());
        assert_eq!(h.brands, vec!["".to_string(), "TEXAS INSTRUMENTS".into()]);
        assert_eq!(h.in_order, g.in_order);
        // Read through a reader in small pieces, as from a BLOB handle.
        let slow = std::io::BufReader::with_capacity(7, &bytes[..]);
        assert_eq!(to_bytes(&read_from(slow, bytes.len() as u64).unwrap()), bytes);
        assert!(from_bytes(&bytes[..bytes.len() - 3]).is_none());
        let mut bad = bytes.clone();
        bad[0] = b'X';
        assert!(from_bytes(&bad).is_none());
        // An incoming index out of order is refused (the last u32 is in_order's last entry).
        let mut swapped = bytes.clone();
        let l = swapped.len();
        let (a, b) = (swapped[l - 8..l - 4].to_vec(), swapped[l - 4..].to_vec());
        swapped[l - 8..l - 4].copy_from_slice(&b);
        swapped[l - 4..].copy_from_slice(&a);
        assert!(from_bytes(&swapped).is_none());
        // A count larger than the blob is refused before allocating.
        let mut huge = bytes.clone();
        huge[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(from_bytes(&huge).is_none());
    }
}
