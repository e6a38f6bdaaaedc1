//! The application layer: one typed flow per thing a user asks of a case.
//! Each flow opens what it needs (case file, lists, weights), runs the
//! algorithms of `routes`, `assess` and `resolve`, labels the result with
//! bundle ids and source lines, and returns a typed value. Front ends — the
//! command line in `src/cli/`, later a web workspace or a Spark job — parse
//! their input, call one flow and print or serve what it returns; no front
//! end runs another's code. A front end that keeps a case open between
//! requests (the web workspace) holds it as one [`workspace::OpenCase`].
//!
//! | flow | returns |
//! |---|---|
//! | [`ingest::ingest`] | an import [`crate::ingest::Summary`] |
//! | [`resolve::resolve_case`] | clusters, borderline pairs, manufacturer links |
//! | [`screen::screen`] | list matches (stored as memberships for a case) |
//! | [`routes::route_query`] | routes, channels or an explanation ([`crate::routes::report`]) |
//! | [`import_routes::import_routes`] | the same, for routes the Spark job found |
//! | [`routes::hubs`] | the intermediaries that carry the routes |
//! | [`assess::assess`] | scores, bands and factors ([`crate::assess::report`]) |
//! | [`export::routes_selection`], [`export::neighbourhood`] | evidence and a diagram |
//! | [`report::report`] | an evidence report written to a folder |
//! | [`investigate::investigate`] | the main job: all of the above on one bundle |

pub mod assess;
mod directory;
pub mod export;
pub mod export_parquet;
pub mod import_routes;
pub mod ingest;
pub mod input;
pub mod investigate;
pub mod report;
pub mod resolve;
pub mod routes;
pub mod screen;
pub mod workspace;

use std::path::Path;

use crate::error::{Field, FieldError, Result};
pub use crate::store::info::{CaseInfo, GoodsListCount};
use crate::store::{Access, Case};

/// A case file as the user named it, and whether it must be left untouched
/// (`--read-only`: SQLite's immutable mode, for evidence on read-only media).
/// Reading flows open it with [`CaseFile::open`], which works on a file the
/// user may not write and never creates or initialises one; flows that change
/// the case use [`CaseFile::open_for_change`], which says so when it cannot.
#[derive(Clone, Copy, Debug)]
pub struct CaseFile<'a> {
    pub path: &'a Path,
    pub read_only: bool,
}

impl<'a> CaseFile<'a> {
    /// A case file opened normally (read-write where a flow changes it).
    pub fn new(path: &'a Path) -> Self {
        CaseFile { path, read_only: false }
    }

    /// Opens the case for reading.
    pub fn open(&self) -> Result<Case> {
        Case::open_as(self.path, if self.read_only { Access::Immutable } else { Access::Read })
    }

    /// Opens the case for `command`, which changes it: a clear error when
    /// `read_only` is set (naming [`Field::ReadOnly`], so the CLI can say
    /// which flag to leave out) or without write access to the file.
    pub fn open_for_change(&self, command: &str) -> Result<Case> {
        if self.read_only {
            let e = FieldError::new(Field::ReadOnly, format!("{command} changes the case file; leave out ")).mention(Field::ReadOnly, "");
            return Err(e.into());
        }
        Case::open_as(self.path, Access::Write)
    }
}

/// Writes `bytes` to `path` atomically (a temporary file beside it, then
/// rename), creating its folder: a failed write leaves no truncated file.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::atomic::write_file(path, bytes)
}

/// What a case file holds: counts, dates, countries, HS headings, import
/// batches; and, when goods lists are given, the shipments on each.
pub fn info(case: CaseFile, top: usize, goods: Option<&crate::refdata::goods::GoodsLists>) -> Result<(CaseInfo, Vec<GoodsListCount>)> {
    let case = case.open()?;
    let info = case.info(top)?;
    let lists = goods.map(|g| case.goods_counts(g)).transpose()?.unwrap_or_default();
    Ok((info, lists))
}
