//! The main job in one flow: ingest one or more bundles into OUT/case.db
//! (each with its own column mapping), resolve it, screen it against the
//! lists given, group the routes of the query (by default from US makers
//! and US-origin goods to Russia and Belarus) into channels, and write the
//! evidence report into OUT.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::export::report::ReportData;
use crate::ingest::{Mapping, Options, Summary};
use crate::routes::{resolve_query, QuerySpec, Selector};
use crate::store::graph::load_graph;

use super::ingest::Source;
use super::resolve::Resolution;
use super::screen::Lists;
use super::CaseFile;

/// One input of an investigation: a CSV bundle folder (with its column
/// mapping, when its layout is not the contract's) or a FollowTheMoney file.
#[derive(Clone, Debug)]
pub struct BundleIn {
    pub path: PathBuf,
    pub mapping: Option<PathBuf>,
}

/// What to investigate and how.
pub struct Plan<'a> {
    pub bundles: &'a [BundleIn],
    /// Where the case file, diagram and report go (created if missing).
    pub out: &'a Path,
    /// The route query; an empty `from` or `to` is [`default_query`]'s.
    pub spec: QuerySpec,
    /// Screening lists and the threshold, when given.
    pub screening: Option<(&'a Lists, f64)>,
    pub progress: bool,
}

/// What [`investigate`] did, step by step.
pub struct Investigation {
    pub case_path: PathBuf,
    /// One import summary per bundle, in the order given.
    pub summaries: Vec<Summary>,
    pub resolution: Resolution,
    /// Accepted list matches stored in the case, when lists were given.
    pub screened: Option<usize>,
    /// The query asked (the default one filled in).
    pub spec: QuerySpec,
    /// What the report step wrote.
    pub report_lines: Vec<String>,
    /// What the report states: the best channels (without those that are
    /// parts of longer ones), their routes, the parties on them by risk.
    pub report: ReportData,
}

/// The question investigate asks by default: US makers or US-origin goods to Russia or Belarus.
pub fn default_query(limit: usize) -> Result<QuerySpec> {
    use crate::routes::QueryField::{From, To};
    Ok(QuerySpec {
        from: vec![Selector::parse(From, "country:US")?, Selector::parse(From, "origin:US")?],
        to: vec![Selector::parse(To, "country:RU")?, Selector::parse(To, "country:BY")?],
        limit: Some(limit),
        ..QuerySpec::default()
    })
}

/// The case file is built beside its final name and renamed into place only
/// when every bundle imported: a failed import leaves OUT as it was.
struct Staged {
    tmp: PathBuf,
    created_out: bool,
    out: PathBuf,
}

impl Staged {
    fn discard(&self) {
        let _ = std::fs::remove_file(&self.tmp);
        for ext in ["-journal", "-wal", "-shm"] {
            let mut p = self.tmp.clone().into_os_string();
            p.push(ext);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
        if self.created_out {
            let _ = std::fs::remove_dir(&self.out);
        }
    }
}

/// Ingests every bundle into a copy of OUT/case.db, then puts it in place.
fn ingest_all(plan: &Plan, case_path: &Path) -> Result<Vec<Summary>> {
    // Every mapping is read first: a bad one stops the run before anything is written.
    let mut mappings = Vec::with_capacity(plan.bundles.len());
    for b in plan.bundles {
        mappings.push(match &b.mapping {
            Some(p) => {
                super::input::not_a_folder("--map", p, "a column mapping file (TOML, docs/ingest.md)")?;
                Some((p.clone(), Mapping::load(p)?))
            }
            None => None,
        });
    }
    let created_out = !plan.out.exists();
    std::fs::create_dir_all(plan.out).map_err(|e| Error::io(plan.out, e))?;
    let staged =
        Staged { tmp: plan.out.join(format!(".case.db.partial-{}", std::process::id())), created_out, out: plan.out.to_path_buf() };
    let run = || -> Result<Vec<Summary>> {
        if case_path.exists() {
            std::fs::copy(case_path, &staged.tmp).map_err(|e| Error::io(case_path, e))?;
        }
        let mut summaries = Vec::new();
        for (b, mapping) in plan.bundles.iter().zip(mappings) {
            let ftm = b.path.is_file();
            if ftm && mapping.is_some() {
                return Err(Error::usage(
                    "--map",
                    format!("{}: column mappings apply to CSV bundles, not to FollowTheMoney files", b.path.display()),
                ));
            }
            let opts = Options { progress: plan.progress, mapping, ..Default::default() };
            let source = if ftm { Source::Ftm } else { Source::Bundle };
            summaries.push(super::ingest::ingest(&staged.tmp, &b.path, &opts, source)?);
        }
        std::fs::rename(&staged.tmp, case_path).map_err(|e| Error::io(case_path, e))?;
        Ok(summaries)
    };
    let r = run();
    if r.is_err() {
        staged.discard();
    }
    r
}

/// Runs the main job.
pub fn investigate(plan: &Plan) -> Result<Investigation> {
    if plan.bundles.is_empty() {
        return Err(Error::usage("BUNDLE", "give at least one case bundle"));
    }
    let case_path = plan.out.join("case.db");
    let summaries = ingest_all(plan, &case_path)?;
    // The same company under several ids breaks routes exactly where they matter: resolve first.
    let resolution = super::resolve::resolve_case(CaseFile::new(&case_path), &[])?;
    let screened = match plan.screening {
        Some((lists, threshold)) => {
            let subject = super::screen::Subject::Case(CaseFile::new(&case_path));
            Some(super::screen::screen(&subject, lists, threshold, false)?.len())
        }
        None => None,
    };
    // An end left open is the default query's end.
    let d = default_query(20)?;
    let pick = |given: &[Selector], default: Vec<Selector>| if given.is_empty() { default } else { given.to_vec() };
    let spec = QuerySpec { from: pick(&plan.spec.from, d.from), to: pick(&plan.spec.to, d.to), ..plan.spec.clone() };
    let case = CaseFile::new(&case_path).open()?;
    let (g, _) = load_graph(&case)?;
    let q = resolve_query(&g, &case, &spec)?;
    // The summary printed and the report written show the same channels: one pick for both.
    let picked = super::report::pick(&g, &q, spec.limit);
    let (report_lines, report) = super::report::write_report(&case, &g, &spec, &q, &picked, plan.out, 60)?;
    Ok(Investigation { case_path, summaries, resolution, screened, spec, report_lines, report })
}
