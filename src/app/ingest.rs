//! Importing a bundle into a case file.

use std::path::Path;

use sha2::Digest;

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
/// A FollowTheMoney `input` of `-` is read from standard input and kept
/// beside the case file as `stdin-SHA12.jsonl` (SHA12: the first 12 hex
/// digits of its SHA-256), so that every record cites a file that exists.
pub fn ingest(case_path: &Path, input: &Path, opts: &Options, source: Source) -> Result<Summary> {
    if super::input::is_dash(input) {
        if source != Source::Ftm {
            return Err(crate::error::Error::usage(
                "BUNDLE",
                "`-` (standard input) is read as FollowTheMoney JSON lines: add --format ftm; a CSV bundle is a folder",
            ));
        }
        let (_, bytes) = super::input::read_all("BUNDLE", input, "FollowTheMoney JSON lines")?;
        let sha = crate::ingest::source::hex(&sha2::Sha256::digest(&bytes));
        let dir = case_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let copy = dir.join(format!("stdin-{}.jsonl", &sha[..12]));
        let kept_before = copy.exists();
        if !kept_before {
            super::write_file(&copy, &bytes)?;
        }
        let r = ingest(case_path, &copy, opts, source);
        if r.is_err() && !kept_before {
            let _ = std::fs::remove_file(&copy);
        }
        return r;
    }
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
