//! An open case as a long-running front end holds it (the web workspace of
//! `divtrace serve`): one read-only handle through which it reads the graph,
//! the labels, the records behind an answer, and runs the flows on a graph it
//! keeps in memory. The front end then knows no store type and writes no
//! query of its own; the case file stays the business of this layer.

use std::collections::BTreeMap;
use std::path::Path;

use crate::assess::report::AssessReport;
use crate::assess::Weights;
use crate::error::Result;
use crate::export::diagram::Band;
use crate::graph::CaseGraph;
use crate::model::{EntityLabel, ShipmentInfo};
use crate::routes::QuerySpec;
use crate::store::graph::{load_graph, shipments_by_id};
use crate::store::lookup::shipment_rows_by_input_id;
use crate::store::Case;

pub use crate::store::evidence::{EntityRecord, Evidence, InputFile, ShipmentRecord};

use super::export::Selection;
use super::resolve::DecisionOut;
use super::routes::{Answer, Mode};

/// A case file opened read-only: SQLite refuses every write on it, so a
/// server that holds it cannot change the evidence it shows.
pub struct OpenCase {
    case: Case,
}

impl OpenCase {
    /// Opens `path` read-only (never upgrades its schema or writes a cache).
    pub fn open(path: &Path) -> Result<OpenCase> {
        Ok(OpenCase { case: Case::open_read_only(path)? })
    }

    /// The case file's path as it was opened.
    pub fn path(&self) -> &Path {
        self.case.path()
    }

    /// The case generation (bumped by every import and resolution).
    pub fn generation(&self) -> Result<i64> {
        self.case.generation()
    }

    /// The resolved graph: from its cache when current, else built (and not saved: the file is read-only).
    pub fn graph(&self) -> Result<CaseGraph> {
        Ok(load_graph(&self.case)?.0)
    }

    /// Every entity with its labels and aliases, in id order.
    pub fn entity_labels(&self) -> Result<Vec<EntityLabel>> {
        crate::store::assess::entity_labels(&self.case)
    }

    /// Every identifier as `(entity row, scheme, value)`, in row order.
    pub fn identifiers(&self) -> Result<Vec<(i64, String, String)>> {
        crate::store::assess::identifiers(&self.case)
    }

    /// The shipments with these row ids, labelled (in id order).
    pub fn shipments_by_id(&self, rows: &[i64]) -> Result<Vec<ShipmentInfo>> {
        shipments_by_id(&self.case, rows)
    }

    /// The shipment rows a bundle id names: `id` as written in any scope,
    /// and when none has it, `SCOPE:ID` split at its first colon (a bare id
    /// may itself hold a colon, so the whole text is tried first).
    pub fn shipment_rows(&self, id: &str) -> Result<Vec<i64>> {
        let rows = shipment_rows_by_input_id(&self.case, None, id)?;
        if rows.is_empty() {
            if let Some((scope, bare)) = id.split_once(':') {
                return shipment_rows_by_input_id(&self.case, Some(scope), bare);
            }
        }
        Ok(rows)
    }

    /// The full records of these shipment and entity rows (and the parties of the shipments).
    pub fn evidence(&self, shipment_rows: &[i64], entity_rows: &[i64]) -> Result<Evidence> {
        self.case.evidence(shipment_rows, entity_rows)
    }

    /// The full records of these entities, by row, without their relations
    /// (an entity panel's profile: the relation table is not read).
    pub fn entity_records(&self, entity_rows: &[i64]) -> Result<BTreeMap<i64, EntityRecord>> {
        self.case.entity_records(entity_rows)
    }

    /// The analyst decisions (with their notes) naming any of these entity rows, oldest first.
    pub fn decisions_about(&self, entity_rows: &[i64], multi_scope: bool) -> Result<Vec<DecisionOut>> {
        super::resolve::decisions_about(&self.case, entity_rows, multi_scope)
    }

    /// The lookup indexes the case does not hold yet (see [`Case::missing_lookup_indexes`]).
    pub fn missing_lookup_indexes(&self) -> Result<Vec<&'static str>> {
        self.case.missing_lookup_indexes()
    }

    /// Every input file of every batch, in import order.
    pub fn input_files(&self) -> Result<Vec<InputFile>> {
        self.case.input_files()
    }

    /// Every entity of `g` assessed with `weights` (as `divtrace assess --all`).
    pub fn assess_all(&self, g: &CaseGraph, weights: &Weights) -> Result<AssessReport> {
        super::assess::assess_all_on(&self.case, g, weights)
    }

    /// A route query answered on `g` (as `divtrace routes`).
    pub fn routes(&self, g: &CaseGraph, spec: &QuerySpec, mode: Mode) -> Result<Answer> {
        super::routes::answer_on(&self.case, g, spec, mode)
    }

    /// A hand-picked view of these shipment and entity rows (as [`super::export::view_of`]).
    pub fn view(&self, rows: &[i64], members: &[i64], bands: &BTreeMap<i64, Band>, title: String, notes: Vec<String>) -> Result<Selection> {
        super::export::view_of(&self.case, rows, members, bands, title, notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_case_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("absent.db");
        let text = OpenCase::open(&p).err().expect("no such file").to_string();
        assert!(text.contains("absent.db") && text.contains("no such case file"), "{text}");
        assert!(!p.exists(), "opening created the file");
    }

    /// The small bundle imported twice (scopes `a` and `b`): `S1` is in both.
    fn two_scopes(dir: &Path) -> std::path::PathBuf {
        let case = dir.join("case.db");
        let small = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bundles/small");
        for (scope, value) in [("a", "125000.00"), ("b", "125001.00")] {
            let bundle = dir.join(scope);
            std::fs::create_dir(&bundle).unwrap();
            for f in std::fs::read_dir(&small).unwrap() {
                let f = f.unwrap().path();
                let text = std::fs::read_to_string(&f).unwrap().replace("125000.00", value);
                std::fs::write(bundle.join(f.file_name().unwrap()), text).unwrap();
            }
            let opts = crate::ingest::Options { scope: Some(scope.into()), ..Default::default() };
            super::super::ingest::ingest(&case, &bundle, &opts, super::super::ingest::Source::Bundle).unwrap();
        }
        case
    }

    #[test]
    fn a_shipment_id_is_tried_bare_then_as_scope_and_id() {
        let dir = tempfile::tempdir().unwrap();
        let case = OpenCase::open(&two_scopes(dir.path())).unwrap();
        let both = case.shipment_rows("S1").unwrap();
        assert_eq!(both.len(), 2, "{both:?}");
        let a = case.shipment_rows("a:S1").unwrap();
        let b = case.shipment_rows("b:S1").unwrap();
        assert_eq!((a.len(), b.len()), (1, 1));
        assert_ne!(a, b);
        assert!(both.contains(&a[0]) && both.contains(&b[0]));
        assert!(case.shipment_rows("c:S1").unwrap().is_empty());
        assert!(case.shipment_rows("S999").unwrap().is_empty());
        let info = case.shipments_by_id(&b).unwrap();
        assert_eq!((info[0].scope.as_str(), info[0].input_id.as_str()), ("b", "S1"));
    }
}
