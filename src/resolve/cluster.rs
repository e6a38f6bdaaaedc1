//! Clustering: which entity records are the same real company or person.
//!
//! Evidence, strongest first:
//! 1. an analyst's `same_as` (always merges) and `not_same` (never lets the
//!    two end up in one cluster by any automatic evidence);
//! 2. an equal identifier (INN, OGRN, VKN, LEI, ...) — decisive;
//! 3. name similarity ([`super::matching`]) over names and aliases, for
//!    records of the same kind whose countries are both known and equal;
//!    a shared address and a shared officer or owner add support. Records
//!    with conflicting identifiers of one scheme are never merged on names.
//!
//! Candidate pairs come from blocking (Christen, *Data Matching*, 2012,
//! ch. 4): records sharing (kind, country, blocking key) — a token's first
//! four letters, or the first five letters of the spacing-free name. A block
//! larger than [`MAX_BLOCK`] is searched by sorted neighbourhood (each
//! record against its [`WINDOW`] neighbours in key order) instead of all
//! pairs, which keeps the work near-linear. Merges are applied with a
//! union–find in order analyst, identifier, then score descending, so the
//! result does not depend on input order.

use std::collections::{BTreeMap, HashMap};

use petgraph::unionfind::UnionFind;
use rayon::prelude::*;

use super::evidence::{
    address_block_key, address_key, compare_addresses, compare_names, name_keys, translit_plausible, AddressKey, AddressMatch,
    NameEvidence, WeighedName, WordStats,
};
use super::identifiers::{is_decisive, normalise_identifier, schemes_compatible};
use super::normalise::{normalise_name, NormalisedName};
use crate::model::EntityKind;

/// Score from which a name match merges two records.
pub const ACCEPT: f64 = 0.92;
/// Score from which a pair that was not merged is listed for review.
pub const REVIEW: f64 = 0.80;
/// Added for the same address (compared without street words, across scripts).
pub const ADDRESS_SUPPORT: f64 = 0.05;
/// Added for a shared officer or owner.
pub const OFFICER_SUPPORT: f64 = 0.05;
/// Taken off when both addresses are known and plainly different.
pub const ADDRESS_CONFLICT: f64 = 0.10;
/// How much higher the review bar is for a pair whose distinctive word
/// differs by an edit (`Вектор` / `Виктор`) while no address or officer
/// agrees: that is strong evidence of a different company, so such a pair
/// is listed for review only when the rest of the name agrees so well that
/// a typo is the likelier story (`Tosato` / `Tosaro Electric Corporation`).
pub const DISTINCTIVE_EDIT_PENALTY: f64 = 0.10;
/// Countries whose names reach customs records through Cyrillic, so that
/// transliteration variants of one word (`Zh`/`J`, `ё` as `e`/`yo`) are
/// not read as edits.
const CYRILLIC_COUNTRIES: &[&str] = &["RU", "BY", "UA", "KZ", "KG", "UZ", "TJ", "TM", "AM", "AZ", "GE", "MD", "MN", "RS", "BG", "MK"];
// A UAE free-zone form (`LegalForm::free_zone`) against any other form of
// the same generic kind (`LLC`, or another free-zone form: a Free Zone
// Establishment has one shareholder, an FZCO several) is a different company
// unless an identifier or the analyst says the same.
/// Blocks larger than this are searched by sorted neighbourhood.
pub const MAX_BLOCK: usize = 64;
/// Neighbours compared on each side in an oversized block.
pub const WINDOW: usize = 8;

/// One record to resolve.
#[derive(Clone, Debug, Default)]
pub struct Record {
    pub id: i64,
    pub kind: Option<EntityKind>,
    /// Name first, then aliases, as written.
    pub names: Vec<String>,
    pub country: Option<String>,
    pub address: Option<String>,
    pub identifiers: Vec<(String, String)>,
}

/// Analyst decisions and supporting links, by record id.
#[derive(Clone, Debug, Default)]
pub struct Hints {
    pub same_as: Vec<(i64, i64)>,
    pub not_same: Vec<(i64, i64)>,
    /// (officer or owner, company) pairs from director/ownership relations.
    pub officers: Vec<(i64, i64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Basis {
    Analyst,
    Identifier,
    Name,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Analyst => "analyst",
            Basis::Identifier => "identifier",
            Basis::Name => "name",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Merged,
    Review,
    Refused,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Merged => "merged",
            Decision::Review => "review",
            Decision::Refused => "refused",
        }
    }
}

/// Evidence about one pair of records (ids, `a < b`).
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    pub a: i64,
    pub b: i64,
    pub basis: Basis,
    pub decision: Decision,
    pub score: f64,
    pub detail: String,
}

/// A cluster: representative (lowest id), canonical name, members ascending.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub representative: i64,
    pub name: String,
    pub members: Vec<i64>,
}

/// The outcome of [`resolve`].
#[derive(Clone, Debug, Default)]
pub struct Resolution {
    /// Every cluster, singletons included, by representative.
    pub clusters: Vec<Cluster>,
    /// Merged, review and refused pairs, in decision order.
    pub pairs: Vec<Pair>,
    /// Analyst `not_same` pairs that analyst `same_as` chains still join.
    pub conflicts: Vec<(i64, i64)>,
}

struct Prepared {
    names: Vec<WeighedName>,
    /// For each of `names`, its index in the record's names as written.
    written: Vec<usize>,
    ids: Vec<(String, String)>,
    address: Option<AddressKey>,
}

fn prepare_all(records: &[Record]) -> (Vec<Prepared>, WordStats) {
    let normalised: Vec<Vec<(usize, NormalisedName)>> = records
        .par_iter()
        .map(|r| r.names.iter().map(|n| normalise_name(n)).enumerate().filter(|(_, n)| !n.is_empty()).collect())
        .collect();
    let plain: Vec<Vec<NormalisedName>> = normalised.iter().map(|v| v.iter().map(|(_, n)| n.clone()).collect()).collect();
    let stats = WordStats::new(plain.iter().map(|v| v.as_slice()));
    let prep = records
        .par_iter()
        .zip(normalised)
        .map(|(r, names)| {
            let (written, names): (Vec<usize>, Vec<WeighedName>) =
                names.into_iter().map(|(i, n)| (i, WeighedName::new(n, &r.names[i], &stats))).unzip();
            let ids = r.identifiers.iter().map(|(s, v)| normalise_identifier(s, v)).filter(|(_, v)| is_decisive(v)).collect();
            let address = r.address.as_deref().and_then(address_key);
            Prepared { names, written, ids, address }
        })
        .collect();
    (prep, stats)
}

/// Clusters records that are the same real entity.
///
/// # Arguments
/// * `records` - the records; ids unique.
/// * `hints` - analyst decisions and officer links; unknown ids are ignored.
///
/// # Returns
/// Clusters with canonical names, and the evidence for every merged, review
/// and refused pair.
///
/// # Complexity
/// O(n·k) blocking for n records with k keys each, plus O(p) similarity
/// computations for p candidate pairs, bounded by n·k·(MAX_BLOCK + 2·WINDOW);
/// union–find is near O(p).
pub fn resolve(records: &[Record], hints: &Hints) -> Resolution {
    let n = records.len();
    let at: HashMap<i64, usize> = records.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let (prep, stats) = prepare_all(records);
    let mut officers: Vec<Vec<i64>> = vec![Vec::new(); n];
    for (o, c) in &hints.officers {
        if let Some(&i) = at.get(c) {
            officers[i].push(*o);
        }
    }
    for o in &mut officers {
        o.sort_unstable();
        o.dedup();
    }

    let mut edges: Vec<(usize, usize, Basis, f64, String)> = Vec::new();
    for (a, b) in &hints.same_as {
        if let (Some(&i), Some(&j)) = (at.get(a), at.get(b)) {
            edges.push((i.min(j), i.max(j), Basis::Analyst, 1.0, "analyst same_as".into()));
        }
    }
    // Identifiers: every record with a value is joined to the first with a compatible scheme.
    let mut by_value: BTreeMap<&str, Vec<(usize, &str)>> = BTreeMap::new();
    for (i, p) in prep.iter().enumerate() {
        for (s, v) in &p.ids {
            by_value.entry(v.as_str()).or_default().push((i, s.as_str()));
        }
    }
    for (v, holders) in &by_value {
        for (k, &(i, s)) in holders.iter().enumerate() {
            if let Some(&(j, t)) = holders[..k].iter().find(|(j, t)| *j != i && schemes_compatible(s, t)) {
                if kinds_agree(&records[i], &records[j]) {
                    edges.push((
                        i.min(j),
                        i.max(j),
                        Basis::Identifier,
                        1.0,
                        if s == t { format!("identifier {s}:{v} equal") } else { format!("identifier {s}:{v} equals {t}:{v}") },
                    ));
                }
            }
        }
    }

    // Names: candidate pairs from blocks, scored in parallel.
    let cand = candidates(records, &prep, &stats);
    let scored: Vec<(usize, usize, Decision, f64, String)> =
        cand.par_iter().filter_map(|&(i, j)| score_pair(records, &prep, &officers, i as usize, j as usize)).collect();
    let mut name_edges: Vec<_> = scored.iter().filter(|e| e.2 == Decision::Merged).collect();
    name_edges.sort_by(|x, y| y.3.total_cmp(&x.3).then((x.0, x.1).cmp(&(y.0, y.1))));
    for e in name_edges {
        edges.push((e.0, e.1, Basis::Name, e.3, e.4.clone()));
    }

    // Union-find (petgraph's: union by rank, the first argument's root kept
    // on a tie, as the hand-written one before it did); not_same partners
    // travel with their root.
    let mut uf: UnionFind<usize> = UnionFind::new(n);
    let mut forbidden: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (a, b) in &hints.not_same {
        if let (Some(&i), Some(&j)) = (at.get(a), at.get(b)) {
            forbidden[i].push(j);
            forbidden[j].push(i);
        }
    }
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut pairs = Vec::new();
    for (i, j, basis, score, mut detail) in edges {
        let (ri, rj) = (uf.find_mut(i), uf.find_mut(j));
        let decision = if ri == rj || basis == Basis::Analyst {
            Decision::Merged
        } else if forbidden[ri].iter().any(|&p| uf.find_mut(p) == rj) || forbidden[rj].iter().any(|&p| uf.find_mut(p) == ri) {
            detail.push_str("; refused: analyst not_same between the two clusters");
            Decision::Refused
        } else if let Some((x, y, why)) =
            (basis == Basis::Name).then(|| cross_conflict(records, &prep, &members[ri], &members[rj])).flatten()
        {
            // A record with little detail must not bridge two records that contradict each other.
            detail.push_str(&format!("; refused: would join {} and {} ({why})", records[x].names[0], records[y].names[0]));
            Decision::Refused
        } else {
            Decision::Merged
        };
        if decision == Decision::Merged && ri != rj {
            uf.union(ri, rj);
            let root = uf.find_mut(ri);
            let other = if root == ri { rj } else { ri };
            let moved = std::mem::take(&mut forbidden[other]);
            forbidden[root].extend(moved);
            let moved = std::mem::take(&mut members[other]);
            members[root].extend(moved);
        }
        pairs.push(Pair { a: records[i].id.min(records[j].id), b: records[i].id.max(records[j].id), basis, decision, score, detail });
    }
    let mut rest: Vec<_> = scored.iter().filter(|e| e.2 != Decision::Merged && !uf.equiv(e.0, e.1)).collect();
    rest.sort_by(|x, y| y.3.total_cmp(&x.3).then((records[x.0].id, records[x.1].id).cmp(&(records[y.0].id, records[y.1].id))));
    for e in rest {
        let (a, b) = (records[e.0].id, records[e.1].id);
        pairs.push(Pair { a: a.min(b), b: a.max(b), basis: Basis::Name, decision: e.2, score: e.3, detail: e.4.clone() });
    }
    let mut conflicts: Vec<(i64, i64)> = hints
        .not_same
        .iter()
        .filter(|(a, b)| matches!((at.get(a), at.get(b)), (Some(&i), Some(&j)) if uf.equiv(i, j)))
        .map(|&(a, b)| (a.min(b), a.max(b)))
        .collect();
    conflicts.sort_unstable();
    conflicts.dedup();

    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        groups.entry(uf.find_mut(i)).or_default().push(i);
    }
    let mut clusters: Vec<Cluster> = groups.into_values().map(|m| make_cluster(records, &prep, m)).collect();
    clusters.sort_by_key(|c| c.representative);
    Resolution { clusters, pairs, conflicts }
}

/// Candidate pairs for name scoring (indices into `records`, `i < j`), sorted
/// and without repeats: records of one kind sharing a blocking key — the
/// first or last four letters of a distinctive word, the first five letters
/// of the spacing-free name, or the house number and street of the address.
/// The country is not part of any key: a record that lost its country
/// still meets its duplicates. All pairs in small blocks, sorted
/// neighbourhood in large ones.
///
/// # Arguments
/// * `records` - the records, as given to [`resolve`].
///
/// # Returns
/// The pairs [`resolve`] scores by name.
///
/// # Complexity
/// O(n·k) for n records with k keys each, plus O(p log p) to sort the p pairs.
pub fn candidate_pairs(records: &[Record]) -> Vec<(u32, u32)> {
    let (prep, stats) = prepare_all(records);
    candidates(records, &prep, &stats)
}

fn candidates(records: &[Record], prep: &[Prepared], stats: &WordStats) -> Vec<(u32, u32)> {
    let keyed: Vec<Vec<(String, String)>> = prep
        .par_iter()
        .map(|p| {
            let mut keys = Vec::new();
            for n in &p.names {
                name_keys(n, stats, &mut keys);
            }
            if let Some(k) = p.address.as_ref().and_then(address_block_key) {
                keys.push((k, String::new()));
            }
            keys.sort();
            keys.dedup_by(|a, b| a.0 == b.0);
            keys
        })
        .collect();
    // (kind, key) -> (ordering string, record index).
    type Blocks<'a> = HashMap<(Option<EntityKind>, &'a str), Vec<(&'a str, usize)>>;
    let mut blocks: Blocks = HashMap::new();
    for (i, keys) in keyed.iter().enumerate() {
        for (k, order) in keys {
            blocks.entry((records[i].kind, k.as_str())).or_default().push((order.as_str(), i));
        }
    }
    let mut cand: Vec<(u32, u32)> = Vec::new();
    for members in blocks.values_mut() {
        if members.len() <= MAX_BLOCK {
            for (x, &(_, i)) in members.iter().enumerate() {
                for &(_, j) in &members[x + 1..] {
                    cand.push((i.min(j) as u32, i.max(j) as u32));
                }
            }
        } else {
            // Sorted neighbourhood, ordered by the word (or name) that made the key.
            members.sort_unstable();
            for x in 0..members.len() {
                for y in x + 1..(x + 1 + WINDOW).min(members.len()) {
                    let (i, j) = (members[x].1, members[y].1);
                    cand.push((i.min(j) as u32, i.max(j) as u32));
                }
            }
        }
    }
    cand.par_sort_unstable();
    cand.dedup();
    cand
}

fn kinds_agree(a: &Record, b: &Record) -> bool {
    match (a.kind, b.kind) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// Clusters larger than this are not checked member by member before a name merge.
const CROSS_CHECK_LIMIT: usize = 10_000;

/// A pair of records, one from each cluster, whose legal forms or addresses contradict.
fn cross_conflict(records: &[Record], prep: &[Prepared], a: &[usize], b: &[usize]) -> Option<(usize, usize, &'static str)> {
    if a.len() * b.len() > CROSS_CHECK_LIMIT {
        return None;
    }
    for &x in a {
        for &y in b {
            if let (Some(nx), Some(ny)) = (prep[x].names.first(), prep[y].names.first()) {
                if let Some(why) = forms_differ(&nx.nn, &ny.nn) {
                    return Some((x, y, why));
                }
            }
            if let (Some(p), Some(q)) = (&prep[x].address, &prep[y].address) {
                if compare_addresses(p, q) == AddressMatch::Different {
                    return Some((x, y, "addresses differ"));
                }
            }
            // A record without a country must not join two from different countries.
            if let (Some(c), Some(d)) = (&records[x].country, &records[y].country) {
                if c != d {
                    return Some((x, y, "countries differ"));
                }
            }
        }
    }
    None
}

/// Why two names' legal forms make two companies, if they do.
fn forms_differ(a: &NormalisedName, b: &NormalisedName) -> Option<&'static str> {
    let (f, g) = (a.legal_form?, b.legal_form?);
    if !f.same_as(&g) {
        Some("legal forms of different kinds")
    } else if f.display != g.display && (f.free_zone() || g.free_zone()) {
        Some("a UAE free-zone form against another form (two registrations)")
    } else {
        None
    }
}

/// Scores one candidate pair; `None` when it is not worth recording.
///
/// The score is the name evidence ([`compare_names`]) plus
/// [`ADDRESS_SUPPORT`] for the same address and [`OFFICER_SUPPORT`] for a
/// shared officer or owner, minus [`ADDRESS_CONFLICT`] for different
/// addresses. It merges from [`ACCEPT`] unless the names alone must not
/// decide: a person's name, a name of common words only, or an edit inside
/// the distinctive word each need an address or officer to agree as well.
/// Countries that are both known and differ rule a pair out; a missing
/// country is unknown, not different.
fn score_pair(
    records: &[Record],
    prep: &[Prepared],
    officers: &[Vec<i64>],
    i: usize,
    j: usize,
) -> Option<(usize, usize, Decision, f64, String)> {
    let (ra, rb, pa, pb) = (&records[i], &records[j], &prep[i], &prep[j]);
    if !kinds_agree(ra, rb) {
        return None;
    }
    let country = match (&ra.country, &rb.country) {
        (Some(a), Some(b)) if a != b => return None,
        (Some(a), Some(_)) => Some(a.as_str()),
        _ => None,
    };
    let cyrillic_country = |r: &Record| r.country.as_deref().map(|c| CYRILLIC_COUNTRIES.contains(&c));
    let (ca, cb) = (cyrillic_country(ra), cyrillic_country(rb));
    let mut best: Option<(NameEvidence, usize, usize)> = None;
    for (x, na) in pa.names.iter().enumerate() {
        for (y, nb) in pb.names.iter().enumerate() {
            let e = compare_names(na, nb, translit_plausible(na, nb, ca, cb));
            if best.as_ref().is_none_or(|(b, _, _)| e.score > b.score) {
                best = Some((e, x, y));
            }
        }
    }
    let (ev, x, y) = best?;
    if ev.score + ADDRESS_SUPPORT + OFFICER_SUPPORT < REVIEW {
        return None;
    }
    let mut why = vec![format!("name '{}' ~ '{}' ({:.2}{})", ra.names[pa.written[x]], rb.names[pb.written[y]], ev.score, name_note(&ev))];
    let mut score = ev.score;
    let mut support = 0;
    if let (Some(a), Some(b)) = (&pa.address, &pb.address) {
        match compare_addresses(a, b) {
            AddressMatch::Same => {
                score += ADDRESS_SUPPORT;
                support += 1;
                why.push(format!("address agrees (+{ADDRESS_SUPPORT:.2})"));
            }
            AddressMatch::Different => {
                score -= ADDRESS_CONFLICT;
                why.push(format!("addresses differ (-{ADDRESS_CONFLICT:.2})"));
            }
            AddressMatch::Unclear => {}
        }
    }
    if officers[i].iter().any(|o| officers[j].binary_search(o).is_ok()) {
        score += OFFICER_SUPPORT;
        support += 1;
        why.push(format!("shared officer or owner (+{OFFICER_SUPPORT:.2})"));
    }
    let score = score.min(1.0);
    if support == 0 && ev.distinctive_edit.is_some() && score - DISTINCTIVE_EDIT_PENALTY < REVIEW {
        // Not even borderline: the one word that identifies differs.
        return None;
    }
    if score < REVIEW {
        return None;
    }
    match country {
        Some(c) => why.push(format!("country {c} agrees")),
        None => why.push("country unknown on one side or both (neutral)".into()),
    }
    let conflict = pa.ids.iter().find_map(|(s, v)| {
        pb.ids
            .iter()
            .find(|(t, w)| s == t && v != w && !matches!(s.as_str(), "tax" | "registration" | "id" | "vat"))
            .map(|(_, w)| format!("{s} {v} vs {w}"))
    });
    // `ООО X` and `АО X` are two companies more often than one spelled twice.
    let forms_differ = forms_differ(&pa.names[x].nn, &pb.names[y].nn);
    let person = ra.kind == Some(EntityKind::Person) || rb.kind == Some(EntityKind::Person);
    let decision = if let Some(c) = conflict {
        why.push(format!("conflicting identifiers: {c}"));
        Decision::Refused
    } else if let Some(forms) = forms_differ {
        why.push(format!("{forms}: name alone cannot merge"));
        Decision::Review
    } else if score < ACCEPT {
        why.push(format!("score {score:.2} below merge threshold {ACCEPT:.2} (review from {REVIEW:.2})"));
        Decision::Review
    } else if support == 0 && person {
        why.push("a person's name alone cannot merge: needs an address, officer or identifier too".into());
        Decision::Review
    } else if let (0, Some((a, b))) = (support, &ev.distinctive_edit) {
        why.push(format!("'{a}' and '{b}' differ inside the distinctive word: a different company unless an address or officer agrees"));
        Decision::Review
    } else if support == 0 && ev.common_only && !(ev.same_key && !ev.vocabulary_only && country.is_some()) {
        why.push("name of common words only: needs an address, officer or identifier too".into());
        Decision::Review
    } else {
        if support == 0 && ev.common_only {
            // A register does not give one name twice in a country; words
            // frequent only in this case (a family `Meridia ...`) are not
            // common words.
            why.push("the same name in one country, its words frequent in this case but not common words".into());
        }
        why.push(format!("score {score:.2} >= merge threshold {ACCEPT:.2}"));
        Decision::Merged
    };
    Some((i, j, decision, score, why.join("; ")))
}

/// What agreed inside the names, for the evidence line.
fn name_note(ev: &NameEvidence) -> String {
    let mut s = String::new();
    if !ev.distinctive_equal.is_empty() {
        s.push_str(&format!(
            "; distinctive {} equal",
            ev.distinctive_equal.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some((a, b)) = &ev.distinctive_edit {
        s.push_str(&format!("; distinctive '{a}' vs '{b}'"));
    }
    if ev.common_only {
        s.push_str("; common words only");
    }
    s.push_str("; words weighed by rarity in the case");
    s
}

/// Representative: lowest id. Name: the spelling whose normalised key most
/// members share (ties: the lowest id's spelling).
fn make_cluster(records: &[Record], prep: &[Prepared], mut members: Vec<usize>) -> Cluster {
    members.sort_by_key(|&i| records[i].id);
    let mut count: HashMap<&str, usize> = HashMap::new();
    for &i in &members {
        if let Some(nn) = prep[i].names.first() {
            *count.entry(nn.nn.key.as_str()).or_default() += 1;
        }
    }
    let top = members
        .iter()
        .copied()
        .max_by(|&a, &b| {
            let ca = prep[a].names.first().map_or(0, |n| count[n.nn.key.as_str()]);
            let cb = prep[b].names.first().map_or(0, |n| count[n.nn.key.as_str()]);
            ca.cmp(&cb).then(records[b].id.cmp(&records[a].id))
        })
        .expect("a cluster has members");
    Cluster {
        representative: records[members[0]].id,
        name: records[top].names.first().cloned().unwrap_or_default(),
        members: members.iter().map(|&i| records[i].id).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: i64, name: &str, country: &str) -> Record {
        Record {
            id,
            kind: Some(EntityKind::Company),
            names: vec![name.into()],
            country: (!country.is_empty()).then(|| country.to_string()),
            ..Default::default()
        }
    }

    fn members(r: &Resolution) -> Vec<Vec<i64>> {
        r.clusters.iter().filter(|c| c.members.len() > 1).map(|c| c.members.clone()).collect()
    }

    #[test]
    fn spellings_of_one_company_merge() {
        let recs = vec![
            rec(1, "DENKAR DIS TICARET LTD STI", "TR"),
            rec(2, "Denkar Dış Ticaret Limited Şirketi", "TR"),
            rec(3, "ООО Вектор", "RU"),
            rec(4, "OOO VEKTOR", "RU"),
            rec(5, "Vektor LLC", "RU"),
            rec(6, "Viktor LLC", "RU"),
            rec(7, "Vektor LLC", "KZ"),
        ];
        let r = resolve(&recs, &Hints::default());
        assert_eq!(members(&r), vec![vec![1, 2], vec![3, 4, 5]]);
        assert_eq!(r.clusters.iter().find(|c| c.representative == 3).unwrap().name, "ООО Вектор");
        assert!(r.pairs.iter().all(|p| p.a < p.b));
        assert!(r.pairs.iter().any(|p| p.decision == Decision::Merged && p.detail.contains("country TR agrees")));
    }

    #[test]
    fn free_zone_and_mainland_forms_are_two_companies() {
        // Issue 10: `ADOON L.L.C.` ~ `ADOON FZE` was merged (both of the generic kind LLC).
        let recs = vec![
            rec(1, "ADOON L.L.C.", "AE"),
            rec(2, "ADOON FZE", "AE"),
            rec(3, "Adoon F.Z.E.", "AE"),
            rec(4, "ADOON FZCO", "AE"),
            rec(5, "Adoon LLC", "AE"),
            rec(6, "ADOON FZE LLC", "AE"),
        ];
        let r = resolve(&recs, &Hints::default());
        assert_eq!(members(&r), vec![vec![1, 5], vec![2, 3, 6]]);
        let p = r.pairs.iter().find(|p| (p.a, p.b) == (1, 2)).expect("the pair is listed for review");
        assert_eq!(p.decision, Decision::Review);
        assert!(p.detail.contains("a UAE free-zone form against another form"), "{}", p.detail);
        // An identifier still says the same: tests/resolve_cli.rs (fixtures/resolve/legal-forms).
    }

    #[test]
    fn identifiers_decide_and_conflicts_veto() {
        let mut a = rec(1, "Alpha Components", "AE");
        a.identifiers.push(("lei".into(), "5493001KJTIIGC8Y1R12".into()));
        let mut b = rec(2, "Totally Different Name FZE", "AE");
        b.identifiers.push(("LEI".into(), "5493 001K JTII GC8Y 1R12".into()));
        let mut c = rec(3, "Alpha Components", "AE");
        c.identifiers.push(("lei".into(), "5493009999999999X9".into()));
        let r = resolve(&[a, b, c], &Hints::default());
        assert_eq!(members(&r), vec![vec![1, 2]]);
        let refused = r.pairs.iter().find(|p| p.decision == Decision::Refused).unwrap();
        assert!(refused.detail.contains("conflicting identifiers"), "{}", refused.detail);
    }

    #[test]
    fn a_missing_country_is_unknown_not_different() {
        // Customs records lose countries: such a record still meets and merges with its duplicates.
        let r = resolve(&[rec(1, "Vektor LLC", "RU"), rec(2, "OOO Vektor", ""), rec(3, "Vektor LLC", "KZ")], &Hints::default());
        assert_eq!(members(&r), vec![vec![1, 2]]);
        assert!(r.pairs[0].detail.contains("country unknown on one side or both (neutral)"), "{}", r.pairs[0].detail);
        // Known and different countries rule a pair out.
        assert!(!r.pairs.iter().any(|p| (p.a, p.b) == (1, 3)));
    }

    #[test]
    fn names_alone_do_not_merge_persons_common_names_or_distinctive_edits() {
        let mut recs = vec![rec(1, "Tosato Electric Corporation", "JP"), rec(2, "Tosaro Electric Corporation", "JP")];
        for i in 3..6 {
            let mut p = rec(i, "Ivan Petrov", "RU");
            p.kind = Some(EntityKind::Person);
            recs.push(p);
        }
        recs.push(rec(6, "Golden Star Trading LLC", "AE"));
        recs.push(rec(7, "GOLDEN STAR TRADING L.L.C.", "AE"));
        let r = resolve(&recs, &Hints::default());
        assert!(members(&r).is_empty(), "{:?}", r.pairs);
        let why = |a, b| r.pairs.iter().find(|p| (p.a, p.b) == (a, b)).map(|p| (p.decision, p.detail.clone())).unwrap();
        // An edit in the one distinctive word, nothing else agreeing: not even borderline.
        assert!(!r.pairs.iter().any(|p| (p.a, p.b) == (1, 2)), "{:?}", r.pairs);
        assert!(why(3, 4).1.contains("a person's name alone cannot merge"), "{}", why(3, 4).1);
        assert!(why(6, 7).1.contains("common words only"), "{}", why(6, 7).1);
        // The same address lets the persons merge, and brings the edit to review.
        for p in recs[..4].iter_mut() {
            p.address = Some("ul. Lenina 5, Moskva".into());
        }
        let r = resolve(&recs, &Hints::default());
        assert_eq!(members(&r), vec![vec![3, 4]]);
        let tosato = r.pairs.iter().find(|p| (p.a, p.b) == (1, 2)).unwrap();
        assert_eq!(tosato.decision, Decision::Review);
        assert!(tosato.detail.contains("distinctive 'tosato' vs 'tosaro'"), "{}", tosato.detail);
    }

    #[test]
    fn the_same_name_of_a_frequent_family_word_merges_in_one_country() {
        // `Meridia` is in 30 records: frequent in the case, not a common word.
        let mut recs: Vec<Record> = (0..30).map(|i| rec(i, &format!("Meridia Line{i:02}x Trading"), "VN")).collect();
        recs.push(rec(100, "Meridia Precision Machinery Ltd.", "VN"));
        recs.push(rec(101, "MERIDIA PRECISION MACHINERY LTD", "VN"));
        recs.push(rec(102, "Meridia Precision Machinery Ltd.", ""));
        recs.push(rec(103, "Golden Star Trading LLC", "AE"));
        recs.push(rec(104, "GOLDEN STAR TRADING L.L.C.", "AE"));
        let r = resolve(&recs, &Hints::default());
        assert_eq!(members(&r), vec![vec![100, 101]], "{:?}", r.pairs);
        let p = r.pairs.iter().find(|p| (p.a, p.b) == (100, 101)).unwrap();
        assert!(p.detail.contains("the same name in one country"), "{}", p.detail);
        // Without a known country, or of common words everywhere, the name alone does not merge.
        let why = |a, b| r.pairs.iter().find(|p| (p.a, p.b) == (a, b)).map(|p| p.decision);
        assert_eq!(why(100, 102), Some(Decision::Review));
        assert_eq!(why(103, 104), Some(Decision::Review));
    }

    #[test]
    fn analyst_decisions_win() {
        let recs = vec![rec(1, "Vektor LLC", "RU"), rec(2, "OOO Vektor", "RU"), rec(3, "Sirius Trade", "RU")];
        let hints = Hints { same_as: vec![(3, 1)], not_same: vec![(1, 2)], officers: vec![] };
        let r = resolve(&recs, &hints);
        assert_eq!(members(&r), vec![vec![1, 3]]);
        assert!(r.pairs.iter().any(|p| (p.a, p.b) == (1, 2) && p.decision == Decision::Refused));
        assert!(r.conflicts.is_empty());
        let hints = Hints { same_as: vec![(1, 2)], not_same: vec![(1, 2)], officers: vec![] };
        assert_eq!(resolve(&recs, &hints).conflicts, vec![(1, 2)]);
    }

    #[test]
    fn support_lifts_a_borderline_pair() {
        let mut a = rec(1, "Anatolia Elektronik", "TR");
        let mut b = rec(2, "Anatolian Elektronik", "TR");
        let base = resolve(&[a.clone(), b.clone()], &Hints::default());
        assert!(members(&base).is_empty());
        let s0 = base.pairs.first().map_or(0.0, |p| p.score);
        a.address = Some("Ataturk Cad. 12, Istanbul".into());
        b.address = Some("Atatürk Caddesi 12 Istanbul".into());
        let hints = Hints { officers: vec![(9, 1), (9, 2)], ..Default::default() };
        let r = resolve(&[a, b], &hints);
        assert!(r.pairs[0].score > s0, "{:?} vs {s0}", r.pairs);
        assert!(r.pairs[0].detail.contains("shared officer"));
        assert!(r.pairs[0].detail.contains("address agrees (+0.05)"), "{}", r.pairs[0].detail);
    }

    #[test]
    fn large_blocks_use_sorted_neighbourhood_and_stay_exact_for_neighbours() {
        let mut recs: Vec<Record> = (0..(MAX_BLOCK as i64 * 3)).map(|i| rec(i, &format!("Elektronik Trade {i:05}"), "TR")).collect();
        recs.push(rec(10_000, "Elektronik Trade 00007", "TR"));
        let r = resolve(&recs, &Hints::default());
        assert!(members(&r).contains(&vec![7, 10_000]), "{:?}", members(&r));
    }

    #[test]
    fn persons_and_companies_never_merge() {
        let mut p = rec(1, "Ivan Petrov", "RU");
        p.kind = Some(EntityKind::Person);
        let r = resolve(&[p, rec(2, "Ivan Petrov", "RU")], &Hints::default());
        assert!(members(&r).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn result_does_not_depend_on_input_order(seed in 0u64..1000) {
            let names = ["Vektor LLC", "OOO Vektor", "Viktor", "Denkar Ltd", "DENKAR LIMITED", "Sirius", "Sirius AO"];
            let mut recs: Vec<Record> = (0..names.len() as i64).map(|i| rec(i, names[i as usize], "RU")).collect();
            let a = resolve(&recs, &Hints::default());
            // A deterministic shuffle from the seed.
            let k = recs.len();
            for i in 0..k {
                let j = ((seed as usize).wrapping_mul(31).wrapping_add(i * 17)) % k;
                recs.swap(i, j);
            }
            let b = resolve(&recs, &Hints::default());
            proptest::prop_assert_eq!(a.clusters, b.clusters);
        }
    }
}
