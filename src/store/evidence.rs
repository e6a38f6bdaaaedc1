//! Full records for the entities and shipments an export or report shows,
//! with everything needed to check them against the inputs.

use std::collections::BTreeMap;

use rusqlite::params_from_iter;
use serde::Serialize;

use super::Case;
use crate::error::Result;

#[derive(Clone, Debug, Serialize)]
pub struct Listing {
    pub list: String,
    pub program: Option<String>,
    pub listed_on: Option<String>,
    pub source: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EntityRecord {
    /// `entity.id` in the case file.
    #[serde(skip)]
    pub row: i64,
    /// The id as written in its bundle.
    pub id: String,
    pub scope: String,
    pub name: String,
    pub kind: String,
    pub country: Option<String>,
    pub address: Option<String>,
    pub incorporated: Option<String>,
    pub roles: Vec<String>,
    pub aliases: Vec<String>,
    /// (scheme, value)
    pub identifiers: Vec<(String, String)>,
    pub lists: Vec<Listing>,
    /// `entity.id` of the cluster's representative (itself when unresolved).
    #[serde(skip)]
    pub cluster: i64,
    /// The `source` column (where the record comes from, e.g. "company register").
    /// Not serialised, so report.json keeps its shape; the FtM export writes it.
    #[serde(skip)]
    pub source: Option<String>,
    pub source_file: String,
    pub source_line: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ShipmentRecord {
    #[serde(skip)]
    pub row: i64,
    pub id: String,
    pub date: String,
    #[serde(skip)]
    pub shipper: i64,
    #[serde(skip)]
    pub consignee: i64,
    pub hs: String,
    pub description: Option<String>,
    pub manufacturer: Option<String>,
    pub origin_country: Option<String>,
    pub from_country: Option<String>,
    pub to_country: Option<String>,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    pub value_usd: Option<f64>,
    pub weight_kg: Option<f64>,
    pub source: Option<String>,
    pub source_file: String,
    pub source_line: i64,
    pub source_sha256: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RelationRecord {
    #[serde(skip)]
    pub from: i64,
    #[serde(skip)]
    pub to: i64,
    pub kind: crate::model::RelationKind,
    pub share: Option<f64>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub source: Option<String>,
    pub source_file: String,
    pub source_line: i64,
}

/// The records behind one export, keyed by case-file row id.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    pub entities: BTreeMap<i64, EntityRecord>,
    pub shipments: BTreeMap<i64, ShipmentRecord>,
    /// Relations among the loaded entities, in row order.
    pub relations: Vec<RelationRecord>,
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(",")
}

impl Case {
    /// Loads the given shipments, their parties, the given extra entities
    /// (e.g. cluster members), and the relations among all of them.
    pub fn evidence(&self, shipment_rows: &[i64], entity_rows: &[i64]) -> Result<Evidence> {
        let mut ev = Evidence::default();
        let mut ents: Vec<i64> = entity_rows.to_vec();
        for chunk in shipment_rows.chunks(500) {
            let sql = format!(
                "SELECT s.id, s.input_id, s.date, s.shipper, s.consignee, s.hs, s.description, s.manufacturer, s.origin_country,
                        s.from_country, s.to_country, s.quantity, s.unit, s.value_usd, s.weight_kg, s.source, f.path, s.src_line, f.sha256
                 FROM shipment s JOIN batch_file f ON f.id = s.src_file WHERE s.id IN ({})",
                placeholders(chunk.len())
            );
            let mut st = self.conn.prepare(&sql)?;
            let rows = st.query_map(params_from_iter(chunk), |r| {
                Ok(ShipmentRecord {
                    row: r.get(0)?,
                    id: r.get(1)?,
                    date: r.get(2)?,
                    shipper: r.get(3)?,
                    consignee: r.get(4)?,
                    hs: r.get(5)?,
                    description: r.get(6)?,
                    manufacturer: r.get(7)?,
                    origin_country: r.get(8)?,
                    from_country: r.get(9)?,
                    to_country: r.get(10)?,
                    quantity: r.get(11)?,
                    unit: r.get(12)?,
                    value_usd: r.get(13)?,
                    weight_kg: r.get(14)?,
                    source: r.get(15)?,
                    source_file: r.get(16)?,
                    source_line: r.get(17)?,
                    source_sha256: r.get(18)?,
                })
            })?;
            for s in rows {
                let s = s?;
                ents.push(s.shipper);
                ents.push(s.consignee);
                ev.shipments.insert(s.row, s);
            }
        }
        ev.entities = self.entity_records(&ents)?;
        // Relations among the loaded entities (both ends loaded).
        let mut st = self.conn.prepare(
            "SELECT r.from_entity, r.to_entity, r.kind, r.share, r.start, r.\"end\", r.source, f.path, r.src_line
             FROM relation r JOIN batch_file f ON f.id = r.src_file ORDER BY r.id",
        )?;
        for r in st.query_map([], |r| {
            Ok(RelationRecord {
                from: r.get(0)?,
                to: r.get(1)?,
                kind: super::relation_kind(r, 2)?,
                share: r.get(3)?,
                start: r.get(4)?,
                end: r.get(5)?,
                source: r.get(6)?,
                source_file: r.get(7)?,
                source_line: r.get(8)?,
            })
        })? {
            let r = r?;
            if ev.entities.contains_key(&r.from) && ev.entities.contains_key(&r.to) {
                ev.relations.push(r);
            }
        }
        Ok(ev)
    }

    /// The entities with these row ids (any order, repeats allowed), with
    /// their aliases, identifiers and list entries; no relations (the
    /// entity panel needs none; [`Case::evidence`] adds them).
    pub fn entity_records(&self, entity_rows: &[i64]) -> Result<BTreeMap<i64, EntityRecord>> {
        let mut ents = entity_rows.to_vec();
        ents.sort_unstable();
        ents.dedup();
        let mut out = BTreeMap::new();
        for chunk in ents.chunks(500) {
            let ph = placeholders(chunk.len());
            let sql = format!(
                "SELECT e.id, e.input_id, b.scope, e.name, e.kind, e.country, e.address, e.incorporated, e.roles,
                        coalesce(c.cluster, e.id), f.path, e.src_line, e.source
                 FROM entity e JOIN batch b ON b.id = e.batch JOIN batch_file f ON f.id = e.src_file
                 LEFT JOIN entity_cluster c ON c.entity = e.id WHERE e.id IN ({ph})"
            );
            let mut st = self.conn.prepare(&sql)?;
            let rows = st.query_map(params_from_iter(chunk), |r| {
                let roles: String = r.get(8)?;
                Ok(EntityRecord {
                    row: r.get(0)?,
                    id: r.get(1)?,
                    scope: r.get(2)?,
                    name: r.get(3)?,
                    kind: r.get(4)?,
                    country: r.get(5)?,
                    address: r.get(6)?,
                    incorporated: r.get(7)?,
                    roles: roles.split(';').filter(|s| !s.is_empty()).map(String::from).collect(),
                    aliases: Vec::new(),
                    identifiers: Vec::new(),
                    lists: Vec::new(),
                    cluster: r.get(9)?,
                    source: r.get(12)?,
                    source_file: r.get(10)?,
                    source_line: r.get(11)?,
                })
            })?;
            for e in rows {
                let e = e?;
                out.insert(e.row, e);
            }
            let mut st = self.conn.prepare(&format!("SELECT entity, alias FROM entity_alias WHERE entity IN ({ph}) ORDER BY rowid"))?;
            for r in st.query_map(params_from_iter(chunk), |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
                let (e, a) = r?;
                if let Some(x) = out.get_mut(&e) {
                    x.aliases.push(a);
                }
            }
            let mut st =
                self.conn.prepare(&format!("SELECT entity, scheme, value FROM entity_identifier WHERE entity IN ({ph}) ORDER BY rowid"))?;
            for r in st.query_map(params_from_iter(chunk), |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))? {
                let (e, s, v) = r?;
                if let Some(x) = out.get_mut(&e) {
                    x.identifiers.push((s, v));
                }
            }
            let mut st = self.conn.prepare(&format!(
                "SELECT entity, list, program, listed_on, source FROM list_membership WHERE entity IN ({ph}) ORDER BY list, id"
            ))?;
            for r in st.query_map(params_from_iter(chunk), |r| {
                Ok((r.get::<_, i64>(0)?, Listing { list: r.get(1)?, program: r.get(2)?, listed_on: r.get(3)?, source: r.get(4)? }))
            })? {
                let (e, l) = r?;
                if let Some(x) = out.get_mut(&e) {
                    x.lists.push(l);
                }
            }
        }
        Ok(out)
    }
}

/// An input file of the case, for diagram titles and report manifests.
#[derive(Clone, Debug, Serialize)]
pub struct InputFile {
    pub scope: String,
    pub role: String,
    pub path: String,
    pub sha256: String,
}

impl Case {
    /// Every input file of every batch, in import order.
    pub fn input_files(&self) -> Result<Vec<InputFile>> {
        let mut st = self
            .conn
            .prepare("SELECT b.scope, f.role, f.path, f.sha256 FROM batch_file f JOIN batch b ON b.id = f.batch ORDER BY f.batch, f.id")?;
        let rows = st.query_map([], |r| Ok(InputFile { scope: r.get(0)?, role: r.get(1)?, path: r.get(2)?, sha256: r.get(3)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
