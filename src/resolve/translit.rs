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
