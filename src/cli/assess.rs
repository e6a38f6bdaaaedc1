//! `divtrace assess`: rate counterparties (a score, a band and the factors
//! behind it) for given entities, a customer list, or every entity.

use std::io::Write;
use std::path::PathBuf;

use divtrace::app::assess::{assess, weights_from_file, Screening, Who};
use divtrace::assess::report::{AssessReport, AssessmentOut, FactorOut};
use divtrace::assess::Weights;
use divtrace::text::safe::term;
use divtrace::{Error, Result};

use super::lists::ListArgs;
use super::output::{self, input_cells, io, with_columns, Csv, SheetFormat, Target};
use super::CaseArg;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub case: CaseArg,
    /// Entities to assess, by bundle id (ID or SCOPE:ID) or name
    #[arg(value_name = "ENTITY")]
    pub entities: Vec<String>,
    /// Assess every entity of the case
    #[arg(long, conflicts_with_all = ["entities", "input"])]
    pub all: bool,
    /// A customer list: CSV with a column of names or ids (id, entity, name, customer, company or counterparty); `-` reads standard input
    #[arg(long, value_name = "CSV", conflicts_with = "entities")]
    pub input: Option<PathBuf>,
    /// The column of --input holding the names or ids
    #[arg(long, value_name = "NAME", requires = "input")]
    pub column: Option<String>,
    /// The column of --input holding each customer's country (ISO code or name), used when screening
    #[arg(long, value_name = "NAME", requires = "input")]
    pub country_column: Option<String>,
    /// Screening lists: customer-list names not in the case are screened and rated from them
    #[command(flatten)]
    pub lists: ListArgs,
    /// Weights and bands (TOML); keys left out keep the bundled defaults (docs/assessment.md)
    #[arg(long, value_name = "FILE")]
    pub weights: Option<PathBuf>,
    /// A goods list (CSV hs_code,list,description,source; repeatable): its goods count as controlled, like the CHPL's
    #[arg(long, value_name = "FILE")]
    pub goods: Vec<PathBuf>,
    /// Only list assessments with at least this score
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub min_score: u32,
    #[arg(long, value_enum, default_value_t)]
    pub format: SheetFormat,
    /// The workbook to write with --format xlsx
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(a: Args, out: &mut dyn Write) -> Result<()> {
    if !a.all && a.input.is_none() && a.entities.is_empty() {
        return Err(Error::usage("ENTITY", "give entity ids or names, --input CUSTOMERS.csv, or --all"));
    }
    if a.lists.any() && a.input.is_none() {
        return Err(Error::usage(
            "--csl/--sdn/--ftm",
            "screening lists rate the names of a customer list (--input) that are not in the case; for the case's own entities run divtrace screen --case first",
        ));
    }
    let mut dashes = vec![("--input", a.input.as_deref()), ("--weights", a.weights.as_deref())];
    dashes.extend(a.goods.iter().map(|g| ("--goods", Some(g.as_path()))));
    divtrace::app::input::stdin_at_most_once(&dashes)?;
    let mut weights = match &a.weights {
        Some(p) => weights_from_file(p)?,
        None => Weights::defaults(),
    };
    weights.goods = divtrace::refdata::goods::GoodsLists::load(&a.goods)?;
    let who = match &a.input {
        Some(path) => Who::CustomerList { path, column: a.column.as_deref(), country_column: a.country_column.as_deref() },
        None if a.all => Who::All,
        None => Who::Entities(&a.entities),
    };
    let target = a.format.target(a.out.as_deref())?;
    let lists = a.lists.any().then(|| a.lists.lists()).transpose()?;
    let screening = lists.as_ref().map(|lists| Screening { lists, threshold: a.lists.threshold });
    let rep = assess(a.case.file(), &weights, &who, a.min_score, screening.as_ref())?;
    match target {
        Target::Workbook(path) => divtrace::export::xlsx::write(path, &divtrace::export::workbook::assess(&rep)),
        Target::Print(output::Format::Json) => output::json(out, &rep),
        Target::Print(output::Format::Table) => io(write_table(out, &rep)),
        Target::Print(output::Format::Csv) if rep.customers.is_some() => write_customer_csv(out, &rep),
        Target::Print(output::Format::Csv) => write_csv(out, &rep),
    }
}

fn write_factors(out: &mut dyn Write, factors: &[FactorOut]) -> std::io::Result<()> {
    for f in factors {
        writeln!(out, "  {:>3} {}  {}", f.weight, f.code, f.detail)?;
        if !f.evidence.is_empty() {
            writeln!(out, "      evidence: {}", f.evidence.join(", "))?;
        }
    }
    Ok(())
}

fn write_table(out: &mut dyn Write, rep: &AssessReport) -> std::io::Result<()> {
    writeln!(out, "{} assessed", rep.assessments.len())?;
    for a in &rep.assessments {
        writeln!(out)?;
        writeln!(
            out,
            "{}  {} ({})  score {}  {}",
            term(&a.entity),
            term(&a.name),
            a.country.as_deref().unwrap_or("??"),
            a.score,
            a.band.as_str()
        )?;
        if !a.members.is_empty() {
            writeln!(out, "  cluster members: {}", term(&a.members.join(", ")))?;
        }
        for i in &a.inputs {
            writeln!(out, "  customer list line {}: {}", i.line, term(&i.input))?;
        }
        write_factors(out, &a.factors)?;
    }
    if let Some(s) = &rep.screening {
        writeln!(out, "\nnot in the case, screened against {} ({} entries, threshold {}):", s.files.join(", "), s.entries, s.threshold)?;
    }
    for l in &rep.from_lists {
        writeln!(out)?;
        writeln!(
            out,
            "line {}: '{}' ({})  score {}  {}",
            l.line,
            term(&l.input),
            l.country.as_deref().unwrap_or("??"),
            l.score,
            l.band.as_str()
        )?;
        write_factors(out, &l.factors)?;
    }
    for n in &rep.not_found {
        writeln!(out)?;
        writeln!(out, "line {}: '{}': {}", n.line, term(&n.input), n.reason)?;
    }
    for e in &rep.empty {
        writeln!(out)?;
        writeln!(out, "line {}: {}", e.line, e.reason)?;
    }
    Ok(())
}

fn write_csv(out: &mut dyn Write, rep: &AssessReport) -> Result<()> {
    let mut w = Csv::new(out, ["line", "input", "status", "entity", "name", "country", "score", "band", "factors", "members"])?;
    for a in &rep.assessments {
        let factors: Vec<String> = a.factors.iter().map(|f| format!("{}={}", f.code, f.weight)).collect();
        w.row([
            String::new(),
            String::new(),
            "assessed".to_string(),
            a.entity.clone(),
            a.name.clone(),
            a.country.clone().unwrap_or_default(),
            a.score.to_string(),
            a.band.as_str().to_string(),
            factors.join(";"),
            a.members.join(";"),
        ])?;
    }
    w.finish()
}

/// Codes and weights of factors, `CODE=weight;...`.
fn codes(factors: &[FactorOut]) -> String {
    factors.iter().map(|f| format!("{}={}", f.code, f.weight)).collect::<Vec<_>>().join(";")
}

/// One sentence per factor, for a reader rather than a script.
fn explain(factors: &[FactorOut]) -> String {
    factors.iter().map(|f| format!("{} ({}): {}", f.code, f.weight, f.detail)).collect::<Vec<_>>().join("; ")
}

fn explain_assessment(a: &AssessmentOut) -> String {
    let who = format!("{} {} ({})", a.entity, a.name, a.country.as_deref().unwrap_or("??"));
    if a.factors.is_empty() {
        format!("{who}: in the case, no risk factor fired")
    } else {
        format!("{who}: {}", explain(&a.factors))
    }
}

/// The customer list as given, one output row per input row (empty ones
/// included), its columns first, then what divtrace found.
fn write_customer_csv(out: &mut dyn Write, rep: &AssessReport) -> Result<()> {
    let list = rep.customers.as_ref().expect("checked by the caller");
    let added = ["line", "status", "entity", "score", "band", "factors", "explanation"];
    let mut w = Csv::new(out, with_columns(&list.columns, &added))?;
    for r in &list.rows {
        let (status, entity, score, band, factors, explanation): (&str, String, String, String, String, String) = if r.text.is_empty() {
            let why = rep.empty.iter().find(|e| e.line == r.line).map_or_else(String::new, |e| e.reason.clone());
            ("empty", String::new(), String::new(), String::new(), String::new(), why)
        } else if let Some(l) = rep.from_lists.iter().find(|l| l.line == r.line) {
            ("listed_not_in_case", String::new(), l.score.to_string(), l.band.as_str().into(), codes(&l.factors), explain(&l.factors))
        } else if let Some(n) = rep.not_found.iter().find(|n| n.line == r.line) {
            ("not_found", String::new(), String::new(), String::new(), String::new(), n.reason.clone())
        } else {
            // Assessments are sorted by score: the first is the riskiest of the entities the row names.
            let hits: Vec<&AssessmentOut> = rep.assessments.iter().filter(|a| a.inputs.iter().any(|i| i.line == r.line)).collect();
            match hits.first() {
                None => {
                    ("below_min_score", String::new(), String::new(), String::new(), String::new(), "assessed below --min-score".into())
                }
                Some(best) => (
                    "assessed",
                    hits.iter().map(|a| a.entity.as_str()).collect::<Vec<_>>().join(";"),
                    best.score.to_string(),
                    best.band.as_str().into(),
                    codes(&best.factors),
                    hits.iter().map(|a| explain_assessment(a)).collect::<Vec<_>>().join(" | "),
                ),
            }
        };
        let mut row = input_cells(&r.cells, list.columns.len());
        row.extend([r.line.to_string(), status.to_string(), entity, score, band, factors, explanation]);
        w.row(&row)?;
    }
    w.finish()
}
