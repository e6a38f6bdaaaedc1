//! FollowTheMoney JSON lines out, for Aleph and OpenSanctions tools:
//! Company/Person/Vessel, Ownership, Directorship, Sanction, and an
//! EconomicActivity per shipment. `divtrace ingest` reads it back to the
//! same entities, shipments and routes (the manufacturer as written travels
//! in `notes` as `manufacturer: ...`, FtM having no field for it).

use serde_json::{json, Map, Value};

use crate::ingest::ftm::IDENTIFIER_PROPS;
use crate::store::evidence::Evidence;

/// FtM ids are the bundle ids, so a case read back from the export shows
/// the same ids; prefixed by scope (entities) or kind (shipments) only where
/// the export mixes scopes or an id would be used twice.
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
        match ev.entities.get(&row) {
            Some(e) if self.multi_scope => format!("{}-{}", e.scope, e.id),
            Some(e) => e.id.clone(),
            None => format!("entity-{row}"),
        }
    }
    fn shipment(&self, id: &str) -> String {
        if self.multi_scope || self.entity_ids.contains(id) {
            format!("shipment-{id}")
        } else {
            id.to_string()
        }
    }
}

fn put(m: &mut Map<String, Value>, k: &str, v: Option<String>) {
    if let Some(v) = v.filter(|v| !v.is_empty()) {
        m.entry(k).or_insert_with(|| Value::Array(Vec::new())).as_array_mut().expect("array").push(Value::String(v));
    }
}

/// The evidence as FtM JSON lines: entities first, then links, listings and declarations.
pub fn to_ftm(ev: &Evidence) -> String {
    let ids = Ids::new(ev);
    let ftm_id = |ev: &Evidence, row: i64| ids.entity(ev, row);
    let mut lines = Vec::new();
    for e in ev.entities.values() {
        let schema = match e.kind.as_str() {
            "person" => "Person",
            "vessel" => "Vessel",
            _ => "Company",
        };
        let mut p = Map::new();
        put(&mut p, "name", Some(e.name.clone()));
        for a in &e.aliases {
            put(&mut p, "alias", Some(a.clone()));
        }
        put(&mut p, "country", e.country.as_ref().map(|c| c.to_lowercase()));
        put(&mut p, "address", e.address.clone());
        put(&mut p, "incorporationDate", e.incorporated.clone());
        for (scheme, value) in &e.identifiers {
            let prop = IDENTIFIER_PROPS.iter().find(|(_, s)| s == scheme).map(|(p, _)| *p).unwrap_or("registrationNumber");
            put(&mut p, prop, Some(value.clone()));
        }
        if e.roles.iter().any(|r| r == "military_end_user") {
            put(&mut p, "topics", Some("mil".into()));
        }
        put(&mut p, "sourceUrl", Some(format!("{}:{}", e.source_file, e.source_line)));
        lines.push(json!({"id": ftm_id(ev, e.row), "schema": schema, "properties": p}));
    }
    for (i, r) in ev.relations.iter().enumerate() {
        let (schema, a, b) = match r.kind.as_str() {
            "ownership" => ("Ownership", "owner", "asset"),
            "director" => ("Directorship", "director", "organization"),
            _ => continue,
        };
        let mut p = Map::new();
        put(&mut p, a, Some(ftm_id(ev, r.from)));
        put(&mut p, b, Some(ftm_id(ev, r.to)));
        put(&mut p, "percentage", r.share.map(|s| s.to_string()));
        put(&mut p, "startDate", r.start.clone());
        put(&mut p, "endDate", r.end.clone());
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
            put(&mut p, "entity", Some(ftm_id(ev, e.row)));
            put(&mut p, "authority", Some(authority.to_string()));
            put(&mut p, "program", l.program.clone());
            put(&mut p, "startDate", l.listed_on.clone());
            lines.push(json!({"id": format!("sanction-{}-{i}", ftm_id(ev, e.row)), "schema": "Sanction", "properties": p}));
        }
    }
    for s in ev.shipments.values() {
        let mut p = Map::new();
        put(&mut p, "sender", Some(ftm_id(ev, s.shipper)));
        put(&mut p, "receiver", Some(ftm_id(ev, s.consignee)));
        put(&mut p, "date", Some(s.date.clone()));
        put(&mut p, "vedCode", Some(s.hs.clone()));
        put(&mut p, "goodsDescription", s.description.clone());
        put(&mut p, "originCountry", s.origin_country.as_ref().map(|c| c.to_lowercase()));
        put(&mut p, "departureCountry", s.from_country.as_ref().map(|c| c.to_lowercase()));
        put(&mut p, "destinationCountry", s.to_country.as_ref().map(|c| c.to_lowercase()));
        put(&mut p, "customsAmount", s.value_usd.map(|v| v.to_string()));
        put(&mut p, "quantity", s.quantity.map(|v| v.to_string()));
        put(&mut p, "unit", s.unit.clone());
        put(&mut p, "weight", s.weight_kg.map(|v| v.to_string()));
        put(&mut p, "ccdNumber", s.source.clone());
        put(&mut p, "notes", s.manufacturer.as_ref().map(|m| format!("manufacturer: {m}")));
        put(&mut p, "sourceUrl", Some(format!("{}:{}", s.source_file, s.source_line)));
        lines.push(json!({"id": ids.shipment(&s.id), "schema": "EconomicActivity", "properties": p}));
    }
    let mut out = String::new();
    for l in lines {
        out.push_str(&l.to_string());
        out.push('\n');
    }
    out
}
