//! OpenSanctions / FollowTheMoney JSON lines: one entity object per line,
//! `{"id", "schema", "properties": {prop: [values]}, "topics"?, "datasets"?}`.
//!
//! Read: Company, Organization, LegalEntity, Person and Vessel (names,
//! aliases, countries, identifiers), Sanction (programme and listing date of
//! its `entity`), Ownership and Directorship (as [`ListRelation`]s). Other
//! schemas (Address, Family, Passport, ...) are skipped. An entity counts as
//! listed when it has a Sanction record or a `sanction`, `debarment` or
//! `export.control` topic; unlisted ones stay in the list so that ownership
//! by a listed party can be followed.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::{country_code, sort_dedup, ListEntry, ListFile, ListRelation, ScreeningList};
use crate::error::{InputError, Result};
use crate::model::{Day, EntityKind, RelationKind};

const NAME_PROPS: &[&str] = &["name", "alias", "previousName"];
const COUNTRY_PROPS: &[&str] = &["country", "jurisdiction", "nationality", "citizenship", "mainCountry", "registrationCountry"];
const ID_PROPS: &[(&str, &str)] = &[
    ("innCode", "inn"),
    ("ogrnCode", "ogrn"),
    ("leiCode", "lei"),
    ("taxNumber", "tax"),
    ("registrationNumber", "registration"),
    ("vatCode", "vat"),
    ("swiftBic", "swift"),
    ("imoNumber", "imo"),
    ("okpoCode", "okpo"),
];
const LISTED_TOPICS: &[&str] = &["sanction", "debarment", "export.control", "sanction.linked"];

fn strings<'a>(props: &'a Value, key: &str) -> impl Iterator<Item = &'a str> {
    props.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// Parses a FollowTheMoney JSON-lines file. Entries not sanctioned
/// themselves have `listed == false` and matter only through ownership.
///
/// # Errors
/// A line that is not a JSON object, lacks `id` or `schema`, or a party with no name.
pub fn parse(path: &Path, text: &str) -> Result<ScreeningList> {
    let mut list = ScreeningList::default();
    // Sanction records may come before or after their entity.
    let mut sanctions: Vec<(String, Vec<String>, Option<String>)> = Vec::new();
    let mut listed: HashMap<String, bool> = HashMap::new();
    let mut rows = 0u64;
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        rows += 1;
        let err = |col: Option<&str>, msg: String| InputError::new(path, line, col, msg);
        let v: Value = serde_json::from_str(raw).map_err(|e| err(None, format!("not a JSON object: {e}")))?;
        let id = v.get("id").and_then(Value::as_str).filter(|s| !s.is_empty());
        let schema = v.get("schema").and_then(Value::as_str);
        let (Some(id), Some(schema)) = (id, schema) else {
            return Err(err(None, "expected an FtM entity with \"id\" and \"schema\"".into()).into());
        };
        let empty = Value::Object(Default::default());
        let props = v.get("properties").unwrap_or(&empty);
        let kind = match schema {
            "Person" => Some(EntityKind::Person),
            "Company" | "Organization" | "LegalEntity" => Some(EntityKind::Company),
            "Vessel" => Some(EntityKind::Vessel),
            "Sanction" => {
                let program: Vec<String> =
                    strings(props, "programId").chain(strings(props, "program")).take(1).map(str::to_string).collect();
                let date = strings(props, "listingDate")
                    .chain(strings(props, "startDate"))
                    .find_map(|d| d.get(..10).and_then(Day::parse_iso))
                    .map(|d| d.to_string());
                for e in strings(props, "entity") {
                    sanctions.push((e.to_string(), program.clone(), date.clone()));
                }
                continue;
            }
            "Ownership" | "Directorship" => {
                let (from, to, kind) = if schema == "Ownership" {
                    ("owner", "asset", RelationKind::Ownership)
                } else {
                    ("director", "organization", RelationKind::Director)
                };
                let share = strings(props, "percentage").find_map(|p| p.trim_end_matches('%').trim().parse::<f64>().ok());
                for f in strings(props, from) {
                    for t in strings(props, to) {
                        list.relations.push(ListRelation { kind, from: f.into(), to: t.into(), share, file: 0, line });
                    }
                }
                continue;
            }
            _ => continue,
        };
        let names: Vec<String> = NAME_PROPS.iter().flat_map(|p| strings(props, p)).map(str::to_string).collect();
        if names.is_empty() {
            return Err(err(Some("properties.name"), format!("the {schema} '{id}' has no name")).into());
        }
        let mut countries: Vec<String> = COUNTRY_PROPS.iter().flat_map(|p| strings(props, p)).filter_map(country_code).collect();
        sort_dedup(&mut countries);
        let identifiers =
            ID_PROPS.iter().flat_map(|(p, scheme)| strings(props, p).map(move |v| (scheme.to_string(), v.to_string()))).collect();
        let topics = v.get("topics").or_else(|| props.get("topics"));
        let topical = topics.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).any(|t| LISTED_TOPICS.contains(&t));
        listed.insert(id.to_string(), topical);
        list.entries.push(ListEntry {
            list: "opensanctions".into(),
            entry_id: id.to_string(),
            kind,
            names,
            countries,
            identifiers,
            programs: Vec::new(),
            listed_on: None,
            listed: false,
            file: 0,
            line,
        });
    }
    let index: HashMap<String, usize> = list.entries.iter().enumerate().map(|(i, e)| (e.entry_id.clone(), i)).collect();
    for (entity, program, date) in sanctions {
        if let Some(&i) = index.get(&entity) {
            let e = &mut list.entries[i];
            e.programs.extend(program);
            if e.listed_on.is_none() || (date.is_some() && date < e.listed_on) {
                e.listed_on = date.or(e.listed_on.take());
            }
            listed.insert(entity, true);
        }
    }
    for e in &mut list.entries {
        sort_dedup(&mut e.programs);
        e.listed = listed.get(&e.entry_id) == Some(&true);
    }
    list.files.push(ListFile { path: path.to_path_buf(), role: "ftm", rows });
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{"id":"c1","schema":"Company","properties":{"name":["ООО Вектор"],"alias":["Vektor LLC"],"country":["ru"],"innCode":["7701234567"]}}
{"id":"s1","schema":"Sanction","properties":{"entity":["c1"],"programId":["US-RUSSIA"],"startDate":["2023-02-24"]}}
{"id":"c2","schema":"Company","properties":{"name":["Vektor Trade FZE"],"country":["ae"]}}
{"id":"o1","schema":"Ownership","properties":{"owner":["c1"],"asset":["c2"],"percentage":["51"]}}
{"id":"a1","schema":"Address","properties":{"full":["Moscow"]}}
"#;

    #[test]
    fn reads_parties_sanctions_and_ownership() {
        let l = parse(Path::new("x.jsonl"), TEXT).unwrap();
        assert_eq!(l.entries.len(), 2);
        let c1 = &l.entries[0];
        assert_eq!(c1.names, ["ООО Вектор", "Vektor LLC"]);
        assert_eq!(c1.countries, ["RU"]);
        assert_eq!(c1.identifiers, [("inn".to_string(), "7701234567".to_string())]);
        assert_eq!(c1.programs, ["US-RUSSIA"]);
        assert_eq!(c1.listed_on.as_deref(), Some("2023-02-24"));
        assert!(c1.listed && !l.entries[1].listed);
        assert_eq!(
            l.relations,
            [ListRelation { kind: RelationKind::Ownership, from: "c1".into(), to: "c2".into(), share: Some(51.0), file: 0, line: 4 }]
        );
    }

    #[test]
    fn malformed_lines_are_named() {
        let bad = format!("{TEXT}{{\"id\": \"x\", \n");
        let e = parse(Path::new("x.jsonl"), &bad).unwrap_err().to_string();
        assert!(e.contains("x.jsonl, line 6") && e.contains("not a JSON object"), "{e}");
        let e = parse(Path::new("x.jsonl"), "{\"schema\":\"Company\"}\n").unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("\"id\""), "{e}");
        let e = parse(Path::new("x.jsonl"), "\n{\"id\":\"p\",\"schema\":\"Person\",\"properties\":{}}\n").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("no name"), "{e}");
    }
}
