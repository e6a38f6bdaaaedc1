//! The case file's schema and its migrations.
//!
//! `PRAGMA user_version` holds the schema version. Each entry of
//! [`MIGRATIONS`] takes the file from version `i` to `i + 1`; opening a case
//! file applies the missing ones in one transaction. Never edit a shipped
//! migration: add a new one. docs/case-file.md documents every table.

/// Migrations in order; index `i` upgrades version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5];

pub const CURRENT_VERSION: u32 = MIGRATIONS.len() as u32;

const V1: &str = r#"
CREATE TABLE case_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE batch (
    id             INTEGER PRIMARY KEY,
    scope          TEXT NOT NULL UNIQUE,
    format         TEXT NOT NULL,
    bundle_path    TEXT NOT NULL,
    content_sha256 TEXT NOT NULL UNIQUE,
    imported_at    TEXT NOT NULL,
    tool_version   TEXT NOT NULL,
    mapping        TEXT
);

CREATE TABLE batch_file (
    id       INTEGER PRIMARY KEY,
    batch    INTEGER NOT NULL REFERENCES batch(id),
    role     TEXT NOT NULL,
    path     TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    rows     INTEGER NOT NULL,
    rejected INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE entity (
    id           INTEGER PRIMARY KEY,
    batch        INTEGER NOT NULL REFERENCES batch(id),
    input_id     TEXT NOT NULL,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    country      TEXT,
    address      TEXT,
    incorporated TEXT,
    roles        TEXT NOT NULL DEFAULT '',
    source       TEXT,
    src_file     INTEGER NOT NULL REFERENCES batch_file(id),
    src_line     INTEGER NOT NULL,
    UNIQUE (batch, input_id)
);

CREATE TABLE entity_alias (
    entity INTEGER NOT NULL REFERENCES entity(id),
    alias  TEXT NOT NULL
);

CREATE TABLE entity_identifier (
    entity INTEGER NOT NULL REFERENCES entity(id),
    scheme TEXT NOT NULL,
    value  TEXT NOT NULL
);

CREATE TABLE shipment (
    id             INTEGER PRIMARY KEY,
    batch          INTEGER NOT NULL,
    input_id       TEXT NOT NULL,
    date           TEXT NOT NULL,
    shipper        INTEGER NOT NULL,
    consignee      INTEGER NOT NULL,
    hs             TEXT NOT NULL,
    description    TEXT,
    manufacturer   TEXT,
    origin_country TEXT,
    from_country   TEXT,
    to_country     TEXT,
    quantity       REAL,
    unit           TEXT,
    value_usd      REAL,
    weight_kg      REAL,
    source         TEXT,
    src_file       INTEGER NOT NULL,
    src_line       INTEGER NOT NULL
);

CREATE TABLE relation (
    id          INTEGER PRIMARY KEY,
    batch       INTEGER NOT NULL REFERENCES batch(id),
    from_entity INTEGER NOT NULL REFERENCES entity(id),
    to_entity   INTEGER NOT NULL REFERENCES entity(id),
    kind        TEXT NOT NULL,
    share       REAL,
    start       TEXT,
    "end"       TEXT,
    source      TEXT,
    src_file    INTEGER NOT NULL REFERENCES batch_file(id),
    src_line    INTEGER NOT NULL
);

CREATE TABLE list_membership (
    id          INTEGER PRIMARY KEY,
    batch       INTEGER NOT NULL REFERENCES batch(id),
    entity      INTEGER NOT NULL REFERENCES entity(id),
    list        TEXT NOT NULL,
    program     TEXT,
    listed_on   TEXT,
    source      TEXT,
    list_entry  TEXT,
    match_score REAL,
    match_note  TEXT,
    src_file    INTEGER NOT NULL REFERENCES batch_file(id),
    src_line    INTEGER NOT NULL
);

-- The value as written, for every cell that normalisation changed
-- (e.g. hs '8542.31' stored as '854231', country 'tr' as 'TR').
CREATE TABLE raw_value (
    tbl       TEXT NOT NULL,
    record    INTEGER NOT NULL,
    field     TEXT NOT NULL,
    raw       TEXT NOT NULL
);

-- Columns outside the contract, kept as attributes of their record.
CREATE TABLE extra_attribute (
    tbl     TEXT NOT NULL,
    record  INTEGER NOT NULL,
    name    TEXT NOT NULL,
    value   TEXT NOT NULL
);

-- Entity resolution: which cluster (a representative entity id) each
-- entity belongs to. An entity with no row is its own cluster.
CREATE TABLE entity_cluster (
    entity  INTEGER PRIMARY KEY REFERENCES entity(id),
    cluster INTEGER NOT NULL REFERENCES entity(id)
);

-- A compact, derived form of the shipment graph for fast route search.
-- Valid only while `generation` equals case_meta 'generation'.
CREATE TABLE graph_cache (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    generation     INTEGER NOT NULL,
    format_version INTEGER NOT NULL,
    data           BLOB NOT NULL
);

INSERT INTO case_meta (key, value) VALUES ('generation', '0');
"#;

/// Entity resolution evidence, cluster names, manufacturer links.
const V2: &str = r#"
-- Every pair that resolution looked at closely: merged, left for review,
-- or refused (an analyst's not_same, or conflicting identifiers).
CREATE TABLE resolution_evidence (
    id       INTEGER PRIMARY KEY,
    entity_a INTEGER NOT NULL REFERENCES entity(id),
    entity_b INTEGER NOT NULL REFERENCES entity(id),
    decision TEXT NOT NULL CHECK (decision IN ('merged', 'review', 'refused')),
    basis    TEXT NOT NULL,
    score    REAL NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX resolution_evidence_a ON resolution_evidence(entity_a);
CREATE INDEX resolution_evidence_b ON resolution_evidence(entity_b);

-- The canonical name of each cluster of more than one entity.
CREATE TABLE cluster_name (
    cluster INTEGER PRIMARY KEY REFERENCES entity(id),
    name    TEXT NOT NULL
);

-- A shipment's free-text manufacturer matched to a manufacturer entity.
CREATE TABLE manufacturer_link (
    shipment     INTEGER PRIMARY KEY REFERENCES shipment(id),
    entity       INTEGER NOT NULL REFERENCES entity(id),
    score        REAL NOT NULL,
    matched_name TEXT NOT NULL
);
CREATE INDEX manufacturer_link_entity ON manufacturer_link(entity);
"#;

/// V3: shipment ids are unique per batch through an index on disk, so that
/// ingest's duplicate check does not hold every id in memory.
const V3: &str = r#"
DROP INDEX IF EXISTS shipment_batch_id;
CREATE UNIQUE INDEX shipment_batch_id ON shipment(batch, input_id);
"#;

/// V4: a shipment's value as declared (amount and ISO 4217 currency) and,
/// when `value_usd` was converted from it, the rate and the rate's source.
/// Rows of older cases keep NULL here: their `value_usd` was given in USD.
const V4: &str = r#"
ALTER TABLE shipment ADD COLUMN value REAL;
ALTER TABLE shipment ADD COLUMN currency TEXT;
ALTER TABLE shipment ADD COLUMN usd_rate REAL;
ALTER TABLE shipment ADD COLUMN usd_rate_source TEXT;
"#;

/// V5: an analyst's note beside a merge/split decision (`resolve --merge A B
/// --note TEXT`, or the workspace's edit form): why the analyst decided so.
/// NULL on every other relation, and on decisions recorded without a note.
const V5: &str = r#"
ALTER TABLE relation ADD COLUMN note TEXT;
"#;

/// Selects every column divtrace reads from its main tables, returning no
/// rows: fails on a file that has divtrace's user_version but not its tables.
pub const SHAPE_CHECK: &str = r#"
SELECT key, value FROM case_meta LIMIT 0;
SELECT id, scope, format, bundle_path, content_sha256, imported_at, tool_version, mapping FROM batch LIMIT 0;
SELECT id, batch, role, path, sha256, rows, rejected FROM batch_file LIMIT 0;
SELECT id, batch, input_id, name, kind, country, address, incorporated, roles, source, src_file, src_line FROM entity LIMIT 0;
SELECT id, batch, input_id, date, shipper, consignee, hs, description, manufacturer, origin_country, from_country, to_country,
       quantity, unit, value_usd, weight_kg, source, src_file, src_line, value, currency, usd_rate, usd_rate_source FROM shipment LIMIT 0;
SELECT id, batch, from_entity, to_entity, kind, share, start, "end", source, src_file, src_line, note FROM relation LIMIT 0;
SELECT id, batch, entity, list, program, listed_on, source, list_entry, match_score, match_note, src_file, src_line FROM list_membership LIMIT 0;
SELECT entity, cluster FROM entity_cluster LIMIT 0;
SELECT id, generation, format_version, data FROM graph_cache LIMIT 0;
SELECT id, entity_a, entity_b, decision, basis, score, detail FROM resolution_evidence LIMIT 0;
SELECT cluster, name FROM cluster_name LIMIT 0;
SELECT shipment, entity, score, matched_name FROM manufacturer_link LIMIT 0;
"#;

/// The unique index of V3, as its migration creates it: ingest drops it for
/// the first load into a case without shipments and builds it again once the
/// shipments file is in (see `writer::BatchWriter::defer_shipment_ids`).
/// When that load saw its ids in increasing order (so none repeats), the
/// index is left to first use instead, with [`INDEXES`].
pub const SHIPMENT_ID_INDEX: &str = "CREATE UNIQUE INDEX shipment_batch_id ON shipment(batch, input_id)";
pub const SHIPMENT_ID_INDEX_IF_MISSING: &str = "CREATE UNIQUE INDEX IF NOT EXISTS shipment_batch_id ON shipment(batch, input_id)";

/// Indexes built after a bulk load (building them during one is slower).
pub const INDEXES: &str = r#"
CREATE UNIQUE INDEX IF NOT EXISTS shipment_batch_id ON shipment(batch, input_id);
CREATE INDEX IF NOT EXISTS shipment_shipper   ON shipment(shipper);
CREATE INDEX IF NOT EXISTS shipment_consignee ON shipment(consignee);
CREATE INDEX IF NOT EXISTS raw_record         ON raw_value(tbl, record);
CREATE INDEX IF NOT EXISTS extra_record       ON extra_attribute(tbl, record);
"#;

/// The names of the indexes [`INDEXES`] creates, read from its statements
/// (one list to keep in step: the SQL).
pub fn lookup_index_names() -> Vec<&'static str> {
    INDEXES.lines().filter_map(|l| l.split("IF NOT EXISTS ").nth(1)).filter_map(|rest| rest.split_whitespace().next()).collect()
}

/// Indexes on the entity side, which is small next to the shipments: built
/// at the end of every import (route reports look aliases and listings up
/// entity by entity).
pub const ENTITY_INDEXES: &str = r#"
CREATE INDEX IF NOT EXISTS alias_entity       ON entity_alias(entity);
CREATE INDEX IF NOT EXISTS ident_entity       ON entity_identifier(entity);
CREATE INDEX IF NOT EXISTS ident_value        ON entity_identifier(scheme, value);
CREATE INDEX IF NOT EXISTS relation_from      ON relation(from_entity);
CREATE INDEX IF NOT EXISTS relation_to        ON relation(to_entity);
CREATE INDEX IF NOT EXISTS list_entity        ON list_membership(entity);
"#;
