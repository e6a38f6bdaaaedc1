//! Transliteration of Cyrillic to Latin and folding of spelling variants.
//!
//! The scheme is ICAO Doc 9303 (the one on Russian passports since 2013),
//! extended with the extra letters of Ukrainian, Belarusian, Kazakh and
//! Kyrgyz. Sources spell the same name in other schemes too (BGN/PCGN
//! "ya", "kh"; German "w", "tsch"; French "ou"), so matching compares names
//! after [`fold_variants`], which maps the common variant spellings onto one
//! form. docs/resolution.md has the full table.

/// Latin spelling of one lower-case Cyrillic letter, or `None` if `c` is not Cyrillic.
///
/// Callers lower-case first; upper-case letters are not in the table.
pub fn cyrillic_to_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' => "ie",
        'ы' => "y",
        'ь' => "",
        'э' => "e",
        'ю' => "iu",
        'я' => "ia",
        // Ukrainian, Belarusian
        'є' => "ie",
        'і' => "i",
        'ї' => "i",
        'ґ' => "g",
        'ў' => "u",
        // Kazakh, Kyrgyz, Tatar, Bashkir
        'ә' => "a",
        'ғ' => "g",
        'қ' => "k",
        'ң' => "n",
        'ө' => "o",
        'ұ' => "u",
        'ү' => "u",
        'һ' => "h",
        'җ' => "zh",
        // Serbian, Macedonian
        'ђ' => "dj",
        'ј' => "j",
        'љ' => "lj",
        'њ' => "nj",
        'ћ' => "c",
        'џ' => "dz",
        'ѓ' => "g",
        'ќ' => "k",
        'ѕ' => "dz",
        _ => return None,
    })
}

/// Folds the common transliteration variants of one lower-case ASCII token
/// onto a single spelling, so `kh`/`h`, `ya`/`ia`, `ts`/`c`/`tz`, `y`/`i`/`j`,
/// `w`/`v`, `x`/`ks`, `ph`/`f`, `shch`/`sh` and doubled letters compare equal.
///
/// The result is a matching key, not a spelling to show anyone.
///
/// # Arguments
/// * `token` - lower-case ASCII letters and digits.
///
/// # Returns
/// The folded token (never longer than twice the input).
///
/// # Complexity
/// O(n) in the token length.
pub fn fold_variants(token: &str) -> String {
    let b = token.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let (emit, skip): (&[u8], usize) = if rest.starts_with(b"shch") {
            (b"sh", 4)
        } else if rest.starts_with(b"schch") {
            // `Щ` written `sch` + `ch` (`OBSCHCHESTVO`): as `shch`.
            (b"sh", 5)
        } else if rest.starts_with(b"sch") && !rest.starts_with(b"schch") {
            // German `Schitajol` for `Щ`/`Ш`: `sh`.
            (b"sh", 3)
        } else if rest.starts_with(b"dzh") {
            // BGN `Dzhamal`, French/English `Djamal`: both `di` after `j` -> `i`.
            (b"di", 3)
        } else if rest.starts_with(b"kh") {
            (b"h", 2)
        } else if rest.starts_with(b"ts") || rest.starts_with(b"tz") {
            (b"c", 2)
        } else if rest.starts_with(b"ph") {
            (b"f", 2)
        } else {
            match rest[0] {
                b'y' | b'j' => (b"i", 1),
                b'w' => (b"v", 1),
                b'x' => (b"ks", 1),
                _ => (&rest[..1], 1),
            }
        };
        for &e in emit {
            // Doubled letters ("Rosselkhoz"/"Roselkhoz", "Dmitrii"/"Dmitriy") fold to one.
            if out.last() != Some(&e) || e.is_ascii_digit() {
                out.push(e);
            }
        }
        i += skip;
    }
    String::from_utf8(out).expect("ASCII in, ASCII out")
}

/// A Latin spelling of a name, for readers of an exhibit who cannot read
/// its script: Cyrillic by the table of [`cyrillic_to_latin`] (ICAO), other
/// letters as [`super::normalise::ascii_tokens`] spells them (Turkish `ı`,
/// `ş`, `ğ` without their marks, Chinese in pinyin syllables, through
/// `deunicode`), with the case of each word and every punctuation mark kept
/// (`ООО «Вектор-Микро»` → `OOO «Vektor-Mikro»`). `None` when the name has
/// no letter outside ASCII (nothing to spell out).
///
/// # Complexity
/// O(n) in the length of `s`.
pub fn latin_form(s: &str) -> Option<String> {
    if !s.chars().any(|c| !c.is_ascii() && c.is_alphabetic()) {
        return None;
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    // Whether `out` ends in the space deunicode puts after an ideograph's syllable.
    let mut syllable = false;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii() || !c.is_alphabetic() {
            // Punctuation after a syllable needs no space; a space after one is there already.
            if syllable && !c.is_alphanumeric() {
                out.pop();
            }
            syllable = false;
            out.push(c);
            continue;
        }
        syllable = false;
        let lower = c.to_lowercase().next().unwrap_or(c);
        let latin: String = match cyrillic_to_latin(lower) {
            Some(l) => l.to_string(),
            None => deunicode::deunicode_char(c).unwrap_or("").to_string(),
        };
        if latin.is_empty() {
            continue;
        }
        let upper = c.is_uppercase();
        // A capital in a word of capitals (`ООО`, `ЖУК`) spells out in capitals; alone, only its first letter.
        let shouting =
            upper && [i.checked_sub(1), Some(i + 1)].into_iter().flatten().any(|j| chars.get(j).is_some_and(|d| d.is_uppercase()));
        if cyrillic_to_latin(lower).is_some() {
            if shouting {
                out.push_str(&latin.to_uppercase());
            } else if upper {
                let mut l = latin.chars();
                out.extend(l.next().map(|f| f.to_ascii_uppercase()));
                out.extend(l);
            } else {
                out.push_str(&latin);
            }
        } else {
            // deunicode keeps the case of Latin letters (`Ş` → `S`) and capitalises syllables (`深` → `Shen `).
            if out.chars().last().is_some_and(|l| l.is_alphanumeric()) && latin.ends_with(' ') {
                out.push(' ');
            }
            out.push_str(&latin);
            syllable = latin.ends_with(' ');
        }
    }
    let t = out.trim_end().to_string();
    (t != s).then_some(t)
}

/// Where the Latin form of a name comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LatinSource {
    /// An alias (or the name of another record of the same company) written in Latin letters.
    Alias,
    /// [`latin_form`] of the name.
    Transliteration,
}

/// The Latin form to show beside `name` when it is written in another
/// script or with letters outside ASCII: the first of `aliases` (the case's
/// own spellings, e.g. from a register or another bundle) written in ASCII,
/// else [`latin_form`]. `None` for a name in plain ASCII.
pub fn latin_name<'a>(name: &str, aliases: impl IntoIterator<Item = &'a str>) -> Option<(String, LatinSource)> {
    let translit = latin_form(name)?;
    let plain = |a: &str| a.is_ascii() && a.chars().any(|c| c.is_ascii_alphabetic());
    match aliases.into_iter().map(str::trim).find(|a| plain(a) && !a.eq_ignore_ascii_case(name)) {
        Some(a) => Some((a.to_string(), LatinSource::Alias)),
        None => Some((translit, LatinSource::Transliteration)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translit(s: &str) -> String {
        s.to_lowercase().chars().map(|c| cyrillic_to_latin(c).map(str::to_string).unwrap_or(c.to_string())).collect()
    }

    #[test]
    fn icao_scheme() {
        assert_eq!(translit("Вектор"), "vektor");
        assert_eq!(translit("Щукин"), "shchukin");
        assert_eq!(translit("Хабаровск"), "khabarovsk");
        assert_eq!(translit("Юлия"), "iuliia");
        assert_eq!(translit("Объект"), "obieekt");
        assert_eq!(translit("Қазақстан"), "kazakstan");
    }

    #[test]
    fn latin_forms_keep_case_and_punctuation() {
        assert_eq!(latin_form("ООО «Вектор-Микро»").as_deref(), Some("OOO «Vektor-Mikro»"));
        assert_eq!(latin_form("АО «НПП «Северный Радиан»»").as_deref(), Some("AO «NPP «Severnyi Radian»»"));
        assert_eq!(latin_form("Щукин и Юлия").as_deref(), Some("Shchukin i Iuliia"));
        assert_eq!(latin_form("Boğaziçi Yıldız Dış Ticaret Ltd. Şti.").as_deref(), Some("Bogazici Yildiz Dis Ticaret Ltd. Sti."));
        assert_eq!(latin_form("深圳华星电子有限公司").as_deref(), Some("Shen Zhen Hua Xing Dian Zi You Xian Gong Si"));
        assert_eq!(latin_form("Heng Tai (深圳) Ltd").as_deref(), Some("Heng Tai (Shen Zhen) Ltd"));
        assert_eq!(latin_form("Halvorsen Microdevices Inc"), None);
        assert_eq!(latin_form("№ 5 — 100%"), None, "no letter to spell out");
    }

    #[test]
    fn an_alias_in_latin_letters_comes_first() {
        let v = latin_name("ООО «Вектор-Микро»", ["Вектор", " Vector-Micro LLC "]);
        assert_eq!(v, Some(("Vector-Micro LLC".to_string(), LatinSource::Alias)));
        let t = latin_name("ООО «Вектор-Микро»", ["Вектор", "123"]);
        assert_eq!(t, Some(("OOO «Vektor-Mikro»".to_string(), LatinSource::Transliteration)));
        assert_eq!(latin_name("Halvorsen Microdevices Inc", ["Halvorsen"]), None);
    }

    #[test]
    fn variants_fold_together() {
        let same = |a: &str, b: &str| assert_eq!(fold_variants(a), fold_variants(b), "{a} vs {b}");
        same("khabarovsk", "habarovsk");
        same("yaroslavl", "iaroslavl");
        same("tsentr", "centr");
        same("kuznetsov", "kuznetzov");
        same("dmitriy", "dmitrii");
        same("dmitry", "dmitrii");
        same("yuri", "jurij");
        same("rosselkhozbank", "roselhozbank");
        same("vektor", "wektor");
        same("aleksandr", "alexandr");
        same("shchukin", "shukin");
        same("dzhambul", "djambul");
        same("schitaiol", "shitaiol");
        assert_ne!(fold_variants("vektor"), fold_variants("viktor"));
        assert_eq!(fold_variants("2002"), "2002");
    }
}
