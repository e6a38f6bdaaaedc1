//! How similar two names are, after normalisation.
//!
//! Two views are combined and the higher wins:
//! - a *soft token* score: each token is paired with its most similar token
//!   on the other side (normalised Damerau–Levenshtein from `strsim`, exact for tokens of three
//!   letters or less, 0.9 for an abbreviation that is a prefix of at least
//!   three letters: `instr` ~ `instruments`), weighted by token length and
//!   averaged over both directions, so word order does not matter;
//! - a *compact* score: normalised Levenshtein distance of the names with all
//!   spacing removed (`denkardis ticaret` ~ `denkar dis ticaret`).
//!
//! Legal forms of different kinds (an `AO` against an `OOO`) cost a little;
//! missing legal forms cost nothing, since sources drop them freely.

use super::normalise::{normalise_name, NormalisedName};

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
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut s = if a.key == b.key { 1.0 } else { soft_tokens(&a.tokens, &b.tokens).max(compact(a, b)) };
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
    // Numbers are identity ("Zavod 5" is not "Zavod 6"); short tokens too.
    if short.len() <= 3 || has_digit(a) || has_digit(b) {
        return 0.0;
    }
    if long.starts_with(short) {
        return 0.9;
    }
    // Edit distance rather than Jaro-Winkler: one letter in six ("vektor" /
    // "viktor") is a different company far more often than a typo.
    let d = strsim::normalized_damerau_levenshtein(a, b);
    if d < 0.75 {
        0.0
    } else {
        d
    }
}

fn directed(a: &[String], b: &[String]) -> f64 {
    let mut num = 0.0;
    let mut den = 0.0;
    for t in a {
        // A one-letter suffix ("Vektor-M") still names another company: short tokens weigh as three letters.
        let w = t.len().max(3) as f64;
        let best = b.iter().map(|u| token_similarity(t, u)).fold(0.0, f64::max);
        num += w * best;
        den += w;
    }
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

fn soft_tokens(a: &[String], b: &[String]) -> f64 {
    (directed(a, b) + directed(b, a)) / 2.0
}

fn has_digit(t: &str) -> bool {
    t.bytes().any(|c| c.is_ascii_digit())
}

fn compact(a: &NormalisedName, b: &NormalisedName) -> f64 {
    let (ca, cb) = (a.compact(), b.compact());
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    if digits(&ca) != digits(&cb) {
        return 0.0;
    }
    // Spacing variants only: short compact keys are too easy to confuse.
    if ca.len().min(cb.len()) < 6 {
        return 0.0;
    }
    strsim::normalized_levenshtein(&ca, &cb)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            proptest::prop_assert_eq!(name_similarity(&a, &a), 1.0);
        }
    }
}
