//! The resolved case as Parquet, for engines that do not fit one machine
//! (the Spark job in `engines/spark/`). docs/export.md, *Parquet*, is the
//! schema; its version is [`SCHEMA_VERSION`] and changes with any column.
//!
//! Written with the `parquet` crate's low-level column writers: the
//! `arrow` stack would only add a copy into record batches (and doubles
//! the build). Every byte is a function of the rows: no timestamps, a
//! fixed `created_by`, one row group per part file.

use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DataType, FloatType, Int32Type, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedFileWriter, SerializedRowGroupWriter};
use parquet::schema::parser::parse_message_type;

use crate::error::{Error, Result};

/// The name written in `_divtrace.json` and in each file's metadata.
pub const FORMAT: &str = "divtrace-case-parquet";
/// Bumped whenever a column is added, removed, renamed or changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// One shipment of the graph (a hop the route search can take).
#[derive(Clone, Debug, PartialEq)]
pub struct ShipmentRecord {
    /// `shipment.id` in the case file.
    pub row_id: i64,
    /// The bundle id as route output writes it (`SCOPE:ID` when the case has several batches).
    pub shipment: String,
    pub batch: String,
    /// The resolved shipper and consignee: their node's representative `entity.id`.
    pub shipper: i64,
    pub consignee: i64,
    /// Days since 1970-01-01.
    pub day: i32,
    /// The HS code's digits as declared (2 to 10).
    pub hs: String,
    /// The search's HS keys: digits packed base 11 with a blank for a missing digit,
    /// so `8542` at level 6 equals `8542` and not `854231`.
    pub hs_key4: i32,
    pub hs_key6: i32,
    pub origin: Option<String>,
    pub manufacturer: Option<String>,
    /// Single precision, as the search compares `--min-value`.
    pub value_usd: Option<f32>,
    pub quantity: Option<f32>,
    pub chpl_tier: Option<i32>,
    /// On the bundled goods lists (what `--controlled` keeps without `--goods`).
    pub controlled: bool,
    /// On the later record of a mirror pair (default rules): the earlier record's `row_id`.
    pub mirror_of: Option<i64>,
}

/// One resolved entity (a node of the graph).
#[derive(Clone, Debug, PartialEq)]
pub struct EntityRecord {
    /// The representative's `entity.id` (what shipments' `shipper`/`consignee` hold).
    pub entity: i64,
    /// The representative's bundle id as route output writes it.
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    /// Every member: `entity.id`, bundle id, batch scope and country ("" when unknown), in id order.
    pub member_rows: Vec<i64>,
    pub member_ids: Vec<String>,
    pub member_scopes: Vec<String>,
    pub member_countries: Vec<String>,
    pub roles: Vec<String>,
    pub lists: Vec<String>,
}

const SHIPMENTS: &str = "message shipments {
  required int64 row_id;
  required binary shipment (STRING);
  required binary batch (STRING);
  required int64 shipper;
  required int64 consignee;
  required int32 day;
  required binary hs (STRING);
  required int32 hs_key4;
  required int32 hs_key6;
  optional binary origin (STRING);
  optional binary manufacturer (STRING);
  optional float value_usd;
  optional float quantity;
  optional int32 chpl_tier;
  required boolean controlled;
  optional int64 mirror_of;
}";

const ENTITIES: &str = "message entities {
  required int64 entity;
  required binary id (STRING);
  required binary name (STRING);
  optional binary country (STRING);
  required group member_rows (LIST) { repeated group list { required int64 element; } }
  required group member_ids (LIST) { repeated group list { required binary element (STRING); } }
  required group member_scopes (LIST) { repeated group list { required binary element (STRING); } }
  required group member_countries (LIST) { repeated group list { required binary element (STRING); } }
  required group roles (LIST) { repeated group list { required binary element (STRING); } }
  required group lists (LIST) { repeated group list { required binary element (STRING); } }
}";

/// The column names of each table, in file order (the job checks them).
pub fn columns(table: &str) -> Vec<String> {
    let msg = if table == "entities" { ENTITIES } else { SHIPMENTS };
    let schema = parse_message_type(msg).expect("the schema text is fixed");
    schema.get_fields().iter().map(|f| f.name().to_string()).collect()
}

fn err(e: parquet::errors::ParquetError) -> Error {
    Error::Other(format!("writing Parquet: {e}"))
}

type RowGroup<'a> = SerializedRowGroupWriter<'a, Vec<u8>>;

/// Writes the next column of `rg`: `values` with definition levels `def`
/// (optional and list columns) and repetition levels `rep` (list columns).
fn column<T: DataType>(rg: &mut RowGroup, values: &[T::T], def: Option<&[i16]>, rep: Option<&[i16]>) -> Result<()> {
    let mut col = rg.next_column().map_err(err)?.ok_or_else(|| Error::Other("Parquet schema has fewer columns than written".into()))?;
    col.typed::<T>().write_batch(values, def, rep).map_err(err)?;
    col.close().map_err(err)
}

fn required<T: DataType, R>(rg: &mut RowGroup, rows: &[R], f: impl Fn(&R) -> T::T) -> Result<()> {
    let v: Vec<T::T> = rows.iter().map(f).collect();
    column::<T>(rg, &v, None, None)
}

fn optional<T: DataType, R>(rg: &mut RowGroup, rows: &[R], f: impl Fn(&R) -> Option<T::T>) -> Result<()> {
    let mut v = Vec::new();
    let mut def = Vec::with_capacity(rows.len());
    for r in rows {
        match f(r) {
            Some(x) => {
                v.push(x);
                def.push(1);
            }
            None => def.push(0),
        }
    }
    column::<T>(rg, &v, Some(&def), None)
}

/// A required list of required elements: an empty list is one level pair
/// (0, 0) with no value; elements have definition 1, the first of a row
/// repetition 0 and the others 1.
fn list<T: DataType, R>(rg: &mut RowGroup, rows: &[R], f: impl Fn(&R) -> Vec<T::T>) -> Result<()> {
    let (mut v, mut def, mut rep) = (Vec::new(), Vec::new(), Vec::new());
    for r in rows {
        let items = f(r);
        if items.is_empty() {
            def.push(0);
            rep.push(0);
        }
        for (i, x) in items.into_iter().enumerate() {
            v.push(x);
            def.push(1);
            rep.push(i16::from(i > 0));
        }
    }
    column::<T>(rg, &v, Some(&def), Some(&rep))
}

fn text(s: &str) -> ByteArray {
    ByteArray::from(s)
}

fn file(msg: &str, write: impl FnOnce(&mut RowGroup) -> Result<()>) -> Result<Vec<u8>> {
    let schema = Arc::new(parse_message_type(msg).map_err(err)?);
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("divtrace {}", env!("CARGO_PKG_VERSION")))
        .set_key_value_metadata(Some(vec![
            KeyValue::new("divtrace.format".into(), FORMAT.to_string()),
            KeyValue::new("divtrace.schema_version".into(), SCHEMA_VERSION.to_string()),
        ]))
        .build();
    let mut w = SerializedFileWriter::new(Vec::new(), schema, Arc::new(props)).map_err(err)?;
    let mut rg = w.next_row_group().map_err(err)?;
    write(&mut rg)?;
    rg.close().map_err(err)?;
    w.into_inner().map_err(err)
}

/// One part file of the shipments table.
///
/// # Errors
/// Only if the Parquet writer fails (it writes to memory).
pub fn shipments_part(rows: &[ShipmentRecord]) -> Result<Vec<u8>> {
    file(SHIPMENTS, |rg| {
        required::<Int64Type, _>(rg, rows, |r| r.row_id)?;
        required::<ByteArrayType, _>(rg, rows, |r| text(&r.shipment))?;
        required::<ByteArrayType, _>(rg, rows, |r| text(&r.batch))?;
        required::<Int64Type, _>(rg, rows, |r| r.shipper)?;
        required::<Int64Type, _>(rg, rows, |r| r.consignee)?;
        required::<Int32Type, _>(rg, rows, |r| r.day)?;
        required::<ByteArrayType, _>(rg, rows, |r| text(&r.hs))?;
        required::<Int32Type, _>(rg, rows, |r| r.hs_key4)?;
        required::<Int32Type, _>(rg, rows, |r| r.hs_key6)?;
        optional::<ByteArrayType, _>(rg, rows, |r| r.origin.as_deref().map(text))?;
        optional::<ByteArrayType, _>(rg, rows, |r| r.manufacturer.as_deref().map(text))?;
        optional::<FloatType, _>(rg, rows, |r| r.value_usd)?;
        optional::<FloatType, _>(rg, rows, |r| r.quantity)?;
        optional::<Int32Type, _>(rg, rows, |r| r.chpl_tier)?;
        required::<BoolType, _>(rg, rows, |r| r.controlled)?;
        optional::<Int64Type, _>(rg, rows, |r| r.mirror_of)
    })
}

/// One part file of the entities table.
///
/// # Errors
/// Only if the Parquet writer fails (it writes to memory).
pub fn entities_part(rows: &[EntityRecord]) -> Result<Vec<u8>> {
    let texts = |v: &[String]| v.iter().map(|s| text(s)).collect::<Vec<_>>();
    file(ENTITIES, |rg| {
        required::<Int64Type, _>(rg, rows, |r| r.entity)?;
        required::<ByteArrayType, _>(rg, rows, |r| text(&r.id))?;
        required::<ByteArrayType, _>(rg, rows, |r| text(&r.name))?;
        optional::<ByteArrayType, _>(rg, rows, |r| r.country.as_deref().map(text))?;
        list::<Int64Type, _>(rg, rows, |r| r.member_rows.clone())?;
        list::<ByteArrayType, _>(rg, rows, |r| texts(&r.member_ids))?;
        list::<ByteArrayType, _>(rg, rows, |r| texts(&r.member_scopes))?;
        list::<ByteArrayType, _>(rg, rows, |r| texts(&r.member_countries))?;
        list::<ByteArrayType, _>(rg, rows, |r| texts(&r.roles))?;
        list::<ByteArrayType, _>(rg, rows, |r| texts(&r.lists))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::RowAccessor;

    fn reader(bytes: Vec<u8>) -> SerializedFileReader<std::fs::File> {
        let mut f = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut f, &bytes).unwrap();
        SerializedFileReader::new(f).unwrap()
    }

    fn ship(row: i64, value: Option<f32>) -> ShipmentRecord {
        ShipmentRecord {
            row_id: row,
            shipment: format!("S{row}"),
            batch: "b1".into(),
            shipper: 1,
            consignee: 2,
            day: 19_000,
            hs: "854231".into(),
            hs_key4: 7,
            hs_key6: 900,
            origin: Some("US".into()),
            manufacturer: None,
            value_usd: value,
            quantity: Some(3.0),
            chpl_tier: Some(1),
            controlled: true,
            mirror_of: None,
        }
    }

    #[test]
    fn shipments_read_back_and_the_bytes_repeat() {
        let rows = vec![ship(1, Some(64_900.0)), ship(2, None)];
        let bytes = shipments_part(&rows).unwrap();
        assert_eq!(bytes, shipments_part(&rows).unwrap(), "same rows, same bytes");
        let r = reader(bytes);
        let meta = r.metadata().file_metadata();
        assert_eq!(meta.num_rows(), 2);
        let kv = meta.key_value_metadata().unwrap();
        assert!(kv.iter().any(|k| k.key == "divtrace.schema_version" && k.value.as_deref() == Some("1")));
        let got: Vec<_> = r.get_row_iter(None).unwrap().map(|x| x.unwrap()).collect();
        assert_eq!(got[0].get_long(0).unwrap(), 1);
        assert_eq!(got[0].get_string(1).unwrap(), "S1");
        assert_eq!(got[0].get_float(11).unwrap(), 64_900.0);
        assert!(got[1].get_float(11).is_err(), "a missing value is null, not 0");
        assert_eq!(got[1].get_string(9).unwrap(), "US");
        assert_eq!(columns("shipments").len(), 16);
        assert_eq!(columns("shipments")[15], "mirror_of");
    }

    #[test]
    fn entity_lists_keep_empty_and_several_elements() {
        let e = |entity: i64, lists: Vec<String>| EntityRecord {
            entity,
            id: format!("E{entity}"),
            name: "Ltd".into(),
            country: None,
            member_rows: vec![entity, entity + 100],
            member_ids: vec![format!("E{entity}"), "X".into()],
            member_scopes: vec!["b1".into(), "b2".into()],
            member_countries: vec!["TR".into(), String::new()],
            roles: vec![],
            lists,
        };
        let rows = vec![e(1, vec![]), e(2, vec!["entity_list".into(), "sdn".into()])];
        let bytes = entities_part(&rows).unwrap();
        let r = reader(bytes);
        let got: Vec<String> = r.get_row_iter(None).unwrap().map(|x| x.unwrap().to_string()).collect();
        assert_eq!(got.len(), 2);
        assert!(got[0].contains("lists: []"), "{}", got[0]);
        assert!(got[1].contains("lists: [\"entity_list\", \"sdn\"]"), "{}", got[1]);
        assert!(got[1].contains("member_rows: [2, 102]"), "{}", got[1]);
    }
}
