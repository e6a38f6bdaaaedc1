//! Whole-table reads for the columnar export (`divtrace export --format
//! parquet`): every record's bundle id and batch scope in one pass each,
//! instead of the point reads a report makes for the few records it cites.

use crate::error::Result;

use super::Case;

/// A record's labels: `(row id, batch scope, bundle id, name)`; the name is
/// empty for shipments.
pub type RowLabel = (i64, String, String, String);

/// Every entity's `(id, scope, input_id, name)`, in id order.
pub fn entity_labels(case: &Case) -> Result<Vec<RowLabel>> {
    let mut st =
        case.conn().prepare("SELECT e.id, b.scope, e.input_id, e.name FROM entity e JOIN batch b ON b.id = e.batch ORDER BY e.id")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every shipment's `(id, scope, input_id, "")`, in id order.
pub fn shipment_labels(case: &Case) -> Result<Vec<RowLabel>> {
    // Scopes are few: looked up in memory rather than joined per row.
    let mut st = case.conn().prepare("SELECT id, scope FROM batch")?;
    let scopes: std::collections::HashMap<i64, String> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let mut st = case.conn().prepare("SELECT id, batch, input_id FROM shipment ORDER BY id")?;
    let rows = st.query_map([], |r| {
        let batch: i64 = r.get(1)?;
        Ok((r.get(0)?, scopes.get(&batch).cloned().unwrap_or_default(), r.get(2)?, String::new()))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every import batch's `(scope, content_sha256)`, in scope order: what
/// identifies the case's input.
pub fn batches(case: &Case) -> Result<Vec<(String, String)>> {
    let mut st = case.conn().prepare("SELECT scope, content_sha256 FROM batch ORDER BY scope")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
