//! `divtrace ingest BUNDLE_DIR --case FILE`

use std::io::Write;
use std::path::PathBuf;

use divtrace::app::ingest::{ingest, Source};
use divtrace::ingest::{self, Mapping};
use divtrace::{Error, Result};

use super::output::Format;
use super::printers::ingest_summary;
use super::CaseArg;

#[derive(clap::Args)]
pub struct Args {
    /// The case bundle: a folder with entities.csv, shipments.csv and optionally relations.csv, lists.csv;
    /// or a FollowTheMoney JSON-lines file
    #[arg(value_name = "BUNDLE_DIR|FILE.jsonl")]
    pub bundle: PathBuf,
    #[command(flatten)]
    pub case: CaseArg,
    /// Map other column layouts (vendor exports, customs dumps) onto the contract
    #[arg(long = "map", value_name = "MAPPING.toml")]
    pub map: Option<PathBuf>,
    /// Import the valid rows and write refused ones, with their reasons, to a rejects CSV
    #[arg(long)]
    pub skip_invalid: bool,
    /// Where refused rows go with --skip-invalid [default: beside the case file, CASE.rejects.csv]
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Id namespace for this bundle's ids [default: the bundle folder's name]
    #[arg(long)]
    pub scope: Option<String>,
    /// Exchange rates for declared values not in USD: CSV `date_or_month,currency,usd_per_unit`
    /// (a day YYYY-MM-DD or a month YYYY-MM); used before the bundled ECB monthly averages
    #[arg(long = "fx", value_name = "RATES.csv")]
    pub fx: Option<PathBuf>,
    /// No progress bars
    #[arg(long, short)]
    pub quiet: bool,
    /// Output format of the summary; `ftm` instead reads BUNDLE as FollowTheMoney JSON lines
    /// (a file path is read as FtM anyway) and prints the summary as a table
    #[arg(long, value_enum, default_value_t)]
    pub format: IngestFormat,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum IngestFormat {
    #[default]
    Table,
    Json,
    Csv,
    Ftm,
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<()> {
    if let Some(s) = &args.scope {
        if s.trim().is_empty() || s.contains(|c: char| c.is_control()) {
            return Err(Error::usage("--scope", format!("{s:?} is not a scope name: give a non-empty name without control characters")));
        }
    }
    if args.case.read_only {
        return Err(Error::usage("--read-only", "ingest changes the case file; leave out --read-only"));
    }
    let mapping = match &args.map {
        Some(p) => Some((p.clone(), Mapping::load(p)?)),
        None => None,
    };
    let opts = ingest::Options {
        scope: args.scope.clone(),
        skip_invalid: args.skip_invalid,
        rejects: args.rejects.clone(),
        mapping,
        progress: !args.quiet,
        rates: divtrace::refdata::fx::Rates { user: args.fx.as_deref().map(divtrace::refdata::fx::FxTable::load).transpose()? },
    };
    let ftm = args.format == IngestFormat::Ftm || args.bundle.is_file();
    if ftm && args.map.is_some() {
        return Err(Error::usage("--map", "column mappings apply to CSV bundles, not to FollowTheMoney files"));
    }
    let source = if ftm { Source::Ftm } else { Source::Bundle };
    let summary = ingest(&args.case.case, &args.bundle, &opts, source)?;
    let format = match args.format {
        IngestFormat::Json => Format::Json,
        IngestFormat::Csv => Format::Csv,
        IngestFormat::Table | IngestFormat::Ftm => Format::Table,
    };
    ingest_summary(&summary, &args.case.case, format, out)
}
