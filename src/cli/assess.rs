//! `divtrace assess`: rate counterparties (a score, a band and the factors
//! behind it) for given entities, a customer list, or every entity.

use std::io::Write;
use std::path::PathBuf;

use divtrace::app::assess::{assess, weights_from_file, Who};
use divtrace::assess::report::AssessReport;
use divtrace::assess::Weights;
use divtrace::text::safe::term;
use divtrace::{Error, Result};

use super::output::{self, io, Csv, SheetFormat, Target};
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
    /// A customer list: CSV with a column of names or ids (id, entity, name, customer, company or counterparty)
    #[arg(long, value_name = "CSV", conflicts_with = "entities")]
    pub input: Option<PathBuf>,
    /// The column of --input holding the names or ids
    #[arg(long, value_name = "NAME", requires = "input")]
    pub column: Option<String>,
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
    let mut weights = match &a.weights {
        Some(p) => weights_from_file(p)?,
        None => Weights::defaults(),
    };
    weights.goods = divtrace::refdata::goods::GoodsLists::load(&a.goods)?;
    let who = match &a.input {
        Some(path) => Who::CustomerList { path, column: a.column.as_deref() },
        None if a.all => Who::All,
        None => Who::Entities(&a.entities),
    };
    let target = a.format.target(a.out.as_deref())?;
    let rep = assess(a.case.file(), &weights, &who, a.min_score)?;
    match target {
        Target::Workbook(path) => divtrace::export::xlsx::write(path, &divtrace::export::workbook::assess(&rep)),
        Target::Print(output::Format::Json) => output::json(out, &rep),
        Target::Print(output::Format::Table) => io(write_table(out, &rep)),
        Target::Print(output::Format::Csv) => write_csv(out, &rep),
    }
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
        for f in &a.factors {
            writeln!(out, "  {:>3} {}  {}", f.weight, f.code, f.detail)?;
            if !f.evidence.is_empty() {
                writeln!(out, "      evidence: {}", f.evidence.join(", "))?;
            }
        }
    }
    for n in &rep.not_found {
        writeln!(out)?;
        writeln!(out, "line {}: '{}': {}", n.line, term(&n.input), n.reason)?;
    }
    Ok(())
}

fn write_csv(out: &mut dyn Write, rep: &AssessReport) -> Result<()> {
    let mut w = Csv::new(out, ["line", "input", "status", "entity", "name", "country", "score", "band", "factors", "members"])?;
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for a in &rep.assessments {
        let factors: Vec<String> = a.factors.iter().map(|f| format!("{}={}", f.code, f.weight)).collect();
        let base = |line: String, input: String| {
            vec![
                line,
                input,
                "assessed".to_string(),
                a.entity.clone(),
                a.name.clone(),
                a.country.clone().unwrap_or_default(),
                a.score.to_string(),
                a.band.as_str().to_string(),
                factors.join(";"),
                a.members.join(";"),
            ]
        };
        if a.inputs.is_empty() {
            rows.push((0, base(String::new(), String::new())));
        }
        for i in &a.inputs {
            rows.push((0, base(i.line.to_string(), i.input.clone())));
        }
    }
    for n in &rep.not_found {
        rows.push((
            1,
            vec![
                n.line.to_string(),
                n.input.clone(),
                "not_found".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
        ));
    }
    // Assessed rows keep the report's order (score, then id); not-found rows follow in file order.
    rows.sort_by_key(|r| r.0);
    for (_, r) in rows {
        w.row(&r)?;
    }
    w.finish()
}
