//! FollowTheMoney JSON lines out, for Aleph, yente and OpenSanctions tools:
//! Company/Person/Vessel, Ownership, Directorship, UnknownLink, Sanction,
//! Identification, and an EconomicActivity per shipment.
//!
//! Every field goes to a property of the FtM model (followthemoney 4.11),
//! in the form FtM's own cleaning keeps, so `ftm validate` changes nothing
//! (tests/export_ftm.rs checks it entity by entity). What the model has no
//! property for goes into a text property as one `key: value` line per fact
//! (`description` of a shipment, `notes` of a party); docs/export.md lists
//! each, and `divtrace ingest --format ftm` reads them back.

use serde_json::{json, Map, Value};

use super::ftm_values as v;
use crate::ingest::ftm::IDENTIFIER_PROPS;
use crate::model::RelationKind;
use crate::store::evidence::{EntityRecord, Evidence};

/// FtM ids are the bundle ids, so a case read back from the export shows
/// the same ids; prefixed by scope (entities) or kind (shipments) only where
/// the export mixes scopes or an id would be used twice, and made valid FtM
/// ids (`ftm_values::entity_id`) where the bundle id is not one.
struct Ids {
    multi_scope: bool,
    entity_ids: std::collections::BTreeSet<String>,
}

impl Ids {
    fn new(ev: &Evidence) -> Ids {
        let scopes: std::collections::BTreeSet<&String> = ev.entities.values().map(|e| &e.scope).collect();
        Ids { multi_scope: scopes.len() > 1, entity_ids: ev.entities.values().map(|e| e.id.clone()).collect() }
    }
    fn entity(&self, ev: &Evidence, row: i64) -> String {
        v::entity_id(&match ev.entities.get(&row) {
            Some(e) if self.multi_scope => format!("{}-{}", e.scope, e.id),
            Some(e) => e.id.clone(),
            None => format!("entity-{row}"),
        })
    }
    fn shipment(&self, id: &str) -> String {
        v::entity_id(&if self.multi_scope || self.entity_ids.contains(id) { format!("shipment-{id}") } else { id.to_string() })
    }
}

/// Appends a value (already in FtM's form) unless empty or already there: FtM keeps each value once.
fn put(m: &mut Map<String, Value>, k: &str, val: Option<String>) {
    if let Some(val) = val.filter(|s| !s.is_empty()) {
        let a = m.entry(k).or_insert_with(|| Value::Array(Vec::new())).as_array_mut().expect("array");
        if !a.iter().any(|x| x.as_str() == Some(&val)) {
            a.push(Value::String(val));
        }
    }
}

/// `key: value` as a text value (the form of the facts FtM has no property for).
fn fact(key: &str, val: &str) -> Option<String> {
    v::text(val).map(|t| format!("{key}: {t}"))
}

fn number(x: f64) -> String {
    // Rust prints f64 without an exponent and with the shortest exact digits: the value as stored.
    x.to_string()
}

/// The evidence as FtM JSON lines: parties and their identifications first,
/// then links, listings and declarations.
pub fn to_ftm(ev: &Evidence) -> String {
    let ids = Ids::new(ev);
    let fid = |row: i64| ids.entity(ev, row);
    let mut lines: Vec<Value> = Vec::new();
    let mut identifications: Vec<Value> = Vec::new();
    for e in ev.entities.values() {
        let (p, idents) = party(e, &fid(e.row), &ids);
        let schema = match e.kind.as_str() {
            "person" => "Person",
            "vessel" => "Vessel",
            _ => "Company",
        };
        lines.push(json!({"id": fid(e.row), "schema": schema, "properties": p}));
        identifications.extend(idents);
    }
    lines.extend(identifications);
    for (i, r) in ev.relations.iter().enumerate() {
        let (schema, a, b) = match r.kind {
            RelationKind::Ownership => ("Ownership", "owner", "asset"),
            RelationKind::Director => ("Directorship", "director", "organization"),
            // subsidiary, agent, shared_address, same_as, not_same: FtM has no schema
            // with their meaning, so a directed UnknownLink with the kind as its role.
            _ => ("UnknownLink", "subject", "object"),
        };
        let mut p = Map::new();
        put(&mut p, a, Some(fid(r.from)));
        put(&mut p, b, Some(fid(r.to)));
        if schema == "UnknownLink" {
            put(&mut p, "role", Some(r.kind.to_string()));
        }
        put(&mut p, "percentage", r.share.map(number));
        put(&mut p, "startDate", r.start.clone());
        put(&mut p, "endDate", r.end.clone());
        put(&mut p, "publisher", r.source.as_deref().and_then(v::text));
        put(&mut p, "recordId", v::text(&format!("{}:{}", r.source_file, r.source_line)));
        lines.push(json!({"id": format!("rel-{}-{i}", schema.to_lowercase()), "schema": schema, "properties": p}));
    }
    for e in ev.entities.values() {
        for (i, l) in e.lists.iter().enumerate() {
            let authority = match l.list.as_str() {
                "sdn" => "Office of Foreign Assets Control",
                "entity_list" => "Bureau of Industry and Security",
                "eu_sanctions" => "European Union",
                "uk_sanctions" => "Office of Financial Sanctions Implementation",
                other => other,
            };
            let mut p = Map::new();
            put(&mut p, "entity", Some(fid(e.row)));
            put(&mut p, "authority", v::text(authority));
            put(&mut p, "program", l.program.as_deref().and_then(v::text));
            put(&mut p, "startDate", l.listed_on.clone());
            put(&mut p, "publisher", l.source.as_deref().and_then(v::text));
            lines.push(json!({"id": v::entity_id(&format!("sanction-{}-{i}", fid(e.row))), "schema": "Sanction", "properties": p}));
        }
    }
    for s in ev.shipments.values() {
        let fsid = ids.shipment(&s.id);
        let mut p = Map::new();
        put(&mut p, "sender", Some(fid(s.shipper)));
        put(&mut p, "receiver", Some(fid(s.consignee)));
        put(&mut p, "date", Some(s.date.clone()));
        put(&mut p, "vedCode", v::text(&s.hs));
        put(&mut p, "goodsDescription", s.description.as_deref().and_then(v::text));
        put(&mut p, "originCountry", s.origin_country.as_ref().map(|c| c.to_lowercase()));
        put(&mut p, "departureCountry", s.from_country.as_ref().map(|c| c.to_lowercase()));
        put(&mut p, "destinationCountry", s.to_country.as_ref().map(|c| c.to_lowercase()));
        put(&mut p, "customsAmount", s.value_usd.map(number));
        put(&mut p, "ccdNumber", s.source.as_deref().and_then(v::text));
        put(&mut p, "recordId", v::text(&format!("{}:{}", s.source_file, s.source_line)));
        // EconomicActivity has no quantity, unit, weight or manufacturer: one line each in `description`.
        put(&mut p, "description", s.quantity.and_then(|q| fact("quantity", &number(q))));
        put(&mut p, "description", s.unit.as_deref().and_then(|u| fact("unit", u)));
        put(&mut p, "description", s.weight_kg.and_then(|w| fact("weight_kg", &number(w))));
        put(&mut p, "description", s.manufacturer.as_deref().and_then(|m| fact("manufacturer", m)));
        if fsid != s.id {
            put(&mut p, "description", fact("id", &s.id));
        }
        lines.push(json!({"id": fsid, "schema": "EconomicActivity", "properties": p}));
    }
    let mut out = String::new();
    for l in lines {
        out.push_str(&l.to_string());
        out.push('\n');
    }
    out
}

/// A party's properties, and `Identification` entities for the identifiers
/// no property of its schema keeps as they are.
fn party(e: &EntityRecord, id: &str, ids: &Ids) -> (Map<String, Value>, Vec<Value>) {
    let mut p = Map::new();
    let mut notes: Vec<Option<String>> = Vec::new();
    let name = v::name(&e.name);
    if name.as_deref() != Some(e.name.as_str()) {
        // FtM squashes whitespace and strips surrounding quotes in names: keep the name as written.
        notes.push(fact("name as written", &e.name));
    }
    put(&mut p, "name", name);
    for a in &e.aliases {
        let clean = v::name(a);
        if clean.as_deref() != Some(a.as_str()) {
            notes.push(fact("alias as written", a));
        }
        put(&mut p, "alias", clean);
    }
    put(&mut p, "country", e.country.as_ref().map(|c| c.to_lowercase()));
    if let Some(addr) = &e.address {
        let clean = v::address(addr);
        if clean.as_deref() != Some(addr.as_str()) {
            notes.push(fact("address as written", addr));
        }
        put(&mut p, "address", clean);
    }
    put(&mut p, "incorporationDate", e.incorporated.clone());
    let mut idents = Vec::new();
    for (i, (scheme, value)) in e.identifiers.iter().enumerate() {
        let prop = IDENTIFIER_PROPS.iter().find(|(_, s)| s == scheme).map(|(p, _)| *p);
        // Vessels and people lack some of the company identifier properties (FtM model).
        let allowed = match (prop, e.kind.as_str()) {
            (None, _) => false,
            (Some(p), "vessel") => matches!(p, "imoNumber" | "registrationNumber"),
            (Some(p), "person") => !matches!(p, "kppCode" | "imoNumber" | "bikCode" | "uscCode"),
            (Some(_), _) => true,
        };
        match prop.filter(|p| allowed && v::identifier_kept(p, value)) {
            Some(prop) => put(&mut p, prop, Some(value.clone())),
            None => {
                // A scheme FtM has no property for (vkn, trn, bin, ...) or a value its
                // checksum rejects: an Identification keeps scheme and value as written.
                let mut ip = Map::new();
                put(&mut ip, "holder", Some(id.to_string()));
                put(&mut ip, "number", v::text(value));
                put(&mut ip, "type", v::text(scheme));
                idents.push(json!({"id": v::entity_id(&format!("{id}-identification-{i}")), "schema": "Identification", "properties": ip}));
            }
        }
    }
    if e.roles.iter().any(|r| r == "military_end_user") {
        put(&mut p, "topics", Some("mil".into()));
    }
    for r in &e.roles {
        put(&mut p, "keywords", v::text(r));
    }
    put(&mut p, "publisher", e.source.as_deref().and_then(v::text));
    // Things have no record id, and sourceUrl must be a web URL: the source line goes in notes.
    notes.insert(0, fact("record", &format!("{}:{}", e.source_file, e.source_line)));
    let plain = if ids.multi_scope { format!("{}-{}", e.scope, e.id) } else { e.id.clone() };
    if v::entity_id(&plain) != plain {
        notes.push(fact("id", &e.id));
    }
    for n in notes {
        put(&mut p, "notes", n);
    }
    (p, idents)
}
