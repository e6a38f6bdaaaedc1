//! Route queries: routes, channels, explanations and hubs, labelled.

use crate::assess::hubs as hub_search;
use crate::assess::report::{hubs_report, HubsReport};
use crate::error::Result;
use crate::graph::CaseGraph;
use crate::routes::collect::Found;
use crate::routes::report::{channels_report, explain_report, routes_report, routes_stream, ExplainReport, RoutesReport, RoutesStream};
use crate::routes::{collect_routes, explain::explain, group::group_routes, resolve_query, Query, QuerySpec};
use crate::store::{graph::load_graph, Case};

use super::CaseFile;

/// What a route query returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The best routes, each hop with its declaration.
    Routes,
    /// Routes folded into channels (same chain of entities, same HS digits).
    Channels,
    /// Why no route connects the two ends.
    Explain,
}

/// The answer of [`route_query`].
pub enum Answer {
    Routes(RoutesReport),
    Explain(ExplainReport),
}

/// A case opened for route queries: the case file, its graph and a resolved query.
pub struct Loaded {
    pub case: Case,
    pub graph: CaseGraph,
    pub query: Query,
}

/// Opens the case, loads its graph and resolves `spec` against it.
pub fn load(case: CaseFile, spec: &QuerySpec) -> Result<Loaded> {
    let case = case.open()?;
    let (graph, _) = load_graph(&case)?;
    let query = resolve_query(&graph, &case, spec)?;
    Ok(Loaded { case, graph, query })
}

/// Runs a route query on a case file.
pub fn route_query(case: CaseFile, spec: &QuerySpec, mode: Mode) -> Result<(Loaded, Answer)> {
    let l = load(case, spec)?;
    let answer = answer(&l, spec, mode)?;
    Ok((l, answer))
}

/// The answer of a query on an opened case.
pub fn answer(l: &Loaded, spec: &QuerySpec, mode: Mode) -> Result<Answer> {
    answer_resolved(&l.case, &l.graph, spec, &l.query, mode)
}

/// A query on a case and graph the caller holds open (the workspace keeps
/// one graph for every request): resolves `spec`, then answers as [`answer`].
pub fn answer_on(case: &Case, g: &CaseGraph, spec: &QuerySpec, mode: Mode) -> Result<Answer> {
    let q = resolve_query(g, case, spec)?;
    answer_resolved(case, g, spec, &q, mode)
}

fn answer_resolved(case: &Case, g: &CaseGraph, spec: &QuerySpec, q: &Query, mode: Mode) -> Result<Answer> {
    Ok(match mode {
        Mode::Explain => Answer::Explain(explain_report(case, g, spec, &explain(g, q))?),
        Mode::Channels => Answer::Routes(channels_report(case, g, spec, q, &group_routes(g, q))?),
        Mode::Routes => Answer::Routes(routes_report(case, g, spec, q, &collect_routes(g, q))?),
    })
}

/// The search of an ungrouped route query, for [`streamed`].
pub fn search(case: CaseFile, spec: &QuerySpec) -> Result<(Loaded, Found)> {
    let l = load(case, spec)?;
    let found = collect_routes(&l.graph, &l.query);
    Ok((l, found))
}

/// The routes report of [`search`]'s result, built while it is serialised
/// (the same JSON as [`Mode::Routes`], without holding every route at once).
pub fn streamed<'a>(l: &'a Loaded, spec: &QuerySpec, found: &'a Found) -> Result<RoutesStream<'a>> {
    routes_stream(&l.case, &l.graph, spec, &l.query, found)
}

/// The intermediaries and countries that carry the routes of `spec`; `limit`
/// caps the intermediaries listed (every route is counted).
pub fn hubs(case: CaseFile, spec: &QuerySpec, limit: Option<usize>) -> Result<HubsReport> {
    // Hubs weigh every route, so the search keeps no top-K.
    let spec = QuerySpec { limit: None, ..spec.clone() };
    let l = load(case, &spec)?;
    let h = hub_search::hubs(&l.graph, &l.query);
    hubs_report(&l.case, &l.graph, &spec, &h, limit)
}
