//! Point lookups by bundle id for the interactive workspace (`divtrace serve`).

use rusqlite::params;

use super::Case;
use crate::error::Result;

/// Row ids of the shipments whose bundle id is `input_id` (in batch scope
/// `scope`, or in any). The unique index is on (batch, input_id): the query
/// walks the few batches and probes the index in each, instead of a scan.
pub fn shipment_rows_by_input_id(case: &Case, scope: Option<&str>, input_id: &str) -> Result<Vec<i64>> {
    let mut st = case.conn().prepare_cached(
        "SELECT s.id FROM batch b JOIN shipment s ON s.batch = b.id AND s.input_id = ?1
         WHERE ?2 IS NULL OR b.scope = ?2 ORDER BY s.id",
    )?;
    let v = st.query_map(params![input_id, scope], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(v)
}

/// Row ids of the shipments each bundle id names, as route output writes
/// them: the bare id, or else `SCOPE:ID` for one of `scopes` (the case's
/// batch scopes). One read transaction for all the point reads.
pub fn shipment_rows_by_bundle_ids(case: &Case, ids: &[&str], scopes: &[String]) -> Result<Vec<Vec<i64>>> {
    let tx = case.conn().unchecked_transaction()?;
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        let mut rows = shipment_rows_by_input_id(case, None, id)?;
        if rows.is_empty() {
            for s in scopes {
                if let Some(bare) = id.strip_prefix(s.as_str()).and_then(|r| r.strip_prefix(':')) {
                    rows.extend(shipment_rows_by_input_id(case, Some(s), bare)?);
                }
            }
            rows.sort_unstable();
            rows.dedup();
        }
        out.push(rows);
    }
    tx.commit()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_shipments_by_bundle_id_and_scope_through_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let case = Case::open_or_create(&dir.path().join("c.db")).unwrap();
        case.conn()
            .execute_batch(
                "INSERT INTO batch(id, scope, format, bundle_path, content_sha256, imported_at, tool_version)
                   VALUES (1, 'a', 'csv', '', 'x1', '', ''), (2, 'b', 'csv', '', 'x2', '', '');
                 INSERT INTO batch_file(id, batch, role, path, sha256, rows) VALUES (1, 1, 'shipments', 's.csv', '', 2);
                 INSERT INTO shipment(id, batch, input_id, date, shipper, consignee, hs, src_file, src_line)
                   VALUES (10, 1, 'S1', '2024-01-01', 1, 2, '854231', 1, 2), (11, 2, 'S1', '2024-01-02', 1, 2, '854231', 1, 3),
                          (12, 2, 'S2', '2024-01-03', 1, 2, '854231', 1, 4);",
            )
            .unwrap();
        assert_eq!(shipment_rows_by_input_id(&case, None, "S1").unwrap(), vec![10, 11]);
        assert_eq!(shipment_rows_by_input_id(&case, Some("b"), "S1").unwrap(), vec![11]);
        assert!(shipment_rows_by_input_id(&case, Some("c"), "S1").unwrap().is_empty());
        assert!(shipment_rows_by_input_id(&case, None, "S9").unwrap().is_empty());
        let scopes = vec!["a".to_string(), "b".to_string()];
        let many = shipment_rows_by_bundle_ids(&case, &["S2", "b:S1", "a:S1", "S1", "c:S1", "S9"], &scopes).unwrap();
        assert_eq!(many, vec![vec![12], vec![11], vec![10], vec![10, 11], vec![], vec![]]);
        let plan: Vec<String> = case
            .conn()
            .prepare("EXPLAIN QUERY PLAN SELECT s.id FROM batch b JOIN shipment s ON s.batch = b.id AND s.input_id = 'S1'")
            .unwrap()
            .query_map([], |r| r.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(plan.iter().any(|l| l.contains("shipment_batch_id")), "{plan:?}");
    }
}
