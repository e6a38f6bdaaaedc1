//! The US Consolidated Screening List CSV (trade.gov), one row per listed party.
//!
//! Multi-valued cells (`programs`, `addresses`, `alt_names`, `ids`,
//! `citizenships`, `nationalities`) are `;`-separated. An address ends with
//! its country; an id is `type, number, country, ...`. The list a row
//! belongs to is the abbreviation in its `source` (`Entity List (EL) - Bureau
//! of Industry and Security` becomes `entity_list`).

use std::path::Path;

use super::{country_code, national_scheme, sort_dedup, LineCounter, ListEntry, ListFile, ScreeningList, ID_LABELS};
use crate::error::{InputError, Result};
use crate::model::{Day, EntityKind};

/// Columns this parser needs; the published file has more.
const REQUIRED: &[&str] = &["source", "entity_number", "type", "programs", "name", "addresses", "start_date", "alt_names", "ids"];

/// Parses a CSL CSV file.
///
/// # Errors
/// A header missing a required column, a row that is not CSV, a row without a name.
pub fn parse(path: &Path, text: &str) -> Result<ScreeningList> {
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| InputError::new(path, 1, None, format!("cannot read the CSL header: {e}")))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}').trim() == name);
    let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| col(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(InputError::new(
            path,
            1,
            None,
            format!("not a Consolidated Screening List header: missing column(s) {}", missing.join(", ")),
        )
        .into());
    }
    let idx = |n: &str| col(n).expect("checked above");
    let id_col = col("_id");
    let opt = |n: &str| col(n);
    let mut list = ScreeningList::default();
    let mut lines = LineCounter::new(text);
    for rec in rdr.records() {
        let r = rec.map_err(|e| {
            InputError::new(path, e.position().map_or(0, |p| lines.line_at(p.byte())), None, format!("not a valid CSV row: {e}"))
        })?;
        let line = r.position().map_or(0, |p| lines.line_at(p.byte()));
        let get = |i: usize| r.get(i).unwrap_or("").trim();
        let name = get(idx("name"));
        if name.is_empty() {
            return Err(InputError::new(path, line, Some("name"), "the entry has no name").into());
        }
        let entry_id = match get(idx("entity_number")) {
            "" => id_col.map(get).unwrap_or("").to_string(),
            n => n.to_string(),
        };
        if entry_id.is_empty() {
            return Err(InputError::new(path, line, Some("entity_number"), "the entry has neither entity_number nor _id").into());
        }
        let kind = match get(idx("type")).to_ascii_lowercase().as_str() {
            "individual" => Some(EntityKind::Person),
            "vessel" => Some(EntityKind::Vessel),
            "entity" | "" => Some(EntityKind::Company),
            _ => None,
        };
        let split = |s: &str| s.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>();
        let mut names = vec![name.to_string()];
        names.extend(split(get(idx("alt_names"))));
        let mut countries: Vec<String> =
            split(get(idx("addresses"))).iter().filter_map(|a| a.rsplit(',').next().and_then(country_code)).collect();
        for c in ["citizenships", "nationalities"] {
            if let Some(i) = opt(c) {
                countries.extend(split(get(i)).iter().filter_map(|s| country_code(s)));
            }
        }
        let mut identifiers = Vec::new();
        for id in split(get(idx("ids"))) {
            let parts: Vec<&str> = id.split(',').map(str::trim).collect();
            let (Some(label), Some(value)) = (parts.first(), parts.get(1)) else { continue };
            if value.is_empty() {
                continue;
            }
            let country = parts.get(2).and_then(|c| country_code(c));
            let scheme = ID_LABELS.iter().find(|(l, _)| l.eq_ignore_ascii_case(label)).map_or("id", |(_, s)| *s);
            identifiers.push((national_scheme(scheme, country.as_deref()).to_string(), value.to_string()));
            countries.extend(country);
        }
        sort_dedup(&mut countries);
        let start = get(idx("start_date"));
        let listed_on = Day::parse_iso(start).map(|d| d.to_string());
        list.entries.push(ListEntry {
            list: list_code(get(idx("source"))),
            entry_id,
            kind,
            names,
            countries,
            identifiers,
            programs: split(get(idx("programs"))),
            listed_on,
            listed: true,
            file: 0,
            line,
        });
    }
    list.files.push(ListFile { path: path.to_path_buf(), role: "csl", rows: list.entries.len() as u64 });
    Ok(list)
}

/// `Entity List (EL) - Bureau of Industry and Security` -> `entity_list`;
/// other sources -> their abbreviation in lower case (`sdn`, `meu`, `dpl`).
fn list_code(source: &str) -> String {
    let abbr = source.find('(').and_then(|i| source[i + 1..].find(')').map(|j| &source[i + 1..i + 1 + j])).unwrap_or(source).trim();
    match abbr.to_ascii_uppercase().as_str() {
        "EL" => "entity_list".into(),
        "" => "csl".into(),
        a => a.to_ascii_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n";

    #[test]
    fn reads_rows() {
        let text = format!(
            "{HEADER}a1,Entity List (EL) - Bureau of Industry and Security,,Entity,,Denkar Dis Ticaret Ltd Sti,,\"Ataturk Cad 5, Istanbul, , 34000, TR\",88 FR 1,2023-05-19,,,,,,,,,,,,,DENKAR DIS TIC; DENKAR LTD,,,,,,\"Tax ID No., 2910512345, TR\"\n"
        );
        let l = parse(Path::new("csl.csv"), &text).unwrap();
        let e = &l.entries[0];
        assert_eq!(e.list, "entity_list");
        assert_eq!(e.entry_id, "a1");
        assert_eq!(e.names.len(), 3);
        assert_eq!(e.countries, ["TR"]);
        assert_eq!(e.identifiers, [("vkn".to_string(), "2910512345".to_string())]);
        assert_eq!(e.listed_on.as_deref(), Some("2023-05-19"));
        assert_eq!(e.line, 2);
    }

    #[test]
    fn rejects_wrong_header_and_nameless_rows() {
        let e = parse(Path::new("x.csv"), "id,name\n1,X\n").unwrap_err().to_string();
        assert!(e.contains("x.csv, line 1") && e.contains("missing column(s) source"), "{e}");
        let text = format!("{HEADER}a1,Entity List (EL),,Entity,,,,,,,,,,,,,,,,,,,,,,,,,\n");
        let e = parse(Path::new("x.csv"), &text).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("'name'"), "{e}");
        let text = format!("{HEADER}a1,Entity List (EL),,Entity\n");
        let e = parse(Path::new("x.csv"), &text).unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn list_codes() {
        assert_eq!(list_code("Specially Designated Nationals (SDN) - Treasury Department"), "sdn");
        assert_eq!(list_code("Military End User (MEU) List - Bureau of Industry and Security"), "meu");
    }
}
