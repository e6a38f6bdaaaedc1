//! `divtrace screen`: match a case's entities, or one name, against screening lists.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::output::{self, io, Csv, Format};
use divtrace::model::Country;
use divtrace::resolve::lists::{csl, ftm, ofac, ScreeningList};
use divtrace::resolve::screen::{Match, Query, ScreenIndex, DEFAULT_THRESHOLD, REVIEW_FLOOR};
use divtrace::store::resolution::{self, NewMembership, ScreenFile};
use divtrace::store::Case;
use divtrace::{Error, Result};

#[derive(clap::Args)]
pub struct Args {
    /// Screen every entity of this case file and store accepted matches as list memberships
    #[arg(long = "case", value_name = "FILE", conflicts_with = "name")]
    case: Option<PathBuf>,
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
    format: Format,
}

fn read(path: &Path) -> Result<(String, String)> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let sha = format!("{:x}", Sha256::digest(&bytes));
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::Input(divtrace::InputError::new(path, 0, None, format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to())))
    })?;
    Ok((text, sha))
}

/// Reads every list given on the command line; any error leaves everything unread.
fn load(args: &Args) -> Result<(ScreeningList, Vec<ScreenFile>)> {
    let mut list = ScreeningList::default();
    let mut shas: Vec<String> = Vec::new();
    for p in &args.csl {
        let (t, s) = read(p)?;
        list.extend(csl::parse(p, &t)?);
        shas.push(s);
    }
    if let Some(sdn) = &args.sdn {
        let (t, s) = read(sdn)?;
        let add = args.sdn_add.as_ref().map(|p| read(p).map(|x| (p, x))).transpose()?;
        let alt = args.sdn_alt.as_ref().map(|p| read(p).map(|x| (p, x))).transpose()?;
        let l = ofac::parse(
            (sdn, &t),
            add.as_ref().map(|(p, (t, _))| (p.as_path(), t.as_str())),
            alt.as_ref().map(|(p, (t, _))| (p.as_path(), t.as_str())),
        )?;
        list.extend(l);
        shas.push(s);
        shas.extend(add.into_iter().map(|(_, (_, s))| s));
        shas.extend(alt.into_iter().map(|(_, (_, s))| s));
    }
    for p in &args.ftm {
        let (t, s) = read(p)?;
        list.extend(ftm::parse(p, &t)?);
        shas.push(s);
    }
    if list.files.is_empty() {
        return Err(Error::usage("--csl/--sdn/--ftm", "give at least one screening list"));
    }
    let files = list
        .files
        .iter()
        .zip(shas)
        .map(|(f, sha256)| ScreenFile { path: f.path.display().to_string(), role: f.role.to_string(), sha256, rows: f.rows })
        .collect();
    Ok((list, files))
}

struct Row<'a> {
    entity_id: i64,
    entity: String,
    entity_name: String,
    m: Match,
    idx: &'a ScreenIndex<'a>,
    accepted: bool,
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
    if args.name.is_none() && args.case.is_none() {
        return Err(Error::usage("--case/--name", "give a case file to screen, or one --name"));
    }
    let mut case = args.case.as_deref().map(Case::open).transpose()?;
    let (list, files) = load(&args)?;
    let idx = ScreenIndex::new(&list);
    let floor = if args.review { REVIEW_FLOOR } else { args.threshold };
    let keep = |m: &Match| if args.review { m.score < args.threshold } else { true };
    let mut rows: Vec<Row> = Vec::new();
    if let Some(name) = &args.name {
        let q = Query { names: vec![name.clone()], country, ..Default::default() };
        for m in idx.screen(&q, floor).into_iter().filter(keep) {
            rows.push(Row {
                entity_id: 0,
                entity: String::new(),
                entity_name: name.clone(),
                accepted: m.score >= args.threshold,
                m,
                idx: &idx,
            });
        }
    } else if let Some(c) = &case {
        let ents = resolution::entities(c)?;
        let found: Vec<Vec<Match>> = ents
            .par_iter()
            .map(|e| {
                let mut names = vec![e.name.clone()];
                names.extend(e.aliases.iter().cloned());
                let q = Query { names, country: e.country.clone(), identifiers: e.identifiers.clone(), kind: e.kind };
                idx.screen(&q, floor)
            })
            .collect();
        for (e, ms) in ents.iter().zip(found) {
            for m in ms.into_iter().filter(keep) {
                rows.push(Row {
                    entity_id: e.id,
                    entity: e.input_id.clone(),
                    entity_name: e.name.clone(),
                    accepted: m.score >= args.threshold,
                    m,
                    idx: &idx,
                });
            }
        }
        if !args.review {
            let members: Vec<NewMembership> = rows
                .iter()
                .map(|r| {
                    let en = idx.entry(r.m.entry);
                    NewMembership {
                        entity: r.entity_id,
                        list: en.list.clone(),
                        program: (!en.programs.is_empty()).then(|| en.programs.join(";")),
                        listed_on: en.listed_on.clone(),
                        list_entry: en.entry_id.clone(),
                        score: r.m.score,
                        note: r.m.explanation.clone(),
                        file: en.file,
                        line: en.line,
                    }
                })
                .collect();
            let mut h = Sha256::new();
            for f in &files {
                h.update(format!("{}:{}\n", f.role, f.sha256));
            }
            let settings = format!("threshold={}", args.threshold);
            h.update(&settings);
            let run_sha = format!("{:x}", h.finalize());
            resolution::write_screening(case.as_mut().expect("case mode"), &run_sha, &settings, &files, &members)?;
        }
    }
    print(&rows, args.format, out)
}

fn print(rows: &[Row], format: Format, out: &mut dyn Write) -> Result<()> {
    let fields = |r: &Row| {
        let e = r.idx.entry(r.m.entry);
        vec![
            r.entity.clone(),
            r.entity_name.clone(),
            format!("{:.3}", r.m.score),
            if r.accepted { "accepted" } else { "review" }.to_string(),
            e.list.clone(),
            e.entry_id.clone(),
            e.names[0].clone(),
            e.programs.join(";"),
            r.m.explanation.clone(),
        ]
    };
    const HEAD: [&str; 9] = ["entity", "entity_name", "score", "status", "list", "entry", "listed_name", "programs", "explanation"];
    match format {
        Format::Json => {
            let ms: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let e = r.idx.entry(r.m.entry);
                    serde_json::json!({
                        "entity": r.entity,
                        "entity_name": r.entity_name,
                        "score": (r.m.score * 1000.0).round() / 1000.0,
                        "accepted": r.accepted,
                        "list": e.list,
                        "entry": e.entry_id,
                        "listed_name": e.names[0],
                        "matched_name": r.m.list_name,
                        "programs": e.programs,
                        "countries": e.countries,
                        "listed_on": e.listed_on,
                        "identifier": r.m.identifier,
                        "explanation": r.m.explanation,
                    })
                })
                .collect();
            output::json(out, &serde_json::json!({ "matches": ms }))
        }
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
