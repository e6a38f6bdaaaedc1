//! `divtrace report`: an evidence bundle in a folder — the HTML page, the
//! diagram (DOT, and SVG when Graphviz is installed), the same facts as
//! JSON, and a manifest of SHA-256 sums.

use std::io::Write;
use std::path::PathBuf;

use divtrace::app::report::report;
use divtrace::Result;

use super::query::{spec, QueryArgs};
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
    for line in report(a.case.file(), &spec, &a.out, a.max_nodes)? {
        io(writeln!(out, "{line}"))?;
    }
    Ok(())
}
