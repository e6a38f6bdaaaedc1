//! OFAC's legacy SDN files: `sdn.csv`, `add.csv` (addresses), `alt.csv` (aliases).
//!
//! No header; `-0-` (often with a trailing space) marks an empty cell.
//! Columns, from OFAC's `dat_spec.txt`:
//! - sdn: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks
//! - add: ent_num, add_num, address, city/state/postal, country, add_remarks
//! - alt: ent_num, alt_num, alt_type, alt_name, alt_remarks
//!
//! Identifiers are read from the remarks (`Tax ID No. 7744000912 (Russia)`);
//! a Russian tax id is an `inn`, a Russian registration number an `ogrn`, a
//! Turkish tax id a `vkn`. Rows of add/alt whose ent_num is not in sdn.csv
//! are skipped (OFAC publishes the three files together; a mismatch means
//! mixed vintages, not a malformed file).

use std::collections::HashMap;
use std::path::Path;

use super::{country_code, national_scheme, sort_dedup, LineCounter, ListEntry, ListFile, ScreeningList, ID_LABELS};
use crate::error::{InputError, Result};
use crate::model::EntityKind;

fn cell(s: &str) -> &str {
    let t = s.trim();
    if t == "-0-" {
        ""
    } else {
        t
    }
}

fn records(path: &Path, text: &str, width: usize, what: &str) -> Result<Vec<(u64, csv::StringRecord)>> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut lines = LineCounter::new(text);
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
            InputError::new(path, line, None, format!("not a valid OFAC {what} CSV row: {e}"))
        })?;
        let line = rec.position().map_or(0, |p| lines.line_at(p.byte()));
        if rec.len() == 1 && rec[0].trim().is_empty() {
            continue;
        }
        if rec.len() != width {
            return Err(
                InputError::new(path, line, None, format!("expected {width} fields in an OFAC {what} row, found {}", rec.len())).into()
            );
        }
        if cell(&rec[0]).parse::<u64>().is_err() {
            let hint = if line == 1 { " (OFAC's legacy files have no header row)" } else { "" };
            return Err(InputError::new(path, line, Some("ent_num"), format!("expected a number, found '{}'{hint}", &rec[0])).into());
        }
        out.push((line, rec));
    }
    Ok(out)
}

/// Parses `sdn.csv` and, when given, its `add.csv` and `alt.csv`.
///
/// # Errors
/// The first row with the wrong number of fields, a non-numeric ent_num or an empty name.
pub fn parse(sdn: (&Path, &str), add: Option<(&Path, &str)>, alt: Option<(&Path, &str)>) -> Result<ScreeningList> {
    let mut list = ScreeningList::default();
    let rows = records(sdn.0, sdn.1, 12, "sdn.csv")?;
    list.files.push(ListFile { path: sdn.0.to_path_buf(), role: "sdn", rows: rows.len() as u64 });
    let mut by_num: HashMap<String, usize> = HashMap::new();
    for (line, r) in rows {
        let name = cell(&r[1]);
        if name.is_empty() {
            return Err(InputError::new(sdn.0, line, Some("SDN_Name"), "the entry has no name").into());
        }
        let kind = match cell(&r[2]).to_ascii_lowercase().as_str() {
            "individual" => Some(EntityKind::Person),
            "vessel" => Some(EntityKind::Vessel),
            "" => Some(EntityKind::Company),
            _ => None,
        };
        let programs: Vec<String> = cell(&r[3])
            .split("] [")
            .map(|p| p.trim_matches(|c| c == '[' || c == ']' || c == ' ').to_string())
            .filter(|p| !p.is_empty())
            .collect();
        let (identifiers, mut countries) = remarks(cell(&r[11]));
        if let Some(flag) = country_code(cell(&r[9])) {
            countries.push(flag);
        }
        let entry_id = cell(&r[0]).to_string();
        by_num.insert(entry_id.clone(), list.entries.len());
        list.entries.push(ListEntry {
            list: "sdn".into(),
            entry_id,
            kind,
            names: vec![name.to_string()],
            countries,
            identifiers,
            programs,
            listed_on: None,
            listed: true,
            file: 0,
            line,
        });
    }
    if let Some((path, text)) = add {
        let rows = records(path, text, 6, "add.csv")?;
        list.files.push(ListFile { path: path.to_path_buf(), role: "add", rows: rows.len() as u64 });
        for (_, r) in rows {
            if let (Some(&i), Some(c)) = (by_num.get(cell(&r[0])), country_code(cell(&r[4]))) {
                list.entries[i].countries.push(c);
            }
        }
    }
    if let Some((path, text)) = alt {
        let rows = records(path, text, 5, "alt.csv")?;
        list.files.push(ListFile { path: path.to_path_buf(), role: "alt", rows: rows.len() as u64 });
        for (line, r) in rows {
            let name = cell(&r[3]);
            if name.is_empty() {
                return Err(InputError::new(path, line, Some("alt_name"), "the alias is empty").into());
            }
            if let Some(&i) = by_num.get(cell(&r[0])) {
                list.entries[i].names.push(name.to_string());
            }
        }
    }
    for e in &mut list.entries {
        sort_dedup(&mut e.countries);
    }
    Ok(list)
}

/// Identifiers and countries from an SDN remarks cell (`; `-separated facts).
fn remarks(text: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut ids = Vec::new();
    let mut countries = Vec::new();
    for part in text.trim_end_matches('.').split(';').map(str::trim) {
        if let Some(rest) = part.strip_prefix("nationality ").or_else(|| part.strip_prefix("Nationality of Registration ")) {
            countries.extend(country_code(rest));
            continue;
        }
        let Some((label, scheme)) = ID_LABELS.iter().filter(|(l, _)| part.starts_with(&format!("{l} "))).max_by_key(|(l, _)| l.len())
        else {
            continue;
        };
        let scheme = *scheme;
        let rest = part[label.len()..].trim();
        let (value, country) = match rest.rfind(" (") {
            Some(i) if rest.ends_with(')') => (rest[..i].trim(), country_code(&rest[i + 2..rest.len() - 1])),
            _ => (rest, None),
        };
        if value.is_empty() {
            continue;
        }
        ids.push((national_scheme(scheme, country.as_deref()).to_string(), value.to_string()));
        countries.extend(country);
    }
    (ids, countries)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDN: &str = "34656,\"PROMSVYAZBANK PUBLIC JOINT STOCK COMPANY\",-0- ,\"RUSSIA-EO14024\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"SWIFT/BIC PRMSRUMM; Tax ID No. 7744000912 (Russia); Registration Number 1027739019142 (Russia).\"\r\n\
8227,\"BURHAN, Dr. Sahir\",\"individual\",\"IRAQ2] [SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1967; nationality Iraq.\"\r\n";
    const ADD: &str = "34656,1,\"Smirnovskaya 10\",\"Moscow\",\"Russia\",-0- \r\n99999,2,-0- ,-0- ,\"Turkey\",-0- \r\n";
    const ALT: &str = "34656,10,\"aka\",\"PSB\",-0- \r\n34656,11,\"aka\",\"PAO PROMSVYAZBANK\",-0- \r\n";

    #[test]
    fn reads_the_three_files() {
        let p = Path::new("sdn.csv");
        let l = parse((p, SDN), Some((Path::new("add.csv"), ADD)), Some((Path::new("alt.csv"), ALT))).unwrap();
        assert_eq!(l.entries.len(), 2);
        let e = &l.entries[0];
        assert_eq!(e.entry_id, "34656");
        assert_eq!(e.names, ["PROMSVYAZBANK PUBLIC JOINT STOCK COMPANY", "PSB", "PAO PROMSVYAZBANK"]);
        assert_eq!(e.countries, ["RU"]);
        assert!(e.identifiers.contains(&("inn".into(), "7744000912".into())));
        assert!(e.identifiers.contains(&("ogrn".into(), "1027739019142".into())));
        assert!(e.identifiers.contains(&("swift".into(), "PRMSRUMM".into())));
        assert_eq!(e.kind, Some(EntityKind::Company));
        let b = &l.entries[1];
        assert_eq!(b.kind, Some(EntityKind::Person));
        assert_eq!(b.programs, ["IRAQ2", "SDGT"]);
        assert_eq!(b.countries, ["IQ"]);
        assert_eq!(b.line, 2);
        assert_eq!(l.files.len(), 3);
    }

    #[test]
    fn malformed_rows_name_their_line() {
        let p = Path::new("sdn.csv");
        let e = parse((p, "ent_num,SDN_Name,a,b,c,d,e,f,g,h,i,j\n"), None, None).unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("no header"), "{e}");
        let short = format!("{SDN}1,\"X\"\n");
        let e = parse((p, &short), None, None).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("expected 12 fields"), "{e}");
        let noname = "5,-0- ,-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n";
        let e = parse((p, noname), None, None).unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("no name"), "{e}");
        let e = parse((p, SDN), None, Some((Path::new("alt.csv"), "1,2,\"aka\"\n"))).unwrap_err().to_string();
        assert!(e.contains("alt.csv, line 1"), "{e}");
    }
}
