//! Screening: which list entries a name (with country and identifiers) matches.
//!
//! The list's names are normalised once into an index ([`ScreenIndex`])
//! with blocking keys (each token's first four letters, and the first five
//! letters of the spacing-free name), so a query is compared only with
//! entries that share a key. A query is scored against every name and alias
//! of a candidate entry (see [`crate::resolve::matching`]); an equal
//! identifier is decisive; country agreement adds a little, a country
//! conflict and a kind conflict (person vs company) take off.
//!
//! Entries that a list carries only as owners or assets (FtM, `listed ==
//! false`) are not matches in themselves; a match on one owned at least
//! 50 % (OFAC's 50 % rule) or to an unstated share by a listed entry is
//! reported through that owner.

use std::collections::HashMap;

use super::evidence::{compare_for_screening, NameEvidence, WeighedName, WordStats};
use super::identifiers::{is_decisive, normalise_identifier, schemes_compatible};
use super::lists::{ListEntry, ScreeningList};
use super::normalise::{normalise_name, NormalisedName};
use crate::model::{EntityKind, RelationKind};

/// Default score from which a match is accepted.
pub const DEFAULT_THRESHOLD: f64 = 0.90;
/// Below the acceptance threshold, matches down to this score are shown for review.
pub const REVIEW_FLOOR: f64 = 0.80;
/// Highest name score of a pair in which no identifying word agrees, or
/// one name has a letter the other lacks: a review at most.
pub const GENERIC_ONLY_CAP: f64 = 0.85;
/// Added when the query's country is among the entry's countries.
pub const COUNTRY_BONUS: f64 = 0.02;
/// Taken off when both name countries and none agree.
pub const COUNTRY_PENALTY: f64 = 0.08;
/// Taken off when one is a person and the other is not.
pub const KIND_PENALTY: f64 = 0.15;
/// Blocking keys held by more names than this (`trad`, `inte`) are skipped
/// when the query has a rarer key; a true match shares its rare words too.
const MAX_POSTINGS: usize = 300;

/// A party to screen.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Name first, then aliases.
    pub names: Vec<String>,
    pub country: Option<String>,
    pub identifiers: Vec<(String, String)>,
    pub kind: Option<EntityKind>,
}

/// One list entry that matched a query.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    /// Index of the matched entry in the list's `entries` (the listed owner, for an ownership match).
    pub entry: usize,
    pub score: f64,
    /// The query name and the list name that scored best.
    pub query_name: String,
    pub list_name: String,
    pub name_score: f64,
    /// `scheme:value` of an equal identifier.
    pub identifier: Option<String>,
    /// The unlisted entry whose name matched, when the match is through its listed owner.
    pub owned: Option<usize>,
    /// One line for an analyst: what matched what.
    pub explanation: String,
}

/// A list prepared for screening.
pub struct ScreenIndex<'a> {
    list: &'a ScreeningList,
    /// (entry, weighed name, name as written)
    names: Vec<(u32, WeighedName, &'a str)>,
    /// Word frequencies over the list's entries: which words identify.
    stats: WordStats,
    blocks: HashMap<String, Vec<u32>>,
    ids: HashMap<String, Vec<(u32, String)>>,
    /// asset entry -> (listed owner entry, share)
    owners: HashMap<usize, Vec<(usize, Option<f64>)>>,
}

/// Blocking keys of a normalised name, each with the token it came from
/// (`u8::MAX` for the spacing-free name): a token's first four letters, and
/// for a token of six letters or more its last four, and of seven or more
/// its first three with its last three, so that one slip anywhere in a long
/// word leaves at least one key intact (`LAJOKRASKA` still meets
/// `LAKOKRASKA` by `aska`); and the first five letters of the spacing-free
/// name (`DENKARDIS` / `DENKAR DIS`).
pub(crate) fn block_keys(n: &NormalisedName) -> Vec<(u8, String)> {
    let mut keys: Vec<(u8, String)> = Vec::new();
    for (i, t) in n.tokens.iter().enumerate().filter(|(_, t)| t.len() >= 2 && t.is_ascii()) {
        let i = i.min(254) as u8;
        keys.push((i, t[..t.len().min(4)].to_string()));
        if t.len() >= 6 {
            keys.push((i, format!("<{}", &t[t.len() - 4..])));
        }
        if t.len() >= 7 {
            keys.push((i, format!("{}-{}", &t[..3], &t[t.len() - 3..])));
        }
    }
    for (i, t) in n.tokens.iter().enumerate().filter(|(_, t)| t.len() >= 2 && !t.is_ascii()) {
        keys.push((i.min(254) as u8, t.chars().take(4).collect()));
    }
    let c = n.compact();
    if c.len() >= 5 && c.is_char_boundary(5) {
        keys.push((u8::MAX, format!("#{}", &c[..5])));
    }
    keys.sort();
    keys.dedup();
    keys
}

impl<'a> ScreenIndex<'a> {
    /// Normalises every name of the list and builds the blocking and identifier indexes.
    ///
    /// # Complexity
    /// O(N) normalisations for N names and aliases.
    pub fn new(list: &'a ScreeningList) -> ScreenIndex<'a> {
        let mut names = Vec::new();
        let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
        let mut ids: HashMap<String, Vec<(u32, String)>> = HashMap::new();
        let normalised: Vec<Vec<(NormalisedName, &str)>> = list
            .entries
            .iter()
            .map(|e| e.names.iter().map(|n| (normalise_name(n), n.as_str())).filter(|(nn, _)| !nn.is_empty()).collect())
            .collect();
        let plain: Vec<Vec<NormalisedName>> = normalised.iter().map(|v| v.iter().map(|(n, _)| n.clone()).collect()).collect();
        let stats = WordStats::new(plain.iter().map(|v| v.as_slice()));
        for (i, (e, entry_names)) in list.entries.iter().zip(normalised).enumerate() {
            for (nn, n) in entry_names {
                let ni = names.len() as u32;
                for (_, k) in block_keys(&nn) {
                    let p = blocks.entry(k).or_default();
                    if p.last() != Some(&ni) {
                        p.push(ni);
                    }
                }
                names.push((i as u32, WeighedName::new(nn, n, &stats), n));
            }
            for (s, v) in &e.identifiers {
                let (s, v) = normalise_identifier(s, v);
                if is_decisive(&v) {
                    ids.entry(v).or_default().push((i as u32, s));
                }
            }
        }
        let by_id: HashMap<&str, usize> = list.entries.iter().enumerate().map(|(i, e)| (e.entry_id.as_str(), i)).collect();
        let mut owners: HashMap<usize, Vec<(usize, Option<f64>)>> = HashMap::new();
        for r in list.relations.iter().filter(|r| r.kind == RelationKind::Ownership) {
            if let (Some(&o), Some(&a)) = (by_id.get(r.from.as_str()), by_id.get(r.to.as_str())) {
                if list.entries[o].listed && r.share.is_none_or(|s| s >= 50.0) {
                    owners.entry(a).or_default().push((o, r.share));
                }
            }
        }
        ScreenIndex { list, names, stats, blocks, ids, owners }
    }

    pub fn entry(&self, i: usize) -> &ListEntry {
        &self.list.entries[i]
    }

    /// Matches of one query with score at least `floor`, best first (ties by entry order).
    ///
    /// # Complexity
    /// O(q·c) similarity computations: q query names, c candidate names sharing a blocking key.
    pub fn screen(&self, q: &Query, floor: f64) -> Vec<Match> {
        let qnames: Vec<(WeighedName, &str)> = q
            .names
            .iter()
            .map(|n| (normalise_name(n), n.as_str()))
            .filter(|(n, _)| !n.is_empty())
            .map(|(nn, n)| (WeighedName::new(nn, n, &self.stats), n))
            .collect();
        // Best (name evidence, query name, list name index) per entry.
        let mut best: HashMap<u32, (Option<NameEvidence>, usize, u32)> = HashMap::new();
        for (qi, (qn, _)) in qnames.iter().enumerate() {
            let keys = block_keys(&qn.nn);
            let usable: Vec<(u8, &Vec<u32>)> = keys.iter().filter_map(|(t, k)| self.blocks.get(k).map(|p| (*t, p))).collect();
            let mut postings: Vec<(u8, &Vec<u32>)> = usable.iter().copied().filter(|(_, p)| p.len() <= MAX_POSTINGS).collect();
            if postings.is_empty() {
                postings.extend(usable.iter().copied().min_by_key(|(_, p)| p.len()));
            }
            // With three or more words (or the spacing-free name) meeting
            // selective keys, a real match shares keys from at least two.
            let mut words: Vec<u8> = postings.iter().map(|(t, _)| *t).collect();
            words.dedup();
            let need = if words.len() >= 3 { 2 } else { 1 };
            let mut shared: HashMap<u32, Vec<u8>> = HashMap::new();
            for (t, p) in &postings {
                for &ni in p.iter() {
                    let w = shared.entry(ni).or_default();
                    if !w.contains(t) {
                        w.push(*t);
                    }
                }
            }
            let mut cands: Vec<u32> = shared.into_iter().filter(|(_, w)| w.len() >= need).map(|(ni, _)| ni).collect();
            cands.sort_unstable();
            for ni in cands {
                let (ei, ln, _) = &self.names[ni as usize];
                let ev = compare_for_screening(qn, ln);
                let b = best.entry(*ei).or_insert((None, qi, ni));
                if b.0.as_ref().is_none_or(|x| ev.mean > x.mean) {
                    *b = (Some(ev), qi, ni);
                }
            }
        }
        let mut id_hits: HashMap<u32, String> = HashMap::new();
        for (s, v) in &q.identifiers {
            let (s, v) = normalise_identifier(s, v);
            if !is_decisive(&v) {
                continue;
            }
            for (ei, ls) in self.ids.get(&v).into_iter().flatten() {
                if schemes_compatible(&s, ls) {
                    id_hits.entry(*ei).or_insert(format!("{s}:{v}"));
                    best.entry(*ei).or_insert((None, 0, u32::MAX));
                }
            }
        }
        let mut out = Vec::new();
        for (&ei, (ev, qi, ni)) in &best {
            let (qi, ni) = (*qi, *ni);
            // Names that agree only in generic words (`Trode Industrial` /
            // `TRADE INDUSTRIAL ...`) are at most a review, whatever the score;
            // so is a letter on one side only (`Вектор-М`: a sister company as
            // often as the listed one).
            let generic_only = ev.as_ref().is_some_and(|x| !x.specific_agrees && !x.same_key && x.mean < 1.0);
            let letter = ev.as_ref().is_some_and(|x| x.lone_letter);
            let capped = generic_only || letter;
            let name_score = ev.as_ref().map_or(0.0, |x| if capped { x.mean.min(GENERIC_ONLY_CAP) } else { x.mean });
            let e = &self.list.entries[ei as usize];
            let identifier = id_hits.get(&ei).cloned();
            let mut score = name_score;
            let mut why = Vec::new();
            let (qname, lname) = if ni == u32::MAX {
                (String::new(), e.names[0].clone())
            } else {
                (qnames[qi].1.to_string(), self.names[ni as usize].2.to_string())
            };
            if let (Some(ev), true) = (ev, ni != u32::MAX) {
                why.push(format!("name '{qname}' ~ '{lname}' ({name_score:.2}{})", name_note(ev)));
                if generic_only {
                    why.push(format!("only generic words agree: at most {GENERIC_ONLY_CAP:.2}"));
                } else if letter {
                    why.push(format!("a letter on one side only: at most {GENERIC_ONLY_CAP:.2}"));
                }
            }
            if let (Some(c), false) = (&q.country, e.countries.is_empty()) {
                if e.countries.contains(c) {
                    score += COUNTRY_BONUS;
                    why.push(format!("country {c} agrees"));
                } else {
                    score -= COUNTRY_PENALTY;
                    why.push(format!("country {c} not among {}", e.countries.join(",")));
                }
            }
            if let (Some(a), Some(b)) = (q.kind, e.kind) {
                if (a == EntityKind::Person) != (b == EntityKind::Person) {
                    score -= KIND_PENALTY;
                    why.push(format!("{} vs {}", a.as_str(), b.as_str()));
                }
            }
            if let Some(id) = &identifier {
                score = 1.0;
                why.insert(0, format!("identifier {id} equal"));
            }
            let score = score.clamp(0.0, 1.0);
            if score < floor {
                continue;
            }
            let m = Match {
                entry: ei as usize,
                score,
                query_name: qname,
                list_name: lname,
                name_score: name_score.max(0.0),
                identifier,
                owned: None,
                explanation: why.join("; "),
            };
            if e.listed {
                out.push(m);
            } else {
                for &(o, share) in self.owners.get(&(ei as usize)).into_iter().flatten() {
                    let owner = &self.list.entries[o];
                    let share = share.map_or("an unstated share".to_string(), |s| format!("{s}%"));
                    out.push(Match {
                        entry: o,
                        owned: Some(ei as usize),
                        explanation: format!(
                            "{}; matched '{}' ({}) is owned {share} by listed '{}' ({})",
                            m.explanation, e.names[0], e.entry_id, owner.names[0], owner.entry_id
                        ),
                        ..m.clone()
                    });
                }
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)).then(a.owned.cmp(&b.owned)));
        out.dedup_by(|a, b| a.entry == b.entry && a.owned == b.owned);
        out
    }
}

/// What agreed inside the names, for the explanation.
fn name_note(ev: &NameEvidence) -> String {
    let mut s = String::new();
    if !ev.distinctive_equal.is_empty() {
        let words: Vec<String> = ev.distinctive_equal.iter().map(|t| format!("'{t}'")).collect();
        s.push_str(&format!("; distinctive {} equal", words.join(", ")));
    }
    if let Some((a, b)) = &ev.distinctive_edit {
        s.push_str(&format!("; '{a}' ~ '{b}'"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::lists::{ListFile, ListRelation};

    fn entry(id: &str, names: &[&str], countries: &[&str], listed: bool) -> ListEntry {
        ListEntry {
            list: "sdn".into(),
            entry_id: id.into(),
            kind: Some(EntityKind::Company),
            names: names.iter().map(|s| s.to_string()).collect(),
            countries: countries.iter().map(|s| s.to_string()).collect(),
            identifiers: vec![],
            programs: vec!["RUSSIA-EO14024".into()],
            listed_on: None,
            listed,
            file: 0,
            line: 1,
        }
    }

    fn list() -> ScreeningList {
        let mut e = vec![
            entry("1", &["DENKAR DIS TICARET LIMITED SIRKETI"], &["TR"], true),
            entry("2", &["LIMITED LIABILITY COMPANY VEKTOR", "OOO VEKTOR"], &["RU"], true),
            entry("3", &["VIKTOR TRADE FZE"], &["AE"], true),
            entry("4", &["Alfa Holding Ltd"], &["CY"], false),
        ];
        e[1].identifiers.push(("inn".into(), "7701234567".into()));
        ScreeningList {
            files: vec![ListFile { path: "sdn.csv".into(), role: "sdn", rows: 4 }],
            entries: e,
            relations: vec![ListRelation {
                kind: RelationKind::Ownership,
                from: "2".into(),
                to: "4".into(),
                share: Some(75.0),
                file: 0,
                line: 9,
            }],
        }
    }

    fn q(name: &str, country: Option<&str>) -> Query {
        Query { names: vec![name.into()], country: country.map(str::to_string), ..Default::default() }
    }

    #[test]
    fn finds_spelling_variants_first() {
        let l = list();
        let idx = ScreenIndex::new(&l);
        let m = idx.screen(&q("Denkar Dış Ticaret Ltd. Şti.", Some("TR")), REVIEW_FLOOR);
        assert_eq!(m[0].entry, 0);
        assert!(m[0].score >= DEFAULT_THRESHOLD, "{m:?}");
        assert!(m[0].explanation.contains("country TR agrees"), "{}", m[0].explanation);
        let m = idx.screen(&q("ООО «Вектор»", Some("RU")), REVIEW_FLOOR);
        assert_eq!(m[0].entry, 1);
        assert_eq!(m[0].score, 1.0);
        assert!(m.iter().all(|x| x.entry != 2 || x.score < DEFAULT_THRESHOLD), "{m:?}");
    }

    #[test]
    fn identifier_is_decisive_and_country_conflict_costs() {
        let l = list();
        let idx = ScreenIndex::new(&l);
        let mut query = q("Completely Different Name", None);
        query.identifiers.push(("INN".into(), "7701 234 567".into()));
        let m = idx.screen(&query, DEFAULT_THRESHOLD);
        assert_eq!((m[0].entry, m[0].score), (1, 1.0));
        assert!(m[0].explanation.starts_with("identifier inn:7701234567 equal"));
        let m = idx.screen(&q("OOO Vektor", Some("KZ")), 0.0);
        assert!((m[0].score - (1.0 - COUNTRY_PENALTY)).abs() < 1e-9, "{m:?}");
    }

    #[test]
    fn unlisted_assets_match_through_their_owner() {
        let l = list();
        let idx = ScreenIndex::new(&l);
        let m = idx.screen(&q("ALFA HOLDING LIMITED", Some("CY")), DEFAULT_THRESHOLD);
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].entry, m[0].owned), (1, Some(3)));
        assert!(m[0].explanation.contains("owned 75% by listed 'LIMITED LIABILITY COMPANY VEKTOR'"), "{}", m[0].explanation);
    }

    #[test]
    fn a_slip_in_a_long_word_is_found_even_in_the_first_letters() {
        let mut l = list();
        l.entries.push(entry("5", &["LAKOKRASKA OAO"], &["BY"], true));
        l.entries.push(entry("6", &["TRADE INDUSTRIAL GROUP"], &["TR"], true));
        let idx = ScreenIndex::new(&l);
        // `kok` -> `jok`: the first four letters differ, the last four still meet.
        let m = idx.screen(&q("LAJOKRASKA OAO", Some("BY")), DEFAULT_THRESHOLD);
        assert_eq!(m.first().map(|x| x.entry), Some(4), "{m:?}");
        assert!(m[0].explanation.contains("'lajokraska' ~ 'lakokraska'"), "{}", m[0].explanation);
        // A slip in a short word is not one: `Viktor` is not `Vektor`.
        assert!(idx.screen(&q("OOO Viktor", Some("RU")), DEFAULT_THRESHOLD).is_empty());
        // Only generic words agreeing is at most a review.
        let m = idx.screen(&q("Trode Industrial Group", Some("TR")), REVIEW_FLOOR);
        assert!(m.iter().all(|x| x.score < DEFAULT_THRESHOLD), "{m:?}");
    }

    #[test]
    fn spelled_out_forms_shortened_by_declarants_are_forms() {
        let mut l = list();
        l.entries.push(entry("5", &["OPEN JOINT STOCK COMPANY MINSK AUTOMOBILE PLANT"], &["BY"], true));
        let idx = ScreenIndex::new(&l);
        let m = idx.screen(&q("OPEN JOINT STOCK CO MINSK AUTOMOBILE PLANT", Some("BY")), DEFAULT_THRESHOLD);
        assert_eq!((m[0].entry, m[0].name_score), (4, 1.0), "{m:?}");
    }

    #[test]
    fn unrelated_names_do_not_match() {
        let l = list();
        let idx = ScreenIndex::new(&l);
        assert!(idx.screen(&q("Sunrise Medical Supplies", Some("TR")), REVIEW_FLOOR).is_empty());
    }
}
