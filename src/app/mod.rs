//! The application layer: one typed flow per thing a user asks of a case.
//! Each flow opens what it needs (case file, lists, weights), runs the
//! algorithms of `routes`, `assess` and `resolve`, labels the result with
//! bundle ids and source lines, and returns a typed value. Front ends — the
//! command line in `src/cli/`, later a web workspace or a Spark job — parse
//! their input, call one flow and print or serve what it returns; no front
//! end runs another's code.
//!
//! | flow | returns |
//! |---|---|
//! | [`ingest::ingest`] | an import [`crate::ingest::Summary`] |
//! | [`resolve::resolve_case`] | clusters, borderline pairs, manufacturer links |
//! | [`screen::screen`] | list matches (stored as memberships for a case) |
//! | [`routes::route_query`] | routes, channels or an explanation ([`crate::routes::report`]) |
//! | [`routes::hubs`] | the intermediaries that carry the routes |
//! | [`assess::assess`] | scores, bands and factors ([`crate::assess::report`]) |
//! | [`export::routes_selection`], [`export::neighbourhood`] | evidence and a diagram |
//! | [`report::report`] | an evidence report written to a folder |
//! | [`investigate::investigate`] | the main job: all of the above on one bundle |

pub mod assess;
mod directory;
pub mod export;
pub mod ingest;
pub mod investigate;
pub mod report;
pub mod resolve;
pub mod routes;
pub mod screen;

use std::path::Path;

use crate::error::{Error, Result};
pub use crate::store::info::{CaseInfo, GoodsListCount};

/// Writes `bytes` to `path`, creating its folder.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

/// What a case file holds: counts, dates, countries, HS headings, import
/// batches; and, when goods lists are given, the shipments on each.
pub fn info(case_path: &Path, top: usize, goods: Option<&crate::refdata::goods::GoodsLists>) -> Result<(CaseInfo, Vec<GoodsListCount>)> {
    let case = crate::store::Case::open(case_path)?;
    let info = case.info(top)?;
    let lists = goods.map(|g| case.goods_counts(g)).transpose()?.unwrap_or_default();
    Ok((info, lists))
}
