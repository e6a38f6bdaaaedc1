//! Values in the form the followthemoney library keeps them, so that
//! `ftm validate` (and Aleph, yente, OpenSanctions pipelines, which clean
//! every value the same way) changes nothing in an export.
//!
//! These mirror the cleaning of followthemoney 4.11 (`sanitize_text`, the
//! `name`, `address` and entity-id types, and the checksum formats of
//! `innCode`, `ogrnCode`, `leiCode`, `imoNumber`, `swiftBic`). Where a check
//! here is stricter than FtM's, the caller puts the value somewhere FtM does
//! not check (an `Identification`), so being conservative never loses data.
//! tests/export_ftm.rs runs the real library over the exports.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use crate::model::Country;

/// Space-like characters FtM turns into a plain space (normality's `_UNSAFE_SPACE_CPS`).
fn unsafe_space(c: char) -> bool {
    matches!(c as u32, 0x2000..=0x200A | 0x2028 | 0x2029 | 0x0A00 | 0x1680 | 0x202F | 0x205F | 0x3000)
}

/// Characters FtM deletes (normality's `_UNSAFE_DELETE_CPS`): controls but tab,
/// line feed and carriage return, zero-width and bidi marks, soft hyphen, BOM.
fn unsafe_delete(c: char) -> bool {
    matches!(c as u32, 0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F..=0x9F | 0x200B..=0x200F | 0x061C | 0x2060..=0x2064 | 0x00AD | 0xFEFF)
}

/// Any text value: NFC, unsafe characters removed or made spaces, trimmed;
/// `None` when nothing is left (FtM drops empty values).
pub fn text(s: &str) -> Option<String> {
    let nfc: String = s.nfc().collect();
    let cleaned: String = nfc.chars().filter(|&c| !unsafe_delete(c)).map(|c| if unsafe_space(c) { ' ' } else { c }).collect();
    let t = cleaned.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Whitespace runs to one space, trimmed (normality's `squash_spaces`).
fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || unsafe_space(c) {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// A `name`-typed value: surrounding quotes stripped, whitespace squashed.
pub fn name(s: &str) -> Option<String> {
    let t = text(s)?;
    let quoted = t.len() >= 2 && !t.contains('\n') && t.starts_with(['"', '\'']) && t.ends_with(['"', '\'']);
    let inner = if quoted { &t[1..t.len() - 1] } else { t.as_str() };
    let n = squash(inner);
    (!n.is_empty()).then_some(n)
}

static LINE_BREAKS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\r\n|\n|<BR/>|<BR>|\t|ESQ\.,|ESQ,|;)").expect("regex"));
static COMMATA: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(,\s?[,\.])").expect("regex"));
static ENTITY_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9a-zA-Z]([0-9a-zA-Z\.\-]*[0-9a-zA-Z])?$").expect("regex"));

/// An `address`-typed value: line breaks and `;` become ", ", doubled commas one, whitespace squashed.
pub fn address(s: &str) -> Option<String> {
    let t = text(s)?;
    let a = LINE_BREAKS.replace_all(&t, ", ");
    let a = COMMATA.replace_all(&a, ", ");
    let a = squash(&a);
    (!a.is_empty()).then_some(a)
}

/// FtM keeps a reference to an entity only if its id matches this pattern (and fits 200 characters).
pub fn is_entity_id(s: &str) -> bool {
    s.len() <= 200 && ENTITY_ID.is_match(s)
}

/// A valid FtM id for `raw`: itself when valid, else its letters, digits,
/// dots and dashes plus a hash of the original, so two ids cannot collide.
pub fn entity_id(raw: &str) -> String {
    if is_entity_id(raw) {
        return raw.to_string();
    }
    let mut safe: String = raw.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' }).collect();
    safe.truncate(120);
    let safe = safe.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let h = xxhash_rust::xxh3::xxh3_64(raw.as_bytes());
    if safe.is_empty() {
        format!("id-{h:016x}")
    } else {
        format!("{safe}-{h:016x}")
    }
}

fn digits(s: &str) -> Option<Vec<u32>> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.bytes().map(|b| (b - b'0') as u32).collect())
}

fn weighted(d: &[u32], w: &[u32]) -> u32 {
    d.iter().zip(w).map(|(a, b)| a * b).sum::<u32>() % 11 % 10
}

/// Russian taxpayer number (python-stdnum `ru.inn`): 10 or 12 digits with check digits.
fn inn_ok(s: &str) -> bool {
    let Some(d) = digits(s) else { return false };
    match d.len() {
        10 => weighted(&d, &[2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9],
        12 => weighted(&d, &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10] && weighted(&d, &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11],
        _ => false,
    }
}

/// Russian registration number (rigour `OGRN`): 13 or 15 digits, not starting with 0, control digit.
fn ogrn_ok(s: &str) -> bool {
    let Some(d) = digits(s) else { return false };
    if d[0] == 0 || !(d.len() == 13 || d.len() == 15) {
        return false;
    }
    let modulus = if d.len() == 13 { 11 } else { 13 };
    let rest = d[..d.len() - 1].iter().fold(0u64, |acc, &x| (acc * 10 + x as u64) % modulus);
    let control = if rest == 10 { 0 } else { rest };
    control == d[d.len() - 1] as u64
}

/// ISO 17442 LEI (python-stdnum `lei`): 20 upper-case letters or digits, ISO 7064 mod 97 = 1.
fn lei_ok(s: &str) -> bool {
    if s.len() != 20 || !s.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        return false;
    }
    let mut rest = 0u64;
    for b in s.bytes() {
        let v = if b.is_ascii_digit() { (b - b'0') as u64 } else { (b - b'A') as u64 + 10 };
        rest = if v >= 10 { (rest * 100 + v) % 97 } else { (rest * 10 + v) % 97 };
    }
    rest == 1
}

/// IMO number in FtM's canonical form `IMO1234567` with the vessel check digit.
fn imo_ok(s: &str) -> bool {
    let Some(d) = s.strip_prefix("IMO").and_then(digits) else { return false };
    d.len() == 7 && d[..6].iter().enumerate().map(|(i, x)| x * (7 - i as u32)).sum::<u32>() % 10 == d[6]
}

/// BIC in FtM's canonical form: 8 upper-case characters, a known country in 5-6.
fn bic_ok(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8
        && b[..4].iter().all(u8::is_ascii_uppercase)
        && b[4..6].iter().all(u8::is_ascii_uppercase)
        && Country::parse(&s[4..6]).is_some()
        && b[6..].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Whether FtM keeps `value` unchanged in the identifier property `prop`.
/// Properties without a format keep any clean text.
pub fn identifier_kept(prop: &str, value: &str) -> bool {
    if text(value).as_deref() != Some(value) {
        return false;
    }
    match prop {
        "innCode" => inn_ok(value),
        "ogrnCode" => ogrn_ok(value),
        "leiCode" => lei_ok(value),
        "imoNumber" => imo_ok(value),
        "swiftBic" => bic_ok(value),
        // USCC has a checksum divtrace does not reproduce: always an Identification.
        "uscCode" => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cleaned_like_ftm() {
        assert_eq!(text("  a\u{7}b\u{200b}c\u{2003}d "), Some("abc d".into()));
        assert_eq!(text("e\u{301}"), Some("\u{e9}".into()));
        assert_eq!(text(" \u{feff} "), None);
        assert_eq!(text("=1+2\nx"), Some("=1+2\nx".into()));
    }

    #[test]
    fn names_and_addresses() {
        assert_eq!(name("'Quoted'"), Some("Quoted".into()));
        assert_eq!(name("A  B\nC"), Some("A B C".into()));
        assert_eq!(name("\"Q\" and \"R\""), Some("Q\" and \"R".into()));
        assert_eq!(address("a\nb;c,,d"), Some("a, b, c, d".into()));
    }

    #[test]
    fn ids() {
        assert_eq!(entity_id("E0000001"), "E0000001");
        assert!(is_entity_id(&entity_id("inn:7701234567")));
        assert!(is_entity_id(&entity_id("_")));
        assert_ne!(entity_id("a:b"), entity_id("a;b"));
    }

    #[test]
    fn checksums_match_rigour() {
        // Values checked against followthemoney 4.11 (kept / dropped).
        assert!(inn_ok("5231956040"));
        assert!(!inn_ok("7701234567"));
        assert!(ogrn_ok("1027760908515"));
        assert!(!ogrn_ok("1157746012345"));
        assert!(lei_ok("549300NW7Z8U17SXQY72"));
        assert!(lei_ok("5493001KJTIIGC8Y1R12"));
        assert!(!lei_ok("549300NW7Z8U17SXQY73"));
        assert!(imo_ok("IMO9074729"));
        assert!(!imo_ok("9074729"));
        assert!(!imo_ok("IMO9074728"));
        assert!(bic_ok("DEUTDEFF"));
        assert!(!bic_ok("ABCD1234"));
        assert!(!bic_ok("DEUTDEFF500"));
    }
}
