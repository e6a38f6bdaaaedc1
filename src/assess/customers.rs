//! Customer lists: a CSV file with a column of names or bundle ids, and
//! how each row is matched to the case's entities.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, InputError, Result};
use crate::resolve::cluster::ACCEPT;
use crate::resolve::matching::similarity;
use crate::resolve::normalise::{normalise_name, NormalisedName};

/// One row of a customer list: every row is kept, empty ones too, so that
/// the output can say what happened to each line of the user's file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerRow {
    /// 1-based physical line in the file (the header is line 1).
    pub line: u64,
    /// The name or id, trimmed; empty for an empty cell or a blank line.
    pub text: String,
    /// The country cell (`--country-column`), trimmed, when there is one.
    pub country: Option<String>,
    /// Every cell as written, in the file's column order (none for a blank line).
    pub cells: Vec<String>,
    /// A blank line (no cells at all) rather than a row with an empty name.
    pub blank: bool,
}

/// A customer list as read: its header, the column of names or ids, and every row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerList {
    /// The header as written (trimmed, byte-order mark removed).
    pub columns: Vec<String>,
    /// The column holding names or ids.
    pub column: String,
    /// Every row and blank line between the header and the last row, in file order.
    pub rows: Vec<CustomerRow>,
}

impl CustomerList {
    /// The rows naming something, in file order.
    pub fn named(&self) -> impl Iterator<Item = &CustomerRow> {
        self.rows.iter().filter(|r| !r.text.is_empty())
    }
}

/// Column names tried, in order, when `--column` is not given.
pub const COLUMN_NAMES: [&str; 6] = ["id", "entity", "name", "customer", "company", "counterparty"];

/// Reads a customer list: the column of names or ids (`column`, else the
/// only column, else the first of [`COLUMN_NAMES`]) and, with
/// `country_column`, each row's country. Rows with an empty name and blank
/// lines are kept (blank lines after the last row are not rows).
///
/// # Errors
/// A file without a header, a missing column (naming the columns found) or
/// a malformed line (naming it).
pub fn parse_customers(path: &Path, bytes: &[u8], column: Option<&str>, country_column: Option<&str>) -> Result<CustomerList> {
    let err = |line: u64, col: Option<&str>, msg: String| Error::Input(InputError::new(path, line, col, msg));
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = rdr.byte_headers().map_err(|e| err(1, None, format!("cannot read the header row: {e}")))?.clone();
    if headers.is_empty() || headers.iter().all(|h| h.iter().all(u8::is_ascii_whitespace)) {
        return Err(err(1, None, "empty file: expected a header row naming the column of customer names or ids".into()));
    }
    let names: Vec<String> = headers.iter().map(|h| String::from_utf8_lossy(h).trim().trim_start_matches('\u{feff}').to_string()).collect();
    let find = |c: &str, flag: &str| {
        names
            .iter()
            .position(|h| h.eq_ignore_ascii_case(c.trim()))
            .ok_or_else(|| err(1, None, format!("no column '{c}' ({flag}; the header has: {})", names.join(", "))))
    };
    let pos = match column {
        Some(c) => find(c, "--column")?,
        None if names.len() == 1 => 0,
        None => COLUMN_NAMES.iter().find_map(|want| names.iter().position(|h| h.eq_ignore_ascii_case(want))).ok_or_else(|| {
            err(
                1,
                None,
                format!(
                    "no column of customers: expected one named {} (or pass --column NAME); the header has: {}",
                    COLUMN_NAMES.join(", "),
                    names.join(", ")
                ),
            )
        })?,
    };
    let country_pos = country_column.map(|c| find(c, "--country-column")).transpose()?;
    let col = names[pos].clone();
    // The reader neither yields blank lines nor counts them; physical lines
    // come from byte offsets, counted once from the previous record on (a
    // count from the start for every record would be quadratic).
    let mut counted = (0usize, 1u64);
    let mut line_of = |byte: usize| {
        let b = byte.min(bytes.len());
        if b < counted.0 {
            counted = (0, 1);
        }
        counted.1 += memchr::memchr_iter(b'\n', &bytes[counted.0..b]).count() as u64;
        counted.0 = b;
        counted.1
    };
    let mut out = Vec::new();
    for rec in rdr.byte_records() {
        let rec = rec.map_err(|e| {
            let line =
                e.position().map_or(0, |p| memchr::memchr_iter(b'\n', &bytes[..(p.byte() as usize).min(bytes.len())]).count() as u64 + 1);
            err(line, None, format!("malformed CSV: {e}"))
        })?;
        // A record's offset is where the previous one ended: after its "\n",
        // or at the "\n" of a "\r\n" (the reader stops after the "\r").
        // Blank lines lie between that and the first byte of the record.
        let at = rec.position().map_or(0, |p| p.byte() as usize);
        let mut start = at.min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        let crlf_pending = at > 0 && bytes.get(at) == Some(&b'\n') && bytes[at - 1] == b'\r';
        let first_free = line_of(at) + u64::from(crlf_pending);
        let line = line_of(start);
        for blank in first_free..line {
            out.push(CustomerRow { line: blank, text: String::new(), country: None, cells: Vec::new(), blank: true });
        }
        let mut cells = Vec::with_capacity(rec.len());
        for (i, c) in rec.iter().enumerate() {
            let at_col = names.get(i).map_or("", String::as_str);
            let text = std::str::from_utf8(c).map_err(|_| err(line, Some(at_col), "not valid UTF-8".into()))?;
            cells.push(text.to_string());
        }
        let cell = |p: usize| cells.get(p).map_or("", |c| c.trim()).to_string();
        let country = country_pos.map(cell).filter(|c| !c.is_empty());
        out.push(CustomerRow { line, text: cell(pos), country, cells, blank: false });
    }
    Ok(CustomerList { columns: names, column: col, rows: out })
}

/// Lookups from a customer's text to entity row ids, with entity
/// resolution's name matcher ([`crate::resolve::normalise`],
/// [`crate::resolve::matching`]): an exact bundle id (`ID` or `SCOPE:ID`)
/// wins; else names and aliases with the same normalised key (scripts,
/// case, legal forms folded); else the names scoring at least
/// [`ACCEPT`](crate::resolve::cluster::ACCEPT) (the threshold resolution
/// merges at), best first and ties kept, among names sharing a token prefix.
pub struct NameIndex {
    ids: HashMap<String, Vec<i64>>,
    keys: HashMap<String, Vec<i64>>,
    names: Vec<(i64, NormalisedName)>,
    /// First four letters of a token -> indexes into `names`.
    blocks: HashMap<String, Vec<u32>>,
}

fn block_key(t: &str) -> String {
    t.chars().take(4).collect()
}

impl NameIndex {
    /// `entities`: (entity.id, scope, input_id, name, aliases).
    pub fn new<'a>(entities: impl Iterator<Item = (i64, &'a str, &'a str, &'a str, &'a [String])>) -> NameIndex {
        let mut ids: HashMap<String, Vec<i64>> = HashMap::new();
        let mut keys: HashMap<String, Vec<i64>> = HashMap::new();
        let mut names = Vec::new();
        let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
        for (id, scope, input_id, name, aliases) in entities {
            ids.entry(input_id.to_string()).or_default().push(id);
            ids.entry(format!("{scope}:{input_id}")).or_default().push(id);
            for n in std::iter::once(name).chain(aliases.iter().map(String::as_str)) {
                let norm = normalise_name(n);
                if norm.is_empty() {
                    continue;
                }
                keys.entry(norm.key.clone()).or_default().push(id);
                let i = names.len() as u32;
                let mut bk: Vec<String> = norm.tokens.iter().map(|t| block_key(t)).collect();
                bk.sort_unstable();
                bk.dedup();
                for k in bk {
                    blocks.entry(k).or_default().push(i);
                }
                names.push((id, norm));
            }
        }
        for v in ids.values_mut().chain(keys.values_mut()) {
            v.sort_unstable();
            v.dedup();
        }
        NameIndex { ids, keys, names, blocks }
    }

    /// The entities a customer row names: by id when it is one, else by name.
    ///
    /// Complexity: O(c) similarity computations for c names sharing a token prefix with the query.
    pub fn find(&self, text: &str) -> Vec<i64> {
        let t = text.trim();
        if let Some(v) = self.ids.get(t) {
            return v.clone();
        }
        let q = normalise_name(t);
        if q.is_empty() {
            return Vec::new();
        }
        if let Some(v) = self.keys.get(&q.key) {
            return v.clone();
        }
        let mut cand: Vec<u32> = q.tokens.iter().filter_map(|t| self.blocks.get(&block_key(t))).flatten().copied().collect();
        cand.sort_unstable();
        cand.dedup();
        let mut best = ACCEPT;
        let mut hits: Vec<i64> = Vec::new();
        for i in cand {
            let (id, n) = &self.names[i as usize];
            let s = similarity(&q, n);
            if s > best + 1e-12 {
                best = s;
                hits.clear();
            }
            if s >= best - 1e-12 {
                hits.push(*id);
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_columns_and_reports_problems() {
        let p = std::path::Path::new("c.csv");
        let read = |text: &[u8], col: Option<&str>| parse_customers(p, text, col, None);
        let list = read(b"name,notes\nDenkar,x\n\n,blank\n\"Falcon,\nCrest\",y\nLast,z\n\n", None).unwrap();
        let lines: Vec<(u64, &str, bool)> = list.rows.iter().map(|r| (r.line, r.text.as_str(), r.blank)).collect();
        assert_eq!(lines, vec![(2, "Denkar", false), (3, "", true), (4, "", false), (5, "Falcon,\nCrest", false), (7, "Last", false)]);
        assert_eq!(list.rows[2].cells, vec!["", "blank"]);
        assert_eq!(list.named().count(), 3);
        assert_eq!(list.columns, vec!["name", "notes"]);
        // Windows line ends: the same lines.
        let crlf = read(b"name\r\nA\r\n\r\nB\r\n", None).unwrap();
        let lines: Vec<(u64, bool)> = crlf.rows.iter().map(|r| (r.line, r.blank)).collect();
        assert_eq!(lines, vec![(2, false), (3, true), (4, false)]);
        let e = read(b"name\nok\n\xff\xfe\n", None).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("UTF-8"), "{e}");
        let e = read(b"a,b\n1,2\n", None).unwrap_err().to_string();
        assert!(e.contains("c.csv, line 1") && e.contains("no column of customers") && e.contains("a, b"), "{e}");
        let e = read(b"a,b\n1,2\n", Some("zz")).unwrap_err().to_string();
        assert!(e.contains("no column 'zz'"), "{e}");
        assert_eq!(read(b"a,b\n1,2\n", Some("B")).unwrap().rows[0].text, "2");
        assert!(read(b"", None).unwrap_err().to_string().contains("empty file"));
        assert_eq!(read(b"only\nX\n", None).unwrap().rows[0].text, "X");
        let with_country = parse_customers(p, b"name,cc\nA,TR\nB,\n", None, Some("CC")).unwrap();
        assert_eq!(with_country.rows[0].country.as_deref(), Some("TR"));
        assert_eq!(with_country.rows[1].country, None);
        let e = parse_customers(p, b"name\nA\n", None, Some("cc")).unwrap_err().to_string();
        assert!(e.contains("no column 'cc' (--country-column"), "{e}");
    }

    #[test]
    fn finds_by_id_then_by_name() {
        let aliases = ["DENKAR DIS TICARET LTD STI".to_string()];
        let none: Vec<String> = Vec::new();
        let ents = [(1, "b", "TR1", "Denkar Dış Ticaret Ltd. Şti.", &aliases[..]), (2, "b", "RU1", "ООО «Вектор»", &none[..])];
        let idx = NameIndex::new(ents.iter().map(|e| (e.0, e.1, e.2, e.3, e.4)));
        assert_eq!(idx.find("TR1"), vec![1]);
        assert_eq!(idx.find("b:RU1"), vec![2]);
        assert_eq!(idx.find("denkar dis ticaret"), vec![1]);
        assert_eq!(idx.find("OOO Vektor"), vec![2]);
        assert!(idx.find("Nobody Ltd").is_empty());
        // Close spellings match through the resolver's similarity.
        assert_eq!(idx.find("Denkar Dis Tikaret"), vec![1]);
        assert!(idx.find("Ltd").is_empty());
    }
}
