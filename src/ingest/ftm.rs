//! FollowTheMoney (FtM) JSON lines in: the entity format of OpenSanctions,
//! Aleph and their tools. One JSON object per line:
//! `{"id": "...", "schema": "Company", "properties": {"name": [...], ...}}`.
//!
//! | FtM schema | becomes |
//! |---|---|
//! | Company, Organization, LegalEntity, Person, Vessel | entity (names, aliases, identifiers, countries, address, incorporation) |
//! | Ownership (owner → asset, percentage) | relation `ownership` |
//! | Directorship (director → organization) | relation `director` |
//! | UnknownLink (subject → object, role = a relation kind such as `agent`) | that relation |
//! | Identification, Passport (holder, number, type) | an identifier of the holder |
//! | Sanction (entity, authority, program, startDate) | list membership |
//! | EconomicActivity (sender, receiver, vedCode, originCountry, departureCountry, destinationCountry, customsAmount, date) | shipment |
//!
//! The facts FtM has no property for come as `key: value` lines, the way
//! `divtrace export --format ftm` writes them (docs/export.md): a shipment's
//! `description` (`quantity`, `unit`, `weight_kg`, `manufacturer`, `id`), a
//! party's `notes` (`name as written`, `alias as written`, `address as
//! written`, `id`) and its roles in `keywords`.
//!
//! What OpenSanctions publishes beside `properties` is accepted: `referents`
//! (the ids the entity had before it was merged; links that use them find it),
//! `datasets` (the source when there is no `publisher`), `first_seen`,
//! `last_seen`, `last_change`, `target`, `caption` (not needed here).
//! Other schemas (Address, Family, ...) are counted and skipped.
//! Two passes over the file: entities first, so links may come before the
//! entities they name, as they do in real exports.

use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::{Map, Value};

use super::tables::{rec, EntityData, EntityRef, ListData, Record, Registry, RelationData, ShipmentData};
use crate::error::InputError;
use crate::model::{normalize_hs, Country, Day, EntityKind, RelationKind, Role, Roles};

/// FtM identifier properties and the scheme names the case file uses for them.
pub const IDENTIFIER_PROPS: &[(&str, &str)] = &[
    ("innCode", "inn"),
    ("ogrnCode", "ogrn"),
    ("kppCode", "kpp"),
    ("okpoCode", "okpo"),
    ("leiCode", "lei"),
    ("taxNumber", "tax"),
    ("vatCode", "vat"),
    ("registrationNumber", "reg"),
    ("swiftBic", "swift"),
    ("imoNumber", "imo"),
    ("dunsCode", "duns"),
    ("uscCode", "usc"),
    ("bikCode", "bik"),
];

const ENTITY_SCHEMAS: &[&str] = &["Company", "Organization", "LegalEntity", "Person", "Vessel", "PublicBody"];
const IDENTIFICATION_SCHEMAS: &[&str] = &["Identification", "Passport"];

/// One parsed line.
struct Line {
    no: u64,
    id: String,
    schema: String,
    props: Map<String, Value>,
    /// OpenSanctions: earlier ids of a merged entity.
    referents: Vec<String>,
    /// OpenSanctions: the datasets the entity comes from.
    datasets: Vec<String>,
}

fn err(path: &Path, line: u64, field: Option<&str>, msg: impl Into<String>) -> InputError {
    InputError::new(path, line, field, msg)
}

fn read_lines(path: &Path) -> Result<Vec<Line>, InputError> {
    let f = std::fs::File::open(path).map_err(|e| err(path, 0, None, format!("cannot open: {e}")))?;
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut reader = BufReader::new(f);
    let mut no = 0u64;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(|e| err(path, no + 1, None, format!("read error: {e}")))?;
        if n == 0 {
            break;
        }
        no += 1;
        let text = std::str::from_utf8(&buf)
            .map_err(|e| err(path, no, None, format!("invalid UTF-8 at byte {}: expected UTF-8 JSON", e.valid_up_to())))?;
        if text.trim().is_empty() {
            continue;
        }
        let v: Value =
            serde_json::from_str(text).map_err(|e| err(path, no, None, format!("not a JSON object (column {}): {e}", e.column())))?;
        let obj = v.as_object().ok_or_else(|| err(path, no, None, "expected a JSON object per line"))?;
        let id = obj
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| err(path, no, Some("id"), "missing: every FtM entity needs an \"id\""))?;
        let schema = obj
            .get("schema")
            .and_then(Value::as_str)
            .ok_or_else(|| err(path, no, Some("schema"), "missing: every FtM entity needs a \"schema\""))?;
        let props = match obj.get("properties") {
            None => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(err(path, no, Some("properties"), "expected an object of lists of strings")),
        };
        let strings = |key: &str| -> Vec<String> {
            obj.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect()
        };
        let (referents, datasets) = (strings("referents"), strings("datasets"));
        out.push(Line { no, id: id.to_string(), schema: schema.to_string(), props, referents, datasets });
    }
    if no == 0 {
        return Err(err(path, 1, None, "the file is empty: expected FtM JSON lines"));
    }
    Ok(out)
}

/// The string values of a property (FtM properties are lists; numbers are tolerated).
fn vals<'a>(props: &'a Map<String, Value>, key: &str) -> Vec<&'a str> {
    match props.get(key) {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).collect(),
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim()],
        _ => Vec::new(),
    }
}

fn first<'a>(props: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    vals(props, key).into_iter().next()
}

/// The values of the `key: value` lines of a text property (the export's form for facts FtM lacks).
fn facts<'a>(props: &'a Map<String, Value>, prop: &str, key: &str) -> Vec<&'a str> {
    vals(props, prop).into_iter().filter_map(|t| t.strip_prefix(key).and_then(|r| r.strip_prefix(": "))).collect()
}

/// Whether a text value is one of those fact lines rather than prose.
fn is_fact(t: &str, keys: &[&str]) -> bool {
    keys.iter().any(|k| t.strip_prefix(k).is_some_and(|r| r.starts_with(": ")))
}

const SHIPMENT_FACTS: &[&str] = &["quantity", "unit", "weight_kg", "manufacturer", "id"];

/// Where a record comes from: its publisher, else its source link, else its datasets.
fn provenance(l: &Line) -> Option<String> {
    first(&l.props, "publisher")
        .or_else(|| first(&l.props, "sourceUrl"))
        .map(String::from)
        .or_else(|| (!l.datasets.is_empty()).then(|| format!("FtM dataset {}", l.datasets.join(", "))))
}

fn number(props: &Map<String, Value>, key: &str) -> Option<f64> {
    match props.get(key) {
        Some(Value::Array(a)) => a.iter().find_map(|v| match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().trim_end_matches('%').trim().replace(',', "").parse().ok(),
            _ => None,
        }),
        Some(Value::Number(n)) => n.as_f64(),
        _ => None,
    }
}

/// FtM dates may be partial (`2002`, `2002-12`): only full days are dates here.
fn full_date(s: Option<&str>) -> Option<Day> {
    s.and_then(|s| Day::parse_iso(s.get(..10).unwrap_or(s)))
}

/// Everything an FtM file holds, as records in file order (entities first), plus what was skipped.
pub struct FtmRecords {
    pub records: Vec<(Record, String /* FtM id for messages */)>,
    pub skipped: Vec<(String, u64)>,
    pub refused: Vec<InputError>,
    pub lines: u64,
}

/// Reads an FtM file into records. Problems with one line are returned in
/// `refused` (the caller decides whether they are fatal).
pub fn read(path: &Path, reg: &mut Registry) -> Result<FtmRecords, InputError> {
    let lines = read_lines(path)?;
    let mut out = FtmRecords { records: Vec::new(), skipped: Vec::new(), refused: Vec::new(), lines: lines.len() as u64 };
    // Identifications and passports belong to their holder's entity record.
    let mut held: std::collections::HashMap<&str, Vec<(String, String)>> = std::collections::HashMap::new();
    for l in lines.iter().filter(|l| IDENTIFICATION_SCHEMAS.contains(&l.schema.as_str())) {
        let scheme = first(&l.props, "type").map(str::to_lowercase).unwrap_or_else(|| l.schema.to_lowercase());
        for (h, n) in vals(&l.props, "holder").into_iter().zip(std::iter::repeat(first(&l.props, "number"))) {
            if let Some(n) = n {
                held.entry(h).or_default().push((scheme.clone(), n.to_string()));
            }
        }
    }
    // Pass 1: entities.
    for l in lines.iter().filter(|l| ENTITY_SCHEMAS.contains(&l.schema.as_str())) {
        if let Some(first) = reg.get(&l.id) {
            out.refused.push(err(path, l.no, Some("id"), format!("duplicate id {:?}: already used at line {}", l.id, first.line)));
            continue;
        }
        let names = vals(&l.props, "name");
        let written = |key: &str| facts(&l.props, "notes", key);
        let name_as_written = written("name as written").into_iter().next();
        let Some(name) = name_as_written.or(names.first().copied()) else {
            out.refused.push(err(path, l.no, Some("properties.name"), "missing: an entity needs at least one name"));
            continue;
        };
        // A name as written replaces the cleaned form FtM holds (the export writes both).
        let cleaned_written: Vec<Option<String>> = written("name as written")
            .iter()
            .chain(written("alias as written").iter())
            .map(|w| crate::export::ftm_values::name(w))
            .collect();
        let mut aliases: Vec<String> = Vec::new();
        let alias_vals: Vec<&str> = vals(&l.props, "alias")
            .into_iter()
            .filter(|a| !cleaned_written.iter().any(|c| c.as_deref() == Some(*a)))
            .chain(written("alias as written"))
            .collect();
        for a in names
            .iter()
            .filter(|n| !cleaned_written.iter().any(|c| c.as_deref() == Some(**n)))
            .chain(alias_vals.iter())
            .chain(vals(&l.props, "previousName").iter())
            .chain(vals(&l.props, "weakAlias").iter())
        {
            if !aliases.iter().any(|x| x == a) && *a != name {
                aliases.push(a.to_string());
            }
        }
        let country_raw = first(&l.props, "country").or_else(|| first(&l.props, "jurisdiction")).or_else(|| first(&l.props, "nationality"));
        let country = match country_raw {
            None => None,
            Some(c) => match Country::parse(c) {
                Some(c) => Some(c),
                None => {
                    out.refused.push(err(
                        path,
                        l.no,
                        Some("properties.country"),
                        format!("expected an ISO 3166-1 alpha-2 code, found {c:?}"),
                    ));
                    continue;
                }
            },
        };
        let mut identifiers = Vec::new();
        for (prop, scheme) in IDENTIFIER_PROPS {
            for v in vals(&l.props, prop) {
                identifiers.push((scheme.to_string(), v.to_string()));
            }
        }
        for id in std::iter::once(l.id.as_str()).chain(l.referents.iter().map(String::as_str)) {
            identifiers.extend(held.get(id).into_iter().flatten().cloned());
        }
        let mut roles = Roles::default();
        for r in vals(&l.props, "topics") {
            if r == "mil" || r == "export.risk" {
                roles.insert(Role::MilitaryEndUser);
            }
        }
        for r in vals(&l.props, "keywords").into_iter().filter_map(Role::parse) {
            roles.insert(r);
        }
        let inc_raw = first(&l.props, "incorporationDate");
        let row = reg.next_row();
        let mut r = rec(
            EntityData {
                row,
                input_id: written("id").into_iter().next().map(String::from).unwrap_or_else(|| l.id.clone()),
                name: name.to_string(),
                kind: match l.schema.as_str() {
                    "Person" => EntityKind::Person,
                    "Vessel" => EntityKind::Vessel,
                    _ => EntityKind::Company,
                },
                country,
                address: written("address as written").into_iter().next().or_else(|| first(&l.props, "address")).map(String::from),
                incorporated: full_date(inc_raw),
                roles,
                // No invented source: the record's file and line already say it came from this file.
                source: provenance(l),
                aliases,
                identifiers,
            },
            l.no,
        );
        if let (Some(raw), None) = (inc_raw, r.data.incorporated) {
            r.raws.push(("incorporated", raw.to_string()));
        }
        if let Some(c) = country_raw {
            if country.map(|x| x.as_str().to_string()).as_deref() != Some(c) {
                r.raws.push(("country", c.to_string()));
            }
        }
        let eref = EntityRef { row, country, line: l.no };
        reg.insert(&l.id, eref);
        for r in &l.referents {
            if reg.get(r).is_none() {
                reg.insert(r, eref);
            }
        }
        out.records.push((Record::Entity(r), l.id.clone()));
    }
    // Pass 2: links, listings, shipments.
    let lookup = |reg: &Registry, l: &Line, prop: &str| -> Result<EntityRef, InputError> {
        let id = first(&l.props, prop).ok_or_else(|| err(path, l.no, Some(&format!("properties.{prop}")), "missing"))?;
        reg.get(id).ok_or_else(|| {
            err(
                path,
                l.no,
                Some(&format!("properties.{prop}")),
                format!("unknown entity id {id:?}: no Company, Organization, LegalEntity or Person with that id in the file"),
            )
        })
    };
    for l in &lines {
        let result: Result<Option<Record>, InputError> = (|| match l.schema.as_str() {
            s if ENTITY_SCHEMAS.contains(&s) || IDENTIFICATION_SCHEMAS.contains(&s) => Ok(None),
            "UnknownLink" if first(&l.props, "role").and_then(RelationKind::parse).is_none() => Ok(None),
            "Ownership" | "Directorship" | "UnknownLink" => {
                let (a, b, kind) = match l.schema.as_str() {
                    "Ownership" => (lookup(reg, l, "owner")?, lookup(reg, l, "asset")?, RelationKind::Ownership),
                    "Directorship" => (lookup(reg, l, "director")?, lookup(reg, l, "organization")?, RelationKind::Director),
                    _ => {
                        let kind = first(&l.props, "role").and_then(RelationKind::parse).expect("checked by the arm above");
                        (lookup(reg, l, "subject")?, lookup(reg, l, "object")?, kind)
                    }
                };
                let share = number(&l.props, "percentage");
                if share.is_some_and(|x| !(0.0..=100.0).contains(&x)) {
                    return Err(err(path, l.no, Some("properties.percentage"), "expected a percentage from 0 to 100"));
                }
                Ok(Some(Record::Relation(rec(
                    RelationData {
                        from: a.row,
                        to: b.row,
                        kind,
                        share,
                        start: full_date(first(&l.props, "startDate")),
                        end: full_date(first(&l.props, "endDate")),
                        source: provenance(l),
                    },
                    l.no,
                ))))
            }
            "Sanction" => {
                let e = lookup(reg, l, "entity")?;
                let authority = first(&l.props, "authority").unwrap_or("");
                let program = first(&l.props, "program").or_else(|| first(&l.props, "programId"));
                Ok(Some(Record::Listing(rec(
                    ListData {
                        entity: e.row,
                        list: list_name(authority, program.unwrap_or("")),
                        program: program.map(String::from),
                        listed_on: full_date(first(&l.props, "listingDate").or_else(|| first(&l.props, "startDate"))),
                        source: first(&l.props, "publisher")
                            .map(String::from)
                            .or_else(|| Some(if authority.is_empty() { format!("FtM Sanction {}", l.id) } else { authority.to_string() })),
                    },
                    l.no,
                ))))
            }
            "EconomicActivity" => {
                let shipper = lookup(reg, l, "sender")?;
                let consignee = lookup(reg, l, "receiver")?;
                let date = first(&l.props, "date")
                    .ok_or_else(|| err(path, l.no, Some("properties.date"), "missing: a customs declaration needs a date"))?;
                let day = Day::parse_iso(date)
                    .ok_or_else(|| err(path, l.no, Some("properties.date"), format!("expected a date YYYY-MM-DD, found {date:?}")))?;
                let ved = first(&l.props, "vedCode").ok_or_else(|| {
                    err(path, l.no, Some("properties.vedCode"), "missing: a customs declaration needs its commodity code")
                })?;
                let hs = normalize_hs(ved).ok_or_else(|| {
                    err(path, l.no, Some("properties.vedCode"), format!("expected an HS code of 4 to 10 digits, found {ved:?}"))
                })?;
                let country = |prop: &str| -> Result<Option<Country>, InputError> {
                    match first(&l.props, prop) {
                        None => Ok(None),
                        Some(c) => Country::parse(c).map(Some).ok_or_else(|| {
                            err(
                                path,
                                l.no,
                                Some(&format!("properties.{prop}")),
                                format!("expected an ISO 3166-1 alpha-2 code, found {c:?}"),
                            )
                        }),
                    }
                };
                // The export's fact lines in `description`; older exports used `notes` and
                // top-level quantity/unit/weight, which are still read.
                let fact = |key: &str| facts(&l.props, "description", key).into_iter().next();
                let manufacturer =
                    fact("manufacturer").or_else(|| facts(&l.props, "notes", "manufacturer").into_iter().next()).map(String::from);
                let fact_number = |key: &str, old: &str| fact(key).and_then(|t| t.parse::<f64>().ok()).or_else(|| number(&l.props, old));
                let prose = vals(&l.props, "description").into_iter().find(|t| !is_fact(t, SHIPMENT_FACTS));
                let mut r = rec(
                    ShipmentData {
                        input_id: fact("id").map(String::from).unwrap_or_else(|| l.id.clone()),
                        date: day,
                        shipper: shipper.row,
                        consignee: consignee.row,
                        hs: hs.clone(),
                        description: first(&l.props, "goodsDescription").or(prose).map(String::from),
                        manufacturer,
                        origin_country: country("originCountry")?,
                        from_country: country("departureCountry")?.or(shipper.country),
                        to_country: country("destinationCountry")?.or(consignee.country),
                        quantity: fact_number("quantity", "quantity"),
                        unit: fact("unit").or_else(|| first(&l.props, "unit")).map(String::from),
                        value_usd: number(&l.props, "customsAmount").or_else(|| number(&l.props, "invoiceAmount")),
                        weight_kg: fact_number("weight_kg", "weight"),
                        source: first(&l.props, "ccdNumber").map(String::from).or_else(|| Some(l.id.clone())),
                        declared: None,
                    },
                    l.no,
                );
                if hs != ved {
                    r.raws.push(("hs_code", ved.to_string()));
                }
                Ok(Some(Record::Shipment(r)))
            }
            _ => Ok(None),
        })();
        match result {
            Ok(Some(r)) => out.records.push((r, l.id.clone())),
            Ok(None) => {
                if !ENTITY_SCHEMAS.contains(&l.schema.as_str()) && !IDENTIFICATION_SCHEMAS.contains(&l.schema.as_str()) {
                    out.skipped.push((l.schema.clone(), l.no));
                }
            }
            Err(e) => out.refused.push(e),
        }
    }
    Ok(out)
}

/// The case's list name for an FtM sanction, from its authority and program.
fn list_name(authority: &str, program: &str) -> String {
    let a = format!("{authority} {program}").to_lowercase();
    if a.contains("bureau of industry") || a.contains("entity list") {
        "entity_list".into()
    } else if a.contains("ofsi")
        || a.contains("hm treasury")
        || a.contains("financial sanctions implementation")
        || a.contains("united kingdom")
        || a.contains("fcdo")
        || a.starts_with("uk ")
    {
        "uk_sanctions".into()
    } else if a.contains("ofac") || a.contains("foreign assets control") || a.contains("treasury") || a.contains("sdn") {
        "sdn".into()
    } else if a.contains("european") || a.contains("eu ") || a.starts_with("eu") {
        "eu_sanctions".into()
    } else {
        "sanctions".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_names_from_authorities() {
        assert_eq!(list_name("Office of Foreign Assets Control", "RUSSIA-EO14024"), "sdn");
        assert_eq!(list_name("Bureau of Industry and Security", ""), "entity_list");
        assert_eq!(list_name("European Union", "RUSSIA"), "eu_sanctions");
        assert_eq!(list_name("Office of Financial Sanctions Implementation", ""), "uk_sanctions");
        assert_eq!(list_name("Department of Foreign Affairs and Trade", ""), "sanctions");
    }
}
