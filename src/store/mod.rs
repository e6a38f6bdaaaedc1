//! The case file: one SQLite database per investigation.
//!
//! Architecture invariant: this module is the only one that knows SQL.
//! Others get plain records from it (see `model`) and hand records to it.

pub mod assess;
pub mod evidence;
pub mod graph;
pub mod info;
pub mod lookup;
pub mod resolution;
pub mod schema;
pub mod writer;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::error::{Error, Result};

/// An open case file.
pub struct Case {
    pub(crate) conn: Connection,
    path: PathBuf,
}

impl Case {
    /// Opens an existing case file, upgrading its schema if it is older than this tool.
    ///
    /// # Errors
    /// When the file does not exist, is not a divtrace case file, or was
    /// written by a newer divtrace.
    pub fn open(path: &Path) -> Result<Case> {
        if !path.exists() {
            return Err(Error::Case {
                path: path.to_path_buf(),
                message: "no such case file (create one with `divtrace ingest BUNDLE_DIR --case FILE`)".into(),
            });
        }
        Self::open_with(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
    }

    /// Opens an existing case file read-only (SQLite refuses every write on
    /// the connection). Never upgrades the schema: a case written by an older
    /// divtrace must be opened read-write once (any command does it) first.
    pub fn open_read_only(path: &Path) -> Result<Case> {
        let case_err = |message: String| Error::Case { path: path.to_path_buf(), message };
        if !path.exists() {
            return Err(case_err("no such case file (create one with `divtrace ingest BUNDLE_DIR --case FILE`)".into()));
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| case_err(format!("cannot open: {e}")))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                case_err("not a SQLite database (is this really a divtrace case file?)".into())
            }
            other => Error::Sql(other),
        })?;
        if version != schema::CURRENT_VERSION {
            let why = if version == 0 {
                "is not a divtrace case file (no divtrace schema version)".to_string()
            } else if version > schema::CURRENT_VERSION {
                format!(
                    "has schema version {version}, newer than this divtrace understands ({}); upgrade divtrace",
                    schema::CURRENT_VERSION
                )
            } else {
                format!("has schema version {version}; run `divtrace info --case FILE` once to upgrade it, then open it read-only")
            };
            return Err(case_err(why));
        }
        Ok(Case { conn, path: path.to_path_buf() })
    }

    /// Opens a case file, creating an empty one when it does not exist.
    pub fn open_or_create(path: &Path) -> Result<Case> {
        Self::open_with(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)
    }

    fn open_with(path: &Path, flags: OpenFlags) -> Result<Case> {
        let case_err = |message: String| Error::Case { path: path.to_path_buf(), message };
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| case_err(format!("cannot open: {e}")))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let mut case = Case { conn, path: path.to_path_buf() };
        case.migrate().map_err(|e| match e {
            Error::Sql(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::NotADatabase => {
                case_err("not a SQLite database (is this really a divtrace case file?)".into())
            }
            other => other,
        })?;
        Ok(case)
    }

    fn migrate(&mut self) -> Result<()> {
        let version: u32 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > schema::CURRENT_VERSION {
            return Err(Error::Case {
                path: self.path.clone(),
                message: format!(
                    "schema version {version} is newer than this divtrace understands ({}); upgrade divtrace",
                    schema::CURRENT_VERSION
                ),
            });
        }
        if version == 0 {
            let tables: i64 = self.conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
            if tables > 0 {
                return Err(Error::Case {
                    path: self.path.clone(),
                    message: "this SQLite file is not a divtrace case file (it has tables but no divtrace schema version)".into(),
                });
            }
        }
        if version < schema::CURRENT_VERSION {
            let tx = self.conn.transaction()?;
            for (i, m) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
                tx.execute_batch(m)?;
                tx.pragma_update(None, "user_version", (i + 1) as u32)?;
            }
            tx.commit()?;
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for the store's own submodules.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Starts the one transaction an import or other change runs in; dropping it uncommitted rolls back.
    pub fn transaction(&mut self) -> Result<rusqlite::Transaction<'_>> {
        // Bulk loads: a larger page cache for the index builds, temp b-trees in memory.
        self.conn.execute_batch("PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;")?;
        Ok(self.conn.transaction()?)
    }

    /// Builds the lookup indexes if they are missing. Ingest leaves them out
    /// (building them is a third of a bulk load's time and route search does
    /// not need them); commands that look records up by entity call this first.
    /// A case opened read-only is queried as it is (the same answers, slower lookups where an index is missing).
    pub fn ensure_indexes(&self) -> Result<()> {
        if self.conn.is_readonly(rusqlite::MAIN_DB)? {
            return Ok(());
        }
        self.conn.execute_batch(schema::ENTITY_INDEXES)?;
        self.conn.execute_batch(schema::INDEXES)?;
        Ok(())
    }

    /// A counter bumped by every change to the case's records; derived data
    /// (the graph cache) is valid only for the generation it was built from.
    pub fn generation(&self) -> Result<i64> {
        let g: String = self.conn.query_row("SELECT value FROM case_meta WHERE key = 'generation'", [], |r| r.get(0))?;
        Ok(g.parse().unwrap_or(0))
    }

    /// Marks the case as changed. Call inside the transaction that changes it.
    pub(crate) fn bump_generation(conn: &Connection) -> Result<()> {
        conn.execute("UPDATE case_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'generation'", [])?;
        Ok(())
    }

    /// Reads a value from `case_meta`.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM case_meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_and_reopens_at_current_version() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.db");
        let c = Case::open_or_create(&p).unwrap();
        assert_eq!(c.generation().unwrap(), 0);
        drop(c);
        let c = Case::open(&p).unwrap();
        let v: u32 = c.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, schema::CURRENT_VERSION);
    }

    #[test]
    fn refuses_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.db");
        std::fs::write(&p, b"this is not sqlite at all, not even close.....................................................").unwrap();
        assert!(Case::open(&p).is_err());
        let q = dir.path().join("other.db");
        Connection::open(&q).unwrap().execute_batch("CREATE TABLE t(x)").unwrap();
        let e = Case::open(&q).err().unwrap().to_string();
        assert!(e.contains("not a divtrace case file"), "{e}");
        assert!(Case::open(&dir.path().join("missing.db")).is_err());
        assert!(Case::open_read_only(&q).is_err());
        assert!(Case::open_read_only(&p).is_err());
    }

    #[test]
    fn read_only_refuses_writes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.db");
        drop(Case::open_or_create(&p).unwrap());
        let c = Case::open_read_only(&p).unwrap();
        assert_eq!(c.generation().unwrap(), 0);
        assert!(c.conn.execute("UPDATE case_meta SET value = '9' WHERE key = 'generation'", []).is_err());
        assert_eq!(c.generation().unwrap(), 0);
    }
}
