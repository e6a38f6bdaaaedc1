//! How similar two names are, after normalisation.
//!
//! Two views are combined and the higher wins:
//! - a *soft token* score: each token is paired with its most similar token
//!   on the other side (optimal-string-alignment edit distance from `strsim`, exact for tokens of three
//!   letters or less, 0.85 for an abbreviation that is a prefix of at least
//!   three letters: `instr` ~ `instruments`), weighted by token length and
//!   averaged over both directions, so word order does not matter;
//! - a *compact* score: normalised Levenshtein distance of the names with all
//!   spacing removed (`denkardis ticaret` ~ `denkar dis ticaret`).
//!
//! Legal forms of different kinds (an `AO` against an `OOO`) cost a little;
//! missing legal forms cost nothing, since sources drop them freely.

use super::normalise::{normalise_name, NormalisedName};
use rapidfuzz::distance::{levenshtein, osa};

/// Score of a token that is a prefix (four letters or more) of the other: an
/// abbreviation (`INSTR.`) or a different, longer word (`HAVE` / `HAVEKA`).
/// Set so that a name with one such token can reach review or screening
/// acceptance but not an automatic merge on its own.
pub const PREFIX_SCORE: f64 = 0.85;

/// Score of a short form made of the long word's letters in order, first
/// letter kept (`Cmpts` / `Components`, `Trdg` / `Trading`, `Elecs` /
/// `Electronics`), and of a three-letter prefix of a word of six or more.
pub const ABBREVIATION_SCORE: f64 = 0.80;

/// True when `short` (four letters or more, at most 80 % of `long`) keeps
/// `long`'s first letter and the rest of its letters in order.
pub(crate) fn is_contraction(short: &str, long: &str) -> bool {
    let (s, l) = (short.as_bytes(), long.as_bytes());
    if s.len() < 4 || s.len() * 5 > l.len() * 4 || s[0] != l[0] {
        return false;
    }
    let mut it = l[1..].iter();
    s[1..].iter().all(|c| it.any(|d| d == c))
}

/// Penalty when both names carry legal forms of different kinds.
pub const LEGAL_FORM_PENALTY: f64 = 0.04;

/// Similarity of two names as written, 0.0 (unrelated) to 1.0 (same key).
///
/// Normalises both (see [`normalise_name`]) and calls [`similarity`]. For
/// many comparisons, normalise once and call [`similarity`] directly.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    similarity(&normalise_name(a), &normalise_name(b))
}

/// Similarity of two token lists, 0.0 to 1.0.
///
/// # Arguments
/// * `a`, `b` - normalised names.
///
/// # Returns
/// 1.0 for equal keys; 0.0 when either is empty. Symmetric.
///
/// # Complexity
/// O(|a|·|b|) token comparisons, each O(token length²) at worst.
pub fn similarity(a: &NormalisedName, b: &NormalisedName) -> f64 {
    score(a, b, false)
}

/// Like [`similarity`], but the soft-token part is the weaker direction
/// rather than the mean: a word on one side only (`X Plus GmbH` / `X GmbH`)
/// costs its full weight. Used for clustering, where a false merge joins two
/// companies' trade.
pub fn strict_similarity(a: &NormalisedName, b: &NormalisedName) -> f64 {
    score(a, b, true)
}

fn score(a: &NormalisedName, b: &NormalisedName, strict: bool) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut s = if a.key == b.key {
        1.0
    } else {
        let (x, y) = soft_tokens(&a.tokens, &b.tokens);
        let soft = if strict { x.min(y) } else { (x + y) / 2.0 };
        soft.max(compact(a, b, soft))
    };
    if let (Some(fa), Some(fb)) = (a.legal_form, b.legal_form) {
        if !fa.same_as(&fb) {
            s -= LEGAL_FORM_PENALTY;
        }
    }
    s.clamp(0.0, 1.0)
}

/// Similarity of two folded tokens.
pub fn token_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // Numbers are identity ("Zavod 5" is not "Zavod 6").
    if has_digit(a) || has_digit(b) {
        return 0.0;
    }
    if short.len() == 3 && long.len() >= 6 && long.starts_with(short) {
        // `Gen.` / `General`, `Imp.` / `Import`, `End.` / `Endüstriyel`.
        return ABBREVIATION_SCORE;
    }
    // Other short tokens must be equal.
    if short.len() <= 3 {
        return 0.0;
    }
    if long.starts_with(short) {
        return PREFIX_SCORE;
    }
    if is_contraction(short, long) {
        return ABBREVIATION_SCORE;
    }
    // The length difference alone bounds the edit similarity: skip hopeless pairs.
    if (long.len() - short.len()) * 4 > long.len() {
        return 0.0;
    }
    // Edit distance with transpositions (optimal string alignment) rather
    // than Jaro-Winkler: one letter in six ("vektor" / "viktor") is a
    // different company far more often than a typo.
    let d = 1.0 - osa_distance(a, b) as f64 / long.chars().count() as f64;
    if d < 0.75 {
        0.0
    } else {
        d
    }
}

/// Soft-token scores of both directions (a's tokens covered by b, b's by a), length-weighted.
fn soft_tokens(a: &[String], b: &[String]) -> (f64, f64) {
    // Names rarely have more than 16 tokens: keep the scratch row on the stack.
    let mut stack = [0.0f64; 16];
    let mut heap = Vec::new();
    let best_b: &mut [f64] = if b.len() <= 16 {
        &mut stack[..b.len()]
    } else {
        heap.resize(b.len(), 0.0);
        &mut heap
    };
    let (mut num_a, mut den_a) = (0.0, 0.0);
    for t in a {
        let mut best = 0.0f64;
        for (j, u) in b.iter().enumerate() {
            let s = token_similarity(t, u);
            best = best.max(s);
            best_b[j] = best_b[j].max(s);
        }
        // A one-letter suffix ("Vektor-M") still names another company: short tokens weigh as three letters.
        let w = t.len().max(3) as f64;
        num_a += w * best;
        den_a += w;
    }
    let (mut num_b, mut den_b) = (0.0, 0.0);
    for (u, &mut best) in b.iter().zip(best_b) {
        let w = u.len().max(3) as f64;
        num_b += w * best;
        den_b += w;
    }
    if den_a == 0.0 || den_b == 0.0 {
        return (0.0, 0.0);
    }
    (num_a / den_a, num_b / den_b)
}

fn has_digit(t: &str) -> bool {
    t.bytes().any(|c| c.is_ascii_digit())
}

/// Spacing-free comparison; `floor` is the score it must beat to matter.
fn compact(a: &NormalisedName, b: &NormalisedName, floor: f64) -> f64 {
    let len = |n: &NormalisedName| n.key.len() + 1 - n.tokens.len();
    let (la, lb) = (len(a), len(b));
    // Short compact keys are too easy to confuse; and the length difference
    // bounds the score from above.
    if la.min(lb) < 6 || (la.abs_diff(lb) as f64) / (la.max(lb) as f64) >= 1.0 - floor {
        return 0.0;
    }
    fn digits(n: &NormalisedName) -> impl Iterator<Item = u8> + '_ {
        n.key.bytes().filter(u8::is_ascii_digit)
    }
    if !digits(a).eq(digits(b)) {
        return 0.0;
    }
    // The compact keys, concatenated on the stack: this runs for most candidate pairs.
    let (mut ba, mut bb) = ([0u8; EDIT_STACK], [0u8; EDIT_STACK]);
    match (concat_into(&a.tokens, &mut ba), concat_into(&b.tokens, &mut bb)) {
        (Some(x), Some(y)) => 1.0 - levenshtein::distance(x.iter().copied(), y.iter().copied()) as f64 / x.len().max(y.len()) as f64,
        _ => {
            let (ca, cb) = (a.compact(), b.compact());
            let n = ca.chars().count().max(cb.chars().count());
            if n == 0 {
                1.0
            } else {
                1.0 - levenshtein::distance(ca.chars(), cb.chars()) as f64 / n as f64
            }
        }
    }
}

/// Longest compact key assembled on the stack; longer or non-ASCII ones are
/// compared as `char`s from a heap copy.
const EDIT_STACK: usize = 128;

fn concat_into<'b>(tokens: &[String], buf: &'b mut [u8; EDIT_STACK]) -> Option<&'b [u8]> {
    let mut n = 0;
    for t in tokens {
        let end = n + t.len();
        if end > EDIT_STACK || !t.is_ascii() {
            return None;
        }
        buf[n..end].copy_from_slice(t.as_bytes());
        n = end;
    }
    Some(&buf[..n])
}

/// Optimal-string-alignment distance (rapidfuzz's bit-parallel
/// implementation; tokens are ASCII after folding, so bytes suffice).
fn osa_distance(a: &str, b: &str) -> usize {
    if a.is_ascii() && b.is_ascii() {
        osa::distance(a.bytes(), b.bytes())
    } else {
        osa::distance(a.chars(), b.chars())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn rapidfuzz_distances_equal_strsim(a in "[a-e]{0,70}", b in "[a-eé]{0,70}") {
            // The two crates must agree: scores were calibrated with strsim.
            proptest::prop_assert_eq!(osa_distance(&a, &b), strsim::osa_distance(&a, &b));
            proptest::prop_assert_eq!(levenshtein::distance(a.chars(), b.chars()), strsim::levenshtein(&a, &b));
        }

        #[test]
        fn rapidfuzz_osa_equals_strsim_on_short_words(a in "[abc]{0,8}", b in "[abc]{0,8}") {
            proptest::prop_assert_eq!(osa_distance(&a, &b), strsim::osa_distance(&a, &b));
        }
    }

    #[test]
    fn same_company_spellings_score_high() {
        let pairs = [
            ("DENKAR DIS TICARET LTD STI", "Denkar Dış Ticaret Limited Şirketi"),
            ("ООО Вектор", "OOO VEKTOR"),
            ("ООО Вектор", "Vektor LLC"),
            ("TEXAS INSTR.", "Texas Instruments Inc"),
            ("DENKARDIS TICARET", "DENKAR DIS TICARET"),
            ("Ivanov Ivan", "IVAN IVANOV"),
            ("Хабаровский Завод", "Khabarovskiy Zavod"),
            ("Analog Devices", "ANALOG DEVICES INC."),
        ];
        for (a, b) in pairs {
            let s = name_similarity(a, b);
            assert!(s >= 0.9, "{a} ~ {b}: {s}");
        }
        assert_eq!(name_similarity("ООО Вектор", "Vektor LLC"), 1.0);
    }

    #[test]
    fn different_companies_score_low() {
        let pairs = [
            ("Vektor LLC", "Viktor LLC"),
            ("Alfa Trade", "Alfa Technology"),
            ("Texas Instruments", "Texas Roadhouse"),
            ("Sun Electronics", "Moon Electronics"),
            ("Almaz", "Almaz Antey Air Defence Concern"),
            ("Zavod No. 5", "Zavod No. 6"),
            ("OOO Vektor-M", "OOO Vektor"),
            ("Elektronik Trade 00007", "Elektronik Trade 00008"),
        ];
        for (a, b) in pairs {
            let s = name_similarity(a, b);
            assert!(s < 0.88, "{a} ~ {b}: {s}");
        }
    }

    #[test]
    fn legal_form_kind_matters_a_little() {
        let same = name_similarity("AO Almaz", "Almaz JSC");
        let diff = name_similarity("AO Almaz", "OOO Almaz");
        assert_eq!(same, 1.0);
        assert!((diff - (1.0 - LEGAL_FORM_PENALTY)).abs() < 1e-9);
        assert_eq!(name_similarity("Almaz", "OOO Almaz"), 1.0);
    }

    #[test]
    fn empty_names_match_nothing() {
        assert_eq!(name_similarity("", ""), 0.0);
        assert_eq!(name_similarity("LLC", ""), 0.0);
    }

    proptest::proptest! {
        #[test]
        fn symmetric_and_bounded(a in "[A-Za-zА-я .,]{0,30}", b in "[A-Za-zА-я .,]{0,30}") {
            let x = name_similarity(&a, &b);
            let y = name_similarity(&b, &a);
            proptest::prop_assert!((x - y).abs() < 1e-9);
            proptest::prop_assert!((0.0..=1.0).contains(&x));
        }

        #[test]
        fn a_name_matches_itself(a in "[A-Za-zА-я]{1,10}( [A-Za-z]{1,10}){0,3}") {
            // A name of soft signs alone has nothing left to compare.
            let expected = if normalise_name(&a).is_empty() { 0.0 } else { 1.0 };
            proptest::prop_assert_eq!(name_similarity(&a, &a), expected);
        }
    }
}
