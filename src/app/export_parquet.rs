//! `divtrace export --format parquet`: the resolved case as Parquet part
//! files for a distributed engine (docs/export.md, *Parquet*; the Spark job
//! in `engines/spark/` reads them). What is exported is the search's graph:
//! one entity row per node after resolution, one shipment row per shipment
//! the search can use, with the keys the search compares.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Field, Result};
use crate::export::parquet::{entities_part, shipments_part, EntityRecord, ShipmentRecord, FORMAT, SCHEMA_VERSION};
use crate::graph::{country_str, hs_decode, CaseGraph};
use crate::model::Roles;
use crate::routes::{select::mirror_pairs, QuerySpec};
use crate::store::{dump, graph::load_graph, Case};

use super::CaseFile;

/// Rows per part file unless asked otherwise: about 40 MB of shipments,
/// a good split size for a cluster's readers.
pub const DEFAULT_PART_ROWS: usize = 1_000_000;

/// The manifest `_divtrace.json` beside the tables.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Manifest {
    pub format: &'static str,
    pub schema_version: u32,
    /// What the export is of: the import batches and the case's generation
    /// (it changes with every ingest and resolution).
    pub case: CaseIdentity,
    pub shipments: TableOut,
    pub entities: TableOut,
    /// Shipments of the case the search cannot use (no HS code, unknown
    /// party), left out as the search leaves them out.
    pub shipments_skipped: usize,
    /// The rules the `mirror_of` column was computed with.
    pub mirror: MirrorOut,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CaseIdentity {
    pub generation: i64,
    pub batches: Vec<BatchOut>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BatchOut {
    pub scope: String,
    pub content_sha256: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TableOut {
    pub rows: usize,
    pub columns: Vec<String>,
    pub parts: Vec<PartOut>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PartOut {
    /// Relative to the export folder.
    pub path: String,
    pub rows: usize,
    pub sha256: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MirrorOut {
    pub enabled: bool,
    pub max_days: i32,
    pub value_tolerance: f64,
    pub pairs: usize,
}

/// What an export of `case` now would say it is of (the manifest's `case`):
/// routes found on an export are imported only into the case it was made of.
pub fn case_identity(case: &Case) -> Result<CaseIdentity> {
    Ok(CaseIdentity {
        generation: case.generation()?,
        batches: dump::batches(case)?.into_iter().map(|(scope, content_sha256)| BatchOut { scope, content_sha256 }).collect(),
    })
}

/// The shipment rows of the graph, in row id order.
/// Also returns the number of shipment rows in the case file.
fn shipment_records(case: &Case, g: &CaseGraph) -> Result<(Vec<ShipmentRecord>, usize)> {
    let labels = dump::shipment_labels(case)?;
    let multi_scope = crate::store::graph::scopes(case)?.len() > 1;
    let spec = QuerySpec::default();
    let mirrors = mirror_pairs(g, case, &spec)?;
    let mut mirror_of = vec![None; g.shipment_count()];
    for &(a, b) in mirrors.pairs() {
        mirror_of[b as usize] = Some(g.ship_row[a as usize]);
    }
    let goods = &spec.goods;
    let mut order: Vec<usize> = (0..g.shipment_count()).collect();
    order.sort_unstable_by_key(|&s| g.ship_row[s]);
    let f = |x: f32| (!x.is_nan()).then_some(x);
    let records = order
        .into_iter()
        .map(|s| {
            let row = g.ship_row[s];
            let (scope, input_id) = match labels.binary_search_by_key(&row, |l| l.0) {
                Ok(i) => (labels[i].1.as_str(), labels[i].2.as_str()),
                Err(_) => return Err(Error::Other(format!("shipment row {row} is in the graph but not in the case file"))),
            };
            let hs = hs_decode(g.hs(s));
            Ok(ShipmentRecord {
                row_id: row,
                shipment: if multi_scope { format!("{scope}:{input_id}") } else { input_id.to_string() },
                batch: scope.to_string(),
                shipper: g.node_entity[g.shipper[s] as usize],
                consignee: g.node_entity[g.consignee[s] as usize],
                day: g.date[s],
                hs_key4: g.key(s, 4) as i32,
                hs_key6: g.key6[s] as i32,
                origin: country_str(g.origin[s]),
                manufacturer: g.brand[s].checked_sub(1).map(|b| g.brands[b as usize].clone()),
                value_usd: f(g.value[s]),
                quantity: f(g.quantity[s]),
                chpl_tier: crate::refdata::chpl_item(&hs).map(|c| i32::from(c.tier_number())),
                controlled: goods.controlled(&hs),
                mirror_of: mirror_of[s],
                hs,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((records, labels.len()))
}

/// The entity rows of the graph: one per node, in representative id order.
fn entity_records(case: &Case, g: &CaseGraph) -> Result<Vec<EntityRecord>> {
    let labels = dump::entity_labels(case)?;
    let multi_scope = crate::store::graph::scopes(case)?.len() > 1;
    let label = |e: i64| labels.binary_search_by_key(&e, |l| l.0).ok().map(|i| &labels[i]);
    let mut out = Vec::with_capacity(g.node_count());
    for v in 0..g.node_count() as u32 {
        let rep = g.node_entity[v as usize];
        let Some(l) = label(rep) else {
            return Err(Error::Other(format!("entity {rep} is in the graph but not in the case file")));
        };
        let members = g.node_members(v);
        let ml: Vec<_> = members.iter().map(|&m| label(m)).collect();
        let roles = Roles(g.node_roles[v as usize]);
        out.push(EntityRecord {
            entity: rep,
            id: if multi_scope { format!("{}:{}", l.1, l.2) } else { l.2.clone() },
            name: l.3.clone(),
            country: country_str(g.node_country[v as usize]),
            member_rows: members.to_vec(),
            member_ids: ml.iter().map(|l| l.map_or_else(String::new, |l| l.2.clone())).collect(),
            member_scopes: ml.iter().map(|l| l.map_or_else(String::new, |l| l.1.clone())).collect(),
            member_countries: g.node_member_countries(v).iter().map(|&c| country_str(c).unwrap_or_default()).collect(),
            roles: roles.iter().map(|r| r.as_str().to_string()).collect(),
            lists: g.node_lists(v).iter().map(|&i| g.list_names[i as usize].clone()).collect(),
        });
    }
    out.sort_unstable_by_key(|e| e.entity);
    Ok(out)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `rows` as part files `DIR/TABLE/part-NNNNN.parquet` of at most `part_rows` rows.
fn write_table<R>(dir: &Path, table: &str, rows: &[R], part_rows: usize, part: impl Fn(&[R]) -> Result<Vec<u8>>) -> Result<TableOut> {
    let folder = dir.join(table);
    std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
    let mut parts = Vec::new();
    // An empty table is still one (empty) part: readers then find the schema.
    let chunks: Vec<&[R]> = if rows.is_empty() { vec![rows] } else { rows.chunks(part_rows).collect() };
    for (i, chunk) in chunks.iter().enumerate() {
        let bytes = part(chunk)?;
        let name = format!("part-{i:05}.parquet");
        super::write_file(&folder.join(&name), &bytes)?;
        parts.push(PartOut { path: format!("{table}/{name}"), rows: chunk.len(), sha256: sha256_hex(&bytes) });
    }
    Ok(TableOut { rows: rows.len(), columns: crate::export::parquet::columns(table), parts })
}

/// Removes the part files of an earlier export in `dir` (so a smaller case
/// leaves no stale part behind); refuses a non-empty folder that is not one.
fn prepare_dir(dir: &Path) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e.collect::<std::io::Result<Vec<_>>>().map_err(|e| Error::io(dir, e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    if entries.is_empty() {
        return Ok(());
    }
    if !dir.join("_divtrace.json").is_file() {
        return Err(Error::usage(
            "--out",
            format!("{} is not empty and holds no earlier Parquet export (_divtrace.json); give a new or empty folder", dir.display()),
        ));
    }
    for table in ["shipments", "entities"] {
        let folder = dir.join(table);
        let Ok(files) = std::fs::read_dir(&folder) else { continue };
        for f in files.flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            if name.starts_with("part-") && name.ends_with(".parquet") {
                std::fs::remove_file(f.path()).map_err(|e| Error::io(f.path(), e))?;
            }
        }
    }
    Ok(())
}

/// Exports `case` as Parquet into the folder `dir`; returns the manifest written.
///
/// # Errors
/// A case that cannot be read, a folder that is not empty and holds no
/// earlier export, a file that cannot be written.
pub fn export_parquet(case: CaseFile, dir: &Path, part_rows: usize) -> Result<Manifest> {
    if part_rows == 0 {
        return Err(Error::field(Field::PartRows, "must be at least 1"));
    }
    let case = case.open()?;
    let (g, _) = load_graph(&case)?;
    let (ships, in_case) = shipment_records(&case, &g)?;
    let ents = entity_records(&case, &g)?;
    prepare_dir(dir)?;
    let shipments = write_table(dir, "shipments", &ships, part_rows, shipments_part)?;
    let entities = write_table(dir, "entities", &ents, part_rows, entities_part)?;
    let rules = QuerySpec::default().mirror;
    let manifest = Manifest {
        format: FORMAT,
        schema_version: SCHEMA_VERSION,
        case: case_identity(&case)?,
        shipments,
        entities,
        shipments_skipped: in_case - ships.len(),
        mirror: MirrorOut {
            enabled: rules.enabled,
            max_days: rules.max_days,
            value_tolerance: rules.value_tolerance,
            pairs: ships.iter().filter(|s| s.mirror_of.is_some()).count(),
        },
    };
    let mut text = serde_json::to_string_pretty(&manifest).map_err(|e| Error::Other(e.to_string()))?;
    text.push('\n');
    super::write_file(&dir.join("_divtrace.json"), text.as_bytes())?;
    Ok(manifest)
}
