//! `divtrace investigate BUNDLE_DIR --out DIR`: the main job in one command.

use std::io::Write;
use std::path::PathBuf;

use divtrace::ingest;
use divtrace::{Error, Result};

use super::{io, Format};

#[derive(clap::Args)]
pub struct Args {
    /// The case bundle to investigate (e.g. graphs/turkish-chips)
    #[arg(value_name = "BUNDLE_DIR")]
    pub bundle: PathBuf,
    /// Where the case file and outputs go (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// No progress bars
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<()> {
    std::fs::create_dir_all(&args.out).map_err(|e| Error::io(&args.out, e))?;
    let case_path = args.out.join("case.db");
    let opts = ingest::Options { progress: !args.quiet, ..Default::default() };
    let summary = super::ingest::ingest_into(&case_path, &args.bundle, &opts)?;
    super::ingest::print_summary(&summary, &case_path, Format::Table, out)?;
    io(writeln!(out))?;
    super::info::run(
        super::info::Args { case: super::CaseArg { case: case_path }, top: 8, format: Format::Table },
        out,
    )
}
