//! The evidence report: an HTML page, the diagram (DOT, and SVG when
//! Graphviz is installed), the same facts as JSON, and a manifest of SHA-256 sums.

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::assess::report::AssessmentOut;
use crate::atomic::AtomicFile;
use crate::error::{Error, Result};
use crate::export::dot;
use crate::export::render::{dot_available, render_to, RenderFormat};
use crate::export::report::{html, ReportData};
use crate::routes::QuerySpec;
use crate::store::Case;

use super::export::{query_title, routes_selection};
use super::CaseFile;

/// Writes the evidence report for `spec` on `case` into
/// `dir`; returns lines saying what was written.
pub fn report(case: CaseFile, spec: &QuerySpec, dir: &Path, max_nodes: usize) -> Result<Vec<String>> {
    let case = case.open()?;
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
    // Every file is written beside its final name and renamed only when all are
    // complete: a failure (Graphviz refusing the diagram, a full disk) leaves no half report.
    let dot_text = dot::to_dot(&sel.diagram);
    let mut dot_file = AtomicFile::create(&dir.join("routes.dot"))?;
    dot_file.write_all(dot_text.as_bytes()).map_err(|e| Error::io(dot_file.path(), e))?;
    dot_file.flush().map_err(|e| Error::io(dot_file.path(), e))?;
    let svg = if dot_available() {
        let f = AtomicFile::create(&dir.join("routes.svg"))?;
        render_to(dot_file.temp_path(), f.temp_path(), RenderFormat::Svg, "dot")?;
        let text = std::fs::read_to_string(f.temp_path()).map_err(|e| Error::io(f.path(), e))?;
        Some((f, text))
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
    let page = html(&data, svg.as_ref().map(|(_, t)| t.as_str()));
    let json = serde_json::to_string_pretty(&data).map_err(|e| Error::Other(e.to_string()))?;
    // The manifest covers every file of the bundle but itself.
    let mut files: Vec<(&str, &[u8])> =
        vec![("report.html", page.as_bytes()), ("report.json", json.as_bytes()), ("routes.dot", dot_text.as_bytes())];
    if let Some((_, t)) = &svg {
        files.push(("routes.svg", t.as_bytes()));
    }
    files.sort_unstable_by_key(|f| f.0);
    let mut manifest = String::new();
    for (n, bytes) in &files {
        manifest += &format!("{}  {n}\n", crate::ingest::source::hex(&Sha256::digest(bytes)));
    }
    let mut pending = vec![dot_file];
    for (name, bytes) in [("report.html", page.as_bytes()), ("report.json", json.as_bytes()), ("MANIFEST.sha256", manifest.as_bytes())] {
        let mut f = AtomicFile::create(&dir.join(name))?;
        f.write_all(bytes).map_err(|e| Error::io(f.path(), e))?;
        pending.push(f);
    }
    let has_svg = svg.is_some();
    if let Some((f, _)) = svg {
        pending.push(f);
    }
    // Everything on disk first (a full disk fails here, before any file is renamed), then the renames.
    for f in &mut pending {
        f.finish()?;
    }
    for f in pending {
        f.commit()?;
    }
    said.insert(
        0,
        format!(
            "Wrote the evidence report to {} (report.html, report.json, routes.dot{}, MANIFEST.sha256): {} route(s) found, {} shown.",
            dir.display(),
            if has_svg { ", routes.svg" } else { "" },
            data.routes.stats.total_routes,
            data.routes.routes.len()
        ),
    );
    Ok((said, data.assessments))
}
