//! The evidence report: an HTML page, the diagram (DOT, and SVG when
//! Graphviz is installed), the same facts as JSON, and a manifest of SHA-256 sums.

use std::path::Path;

use crate::assess::report::AssessmentOut;
use crate::error::{Error, Result};
use crate::export::dot;
use crate::export::render::{dot_available, render, RenderFormat};
use crate::export::report::{html, ReportData};
use crate::routes::QuerySpec;
use crate::store::Case;

use super::export::{query_title, routes_selection};

/// Writes the evidence report for `spec` on the case at `case_path` into
/// `dir`; returns lines saying what was written.
pub fn report(case_path: &Path, spec: &QuerySpec, dir: &Path, max_nodes: usize) -> Result<Vec<String>> {
    let case = Case::open(case_path)?;
    Ok(write_report(&case, spec, dir, max_nodes)?.0)
}

/// Writes the evidence bundle for `spec` into `dir`; returns lines saying
/// what was written, and the assessments of the parties drawn.
pub fn write_report(case: &Case, spec: &QuerySpec, dir: &Path, max_nodes: usize) -> Result<(Vec<String>, Vec<AssessmentOut>)> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let (g, _) = crate::store::graph::load_graph(case)?;
    let sel = routes_selection(case, &g, spec, max_nodes, true)?;
    let report = sel.report.expect("a route selection carries its report");
    let mut said = Vec::new();
    let dot_path = dir.join("routes.dot");
    super::write_file(&dot_path, dot::to_dot(&sel.diagram).as_bytes())?;
    let svg = if dot_available() {
        let p = render(&dot_path, RenderFormat::Svg, "dot")?;
        Some(std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?)
    } else {
        said.push(format!("Diagram not rendered: {}", crate::export::render::INSTALL_HINT));
        None
    };
    let mut parties: Vec<_> = sel.evidence.entities.values().cloned().collect();
    parties.sort_by(|a, b| a.id.cmp(&b.id));
    let data = ReportData {
        title: format!(
            "divtrace evidence report: {} route(s) from {} to {}",
            report.stats.total_routes,
            report.query.from.join(" or "),
            report.query.to.join(" or ")
        ),
        query_command: query_title(spec),
        tool_version: crate::VERSION.to_string(),
        generated_at: crate::ingest::now_rfc3339(),
        case_file: case.path().canonicalize().unwrap_or_else(|_| case.path().to_path_buf()).display().to_string(),
        inputs: case.input_files()?,
        routes: report,
        parties,
        assessments: sel.assessments.clone(),
        notes: sel.diagram.notes.clone(),
    };
    let page = html(&data, svg.as_deref());
    super::write_file(&dir.join("report.html"), page.as_bytes())?;
    let json = serde_json::to_string_pretty(&data).map_err(|e| Error::Other(e.to_string()))?;
    super::write_file(&dir.join("report.json"), json.as_bytes())?;
    // The manifest covers every file of the bundle but itself.
    let mut names: Vec<&str> = vec!["report.html", "report.json", "routes.dot"];
    if svg.is_some() {
        names.push("routes.svg");
    }
    names.sort_unstable();
    let mut manifest = String::new();
    for n in names {
        let sha = crate::ingest::sha256_file(&dir.join(n)).map_err(|e| Error::io(dir.join(n), e))?;
        manifest += &format!("{sha}  {n}\n");
    }
    super::write_file(&dir.join("MANIFEST.sha256"), manifest.as_bytes())?;
    said.insert(
        0,
        format!(
            "Wrote the evidence report to {} (report.html, report.json, routes.dot{}, MANIFEST.sha256): {} route(s) found, {} shown.",
            dir.display(),
            if svg.is_some() { ", routes.svg" } else { "" },
            data.routes.stats.total_routes,
            data.routes.routes.len()
        ),
    );
    Ok((said, data.assessments))
}
