//! Evidence about one candidate pair of records, combined into one score
//! with an explanation: token-aware name similarity, address, and the
//! word statistics of the whole case that say which words are distinctive.
//!
//! Why not one name score against a bar: in customs data the generic words
//! (`Trading`, `Electronics`, the legal form) vary freely between sources
//! while the one distinctive word (`Denkar`, `Meirunze`) does not. So
//! - each word weighs by its rarity over the case (inverse document
//!   frequency, Robertson 2004) and, below that, its length;
//! - a place name on one side only (`Suzhou X Co., Ltd.` / `X Co Ltd`)
//!   weighs nothing;
//! - words split or joined differently (`Wei Sheng` / `Weisheng`) are
//!   re-joined before comparison;
//! - an edit inside a distinctive word (`Tosato` / `Tonato`) is recorded as
//!   evidence of a *different* company, unless the two spellings are
//!   transliteration variants of one Cyrillic word (`Khaiel` / `Haiol`);
//! - addresses compare without street-type words and across scripts
//!   (`улица Ленина, д. 10, Москва` = `Ulitsa Lenina 10, Moskva`).

use std::collections::HashMap;

use super::matching::token_similarity;
use super::normalise::{ascii_tokens, NormalisedName};
use super::translit::fold_variants;
use super::vocab::{is_address_word, is_country_name, is_generic, is_modifier, is_place};

/// Word document frequencies over all names of a case.
#[derive(Debug, Default)]
pub struct WordStats {
    df: HashMap<String, u32>,
    n: u32,
}

impl WordStats {
    /// Counts, for each folded token, the records whose names contain it.
    ///
    /// # Complexity
    /// O(total tokens).
    pub fn new<'a>(records: impl Iterator<Item = &'a [NormalisedName]>) -> WordStats {
        let mut df: HashMap<String, u32> = HashMap::new();
        let mut n = 0;
        let mut seen: Vec<&str> = Vec::new();
        for names in records {
            n += 1;
            seen.clear();
            for t in names.iter().flat_map(|nn| nn.tokens.iter()) {
                if !seen.contains(&t.as_str()) {
                    seen.push(t);
                    *df.entry(t.clone()).or_default() += 1;
                }
            }
        }
        WordStats { df, n }
    }

    pub fn df(&self, t: &str) -> u32 {
        self.df.get(t).copied().unwrap_or(0)
    }

    /// Records from which a word counts as common even if no list says so.
    ///
    /// One in a hundred records, and at least 20: a family of companies
    /// sharing a stem (`Whitlock Trading`, `Whitlock Motors`, ...) and the
    /// spellings of each of them must not make the stem common in a small
    /// case; words that are common everywhere (`Golden`, `Star`) are known
    /// from the vocabulary, not from the case.
    pub fn common_from(&self) -> u32 {
        (self.n / 100).max(20)
    }

    /// Weight of a word: rarity (idf) times a gentle length factor, and
    /// a fifth of that for a word the vocabulary calls generic or a single
    /// letter (`Вектор-М`: a letter on one side only is a sister company
    /// as often as the same one spelled twice, so it must bring the pair
    /// down to review, not below it; a letter's rarity says little).
    pub fn weight(&self, t: &str) -> f64 {
        let idf = (1.0 + (self.n.max(1) as f64) / (self.df(t).max(1) as f64)).ln();
        let len = (t.len().clamp(3, 12) as f64).sqrt();
        let letter = t.len() == 1 && t.bytes().all(|c| c.is_ascii_alphabetic());
        let generic = if is_generic(t) || letter { GENERIC_FACTOR } else { 1.0 };
        idf * len * generic
    }
}

/// A name with its words weighed.
#[derive(Clone, Debug)]
pub struct WeighedName {
    pub nn: NormalisedName,
    /// Written (partly) in Cyrillic; (partly) in Latin letters.
    pub cyrillic: bool,
    pub latin: bool,
    pub weights: Vec<f64>,
    /// True for words that identify (rare, not generic, not a place).
    pub distinctive: Vec<bool>,
}

impl WeighedName {
    pub fn new(nn: NormalisedName, written: &str, stats: &WordStats) -> WeighedName {
        let cyrillic = written.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
        let latin = written.chars().any(|c| c.is_ascii_alphabetic());
        let weights = nn.tokens.iter().map(|t| stats.weight(t)).collect();
        let distinctive =
            nn.tokens.iter().map(|t| t.len() >= 3 && !is_generic(t) && !is_place(t) && stats.df(t) <= stats.common_from()).collect();
        WeighedName { nn, cyrillic, latin, weights, distinctive }
    }

    pub fn has_distinctive(&self) -> bool {
        self.distinctive.iter().any(|&d| d)
    }
}

/// What the names say about a pair.
#[derive(Clone, Debug, PartialEq)]
pub struct NameEvidence {
    /// Weighted similarity, 0 to 1 (the weaker direction).
    pub score: f64,
    /// The mean of the two directions (screening).
    pub mean: f64,
    /// A distinctive word and its nearest counterpart when they differ by an edit.
    pub distinctive_edit: Option<(String, String)>,
    /// Distinctive words that agree (equal, transliteration variants or re-joined).
    pub distinctive_equal: Vec<String>,
    /// Neither name has a distinctive word: both are made of common words.
    pub common_only: bool,
    /// Every word of both names is a word of the vocabulary (generic, a
    /// modifier, a place) or shorter than three letters: common everywhere,
    /// not only frequent in this case (`Golden Star Trading`).
    pub vocabulary_only: bool,
    /// The two names have the same comparable key (legal forms aside).
    pub same_key: bool,
    /// A word that is neither generic nor a place agrees (equal, a
    /// transliteration variant or, when screening, a slip).
    pub specific_agrees: bool,
    /// One name has a single letter the other lacks (`Вектор-М` / `Вектор`).
    pub lone_letter: bool,
}

/// Weight of a generic word (or a single letter) relative to a distinctive one of equal rarity.
const GENERIC_FACTOR: f64 = 0.2;

/// Similarity given to a generic word against its typo or short form (`Trdg`, `Elec.`).
const GENERIC_VARIANT: f64 = 0.97;

/// Tokens of one side after re-joining split words, with weights and flags.
struct Side<'a> {
    tokens: Vec<std::borrow::Cow<'a, str>>,
    literal: Vec<std::borrow::Cow<'a, str>>,
    weights: Vec<f64>,
    distinctive: Vec<bool>,
}

fn side<'a>(a: &'a WeighedName, other: &WeighedName) -> Side<'a> {
    let t = &a.nn.tokens;
    let mut out = Side { tokens: Vec::with_capacity(t.len()), literal: Vec::new(), weights: Vec::new(), distinctive: Vec::new() };
    let mut i = 0;
    while i < t.len() {
        // `Wei Sheng` against `Weisheng`: two or three neighbours that together are a word of the other name.
        let mut joined = None;
        for k in [3usize, 2] {
            if i + k <= t.len() && !other.nn.tokens.contains(&t[i]) {
                // Folded again: the join may double a letter (`mei` + `iuan`).
                let cat: String = fold_variants(&t[i..i + k].concat());
                if other.nn.tokens.contains(&cat) {
                    joined = Some((k, cat));
                    break;
                }
            }
        }
        if let Some((k, cat)) = joined {
            out.weights.push(a.weights[i..i + k].iter().cloned().fold(0.0, f64::max));
            out.distinctive.push(a.distinctive[i..i + k].iter().any(|&d| d) || (!is_generic(&cat) && !is_place(&cat)));
            out.tokens.push(cat.into());
            out.literal.push(a.nn.literal[i..i + k].concat().into());
            i += k;
        } else {
            out.tokens.push(t[i].as_str().into());
            out.literal.push(a.nn.literal[i].as_str().into());
            out.weights.push(a.weights[i]);
            out.distinctive.push(a.distinctive[i]);
            i += 1;
        }
    }
    out
}

/// A coarser fold for transliterations of one word: `zh`/`j`, `ie`/`e`
/// (`ъе`, `ye`), `io`/`e` (`ё` as `yo`, `jo` or `e`), and when screening `ou`/`u`.
fn coarse(t: &str, screening: bool) -> String {
    // `ou` for `у` in French-style romanisation (`Youli` / `Yuli`, `Foulk` /
    // `Fulk`): only against a list, since in a case `Zaibrou` / `Zaibru` is as
    // often two companies.
    let t = if screening { t.replace("ou", "u") } else { t.to_string() };
    let s = t.replace("zh", "i").replace("ie", "e").replace("io", "e");
    fold_variants(&s)
}

/// Similarity of two tokens, and whether they are transliteration variants.
///
/// With `translit`, the folded spellings are compared (and coarser
/// transliteration variants accepted); without, the literal ones, since two
/// Latin names from, say, China that agree only after folding
/// (`Boyihua` / `Boihua`) are spelled differently.
fn token_pair(s: &Side, i: usize, o: &Side, j: usize, mode: Mode) -> (f64, bool) {
    let sim = if !mode.translit {
        token_similarity(&s.literal[i], &o.literal[j])
    } else {
        let (a, b) = (&s.tokens[i], &o.tokens[j]);
        let sim = token_similarity(a, b);
        if sim < 1.0 && a.len() >= 3 && coarse(a, mode.slips) == coarse(b, mode.slips) {
            return (0.97, true);
        }
        sim
    };
    if mode.slips && sim < SLIP_SCORE && is_slip(&s.literal[i], &o.literal[j]) {
        return (SLIP_SCORE, false);
    }
    (sim, false)
}

/// Similarity of a one-letter slip in a long word when screening.
pub const SLIP_SCORE: f64 = 0.95;

/// One keyboard slip (a letter replaced, dropped, added or two swapped) in a
/// word of seven letters or more (`TECHNOLOTY`, `ONERNANK`).
fn is_slip(a: &str, b: &str) -> bool {
    a.len().min(b.len()) >= 7 && a.len().abs_diff(b.len()) <= 1 && rapidfuzz::distance::osa::distance(a.bytes(), b.bytes()) == 1
}

/// How two names are compared.
#[derive(Clone, Copy, Debug)]
struct Mode {
    /// Transliteration variants are plausible (see [`translit_plausible`]).
    translit: bool,
    /// A one-letter slip in a long word is nearly the same word (screening).
    slips: bool,
}

/// Compares two weighed names.
///
/// # Arguments
/// * `translit` - whether transliteration variants are plausible for this
///   pair: one name in Cyrillic and the other not, or both in Latin script
///   from a country whose names pass through Cyrillic (see [`translit_plausible`]).
///
/// # Complexity
/// O(|a|·|b|) token comparisons.
pub fn compare_names(a: &WeighedName, b: &WeighedName, translit: bool) -> NameEvidence {
    compare(a, b, Mode { translit, slips: false })
}

/// Compares a party's name with a list name: like [`compare_names`], with
/// transliteration variants always plausible (list names are themselves
/// romanised, often from Cyrillic or Arabic, whatever the entry's country)
/// and a one-letter slip in a word of seven letters or more scoring
/// [`SLIP_SCORE`]: against a list, a slip of the listed name is far likelier
/// than another company one letter away from it. The screening score is
/// [`NameEvidence::mean`]: a word on one side only costs half its weight.
pub fn compare_for_screening(query: &WeighedName, listed: &WeighedName) -> NameEvidence {
    compare(query, listed, Mode { translit: true, slips: true })
}

fn compare(a: &WeighedName, b: &WeighedName, mode: Mode) -> NameEvidence {
    let (sa, sb) = (side(a, b), side(b, a));
    let mut best_b = vec![(0.0f64, usize::MAX, false); sb.tokens.len()];
    let mut best_a = vec![(0.0f64, usize::MAX, false); sa.tokens.len()];
    for (i, ba) in best_a.iter_mut().enumerate() {
        for (j, bb) in best_b.iter_mut().enumerate() {
            let (s, v) = token_pair(&sa, i, &sb, j, mode);
            if s > ba.0 {
                *ba = (s, j, v);
            }
            if s > bb.0 {
                *bb = (s, i, v);
            }
        }
    }
    let dir = |s: &Side, best: &[(f64, usize, bool)], o: &Side| -> f64 {
        let (mut num, mut den) = (0.0, 0.0);
        for (k, t) in s.tokens.iter().enumerate() {
            let (mut b, j, _) = best[k];
            let mut w = s.weights[k];
            if b >= 0.75 {
                // A matched pair weighs as its lighter word: `Mach.` against
                // `Machinery` is a generic word however rare the short form.
                w = w.min(o.weights[j]);
                // A typo or short form of a generic word is weak evidence either way.
                if b < 1.0 && (is_generic(t) || is_generic(&o.tokens[j])) {
                    b = b.max(GENERIC_VARIANT);
                }
            }
            // A city on one side only is no evidence (a generic word the other
            // side lacks still counts, at its reduced weight; a modifier such
            // as `Plus` and a country at their full weight).
            if b < 0.75 && is_place(t) && !is_country_name(t) {
                continue;
            }
            if b < 0.75 && is_modifier(t) {
                w /= GENERIC_FACTOR;
            }
            num += w * b;
            den += w;
        }
        if den == 0.0 {
            0.0
        } else {
            num / den
        }
    };
    let (fwd, bwd) = (dir(&sa, &best_a, &sb), dir(&sb, &best_b, &sa));
    let score = fwd.min(bwd);
    let mut edit = None;
    let mut equal = Vec::new();
    for (s, best, o) in [(&sa, &best_a, &sb), (&sb, &best_b, &sa)] {
        for (k, &(b, j, variant)) in best.iter().enumerate() {
            if !s.distinctive[k] {
                continue;
            }
            // Reported as written (transliterated), not folded (`xing`, not `ksing`).
            if b >= 1.0 || variant {
                let w = &s.literal[k];
                if !equal.iter().any(|e: &String| e == w) {
                    equal.push(w.to_string());
                }
            } else if b > 0.0 && edit.is_none() && !is_generic(&o.tokens[j]) {
                edit = Some((s.literal[k].to_string(), o.literal[j].to_string()));
            }
        }
    }
    // Some word that identifies (not generic, not a place) agrees: equal, a variant or a slip.
    let specific = [(&sa, &best_a), (&sb, &best_b)]
        .iter()
        .any(|(s, best)| s.tokens.iter().zip(best.iter()).any(|(t, &(b, _, v))| (b >= SLIP_SCORE || v) && !is_generic(t) && !is_place(t)));
    // A single letter on one side only (`Вектор-М` / `Вектор`).
    let lone_letter = [(&sa, &best_a), (&sb, &best_b)].iter().any(|(s, best)| {
        s.tokens.iter().zip(best.iter()).any(|(t, &(b, _, _))| b < 0.75 && t.len() == 1 && t.bytes().all(|c| c.is_ascii_alphabetic()))
    });
    let known = |n: &WeighedName| n.nn.tokens.iter().all(|t| t.len() < 3 || is_generic(t) || is_place(t));
    NameEvidence {
        score,
        mean: (fwd + bwd) / 2.0,
        distinctive_edit: edit,
        distinctive_equal: equal,
        common_only: !a.has_distinctive() && !b.has_distinctive(),
        vocabulary_only: known(a) && known(b),
        specific_agrees: specific,
        lone_letter,
        same_key: a.nn.key == b.nn.key,
    }
}

/// Whether two names may be transliterations of one name: Cyrillic in
/// either (a name may mix scripts: `Акционерное общество "Roha"`), or both
/// in Latin from a country whose names pass through Cyrillic
/// (`cyrillic_country`), or both of unknown country. Two names wholly in
/// Cyrillic are compared letter for letter.
pub fn translit_plausible(a: &WeighedName, b: &WeighedName, country_a: Option<bool>, country_b: Option<bool>) -> bool {
    if a.cyrillic && b.cyrillic && !a.latin && !b.latin {
        return false;
    }
    if a.cyrillic || b.cyrillic {
        return true;
    }
    match (country_a, country_b) {
        (None, None) => true,
        (x, y) => x == Some(true) || y == Some(true),
    }
}

/// An address reduced to what identifies it: house and building numbers,
/// and the remaining words (street and place names), folded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressKey {
    pub numbers: Vec<String>,
    pub words: Vec<String>,
    /// Every folded token in order, street words included: two addresses
    /// written alike are the same even when little is left without them
    /// (`225 Park Street, Perth`).
    pub full: Vec<String>,
}

/// Normalises an address for comparison; `None` when too little is left.
pub fn address_key(s: &str) -> Option<AddressKey> {
    let mut numbers = Vec::new();
    let mut words = Vec::new();
    let mut full = Vec::new();
    for t in ascii_tokens(s) {
        let f = fold_variants(&t);
        full.push(f.clone());
        if f.bytes().any(|c| c.is_ascii_digit()) {
            // The digits alone: `k2` (korpus 2) is `2`, `d10` is `10`.
            numbers.extend(f.split(|c: char| !c.is_ascii_digit()).filter(|d| !d.is_empty()).map(str::to_string));
        } else if f.len() >= 2 && !is_address_word(&f) {
            words.push(f);
        }
    }
    numbers.sort();
    numbers.dedup();
    words.sort();
    words.dedup();
    (words.len() + numbers.len() >= 2 && !words.is_empty()).then_some(AddressKey { numbers, words, full })
}

/// How two addresses relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressMatch {
    Same,
    Different,
    Unclear,
}

/// Compares two address keys: the same when written alike, or when the numbers agree and most
/// words (at least two on each side: a city alone says little) have a close
/// counterpart; different when numbers conflict — none shared, or each side
/// has one the other lacks (`Lindenallee 124, 01067` / `Hauptstr. 138,
/// 01067`: a shared postcode does not make one house) — or few words agree.
pub fn compare_addresses(a: &AddressKey, b: &AddressKey) -> AddressMatch {
    if a.full == b.full {
        return AddressMatch::Same;
    }
    let lacks = |x: &AddressKey, y: &AddressKey| x.numbers.iter().any(|n| !y.numbers.contains(n));
    if !a.numbers.is_empty() && !b.numbers.is_empty() && (!a.numbers.iter().any(|n| b.numbers.contains(n)) || (lacks(a, b) && lacks(b, a)))
    {
        return AddressMatch::Different;
    }
    let cover = |x: &AddressKey, y: &AddressKey| {
        let hit = x.words.iter().filter(|w| y.words.iter().any(|v| token_similarity(w, v) >= 0.8)).count();
        hit as f64 / x.words.len() as f64
    };
    let c = cover(a, b).min(cover(b, a));
    let numbers_agree = a.numbers == b.numbers || (!a.numbers.is_empty() && a.numbers.iter().all(|n| b.numbers.contains(n)));
    if c >= 0.66 && numbers_agree && a.words.len().min(b.words.len()) >= 2 {
        AddressMatch::Same
    } else if c < 0.34 {
        AddressMatch::Different
    } else {
        AddressMatch::Unclear
    }
}

/// Blocking keys of a weighed name, each with the string that orders its
/// block when the block is too large for all pairs: the first and last four
/// letters of each distinctive word (an edit rarely touches both ends),
/// ordered by the word (reversed for the last letters); and the first five
/// letters of the spacing-free name without place names, ordered by that
/// name. A name with no distinctive word is keyed by all its words.
pub fn name_keys(n: &WeighedName, stats: &WordStats, out: &mut Vec<(String, String)>) {
    let cap = stats.common_from().max(64);
    let mut any = false;
    for (t, &d) in n.nn.tokens.iter().zip(&n.distinctive) {
        if d || (t.len() >= 4 && !is_generic(t) && !is_place(t) && stats.df(t) <= cap) {
            any = true;
            out.push((format!("p{}", &t[..t.len().min(4)]), t.clone()));
            if t.len() >= 6 {
                out.push((format!("s{}", &t[t.len() - 4..]), t.chars().rev().collect()));
            }
        }
    }
    if !any {
        out.extend(n.nn.tokens.iter().filter(|t| t.len() >= 2).map(|t| (format!("p{}", &t[..t.len().min(4)]), n.nn.compact())));
    }
    let c: String = n.nn.tokens.iter().filter(|t| !is_place(t)).map(String::as_str).collect();
    let c = if c.len() >= 5 { c } else { n.nn.compact() };
    if c.len() >= 5 {
        out.push((format!("#{}", &c[..5]), c));
    }
}

/// Blocking key of an address: its numbers and its longest word's first four letters.
pub fn address_block_key(a: &AddressKey) -> Option<String> {
    let w = a.words.iter().max_by(|x, y| x.len().cmp(&y.len()).then(y.cmp(x)))?;
    (!a.numbers.is_empty()).then(|| format!("a{}:{}", a.numbers.join(","), &w[..w.len().min(4)]))
}

#[cfg(test)]
mod tests {
    use super::super::normalise::normalise_name;
    use super::*;

    fn stats(names: &[&str]) -> WordStats {
        let v: Vec<Vec<NormalisedName>> = names.iter().map(|n| vec![normalise_name(n)]).collect();
        WordStats::new(v.iter().map(|x| x.as_slice()))
    }

    fn cmp(st: &WordStats, a: &str, b: &str, translit: bool) -> NameEvidence {
        compare_names(&WeighedName::new(normalise_name(a), a, st), &WeighedName::new(normalise_name(b), b, st), translit)
    }

    #[test]
    fn generic_words_weigh_little_and_places_nothing() {
        let st =
            stats(&["Meirunze Trading Co., Ltd.", "Suzhou Meirunze Trading Co Ltd", "Alpha Trading", "Beta Trading", "Gamma Electronics"]);
        let e = cmp(&st, "Suzhou Meirunze Trading Co., Ltd.", "Meirunze Trading Co Ltd", false);
        assert!(e.score >= 0.99, "{e:?}");
        assert_eq!(e.distinctive_equal, vec!["meirunze".to_string()]);
        let e = cmp(&st, "Greishai General Trading", "Greishai Gen. Trdg", false);
        assert!(e.score >= 0.92, "{e:?}");
        let e = cmp(&st, "Wei Sheng Electronics", "Weisheng Electronics", false);
        assert!(e.score >= 0.99, "{e:?}");
    }

    #[test]
    fn an_edit_in_the_distinctive_word_is_recorded() {
        let st = stats(&["Tosato Electric Corporation", "Tonato Electric Corporation", "Other Electric"]);
        let e = cmp(&st, "Tosato Electric Corporation", "Tonato Electric Corporation", false);
        assert_eq!(e.distinctive_edit, Some(("tosato".into(), "tonato".into())));
        let e = cmp(&st, "Jinhua Electronics Limited", "Anhua Electronics Limited", false);
        assert!(e.score < 0.5, "{e:?}");
        // Latin names outside the Cyrillic world are compared as spelled: `Boyihua` is not `Boihua`.
        let e = cmp(&st, "Boyihua Trading", "Boihua Trading", false);
        assert_eq!(e.distinctive_edit, Some(("boyihua".into(), "boihua".into())), "{e:?}");
        // Transliteration variants of one Cyrillic word are not edits.
        let e = cmp(&st, "ООО «Жаша»", "OOO Jasha", true);
        assert!(e.distinctive_edit.is_none() && e.score > 0.95, "{e:?}");
    }

    #[test]
    fn addresses_compare_across_scripts() {
        let a = address_key("Москва, улица Ленина, д. 10").unwrap();
        let b = address_key("Ulitsa Lenina 10, Moskva").unwrap();
        assert_eq!(compare_addresses(&a, &b), AddressMatch::Same);
        let c = address_key("Ulitsa Lenina 12, Moskva").unwrap();
        assert_eq!(compare_addresses(&a, &c), AddressMatch::Different);
        assert_eq!(address_block_key(&a), address_block_key(&b));
        // `корпус 2` written `k2`: the digits compare.
        let d = address_key("ul. Lenina 10 k2, Moskva").unwrap();
        let e = address_key("улица Ленина, дом 10, корпус 2, Москва").unwrap();
        assert_eq!(compare_addresses(&d, &e), AddressMatch::Same);
        // A shared postcode does not make one house.
        let f = address_key("Lindenallee 124, 01067 Dresden").unwrap();
        let g = address_key("Hauptstraße 138, 01067 Dresden").unwrap();
        assert_eq!(compare_addresses(&f, &g), AddressMatch::Different);
        // A city and a number alone (street words dropped) are not the same address.
        let h = address_key("234 Park Street, Singapore").unwrap();
        let i = address_key("234 Industrial Street, Singapore").unwrap();
        assert_eq!(compare_addresses(&h, &i), AddressMatch::Unclear);
    }

    #[test]
    fn a_country_on_one_side_marks_a_subsidiary() {
        let st = stats(&["VTB Bank", "VTB Bank Belarus", "Suzhou Meirunze Trading", "Other Bank", "Beta"]);
        assert!(cmp(&st, "VTB Bank PAO", "VTB Bank Belarus CJSC", false).score < 0.8);
        assert!(cmp(&st, "Suzhou Meirunze Trading", "Meirunze Trading", false).score > 0.99);
    }

    #[test]
    fn a_modifier_on_one_side_weighs_in_full() {
        let st = stats(&["Whitlock Microsystems Inc", "Whitlock Microsystems Plus Inc", "Whitlock Trading", "Alpha Plus", "Beta"]);
        let plus = cmp(&st, "Whitlock Microsystems Inc", "Whitlock Microsystems Plus Inc", false);
        assert!(plus.score < 0.85, "{plus:?}");
        // A descriptor sources drop freely costs little.
        let trading = cmp(&st, "Whitlock Microsystems Inc", "Whitlock Microsystems Trading Inc", false);
        assert!(trading.score > plus.score + 0.1, "{trading:?} vs {plus:?}");
    }
}
