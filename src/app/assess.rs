//! Counterparty assessment of a case's entities, a customer list, or all;
//! customer-list names that are not in the case are screened against the
//! lists given and rated from them alone.

use std::path::Path;

use crate::assess::customers::{parse_customers, CustomerList};
use crate::assess::listed::{self, ListHit};
use crate::assess::report::{assess_report, AssessReport, EmptyRow, ListedOut, ScreeningOut, Selection};
use crate::assess::Weights;
use crate::error::Result;
use crate::graph::CaseGraph;
use crate::store::graph::load_graph;
use crate::store::Case;

use super::screen::{screen_names, Lists, MatchOut};
use super::CaseFile;

/// Which entities to assess.
pub enum Who<'a> {
    All,
    /// Bundle ids (`ID` or `SCOPE:ID`) or names.
    Entities(&'a [String]),
    /// A customer list (CSV; `-` for standard input), the column holding
    /// names or ids and the column holding countries.
    CustomerList {
        path: &'a Path,
        column: Option<&'a str>,
        country_column: Option<&'a str>,
    },
}

/// Screening lists for the customer-list names that are not in the case.
pub struct Screening<'a> {
    pub lists: &'a Lists,
    /// Score from which a match is accepted (0 to 1).
    pub threshold: f64,
}

/// Reads `--weights FILE` (`-`: standard input): the bundled defaults overridden key by key.
pub fn weights_from_file(file: &Path) -> Result<Weights> {
    let (name, text) = super::input::read_text("--weights", file, "a TOML file of weights (docs/assessment.md)")?;
    Weights::from_text(&name, &text)
}

/// Reads a customer list (`-`: standard input).
pub fn read_customers(path: &Path, column: Option<&str>, country_column: Option<&str>) -> Result<CustomerList> {
    let (name, bytes) = super::input::read_all("--input", path, "a CSV file with a column of customer names or ids")?;
    parse_customers(&name, &bytes, column, country_column)
}

/// Assesses `who` in `case`; keeps assessments scoring at least `min_score`.
/// With `screening`, customer-list names not in the case are screened and a
/// listed one is rated from its list entries (at least high).
pub fn assess(case: CaseFile, weights: &Weights, who: &Who, min_score: u32, screening: Option<&Screening>) -> Result<AssessReport> {
    let customers = match who {
        Who::CustomerList { path, column, country_column } => Some(read_customers(path, *column, *country_column)?),
        _ => None,
    };
    let case = case.open()?;
    let (g, _) = load_graph(&case)?;
    let named: Vec<_> = customers.iter().flat_map(|c| c.named().cloned()).collect();
    let sel = match (who, &customers) {
        (_, Some(_)) => Selection::Customers(&named),
        (Who::Entities(ids), None) => Selection::Entities(ids),
        _ => Selection::All,
    };
    let mut rep = assess_report(&case, &g, weights, &sel)?;
    if let (Some(s), Some(c)) = (screening, &customers) {
        screen_not_found(&mut rep, c, weights, s)?;
    }
    // After screening, which can raise a score.
    rep.assessments.retain(|x| x.score >= min_score);
    rep.from_lists.retain(|x| x.score >= min_score);
    if let Some(c) = &customers {
        rep.empty = c
            .rows
            .iter()
            .filter(|r| r.text.is_empty())
            .map(|r| EmptyRow {
                line: r.line,
                reason: if r.blank { "blank line".into() } else { format!("empty cell in column '{}'", c.column) },
            })
            .collect();
    }
    rep.customers = customers;
    Ok(rep)
}

/// Assesses every entity of a case and graph the caller holds open (the
/// workspace assesses once at start-up), as `assess --all` does.
pub fn assess_all_on(case: &Case, g: &CaseGraph, weights: &Weights) -> Result<AssessReport> {
    assess_report(case, g, weights, &Selection::All)
}

/// The accepted matches of one name as list hits.
fn hits(ms: &[MatchOut]) -> Vec<ListHit> {
    ms.iter()
        .filter(|m| m.accepted)
        .map(|m| ListHit {
            list: m.list.clone(),
            entry: m.entry.clone(),
            listed_name: m.listed_name.clone(),
            matched_name: m.matched_name.clone(),
            programs: m.programs.clone(),
            listed_on: m.listed_on.clone(),
            score: m.raw_score,
            explanation: m.explanation.clone(),
            record: m.record.clone(),
        })
        .collect()
}

/// Screens the customer rows against the lists. A row naming nobody in
/// the case with an accepted match moves from `not_found` to `from_lists`;
/// the others stay `not_found`, marked as screened. A row naming a case
/// entity adds the matches the case does not hold to that entity's factors
/// (the case may never have been screened against these lists).
fn screen_not_found(rep: &mut AssessReport, customers: &CustomerList, w: &Weights, s: &Screening) -> Result<()> {
    let country =
        |line: u64| customers.rows.iter().find(|r| r.line == line).and_then(|r| r.country.as_deref().and_then(super::screen::iso_country));
    let mut names: Vec<(String, Option<String>)> = rep.not_found.iter().map(|n| (n.input.clone(), country(n.line))).collect();
    let in_case: Vec<(usize, String, Option<String>)> = rep
        .assessments
        .iter()
        .enumerate()
        .flat_map(|(k, a)| a.inputs.iter().map(move |i| (k, i.input.clone(), country(i.line).or_else(|| a.country.clone()))))
        .collect();
    names.extend(in_case.iter().map(|(_, n, c)| (n.clone(), c.clone())));
    let mut found = screen_names(&names, s.lists, s.threshold)?;
    let case_matches = found.matches.split_off(rep.not_found.len());
    let mut per_entity: Vec<Vec<ListHit>> = vec![Vec::new(); rep.assessments.len()];
    for ((k, _, _), ms) in in_case.iter().zip(case_matches) {
        for h in hits(&ms) {
            if !per_entity[*k].iter().any(|x| x.list == h.list && x.entry == h.entry) {
                per_entity[*k].push(h);
            }
        }
    }
    for (a, hs) in rep.assessments.iter_mut().zip(per_entity) {
        if !hs.is_empty() {
            (a.score, a.band) = listed::add_to(w, &mut a.factors, &hs);
        }
    }
    rep.assessments.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.entity.cmp(&b.entity)));
    let said = format!("{} list file(s), {} entries", found.files.len(), found.entries);
    let mut still = Vec::new();
    for (n, ms) in std::mem::take(&mut rep.not_found).into_iter().zip(found.matches) {
        let hits = hits(&ms);
        match listed::rate(w, &hits) {
            Some((score, band, factors)) => {
                rep.from_lists.push(ListedOut { line: n.line, input: n.input, country: country(n.line), score, band, factors })
            }
            None => {
                let borderline = ms.iter().filter(|m| !m.accepted).count();
                let review = if borderline > 0 {
                    format!("; {borderline} borderline match(es) below {}: divtrace screen --name ... --review shows them", s.threshold)
                } else {
                    String::new()
                };
                still.push(crate::assess::report::NotFound {
                    reason: format!("not in the case; screened against {said}: no match{review}"),
                    screened: true,
                    ..n
                });
            }
        }
    }
    rep.not_found = still;
    rep.screening = Some(ScreeningOut { files: found.files, entries: found.entries, threshold: s.threshold });
    Ok(())
}
