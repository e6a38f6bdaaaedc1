//! Goods lists: HS prefixes that name controlled (or otherwise watched)
//! goods. The BIS Common High Priority List is always loaded (list `chpl`);
//! users add their own with `--goods FILE` (CSV `hs_code,list,description,source`),
//! e.g. the HS-coded supplements of the EAR's Russia/Belarus rules or an EU
//! Regulation 833/2014 annex, which the tool does not bundle
//! (src/refdata/SOURCES.md says why).
//!
//! A shipment's goods are on a list when one of the list's prefixes (2 to 10
//! digits) starts its HS code; "controlled" means on any loaded list.

use std::path::Path;

use crate::error::{Error, InputError, Result};

/// One row of a goods list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoodsEntry {
    /// HS digits, 2 to 10.
    pub prefix: String,
    /// Lower-case list name.
    pub list: String,
    pub description: String,
    pub source: String,
}

/// The loaded goods lists: the CHPL plus any user files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoodsLists {
    entries: Vec<GoodsEntry>,
    /// The user files loaded, as given.
    pub files: Vec<String>,
}

impl Default for GoodsLists {
    fn default() -> Self {
        GoodsLists::bundled()
    }
}

/// The columns of a goods-list file, in any order.
pub const COLUMNS: [&str; 4] = ["hs_code", "list", "description", "source"];

impl GoodsLists {
    /// The bundled lists: the CHPL (HS-6, list `chpl`).
    pub fn bundled() -> GoodsLists {
        let entries = super::chpl_items()
            .into_iter()
            .map(|c| GoodsEntry {
                prefix: c.hs6.clone(),
                list: "chpl".into(),
                description: format!("CHPL tier {}: {}", c.tier, c.description),
                source: "BIS Common High Priority List, 2024-02 (src/refdata/SOURCES.md)".into(),
            })
            .collect();
        GoodsLists { entries, files: Vec::new() }
    }

    /// Whether user lists were loaded (else only the CHPL).
    pub fn has_user_lists(&self) -> bool {
        !self.files.is_empty()
    }

    /// Adds the rows of a goods-list file (`path` names it in errors).
    ///
    /// # Errors
    /// A missing column, a row that is not CSV, an HS code that is not 2 to
    /// 10 digits, an empty list name or source: file, line and column.
    pub fn add_text(&mut self, path: &Path, text: &str) -> Result<()> {
        let err = |line: u64, col: Option<&str>, m: String| Error::Input(InputError::new(path, line, col, m));
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
        let headers = rdr.headers().map_err(|e| err(1, None, format!("cannot read the header: {e}")))?.clone();
        let col = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}').trim().eq_ignore_ascii_case(name));
        let missing: Vec<&str> = COLUMNS.into_iter().filter(|c| col(c).is_none()).collect();
        if !missing.is_empty() {
            return Err(err(
                1,
                None,
                format!("not a goods list: missing column(s) {} (expected {})", missing.join(", "), COLUMNS.join(",")),
            ));
        }
        let [hs, list, desc, source] = COLUMNS.map(|c| col(c).expect("checked above"));
        let mut rows = 0;
        for rec in rdr.records() {
            let r = rec.map_err(|e| err(e.position().map_or(0, |p| p.line()), None, format!("not a valid CSV row: {e}")))?;
            let line = r.position().map_or(0, |p| p.line());
            let get = |i: usize| r.get(i).unwrap_or("").trim();
            if r.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let raw = get(hs);
            let digits: String = raw.chars().filter(|c| !matches!(c, '.' | ' ' | '-')).collect();
            if !(2..=10).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(
                    line,
                    Some("hs_code"),
                    format!("'{raw}' is not an HS prefix (expected 2 to 10 digits, e.g. 84 or 8458.11)"),
                ));
            }
            let name = get(list).to_lowercase();
            if name.is_empty() {
                return Err(err(line, Some("list"), "the list name is empty".into()));
            }
            if get(source).is_empty() {
                return Err(err(line, Some("source"), "the source is empty (say where the row comes from)".into()));
            }
            self.entries.push(GoodsEntry {
                prefix: digits,
                list: name,
                description: get(desc).to_string(),
                source: get(source).to_string(),
            });
            rows += 1;
        }
        if rows == 0 {
            return Err(err(1, None, "the goods list has no rows".into()));
        }
        self.files.push(path.display().to_string());
        Ok(())
    }

    /// Reads `--goods FILE`.
    pub fn add_file(&mut self, path: &Path) -> Result<()> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let line = e.as_bytes()[..e.utf8_error().valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            Error::Input(InputError::new(path, line, None, "not UTF-8 text"))
        })?;
        self.add_text(path, &text)
    }

    /// The bundled lists plus `files`.
    pub fn load(files: &[impl AsRef<Path>]) -> Result<GoodsLists> {
        let mut g = GoodsLists::bundled();
        for f in files {
            g.add_file(f.as_ref())?;
        }
        Ok(g)
    }

    /// The entries whose prefix starts the HS digits `hs`.
    pub fn matching<'a>(&'a self, hs: &'a str) -> impl Iterator<Item = &'a GoodsEntry> + 'a {
        self.entries.iter().filter(move |e| hs.starts_with(e.prefix.as_str()))
    }

    /// Whether goods with HS digits `hs` are on any loaded list.
    pub fn controlled(&self, hs: &str) -> bool {
        self.matching(hs).next().is_some()
    }

    /// The CHPL tier number of `hs`, or 4 (the least sensitive) for goods
    /// only on a user list; `None` when on no list.
    pub fn tier(&self, hs: &str) -> Option<u8> {
        super::chpl_item(hs).map(|c| c.tier_number()).or_else(|| self.controlled(hs).then_some(4))
    }

    /// Distinct list names, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.entries.iter().map(|e| e.list.clone()).collect();
        v.sort();
        v.dedup();
        v
    }

    /// How factor details name the goods: `CHPL`, or `controlled` when user lists are loaded.
    pub fn label(&self) -> &'static str {
        if self.has_user_lists() {
            "controlled"
        } else {
            "CHPL"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prefixes_and_reports_bad_rows() {
        let mut g = GoodsLists::bundled();
        assert!(g.controlled("85423190") && !g.controlled("84581900") && !g.has_user_lists());
        let text = "hs_code,list,description,source\n8458,Machine_Tools,Lathes,EAR Supp. 4 to part 746 (user copy)\n8523.51,memory,Solid-state storage,own list\n";
        g.add_text(Path::new("g.csv"), text).unwrap();
        assert!(g.controlled("84581900") && g.controlled("852351") && !g.controlled("852352"));
        assert_eq!(g.tier("84581900"), Some(4));
        assert_eq!(g.tier("85423100"), Some(1));
        assert_eq!(g.tier("09012100"), None);
        assert_eq!(g.names(), ["chpl", "machine_tools", "memory"]);
        assert_eq!(g.label(), "controlled");

        for (text, want) in [
            ("hs_code,list,description\n84,x,y\n", "missing column(s) source"),
            ("hs_code,list,description,source\n8,x,y,z\n", "line 2, column 'hs_code'"),
            ("hs_code,list,description,source\n84,x,y,z\n84581100000,x,y,z\n", "line 3, column 'hs_code'"),
            ("hs_code,list,description,source\n84a1,x,y,z\n", "'84a1' is not an HS prefix"),
            ("hs_code,list,description,source\n8458,,y,z\n", "column 'list'"),
            ("hs_code,list,description,source\n8458,x,y,\n", "column 'source'"),
            ("hs_code,list,description,source\n8458,x,y\n", "line 2"),
            ("hs_code,list,description,source\n", "no rows"),
        ] {
            let e = GoodsLists::bundled().add_text(Path::new("g.csv"), text).unwrap_err().to_string();
            assert!(e.contains("g.csv") && e.contains(want), "{text:?}: {e}");
        }
    }
}
