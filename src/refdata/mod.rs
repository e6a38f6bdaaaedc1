//! Reference data bundled into the binary (see `SOURCES.md` beside this file):
//! ISO 3166-1 countries, the BIS Common High Priority List, and the countries
//! that FinCEN and BIS name as common transshipment points to Russia and Belarus.
//!
//! The tables are parsed once, on first use, from the CSV text compiled in,
//! so the tool needs no data files at run time.

pub mod fx;
pub mod goods;

use std::collections::HashMap;
use std::sync::OnceLock;

const COUNTRIES_CSV: &str = include_str!("countries.csv");
const CHPL_CSV: &str = include_str!("chpl.csv");
/// Russian and Turkish country names as they appear in customs data (our own list).
const COUNTRY_NAMES_EXTRA_CSV: &str = include_str!("country-names-extra.csv");
const TRANSSHIPMENT_CSV: &str = include_str!("transshipment-countries.csv");
/// Legal-form table (OpenSanctions rigour `org_types.yml`, flattened).
pub const ORG_TYPES_CSV: &str = include_str!("org-types.csv");

/// The date of Russia's full-scale invasion of Ukraine, from which the CHPL red flags are read.
pub const INVASION_DATE: &str = "2022-02-24";

/// [`INVASION_DATE`] as a day number (checked against the text by a test):
/// the one form every module compares dates with, so no one parses it again.
pub const INVASION_DAY: crate::model::Day = crate::model::Day(19_047);

fn rows(text: &'static str) -> impl Iterator<Item = csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes()).into_records().map(|r| r.expect("bundled reference CSV is well-formed"))
}

struct Countries {
    names: HashMap<&'static str, &'static str>,
    by_name: HashMap<String, &'static str>,
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn countries() -> &'static Countries {
    // Leaking is deliberate: the table lives for the whole process.
    static C: OnceLock<Countries> = OnceLock::new();
    C.get_or_init(|| {
        let mut names = HashMap::new();
        let mut by_name = HashMap::new();
        for r in rows(COUNTRIES_CSV) {
            let iso2 = leak(&r[0]);
            by_name.insert(r[3].to_lowercase(), iso2);
            by_name.insert(r[1].to_lowercase(), iso2);
            for alt in r[4].split('|').filter(|s| !s.is_empty()) {
                by_name.entry(alt.to_lowercase()).or_insert(iso2);
            }
            // CLDR's display name for US is "US"; a diagram reader wants the name.
            let name = if &r[3] == "US" { "United States" } else { &r[3] };
            names.insert(iso2, leak(name));
        }
        for r in rows(COUNTRY_NAMES_EXTRA_CSV) {
            if let Some((iso2, _)) = names.get_key_value(&r[0]) {
                by_name.entry(r[1].to_lowercase()).or_insert(*iso2);
            }
        }
        Countries { names, by_name }
    })
}

/// English (CLDR) name of an upper-case alpha-2 code, or `None` when the code is not ISO 3166-1.
pub fn country_name(iso2: &str) -> Option<&'static str> {
    countries().names.get(iso2).copied()
}

/// Whether two upper-case ASCII letters are an ISO 3166-1 alpha-2 code: a
/// table lookup, not a hash (ingest checks three countries per shipment).
pub fn is_country_code(code: [u8; 2]) -> bool {
    static KNOWN: OnceLock<[bool; 26 * 26]> = OnceLock::new();
    let known = KNOWN.get_or_init(|| {
        let mut t = [false; 26 * 26];
        for k in countries().names.keys() {
            if let [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] = *k.as_bytes() {
                t[(a - b'A') as usize * 26 + (b - b'A') as usize] = true;
            }
        }
        t
    });
    match code {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => known[(a - b'A') as usize * 26 + (b - b'A') as usize],
        _ => false,
    }
}

/// The static alpha-2 code for a code in any case (`tr` -> `TR`), if it is ISO 3166-1.
pub fn country_code(code: &str) -> Option<&'static str> {
    countries().names.get_key_value(code.trim().to_ascii_uppercase().as_str()).map(|(k, _)| *k)
}

/// Alpha-2 code for an English, official, Russian or Chinese country name or
/// an alpha-3 code (`Turkey`, `Türkiye`, `Российская Федерация`, `TUR`).
pub fn country_by_name(name: &str) -> Option<&'static str> {
    countries().by_name.get(&name.trim().to_lowercase()).copied()
}

/// A CHPL entry: the HS-6 code, its tier (`1`, `2`, `3.A`, `3.B`, `4.A`, `4.B`) and description.
#[derive(Debug, Clone)]
pub struct ChplItem {
    pub hs6: String,
    pub tier: String,
    pub description: String,
}

impl ChplItem {
    /// The tier's leading number (1 is the most sensitive: integrated circuits).
    pub fn tier_number(&self) -> u8 {
        self.tier.as_bytes()[0] - b'0'
    }
}

fn chpl() -> &'static HashMap<String, ChplItem> {
    static C: OnceLock<HashMap<String, ChplItem>> = OnceLock::new();
    C.get_or_init(|| {
        rows(CHPL_CSV)
            .map(|r| {
                let item = ChplItem { hs6: r[0].to_string(), tier: r[1].to_string(), description: r[2].to_string() };
                (item.hs6.clone(), item)
            })
            .collect()
    })
}

/// The CHPL entry covering a normalised HS code (its first six digits), if any.
pub fn chpl_item(hs: &str) -> Option<&'static ChplItem> {
    hs.get(..6).and_then(|h6| chpl().get(h6))
}

/// All CHPL entries, sorted by HS code.
pub fn chpl_items() -> Vec<&'static ChplItem> {
    let mut v: Vec<_> = chpl().values().collect();
    v.sort_by(|a, b| a.hs6.cmp(&b.hs6));
    v
}

fn transshipment() -> &'static HashMap<String, String> {
    static T: OnceLock<HashMap<String, String>> = OnceLock::new();
    T.get_or_init(|| rows(TRANSSHIPMENT_CSV).map(|r| (r[0].to_string(), r[2].to_string())).collect())
}

/// The public source naming `iso2` as a common transshipment point, if it is one.
pub fn transshipment_source(iso2: &str) -> Option<&'static str> {
    transshipment().get(iso2).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invasion_day_is_the_invasion_date() {
        assert_eq!(crate::model::Day::parse_iso(INVASION_DATE), Some(INVASION_DAY));
        assert_eq!(INVASION_DAY.to_string(), INVASION_DATE);
    }

    #[test]
    fn tables_load() {
        assert_eq!(country_name("TR"), Some("Türkiye"));
        assert_eq!(country_by_name("Turkey"), Some("TR"));
        assert_eq!(country_by_name("Российская Федерация"), Some("RU"));
        assert_eq!(country_by_name("ОАЭ"), Some("AE"));
        assert_eq!(country_by_name("ТУРЦИЯ"), Some("TR"));
        assert_eq!(country_by_name("Rusya Federasyonu"), Some("RU"));
        assert_eq!(chpl_item("85423100").unwrap().tier, "1");
        assert!(chpl_item("8542").is_none());
        assert_eq!(chpl_items().len(), 50);
        assert!(transshipment_source("TR").is_some());
        assert!(transshipment_source("DE").is_none());
    }

    #[test]
    fn code_table_agrees_with_the_names() {
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let code = [a, b];
                let text = std::str::from_utf8(&code).unwrap();
                assert_eq!(is_country_code(code), country_name(text).is_some(), "{text}");
            }
        }
        assert!(!is_country_code(*b"tr"));
        assert!(!is_country_code(*b"1A"));
    }
}
