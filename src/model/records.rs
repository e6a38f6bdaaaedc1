//! The records of a case as the algorithms and reports read them: plain
//! structs filled by `store` (the only module that knows SQL) and handed
//! to `routes`, `assess` and `app` through the traits
//! `routes::report::Lookup` and `assess::report::Records`.

/// An entity's identity and descriptive attributes, for selectors and reports.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityInfo {
    /// `entity.id`.
    pub id: i64,
    /// The id as written in the bundle.
    pub input_id: String,
    /// The batch's scope (namespace of `input_id`).
    pub scope: String,
    pub name: String,
    pub country: Option<String>,
    pub incorporated: Option<String>,
    /// Bundle file path and 1-based line of the entity's row.
    pub src_path: String,
    pub src_line: i64,
}

/// A shipment's declared attributes, for reports.
#[derive(Clone, Debug, PartialEq)]
pub struct ShipmentInfo {
    pub id: i64,
    pub input_id: String,
    pub scope: String,
    pub date: String,
    pub hs: String,
    pub description: Option<String>,
    pub manufacturer: Option<String>,
    pub origin_country: Option<String>,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    pub value_usd: Option<f64>,
    /// The amount as declared and its currency (ISO 4217); `None` when the
    /// file gave only `value_usd`.
    pub value: Option<f64>,
    pub currency: Option<String>,
    /// The rate that converted `value` into `value_usd`, and its source.
    pub usd_rate: Option<f64>,
    pub usd_rate_source: Option<String>,
    /// The `source` column (declaration / document reference).
    pub source: Option<String>,
    /// The import batch (`batch.id`) the record came from.
    pub batch: i64,
    pub src_path: String,
    pub src_line: i64,
}

/// One entity as an assessment reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityLabel {
    /// `entity.id`.
    pub id: i64,
    pub input_id: String,
    pub scope: String,
    pub name: String,
    pub kind: String,
    pub country: Option<String>,
    pub address: Option<String>,
    pub aliases: Vec<String>,
}

/// One `list_membership` row.
#[derive(Clone, Debug, PartialEq)]
pub struct ListingRow {
    pub id: i64,
    pub entity: i64,
    pub list: String,
    pub program: Option<String>,
    pub listed_on: Option<String>,
    /// The row's `source` (a Federal Register notice, a list entry's text).
    pub source: Option<String>,
    /// `scope:file-name:line` of the row in its bundle.
    pub reference: String,
}

/// One `relation` row.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationRow {
    pub id: i64,
    pub from: i64,
    pub to: i64,
    pub kind: super::RelationKind,
    pub share: Option<f64>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// `scope:file-name:line` of the row in its bundle.
    pub reference: String,
}
