//! `divtrace report`: an evidence bundle in a folder — the HTML page, the
//! diagram (DOT, and SVG when Graphviz is installed), the same facts as
//! JSON, and a manifest of SHA-256 sums.

use std::io::Write;
use std::path::{Path, PathBuf};

use divtrace::assess::report::AssessmentOut;
use divtrace::atomic::AtomicFile;
use divtrace::export::dot;
use divtrace::export::render::{dot_available, render_to, RenderFormat};
use divtrace::export::report::{html, ReportData};
use divtrace::routes::QuerySpec;
use divtrace::store::Case;
use divtrace::{Error, Result};
use sha2::{Digest, Sha256};

use super::export::{query_title, routes_selection};
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
    let case = a.case.open()?;
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
        manifest += &format!("{}  {n}\n", divtrace::ingest::source::hex(&Sha256::digest(bytes)));
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
