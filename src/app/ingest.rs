//! Importing a bundle into a case file.

use std::path::Path;

use crate::error::Result;
use crate::ingest::{self, Options, Summary};
use crate::store::Case;

/// What to import: a CSV bundle folder or a FollowTheMoney JSON-lines file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Bundle,
    Ftm,
}

/// Ingests into a case file; a case file that this call created is removed
/// again when the import fails, so a failed import leaves nothing behind.
pub fn ingest(case_path: &Path, input: &Path, opts: &Options, source: Source) -> Result<Summary> {
    let existed = case_path.exists();
    let result = Case::open_or_create(case_path).and_then(|mut case| match source {
        Source::Ftm => ingest::ingest_ftm(&mut case, input, opts),
        Source::Bundle => ingest::ingest_bundle(&mut case, input, opts),
    });
    if result.is_err() && !existed {
        let _ = std::fs::remove_file(case_path);
    }
    result
}
