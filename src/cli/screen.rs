//! `divtrace screen`: match a case's entities, or one name, against screening lists.

use std::io::Write;
use std::path::PathBuf;

use divtrace::app::screen::{screen, screen_list, ListScreened, MatchOut, MatchesDoc, Subject};

use super::lists::ListArgs;
use divtrace::model::Country;
use divtrace::{Error, Result};

use super::output::{self, input_cells, io, with_columns, Csv, Format, SheetFormat, Target};

#[derive(clap::Args)]
pub struct Args {
    /// Screen every entity of this case file and store accepted matches as list memberships
    #[arg(long = "case", value_name = "FILE", conflicts_with_all = ["name", "input"])]
    pub case: Option<PathBuf>,
    /// Screen a list of names instead (CSV; `-` reads standard input); nothing is stored
    #[arg(long, value_name = "CSV", conflicts_with = "name")]
    input: Option<PathBuf>,
    /// The column of --input holding the names (default: the only column, or one named id, entity, name, customer, company or counterparty)
    #[arg(long, value_name = "NAME", requires = "input")]
    column: Option<String>,
    /// The column of --input holding each name's country (ISO code or name), which agreement with the list raises the score
    #[arg(long, value_name = "NAME", requires = "input")]
    country_column: Option<String>,
    /// Screen one name instead of a case (nothing is stored)
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Country of --name (ISO alpha-2), which agreement with the list raises the score
    #[arg(long, value_name = "CC", requires = "name")]
    country: Option<String>,
    #[command(flatten)]
    pub lists: ListArgs,
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
    let lists = args.lists.lists()?;
    let country = match &args.country {
        Some(c) => Some(
            Country::parse(c)
                .ok_or_else(|| Error::usage("--country", format!("'{c}' is not an ISO 3166-1 alpha-2 country code")))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    let target = args.format.target(args.out.as_deref())?;
    if let Some(input) = &args.input {
        let done = screen_list(input, args.column.as_deref(), args.country_column.as_deref(), &lists, args.lists.threshold, args.review)?;
        return match target {
            Target::Workbook(path) => {
                let rows: Vec<MatchOut> = done.rows.iter().flat_map(|r| r.matches.iter().cloned()).collect();
                divtrace::export::xlsx::write(path, &divtrace::export::workbook::screen(&rows))
            }
            Target::Print(format) => print_list(&done, format, out),
        };
    }
    let subject = match (&args.name, &args.case) {
        (Some(name), _) => Subject::Name { name, country },
        (None, Some(case)) => Subject::Case(divtrace::app::CaseFile::new(case)),
        (None, None) => {
            return Err(Error::usage("--case/--name/--input", "give a case file to screen, one --name, or a list of names (--input)"))
        }
    };
    let rows = screen(&subject, &lists, args.lists.threshold, args.review)?;
    match target {
        Target::Workbook(path) => divtrace::export::xlsx::write(path, &divtrace::export::workbook::screen(&rows)),
        Target::Print(format) => print(&rows, format, out),
    }
}

/// A list of names screened: one CSV row per input row (its columns first,
/// the best match after), JSON with every match, or a table.
fn print_list(done: &ListScreened, format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => output::json(out, done),
        Format::Csv => {
            let list = &done.names;
            let added = ["line", "status", "score", "list", "entry", "listed_name", "programs", "matches", "explanation"];
            let mut w = Csv::new(out, with_columns(&list.columns, &added))?;
            for (r, s) in list.rows.iter().zip(&done.rows) {
                let mut row = input_cells(&r.cells, list.columns.len());
                row.push(s.line.to_string());
                row.push(s.status.to_string());
                match s.matches.first() {
                    Some(m) => row.extend([
                        format!("{:.3}", m.raw_score),
                        m.list.clone(),
                        m.entry.clone(),
                        m.listed_name.clone(),
                        m.programs.join(";"),
                        s.matches.len().to_string(),
                        m.explanation.clone(),
                    ]),
                    None => {
                        let why = if s.status == "empty" { "nothing to screen: empty row" } else { "no match" };
                        row.extend([String::new(), String::new(), String::new(), String::new(), String::new(), "0".into(), why.into()]);
                    }
                }
                w.row(&row)?;
            }
            w.finish()
        }
        Format::Table => {
            let sc = &done.screening;
            io(writeln!(out, "screened against {} ({} entries, threshold {})", sc.files.join(", "), sc.entries, sc.threshold))?;
            for s in &done.rows {
                match s.status {
                    "empty" => io(writeln!(out, "line {}: empty row, nothing to screen", s.line))?,
                    "no_match" => io(writeln!(out, "line {}: {}: no match", s.line, s.input))?,
                    status => {
                        io(writeln!(out, "line {}: {}: {status}", s.line, s.input))?;
                        for m in &s.matches {
                            let st = if m.accepted { "accepted" } else { "review" };
                            io(writeln!(
                                out,
                                "  {:.3} {st} {} {} '{}' [{}]\n    {}",
                                m.raw_score,
                                m.list,
                                m.entry,
                                m.listed_name,
                                m.programs.join(";"),
                                m.explanation
                            ))?;
                        }
                    }
                }
            }
            Ok(())
        }
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
