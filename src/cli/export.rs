//! `divtrace export`: the routes of a query (or the neighbourhood of one
//! company) as a Graphviz diagram, GraphML or FollowTheMoney.

use std::io::Write;
use std::path::PathBuf;

use divtrace::app::export::{export, render, FileFormat, Target};
use divtrace::export::render::RenderFormat;
use divtrace::{Error, Result};

use super::query::{spec, QueryArgs};
use super::{io, CaseArg};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub case: CaseArg,
    #[command(flatten)]
    pub query: QueryArgs,
    /// Instead of routes: the trade around one entity (bundle id, or SCOPE:ID)
    #[arg(long, value_name = "ID", conflicts_with_all = ["from", "to", "via", "avoid"])]
    pub entity: Option<String>,
    /// With --entity: how many shipment hops out from it
    #[arg(long, default_value_t = 1, requires = "entity")]
    pub depth: u32,
    /// The file to write (FILE.dot, FILE.graphml, FILE.jsonl); `-` writes to standard output;
    /// with --format parquet, the folder
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// What to write: a Graphviz diagram, GraphML, FollowTheMoney JSON lines, or the whole
    /// resolved case as Parquet tables (docs/export.md)
    #[arg(long, value_enum, default_value_t = ExportFormat::Dot)]
    pub format: ExportFormat,
    /// Also render the DOT with Graphviz (`dot`) to this format, beside the DOT file
    #[arg(long, value_enum)]
    pub render: Option<Render>,
    /// Most nodes in the diagram; background parties beyond it are folded per country
    #[arg(long, default_value_t = 60)]
    pub max_nodes: usize,
    /// With --format parquet: most rows per part file
    #[arg(long, value_name = "N", default_value_t = divtrace::app::export_parquet::DEFAULT_PART_ROWS)]
    pub part_rows: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Dot,
    Graphml,
    Ftm,
    Parquet,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Render {
    Svg,
    Png,
    Pdf,
}

pub fn run(a: Args, out: &mut dyn Write) -> Result<()> {
    if a.max_nodes < 5 {
        return Err(Error::usage("--max-nodes", "must be at least 5"));
    }
    if a.render.is_some() && a.format != ExportFormat::Dot {
        return Err(Error::usage("--render", "renders a DOT diagram; leave out --format or use --format dot"));
    }
    if a.format == ExportFormat::Parquet {
        return parquet(&a, out);
    }
    let spec = match &a.entity {
        Some(_) => None,
        None => Some(spec(&a.query)?),
    };
    let target = match (&a.entity, &spec) {
        (Some(entity), _) => Target::Around { entity, depth: a.depth },
        (None, Some(spec)) => Target::Routes(spec),
        (None, None) => unreachable!("a spec is built when no --entity is given"),
    };
    let format = match a.format {
        ExportFormat::Dot => FileFormat::Dot,
        ExportFormat::Graphml => FileFormat::Graphml,
        ExportFormat::Ftm => FileFormat::Ftm,
        ExportFormat::Parquet => unreachable!("parquet returned above"),
    };
    let to_stdout = divtrace::app::input::is_dash(&a.out);
    if to_stdout && a.render.is_some() {
        return Err(Error::usage("--render", "renders a DOT file beside it: give --out FILE.dot, not -"));
    }
    let done = export(a.case.file(), &target, a.max_nodes, format, &a.out)?;
    if let Some(text) = &done.text {
        // The data is the output; what was drawn goes to stderr, as a status line.
        io(out.write_all(text.as_bytes()))?;
        eprintln!("Wrote {} entities, {} shipments, {} routes drawn to stdout.", done.entities, done.shipments, done.routes);
        for n in &done.notes {
            eprintln!("  {}", divtrace::text::safe::term(n));
        }
        return Ok(());
    }
    io(writeln!(
        out,
        "Wrote {} ({} entities, {} shipments, {} routes drawn).",
        a.out.display(),
        done.entities,
        done.shipments,
        done.routes
    ))?;
    for n in &done.notes {
        io(writeln!(out, "  {n}"))?;
    }
    if let Some(r) = a.render {
        let format = match r {
            Render::Svg => RenderFormat::Svg,
            Render::Png => RenderFormat::Png,
            Render::Pdf => RenderFormat::Pdf,
        };
        let (path, sfdp) = render(&a.out, format, done.diagram_nodes)?;
        let how = match sfdp {
            Some(n) => format!(" with sfdp: {n} nodes are too many for dot's layered layout"),
            None => String::new(),
        };
        io(writeln!(out, "Rendered {}{how}", path.display()))?;
    }
    Ok(())
}

/// `--format parquet`: the whole case, not a query's routes.
fn parquet(a: &Args, out: &mut dyn Write) -> Result<()> {
    let q = &a.query;
    let given = [
        ("--entity", a.entity.is_some()),
        ("--from", !q.from.is_empty()),
        ("--to", !q.to.is_empty()),
        ("--via", !q.via.is_empty()),
        ("--avoid", !q.avoid.is_empty()),
        ("--render", a.render.is_some()),
    ];
    if let Some((flag, _)) = given.iter().find(|g| g.1) {
        return Err(Error::usage(flag, "--format parquet exports the whole resolved case; route queries run on it later (engines/spark/)"));
    }
    if divtrace::app::input::is_dash(&a.out) {
        return Err(Error::usage("--out", "--format parquet writes a folder of part files: give a folder, not -"));
    }
    let m = divtrace::app::export_parquet::export_parquet(a.case.file(), &a.out, a.part_rows)?;
    io(writeln!(
        out,
        "Wrote {} (Parquet schema v{}: {} shipments in {} part(s), {} entities in {} part(s)).",
        a.out.display(),
        m.schema_version,
        m.shipments.rows,
        m.shipments.parts.len(),
        m.entities.rows,
        m.entities.parts.len()
    ))?;
    if m.shipments_skipped > 0 {
        io(writeln!(out, "  {} shipment(s) the route search cannot use (no HS code, unknown party) are not in it.", m.shipments_skipped))?;
    }
    Ok(())
}
