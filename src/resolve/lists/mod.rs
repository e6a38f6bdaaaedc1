//! Screening lists in their published layouts, read into one [`ListEntry`] model.
//!
//! - [`csl`]: the US Consolidated Screening List CSV (trade.gov).
//! - [`ofac`]: OFAC's legacy `sdn.csv` with its `add.csv` and `alt.csv`.
//! - [`ftm`]: OpenSanctions / FollowTheMoney JSON lines.
//!
//! Parsers take the text and its path (for error messages) and do no I/O.
//! A malformed file is rejected whole with the first problem's line, so a
//! screening run never works from half a list.

pub mod csl;
pub mod ftm;
pub mod ofac;

use std::path::PathBuf;

use crate::model::{Country, EntityKind, RelationKind};

/// One listed party: a company, person, vessel or other entity.
#[derive(Clone, Debug, PartialEq)]
pub struct ListEntry {
    /// Short list code: `sdn`, `entity_list`, `meu`, ... or an OpenSanctions dataset name.
    pub list: String,
    /// The entry's id in its list (OFAC ent_num, CSL entity number, FtM id).
    pub entry_id: String,
    /// `None` when the list does not say (OFAC entities, aircraft).
    pub kind: Option<EntityKind>,
    /// Primary name first, then aliases, as written.
    pub names: Vec<String>,
    /// Countries of address, registration, nationality (ISO alpha-2, sorted, unique).
    pub countries: Vec<String>,
    /// `(scheme, value)` as written by the list, scheme lower-case (`inn`, `ogrn`, `tax`, `registration`, `lei`).
    pub identifiers: Vec<(String, String)>,
    /// Sanctions programmes (`RUSSIA-EO14024`).
    pub programs: Vec<String>,
    /// Listing date `YYYY-MM-DD`, when the list gives one.
    pub listed_on: Option<String>,
    /// False for parties a list file carries only as owners or assets of listed ones (FtM).
    pub listed: bool,
    /// Index into [`ScreeningList::files`] and 1-based line of the entry there.
    pub file: usize,
    pub line: u64,
}

/// A link between two listed parties (FtM Ownership and Directorship).
#[derive(Clone, Debug, PartialEq)]
pub struct ListRelation {
    /// [`RelationKind::Ownership`] or [`RelationKind::Director`].
    pub kind: RelationKind,
    /// Entry ids: the owner / director ...
    pub from: String,
    /// ... and the owned company / organisation.
    pub to: String,
    /// Percentage owned, when stated.
    pub share: Option<f64>,
    pub file: usize,
    pub line: u64,
}

/// A file that a list was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListFile {
    pub path: PathBuf,
    /// `csl`, `sdn`, `add`, `alt`, `ftm`.
    pub role: &'static str,
    /// Data rows read.
    pub rows: u64,
}

/// Everything read from one or more list files.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScreeningList {
    pub files: Vec<ListFile>,
    pub entries: Vec<ListEntry>,
    pub relations: Vec<ListRelation>,
}

impl ScreeningList {
    /// Appends another list's files, entries and relations.
    pub fn extend(&mut self, other: ScreeningList) {
        let base = self.files.len();
        self.files.extend(other.files);
        self.entries.extend(other.entries.into_iter().map(|mut e| {
            e.file += base;
            e
        }));
        self.relations.extend(other.relations.into_iter().map(|mut r| {
            r.file += base;
            r
        }));
    }
}

/// ISO alpha-2 for a country as lists write it: a code (`RU`, `ru`), an
/// English or official name (`Russia`, `Turkey`, `United Arab Emirates`).
pub fn country_code(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(c) = Country::parse(s) {
        return Some(c.as_str().to_string());
    }
    crate::refdata::country_by_name(s).map(str::to_string)
}

pub(crate) fn sort_dedup(v: &mut Vec<String>) {
    v.sort();
    v.dedup();
}

/// Identifier labels as OFAC and the CSL write them, and the scheme each becomes.
pub(crate) const ID_LABELS: &[(&str, &str)] = &[
    ("Tax ID No.", "tax"),
    ("Registration Number", "registration"),
    ("Registration ID", "registration"),
    ("Company Number", "registration"),
    ("Business Registration Number", "registration"),
    ("Commercial Registry Number", "registration"),
    ("Legal Entity Number", "lei"),
    ("Government Gazette Number", "okpo"),
    ("SWIFT/BIC", "swift"),
    ("IMO", "imo"),
    ("Vessel Registration Identification IMO", "imo"),
];

/// The national name of a generic scheme, so list identifiers meet case
/// identifiers: a Russian tax id is an `inn`, a Russian registration number an
/// `ogrn`, a Turkish tax id a `vkn`.
pub(crate) fn national_scheme(scheme: &'static str, country: Option<&str>) -> &'static str {
    match (scheme, country) {
        ("tax", Some("RU")) => "inn",
        ("tax", Some("TR")) => "vkn",
        ("registration", Some("RU")) => "ogrn",
        (s, _) => s,
    }
}

/// 1-based physical lines of byte offsets met in increasing order, counted
/// incrementally: csv's own line counter is not reliable across CRLF and CR-only files.
pub(crate) struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        LineCounter { text: text.as_bytes(), pos: 0, line: 1 }
    }

    /// The line of the record starting at `byte` (not before the previous one asked).
    pub(crate) fn line_at(&mut self, byte: u64) -> u64 {
        let b = self.text;
        let mut end = (byte as usize).min(b.len());
        // csv reports a CRLF record as starting at the LF of the line before.
        while end < b.len() && (b[end] == b'\n' || b[end] == b'\r') {
            end += 1;
        }
        if end > self.pos {
            // A break is LF, CRLF, or a CR alone (old Mac / some exports).
            self.line += (self.pos..end).filter(|&i| b[i] == b'\r' || (b[i] == b'\n' && (i == 0 || b[i - 1] != b'\r'))).count() as u64;
            self.pos = end;
        }
        self.line
    }
}
