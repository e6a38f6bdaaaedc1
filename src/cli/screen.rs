//! `divtrace screen`: match a case's entities, or one name, against screening lists.

use std::io::Write;
use std::path::PathBuf;

use divtrace::app::screen::{screen, Lists, MatchOut, MatchesDoc, Subject};
use divtrace::model::Country;
use divtrace::resolve::screen::DEFAULT_THRESHOLD;
use divtrace::{Error, Result};

use super::output::{self, io, Csv, Format, SheetFormat, Target};

#[derive(clap::Args)]
pub struct Args {
    /// Screen every entity of this case file and store accepted matches as list memberships
    #[arg(long = "case", value_name = "FILE", conflicts_with = "name")]
    pub case: Option<PathBuf>,
    /// Screen one name instead of a case (nothing is stored)
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Country of --name (ISO alpha-2), which agreement with the list raises the score
    #[arg(long, value_name = "CC", requires = "name")]
    country: Option<String>,
    /// US Consolidated Screening List CSV (trade.gov layout); repeatable
    #[arg(long = "csl", value_name = "FILE")]
    csl: Vec<PathBuf>,
    /// OFAC legacy sdn.csv
    #[arg(long = "sdn", value_name = "FILE")]
    sdn: Option<PathBuf>,
    /// OFAC legacy add.csv (addresses) for --sdn
    #[arg(long = "sdn-add", value_name = "FILE", requires = "sdn")]
    sdn_add: Option<PathBuf>,
    /// OFAC legacy alt.csv (aliases) for --sdn
    #[arg(long = "sdn-alt", value_name = "FILE", requires = "sdn")]
    sdn_alt: Option<PathBuf>,
    /// OpenSanctions / FollowTheMoney JSON lines; repeatable
    #[arg(long = "ftm", value_name = "FILE")]
    ftm: Vec<PathBuf>,
    /// Score from which a match is accepted (0 to 1)
    #[arg(long, default_value_t = DEFAULT_THRESHOLD)]
    threshold: f64,
    /// Show only the borderline matches (between 0.80 and the threshold) and store nothing
    #[arg(long)]
    review: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: SheetFormat,
    /// The workbook to write with --format xlsx
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<()> {
    if !(args.threshold > 0.0 && args.threshold <= 1.0) {
        return Err(Error::usage("--threshold", format!("expected a score above 0 and at most 1, got {}", args.threshold)));
    }
    let country = match &args.country {
        Some(c) => Some(
            Country::parse(c)
                .ok_or_else(|| Error::usage("--country", format!("'{c}' is not an ISO 3166-1 alpha-2 country code")))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    let subject = match (&args.name, &args.case) {
        (Some(name), _) => Subject::Name { name, country },
        (None, Some(case)) => Subject::Case(divtrace::app::CaseFile::new(case)),
        (None, None) => return Err(Error::usage("--case/--name", "give a case file to screen, or one --name")),
    };
    let lists = Lists {
        csl: args.csl.clone(),
        sdn: args.sdn.clone(),
        sdn_add: args.sdn_add.clone(),
        sdn_alt: args.sdn_alt.clone(),
        ftm: args.ftm.clone(),
    };
    let target = args.format.target(args.out.as_deref())?;
    let rows = screen(&subject, &lists, args.threshold, args.review)?;
    match target {
        Target::Workbook(path) => divtrace::export::xlsx::write(path, &divtrace::export::workbook::screen(&rows)),
        Target::Print(format) => print(&rows, format, out),
    }
}

fn print(rows: &[MatchOut], format: Format, out: &mut dyn Write) -> Result<()> {
    let fields = |r: &MatchOut| {
        vec![
            r.entity.clone(),
            r.entity_name.clone(),
            format!("{:.3}", r.raw_score),
            if r.accepted { "accepted" } else { "review" }.to_string(),
            r.list.clone(),
            r.entry.clone(),
            r.listed_name.clone(),
            r.programs.join(";"),
            r.explanation.clone(),
        ]
    };
    const HEAD: [&str; 9] = ["entity", "entity_name", "score", "status", "list", "entry", "listed_name", "programs", "explanation"];
    match format {
        Format::Json => output::json(out, &MatchesDoc { matches: rows }),
        Format::Csv => {
            let mut w = Csv::new(out, HEAD)?;
            for r in rows {
                w.row(fields(r))?;
            }
            w.finish()
        }
        Format::Table => {
            if rows.is_empty() {
                return io(writeln!(out, "no matches"));
            }
            for r in rows {
                let f = fields(r);
                let who = if f[0].is_empty() { f[1].clone() } else { format!("{} {}", f[0], f[1]) };
                io(writeln!(out, "{who}\n  {} {} {} {} '{}' [{}]\n  {}", f[2], f[3], f[4], f[5], f[6], f[7], f[8]))?;
            }
            Ok(())
        }
    }
}
