//! Entity resolution of a case: analyst decisions, clustering, manufacturer
//! links, written back to the case file and returned with bundle ids.

use std::collections::HashMap;

use serde::Serialize;

use crate::error::{Error, Field, Result};
use crate::model::{Role, Roles};
use crate::resolve::cluster::{self, Hints, Record};
use crate::resolve::manufacturer::{self, Maker, MakerText};
use crate::store::resolution::{self, ClusterRecord, PairRecord};
use crate::store::Case;

use super::CaseFile;

/// An analyst's decision about two entities (bundle ids), recorded before resolving.
pub struct Decision<'a> {
    pub a: &'a str,
    pub b: &'a str,
    /// Same company (merge) or different (split).
    pub same: bool,
    /// The analyst's reason, stored beside the decision (checked with [`check_note`]).
    pub note: Option<&'a str>,
    /// The flag the ids came from, for errors.
    pub flag: &'a str,
}

/// Longest note an analyst may store beside a decision, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;

/// The note as it will be stored (trimmed), or why it cannot be: empty,
/// too long, or holding control characters other than a line break or a
/// tab (a note is shown as text wherever it is shown, but a terminal
/// escape has no business in evidence).
pub fn check_note(note: &str) -> std::result::Result<&str, String> {
    let t = note.trim();
    if t.is_empty() {
        return Err("the note is empty".into());
    }
    let n = t.chars().count();
    if n > MAX_NOTE_CHARS {
        return Err(format!("the note has {n} characters; at most {MAX_NOTE_CHARS}"));
    }
    if let Some(c) = t.chars().find(|&c| c.is_control() && c != '\n' && c != '\t') {
        return Err(format!("the note holds the control character U+{:04X}", c as u32));
    }
    Ok(t)
}

/// A compared pair, with bundle ids and names. JSON fields are in
/// alphabetical order: the order these documents have always had.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PairOut {
    pub a: String,
    pub a_name: String,
    pub b: String,
    pub b_name: String,
    pub basis: &'static str,
    pub decision: &'static str,
    pub detail: String,
    /// Rounded to 3 places.
    pub score: f64,
    /// The score before rounding (tables print it with 3 places).
    #[serde(skip)]
    pub raw_score: f64,
}

/// A cluster of several records.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ClusterOut {
    /// The merged pairs that joined it, in decision order.
    pub evidence: Vec<PairOut>,
    /// Bundle id of the representative.
    pub id: String,
    pub members: Vec<String>,
    pub name: String,
    /// Names of `members`, in the same order.
    #[serde(skip)]
    pub member_names: Vec<String>,
}

/// What [`resolve_case`] found and stored.
pub struct Resolution {
    pub entities: usize,
    /// Clusters, single records included.
    pub clusters: usize,
    /// The clusters of several records.
    pub merged: Vec<ClusterOut>,
    /// Borderline pairs, for an analyst's look.
    pub review: Vec<PairOut>,
    /// Pairs marked not_same that same_as decisions join anyway.
    pub conflicts: Vec<(String, String)>,
    pub manufacturer_links: usize,
    pub manufacturer_texts: usize,
}

/// `divtrace resolve --format json`.
#[derive(Serialize)]
pub struct ClustersDoc<'a> {
    pub clusters: &'a [ClusterOut],
    pub conflicts: &'a [(String, String)],
    pub manufacturer_links: usize,
}

/// `divtrace resolve --review --format json`.
#[derive(Serialize)]
pub struct ReviewDoc<'a> {
    pub review: &'a [PairOut],
}

/// An analyst decision as front ends show it (the entity panel of `serve`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DecisionOut {
    /// `merge` or `split`, as the decision was asked for.
    pub decision: &'static str,
    /// Bundle ids (`SCOPE:ID` when the case has several scopes) and names.
    pub a: String,
    pub a_name: String,
    pub b: String,
    pub b_name: String,
    pub note: Option<String>,
    pub source_file: String,
    pub source_line: i64,
}

/// The analyst decisions naming any of `entities` (`entity.id`s), oldest first.
pub fn decisions_about(case: &Case, entities: &[i64], multi_scope: bool) -> Result<Vec<DecisionOut>> {
    let id = |s: &resolution::DecisionSide| if multi_scope { format!("{}:{}", s.scope, s.input_id) } else { s.input_id.clone() };
    Ok(resolution::decisions_about(case, entities)?
        .into_iter()
        .map(|d| DecisionOut {
            decision: if d.same { "merge" } else { "split" },
            a: id(&d.a),
            a_name: d.a.name,
            b: id(&d.b),
            b_name: d.b.name,
            note: d.note,
            source_file: d.source_file,
            source_line: d.source_line,
        })
        .collect())
}

/// Records `decisions`, resolves `case` and stores clusters and manufacturer links.
pub fn resolve_case(case: CaseFile, decisions: &[Decision]) -> Result<Resolution> {
    let mut case = case.open_for_change("resolve")?;
    resolve_open(&mut case, decisions)
}

/// [`resolve_case`] on an opened case.
pub fn resolve_open(case: &mut Case, decisions: &[Decision]) -> Result<Resolution> {
    for d in decisions {
        let a = resolution::find_entity(case, d.a, d.flag)?;
        let b = resolution::find_entity(case, d.b, d.flag)?;
        if a == b {
            return Err(Error::usage(d.flag, "A and B are the same entity"));
        }
        let note = d.note.map(check_note).transpose().map_err(|m| Error::field(Field::Note, m))?;
        resolution::record_decision(case, a, b, d.same, note)?;
    }
    let ents = resolution::entities(case)?;
    let records: Vec<Record> = ents
        .iter()
        .map(|e| {
            let mut names = vec![e.name.clone()];
            names.extend(e.aliases.iter().cloned());
            Record {
                id: e.id,
                kind: e.kind,
                names,
                country: e.country.clone(),
                address: e.address.clone(),
                identifiers: e.identifiers.clone(),
            }
        })
        .collect();
    let mut hints = Hints::default();
    use crate::model::RelationKind;
    let kinds = [RelationKind::SameAs, RelationKind::NotSame, RelationKind::Director, RelationKind::Ownership];
    for (a, b, kind) in resolution::relations(case, &kinds)? {
        match kind {
            RelationKind::SameAs => hints.same_as.push((a, b)),
            RelationKind::NotSame => hints.not_same.push((a, b)),
            _ => hints.officers.push((a, b)),
        }
    }
    let res = cluster::resolve(&records, &hints);
    let clusters: Vec<ClusterRecord> = res
        .clusters
        .iter()
        .map(|c| ClusterRecord { representative: c.representative, name: c.name.clone(), members: c.members.clone() })
        .collect();
    let pairs: Vec<PairRecord> = res
        .pairs
        .iter()
        .map(|p| PairRecord {
            a: p.a,
            b: p.b,
            decision: p.decision.as_str(),
            basis: p.basis.as_str(),
            score: p.score,
            detail: p.detail.clone(),
        })
        .collect();
    resolution::write_clusters(case, &clusters, &pairs)?;

    let makers: Vec<Maker> = ents
        .iter()
        .filter(|e| Roles::from_list(&e.roles).contains(Role::Manufacturer))
        .map(|e| {
            let mut names = vec![e.name.clone()];
            names.extend(e.aliases.iter().cloned());
            Maker { id: e.id, names, country: e.country.clone() }
        })
        .collect();
    // Linked once per distinct (text, origin country), the store expands the
    // links to the shipments: memory follows the texts, not the shipments.
    // (`MakerText::shipment` is here the index of the distinct pair.)
    let (distinct, text_count) = resolution::distinct_manufacturer_texts(case)?;
    let texts: Vec<MakerText> = distinct
        .iter()
        .enumerate()
        .map(|(i, (text, origin))| MakerText { shipment: i as i64, text: text.clone(), origin_country: origin.clone() })
        .collect();
    let links = manufacturer::link(&makers, &texts);
    let by_text: Vec<(&str, Option<&str>, i64, f64, &str)> = links
        .iter()
        .map(|l| {
            let (text, origin) = &distinct[l.shipment as usize];
            (text.as_str(), origin.as_deref(), l.entity, l.score, l.matched_name.as_str())
        })
        .collect();
    let linked = resolution::write_manufacturer_links_by_text(case, &by_text)?;

    let by_id: HashMap<i64, &resolution::EntityRecord> = ents.iter().map(|e| (e.id, e)).collect();
    let ext = |id: i64| by_id[&id].input_id.clone();
    let name = |id: i64| by_id[&id].name.clone();
    let pair_out = |p: &cluster::Pair| PairOut {
        a: ext(p.a),
        a_name: name(p.a),
        b: ext(p.b),
        b_name: name(p.b),
        basis: p.basis.as_str(),
        decision: p.decision.as_str(),
        detail: p.detail.clone(),
        score: (p.score * 1000.0).round() / 1000.0,
        raw_score: p.score,
    };
    let multi: Vec<&cluster::Cluster> = res.clusters.iter().filter(|c| c.members.len() > 1).collect();
    // Merged pairs by cluster, in decision order (one pass: clusters can be many).
    let cluster_of: HashMap<i64, i64> = multi.iter().flat_map(|c| c.members.iter().map(move |&m| (m, c.representative))).collect();
    let mut merged_by: HashMap<i64, Vec<&cluster::Pair>> = HashMap::new();
    for p in res.pairs.iter().filter(|p| p.decision == cluster::Decision::Merged) {
        if let Some(&c) = cluster_of.get(&p.a) {
            merged_by.entry(c).or_default().push(p);
        }
    }
    let merged = multi
        .iter()
        .map(|c| ClusterOut {
            evidence: merged_by.get(&c.representative).map(|v| v.iter().map(|p| pair_out(p)).collect()).unwrap_or_default(),
            id: ext(c.representative),
            members: c.members.iter().map(|&m| ext(m)).collect(),
            name: c.name.clone(),
            member_names: c.members.iter().map(|&m| name(m)).collect(),
        })
        .collect();
    Ok(Resolution {
        entities: records.len(),
        clusters: res.clusters.len(),
        merged,
        review: res.pairs.iter().filter(|p| p.decision == cluster::Decision::Review).map(pair_out).collect(),
        conflicts: res.conflicts.iter().map(|&(a, b)| (ext(a), ext(b))).collect(),
        manufacturer_links: linked,
        manufacturer_texts: text_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_trimmed_and_checked() {
        assert_eq!(check_note("  same VKN on both invoices\n"), Ok("same VKN on both invoices"));
        assert_eq!(check_note("line one\nline two\tend"), Ok("line one\nline two\tend"));
        assert!(check_note(" \n ").unwrap_err().contains("empty"));
        assert!(check_note("red \u{1b}[31m text").unwrap_err().contains("U+001B"));
        assert!(check_note("a\u{7f}b").unwrap_err().contains("U+007F"));
        let long = "я".repeat(MAX_NOTE_CHARS + 1);
        assert!(check_note(&long).unwrap_err().contains("1001 characters"));
        assert!(check_note(&long[2..]).is_ok(), "the limit counts characters, not bytes");
    }
}
