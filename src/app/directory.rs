//! The case file as the algorithms and their reports see it: [`Directory`]
//! (selectors: ids, names, scopes), [`Lookup`] (labels: records by row id)
//! and [`Records`] (what an assessment reads besides the graph), all
//! answered by `store`.

use std::collections::HashMap;

use crate::assess::report::Records;
use crate::error::Result;
use crate::model::{EntityInfo, EntityLabel, ListingRow, RelationRow, ShipmentInfo};
use crate::routes::report::Lookup;
use crate::routes::Directory;
use crate::store::{assess, graph, Case};

impl Directory for Case {
    fn scopes(&self) -> Result<Vec<String>> {
        graph::scopes(self)
    }
    fn entities_by_input_id(&self, scope: Option<&str>, input_id: &str) -> Result<Vec<(i64, String)>> {
        Ok(graph::entities_by_input_id(self, scope, input_id)?.into_iter().map(|e| (e.id, e.scope)).collect())
    }
    fn entity_names(&self) -> Result<Vec<(i64, Vec<String>)>> {
        graph::entity_names(self)
    }
    fn shipment_batches(&self, rows: &[i64]) -> Result<Vec<(i64, i64)>> {
        graph::shipment_batches(self, rows)
    }
}

impl Lookup for Case {
    fn entities_by_id(&self, ids: &[i64]) -> Result<Vec<EntityInfo>> {
        graph::entities_by_id(self, ids)
    }
    fn shipments_by_id(&self, ids: &[i64]) -> Result<Vec<ShipmentInfo>> {
        graph::shipments_by_id(self, ids)
    }
}

impl Records for Case {
    fn entity_labels(&self) -> Result<Vec<EntityLabel>> {
        assess::entity_labels(self)
    }
    fn listings(&self) -> Result<Vec<ListingRow>> {
        assess::listings(self)
    }
    fn relations(&self) -> Result<Vec<RelationRow>> {
        assess::relations(self)
    }
    fn identifiers(&self) -> Result<Vec<(i64, String, String)>> {
        assess::identifiers(self)
    }
    fn shipment_input_ids(&self, rows: &[i64]) -> Result<HashMap<i64, (String, String)>> {
        assess::shipment_input_ids(self, rows)
    }
}
