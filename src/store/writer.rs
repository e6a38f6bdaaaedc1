//! Writes one import batch into the case file, inside one transaction.
//!
//! A batch is all-or-nothing: the caller commits only when every file was
//! read without error (or, with `--skip-invalid`, with the bad rows set
//! aside), and dropping an uncommitted [`BatchWriter`] rolls everything back.

use rusqlite::{params, CachedStatement, Connection, OptionalExtension};

use super::bulk::{Insert, Val};
use crate::error::Result;

/// An entity row ready to store: values already normalised.
pub struct NewEntity<'a> {
    /// The row id, chosen by the caller (see [`max_entity_id`]).
    pub id: i64,
    pub input_id: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub country: Option<&'a str>,
    pub address: Option<&'a str>,
    pub incorporated: Option<&'a str>,
    pub roles: &'a str,
    pub source: Option<&'a str>,
    pub src_file: i64,
    pub src_line: u64,
}

/// A shipment row ready to store; `shipper` and `consignee` are entity row ids.
pub struct NewShipment<'a> {
    pub input_id: &'a str,
    pub date: &'a str,
    pub shipper: i64,
    pub consignee: i64,
    pub hs: &'a str,
    pub description: Option<&'a str>,
    pub manufacturer: Option<&'a str>,
    pub origin_country: Option<&'a str>,
    pub from_country: Option<&'a str>,
    pub to_country: Option<&'a str>,
    pub quantity: Option<f64>,
    pub unit: Option<&'a str>,
    pub value_usd: Option<f64>,
    pub weight_kg: Option<f64>,
    pub source: Option<&'a str>,
    /// The amount as declared and its ISO 4217 currency.
    pub value: Option<f64>,
    pub currency: Option<&'a str>,
    /// The rate that gave `value_usd` from `value`, and where it comes from.
    pub usd_rate: Option<f64>,
    pub usd_rate_source: Option<&'a str>,
    pub src_file: i64,
    pub src_line: u64,
}

pub struct NewRelation<'a> {
    pub from: i64,
    pub to: i64,
    pub kind: &'a str,
    pub share: Option<f64>,
    pub start: Option<&'a str>,
    pub end: Option<&'a str>,
    pub source: Option<&'a str>,
    pub src_file: i64,
    pub src_line: u64,
}

pub struct NewListing<'a> {
    pub entity: i64,
    pub list: &'a str,
    pub program: Option<&'a str>,
    pub listed_on: Option<&'a str>,
    pub source: Option<&'a str>,
    pub src_file: i64,
    pub src_line: u64,
}

/// Tables whose records can carry raw values and extra attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Entity,
    Shipment,
    Relation,
    List,
}

impl Table {
    pub fn as_str(self) -> &'static str {
        match self {
            Table::Entity => "entity",
            Table::Shipment => "shipment",
            Table::Relation => "relation",
            Table::List => "list_membership",
        }
    }
}

/// A shipment whose id an earlier row of this batch already used.
pub struct DuplicateShipment {
    pub line: u64,
    pub input_id: String,
    /// The file and line of the first row with this id.
    pub first: (String, i64),
}

/// A batch that already exists in the case with the same content.
pub struct ExistingBatch {
    pub id: i64,
    pub scope: String,
    pub imported_at: String,
}

/// Finds a batch whose inputs had exactly this content hash.
pub fn find_batch_by_content(tx: &Connection, content_sha256: &str) -> Result<Option<ExistingBatch>> {
    Ok(tx
        .query_row("SELECT id, scope, imported_at FROM batch WHERE content_sha256 = ?1", [content_sha256], |r| {
            Ok(ExistingBatch { id: r.get(0)?, scope: r.get(1)?, imported_at: r.get(2)? })
        })
        .optional()?)
}

/// Whether an id scope is taken by an earlier batch.
pub fn scope_taken(tx: &Connection, scope: &str) -> Result<bool> {
    Ok(tx.query_row("SELECT 1 FROM batch WHERE scope = ?1", [scope], |_| Ok(())).optional()?.is_some())
}

const INSERT_ENTITY: &str =
    "INSERT INTO entity (id, batch, input_id, name, kind, country, address, incorporated, roles, source, src_file, src_line)
             VALUES (?12, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
const INSERT_SHIPMENT: &str = "INSERT INTO shipment (batch, input_id, date, shipper, consignee, hs, description, manufacturer,
               origin_country, from_country, to_country, quantity, unit, value_usd, weight_kg, source, src_file, src_line,
               value, currency, usd_rate, usd_rate_source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)";
const INSERT_RAW: &str = "INSERT INTO raw_value (tbl, record, field, raw) VALUES (?1, ?2, ?3, ?4)";
const INSERT_EXTRA: &str = "INSERT INTO extra_attribute (tbl, record, name, value) VALUES (?1, ?2, ?3, ?4)";

/// Writes the records of one batch. The hot statements are prepared once and
/// held (a statement cache lookup per row costs more than the insert's
/// binding), and bind their text without copies (see [`super::bulk`]).
pub struct BatchWriter<'c> {
    tx: &'c Connection,
    pub batch: i64,
    entity: Insert<'c>,
    shipment: Insert<'c>,
    raw: Insert<'c>,
    extra: Insert<'c>,
    /// The unique shipment id index is dropped for this load (see [`BatchWriter::defer_shipment_ids`]).
    ids_deferred: bool,
}

impl<'c> BatchWriter<'c> {
    /// Creates the batch row. `content_sha256` is filled in by [`BatchWriter::finish`].
    pub fn begin(
        tx: &'c Connection,
        scope: &str,
        format: &str,
        bundle_path: &str,
        imported_at: &str,
        mapping: Option<&str>,
    ) -> Result<BatchWriter<'c>> {
        // A placeholder hash keeps the UNIQUE column satisfied until finish().
        tx.execute(
            "INSERT INTO batch (scope, format, bundle_path, content_sha256, imported_at, tool_version, mapping)
             VALUES (?1, ?2, ?3, 'pending:' || ?1, ?4, ?5, ?6)",
            params![scope, format, bundle_path, imported_at, crate::VERSION, mapping],
        )?;
        Ok(BatchWriter {
            tx,
            batch: tx.last_insert_rowid(),
            entity: Insert::new(tx, INSERT_ENTITY)?,
            shipment: Insert::new(tx, INSERT_SHIPMENT)?,
            raw: Insert::new(tx, INSERT_RAW)?,
            extra: Insert::new(tx, INSERT_EXTRA)?,
            ids_deferred: false,
        })
    }

    /// Registers an input file; its hash and row counts are set by [`BatchWriter::file_done`].
    pub fn add_file(&self, role: &str, path: &str) -> Result<i64> {
        self.tx.execute(
            "INSERT INTO batch_file (batch, role, path, sha256, rows) VALUES (?1, ?2, ?3, '', 0)",
            params![self.batch, role, path],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn file_done(&self, file: i64, sha256: &str, rows: u64, rejected: u64) -> Result<()> {
        self.tx.execute(
            "UPDATE batch_file SET sha256 = ?2, rows = ?3, rejected = ?4 WHERE id = ?1",
            params![file, sha256, rows as i64, rejected as i64],
        )?;
        Ok(())
    }

    fn stmt(&self, sql: &str) -> Result<CachedStatement<'c>> {
        Ok(self.tx.prepare_cached(sql)?)
    }

    pub fn entity(&mut self, e: &NewEntity<'_>) -> Result<i64> {
        self.entity.run(&[
            Val::Int(self.batch),
            Val::Text(e.input_id),
            Val::Text(e.name),
            Val::Text(e.kind),
            e.country.into(),
            e.address.into(),
            e.incorporated.into(),
            Val::Text(e.roles),
            e.source.into(),
            Val::Int(e.src_file),
            Val::Int(e.src_line as i64),
            Val::Int(e.id),
        ])?;
        Ok(e.id)
    }

    pub fn alias(&self, entity: i64, alias: &str) -> Result<()> {
        self.stmt("INSERT INTO entity_alias (entity, alias) VALUES (?1, ?2)")?.execute(params![entity, alias])?;
        Ok(())
    }

    pub fn identifier(&self, entity: i64, scheme: &str, value: &str) -> Result<()> {
        self.stmt("INSERT INTO entity_identifier (entity, scheme, value) VALUES (?1, ?2, ?3)")?.execute(params![entity, scheme, value])?;
        Ok(())
    }

    /// Drops the unique `(batch, input_id)` index of shipments for this load
    /// when the case holds no shipment yet, and says whether it did.
    /// Maintaining it row by row was about a tenth of the writer thread (one
    /// B-tree descent per insert, measured at 1,000,000 shipments); building
    /// it once after the load is one sort. While it is dropped,
    /// [`BatchWriter::shipment`] cannot see duplicates:
    /// [`BatchWriter::seal_shipment_ids`] finds them. In a case that already
    /// has shipments the index stays (rebuilding it would re-sort every
    /// earlier batch). The drop is part of the batch's transaction, so a
    /// failed import brings the index back with everything else.
    pub fn defer_shipment_ids(&mut self) -> Result<bool> {
        let any: bool = self.tx.query_row("SELECT EXISTS (SELECT 1 FROM shipment)", [], |r| r.get(0))?;
        if !any {
            // IF EXISTS: a case whose only load left it to first use has none yet.
            self.tx.execute_batch("DROP INDEX IF EXISTS shipment_batch_id")?;
            self.ids_deferred = true;
        } else {
            // The row-by-row check needs it (left to first use by an earlier load).
            self.tx.execute_batch(super::schema::SHIPMENT_ID_INDEX_IF_MISSING)?;
        }
        Ok(self.ids_deferred)
    }

    /// Builds the shipment id index dropped by [`BatchWriter::defer_shipment_ids`],
    /// or, when some id is used twice (the build then fails and changes
    /// nothing), returns the first `limit` rows that reuse an id, in line order.
    pub fn seal_shipment_ids(&mut self, limit: usize) -> Result<Vec<DuplicateShipment>> {
        if !self.ids_deferred {
            return Ok(Vec::new());
        }
        // The index build sorts every id; with the transaction's in-memory
        // temp store its sort runs would stay in memory too (266 MiB for this
        // build at 5,000,000 shipments, 70 MiB on file), so they go to temp files.
        let temp: i64 = self.tx.query_row("PRAGMA temp_store", [], |r| r.get(0))?;
        self.tx.execute_batch("PRAGMA temp_store = FILE")?;
        let built = self.tx.execute_batch(super::schema::SHIPMENT_ID_INDEX);
        self.tx.pragma_update(None, "temp_store", temp)?;
        match built {
            Ok(()) => {
                self.ids_deferred = false;
                Ok(Vec::new())
            }
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => {
                self.duplicate_shipments(limit)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Leaves the shipment id index dropped by [`BatchWriter::defer_shipment_ids`]
    /// to first use ([`super::Case::ensure_indexes`], with the other lookup
    /// indexes), for a load whose ids the caller saw in strictly increasing
    /// order, so that none repeats. Saves the sort of every id at the end of
    /// the load (3.5 s of CPU at 5,000,000 shipments).
    pub fn shipment_ids_proven_unique(&mut self) {
        self.ids_deferred = false;
    }

    /// The first `limit` rows of this batch whose shipment id an earlier
    /// row used, with that earlier row's file and line (an input that
    /// fails for other reasons too lists these beside them).
    pub fn duplicate_shipments(&self, limit: usize) -> Result<Vec<DuplicateShipment>> {
        let mut st = self.tx.prepare(
            // The bare src_file comes from the row with min(src_line) (SQLite's
            // rule for min/max aggregates). CROSS JOIN keeps the one scan of
            // the batch's shipments outside, probing the few duplicate ids.
            "WITH d AS MATERIALIZED (SELECT input_id, min(src_line) AS first, src_file FROM shipment
                                      WHERE batch = ?1 GROUP BY input_id HAVING count(*) > 1)
             SELECT s.src_line, s.input_id, f.path, d.first
               FROM shipment s CROSS JOIN d CROSS JOIN batch_file f
              WHERE s.batch = ?1 AND d.input_id = s.input_id AND s.src_line > d.first AND f.id = d.src_file
              ORDER BY s.src_line LIMIT ?2",
        )?;
        let rows = st.query_map(params![self.batch, limit as i64], |r| {
            Ok(DuplicateShipment { line: r.get::<_, i64>(0)? as u64, input_id: r.get(1)?, first: (r.get(2)?, r.get(3)?) })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Inserts a shipment; `Ok(None)` when its id is already used in this
    /// batch (the unique index says so: no id set is held in memory; with
    /// the index deferred, always `Some`).
    pub fn shipment(&mut self, s: &NewShipment<'_>) -> Result<Option<i64>> {
        let r = self.shipment.run(&[
            Val::Int(self.batch),
            Val::Text(s.input_id),
            Val::Text(s.date),
            Val::Int(s.shipper),
            Val::Int(s.consignee),
            Val::Text(s.hs),
            s.description.into(),
            s.manufacturer.into(),
            s.origin_country.into(),
            s.from_country.into(),
            s.to_country.into(),
            s.quantity.into(),
            s.unit.into(),
            s.value_usd.into(),
            s.weight_kg.into(),
            s.source.into(),
            Val::Int(s.src_file),
            Val::Int(s.src_line as i64),
            s.value.into(),
            s.currency.into(),
            s.usd_rate.into(),
            s.usd_rate_source.into(),
        ]);
        match r {
            Ok(_) => Ok(Some(self.tx.last_insert_rowid())),
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The line (and file) where this batch first used a shipment id.
    pub fn shipment_line(&self, input_id: &str) -> Result<Option<(String, i64)>> {
        Ok(self
            .tx
            .query_row(
                "SELECT f.path, s.src_line FROM shipment s JOIN batch_file f ON f.id = s.src_file WHERE s.batch = ?1 AND s.input_id = ?2",
                params![self.batch, input_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn relation(&self, r: &NewRelation<'_>) -> Result<i64> {
        self.stmt(
            "INSERT INTO relation (batch, from_entity, to_entity, kind, share, start, \"end\", source, src_file, src_line)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![self.batch, r.from, r.to, r.kind, r.share, r.start, r.end, r.source, r.src_file, r.src_line as i64])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn listing(&self, l: &NewListing<'_>) -> Result<i64> {
        self.stmt(
            "INSERT INTO list_membership (batch, entity, list, program, listed_on, source, src_file, src_line)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![self.batch, l.entity, l.list, l.program, l.listed_on, l.source, l.src_file, l.src_line as i64])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Keeps the value as written when normalisation changed it.
    pub fn raw_value(&mut self, table: Table, record: i64, field: &str, raw: &str) -> Result<()> {
        self.raw.run(&[Val::Text(table.as_str()), Val::Int(record), Val::Text(field), Val::Text(raw)])?;
        Ok(())
    }

    /// Keeps a column outside the contract as an attribute of its record.
    pub fn extra(&mut self, table: Table, record: i64, name: &str, value: &str) -> Result<()> {
        self.extra.run(&[Val::Text(table.as_str()), Val::Int(record), Val::Text(name), Val::Text(value)])?;
        Ok(())
    }

    /// Seals the batch: records its content hash, builds the entity-side
    /// indexes and bumps the case generation. The shipment-side indexes are
    /// left to first use: see [`super::Case::ensure_indexes`].
    pub fn finish(self, content_sha256: &str) -> Result<i64> {
        if self.ids_deferred {
            // Not sealed by the caller: build it here (a duplicate is then an SQL error, not lost).
            self.tx.execute_batch(super::schema::SHIPMENT_ID_INDEX)?;
        }
        self.tx.execute("UPDATE batch SET content_sha256 = ?2 WHERE id = ?1", params![self.batch, content_sha256])?;
        self.tx.execute_batch(super::schema::ENTITY_INDEXES)?;
        super::Case::bump_generation(self.tx)?;
        Ok(self.batch)
    }
}

/// Whether a batch was imported from this bundle path before.
pub fn bundle_path_known(tx: &Connection, path: &str) -> Result<bool> {
    Ok(tx.query_row("SELECT 1 FROM batch WHERE bundle_path = ?1 LIMIT 1", [path], |_| Ok(())).optional()?.is_some())
}

/// The largest entity row id in the case (0 when empty): new entities are numbered after it.
pub fn max_entity_id(tx: &Connection) -> Result<i64> {
    Ok(tx.query_row("SELECT coalesce(max(id), 0) FROM entity", [], |r| r.get(0))?)
}
