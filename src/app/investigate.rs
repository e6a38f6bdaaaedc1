//! The main job in one flow: ingest a bundle into OUT/case.db, resolve it,
//! group the routes from US makers and US-origin goods to Russia and Belarus
//! into channels, and write the evidence report into OUT.

use std::path::{Path, PathBuf};

use crate::assess::report::AssessmentOut;
use crate::error::{Error, Result};
use crate::ingest::{Options, Summary};
use crate::refdata::goods::GoodsLists;
use crate::routes::group::{drop_subchains, group_routes};
use crate::routes::report::{channels_report, RoutesReport};
use crate::routes::{resolve_query, QuerySpec, Selector};
use crate::store::graph::load_graph;

use super::ingest::Source;
use super::resolve::Resolution;
use super::CaseFile;

/// What [`investigate`] did, step by step.
pub struct Investigation {
    pub case_path: PathBuf,
    pub summary: Summary,
    pub resolution: Resolution,
    /// The best channels, without those that are parts of longer ones.
    pub channels: RoutesReport,
    /// How many channels were left out as parts of longer ones.
    pub hidden: usize,
    /// What the report step wrote.
    pub report_lines: Vec<String>,
    /// The parties drawn in the report, by risk.
    pub assessments: Vec<AssessmentOut>,
}

/// The question investigate asks: US makers or US-origin goods to Russia or Belarus.
pub fn default_query(limit: usize) -> Result<QuerySpec> {
    let sel = |flag: &str, s: &str| Selector::parse(flag, s);
    Ok(QuerySpec {
        from: vec![sel("--from", "country:US")?, sel("--from", "origin:US")?],
        to: vec![sel("--to", "country:RU")?, sel("--to", "country:BY")?],
        limit: Some(limit),
        ..QuerySpec::default()
    })
}

/// Runs the main job on `bundle` into the folder `out`, listing `limit` channels.
/// `goods` lists count as controlled goods; `controlled` keeps only controlled goods.
pub fn investigate(bundle: &Path, out: &Path, limit: usize, progress: bool, goods: &GoodsLists, controlled: bool) -> Result<Investigation> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let case_path = out.join("case.db");
    let opts = Options { progress, ..Default::default() };
    let summary = super::ingest::ingest(&case_path, bundle, &opts, Source::Bundle)?;
    // The same company under several ids breaks routes exactly where they matter: resolve first.
    let resolution = super::resolve::resolve_case(CaseFile::new(&case_path), &[])?;
    let case = CaseFile::new(&case_path).open()?;
    // Ask for more channels than shown: sub-chains are dropped from the summary.
    let spec = QuerySpec { goods: goods.clone(), controlled, ..default_query(limit * 5)? };
    let (g, _) = load_graph(&case)?;
    let q = resolve_query(&g, &case, &spec)?;
    let mut grouped = group_routes(&g, &q);
    // A channel whose chain lies inside a longer channel's chain (same goods) is part of
    // that story, not a new one: the summary shows the longer one only.
    let hidden = drop_subchains(&mut grouped);
    grouped.channels.truncate(limit);
    let channels = channels_report(&case, &g, &spec, &q, &grouped)?;
    let report_spec = QuerySpec { limit: Some(20), goods: goods.clone(), controlled, ..default_query(20)? };
    let (report_lines, assessments) = super::report::write_report(&case, &report_spec, out, 60)?;
    Ok(Investigation { case_path, summary, resolution, channels, hidden, report_lines, assessments })
}
