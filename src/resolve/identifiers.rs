//! Identifier comparison (INN, OGRN, VKN, LEI, registration numbers).

/// Schemes that say only "some tax/registration number": they may equal a
/// national scheme (`tax` from a list against `inn` in a case).
const GENERIC: &[&str] = &["tax", "registration", "id", "vat"];

/// Lower-case scheme and the value's letters and digits, upper-case
/// (`INN: 7701-234 567` -> `("inn", "7701234567")`).
pub fn normalise_identifier(scheme: &str, value: &str) -> (String, String) {
    let s = scheme.trim().to_lowercase();
    let v: String = value.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect();
    (s, v)
}

/// True when two normalised schemes may name the same register.
pub fn schemes_compatible(a: &str, b: &str) -> bool {
    a == b || GENERIC.contains(&a) || GENERIC.contains(&b)
}

/// True when a value is specific enough to decide identity (at least 5 characters, some digit).
pub fn is_decisive(value: &str) -> bool {
    value.len() >= 5 && value.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_compare_after_normalising() {
        assert_eq!(normalise_identifier(" INN", "7701-234 567"), ("inn".into(), "7701234567".into()));
        assert!(schemes_compatible("inn", "tax"));
        assert!(!schemes_compatible("inn", "vkn"));
        assert!(is_decisive("7701234567") && !is_decisive("12") && !is_decisive("ABCDEF"));
    }
}
