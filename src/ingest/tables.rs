//! Row by row: read the fields of one input row through its plan, check and
//! normalise them, and hand the record to the store.

use std::collections::hash_map::{DefaultHasher, Entry};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::plan::{Cell, Plan, TableSpec, ENTITIES, LISTS, RELATIONS, SHIPMENTS};
use crate::error::Result;
use crate::model::{normalize_hs, Country, Day, EntityKind, RelationKind, Role, Roles};
use crate::store::writer::{BatchWriter, NewEntity, NewListing, NewRelation, NewShipment, Table};

/// Why a row was refused: the column at fault and what was expected.
pub struct RowError {
    pub column: Option<String>,
    pub message: String,
}

type RowResult<T> = std::result::Result<T, RowError>;

fn bad(column: &str, message: impl Into<String>) -> RowError {
    RowError { column: Some(column.to_string()), message: message.into() }
}

/// An entity known to this batch, for resolving references.
#[derive(Clone, Copy)]
pub struct EntityRef {
    pub row: i64,
    pub country: Option<Country>,
    /// The line the entity was defined on.
    pub line: u64,
}

/// Entity ids seen in this batch: stored, and refused (with the line that was refused).
#[derive(Default)]
pub struct Registry {
    pub known: HashMap<String, EntityRef>,
    refused: HashMap<String, (String, u64)>,
}

impl Registry {
    pub fn refuse(&mut self, id: &str, file: &str, line: u64) {
        self.refused.entry(id.to_string()).or_insert((file.to_string(), line));
    }

    fn lookup(&self, column: &str, id: &str) -> RowResult<EntityRef> {
        if let Some(e) = self.known.get(id) {
            return Ok(*e);
        }
        Err(match self.refused.get(id) {
            Some((file, line)) => bad(column, format!("entity id {id:?} was refused at {file} line {line}")),
            None => bad(column, format!("unknown entity id {id:?}: expected an id from entities.csv")),
        })
    }
}

/// Reads a plan field, turning transform failures into row errors.
fn field<'r>(plan: &'r Plan, i: usize, rec: &'r csv::StringRecord) -> RowResult<Option<Cell<'r>>> {
    plan.get(i, rec).map_err(|(col, msg)| bad(&col, msg))
}

fn required<'r>(spec: &TableSpec, plan: &'r Plan, i: usize, rec: &'r csv::StringRecord) -> RowResult<Cell<'r>> {
    field(plan, i, rec)?.ok_or_else(|| bad(plan.column_name(spec, i), "required value is empty"))
}

fn date(cell: &Option<Cell<'_>>) -> RowResult<Option<Day>> {
    match cell {
        None => Ok(None),
        Some(c) => Day::parse_iso(&c.value)
            .map(Some)
            .ok_or_else(|| bad(c.column, format!("expected a date YYYY-MM-DD, found {:?}", c.value))),
    }
}

fn country(cell: &Option<Cell<'_>>) -> RowResult<Option<Country>> {
    match cell {
        None => Ok(None),
        Some(c) => Country::parse(&c.value)
            .map(Some)
            .ok_or_else(|| bad(c.column, format!("expected an ISO 3166-1 alpha-2 country code (e.g. TR, RU, US), found {:?}", c.value))),
    }
}

fn number(cell: &Option<Cell<'_>>) -> RowResult<Option<f64>> {
    match cell {
        None => Ok(None),
        Some(c) => match c.value.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
            _ => Err(bad(c.column, format!("expected a non-negative number such as 1250.50, found {:?}", c.value))),
        },
    }
}

fn text<'r>(cell: &'r Option<Cell<'r>>) -> Option<&'r str> {
    cell.as_ref().map(|c| c.value.as_ref())
}

/// Records the value as written when the stored form differs from it.
fn keep_raw(w: &BatchWriter<'_>, t: Table, rec: i64, field: &str, cell: &Option<Cell<'_>>, stored: &str) -> Result<()> {
    if let Some(c) = cell {
        if c.raw != stored {
            w.raw_value(t, rec, field, &c.raw)?;
        }
    }
    Ok(())
}

fn extras(w: &BatchWriter<'_>, t: Table, rec: i64, plan: &Plan, row: &csv::StringRecord) -> Result<()> {
    for (idx, name) in &plan.extras {
        let v = row.get(*idx).unwrap_or("").trim();
        if !v.is_empty() {
            w.extra(t, rec, name, v)?;
        }
    }
    Ok(())
}

/// Parses `scheme:value;scheme:value`.
fn identifiers<'c>(cell: &'c Option<Cell<'_>>) -> RowResult<Vec<(String, &'c str)>> {
    let mut out = Vec::new();
    if let Some(c) = cell {
        for part in c.value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once(':') {
                Some((s, v)) if !s.trim().is_empty() && !v.trim().is_empty() => out.push((s.trim().to_lowercase(), v.trim())),
                _ => {
                    return Err(bad(c.column, format!("expected identifiers as scheme:value (e.g. inn:7701234567), found {part:?}")))
                }
            }
        }
    }
    Ok(out)
}

fn roles(cell: &Option<Cell<'_>>) -> RowResult<Roles> {
    let mut r = Roles::default();
    if let Some(c) = cell {
        for part in c.value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let role = Role::parse(part).ok_or_else(|| {
                bad(
                    c.column,
                    format!(
                        "unknown role {part:?}; expected some of {}",
                        Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )
            })?;
            r.insert(role);
        }
    }
    Ok(r)
}

/// Returns early with a refused row when a field check fails.
macro_rules! tryrow {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Ok(Outcome::Refused(e)),
        }
    };
}

pub enum Outcome {
    Stored,
    Refused(RowError),
}

/// Stores one row of entities.csv.
pub fn entity_row(
    w: &BatchWriter<'_>,
    plan: &Plan,
    reg: &mut Registry,
    rec: &csv::StringRecord,
    file_id: i64,
    line: u64,
) -> Result<Outcome> {
    let s = &ENTITIES;
    let id = tryrow!(required(s, plan, 0, rec));
    let name = tryrow!(required(s, plan, 1, rec));
    let kind_cell = tryrow!(field(plan, 2, rec));
    let kind = match &kind_cell {
        None => EntityKind::Company,
        Some(c) => tryrow!(EntityKind::parse(&c.value)
            .ok_or_else(|| bad(c.column, format!("expected company, person or vessel, found {:?}", c.value)))),
    };
    let country_cell = tryrow!(field(plan, 3, rec));
    let ctry = tryrow!(country(&country_cell));
    let aliases = tryrow!(field(plan, 4, rec));
    let ids_cell = tryrow!(field(plan, 5, rec));
    let idents = tryrow!(identifiers(&ids_cell));
    let address = tryrow!(field(plan, 6, rec));
    let inc_cell = tryrow!(field(plan, 7, rec));
    let inc = tryrow!(date(&inc_cell));
    let roles_cell = tryrow!(field(plan, 8, rec));
    let rl = tryrow!(roles(&roles_cell));
    let source = tryrow!(field(plan, 9, rec));
    if let Some(first) = reg.known.get(id.value.as_ref()) {
        return Ok(Outcome::Refused(bad(
            id.column,
            format!("duplicate id {:?}: already used at line {}; ids must be unique within entities.csv", id.value, first.line),
        )));
    }
    let ctry_s = ctry.map(|c| c.as_str().to_string());
    let inc_s = inc.map(|d| d.to_string());
    let roles_s = rl.to_list();
    let row = w.entity(&NewEntity {
        input_id: &id.value,
        name: &name.value,
        kind: kind.as_str(),
        country: ctry_s.as_deref(),
        address: text(&address),
        incorporated: inc_s.as_deref(),
        roles: &roles_s,
        source: text(&source),
        src_file: file_id,
        src_line: line,
    })?;
    keep_raw(w, Table::Entity, row, "country", &country_cell, ctry_s.as_deref().unwrap_or(""))?;
    keep_raw(w, Table::Entity, row, "incorporated", &inc_cell, inc_s.as_deref().unwrap_or(""))?;
    keep_raw(w, Table::Entity, row, "roles", &roles_cell, &roles_s)?;
    if let Some(c) = &kind_cell {
        if c.raw != kind.as_str() {
            w.raw_value(Table::Entity, row, "kind", &c.raw)?;
        }
    }
    if let Some(a) = &aliases {
        for alias in a.value.split(';').map(str::trim).filter(|x| !x.is_empty()) {
            w.alias(row, alias)?;
        }
    }
    for (scheme, value) in idents {
        w.identifier(row, &scheme, value)?;
    }
    extras(w, Table::Entity, row, plan, rec)?;
    reg.known.insert(id.value.into_owned(), EntityRef { row, country: ctry, line });
    Ok(Outcome::Stored)
}

/// Duplicate detection for shipment ids without keeping every id string:
/// a 128-bit hash per id (two independent SipHash keys) and the line it was first seen on.
#[derive(Default)]
pub struct SeenIds(HashMap<u128, u64>);

impl SeenIds {
    fn key(id: &str) -> u128 {
        let mut a = DefaultHasher::new();
        id.hash(&mut a);
        let mut b = DefaultHasher::new();
        (0x9e37_79b9_7f4a_7c15u64, id).hash(&mut b);
        ((a.finish() as u128) << 64) | b.finish() as u128
    }
    /// Records `id` at `line`; returns the earlier line if it was seen before.
    pub fn insert(&mut self, id: &str, line: u64) -> Option<u64> {
        match self.0.entry(Self::key(id)) {
            Entry::Occupied(o) => Some(*o.get()),
            Entry::Vacant(v) => {
                v.insert(line);
                None
            }
        }
    }
}

/// Finds or creates the party of a shipment: by id, or (mapped customs dumps) inline by name.
#[allow(clippy::too_many_arguments)]
fn party(
    w: &BatchWriter<'_>,
    plan: &Plan,
    reg: &mut Registry,
    rec: &csv::StringRecord,
    id_field: usize,
    name_field: usize,
    file_id: i64,
    line: u64,
) -> Result<RowResult<EntityRef>> {
    let s = &SHIPMENTS;
    let id = match field(plan, id_field, rec) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    if plan.has(s, s.fields[name_field].0) {
        // Inline party: name, country, address and identifiers sit in the shipment row.
        let get = |i| field(plan, i, rec);
        let (name, ctry_cell, addr, ids) = match (get(name_field), get(name_field + 1), get(name_field + 2), get(name_field + 3)) {
            (Ok(a), Ok(b), Ok(c), Ok(d)) => (a, b, c, d),
            (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => return Ok(Err(e)),
        };
        let Some(name) = name else {
            return Ok(Err(bad(plan.column_name(s, name_field), "required value is empty (the party's name)")));
        };
        let ctry = match country(&ctry_cell) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        let idents = match identifiers(&ids) {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        // The party's id: the mapped id column, else its first identifier, else its name as written.
        let key = match (&id, idents.first()) {
            (Some(c), _) => c.value.to_string(),
            (None, Some((scheme, value))) => format!("{scheme}:{value}"),
            (None, None) => name.value.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase(),
        };
        if let Some(e) = reg.known.get(&key) {
            return Ok(Ok(*e));
        }
        let cs = ctry.map(|c| c.as_str().to_string());
        let row = w.entity(&NewEntity {
            input_id: &key,
            name: &name.value,
            kind: "company",
            country: cs.as_deref(),
            address: text(&addr),
            incorporated: None,
            roles: "",
            source: Some("inline party of a shipment"),
            src_file: file_id,
            src_line: line,
        })?;
        for (scheme, value) in idents {
            w.identifier(row, &scheme, value)?;
        }
        let e = EntityRef { row, country: ctry, line };
        reg.known.insert(key, e);
        return Ok(Ok(e));
    }
    let id = match id {
        Some(c) => c,
        None => return Ok(Err(bad(plan.column_name(s, id_field), "required value is empty"))),
    };
    Ok(reg.lookup(id.column, &id.value))
}

/// Stores one row of shipments.csv.
#[allow(clippy::too_many_arguments)]
pub fn shipment_row(
    w: &BatchWriter<'_>,
    plan: &Plan,
    reg: &mut Registry,
    seen: &mut SeenIds,
    rec: &csv::StringRecord,
    file_id: i64,
    file_name: &str,
    line: u64,
) -> Result<Outcome> {
    let s = &SHIPMENTS;
    let id = tryrow!(required(s, plan, 0, rec));
    let date_cell = tryrow!(field(plan, 1, rec));
    let day = tryrow!(date(&date_cell));
    let Some(day) = day else { return Ok(Outcome::Refused(bad(plan.column_name(s, 1), "required value is empty"))) };
    let hs_cell = tryrow!(required(s, plan, 4, rec));
    let hs = tryrow!(normalize_hs(&hs_cell.value).ok_or_else(|| bad(
        hs_cell.column,
        format!("expected an HS code of 4 to 10 digits (dots and spaces allowed, e.g. 8542.31), found {:?}", hs_cell.value)
    )));
    let description = tryrow!(field(plan, 5, rec));
    let manufacturer = tryrow!(field(plan, 6, rec));
    let origin_cell = tryrow!(field(plan, 7, rec));
    let origin = tryrow!(country(&origin_cell));
    let from_cell = tryrow!(field(plan, 8, rec));
    let from = tryrow!(country(&from_cell));
    let to_cell = tryrow!(field(plan, 9, rec));
    let to = tryrow!(country(&to_cell));
    let qty_cell = tryrow!(field(plan, 10, rec));
    let quantity = tryrow!(number(&qty_cell));
    let unit = tryrow!(field(plan, 11, rec));
    let value_cell = tryrow!(field(plan, 12, rec));
    let value = tryrow!(number(&value_cell));
    let weight_cell = tryrow!(field(plan, 13, rec));
    let weight = tryrow!(number(&weight_cell));
    let source = tryrow!(field(plan, 14, rec));
    // Parties last: an inline party is created only for a row that is otherwise valid.
    let shipper = tryrow!(party(w, plan, reg, rec, 2, 15, file_id, line)?);
    let consignee = tryrow!(party(w, plan, reg, rec, 3, 19, file_id, line)?);
    // The contract's defaults: dispatch from the shipper's country, to the consignee's.
    let from = from.or(shipper.country);
    let to = to.or(consignee.country);
    if let Some(first) = seen.insert(&id.value, line) {
        return Ok(Outcome::Refused(bad(
            id.column,
            format!("duplicate id {:?}: already used at {file_name} line {first}; ids must be unique", id.value),
        )));
    }
    let date_s = day.to_string();
    let row = w.shipment(&NewShipment {
        input_id: &id.value,
        date: &date_s,
        shipper: shipper.row,
        consignee: consignee.row,
        hs: &hs,
        description: text(&description),
        manufacturer: text(&manufacturer),
        origin_country: origin.as_ref().map(Country::as_str),
        from_country: from.as_ref().map(Country::as_str),
        to_country: to.as_ref().map(Country::as_str),
        quantity,
        unit: text(&unit),
        value_usd: value,
        weight_kg: weight,
        source: text(&source),
        src_file: file_id,
        src_line: line,
    })?;
    keep_raw(w, Table::Shipment, row, "date", &date_cell, &date_s)?;
    keep_raw(w, Table::Shipment, row, "hs_code", &Some(hs_cell), &hs)?;
    for (name, cell, v) in [("origin_country", &origin_cell, origin), ("from_country", &from_cell, from), ("to_country", &to_cell, to)] {
        keep_raw(w, Table::Shipment, row, name, cell, v.as_ref().map(Country::as_str).unwrap_or(""))?;
    }
    for (name, cell) in [("quantity", &qty_cell), ("value_usd", &value_cell), ("weight_kg", &weight_cell)] {
        if let Some(c) = cell {
            if c.raw != c.value {
                w.raw_value(Table::Shipment, row, name, &c.raw)?;
            }
        }
    }
    for (name, cell) in [("description", &description), ("manufacturer", &manufacturer), ("source", &source), ("id", &Some(id))] {
        if let Some(c) = cell {
            if c.raw != c.value {
                w.raw_value(Table::Shipment, row, name, &c.raw)?;
            }
        }
    }
    extras(w, Table::Shipment, row, plan, rec)?;
    Ok(Outcome::Stored)
}

/// Stores one row of relations.csv.
pub fn relation_row(w: &BatchWriter<'_>, plan: &Plan, reg: &Registry, rec: &csv::StringRecord, file_id: i64, line: u64) -> Result<Outcome> {
    let s = &RELATIONS;
    let parsed = (|| -> RowResult<_> {
        let from = required(s, plan, 0, rec)?;
        let to = required(s, plan, 1, rec)?;
        let from_e = reg.lookup(from.column, &from.value)?;
        let to_e = reg.lookup(to.column, &to.value)?;
        let kind_cell = required(s, plan, 2, rec)?;
        let kind = RelationKind::parse(&kind_cell.value).ok_or_else(|| {
            bad(
                kind_cell.column,
                format!(
                    "unknown relation kind {:?}; expected one of {}",
                    kind_cell.value,
                    RelationKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        let share_cell = field(plan, 3, rec)?;
        let share = number(&share_cell)?;
        if let (Some(x), Some(c)) = (share, &share_cell) {
            if x > 100.0 {
                return Err(bad(c.column, format!("expected a percentage from 0 to 100, found {x}")));
            }
        }
        let start_cell = field(plan, 4, rec)?;
        let start = date(&start_cell)?;
        let end_cell = field(plan, 5, rec)?;
        let end = date(&end_cell)?;
        if let (Some(a), Some(b), Some(c)) = (start, end, &end_cell) {
            if b < a {
                return Err(bad(c.column, format!("end {b} is before start {a}")));
            }
        }
        let source = field(plan, 6, rec)?;
        Ok((from_e, to_e, kind, kind_cell, share, start, start_cell, end, end_cell, source))
    })();
    let (from_e, to_e, kind, kind_cell, share, start, start_cell, end, end_cell, source) = match parsed {
        Ok(p) => p,
        Err(e) => return Ok(Outcome::Refused(e)),
    };
    let (start_s, end_s) = (start.map(|d| d.to_string()), end.map(|d| d.to_string()));
    let row = w.relation(&NewRelation {
        from: from_e.row,
        to: to_e.row,
        kind: kind.as_str(),
        share,
        start: start_s.as_deref(),
        end: end_s.as_deref(),
        source: text(&source),
        src_file: file_id,
        src_line: line,
    })?;
    keep_raw(w, Table::Relation, row, "kind", &Some(kind_cell), kind.as_str())?;
    keep_raw(w, Table::Relation, row, "start", &start_cell, start_s.as_deref().unwrap_or(""))?;
    keep_raw(w, Table::Relation, row, "end", &end_cell, end_s.as_deref().unwrap_or(""))?;
    extras(w, Table::Relation, row, plan, rec)?;
    Ok(Outcome::Stored)
}

/// Stores one row of lists.csv.
pub fn list_row(w: &BatchWriter<'_>, plan: &Plan, reg: &Registry, rec: &csv::StringRecord, file_id: i64, line: u64) -> Result<Outcome> {
    let s = &LISTS;
    let parsed = (|| -> RowResult<_> {
        let entity = required(s, plan, 0, rec)?;
        let e = reg.lookup(entity.column, &entity.value)?;
        let list = required(s, plan, 1, rec)?;
        let program = field(plan, 2, rec)?;
        let listed_cell = field(plan, 3, rec)?;
        let listed = date(&listed_cell)?;
        let source = field(plan, 4, rec)?;
        Ok((e, list, program, listed, listed_cell, source))
    })();
    let (e, list, program, listed, listed_cell, source) = match parsed {
        Ok(p) => p,
        Err(e) => return Ok(Outcome::Refused(e)),
    };
    let list_s = list.value.trim().to_lowercase();
    let listed_s = listed.map(|d| d.to_string());
    let row = w.listing(&NewListing {
        entity: e.row,
        list: &list_s,
        program: text(&program),
        listed_on: listed_s.as_deref(),
        source: text(&source),
        src_file: file_id,
        src_line: line,
    })?;
    keep_raw(w, Table::List, row, "list", &Some(list), &list_s)?;
    keep_raw(w, Table::List, row, "listed_on", &listed_cell, listed_s.as_deref().unwrap_or(""))?;
    extras(w, Table::List, row, plan, rec)?;
    Ok(Outcome::Stored)
}
