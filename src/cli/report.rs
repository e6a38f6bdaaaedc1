//! `divtrace report`: an evidence bundle in a folder — the HTML page, the
//! diagram (DOT, and SVG when Graphviz is installed), the same facts as
//! JSON, and a manifest of SHA-256 sums.

use std::io::Write;
use std::path::{Path, PathBuf};

use divtrace::assess::report::AssessmentOut;
use divtrace::export::dot;
use divtrace::export::render::{dot_available, render, RenderFormat};
use divtrace::export::report::{html, ReportData};
use divtrace::routes::QuerySpec;
use divtrace::store::Case;
use divtrace::{Error, Result};

use super::export::{query_title, routes_selection, write_file};
use super::routes::{spec, QueryArgs};
use super::{io, CaseArg};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub case: CaseArg,
    #[command(flatten)]
    pub query: QueryArgs,
    /// The folder to write the report into (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Most nodes in the diagram
    #[arg(long, default_value_t = 60)]
    pub max_nodes: usize,
}

pub fn run(a: Args, out: &mut dyn Write) -> Result<()> {
    let spec = spec(&a.query)?;
    let case = Case::open(&a.case.case)?;
    let (written, _) = write_report(&case, &spec, &a.out, a.max_nodes)?;
    for line in written {
        io(writeln!(out, "{line}"))?;
    }
    Ok(())
}

/// Writes the evidence bundle for `spec` into `dir`; returns lines saying
/// what was written, and the assessments of the parties drawn.
pub fn write_report(case: &Case, spec: &QuerySpec, dir: &Path, max_nodes: usize) -> Result<(Vec<String>, Vec<AssessmentOut>)> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let (g, _) = divtrace::store::graph::load_graph(case)?;
    let sel = routes_selection(case, &g, spec, max_nodes, true)?;
    let report = sel.report.expect("a route selection carries its report");
    let mut said = Vec::new();
    let dot_path = dir.join("routes.dot");
    write_file(&dot_path, dot::to_dot(&sel.diagram).as_bytes())?;
    let svg = if dot_available() {
        let p = render(&dot_path, RenderFormat::Svg, "dot")?;
        Some(std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?)
    } else {
        said.push(format!("Diagram not rendered: {}", divtrace::export::render::INSTALL_HINT));
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
        tool_version: divtrace::VERSION.to_string(),
        generated_at: divtrace::ingest::now_rfc3339(),
        case_file: case.path().canonicalize().unwrap_or_else(|_| case.path().to_path_buf()).display().to_string(),
        inputs: case.input_files()?,
        routes: report,
        parties,
        assessments: sel.assessments.clone(),
        notes: sel.diagram.notes.clone(),
    };
    let page = html(&data, svg.as_deref());
    write_file(&dir.join("report.html"), page.as_bytes())?;
    let json = serde_json::to_string_pretty(&data).map_err(|e| Error::Other(e.to_string()))?;
    write_file(&dir.join("report.json"), json.as_bytes())?;
    // The manifest covers every file of the bundle but itself.
    let mut names: Vec<&str> = vec!["report.html", "report.json", "routes.dot"];
    if svg.is_some() {
        names.push("routes.svg");
    }
    names.sort_unstable();
    let mut manifest = String::new();
    for n in names {
        let sha = divtrace::ingest::sha256_file(&dir.join(n)).map_err(|e| Error::io(dir.join(n), e))?;
        manifest += &format!("{sha}  {n}\n");
    }
    write_file(&dir.join("MANIFEST.sha256"), manifest.as_bytes())?;
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
