//! What counterparty assessment reads from a case file: entities with
//! their labels, list memberships and relations with their dates, and the
//! addresses and identifiers that shared-link detection compares. Trade
//! aggregates come from the in-memory graph (`store::graph::load_graph`),
//! which already holds every shipment's parties, date, HS code, value and origin.

use std::collections::HashMap;

use rusqlite::params_from_iter;

use super::Case;
use crate::error::Result;
use crate::model::{EntityLabel, ListingRow, RelationRow};

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Every entity with its labels and aliases, in id order.
pub fn entity_labels(case: &Case) -> Result<Vec<EntityLabel>> {
    case.ensure_indexes()?;
    let conn = case.conn();
    let mut out: Vec<EntityLabel> = Vec::new();
    let mut st = conn.prepare(
        "SELECT e.id, e.input_id, b.scope, e.name, e.kind, e.country, e.address
         FROM entity e JOIN batch b ON b.id = e.batch ORDER BY e.id",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        out.push(EntityLabel {
            id: r.get(0)?,
            input_id: r.get(1)?,
            scope: r.get(2)?,
            name: r.get(3)?,
            kind: r.get(4)?,
            country: r.get(5)?,
            address: r.get(6)?,
            aliases: Vec::new(),
        });
    }
    let mut st = conn.prepare("SELECT entity, alias FROM entity_alias ORDER BY entity, rowid")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if let Ok(i) = out.binary_search_by_key(&id, |e| e.id) {
            out[i].aliases.push(r.get(1)?);
        }
    }
    Ok(out)
}

/// Every list membership, in row order.
pub fn listings(case: &Case) -> Result<Vec<ListingRow>> {
    let mut st = case.conn().prepare(
        "SELECT l.id, l.entity, l.list, l.program, l.listed_on, b.scope, f.path, l.src_line, l.source
         FROM list_membership l JOIN batch b ON b.id = l.batch JOIN batch_file f ON f.id = l.src_file ORDER BY l.id",
    )?;
    let rows = st.query_map([], |r| {
        let scope: String = r.get(5)?;
        let path: String = r.get(6)?;
        let line: i64 = r.get(7)?;
        Ok(ListingRow {
            id: r.get(0)?,
            entity: r.get(1)?,
            list: r.get(2)?,
            program: r.get(3)?,
            listed_on: r.get(4)?,
            source: r.get(8)?,
            reference: format!("{scope}:{}:{line}", file_name(&path)),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every relation, in row order.
pub fn relations(case: &Case) -> Result<Vec<RelationRow>> {
    let mut st = case.conn().prepare(
        "SELECT r.id, r.from_entity, r.to_entity, r.kind, r.share, r.start, r.\"end\", b.scope, f.path, r.src_line
         FROM relation r JOIN batch b ON b.id = r.batch JOIN batch_file f ON f.id = r.src_file ORDER BY r.id",
    )?;
    let rows = st.query_map([], |r| {
        let scope: String = r.get(7)?;
        let path: String = r.get(8)?;
        let line: i64 = r.get(9)?;
        Ok(RelationRow {
            id: r.get(0)?,
            from: r.get(1)?,
            to: r.get(2)?,
            kind: super::relation_kind(r, 3)?,
            share: r.get(4)?,
            start: r.get(5)?,
            end: r.get(6)?,
            reference: format!("{scope}:{}:{line}", file_name(&path)),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every identifier as (entity, scheme, value), in row order.
pub fn identifiers(case: &Case) -> Result<Vec<(i64, String, String)>> {
    let mut st = case.conn().prepare("SELECT entity, scheme, value FROM entity_identifier ORDER BY rowid")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// `(scope, input_id)` of the shipments with these row ids (missing ids are left out).
pub fn shipment_input_ids(case: &Case, rows: &[i64]) -> Result<HashMap<i64, (String, String)>> {
    let mut out = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(500) {
        let sql = format!(
            "SELECT s.id, b.scope, s.input_id FROM shipment s JOIN batch b ON b.id = s.batch WHERE s.id IN ({})",
            vec!["?"; chunk.len()].join(",")
        );
        let mut st = case.conn().prepare(&sql)?;
        let mut q = st.query(params_from_iter(chunk))?;
        while let Some(r) = q.next()? {
            out.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        }
    }
    Ok(out)
}
