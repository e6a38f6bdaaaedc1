//! The case file: one SQLite database per investigation.
//!
//! Architecture invariant: this module is the only one that knows SQL.
//! Others get plain records from it (see `model`) and hand records to it.

pub mod assess;
mod bulk;
pub mod dump;
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
    /// Opened without write access (file mode, `--read-only`): nothing is written, not even caches.
    read_only: bool,
}

/// How a command opens a case file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// A reading command: works on a read-only file; never creates or initialises one.
    Read,
    /// `--read-only`: SQLite's `immutable` mode, the file is not even locked.
    Immutable,
    /// A command that changes the case: needs write access, and says so.
    Write,
}

/// What SQLite's error means for the user, in words (the raw text follows in brackets).
pub fn describe_sql_error(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    let words = match e {
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            C::DatabaseCorrupt => "the file is damaged (not a complete SQLite database); restore it from a copy",
            C::NotADatabase => "not a SQLite database (is this really a divtrace case file?)",
            C::DatabaseBusy | C::DatabaseLocked => {
                "another divtrace (or another program) holds it: waited 5 seconds for it to finish; try again when it has"
            }
            C::DiskFull => "the disk is full; nothing was changed: free some space and run the command again",
            C::ReadOnly => "the file is read-only: this command changes the case and needs write access",
            C::SystemIoFailure => "the disk reported an I/O error (a full disk, a removed drive or a network share gone away)",
            C::CannotOpen => "cannot open it (does its folder exist and may this user read it?)",
            C::PermissionDenied => "permission denied",
            C::OutOfMemory => "out of memory",
            _ => "its contents are not what divtrace expects (is this a divtrace case file, and not damaged?)",
        },
        rusqlite::Error::IntegralValueOutOfRange(_, _)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::FromSqlConversionFailure(..) => {
            "a stored value is not what divtrace wrote (is this a divtrace case file, and not damaged?)"
        }
        _ => "its contents are not what divtrace expects (is this a divtrace case file, and not damaged?)",
    };
    format!("{words} [SQLite: {e}]")
}

/// `file:` URI for SQLite, with every byte outside the unreserved set percent-encoded.
fn sqlite_uri(path: &Path, query: &str) -> String {
    let mut u = String::from("file:");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/._-~".contains(&b) {
            u.push(b as char);
        } else {
            u.push_str(&format!("%{b:02X}"));
        }
    }
    u + "?" + query
}

impl Case {
    /// Opens an existing case file for reading, upgrading its schema if it is
    /// older than this tool and the file is writable.
    ///
    /// # Errors
    /// When the file does not exist, is empty, is not a divtrace case file, or
    /// was written by a newer divtrace.
    pub fn open(path: &Path) -> Result<Case> {
        Self::open_as(path, Access::Read)
    }

    /// Opens an existing case file with the given access.
    pub fn open_as(path: &Path, access: Access) -> Result<Case> {
        let case_err = |message: String| Error::Case { path: path.to_path_buf(), message };
        let meta = std::fs::metadata(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                case_err("no such case file (create one with `divtrace ingest BUNDLE_DIR --case FILE`)".into())
            } else {
                case_err(format!("cannot read it: {e}"))
            }
        })?;
        if meta.is_dir() {
            return Err(case_err("is a folder, not a case file".into()));
        }
        if meta.len() == 0 {
            // An empty file is not initialised by a reading command: that would change the user's file.
            return Err(case_err("the file is empty (0 bytes), not a case file; only `divtrace ingest` creates case files".into()));
        }
        let flags = match access {
            Access::Immutable => OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
            // READ_WRITE falls back to read-only for a file the user may not write.
            Access::Read | Access::Write => OpenFlags::SQLITE_OPEN_READ_WRITE,
        };
        let case = Self::open_with(path, flags, access)?;
        if access == Access::Write && case.read_only {
            return Err(case_err(
                "this command changes the case and needs write access, but the file is read-only (its mode, its folder, or the medium); \
                 reading commands (info, routes, assess, hubs, export, report) work on it as it is"
                    .into(),
            ));
        }
        Ok(case)
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
        Ok(Case { conn, path: path.to_path_buf(), read_only: true })
    }

    /// Opens a case file, creating an empty one when it does not exist.
    pub fn open_or_create(path: &Path) -> Result<Case> {
        if path.is_dir() {
            return Err(Error::Case { path: path.to_path_buf(), message: "is a folder, not a case file".into() });
        }
        let case = Self::open_with(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE, Access::Write)?;
        if case.read_only {
            return Err(Error::Case {
                path: path.to_path_buf(),
                message: "importing changes the case and needs write access, but the file is read-only".into(),
            });
        }
        Ok(case)
    }

    fn open_with(path: &Path, flags: OpenFlags, access: Access) -> Result<Case> {
        let case_err = |message: String| Error::Case { path: path.to_path_buf(), message };
        let opened = match access {
            Access::Immutable => Connection::open_with_flags(sqlite_uri(path, "immutable=1"), flags | OpenFlags::SQLITE_OPEN_NO_MUTEX),
            _ => Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX),
        };
        let conn = opened.map_err(|e| case_err(format!("cannot open: {}", describe_sql_error(&e))))?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(|e| case_err(describe_sql_error(&e)))?;
        let read_only = conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true);
        let mut case = Case { conn, path: path.to_path_buf(), read_only };
        case.migrate().map_err(|e| match e {
            Error::Sql(e) => case_err(format!("opening it failed: {}", describe_sql_error(&e))),
            other => other,
        })?;
        Ok(case)
    }

    fn migrate(&mut self) -> Result<()> {
        // Read as i64: a foreign file may hold any value here.
        let version: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version < 0 {
            return Err(Error::Case {
                path: self.path.clone(),
                message: format!("not a divtrace case file (its SQLite user_version is {version})"),
            });
        }
        if version > schema::CURRENT_VERSION as i64 {
            return Err(Error::Case {
                path: self.path.clone(),
                message: format!(
                    "schema version {version} is newer than this divtrace understands ({}); upgrade divtrace",
                    schema::CURRENT_VERSION
                ),
            });
        }
        let version = version as u32;
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
            if self.read_only {
                return Err(Error::Case {
                    path: self.path.clone(),
                    message: format!(
                        "its schema (v{version}) is older than this divtrace's (v{}), and upgrading it needs write access; \
                         work on a writable copy",
                        schema::CURRENT_VERSION
                    ),
                });
            }
            let tx = self.conn.transaction()?;
            for (i, m) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
                // A migration that fails on a file claiming a divtrace version
                // means the file is not one (its tables are not divtrace's);
                // the transaction is dropped, so nothing changed.
                tx.execute_batch(m).map_err(|e| match e {
                    rusqlite::Error::SqliteFailure(..) if version > 0 => Error::Case {
                        path: self.path.clone(),
                        message: format!(
                            "not a divtrace case file: it says schema v{version} but upgrading it to v{} failed [SQLite: {e}]",
                            i + 1
                        ),
                    },
                    other => other.into(),
                })?;
                tx.pragma_update(None, "user_version", (i + 1) as u32)?;
            }
            tx.commit()?;
        }
        // A foreign file can carry the same user_version: check divtrace's tables are there.
        if let Err(e) = self.conn.execute_batch(schema::SHAPE_CHECK) {
            return Err(Error::Case {
                path: self.path.clone(),
                message: format!(
                    "not a divtrace case file: it says schema v{version} but lacks divtrace's tables or columns [SQLite: {e}]"
                ),
            });
        }
        Ok(())
    }

    /// Whether the case was opened without write access.
    pub fn is_read_only(&self) -> bool {
        self.read_only
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
    /// A read-only case is searched without them (slower lookups, same results).
    pub fn ensure_indexes(&self) -> Result<()> {
        if self.read_only {
            return Ok(());
        }
        self.conn.execute_batch(schema::ENTITY_INDEXES)?;
        self.conn.execute_batch(schema::INDEXES)?;
        Ok(())
    }

    /// The lookup indexes ([`schema::INDEXES`]) the case file does not hold
    /// yet: a case straight from `ingest` has none of them until a command
    /// that may write has looked records up ([`Case::ensure_indexes`]); a
    /// read-only reader finds the same records without them, by scanning.
    pub fn missing_lookup_indexes(&self) -> Result<Vec<&'static str>> {
        let mut st = self.conn.prepare("SELECT name FROM sqlite_master WHERE type = 'index'")?;
        let have = st.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<std::collections::HashSet<String>>>()?;
        Ok(schema::lookup_index_names().into_iter().filter(|n| !have.contains(*n)).collect())
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

/// Column `i` of `row` as a relation kind. Every writer stores
/// [`RelationKind::as_str`], so another value means the case file was
/// changed by hand: a conversion error naming it, not a guess.
fn relation_kind(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<crate::model::RelationKind> {
    let text: String = row.get(i)?;
    crate::model::RelationKind::parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("unknown relation kind '{text}'").into())
    })
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
    fn the_lookup_indexes_are_missing_until_built() {
        let names = schema::lookup_index_names();
        assert_eq!(names.len(), schema::INDEXES.matches("CREATE ").count(), "{names:?}");
        assert!(names.contains(&"shipment_shipper") && names.contains(&"shipment_batch_id"), "{names:?}");
        let dir = tempfile::tempdir().unwrap();
        let c = Case::open_or_create(&dir.path().join("c.db")).unwrap();
        // A new case holds the V3 unique index from its migration, none of the others.
        let missing = c.missing_lookup_indexes().unwrap();
        assert!(missing.contains(&"shipment_shipper") && missing.contains(&"raw_record"), "{missing:?}");
        c.ensure_indexes().unwrap();
        assert_eq!(c.missing_lookup_indexes().unwrap(), Vec::<&str>::new());
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
