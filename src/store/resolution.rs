//! Entity resolution and screening in the case file: entities to resolve,
//! analyst decisions, clusters with their evidence, accepted screening
//! matches, manufacturer links.
//!
//! Readers of resolved entities (routes, assessments, exports) call
//! [`load_clusters`] and map each entity id through [`ClusterMap::cluster_of`].

use std::collections::{BTreeMap, HashMap};

use rusqlite::{params, OptionalExtension};

use super::Case;
use crate::error::{Error, Result};
use crate::model::{EntityKind, RelationKind};

/// An entity with what resolution and screening compare.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntityRecord {
    pub id: i64,
    /// The id as written in its bundle.
    pub input_id: String,
    pub name: String,
    pub kind: Option<EntityKind>,
    pub country: Option<String>,
    pub address: Option<String>,
    pub aliases: Vec<String>,
    /// (scheme, value) as stored.
    pub identifiers: Vec<(String, String)>,
    /// Declared roles, `;`-separated (`manufacturer;distributor`).
    pub roles: String,
}

/// Every entity of the case, by id, with aliases and identifiers.
pub fn entities(case: &Case) -> Result<Vec<EntityRecord>> {
    let c = case.conn();
    let mut out: Vec<EntityRecord> = Vec::new();
    let mut at: HashMap<i64, usize> = HashMap::new();
    let mut st = c.prepare("SELECT id, input_id, name, kind, country, address, roles FROM entity ORDER BY id")?;
    let rows = st.query_map([], |r| {
        Ok(EntityRecord {
            id: r.get(0)?,
            input_id: r.get(1)?,
            name: r.get(2)?,
            kind: EntityKind::parse(&r.get::<_, String>(3)?),
            country: r.get(4)?,
            address: r.get(5)?,
            roles: r.get(6)?,
            ..Default::default()
        })
    })?;
    for r in rows {
        let r = r?;
        at.insert(r.id, out.len());
        out.push(r);
    }
    let mut st = c.prepare("SELECT entity, alias FROM entity_alias ORDER BY rowid")?;
    for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (e, a) = r?;
        if let Some(&i) = at.get(&e) {
            out[i].aliases.push(a);
        }
    }
    let mut st = c.prepare("SELECT entity, scheme, value FROM entity_identifier ORDER BY rowid")?;
    for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))? {
        let (e, s, v) = r?;
        if let Some(&i) = at.get(&e) {
            out[i].identifiers.push((s, v));
        }
    }
    Ok(out)
}

/// Relations between entities, as (from, to, kind) for the given kinds, in id order.
pub fn relations(case: &Case, kinds: &[RelationKind]) -> Result<Vec<(i64, i64, RelationKind)>> {
    let mut st = case.conn().prepare("SELECT from_entity, to_entity, kind FROM relation ORDER BY id")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, super::relation_kind(r, 2)?)))?;
    let mut out = Vec::new();
    for r in rows {
        let r = r?;
        if kinds.contains(&r.2) {
            out.push(r);
        }
    }
    Ok(out)
}

/// The entity whose bundle id is `input_id`.
///
/// # Errors
/// A usage error naming `flag` when no entity or several (from different bundles) have that id.
pub fn find_entity(case: &Case, input_id: &str, flag: &str) -> Result<i64> {
    let mut st = case.conn().prepare("SELECT id FROM entity WHERE input_id = ?1 ORDER BY id")?;
    let ids: Vec<i64> = st.query_map([input_id], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
    match ids.as_slice() {
        [one] => Ok(*one),
        [] => {
            // A plain read: this error path must leave the case file byte-identical.
            let mut st = case.conn().prepare("SELECT input_id, name FROM entity ORDER BY id")?;
            let all: Vec<(String, String)> = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<std::result::Result<_, _>>()?;
            let hint = crate::text::suggest::entities(input_id, &all, "", 3).map_or_else(String::new, |d| format!("; {d}"));
            Err(Error::usage(flag, format!("no entity with id '{input_id}' in the case{hint}")))
        }
        _ => Err(Error::usage(flag, format!("{} entities have id '{input_id}' (from different bundles)", ids.len()))),
    }
}

/// The batch and file that analyst decisions made on the command line belong to.
fn analyst_source(conn: &rusqlite::Connection) -> Result<(i64, i64)> {
    let existing: Option<(i64, i64)> = conn
        .query_row(
            "SELECT b.id, f.id FROM batch b JOIN batch_file f ON f.batch = b.id WHERE b.scope = 'analyst' AND f.role = 'analyst'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some(x) = existing {
        return Ok(x);
    }
    conn.execute(
        "INSERT INTO batch (scope, format, bundle_path, content_sha256, imported_at, tool_version) VALUES ('analyst', 'analyst', '(command line)', 'analyst', '', ?1)",
        [crate::VERSION],
    )?;
    let b = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO batch_file (batch, role, path, sha256, rows) VALUES (?1, 'analyst', '(divtrace resolve --merge/--split)', '', 0)",
        [b],
    )?;
    Ok((b, conn.last_insert_rowid()))
}

/// Records an analyst's decision that `a` and `b` are the same entity
/// (`same = true`, a `same_as` relation) or different ones (`not_same`),
/// with the analyst's `note` (why), replacing any earlier decision about the pair.
pub fn record_decision(case: &mut Case, a: i64, b: i64, same: bool, note: Option<&str>) -> Result<()> {
    let tx = case.conn.transaction()?;
    tx.execute(
        "DELETE FROM relation WHERE kind IN ('same_as', 'not_same') AND ((from_entity = ?1 AND to_entity = ?2) OR (from_entity = ?2 AND to_entity = ?1))",
        params![a, b],
    )?;
    let (batch, file) = analyst_source(&tx)?;
    let line: i64 = tx.query_row("SELECT COALESCE(MAX(src_line), 0) + 1 FROM relation WHERE src_file = ?1", [file], |r| r.get(0))?;
    tx.execute(
        "INSERT INTO relation (batch, from_entity, to_entity, kind, source, src_file, src_line, note) VALUES (?1, ?2, ?3, ?4, 'analyst', ?5, ?6, ?7)",
        params![batch, a, b, if same { RelationKind::SameAs } else { RelationKind::NotSame }.as_str(), file, line, note],
    )?;
    tx.execute("UPDATE batch_file SET rows = ?2 WHERE id = ?1", params![file, line])?;
    Case::bump_generation(&tx)?;
    tx.commit()?;
    Ok(())
}

/// One side of a recorded analyst decision.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionSide {
    /// `entity.id`.
    pub row: i64,
    pub scope: String,
    /// The id as written in its bundle.
    pub input_id: String,
    pub name: String,
}

/// An analyst's merge (`same_as`) or split (`not_same`) decision as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionRecord {
    pub a: DecisionSide,
    pub b: DecisionSide,
    pub same: bool,
    pub note: Option<String>,
    /// `relation.id`: later decisions have larger ids.
    pub id: i64,
    /// Where it was recorded: the batch file's path (for the analyst's own,
    /// `(divtrace resolve --merge/--split)`) and line.
    pub source_file: String,
    pub source_line: i64,
}

/// The analyst decisions that name any of `entities` (`entity.id`s), in the order they were made.
pub fn decisions_about(case: &Case, entities: &[i64]) -> Result<Vec<DecisionRecord>> {
    let mut st = case.conn.prepare_cached(
        "SELECT r.kind, r.note, r.id, f.path, r.src_line, \
                ea.id, ba.scope, ea.input_id, ea.name, eb.id, bb.scope, eb.input_id, eb.name \
         FROM relation r JOIN batch_file f ON f.id = r.src_file \
         JOIN entity ea ON ea.id = r.from_entity JOIN batch ba ON ba.id = ea.batch \
         JOIN entity eb ON eb.id = r.to_entity JOIN batch bb ON bb.id = eb.batch \
         WHERE r.kind IN ('same_as', 'not_same') AND (r.from_entity = ?1 OR r.to_entity = ?1)",
    )?;
    // Keyed by relation id: a decision between two of `entities` is found from
    // both sides once, and the map's order is the order they were made.
    let mut out: BTreeMap<i64, DecisionRecord> = BTreeMap::new();
    for &e in entities {
        let rows = st.query_map([e], |r| {
            let side = |i: usize| -> rusqlite::Result<DecisionSide> {
                Ok(DecisionSide { row: r.get(i)?, scope: r.get(i + 1)?, input_id: r.get(i + 2)?, name: r.get(i + 3)? })
            };
            Ok(DecisionRecord {
                same: super::relation_kind(r, 0)? == RelationKind::SameAs,
                note: r.get(1)?,
                id: r.get(2)?,
                source_file: r.get(3)?,
                source_line: r.get(4)?,
                a: side(5)?,
                b: side(9)?,
            })
        })?;
        for d in rows {
            let d = d?;
            out.entry(d.id).or_insert(d);
        }
    }
    Ok(out.into_values().collect())
}

/// A pair looked at by resolution, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct PairRecord {
    pub a: i64,
    pub b: i64,
    /// `merged`, `review` or `refused`.
    pub decision: &'static str,
    /// `analyst`, `identifier` or `name`.
    pub basis: &'static str,
    pub score: f64,
    pub detail: String,
}

/// A cluster of entities to store: representative, canonical name, members (representative included).
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterRecord {
    pub representative: i64,
    pub name: String,
    pub members: Vec<i64>,
}

/// Replaces the case's clusters and resolution evidence.
pub fn write_clusters(case: &mut Case, clusters: &[ClusterRecord], evidence: &[PairRecord]) -> Result<()> {
    let tx = case.conn.transaction()?;
    tx.execute_batch("DELETE FROM entity_cluster; DELETE FROM cluster_name; DELETE FROM resolution_evidence;")?;
    {
        let mut ins = tx.prepare("INSERT INTO entity_cluster (entity, cluster) VALUES (?1, ?2)")?;
        let mut name = tx.prepare("INSERT INTO cluster_name (cluster, name) VALUES (?1, ?2)")?;
        for c in clusters.iter().filter(|c| c.members.len() > 1) {
            name.execute(params![c.representative, c.name])?;
            for m in &c.members {
                ins.execute(params![m, c.representative])?;
            }
        }
        let mut ev = tx.prepare(
            "INSERT INTO resolution_evidence (entity_a, entity_b, decision, basis, score, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for e in evidence {
            ev.execute(params![e.a, e.b, e.decision, e.basis, e.score, e.detail])?;
        }
    }
    Case::bump_generation(&tx)?;
    tx.commit()?;
    Ok(())
}

/// Stored resolution evidence with the given decision, in the order written.
pub fn evidence(case: &Case, decision: &str) -> Result<Vec<PairRecord>> {
    let mut st = case
        .conn()
        .prepare("SELECT entity_a, entity_b, decision, basis, score, detail FROM resolution_evidence WHERE decision = ?1 ORDER BY id")?;
    let rows = st.query_map([decision], |r| {
        let d: String = r.get(2)?;
        let b: String = r.get(3)?;
        Ok(PairRecord {
            a: r.get(0)?,
            b: r.get(1)?,
            decision: ["merged", "review", "refused"].into_iter().find(|x| *x == d).unwrap_or("merged"),
            basis: ["analyst", "identifier", "name"].into_iter().find(|x| *x == b).unwrap_or("name"),
            score: r.get(4)?,
            detail: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Resolved entities: each entity's cluster, each cluster's name and members.
#[derive(Clone, Debug, Default)]
pub struct ClusterMap {
    of: HashMap<i64, i64>,
    names: HashMap<i64, String>,
    members: BTreeMap<i64, Vec<i64>>,
}

impl ClusterMap {
    /// The cluster (representative entity id) of an entity; itself when unresolved.
    pub fn cluster_of(&self, entity: i64) -> i64 {
        self.of.get(&entity).copied().unwrap_or(entity)
    }
    /// The canonical name of a cluster of several entities, `None` for a lone entity.
    pub fn name(&self, cluster: i64) -> Option<&str> {
        self.names.get(&cluster).map(String::as_str)
    }
    /// Member entity ids of a cluster, ascending; just `[cluster]` for a lone entity.
    pub fn members(&self, cluster: i64) -> Vec<i64> {
        self.members.get(&cluster).cloned().unwrap_or_else(|| vec![cluster])
    }
    /// Clusters of more than one entity, by representative id.
    pub fn clusters(&self) -> impl Iterator<Item = (i64, &[i64])> {
        self.members.iter().map(|(k, v)| (*k, v.as_slice()))
    }
}

/// Reads the clusters written by `divtrace resolve`.
pub fn load_clusters(case: &Case) -> Result<ClusterMap> {
    let mut m = ClusterMap::default();
    let mut st = case.conn().prepare("SELECT entity, cluster FROM entity_cluster ORDER BY entity")?;
    for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (e, c) = r?;
        m.of.insert(e, c);
        m.members.entry(c).or_default().push(e);
    }
    let mut st = case.conn().prepare("SELECT cluster, name FROM cluster_name")?;
    for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (c, n) = r?;
        m.names.insert(c, n);
    }
    Ok(m)
}

/// A list file read in a screening run.
#[derive(Clone, Debug)]
pub struct ScreenFile {
    pub path: String,
    pub role: String,
    pub sha256: String,
    pub rows: u64,
}

/// An accepted screening match to store as a list membership.
#[derive(Clone, Debug)]
pub struct NewMembership {
    pub entity: i64,
    pub list: String,
    pub program: Option<String>,
    pub listed_on: Option<String>,
    pub list_entry: String,
    pub score: f64,
    pub note: String,
    /// Index into the run's files, and line there.
    pub file: usize,
    pub line: u64,
}

/// Stores a screening run: a `batch` (format `screen`), a `batch_file` per
/// list file and the accepted memberships. A run over the same list files
/// and settings replaces the earlier one.
///
/// Returns the batch id.
pub fn write_screening(case: &mut Case, run_sha256: &str, settings: &str, files: &[ScreenFile], members: &[NewMembership]) -> Result<i64> {
    let tx = case.conn.transaction()?;
    let old: Option<i64> = tx.query_row("SELECT id FROM batch WHERE content_sha256 = ?1", [run_sha256], |r| r.get(0)).optional()?;
    if let Some(b) = old {
        tx.execute("DELETE FROM list_membership WHERE batch = ?1", [b])?;
        tx.execute("DELETE FROM batch_file WHERE batch = ?1", [b])?;
        tx.execute("DELETE FROM batch WHERE id = ?1", [b])?;
    }
    let path = files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>().join(";");
    tx.execute(
        "INSERT INTO batch (scope, format, bundle_path, content_sha256, imported_at, tool_version, mapping) VALUES (?1, 'screen', ?2, ?3, '', ?4, ?5)",
        params![format!("screen:{}", &run_sha256[..16.min(run_sha256.len())]), path, run_sha256, crate::VERSION, settings],
    )?;
    let batch = tx.last_insert_rowid();
    let mut file_ids = Vec::new();
    for f in files {
        tx.execute(
            "INSERT INTO batch_file (batch, role, path, sha256, rows) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![batch, f.role, f.path, f.sha256, f.rows as i64],
        )?;
        file_ids.push(tx.last_insert_rowid());
    }
    {
        let mut ins = tx.prepare(
            "INSERT INTO list_membership (batch, entity, list, program, listed_on, source, list_entry, match_score, match_note, src_file, src_line)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for m in members {
            ins.execute(params![
                batch,
                m.entity,
                m.list,
                m.program,
                m.listed_on,
                files[m.file].path,
                m.list_entry,
                m.score,
                m.note,
                file_ids[m.file],
                m.line as i64
            ])?;
        }
    }
    Case::bump_generation(&tx)?;
    tx.commit()?;
    Ok(batch)
}

/// A manufacturer text with the origin country declared beside it.
pub type TextOrigin = (String, Option<String>);

/// The distinct (manufacturer text, origin country) pairs of the shipments
/// that have a manufacturer text, sorted, and how many shipments have one.
///
/// Why distinct: linking is decided per pair, and a national case has
/// millions of shipments but a few thousand texts (at 10,000,000 shipments
/// one owned row per shipment, then a link per shipment, peaked at 2.5 GiB).
pub fn distinct_manufacturer_texts(case: &Case) -> Result<(Vec<TextOrigin>, usize)> {
    let mut st = case.conn().prepare(
        "SELECT manufacturer, origin_country, count(*) FROM shipment
         WHERE manufacturer IS NOT NULL AND trim(manufacturer) <> ''
         GROUP BY manufacturer, origin_country ORDER BY manufacturer, origin_country",
    )?;
    let mut rows = st.query([])?;
    let (mut pairs, mut shipments) = (Vec::new(), 0usize);
    while let Some(r) = rows.next()? {
        pairs.push((r.get(0)?, r.get(1)?));
        shipments += usize::try_from(r.get::<_, i64>(2)?).unwrap_or(0);
    }
    Ok((pairs, shipments))
}

/// Replaces the stored shipment -> manufacturer entity links, given per
/// distinct (text, origin country, entity, score, matched name): every
/// shipment with that text and origin gets that link. Returns how many
/// shipments were linked.
///
/// Description: the links go into a temporary table indexed by (text,
/// origin); one pass over the shipments, in id order, joins them.
pub fn write_manufacturer_links_by_text(case: &mut Case, links: &[(&str, Option<&str>, i64, f64, &str)]) -> Result<usize> {
    // A larger page cache than the default 2 MB for the join's writes and
    // the index build after it.
    case.conn.execute_batch("PRAGMA cache_size = -65536;")?;
    let tx = case.conn.transaction()?;
    // The entity index is rebuilt after the rows are in: kept during the
    // insert, every row lands on a random page of it, and at 10,000,000
    // links that thrashed the page cache (tens of GB of reads and writes).
    tx.execute_batch("DROP INDEX IF EXISTS manufacturer_link_entity; DELETE FROM manufacturer_link;")?;
    tx.execute_batch(
        "CREATE TEMP TABLE link_by_text (text TEXT NOT NULL, origin TEXT, entity INTEGER NOT NULL, score REAL NOT NULL, matched_name TEXT NOT NULL);
         CREATE INDEX temp.link_by_text_key ON link_by_text (text, origin);
         PRAGMA temp.cache_size = -131072;",
    )?;
    // The temporary table is probed once per shipment in random order: its
    // own cache (2 MB by default) holds it whole instead of reading its file
    // page by page — at 10,000,000 shipments millions of pread calls.
    {
        let mut ins = tx.prepare("INSERT INTO link_by_text VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for (t, o, e, sc, n) in links {
            ins.execute(params![t, o, e, sc, n])?;
        }
    }
    // CROSS JOIN keeps the shipments the outer loop (SQLite does not reorder it).
    let linked = tx.execute(
        "INSERT INTO manufacturer_link (shipment, entity, score, matched_name)
         SELECT s.id, l.entity, l.score, l.matched_name
         FROM shipment s CROSS JOIN link_by_text l ON l.text = s.manufacturer AND l.origin IS s.origin_country
         WHERE s.manufacturer IS NOT NULL AND trim(s.manufacturer) <> ''",
        [],
    )?;
    tx.execute_batch("DROP TABLE temp.link_by_text; CREATE INDEX manufacturer_link_entity ON manufacturer_link(entity);")?;
    Case::bump_generation(&tx)?;
    tx.commit()?;
    Ok(linked)
}

/// The manufacturer entity each linked shipment was made by: shipment id -> entity id.
pub fn manufacturer_links(case: &Case) -> Result<BTreeMap<i64, i64>> {
    let mut st = case.conn().prepare("SELECT shipment, entity FROM manufacturer_link ORDER BY shipment")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A case with three entities E1..E3 in one batch.
    fn three(dir: &std::path::Path) -> Case {
        let c = Case::open_or_create(&dir.join("c.db")).unwrap();
        c.conn
            .execute_batch(
                "INSERT INTO batch (id, scope, format, bundle_path, content_sha256, imported_at, tool_version) VALUES (1, 'b', 'csv-bundle', '/b', 'h', '', 'x');
                 INSERT INTO batch_file (id, batch, role, path, sha256, rows) VALUES (1, 1, 'entities', 'entities.csv', '', 3);
                 INSERT INTO entity (id, batch, input_id, name, kind, src_file, src_line) VALUES
                   (1, 1, 'E1', 'Alpha', 'company', 1, 2), (2, 1, 'E2', 'Alfa', 'company', 1, 3), (3, 1, 'E3', 'Beta', 'company', 1, 4);",
            )
            .unwrap();
        c
    }

    #[test]
    fn decisions_keep_their_notes_and_replace_earlier_ones() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = three(dir.path());
        record_decision(&mut c, 1, 2, true, Some("same VKN on the invoices")).unwrap();
        record_decision(&mut c, 2, 3, false, None).unwrap();
        let d = decisions_about(&c, &[1, 2]).unwrap();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].same && d[0].a.input_id == "E1" && d[0].b.name == "Alfa");
        assert_eq!(d[0].note.as_deref(), Some("same VKN on the invoices"));
        assert_eq!(d[0].source_file, "(divtrace resolve --merge/--split)");
        assert_eq!((d[0].source_line, d[1].source_line), (1, 2));
        assert!(!d[1].same && d[1].note.is_none());
        assert_eq!(decisions_about(&c, &[3]).unwrap().len(), 1);
        // A new decision about a pair replaces the old one, note and all.
        record_decision(&mut c, 2, 1, false, Some("different directors")).unwrap();
        let d = decisions_about(&c, &[1]).unwrap();
        assert_eq!(d.len(), 1);
        assert!(!d[0].same && d[0].a.input_id == "E2");
        assert_eq!(d[0].note.as_deref(), Some("different directors"));
    }
}
