//! Ingest: a case bundle (a folder of CSV files, see the case-bundle
//! contract) becomes records in the case file, in one transaction.
//!
//! Rows are streamed: memory holds the batch's entity ids (hashed), never
//! the rows themselves; shipment ids are checked for duplicates by the case
//! file's unique index. Every record keeps the
//! file and line it came from; every file its SHA-256.

pub mod ftm;
mod hint;
pub mod mapping;
mod plan;
pub mod source;
mod tables;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::error::{Error, Field, InputError, Result};
use crate::store::writer::{find_batch_by_content, scope_taken, BatchWriter};
use crate::store::Case;
pub use mapping::Mapping;
use plan::{Plan, TableSpec, ENTITIES, LISTS, RELATIONS, SHIPMENTS};
pub use source::sha256_file;
use source::{CsvFile, Row};
use tables::{Record, Registry};

/// How to ingest.
#[derive(Default)]
pub struct Options {
    /// Id namespace for this bundle; default: the bundle folder's name (made unique).
    pub scope: Option<String>,
    /// Import valid rows and write refused ones to `rejects` instead of failing.
    pub skip_invalid: bool,
    /// Where refused rows go with `skip_invalid` (default: beside the case file).
    pub rejects: Option<PathBuf>,
    pub mapping: Option<(PathBuf, Mapping)>,
    /// Draw progress bars on stderr (only when it is a terminal).
    pub progress: bool,
    /// Exchange rates for declared values not in USD (`--fx`, then the bundled table).
    pub rates: crate::refdata::fx::Rates,
}

/// What happened to one input file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileSummary {
    pub role: &'static str,
    pub path: String,
    pub sha256: String,
    pub rows: u64,
    pub stored: u64,
    pub refused: u64,
    /// Columns outside the contract, kept as extra attributes.
    pub extra_columns: Vec<String>,
    /// FtM schemas that divtrace does not import, with how many lines had each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<(String, u64)>,
}

/// The outcome of one ingest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    pub bundle: String,
    pub batch: i64,
    pub scope: String,
    /// True when the same content was imported before: nothing changed.
    pub already_imported: bool,
    pub imported_at: String,
    pub files: Vec<FileSummary>,
    /// Where refused rows were written, when any were.
    pub rejects: Option<String>,
    pub seconds: f64,
}

impl Summary {
    /// The outcome of importing content the case already holds.
    fn already(bundle: &str, b: crate::store::writer::ExistingBatch, started: Instant) -> Summary {
        Summary {
            bundle: bundle.to_string(),
            batch: b.id,
            scope: b.scope,
            already_imported: true,
            imported_at: b.imported_at,
            files: Vec::new(),
            rejects: None,
            seconds: started.elapsed().as_secs_f64(),
        }
    }
}

/// Imports the bundle in `dir` into `case`.
///
/// # Errors
/// Without `skip_invalid`, any invalid row fails the whole import and the case
/// file is left exactly as it was; the error lists up to 50 problems, each with
/// file, line and column.
pub fn ingest_bundle(case: &mut Case, dir: &Path, opts: &Options) -> Result<Summary> {
    let started = Instant::now();
    if !dir.is_dir() {
        return Err(Error::Input(InputError::new(
            dir,
            0,
            None,
            "not a folder: expected a case bundle folder holding entities.csv and shipments.csv",
        )));
    }
    let mapping = opts.mapping.as_ref().map(|(_, m)| m);
    let map_path = opts.mapping.as_ref().map(|(p, _)| p.display().to_string()).unwrap_or_default();
    let file_of = |spec: &TableSpec| -> PathBuf {
        dir.join(mapping.and_then(|m| m.table(spec.name)).and_then(|t| t.file.as_deref()).unwrap_or(spec.file))
    };
    let inline_parties = mapping
        .and_then(|m| m.table("shipments"))
        .is_some_and(|t| t.columns.contains_key("shipper_name") || t.columns.contains_key("consignee_name"));
    let mut inputs = Vec::new();
    for (spec, required) in [(&ENTITIES, !inline_parties), (&SHIPMENTS, true), (&RELATIONS, false), (&LISTS, false)] {
        let p = file_of(spec);
        // A folder, FIFO or dangling link under a bundle file's name is refused, never skipped.
        if source::regular_file(&p)? {
            inputs.push((spec, p));
        } else if required {
            return Err(Error::Input(InputError::new(
                &p,
                0,
                None,
                format!(
                    "missing: a case bundle needs {} (see the case-bundle contract){}",
                    spec.file,
                    if mapping.is_none() { hint::without_mapping(dir) } else { String::new() }
                ),
            )));
        }
    }
    let bundle = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()).display().to_string();
    let imported_at = now_rfc3339();

    let tx = case.transaction()?;
    // Re-ingesting the same bundle is a no-op; hash up front only when this path was imported before.
    let seen_path: bool = crate::store::writer::bundle_path_known(&tx, &bundle)?;
    if seen_path {
        let mut hashes = Vec::new();
        for (spec, p) in &inputs {
            hashes.push((spec.name, sha256_file(p).map_err(|e| Error::io(p, e))?));
        }
        let content = content_hash(&hashes, mapping);
        if let Some(b) = find_batch_by_content(&tx, &content)? {
            return Ok(Summary::already(&bundle, b, started));
        }
    }
    let base = opts.scope.clone().unwrap_or_else(|| {
        dir.canonicalize().ok().and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).unwrap_or_else(|| "bundle".into())
    });
    let scope = unique_scope(&tx, &base, opts.scope.is_some())?;
    let mut w = BatchWriter::begin(&tx, &scope, "csv-bundle", &bundle, &imported_at, mapping.map(|m| m.text.as_str()))?;
    // A first load checks shipment ids once the file is in, not row by row.
    // With --skip-invalid a duplicate must be refused in line order among the
    // other rejects (the rejects file is written as rows come), so it keeps
    // the row-by-row check.
    let ids_deferred = !opts.skip_invalid && w.defer_shipment_ids()?;
    let mut reg = Registry::new(crate::store::writer::max_entity_id(&tx)?);
    let mut errors: Vec<InputError> = Vec::new();
    let mut rejects = Rejects::new(opts, case_path_hint(&tx));
    let mut files = Vec::new();
    let mut hashes = Vec::new();

    for (spec, path) in &inputs {
        let delim = mapping.and_then(|m| m.table(spec.name)).and_then(|t| t.delimiter.as_deref()).map(|d| d.as_bytes()[0]).unwrap_or(b',');
        let file = CsvFile::open(path, delim)?;
        let plan = Plan::build(spec, &file, mapping.and_then(|m| m.table(spec.name)), &map_path)?;
        let file_id = w.add_file(spec.name, &path.display().to_string())?;
        let display = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bar = progress_bar(opts.progress, &display, file.size);
        let mut refused = 0u64;
        let (sender, receiver) = mpsc::sync_channel::<Vec<Item>>(8);
        // Spent batches go back to the validator to be freed there: freeing
        // the records' strings was a tenth of the writer's time.
        let (recycle, spent) = mpsc::channel::<Vec<Item>>();
        let ctx = FileCtx { spec, plan: &plan, name: &display, skip_invalid: opts.skip_invalid, bar: bar.as_ref(), rates: &opts.rates };
        // Validation runs on its own thread and the store writes on this one, so
        // parsing and inserting overlap on two cores.
        let read = std::thread::scope(|scope| -> Result<Result<FileRead, InputError>> {
            let validator = scope.spawn(|| validate_file(file, &ctx, &mut reg, sender, spent));
            'recv: for batch in receiver.iter() {
                for item in &batch {
                    let refusal = match item {
                        Item::Record(r) => store_record(&mut w, r, &plan, file_id, path)?.map(|e| (e, "")),
                        Item::Refused(e, text) => Some((e.clone(), text.as_str())),
                        Item::Fatal(e) => {
                            errors.push(e.clone());
                            break 'recv;
                        }
                    };
                    // Refused by the validator, or by the store (a shipment id used twice).
                    if let Some((e, text)) = refusal {
                        refused += 1;
                        if opts.skip_invalid {
                            rejects.write(&e, text)?;
                        } else {
                            errors.push(e);
                            if errors.len() >= MAX_ERRORS {
                                break 'recv;
                            }
                        }
                    }
                }
                let _ = recycle.send(batch);
            }
            drop(receiver);
            Ok(validator.join().expect("the validator thread does not panic"))
        })?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        if ids_deferred && spec.name == SHIPMENTS.name {
            // The rows stored so far are all this file's: their duplicate ids
            // go among its other errors in line order, as the row-by-row check
            // reports them (the first MAX_ERRORS of both kinds together).
            // Ids in strictly increasing order cannot repeat: the index is then
            // left to first use, like the other lookup indexes, and nothing is sorted.
            let increasing = matches!(&read, Ok(r) if r.ids_increasing);
            let dups = if !errors.is_empty() {
                w.duplicate_shipments(MAX_ERRORS)?
            } else if increasing {
                w.shipment_ids_proven_unique();
                Vec::new()
            } else {
                w.seal_shipment_ids(MAX_ERRORS)?
            };
            if !dups.is_empty() {
                errors.extend(dups.into_iter().map(|d| duplicate_shipment(path, d.line, &d.input_id, Some(d.first))));
                errors.sort_by_key(|e| e.line);
                errors.truncate(MAX_ERRORS);
            }
        }
        if !errors.is_empty() {
            break;
        }
        let FileRead { rows, sha, .. } = read?;
        let extra_columns = plan.extras.iter().map(|(_, h)| h.clone()).collect();
        w.file_done(file_id, &sha, rows, refused)?;
        hashes.push((spec.name, sha.clone()));
        files.push(FileSummary {
            role: spec.name,
            path: display,
            sha256: sha,
            rows,
            stored: rows - refused,
            refused,
            extra_columns,
            skipped: Vec::new(),
        });
    }
    if !errors.is_empty() {
        return Err(if errors.len() == 1 { Error::Input(errors.remove(0)) } else { Error::Inputs(errors) });
    }
    let content = content_hash(&hashes, mapping);
    if let Some(b) = find_batch_by_content(&tx, &content)? {
        // Same content under another path: nothing to add.
        drop(w);
        drop(tx);
        return Ok(Summary::already(&bundle, b, started));
    }
    let batch = w.finish(&content)?;
    let rejects_path = rejects.finish()?;
    tx.commit()?;
    Ok(Summary {
        bundle,
        batch,
        scope,
        already_imported: false,
        imported_at,
        files,
        rejects: rejects_path,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Imports a FollowTheMoney JSON-lines file (see [`ftm`]) as one batch.
///
/// # Errors
/// As for bundles: without `skip_invalid`, any bad line fails the import and changes nothing.
pub fn ingest_ftm(case: &mut Case, path: &Path, opts: &Options) -> Result<Summary> {
    let started = Instant::now();
    if !source::regular_file(path)? {
        return Err(Error::Input(InputError::new(path, 0, None, "not a file: expected FollowTheMoney JSON lines (one entity per line)")));
    }
    let full = path.canonicalize().unwrap_or_else(|_| path.to_path_buf()).display().to_string();
    let sha = sha256_file(path).map_err(|e| Error::io(path, e))?;
    let content = content_hash(&[("ftm", sha.clone())], None);
    let imported_at = now_rfc3339();
    let tx = case.transaction()?;
    if let Some(b) = find_batch_by_content(&tx, &content)? {
        return Ok(Summary::already(&full, b, started));
    }
    let base = opts.scope.clone().unwrap_or_else(|| {
        path.file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".jsonl").trim_end_matches(".json").to_string())
            .unwrap_or_else(|| "ftm".into())
    });
    let scope = unique_scope(&tx, &base, opts.scope.is_some())?;
    let mut w = BatchWriter::begin(&tx, &scope, "ftm", &full, &imported_at, None)?;
    let mut reg = Registry::new(crate::store::writer::max_entity_id(&tx)?);
    let read = ftm::read(path, &mut reg)?;
    let refused = read.refused.len() as u64;
    if refused > 0 && !opts.skip_invalid {
        let mut errs = read.refused;
        errs.truncate(MAX_ERRORS);
        return Err(if errs.len() == 1 { Error::Input(errs.remove(0)) } else { Error::Inputs(errs) });
    }
    let mut rejects = Rejects::new(opts, case_path_hint(&tx));
    for e in &read.refused {
        rejects.write(e, "")?;
    }
    let file_id = w.add_file("ftm", &path.display().to_string())?;
    let no_extras = Plan::empty();
    let mut stored = 0u64;
    let mut refused = refused;
    for (r, _) in read.records {
        match store_record(&mut w, &r, &no_extras, file_id, path)? {
            None => stored += 1,
            Some(e) if opts.skip_invalid => {
                refused += 1;
                rejects.write(&e, "")?;
            }
            Some(e) => return Err(Error::Input(e)),
        }
    }
    w.file_done(file_id, &sha, read.lines, refused)?;
    let batch = w.finish(&content)?;
    let rejects_path = rejects.finish()?;
    tx.commit()?;
    let display = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut skipped: std::collections::BTreeMap<String, u64> = Default::default();
    for (schema, _) in &read.skipped {
        *skipped.entry(schema.clone()).or_default() += 1;
    }
    Ok(Summary {
        bundle: full,
        batch,
        scope,
        already_imported: false,
        imported_at,
        files: vec![FileSummary {
            role: "ftm",
            path: display,
            sha256: sha,
            rows: read.lines,
            stored,
            refused,
            extra_columns: Vec::new(),
            skipped: skipped.into_iter().collect(),
        }],
        rejects: rejects_path,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A scope name not used by another batch: `base`, else `base-2`, `base-3`...
/// An explicitly chosen scope that is taken is an error instead.
fn unique_scope(tx: &rusqlite::Transaction<'_>, base: &str, explicit: bool) -> Result<String> {
    if explicit && scope_taken(tx, base)? {
        return Err(Error::field(Field::Scope, format!("scope {base:?} is already used by another batch in this case; choose another")));
    }
    let mut s = base.to_string();
    let mut n = 2;
    while scope_taken(tx, &s)? {
        s = format!("{base}-{n}");
        n += 1;
    }
    Ok(s)
}

const MAX_ERRORS: usize = 50;
/// Records per message from the validator to the writer.
const BATCH: usize = 512;

/// What the validator hands to the writer.
enum Item {
    Record(Record),
    /// A refused row: the error and the row as CSV text (for the rejects file).
    Refused(InputError, String),
    /// The file cannot be read on (broken quoting, bad bytes): stop.
    Fatal(InputError),
}

struct FileCtx<'a> {
    spec: &'a TableSpec,
    plan: &'a Plan,
    name: &'a str,
    skip_invalid: bool,
    bar: Option<&'a indicatif::ProgressBar>,
    rates: &'a crate::refdata::fx::Rates,
}

/// What the validator read of one file.
struct FileRead {
    rows: u64,
    sha: String,
    /// Every shipment id was greater (bytewise) than the one before: no two are equal.
    ids_increasing: bool,
}

/// Reads and checks every row of one file, sending records to the writer.
/// Returns the row count and the file's SHA-256, or the read error that stopped it.
fn validate_file(
    mut file: CsvFile,
    ctx: &FileCtx<'_>,
    reg: &mut Registry,
    out: mpsc::SyncSender<Vec<Item>>,
    spent: mpsc::Receiver<Vec<Item>>,
) -> Result<FileRead, InputError> {
    let mut row = Row::new();
    let mut rows = 0u64;
    let (mut ids_increasing, mut last_id) = (true, Vec::new());
    let mut batch = Vec::with_capacity(BATCH);
    let send = |batch: &mut Vec<Item>| out.send(std::mem::replace(batch, Vec::with_capacity(BATCH))).is_ok();
    loop {
        match file.next_row(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                rows += 1;
                if ctx.skip_invalid {
                    // The csv reader resumes at the next record.
                    batch.push(Item::Refused(e, String::new()));
                    continue;
                }
                batch.push(Item::Fatal(e.clone()));
                send(&mut batch);
                return Err(e);
            }
        }
        rows += 1;
        let (plan, line) = (ctx.plan, row.line);
        let result = match ctx.spec.name {
            "entities" => tables::entity(plan, reg, &row.record, line).map(|r| vec![Record::Entity(r)]),
            "shipments" => tables::shipment(plan, reg, ctx.rates, &row.record, line)
                .map(|(s, parties)| parties.into_iter().map(Record::Entity).chain(std::iter::once(Record::Shipment(s))).collect()),
            "relations" => tables::relation(plan, reg, &row.record, line).map(|r| vec![Record::Relation(r)]),
            _ => tables::listing(plan, reg, &row.record, line).map(|r| vec![Record::Listing(r)]),
        };
        match result {
            Ok(records) => {
                if let Some(Record::Shipment(s)) = records.last() {
                    let id = s.data.input_id.as_bytes();
                    // An id is never empty (required), so an empty `last_id` means no row before.
                    ids_increasing &= last_id.is_empty() || id > last_id.as_slice();
                    last_id.clear();
                    last_id.extend_from_slice(id);
                }
                batch.extend(records.into_iter().map(Item::Record))
            }
            Err(e) => {
                if ctx.spec.name == "entities" {
                    if let Some(id) = plan.get(0, &row.record).ok().flatten() {
                        reg.refuse(&id.value, ctx.name, line);
                    }
                }
                let err = InputError { file: file.path.clone(), line, column: e.column, message: e.message };
                batch.push(Item::Refused(err, record_text(&row.record)));
            }
        }
        if batch.len() >= BATCH {
            // Free what the writer has stored (see `recycle`).
            while let Ok(done) = spent.try_recv() {
                drop(done);
            }
            if !send(&mut batch) {
                return Err(InputError::new(&file.path, line, None, "stopped"));
            }
            if let Some(b) = ctx.bar {
                b.set_position(file.bytes_read.load(Ordering::Relaxed));
            }
        }
    }
    send(&mut batch);
    let sha = file.finish()?;
    Ok(FileRead { rows, sha, ids_increasing })
}

/// A row as one line of CSV, for the rejects file.
fn record_text(r: &csv::StringRecord) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b' ')).from_writer(Vec::new());
    let _ = w.write_record(r);
    String::from_utf8_lossy(&w.into_inner().unwrap_or_default()).trim_end().to_string()
}

fn day(d: Option<crate::model::Day>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// Hands one validated record to the store, with its raw values and extra
/// attributes. Returns the error for a record the store refused (a shipment
/// id already used in this batch).
fn store_record(w: &mut BatchWriter<'_>, r: &Record, plan: &Plan, file_id: i64, path: &Path) -> Result<Option<InputError>> {
    use crate::store::writer::{NewEntity, NewListing, NewRelation, NewShipment, Table};
    let (table, id, raws, extras) = match r {
        Record::Entity(r) => {
            let e = &r.data;
            let id = w.entity(&NewEntity {
                id: e.row,
                input_id: &e.input_id,
                name: &e.name,
                kind: e.kind.as_str(),
                country: e.country.as_ref().map(|c| c.as_str()),
                address: e.address.as_deref(),
                incorporated: day(e.incorporated).as_deref(),
                roles: &e.roles.to_list(),
                source: e.source.as_deref(),
                src_file: file_id,
                src_line: r.line,
            })?;
            for a in &e.aliases {
                w.alias(id, a)?;
            }
            for (s, v) in &e.identifiers {
                w.identifier(id, s, v)?;
            }
            (Table::Entity, id, &r.raws, &r.extras)
        }
        Record::Shipment(r) => {
            let s = &r.data;
            let date = s.date.iso();
            let stored = w.shipment(&NewShipment {
                input_id: &s.input_id,
                date: date.as_str(),
                shipper: s.shipper,
                consignee: s.consignee,
                hs: &s.hs,
                description: s.description.as_deref(),
                manufacturer: s.manufacturer.as_deref(),
                origin_country: s.origin_country.as_ref().map(|c| c.as_str()),
                from_country: s.from_country.as_ref().map(|c| c.as_str()),
                to_country: s.to_country.as_ref().map(|c| c.as_str()),
                quantity: s.quantity,
                unit: s.unit.as_deref(),
                value_usd: s.value_usd,
                weight_kg: s.weight_kg,
                source: s.source.as_deref(),
                value: s.declared.as_ref().and_then(|d| d.value),
                currency: s.declared.as_ref().map(|d| d.currency.as_str()),
                usd_rate: s.declared.as_ref().and_then(|d| d.usd_rate),
                usd_rate_source: s.declared.as_ref().and_then(|d| d.usd_rate_source.as_deref()),
                src_file: file_id,
                src_line: r.line,
            })?;
            let Some(id) = stored else {
                let first = w.shipment_line(&s.input_id)?;
                return Ok(Some(duplicate_shipment(path, r.line, &s.input_id, first)));
            };
            (Table::Shipment, id, &r.raws, &r.extras)
        }
        Record::Relation(r) => {
            let x = &r.data;
            let id = w.relation(&NewRelation {
                from: x.from,
                to: x.to,
                kind: x.kind.as_str(),
                share: x.share,
                start: day(x.start).as_deref(),
                end: day(x.end).as_deref(),
                source: x.source.as_deref(),
                src_file: file_id,
                src_line: r.line,
            })?;
            (Table::Relation, id, &r.raws, &r.extras)
        }
        Record::Listing(r) => {
            let x = &r.data;
            let id = w.listing(&NewListing {
                entity: x.entity,
                list: &x.list,
                program: x.program.as_deref(),
                listed_on: day(x.listed_on).as_deref(),
                source: x.source.as_deref(),
                src_file: file_id,
                src_line: r.line,
            })?;
            (Table::List, id, &r.raws, &r.extras)
        }
    };
    for (field, raw) in raws {
        w.raw_value(table, id, field, raw)?;
    }
    for (i, value) in extras {
        w.extra(table, id, &plan.extras[*i].1, value)?;
    }
    Ok(None)
}

/// The error for a shipment row whose id an earlier row (`first`: its file and line) used.
fn duplicate_shipment(path: &Path, line: u64, input_id: &str, first: Option<(String, i64)>) -> InputError {
    let at = first
        .map(|(f, l)| format!("{} line {l}", Path::new(&f).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(f)))
        .unwrap_or_else(|| "an earlier row".into());
    InputError::new(path, line, Some("id"), format!("duplicate id {input_id:?}: already used at {at}; ids must be unique"))
}

fn case_path_hint(tx: &rusqlite::Transaction<'_>) -> Option<PathBuf> {
    tx.path().filter(|p| !p.is_empty()).map(PathBuf::from)
}

/// The identity of a bundle's content: its files' hashes by role, and the mapping used.
fn content_hash(hashes: &[(&str, String)], mapping: Option<&Mapping>) -> String {
    let mut v: Vec<_> = hashes.to_vec();
    v.sort();
    let mut h = Sha256::new();
    for (role, sha) in v {
        h.update(format!("{role}\t{sha}\n"));
    }
    if let Some(m) = mapping {
        h.update(b"mapping\t");
        h.update(m.text.as_bytes());
    }
    source::hex(&h.finalize())
}

fn progress_bar(enabled: bool, name: &str, size: u64) -> Option<indicatif::ProgressBar> {
    if !enabled || size < 4 << 20 || !std::io::stderr().is_terminal() {
        return None;
    }
    let b = indicatif::ProgressBar::new(size);
    b.set_style(
        indicatif::ProgressStyle::with_template("{prefix:>14} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
            .expect("static template")
            .progress_chars("=> "),
    );
    b.set_prefix(name.to_string());
    b.enable_steady_tick(Duration::from_millis(200));
    Some(b)
}

/// Refused rows with their reasons, written as CSV for `--skip-invalid`.
struct Rejects {
    path: Option<PathBuf>,
    writer: Option<crate::text::csv_out::CsvOut<crate::atomic::AtomicFile>>,
    enabled: bool,
}

impl Rejects {
    fn new(opts: &Options, case_path: Option<PathBuf>) -> Rejects {
        let path = opts.rejects.clone().or_else(|| case_path.map(|p| p.with_extension("rejects.csv")));
        Rejects { path, writer: None, enabled: opts.skip_invalid }
    }

    fn write(&mut self, e: &InputError, rec: &str) -> Result<()> {
        if !self.enabled {
            return Ok(());
        }
        let path = self.path.clone().unwrap_or_else(|| PathBuf::from("rejects.csv"));
        if self.writer.is_none() {
            let f = crate::atomic::AtomicFile::create(&path)?;
            let mut w = crate::text::csv_out::CsvOut::new(f);
            w.write_record(["file", "line", "column", "reason", "record"]).map_err(|err| Error::io(&path, err))?;
            self.writer = Some(w);
        }
        let file = e.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        self.writer
            .as_mut()
            .expect("opened above")
            .write_record([file, e.line.to_string(), e.column.clone().unwrap_or_default(), e.message.clone(), rec.to_string()])
            .map_err(|err| Error::io(&path, err))
    }

    fn finish(self) -> Result<Option<String>> {
        match (self.writer, self.path) {
            (Some(w), Some(p)) => {
                w.into_inner().map_err(|e| Error::io(&p, e))?.commit()?;
                Ok(Some(p.display().to_string()))
            }
            _ => Ok(None),
        }
    }
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (for batch records and the
/// report's generation time, never in diagrams). `SOURCE_DATE_EPOCH` (seconds
/// since 1970, the reproducible-builds convention) replaces the clock, so a
/// rerun can produce the same bytes.
pub fn now_rfc3339() -> String {
    let fixed = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|v| v.trim().parse::<u64>().ok());
    let secs =
        fixed.unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0));
    let day = crate::model::Day((secs / 86_400) as i32);
    let rem = secs % 86_400;
    format!("{day}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}
