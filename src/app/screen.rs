//! Screening a case's entities, or one name, against published lists.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Field, InputError, Result};
use crate::resolve::lists::{csl, ftm, ofac, ScreeningList};
use crate::resolve::screen::{Match, Query, ScreenIndex, REVIEW_FLOOR};
use crate::store::resolution::{self, NewMembership, ScreenFile};

use super::CaseFile;

/// The list files to screen against.
#[derive(Clone, Debug, Default)]
pub struct Lists {
    pub csl: Vec<PathBuf>,
    pub sdn: Option<PathBuf>,
    pub sdn_add: Option<PathBuf>,
    pub sdn_alt: Option<PathBuf>,
    pub ftm: Vec<PathBuf>,
}

/// Who to screen.
pub enum Subject<'a> {
    /// Every entity of this case file; accepted matches are stored as list memberships.
    Case(CaseFile<'a>),
    /// One name (and its ISO country), nothing stored.
    Name { name: &'a str, country: Option<String> },
}

/// One match. JSON fields are in alphabetical order: the order this document has always had.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MatchOut {
    pub accepted: bool,
    pub countries: Vec<String>,
    /// Bundle id of the case entity (empty when a name was screened).
    pub entity: String,
    pub entity_name: String,
    pub entry: String,
    pub explanation: String,
    pub identifier: Option<String>,
    pub list: String,
    pub listed_name: String,
    pub listed_on: Option<String>,
    pub matched_name: String,
    pub programs: Vec<String>,
    /// Rounded to 3 places.
    pub score: f64,
    /// The score before rounding (tables and CSV print it with 3 places).
    #[serde(skip)]
    pub raw_score: f64,
    /// Where the entry is: `list file:line`.
    #[serde(skip)]
    pub record: String,
}

/// `divtrace screen --format json`.
#[derive(Serialize)]
pub struct MatchesDoc<'a> {
    pub matches: &'a [MatchOut],
}

fn read(path: &Path) -> Result<(String, String)> {
    super::input::not_a_folder("--csl/--sdn/--ftm", path, "a screening list file")?;
    if !crate::ingest::source::regular_file(path)? {
        return Err(Error::Input(InputError::new(path, 0, None, "no such file: expected a screening list")));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let sha = format!("{:x}", Sha256::digest(&bytes));
    let text = String::from_utf8(bytes)
        .map_err(|e| Error::Input(InputError::new(path, 0, None, format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))))?;
    Ok((text, sha))
}

/// Reads every list; any error leaves everything unread.
fn load(args: &Lists) -> Result<(ScreeningList, Vec<ScreenFile>)> {
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
        return Err(Error::field(Field::ScreeningLists, "give at least one screening list"));
    }
    // An empty list would report "no matches" for everyone: refuse it, naming the file.
    for (i, f) in list.files.iter().enumerate() {
        let main = matches!(f.role, "csl" | "sdn" | "ftm");
        if main && !list.entries.iter().any(|e| e.file == i) {
            return Err(Error::Input(InputError::new(
                &f.path,
                0,
                None,
                format!(
                    "the {} list has no entries ({} data rows): expected a published list; screening against it would find nothing",
                    f.role, f.rows
                ),
            )));
        }
    }
    let files = list
        .files
        .iter()
        .zip(shas)
        .map(|(f, sha256)| ScreenFile { path: f.path.display().to_string(), role: f.role.to_string(), sha256, rows: f.rows })
        .collect();
    Ok((list, files))
}

fn match_out(list: &ScreeningList, idx: &ScreenIndex, threshold: f64, entity: String, entity_name: String, m: &Match) -> MatchOut {
    let e = idx.entry(m.entry);
    MatchOut {
        accepted: m.score >= threshold,
        countries: e.countries.clone(),
        entity,
        entity_name,
        entry: e.entry_id.clone(),
        explanation: m.explanation.clone(),
        identifier: m.identifier.clone(),
        list: e.list.clone(),
        listed_name: e.names[0].clone(),
        listed_on: e.listed_on.clone(),
        matched_name: m.list_name.clone(),
        programs: e.programs.clone(),
        score: (m.score * 1000.0).round() / 1000.0,
        raw_score: m.score,
        record: format!("{}:{}", list.files.get(e.file).map_or_else(String::new, |f| f.path.display().to_string()), e.line),
    }
}

/// Names screened against lists, each with its matches from the review floor up.
pub struct NamesScreened {
    /// Per name, in the order given: matches best first (`accepted` from the threshold up).
    pub matches: Vec<Vec<MatchOut>>,
    /// `role:path` of each list file read.
    pub files: Vec<String>,
    pub entries: usize,
}

/// Screens `names` (name, ISO country) against `lists`; nothing is stored.
/// Matches below `threshold` but above the review floor come back with
/// `accepted: false`, for the caller to show as borderline.
pub fn screen_names(names: &[(String, Option<String>)], lists: &Lists, threshold: f64) -> Result<NamesScreened> {
    let (list, files) = load(lists)?;
    let idx = ScreenIndex::new(&list);
    let matches = names
        .par_iter()
        .map(|(name, country)| {
            let q = Query { names: vec![name.clone()], country: country.clone(), ..Default::default() };
            idx.screen(&q, REVIEW_FLOOR.min(threshold))
                .iter()
                .map(|m| match_out(&list, &idx, threshold, String::new(), name.clone(), m))
                .collect::<Vec<MatchOut>>()
        })
        .collect();
    Ok(NamesScreened { matches, files: files.iter().map(|f| format!("{}:{}", f.role, f.path)).collect(), entries: list.entries.len() })
}

/// Screens `subject` against `lists`: matches from `threshold` up, or with
/// `review` only the borderline ones below it (and then nothing is stored).
pub fn screen(subject: &Subject, lists: &Lists, threshold: f64, review: bool) -> Result<Vec<MatchOut>> {
    let mut case = match subject {
        Subject::Case(c) => Some(c.open_for_change("screen --case")?),
        Subject::Name { .. } => None,
    };
    let (list, files) = load(lists)?;
    let idx = ScreenIndex::new(&list);
    let floor = if review { REVIEW_FLOOR } else { threshold };
    let keep = |m: &Match| if review { m.score < threshold } else { true };
    let out = |entity: String, entity_name: String, m: &Match| match_out(&list, &idx, threshold, entity, entity_name, m);
    let mut rows = Vec::new();
    match (subject, case.as_mut()) {
        (Subject::Name { name, country }, _) => {
            let q = Query { names: vec![name.to_string()], country: country.clone(), ..Default::default() };
            for m in idx.screen(&q, floor).into_iter().filter(keep) {
                rows.push(out(String::new(), name.to_string(), &m));
            }
        }
        (Subject::Case(_), Some(c)) => {
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
            let mut members: Vec<NewMembership> = Vec::new();
            for (e, ms) in ents.iter().zip(found) {
                for m in ms.into_iter().filter(keep) {
                    rows.push(out(e.input_id.clone(), e.name.clone(), &m));
                    let en = idx.entry(m.entry);
                    members.push(NewMembership {
                        entity: e.id,
                        list: en.list.clone(),
                        program: (!en.programs.is_empty()).then(|| en.programs.join(";")),
                        listed_on: en.listed_on.clone(),
                        list_entry: en.entry_id.clone(),
                        score: m.score,
                        note: m.explanation.clone(),
                        file: en.file,
                        line: en.line,
                    });
                }
            }
            if !review {
                let mut h = Sha256::new();
                for f in &files {
                    h.update(format!("{}:{}\n", f.role, f.sha256));
                }
                let settings = format!("threshold={threshold}");
                h.update(&settings);
                let run_sha = format!("{:x}", h.finalize());
                resolution::write_screening(c, &run_sha, &settings, &files, &members)?;
            }
        }
        (Subject::Case(_), None) => unreachable!("a case subject opened its case above"),
    }
    Ok(rows)
}

/// A country cell of a customer list as ISO alpha-2: a code or a country
/// name ("Türkiye", "Россия"); `None` when it is neither.
pub fn iso_country(cell: &str) -> Option<String> {
    crate::model::Country::parse(cell).map(|c| c.as_str().to_string()).or_else(|| crate::refdata::country_by_name(cell).map(str::to_string))
}

/// One row of a list of names, screened.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RowScreened {
    /// 1-based physical line in the file (the header is line 1).
    pub line: u64,
    pub input: String,
    /// ISO alpha-2 of the row's country cell (`--country-column`), when it is one.
    pub country: Option<String>,
    /// `match` (an accepted match), `review` (borderline only), `no_match`, or `empty` (nothing to screen).
    pub status: &'static str,
    /// Best first.
    pub matches: Vec<MatchOut>,
}

/// `divtrace screen --input --format json`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ListScreened {
    pub rows: Vec<RowScreened>,
    pub screening: crate::assess::report::ScreeningOut,
    /// The list of names as read (for output that keeps its columns).
    #[serde(skip)]
    pub names: crate::assess::customers::CustomerList,
}

/// Screens every row of a list of names (CSV; `-` for standard input)
/// against `lists`; nothing is stored. With `review` only the borderline
/// matches are kept, as for one name.
pub fn screen_list(
    path: &Path,
    column: Option<&str>,
    country_column: Option<&str>,
    lists: &Lists,
    threshold: f64,
    review: bool,
) -> Result<ListScreened> {
    let names = super::assess::read_customers(path, column, country_column)?;
    let country = |r: &crate::assess::customers::CustomerRow| r.country.as_deref().and_then(iso_country);
    let queries: Vec<(String, Option<String>)> = names.named().map(|r| (r.text.clone(), country(r))).collect();
    let found = screen_names(&queries, lists, threshold)?;
    let mut found_rows = found.matches.into_iter();
    let mut rows = Vec::with_capacity(names.rows.len());
    for r in &names.rows {
        if r.text.is_empty() {
            rows.push(RowScreened { line: r.line, input: String::new(), country: None, status: "empty", matches: Vec::new() });
            continue;
        }
        let mut ms = found_rows.next().unwrap_or_default();
        ms.retain(|m| if review { !m.accepted } else { m.accepted || m.raw_score >= REVIEW_FLOOR });
        let status = if ms.iter().any(|m| m.accepted) {
            "match"
        } else if ms.is_empty() {
            "no_match"
        } else {
            "review"
        };
        rows.push(RowScreened { line: r.line, input: r.text.clone(), country: country(r), status, matches: ms });
    }
    Ok(ListScreened {
        rows,
        screening: crate::assess::report::ScreeningOut { files: found.files, entries: found.entries, threshold },
        names,
    })
}
