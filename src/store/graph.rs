//! What the route search reads from a case file: the rows the graph is
//! built from, the persisted graph (`graph_cache`), and the entity and
//! shipment attributes that selectors and reports need.
//!
//! Keeping the cache in step: every change to the records a graph is built
//! from (entity, entity_cluster, list_membership, shipment) happens in a
//! transaction that calls [`Case::bump_generation`]. The cache row stores
//! the generation it was built from and the [`cache::FORMAT_VERSION`];
//! [`load_graph`] uses it only when both match, otherwise it rebuilds from
//! rows and writes the new blob back (replacing the old row). Writing the
//! cache does not bump the generation: it is derived data.

use rusqlite::types::ValueRef;
use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::graph::{cache, country_code, CaseGraph, EntityRow, GraphBuilder, NO_DATE};
use crate::model::{Day, EntityInfo, Roles, ShipmentInfo};

use super::Case;

/// How [`load_graph`] obtained the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphLoad {
    /// True when the graph came from a current `graph_cache` row.
    pub from_cache: bool,
    /// True when a rebuilt graph was written back to `graph_cache`.
    pub saved: bool,
    /// Shipment row ids that could not be placed (unknown endpoint or bad HS code).
    pub skipped: Vec<i64>,
}

/// Loads the case's graph, from the cache when it is current, else from
/// rows (then saving the cache; a read-only case file is not an error).
pub fn load_graph(case: &Case) -> Result<(CaseGraph, GraphLoad)> {
    let generation = case.generation()?;
    if let Some(g) = read_cache(case, generation)? {
        return Ok((g, GraphLoad { from_cache: true, saved: false, skipped: Vec::new() }));
    }
    let (g, skipped) = build_from_rows(case)?;
    let saved = write_cache(case, generation, &g).is_ok();
    Ok((g, GraphLoad { from_cache: false, saved, skipped }))
}

/// The graph built from the case's rows, ignoring any cache.
pub fn build_from_rows(case: &Case) -> Result<(CaseGraph, Vec<i64>)> {
    let conn = case.conn();
    let mut lists: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    {
        let mut st = conn.prepare("SELECT entity, list FROM list_membership")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            lists.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
    }
    let mut entities = Vec::new();
    {
        let mut st = conn.prepare(
            "SELECT e.id, COALESCE(c.cluster, e.id), e.country, e.roles, e.incorporated
             FROM entity e LEFT JOIN entity_cluster c ON c.entity = e.id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let country: Option<String> = r.get(2)?;
            let roles: String = r.get(3)?;
            let inc: Option<String> = r.get(4)?;
            entities.push(EntityRow {
                id,
                cluster: r.get(1)?,
                country: country.as_deref().map_or(0, country_code),
                roles: Roles::from_list(&roles).0,
                incorporated: inc.as_deref().and_then(Day::parse_iso).map_or(NO_DATE, |d| d.0),
                lists: lists.remove(&id).unwrap_or_default(),
            });
        }
    }
    // Rows go straight into the builder's columns: no row structs held (see `graph::GraphBuilder`).
    let count: i64 = conn.query_row("SELECT count(*) FROM shipment", [], |r| r.get(0))?;
    let mut b = GraphBuilder::new(entities);
    b.reserve(usize::try_from(count).unwrap_or(0));
    // Dates are validated by ingest; a row that still does not parse cannot be placed in time.
    let mut bad_dates = Vec::new();
    let mut st =
        conn.prepare("SELECT id, date, shipper, consignee, hs, manufacturer, origin_country, quantity, value_usd FROM shipment")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let Some(date) = r.get_ref(1)?.as_str().ok().and_then(Day::parse_iso) else {
            bad_dates.push(id);
            continue;
        };
        b.push(
            id,
            date.0,
            r.get(2)?,
            r.get(3)?,
            opt_str(r, 4)?.unwrap_or(""),
            opt_str(r, 5)?,
            opt_str(r, 6)?.map_or(0, country_code),
            r.get(7)?,
            r.get(8)?,
        );
    }
    let (g, mut skipped) = b.finish();
    skipped.extend(bad_dates);
    skipped.sort_unstable();
    Ok((g, skipped))
}

/// A text column borrowed from the row (NULL and non-text values as `None`:
/// a shipment whose HS code is not text cannot be placed and is skipped).
fn opt_str<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> Result<Option<&'r str>> {
    Ok(match r.get_ref(i)? {
        ValueRef::Text(t) => std::str::from_utf8(t).ok(),
        _ => None,
    })
}

/// The cached graph when its generation and format are current.
pub fn read_cache(case: &Case, generation: i64) -> Result<Option<CaseGraph>> {
    let conn = case.conn();
    let current: Option<i64> = conn
        .query_row(
            "SELECT rowid FROM graph_cache WHERE id = 1 AND generation = ?1 AND format_version = ?2",
            params![generation, cache::FORMAT_VERSION],
            |r| r.get(0),
        )
        .optional()?;
    let Some(rowid) = current else { return Ok(None) };
    // The blob is hundreds of MB on a large case: decode it straight from an
    // incremental BLOB handle into the graph's arrays (a column read would
    // assemble a copy of it in memory first).
    let blob = conn.blob_open(rusqlite::MAIN_DB, "graph_cache", "data", rowid, true)?;
    let len = blob.len() as u64;
    Ok(cache::read_from(std::io::BufReader::with_capacity(1 << 20, blob), len))
}

/// Stores `g` as the cache for `generation`, replacing any older one.
///
/// Description: reserves a zero-filled BLOB of the encoded size and
/// streams the encoding into it, in one transaction (a read-only or
/// locked case file fails here, which the caller may ignore).
pub fn write_cache(case: &Case, generation: i64, g: &CaseGraph) -> Result<()> {
    let conn = case.conn();
    let len = cache::encoded_len(g);
    let len = i64::try_from(len).map_err(|_| crate::error::Error::Other("graph too large for the cache".into()))?;
    let tx = conn.unchecked_transaction()?;
    conn.execute(
        "INSERT OR REPLACE INTO graph_cache (id, generation, format_version, data) VALUES (1, ?1, ?2, zeroblob(?3))",
        params![generation, cache::FORMAT_VERSION, len],
    )?;
    {
        let blob = conn.blob_open(rusqlite::MAIN_DB, "graph_cache", "data", 1, false)?;
        let w = std::io::BufWriter::with_capacity(1 << 20, blob);
        cache::write_to(g, w).map_err(|e| crate::error::Error::Other(format!("writing the graph cache: {e}")))?;
    }
    tx.commit()?;
    Ok(())
}

const ENTITY_COLS: &str = "e.id, e.input_id, b.scope, e.name, e.country, e.incorporated, f.path, e.src_line
     FROM entity e JOIN batch b ON b.id = e.batch JOIN batch_file f ON f.id = e.src_file";

fn entity_from_row(r: &rusqlite::Row) -> Result<EntityInfo> {
    Ok(EntityInfo {
        id: r.get(0)?,
        input_id: r.get(1)?,
        scope: r.get(2)?,
        name: r.get(3)?,
        country: r.get(4)?,
        incorporated: r.get(5)?,
        src_path: r.get(6)?,
        src_line: r.get(7)?,
    })
}

/// Entities whose bundle id is `input_id`, in any batch or in the batch `scope`.
pub fn entities_by_input_id(case: &Case, scope: Option<&str>, input_id: &str) -> Result<Vec<EntityInfo>> {
    let sql = format!("SELECT {ENTITY_COLS} WHERE e.input_id = ?1 AND (?2 IS NULL OR b.scope = ?2) ORDER BY e.id");
    let mut st = case.conn().prepare(&sql)?;
    let mut rows = st.query(params![input_id, scope])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(entity_from_row(r)?);
    }
    Ok(out)
}

/// The entities with the given row ids (missing ids are left out), in id order.
pub fn entities_by_id(case: &Case, ids: &[i64]) -> Result<Vec<EntityInfo>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let tx = case.conn().unchecked_transaction()?;
    let sql = format!("SELECT {ENTITY_COLS} WHERE e.id = ?1");
    let mut st = case.conn().prepare(&sql)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let mut rows = st.query([id])?;
        if let Some(r) = rows.next()? {
            out.push(entity_from_row(r)?);
        }
    }
    drop(st);
    tx.commit()?;
    Ok(out)
}

/// The aliases of an entity, sorted.
pub fn entity_aliases(case: &Case, id: i64) -> Result<Vec<String>> {
    let mut st = case.conn().prepare_cached("SELECT alias FROM entity_alias WHERE entity = ?1 ORDER BY alias")?;
    let v = st.query_map([id], |a| a.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(v)
}

/// Every entity's id with its name and aliases (for name selectors), in id order.
pub fn entity_names(case: &Case) -> Result<Vec<(i64, Vec<String>)>> {
    let conn = case.conn();
    let mut out: Vec<(i64, Vec<String>)> = Vec::new();
    let mut st = conn.prepare("SELECT id, name FROM entity ORDER BY id")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        out.push((r.get(0)?, vec![r.get(1)?]));
    }
    let mut st = conn.prepare("SELECT entity, alias FROM entity_alias ORDER BY entity, alias")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if let Ok(i) = out.binary_search_by_key(&id, |e| e.0) {
            out[i].1.push(r.get(1)?);
        }
    }
    Ok(out)
}

/// The distinct batch scopes of the case, sorted.
pub fn scopes(case: &Case) -> Result<Vec<String>> {
    let mut st = case.conn().prepare("SELECT scope FROM batch ORDER BY scope")?;
    let v = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(v)
}

/// `(shipment.id, batch)` of the given shipment rows (missing ids are left out).
pub fn shipment_batches(case: &Case, rows: &[i64]) -> Result<Vec<(i64, i64)>> {
    let conn = case.conn();
    let tx = conn.unchecked_transaction()?;
    let mut st = conn.prepare_cached("SELECT batch FROM shipment WHERE id = ?1")?;
    let mut out = Vec::with_capacity(rows.len());
    for &r in rows {
        if let Some(b) = st.query_row([r], |x| x.get::<_, i64>(0)).optional()? {
            out.push((r, b));
        }
    }
    drop(st);
    tx.commit()?;
    Ok(out)
}

/// The shipments with the given row ids (missing ids are left out), in id order.
pub fn shipments_by_id(case: &Case, ids: &[i64]) -> Result<Vec<ShipmentInfo>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let conn = case.conn();
    // One read transaction for all the point reads: otherwise each takes and drops the file lock.
    let tx = conn.unchecked_transaction()?;
    // Scopes and file paths are few: look them up in memory, not by a join per row.
    let small = |sql: &str| -> Result<std::collections::HashMap<i64, String>> {
        let mut st = conn.prepare(sql)?;
        let m = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(m)
    };
    let scopes = small("SELECT id, scope FROM batch")?;
    let paths = small("SELECT id, path FROM batch_file")?;
    let mut st = conn.prepare(
        "SELECT id, batch, input_id, date, hs, description, manufacturer, origin_country,
                quantity, unit, value_usd, source, src_file, src_line, value, currency, usd_rate, usd_rate_source
         FROM shipment WHERE id >= ?1 ORDER BY id",
    )?;
    let mut out = Vec::with_capacity(ids.len());
    rows_by_sorted_ids(&mut st, &ids, |r| {
        let batch: i64 = r.get(1)?;
        let file: i64 = r.get(12)?;
        out.push(ShipmentInfo {
            id: r.get(0)?,
            input_id: r.get(2)?,
            scope: scopes.get(&batch).cloned().unwrap_or_default(),
            date: r.get(3)?,
            hs: r.get(4)?,
            description: r.get(5)?,
            manufacturer: r.get(6)?,
            origin_country: r.get(7)?,
            quantity: r.get(8)?,
            unit: r.get(9)?,
            value_usd: r.get(10)?,
            value: r.get(14)?,
            currency: r.get(15)?,
            usd_rate: r.get(16)?,
            usd_rate_source: r.get(17)?,
            source: r.get(11)?,
            batch,
            src_path: paths.get(&file).cloned().unwrap_or_default(),
            src_line: r.get(13)?,
        });
        Ok(())
    })?;
    drop(st);
    tx.commit()?;
    Ok(out)
}

/// Calls `f` on the rows whose id (column 0) is in `ids` (ascending,
/// distinct; missing ids are skipped), with `st` a statement
/// `... WHERE id >= ?1 ORDER BY id` on a rowid table.
///
/// Description: a report cites thousands of rows, often neighbours (a
/// scheme's shipments were written together). Stepping the cursor past a
/// few rows costs less than a new B-tree descent, so the cursor steps
/// while the next id is near and seeks again past a gap.
///
/// Complexity: O(k log n) for k ids in a table of n rows at worst, O(n) at best.
fn rows_by_sorted_ids(st: &mut rusqlite::Statement, ids: &[i64], mut f: impl FnMut(&rusqlite::Row) -> Result<()>) -> Result<()> {
    // Rows to step past before seeking instead (a leaf page holds tens of rows).
    const NEAR: i64 = 16;
    let mut i = 0;
    while i < ids.len() {
        let mut rows = st.query([ids[i]])?;
        let mut table_ended = true;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            while i < ids.len() && ids[i] < id {
                i += 1;
            }
            if i == ids.len() {
                table_ended = false;
                break;
            }
            if ids[i] == id {
                f(r)?;
                i += 1;
                if i == ids.len() {
                    table_ended = false;
                    break;
                }
            }
            if ids[i] - id > NEAR {
                table_ended = false;
                break;
            }
        }
        if table_ended {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every wanted id that exists is visited once, in order, whatever the
    /// gaps: near ids (stepped to), far ids (sought), missing ids, ids past the end.
    #[test]
    fn rows_by_sorted_ids_visits_exactly_the_existing_ids() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").unwrap();
        let present: Vec<i64> = (1..=500).filter(|i| i % 7 != 3).collect();
        for &i in &present {
            conn.execute("INSERT INTO t VALUES (?1, ?2)", params![i, format!("v{i}")]).unwrap();
        }
        let mut st = conn.prepare("SELECT id, v FROM t WHERE id >= ?1 ORDER BY id").unwrap();
        for wanted in [vec![], vec![1], vec![3], vec![2, 3, 4, 5, 40, 41, 300, 499, 500, 501, 9000], (0..600).collect(), vec![10, 200, 480]]
        {
            let mut seen = Vec::new();
            rows_by_sorted_ids(&mut st, &wanted, |r| {
                let (id, v): (i64, String) = (r.get(0)?, r.get(1)?);
                assert_eq!(v, format!("v{id}"));
                seen.push(id);
                Ok(())
            })
            .unwrap();
            let expected: Vec<i64> = wanted.iter().copied().filter(|i| present.contains(i)).collect();
            assert_eq!(seen, expected, "wanted {wanted:?}");
        }
    }
}
