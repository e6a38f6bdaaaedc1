//! Row by row: read the fields of one input row through its plan, check and
//! normalise them into an owned record. No I/O here: the caller stores it.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use xxhash_rust::xxh3::xxh3_128;

use super::plan::{Cell, Plan, TableSpec, ENTITIES, LISTS, RELATIONS, SHIPMENTS};
use crate::model::{normalize_hs, Country, Day, EntityKind, RelationKind, Role, Roles};
use crate::refdata::fx::{currency_code, Rate, Rates};

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

pub use crate::model::FastMap;

/// Entity ids seen in this batch: stored, and refused (with the line that was refused).
///
/// Known ids are keyed by their 128-bit xxh3 hash: a lookup is then one
/// probe with no string comparison (two shipments' worth of lookups per row
/// made string keys a tenth of a bulk load); a collision between two of a
/// batch's ids has a probability of about 1 in 10^28.
pub struct Registry {
    known: HashMap<u128, EntityRef, BuildHasherDefault<IdentityU128>>,
    refused: FastMap<String, (String, u64)>,
    next_row: i64,
}

impl Registry {
    /// A registry that hands out entity row ids after `max_row` (the case's largest).
    pub fn new(max_row: i64) -> Registry {
        Registry { known: HashMap::default(), refused: FastMap::default(), next_row: max_row + 1 }
    }

    pub fn get(&self, id: &str) -> Option<EntityRef> {
        self.known.get(&xxh3_128(id.as_bytes())).copied()
    }

    pub fn insert(&mut self, id: &str, e: EntityRef) {
        self.known.insert(xxh3_128(id.as_bytes()), e);
    }

    pub(super) fn next_row(&mut self) -> i64 {
        self.next_row += 1;
        self.next_row - 1
    }

    pub fn refuse(&mut self, id: &str, file: &str, line: u64) {
        self.refused.entry(id.to_string()).or_insert((file.to_string(), line));
    }

    fn lookup(&self, column: &str, id: &str) -> RowResult<EntityRef> {
        if let Some(e) = self.get(id) {
            return Ok(e);
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
        Some(c) => {
            Day::parse_iso(&c.value).map(Some).ok_or_else(|| bad(c.column, format!("expected a date YYYY-MM-DD, found {:?}", c.value)))
        }
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

/// A validated record, owned, ready for the store: validation runs on its
/// own thread and hands these over, so the writer does nothing but insert.
pub struct Rec<T> {
    pub data: T,
    pub line: u64,
    /// (field, cell as written) where the stored value differs from the cell.
    pub raws: Vec<(&'static str, String)>,
    /// (index into the plan's extras, value) of non-empty cells outside the contract.
    pub extras: Vec<(usize, String)>,
}

pub struct EntityData {
    /// The entity's row id, assigned here so that validation never waits on the store.
    pub row: i64,
    pub input_id: String,
    pub name: String,
    pub kind: EntityKind,
    pub country: Option<Country>,
    pub address: Option<String>,
    pub incorporated: Option<Day>,
    pub roles: Roles,
    pub source: Option<String>,
    pub aliases: Vec<String>,
    pub identifiers: Vec<(String, String)>,
}

pub struct ShipmentData {
    pub input_id: String,
    pub date: Day,
    pub shipper: i64,
    pub consignee: i64,
    pub hs: String,
    pub description: Option<String>,
    pub manufacturer: Option<String>,
    pub origin_country: Option<Country>,
    pub from_country: Option<Country>,
    pub to_country: Option<Country>,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    pub value_usd: Option<f64>,
    pub weight_kg: Option<f64>,
    pub source: Option<String>,
    /// The value as declared, when the row states a currency (boxed: most
    /// bundles give only `value_usd`, and every record in flight pays for
    /// the widest variant).
    pub declared: Option<Box<Declared>>,
}

/// A row's amount as declared, its currency, and the rate that converted it.
pub struct Declared {
    /// The amount in `currency` (ISO 4217).
    pub value: Option<f64>,
    pub currency: String,
    /// USD per unit of `currency` that gave `value_usd`, and the rate's source.
    pub usd_rate: Option<f64>,
    pub usd_rate_source: Option<String>,
}

pub struct RelationData {
    pub from: i64,
    pub to: i64,
    pub kind: RelationKind,
    pub share: Option<f64>,
    pub start: Option<Day>,
    pub end: Option<Day>,
    pub source: Option<String>,
}

pub struct ListData {
    pub entity: i64,
    pub list: String,
    pub program: Option<String>,
    pub listed_on: Option<Day>,
    pub source: Option<String>,
}

/// One validated record of any file.
pub enum Record {
    Entity(Rec<EntityData>),
    Shipment(Rec<ShipmentData>),
    Relation(Rec<RelationData>),
    Listing(Rec<ListData>),
}

pub(super) fn rec<T>(data: T, line: u64) -> Rec<T> {
    Rec { data, line, raws: Vec::new(), extras: Vec::new() }
}

impl<T> Rec<T> {
    /// Keeps the cell as written when the stored form differs from it.
    fn raw(&mut self, field: &'static str, cell: &Option<Cell<'_>>, stored: &str) {
        if let Some(c) = cell {
            if c.raw != stored {
                self.raws.push((field, c.raw.to_string()));
            }
        }
    }

    fn extras_from(mut self, plan: &Plan, row: &csv::StringRecord) -> Self {
        for (i, (idx, _)) in plan.extras.iter().enumerate() {
            let v = row.get(*idx).unwrap_or("").trim();
            if !v.is_empty() {
                self.extras.push((i, v.to_string()));
            }
        }
        self
    }
}

fn owned(cell: &Option<Cell<'_>>) -> Option<String> {
    cell.as_ref().map(|c| c.value.to_string())
}

/// Parses `scheme:value;scheme:value`.
fn identifiers<'c>(cell: &'c Option<Cell<'_>>) -> RowResult<Vec<(String, &'c str)>> {
    let mut out = Vec::new();
    if let Some(c) = cell {
        for part in c.value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once(':') {
                Some((s, v)) if !s.trim().is_empty() && !v.trim().is_empty() => out.push((s.trim().to_lowercase(), v.trim())),
                _ => return Err(bad(c.column, format!("expected identifiers as scheme:value (e.g. inn:7701234567), found {part:?}"))),
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

/// Checks one row of entities.csv and assigns its row id.
pub fn entity(plan: &Plan, reg: &mut Registry, row: &csv::StringRecord, line: u64) -> RowResult<Rec<EntityData>> {
    let s = &ENTITIES;
    let id = required(s, plan, 0, row)?;
    let name = required(s, plan, 1, row)?;
    let kind_cell = field(plan, 2, row)?;
    let kind = match &kind_cell {
        None => EntityKind::Company,
        Some(c) => {
            EntityKind::parse(&c.value).ok_or_else(|| bad(c.column, format!("expected company, person or vessel, found {:?}", c.value)))?
        }
    };
    let country_cell = field(plan, 3, row)?;
    let ctry = country(&country_cell)?;
    let aliases = field(plan, 4, row)?;
    let ids_cell = field(plan, 5, row)?;
    let idents = identifiers(&ids_cell)?;
    let address = field(plan, 6, row)?;
    let inc_cell = field(plan, 7, row)?;
    let inc = date(&inc_cell)?;
    let roles_cell = field(plan, 8, row)?;
    let rl = roles(&roles_cell)?;
    let source = field(plan, 9, row)?;
    if let Some(first) = reg.get(&id.value) {
        return Err(bad(
            id.column,
            format!("duplicate id {:?}: already used at line {}; ids must be unique within entities.csv", id.value, first.line),
        ));
    }
    let row_id = reg.next_row();
    let mut r = rec(
        EntityData {
            row: row_id,
            input_id: id.value.to_string(),
            name: name.value.to_string(),
            kind,
            country: ctry,
            address: owned(&address),
            incorporated: inc,
            roles: rl,
            source: owned(&source),
            aliases: aliases
                .as_ref()
                .map(|a| a.value.split(';').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect())
                .unwrap_or_default(),
            identifiers: idents.into_iter().map(|(s, v)| (s, v.to_string())).collect(),
        },
        line,
    );
    r.raw("country", &country_cell, ctry.as_ref().map(Country::as_str).unwrap_or(""));
    r.raw("incorporated", &inc_cell, &inc.map(|d| d.to_string()).unwrap_or_default());
    r.raw("roles", &roles_cell, &rl.to_list());
    r.raw("kind", &kind_cell, kind.as_str());
    reg.insert(&id.value, EntityRef { row: row_id, country: ctry, line });
    Ok(r.extras_from(plan, row))
}

/// The keys are already uniform (xxh3) hashes; hashing them again, even
/// with [`FastMap`]'s foldhash, is wasted work: this hasher passes them through.
#[derive(Default)]
pub struct IdentityU128(u64);

impl std::hash::Hasher for IdentityU128 {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(b);
        }
    }
    fn write_u128(&mut self, v: u128) {
        self.0 = v as u64 ^ (v >> 64) as u64;
    }
}

/// An inline party seen for the first time: its registry key and record.
type NewParty = (String, Rec<EntityData>);

/// Finds the party of a shipment: by id, or (mapped customs dumps) inline
/// by name, in which case a new entity record may be returned to store first.
fn party(
    plan: &Plan,
    reg: &mut Registry,
    row: &csv::StringRecord,
    id_field: usize,
    name_field: usize,
    line: u64,
) -> RowResult<(EntityRef, Option<NewParty>)> {
    let s = &SHIPMENTS;
    let id = field(plan, id_field, row)?;
    if !plan.inline_party(name_field) {
        let id = id.ok_or_else(|| bad(plan.column_name(s, id_field), "required value is empty"))?;
        return Ok((reg.lookup(id.column, &id.value)?, None));
    }
    // Inline party: name, country, address and identifiers sit in the shipment row.
    let name =
        field(plan, name_field, row)?.ok_or_else(|| bad(plan.column_name(s, name_field), "required value is empty (the party's name)"))?;
    let ctry = country(&field(plan, name_field + 1, row)?)?;
    let addr = field(plan, name_field + 2, row)?;
    let ids = field(plan, name_field + 3, row)?;
    let idents = identifiers(&ids)?;
    // The party's id: the mapped id column, else its first identifier, else its name as written (folded).
    let key = match (&id, idents.first()) {
        (Some(c), _) => c.value.to_string(),
        (None, Some((scheme, value))) => format!("{scheme}:{value}"),
        (None, None) => name.value.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase(),
    };
    if let Some(e) = reg.get(&key) {
        return Ok((e, None));
    }
    // Registered by the caller once the whole row is valid.
    let row_id = reg.next_row();
    let e = EntityRef { row: row_id, country: ctry, line };
    let new = rec(
        EntityData {
            row: row_id,
            input_id: key.clone(),
            name: name.value.to_string(),
            kind: EntityKind::Company,
            country: ctry,
            address: owned(&addr),
            incorporated: None,
            roles: Roles::default(),
            source: Some("inline party of a shipment".into()),
            aliases: Vec::new(),
            identifiers: idents.into_iter().map(|(s, v)| (s, v.to_string())).collect(),
        },
        line,
    );
    Ok((e, Some((key, new))))
}

/// Checks one row of shipments.csv. Returns the shipment and any inline parties to store before it.
pub fn shipment(
    plan: &Plan,
    reg: &mut Registry,
    rates: &Rates,
    row: &csv::StringRecord,
    line: u64,
) -> RowResult<(Rec<ShipmentData>, Vec<Rec<EntityData>>)> {
    let s = &SHIPMENTS;
    let id = required(s, plan, 0, row)?;
    let date_cell = field(plan, 1, row)?;
    let day = date(&date_cell)?.ok_or_else(|| bad(plan.column_name(s, 1), "required value is empty"))?;
    let hs_cell = required(s, plan, 4, row)?;
    let hs = normalize_hs(&hs_cell.value).ok_or_else(|| {
        bad(
            hs_cell.column,
            format!("expected an HS code of 4 to 10 digits (dots and spaces allowed, e.g. 8542.31), found {:?}", hs_cell.value),
        )
    })?;
    let description = field(plan, 5, row)?;
    let manufacturer = field(plan, 6, row)?;
    let origin_cell = field(plan, 7, row)?;
    let origin = country(&origin_cell)?;
    let from_cell = field(plan, 8, row)?;
    let from = country(&from_cell)?;
    let to_cell = field(plan, 9, row)?;
    let to = country(&to_cell)?;
    let qty_cell = field(plan, 10, row)?;
    let quantity = number(&qty_cell)?;
    let unit = field(plan, 11, row)?;
    let value_cell = field(plan, 12, row)?;
    let value = number(&value_cell)?;
    let weight_cell = field(plan, 13, row)?;
    let weight = number(&weight_cell)?;
    let source = field(plan, 14, row)?;
    let declared_cell = field(plan, 23, row)?;
    let declared = number(&declared_cell)?;
    let currency_cell = field(plan, 24, row)?;
    let money = money(value, declared, &declared_cell, &currency_cell, day, rates)?;
    // Duplicate shipment ids are caught by the store's unique index (no id set in memory).
    // Parties last: an inline party is created only for a row that is otherwise valid.
    let (shipper, new_shipper) = party(plan, reg, row, 2, 15, line)?;
    let (mut consignee, mut new_consignee) = party(plan, reg, row, 3, 19, line)?;
    if let (Some((ks, _)), Some((kc, _))) = (&new_shipper, &new_consignee) {
        if ks == kc {
            // A party shipping to itself: one entity, not two.
            consignee = shipper;
            new_consignee = None;
        }
    }
    let mut new_parties = Vec::new();
    for (key, r) in new_shipper.into_iter().chain(new_consignee) {
        reg.insert(&key, EntityRef { row: r.data.row, country: r.data.country, line });
        new_parties.push(r);
    }
    // The contract's defaults: dispatch from the shipper's country, to the consignee's.
    let from = from.or(shipper.country);
    let to = to.or(consignee.country);
    let mut r = rec(
        ShipmentData {
            input_id: id.value.to_string(),
            date: day,
            shipper: shipper.row,
            consignee: consignee.row,
            hs: hs.clone(),
            description: owned(&description),
            manufacturer: owned(&manufacturer),
            origin_country: origin,
            from_country: from,
            to_country: to,
            quantity,
            unit: owned(&unit),
            value_usd: money.value_usd,
            weight_kg: weight,
            source: owned(&source),
            declared: money.currency.map(|currency| {
                Box::new(Declared {
                    value: declared,
                    currency,
                    usd_rate: money.rate.as_ref().map(|r| r.usd_per_unit),
                    usd_rate_source: money.rate.map(|r| r.source),
                })
            }),
        },
        line,
    );
    r.raw("date", &date_cell, day.iso().as_str());
    r.raw("hs_code", &Some(hs_cell), &hs);
    let stored_currency = r.data.declared.as_ref().map(|d| d.currency.clone()).unwrap_or_default();
    r.raw("currency", &currency_cell, &stored_currency);
    for (name, cell, v) in [("origin_country", &origin_cell, origin), ("from_country", &from_cell, from), ("to_country", &to_cell, to)] {
        r.raw(name, cell, v.as_ref().map(Country::as_str).unwrap_or(""));
    }
    for (name, cell) in [
        ("quantity", &qty_cell),
        ("value_usd", &value_cell),
        ("value", &declared_cell),
        ("weight_kg", &weight_cell),
        ("description", &description),
        ("manufacturer", &manufacturer),
        ("source", &source),
        ("id", &Some(id)),
    ] {
        if let Some(c) = cell {
            if c.raw != c.value {
                r.raws.push((name, c.raw.to_string()));
            }
        }
    }
    Ok((r.extras_from(plan, row), new_parties))
}

/// A row's value fields after the currency rules (docs/ingest.md, *Values and currencies*).
struct Money {
    value_usd: Option<f64>,
    currency: Option<String>,
    rate: Option<Rate>,
}

/// `value_usd` is US dollars by the contract. A declared `value` needs its
/// `currency`; in USD it is the USD value, in any other currency it is
/// converted only with a rate from `rates`, else `value_usd` stays empty
/// (and reports say the value is unconverted). A `value_usd` the file gives
/// itself beside a foreign amount (a Turkish FOB USD column) is kept.
fn money(
    value_usd: Option<f64>,
    value: Option<f64>,
    value_cell: &Option<Cell<'_>>,
    currency_cell: &Option<Cell<'_>>,
    day: Day,
    rates: &Rates,
) -> RowResult<Money> {
    let currency = match currency_cell {
        None => None,
        Some(c) => Some(currency_code(&c.value).ok_or_else(|| {
            bad(c.column, format!("expected an ISO 4217 currency code such as USD, EUR, TRY, CNY, RUB, found {:?}", c.value))
        })?),
    };
    let (Some(amount), Some(code)) = (value, &currency) else {
        if let (Some(_), Some(c)) = (value, value_cell) {
            return Err(bad(
                c.column,
                "a declared value needs its currency (a `currency` column, ISO 4217 such as EUR); US dollars without one go in value_usd",
            ));
        }
        return Ok(Money { value_usd, currency, rate: None });
    };
    if code == "USD" || value_usd.is_some() {
        return Ok(Money { value_usd: value_usd.or(Some(amount)), currency, rate: None });
    }
    let rate = rates.rate(code, day);
    // Rounded to the cent: a converted figure claims no more precision than that.
    let usd = rate.as_ref().map(|r| (amount * r.usd_per_unit * 100.0).round() / 100.0);
    Ok(Money { value_usd: usd, currency, rate })
}

/// Checks one row of relations.csv.
pub fn relation(plan: &Plan, reg: &Registry, row: &csv::StringRecord, line: u64) -> RowResult<Rec<RelationData>> {
    let s = &RELATIONS;
    let from = required(s, plan, 0, row)?;
    let to = required(s, plan, 1, row)?;
    let from_e = reg.lookup(from.column, &from.value)?;
    let to_e = reg.lookup(to.column, &to.value)?;
    let kind_cell = required(s, plan, 2, row)?;
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
    let share_cell = field(plan, 3, row)?;
    let share = number(&share_cell)?;
    if let (Some(x), Some(c)) = (share, &share_cell) {
        if x > 100.0 {
            return Err(bad(c.column, format!("expected a percentage from 0 to 100, found {x}")));
        }
    }
    let start_cell = field(plan, 4, row)?;
    let start = date(&start_cell)?;
    let end_cell = field(plan, 5, row)?;
    let end = date(&end_cell)?;
    if let (Some(a), Some(b), Some(c)) = (start, end, &end_cell) {
        if b < a {
            return Err(bad(c.column, format!("end {b} is before start {a}")));
        }
    }
    let source = field(plan, 6, row)?;
    let mut r = rec(RelationData { from: from_e.row, to: to_e.row, kind, share, start, end, source: owned(&source) }, line);
    r.raw("kind", &Some(kind_cell), kind.as_str());
    r.raw("start", &start_cell, &start.map(|d| d.to_string()).unwrap_or_default());
    r.raw("end", &end_cell, &end.map(|d| d.to_string()).unwrap_or_default());
    Ok(r.extras_from(plan, row))
}

/// Checks one row of lists.csv.
pub fn listing(plan: &Plan, reg: &Registry, row: &csv::StringRecord, line: u64) -> RowResult<Rec<ListData>> {
    let s = &LISTS;
    let entity = required(s, plan, 0, row)?;
    let e = reg.lookup(entity.column, &entity.value)?;
    let list = required(s, plan, 1, row)?;
    let program = field(plan, 2, row)?;
    let listed_cell = field(plan, 3, row)?;
    let listed = date(&listed_cell)?;
    let source = field(plan, 4, row)?;
    let list_s = list.value.trim().to_lowercase();
    let mut r =
        rec(ListData { entity: e.row, list: list_s.clone(), program: owned(&program), listed_on: listed, source: owned(&source) }, line);
    r.raw("list", &Some(list), &list_s);
    r.raw("listed_on", &listed_cell, &listed.map(|d| d.to_string()).unwrap_or_default());
    Ok(r.extras_from(plan, row))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refdata::fx::FxTable;

    fn cell(v: &'static str, column: &'static str) -> Option<Cell<'static>> {
        Some(Cell { value: v.into(), raw: v.into(), column })
    }

    #[test]
    fn currency_rules() {
        let day = Day::parse_iso("2022-09-05").unwrap();
        let none = Rates::default();
        let m = |usd, value, cur: Option<&'static str>, rates: &Rates| {
            money(usd, value, &value.and_then(|_| cell("x", "value")), &cur.and_then(|c| cell(c, "currency")), day, rates)
        };
        // value_usd alone: as before.
        let r = m(Some(10.0), None, None, &none).ok().unwrap();
        assert_eq!((r.value_usd, r.currency, r.rate), (Some(10.0), None, None));
        // A USD amount is the USD value.
        assert_eq!(m(None, Some(5.0), Some("usd"), &none).ok().unwrap().value_usd, Some(5.0));
        // A foreign amount with its own USD column keeps that column.
        assert_eq!(m(Some(7.0), Some(5.0), Some("EUR"), &none).ok().unwrap().value_usd, Some(7.0));
        // Converted with a rate, to the cent; unconverted without one.
        let t = FxTable::parse(std::path::Path::new("r.csv"), "date_or_month,currency,usd_per_unit\n2022-09,AED,0.27229\n").unwrap();
        let user = Rates { user: Some(t) };
        let r = m(None, Some(50_000.0), Some("AED"), &user).ok().unwrap();
        assert_eq!(r.value_usd, Some(13_614.5));
        assert_eq!(r.rate.unwrap().source, "r.csv line 2 (2022-09)");
        let r = m(None, Some(50_000.0), Some("AED"), &none).ok().unwrap();
        assert_eq!((r.value_usd, r.currency.as_deref()), (None, Some("AED")));
        // A value with no currency, an unknown code: refused, naming the column.
        assert_eq!(m(None, Some(5.0), None, &none).err().unwrap().column.as_deref(), Some("value"));
        assert_eq!(m(None, Some(5.0), Some("EURO"), &none).err().unwrap().column.as_deref(), Some("currency"));
    }
}
