//! Name normalisation for matching: one comparable key per name.
//!
//! Steps, in order: lower-case; Unicode compatibility decomposition (NFKD)
//! and removal of combining marks (so `Ş`→`s`, `ü`→`u`, `İ`→`i`); dotless
//! `ı`→`i`; Cyrillic→Latin by ICAO 9303 ([`super::translit`]); any other
//! script through `deunicode`; punctuation and spacing folded to single
//! separators. Legal forms are then recognised at the end (and, for the
//! post-Soviet and spelled-out forms, at the start) of the name and set
//! apart ([`super::legal_forms`]); a few filler words are dropped; each
//! remaining token is passed through [`super::translit::fold_variants`].
//!
//! The name as written is never replaced: this key is only for comparison.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::legal_forms::{self, LegalForm};
use super::translit::{cyrillic_to_latin, fold_variants};

/// A name reduced to its comparable form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NormalisedName {
    /// Folded name tokens joined by one space, legal form removed (`denkar dis ticaret`).
    pub key: String,
    /// The folded name tokens, in their original order.
    pub tokens: Vec<String>,
    /// The legal form found in the name, if any (the outermost one when several are stacked).
    pub legal_form: Option<LegalForm>,
    /// Each token before variant folding (`boyihua` where the token is
    /// `boihua`): two names whose tokens agree only after folding are
    /// spelled differently, which matters when no transliteration explains it.
    pub literal: Vec<String>,
}

impl NormalisedName {
    /// The key without separators, for comparing names that differ only in spacing.
    pub fn compact(&self) -> String {
        self.tokens.concat()
    }

    /// True when nothing comparable is left (the name was empty or only punctuation).
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// Abbreviations customs clerks use for common words, expanded before
/// legal forms are recognised (the legal-form table holds the long forms of
/// the Turkish descriptors).
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("intl", "international"),
    ("trdg", "trading"),
    ("mfg", "manufacturing"),
    ("svcs", "services"),
    ("tech", "technologies"),
    ("technology", "technologies"),
    ("tic", "ticaret"),
    ("tica", "ticaret"),
    ("san", "sanayi"),
    ("ith", "ithalat"),
    ("ihr", "ihracat"),
    // A frequent typing slip for the legal form itself.
    ("ldt", "ltd"),
];

/// Expanded after legal forms are set apart: `Co` is part of `Co., Ltd.`
/// (a legal form) but alone it is the word `company`.
const LATE_ABBREVIATIONS: &[(&str, &str)] =
    &[("co", "company"), ("gen", "general"), ("genl", "general"), ("trd", "trading"), ("corp", "corporation")];

/// Words that carry no identity and are often dropped or translated.
const FILLER: &[&str] = &["the", "and", "ve", "und", "et", "of"];

/// Splits a name into lower-case ASCII tokens: transliterated, marks and
/// punctuation removed, not yet variant-folded.
///
/// Two repairs for how declarants type: words run together in camel case
/// (`BrennovaSolutions`, `LtdŞti`, `DavineineElec.`) are split where the
/// second part is a known business word or legal form ([`super::vocab`]);
/// runs of single letters (`F.Z.E.`, `L L C`) are joined into one token.
///
/// # Complexity
/// O(n) in the length of `s`.
pub fn ascii_tokens(s: &str) -> Vec<String> {
    // (token, starts at a lower-to-upper case change inside a word)
    let mut pieces: Vec<(String, bool)> = Vec::new();
    let mut cur = String::new();
    let mut camel = false;
    let flush = |cur: &mut String, camel: &mut bool, pieces: &mut Vec<(String, bool)>| {
        if !cur.is_empty() {
            pieces.push((std::mem::take(cur), *camel));
        }
        *camel = false;
    };
    let mut prev_lower = false;
    for orig in s.chars() {
        let is_upper = orig.is_uppercase();
        if is_upper && prev_lower && !cur.is_empty() {
            flush(&mut cur, &mut camel, &mut pieces);
            camel = true;
        }
        prev_lower = orig.is_lowercase();
        for c in orig.to_lowercase().nfkd() {
            if is_combining_mark(c) {
                continue;
            }
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    cur.push(c.to_ascii_lowercase());
                } else if c == '\'' || c == '`' {
                    // O'Brien and Mc'Donald stay one word.
                } else {
                    flush(&mut cur, &mut camel, &mut pieces);
                }
                continue;
            }
            if c == 'ı' {
                cur.push('i');
            } else if c == '’' || c == 'ʼ' || c == '‘' {
            } else if let Some(lat) = cyrillic_to_latin(c) {
                cur.push_str(lat);
            } else if c.is_alphanumeric() {
                for d in deunicode::deunicode_char(c).unwrap_or("").chars() {
                    if d.is_ascii_alphanumeric() {
                        cur.push(d.to_ascii_lowercase());
                    } else {
                        flush(&mut cur, &mut camel, &mut pieces);
                    }
                }
                // Ideographs transliterate to whole syllables: keep each one a token.
                if !c.is_ascii() && deunicode::deunicode_char(c).is_some_and(|d| d.ends_with(' ')) {
                    flush(&mut cur, &mut camel, &mut pieces);
                    prev_lower = false;
                }
            } else {
                flush(&mut cur, &mut camel, &mut pieces);
            }
        }
        if !orig.is_alphanumeric() {
            prev_lower = false;
        }
    }
    flush(&mut cur, &mut camel, &mut pieces);
    let mut tokens: Vec<String> = Vec::with_capacity(pieces.len());
    let mut single_run = false;
    for (t, camel) in pieces {
        let single = t.len() == 1 && t.as_bytes()[0].is_ascii_alphabetic();
        match tokens.last_mut() {
            // `McDonald`, `PetroChina`: a camel part that is no known word stays joined.
            Some(last) if camel && !known_word(&t) => last.push_str(&t),
            Some(last) if single && single_run => last.push_str(&t),
            _ => tokens.push(t),
        }
        single_run = single && (single_run || tokens.last().is_some_and(|l| l.len() == 1));
    }
    tokens
}

fn known_word(t: &str) -> bool {
    let f = fold_variants(t);
    super::vocab::is_generic(&f)
        || LATE_ABBREVIATIONS.iter().any(|(a, _)| *a == t)
        || ABBREVIATIONS.iter().any(|(a, _)| *a == t)
        || super::vocab::abbreviates_generic(&f)
}

/// [`ascii_tokens`] with each token passed through [`fold_variants`].
pub fn folded_tokens(s: &str) -> Vec<String> {
    ascii_tokens(s).iter().map(|t| fold_variants(t)).collect()
}

/// Normalises a company or person name for matching.
///
/// See the module documentation for the steps; docs/resolution.md for the tables.
///
/// # Arguments
/// * `name` - the name as written, in any script.
///
/// # Returns
/// The folded tokens, their joined key and the recognised legal form. The
/// legal form is kept in the tokens when the name would be empty without it.
///
/// # Complexity
/// O(n·k) for a name of n characters, k the longest legal-form alias in tokens (≤ 8).
pub fn normalise_name(name: &str) -> NormalisedName {
    let ascii = ascii_tokens(name);
    let mut raw: Vec<String> =
        ascii.iter().map(|t| fold_variants(ABBREVIATIONS.iter().find(|(a, _)| a == t).map_or(t.as_str(), |(_, full)| full))).collect();
    let before = raw.clone();
    // `... CO., LTD. SUZHOU`: a place after the legal form does not hide it.
    let places_at = raw.iter().rposition(|t| !super::vocab::is_place(t)).map_or(raw.len(), |p| p + 1);
    // A name of places only keeps them all as its core.
    let cut = if places_at > 0 { places_at } else { raw.len() };
    let trailing_places: Vec<String> = raw.split_off(cut);
    let kept_core = raw.len();
    let legal_form = legal_forms::strip(&mut raw);
    // Stripping leaves a contiguous run of the core: find where it starts to keep the literal spellings aligned.
    let start = (0..=kept_core - raw.len()).find(|&f| before[f..f + raw.len()] == raw[..]).unwrap_or(0);
    let mut literal: Vec<String> = ascii[start..start + raw.len()].to_vec();
    literal.extend(ascii[cut..].iter().cloned());
    raw.extend(trailing_places);
    let n = raw.len();
    let (tokens, literal): (Vec<String>, Vec<String>) = raw
        .into_iter()
        .zip(literal)
        .filter(|(t, _)| n == 1 || !FILLER.contains(&t.as_str()))
        .map(|(t, l)| match LATE_ABBREVIATIONS.iter().find(|(a, _)| *a == t) {
            Some((_, full)) => (fold_variants(full), full.to_string()),
            None => (t, l),
        })
        .unzip();
    let key = tokens.join(" ");
    NormalisedName { key, tokens, legal_form, literal }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        normalise_name(s).key
    }

    #[test]
    fn turkish_trader_spellings_agree() {
        let a = normalise_name("DENKAR DIS TICARET LTD STI");
        let b = normalise_name("Denkar Dış Ticaret Limited Şirketi");
        assert_eq!(a.key, "denkar dis ticaret");
        assert_eq!(a.key, b.key);
        let (fa, fb) = (a.legal_form.unwrap(), b.legal_form.unwrap());
        assert!(fa.same_as(&fb), "{fa:?} {fb:?}");
        assert_eq!(key("DENKAR DIŞ TİC. LTD. ŞTİ."), "denkar dis ticaret");
        assert_eq!(key("ÖZGÜR ÇELİK SAN. VE TİC. A.Ş."), "ozgur celik");
        assert_eq!(key("Özgür Çelik Sanayi ve Ticaret Anonim Şirketi"), "ozgur celik");
        assert_eq!(key("IĞDIR İÇ"), "igdir ic");
    }

    #[test]
    fn moscow_importer_spellings_agree() {
        let names = ["ООО Вектор", "OOO VEKTOR", "Vektor LLC", "ООО «Вектор»", "Limited Liability Company Vektor", "OOO \"Wektor\""];
        for n in names {
            let nn = normalise_name(n);
            assert_eq!(nn.key, "vektor", "{n}");
            assert_eq!(nn.legal_form.unwrap().generic, "LLC", "{n}");
        }
    }

    #[test]
    fn legal_forms_in_many_languages() {
        let cases = [
            ("AO Almaz", "JSC"),
            ("PAO Almaz", "JSC"),
            ("ZAO Almaz", "JSC"),
            ("АО «Алмаз»", "JSC"),
            ("Almaz JSC", "JSC"),
            ("Joint Stock Company Almaz", "JSC"),
            ("TOO Almaz", "LLP"),
            ("ТОО Алмаз", "LLP"),
            ("Almaz LLP", "LLP"),
            ("Almaz Ltd", "LLC"),
            ("Almaz Limited", "LLC"),
            ("Almaz GmbH", "LLC"),
            ("Almaz FZE", "LLC"),
            ("Almaz FZCO", "LLC"),
            ("Almaz Co., Ltd.", "LLC"),
            ("Almaz A.Ş.", "JSC"),
            ("Almaz Elektronik Ltd. Şti.", "LLC"),
        ];
        for (n, generic) in cases {
            let nn = normalise_name(n);
            let lf = nn.legal_form.unwrap_or_else(|| panic!("no legal form in {n}"));
            assert_eq!(lf.generic, generic, "{n}: {lf:?}");
            assert!(nn.key.starts_with("almaz"), "{n}: {}", nn.key);
        }
        assert_eq!(key("Almaz Elektronik Ltd. Şti."), "almaz elektronik");
    }

    #[test]
    fn a_name_that_is_only_a_legal_form_keeps_it() {
        let n = normalise_name("Limited");
        assert_eq!(n.key, "limited");
        assert!(normalise_name("").is_empty());
        assert!(normalise_name(" -- ").is_empty());
    }

    #[test]
    fn punctuation_spacing_and_case_fold() {
        assert_eq!(key("  Texas   Instruments, Inc. "), key("texas instruments"));
        assert_eq!(key("TEXAS-INSTRUMENTS"), key("texas instruments"));
        assert_eq!(key("texas instruments"), "teksas instrumenc");
        assert_eq!(key("O'Neil & Sons"), "oneil sons");
        assert_eq!(key("SIROCCO INTL TRDG S.A."), key("Sirocco International Trading SA"));
        assert_eq!(key("DOĞU UFUK DIŞ TİC. Ltd. Şti."), key("Doğu Ufuk Dış Ticaret Ltd. Şti."));
        assert_eq!(key("TRIMURTI PHARMACEUTICALS PRIVATE LIMITED"), key("Trimurti Pharmaceuticals Pvt. Ltd."));
        assert_eq!(key("ＡＢＣ Trading"), "abc trading");
    }

    #[test]
    fn cyrillic_and_latin_variants_agree() {
        assert_eq!(key("Хабаровский завод"), key("Habarovskiy Zavod"));
        assert_eq!(key("Ярославль Центр"), key("Iaroslavl Tsentr"));
        assert_eq!(key("Ярославль Центр"), key("Yaroslavl Centr"));
        assert_eq!(key("Дмитрий Юрьевич"), key("Dmitry Yurevich"));
    }

    #[test]
    fn other_scripts_become_ascii() {
        let k = key("深圳市华强电子有限公司");
        assert!(k.is_ascii() && !k.is_empty(), "{k}");
    }

    proptest::proptest! {
        #[test]
        fn key_is_ascii_and_idempotent(s in "\\PC{0,40}") {
            let n = normalise_name(&s);
            proptest::prop_assert!(n.key.is_ascii());
            proptest::prop_assert_eq!(n.key.clone(), n.tokens.join(" "));
            // Normalising the key again leaves the tokens as they are, up to legal-form stripping.
            let again = normalise_name(&n.key);
            proptest::prop_assert!(again.tokens.len() <= n.tokens.len());
        }
    }
}
