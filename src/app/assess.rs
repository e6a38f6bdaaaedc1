//! Counterparty assessment of a case's entities, a customer list, or all.

use std::path::Path;

use crate::assess::customers::{parse_customers, CustomerRow};
use crate::assess::report::{assess_report, AssessReport, Selection};
use crate::assess::Weights;
use crate::error::{Error, Result};
use crate::graph::CaseGraph;
use crate::store::graph::load_graph;
use crate::store::Case;

use super::CaseFile;

/// Which entities to assess.
pub enum Who<'a> {
    All,
    /// Bundle ids (`ID` or `SCOPE:ID`) or names.
    Entities(&'a [String]),
    /// A customer list (CSV) and the column holding names or ids.
    CustomerList {
        path: &'a Path,
        column: Option<&'a str>,
    },
}

/// Reads `--weights FILE`: the bundled defaults overridden key by key.
pub fn weights_from_file(file: &Path) -> Result<Weights> {
    let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
    Weights::from_text(file, &text)
}

/// Reads a customer list.
pub fn read_customers(path: &Path, column: Option<&str>) -> Result<Vec<CustomerRow>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_customers(path, &bytes, column)
}

/// Assesses `who` in `case`; keeps assessments scoring at least `min_score`.
pub fn assess(case: CaseFile, weights: &Weights, who: &Who, min_score: u32) -> Result<AssessReport> {
    let customers = match who {
        Who::CustomerList { path, column } => Some(read_customers(path, *column)?),
        _ => None,
    };
    let case = case.open()?;
    let (g, _) = load_graph(&case)?;
    let sel = match (who, &customers) {
        (_, Some(rows)) => Selection::Customers(rows),
        (Who::Entities(ids), None) => Selection::Entities(ids),
        _ => Selection::All,
    };
    let mut rep = assess_report(&case, &g, weights, &sel)?;
    rep.assessments.retain(|x| x.score >= min_score);
    Ok(rep)
}

/// Assesses every entity of a case and graph the caller holds open (the
/// workspace assesses once at start-up), as `assess --all` does.
pub fn assess_all_on(case: &Case, g: &CaseGraph, weights: &Weights) -> Result<AssessReport> {
    assess_report(case, g, weights, &Selection::All)
}
