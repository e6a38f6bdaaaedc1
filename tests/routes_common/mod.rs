//! Test helpers for route tests: build case files with SQL (matching the
//! case-file schema) from small CSV texts in the bundle's column names, and
//! run the CLI.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::{params, Connection};

/// A case file being filled with rows.
pub struct CaseFile {
    pub path: PathBuf,
    conn: Connection,
}

fn cell<'a>(rec: &'a csv::StringRecord, head: &csv::StringRecord, col: &str) -> Option<&'a str> {
    head.iter().position(|h| h == col).and_then(|i| rec.get(i)).map(str::trim).filter(|s| !s.is_empty())
}

impl CaseFile {
    /// Creates an empty case file with the current schema.
    pub fn create(path: &Path) -> CaseFile {
        drop(divtrace::store::Case::open_or_create(path).unwrap());
        CaseFile { path: path.to_path_buf(), conn: Connection::open(path).unwrap() }
    }

    fn batch(&self, scope: &str) -> i64 {
        if let Ok(id) = self.conn.query_row("SELECT id FROM batch WHERE scope = ?1", [scope], |r| r.get(0)) {
            return id;
        }
        self.conn
            .execute(
                "INSERT INTO batch (scope, format, bundle_path, content_sha256, imported_at, tool_version) VALUES (?1, 'bundle', ?1, ?1, '2024-01-01T00:00:00Z', 'test')",
                [scope],
            )
            .unwrap();
        self.conn.last_insert_rowid()
    }

    fn file(&self, batch: i64, role: &str, path: &str, rows: usize) -> i64 {
        self.conn
            .execute(
                "INSERT INTO batch_file (batch, role, path, sha256, rows) VALUES (?1, ?2, ?3, '', ?4)",
                params![batch, role, path, rows as i64],
            )
            .unwrap();
        self.conn.last_insert_rowid()
    }

    fn entity_row(&self, scope: &str, id: &str) -> i64 {
        self.conn
            .query_row(
                "SELECT e.id FROM entity e JOIN batch b ON b.id = e.batch WHERE b.scope = ?1 AND e.input_id = ?2",
                [scope, id],
                |r| r.get(0),
            )
            .unwrap_or_else(|_| panic!("test fixture: no entity {scope}:{id}"))
    }

    /// Adds `entities.csv`-shaped text (header row first) to batch `scope`.
    pub fn entities(&mut self, scope: &str, text: &str) -> &mut Self {
        let b = self.batch(scope);
        let mut rd = csv::Reader::from_reader(text.trim().as_bytes());
        let head = rd.headers().unwrap().clone();
        let recs: Vec<_> = rd.records().map(Result::unwrap).collect();
        let f = self.file(b, "entities", &format!("{scope}/entities.csv"), recs.len());
        for (i, r) in recs.iter().enumerate() {
            let c = |k| cell(r, &head, k);
            self.conn
                .execute(
                    "INSERT INTO entity (batch, input_id, name, kind, country, incorporated, roles, src_file, src_line)
                     VALUES (?1, ?2, ?3, 'company', ?4, ?5, ?6, ?7, ?8)",
                    params![
                        b,
                        c("id").unwrap(),
                        c("name").unwrap(),
                        c("country").map(str::to_uppercase),
                        c("incorporated"),
                        c("roles").unwrap_or(""),
                        f,
                        i as i64 + 2
                    ],
                )
                .unwrap();
            let e = self.conn.last_insert_rowid();
            for a in c("aliases").unwrap_or("").split(';').filter(|s| !s.is_empty()) {
                self.conn.execute("INSERT INTO entity_alias (entity, alias) VALUES (?1, ?2)", params![e, a]).unwrap();
            }
        }
        self.bump()
    }

    /// Adds `shipments.csv`-shaped text to batch `scope` (entity ids of the same batch).
    pub fn shipments(&mut self, scope: &str, text: &str) -> &mut Self {
        let b = self.batch(scope);
        let mut rd = csv::Reader::from_reader(text.trim().as_bytes());
        let head = rd.headers().unwrap().clone();
        let recs: Vec<_> = rd.records().map(Result::unwrap).collect();
        let f = self.file(b, "shipments", &format!("{scope}/shipments.csv"), recs.len());
        for (i, r) in recs.iter().enumerate() {
            let c = |k| cell(r, &head, k);
            let num = |k| c(k).map(|v: &str| v.parse::<f64>().unwrap());
            let hs = divtrace::model::normalize_hs(c("hs_code").unwrap()).unwrap();
            self.conn
                .execute(
                    "INSERT INTO shipment (batch, input_id, date, shipper, consignee, hs, description, manufacturer, origin_country,
                                           quantity, unit, value_usd, source, src_file, src_line)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                    params![
                        b,
                        c("id").unwrap(),
                        c("date").unwrap(),
                        self.entity_row(scope, c("shipper").unwrap()),
                        self.entity_row(scope, c("consignee").unwrap()),
                        hs,
                        c("description"),
                        c("manufacturer"),
                        c("origin_country").map(str::to_uppercase),
                        num("quantity"),
                        c("unit"),
                        num("value_usd"),
                        c("source"),
                        f,
                        i as i64 + 2
                    ],
                )
                .unwrap();
        }
        self.bump()
    }

    /// Adds `lists.csv`-shaped text (columns entity, list).
    pub fn lists(&mut self, scope: &str, text: &str) -> &mut Self {
        let b = self.batch(scope);
        let mut rd = csv::Reader::from_reader(text.trim().as_bytes());
        let head = rd.headers().unwrap().clone();
        let recs: Vec<_> = rd.records().map(Result::unwrap).collect();
        let f = self.file(b, "lists", &format!("{scope}/lists.csv"), recs.len());
        for (i, r) in recs.iter().enumerate() {
            let c = |k| cell(r, &head, k);
            let e = self.entity_row(scope, c("entity").unwrap());
            self.conn
                .execute(
                    "INSERT INTO list_membership (batch, entity, list, src_file, src_line) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![b, e, c("list").unwrap(), f, i as i64 + 2],
                )
                .unwrap();
        }
        self.bump()
    }

    /// Puts `members` (bundle ids in `scope`) in the cluster represented by `rep`.
    pub fn cluster(&mut self, scope: &str, rep: &str, members: &[&str]) -> &mut Self {
        let r = self.entity_row(scope, rep);
        for m in members.iter().chain(std::iter::once(&rep)) {
            let e = self.entity_row(scope, m);
            self.conn.execute("INSERT OR REPLACE INTO entity_cluster (entity, cluster) VALUES (?1, ?2)", params![e, r]).unwrap();
        }
        self.bump()
    }

    /// Loads a bundle folder (entities.csv, shipments.csv, lists.csv if present).
    pub fn bundle(&mut self, scope: &str, dir: &Path) -> &mut Self {
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
        self.entities(scope, &read("entities.csv").unwrap());
        self.shipments(scope, &read("shipments.csv").unwrap());
        if let Some(l) = read("lists.csv") {
            self.lists(scope, &l);
        }
        self
    }

    /// Marks the case as changed, as every writer must (the graph cache keys on it).
    pub fn bump(&mut self) -> &mut Self {
        self.conn.execute("UPDATE case_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'generation'", []).unwrap();
        self
    }

    pub fn sql(&self, sql: &str) {
        self.conn.execute_batch(sql).unwrap();
    }

    pub fn query_i64(&self, sql: &str) -> i64 {
        self.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

/// The output of one CLI run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}

pub fn divtrace(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_divtrace")).args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `divtrace routes --case CASE ARGS --format json`, parsed.
pub fn routes_json(case: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["routes", "--case", case.to_str().unwrap(), "--format", "json"];
    a.extend_from_slice(args);
    divtrace(&a).json()
}

/// The `shipments` lists of a routes JSON, in rank order.
pub fn route_ids(v: &serde_json::Value) -> Vec<Vec<String>> {
    v["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["shipments"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .collect()
}

/// Same, sorted (for set comparisons).
pub fn route_set(v: &serde_json::Value) -> Vec<Vec<String>> {
    let mut r = route_ids(v);
    r.sort();
    r
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/routes").join(name)
}
