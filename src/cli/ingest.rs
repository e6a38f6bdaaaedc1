//! `divtrace ingest BUNDLE_DIR --case FILE`

use std::io::Write;
use std::path::PathBuf;

use divtrace::ingest::{self, Mapping, Summary};
use divtrace::store::Case;
use divtrace::{Error, Result};

use super::output::{self, io, Csv, Format};
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
    };
    let ftm = args.format == IngestFormat::Ftm || args.bundle.is_file();
    if ftm && args.map.is_some() {
        return Err(Error::usage("--map", "column mappings apply to CSV bundles, not to FollowTheMoney files"));
    }
    let summary = ingest_into(&args.case.case, &args.bundle, &opts, ftm)?;
    let format = match args.format {
        IngestFormat::Json => Format::Json,
        IngestFormat::Csv => Format::Csv,
        IngestFormat::Table | IngestFormat::Ftm => Format::Table,
    };
    print_summary(&summary, &args.case.case, format, out)
}

/// Ingests into a case file; a case file that this call created is removed
/// again when the import fails, so a failed import leaves nothing behind.
pub fn ingest_into(case_path: &std::path::Path, bundle: &std::path::Path, opts: &ingest::Options, ftm: bool) -> Result<Summary> {
    let existed = case_path.exists();
    let result = Case::open_or_create(case_path).and_then(|mut case| {
        if ftm {
            ingest::ingest_ftm(&mut case, bundle, opts)
        } else {
            ingest::ingest_bundle(&mut case, bundle, opts)
        }
    });
    if result.is_err() && !existed {
        let _ = std::fs::remove_file(case_path);
    }
    result
}

pub fn print_summary(s: &Summary, case: &std::path::Path, format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => output::json(out, s),
        Format::Csv => {
            let mut w = Csv::new(out, ["batch", "scope", "file", "role", "rows", "stored", "refused", "sha256"])?;
            for f in &s.files {
                w.row([
                    s.batch.to_string(),
                    s.scope.clone(),
                    f.path.clone(),
                    f.role.to_string(),
                    f.rows.to_string(),
                    f.stored.to_string(),
                    f.refused.to_string(),
                    f.sha256.clone(),
                ])?;
            }
            w.finish()
        }
        Format::Table => {
            if s.already_imported {
                return io(writeln!(
                    out,
                    "{} was already imported into {} as batch {} (scope {:?}) at {}; nothing changed.",
                    s.bundle,
                    case.display(),
                    s.batch,
                    s.scope,
                    s.imported_at
                ));
            }
            let mut t = String::new();
            t += &format!("Imported {} into {} as batch {} (ids scoped as {:?}).\n\n", s.bundle, case.display(), s.batch, s.scope);
            t += &format!("  {:<18} {:>10} {:>10} {:>9}  {}\n", "file", "rows", "stored", "refused", "sha256");
            let total: u64 = s.files.iter().map(|f| f.stored).sum();
            for f in &s.files {
                t += &format!("  {:<18} {:>10} {:>10} {:>9}  {}\n", f.path, f.rows, f.stored, f.refused, &f.sha256[..16]);
            }
            for f in s.files.iter().filter(|f| !f.extra_columns.is_empty()) {
                t += &format!("\n  {}: columns outside the contract kept as attributes: {}", f.path, f.extra_columns.join(", "));
            }
            for f in s.files.iter().filter(|f| !f.skipped.is_empty()) {
                let list: Vec<String> = f.skipped.iter().map(|(k, n)| format!("{k} ({n})")).collect();
                t += &format!("\n  {}: FtM schemas not imported: {}", f.path, list.join(", "));
            }
            let refused: u64 = s.files.iter().map(|f| f.refused).sum();
            if let Some(r) = &s.rejects {
                t += &format!("\n  {refused} refused rows written with their reasons to {r}");
            }
            t += &format!(
                "\n\n  {} records in {:.2} s ({:.0} rows/s). Next: divtrace info --case {}\n",
                total,
                s.seconds,
                total as f64 / s.seconds.max(1e-9),
                case.display()
            );
            io(out.write_all(t.as_bytes()))
        }
    }
}
