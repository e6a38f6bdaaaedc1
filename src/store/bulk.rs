//! A prepared INSERT for bulk loads that binds text without copying it.
//!
//! rusqlite binds every string as `SQLITE_TRANSIENT`, so SQLite allocates
//! and copies each value before the row is even built; in a 1,000,000-row
//! import those copies, their allocations and rusqlite's per-parameter
//! conversions were about a fifth of the writer thread. Here text is bound
//! as `SQLITE_STATIC`: SQLite reads it in place while the row is stepped.
//! That is sound because [`Insert::run`] binds every parameter, steps and
//! resets within one call that borrows the values, and nothing reads the
//! (then dangling) bindings before the next call binds them all again.

use std::ffi::{c_char, c_int, CStr, CString};
use std::marker::PhantomData;

use rusqlite::{ffi, Connection};

/// One parameter value.
#[derive(Clone, Copy, Debug)]
pub enum Val<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
}

impl<'a> From<Option<&'a str>> for Val<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(Val::Null, Val::Text)
    }
}

impl From<Option<f64>> for Val<'_> {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Val::Null, Val::Real)
    }
}

/// A prepared statement on `'c`'s connection, finalised when dropped.
pub struct Insert<'c> {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
    params: usize,
    _conn: PhantomData<&'c Connection>,
}

impl<'c> Insert<'c> {
    /// Prepares `sql` (one statement that returns no rows).
    pub fn new(conn: &'c Connection, sql: &str) -> rusqlite::Result<Insert<'c>> {
        let text = CString::new(sql).map_err(rusqlite::Error::NulError)?;
        // SAFETY: the handle belongs to `conn`, which outlives this statement ('c).
        let db = unsafe { conn.handle() };
        let mut stmt = std::ptr::null_mut();
        // SAFETY: valid handle, NUL-terminated text, out-pointer to a local.
        let rc = unsafe { ffi::sqlite3_prepare_v2(db, text.as_ptr(), -1, &mut stmt, std::ptr::null_mut()) };
        if rc != ffi::SQLITE_OK || stmt.is_null() {
            return Err(error(db, rc));
        }
        // SAFETY: a prepared statement.
        let params = unsafe { ffi::sqlite3_bind_parameter_count(stmt) } as usize;
        Ok(Insert { db, stmt, params, _conn: PhantomData })
    }

    /// Binds `values` to ?1, ?2, ... (all of them), runs the statement and resets it.
    ///
    /// # Errors
    /// SQLite's error, with its extended code (a constraint violation is `SQLITE_CONSTRAINT_UNIQUE` etc.).
    pub fn run(&mut self, values: &[Val<'_>]) -> rusqlite::Result<()> {
        assert_eq!(values.len(), self.params, "an INSERT gets exactly its parameters");
        for (i, v) in values.iter().enumerate() {
            let at = (i + 1) as c_int;
            // SAFETY: a live statement; text stays borrowed until the reset below,
            // after which SQLite does not read these bindings again (see the module docs).
            let rc = unsafe {
                match *v {
                    Val::Null => ffi::sqlite3_bind_null(self.stmt, at),
                    Val::Int(x) => ffi::sqlite3_bind_int64(self.stmt, at, x),
                    Val::Real(x) => ffi::sqlite3_bind_double(self.stmt, at, x),
                    Val::Text(s) => ffi::sqlite3_bind_text64(
                        self.stmt,
                        at,
                        s.as_ptr().cast::<c_char>(),
                        s.len() as ffi::sqlite3_uint64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8 as _,
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(error(self.db, rc));
            }
        }
        // SAFETY: a live statement with every parameter bound.
        let rc = unsafe { ffi::sqlite3_step(self.stmt) };
        let err = (rc != ffi::SQLITE_DONE).then(|| error(self.db, rc));
        // SAFETY: as above; reset's return repeats the step's error, already taken.
        unsafe { ffi::sqlite3_reset(self.stmt) };
        err.map_or(Ok(()), Err)
    }
}

impl Drop for Insert<'_> {
    fn drop(&mut self) {
        // SAFETY: prepared by `new`, finalised once.
        unsafe { ffi::sqlite3_finalize(self.stmt) };
    }
}

/// The connection's current error as rusqlite's error type (extended code and message).
fn error(db: *mut ffi::sqlite3, rc: c_int) -> rusqlite::Error {
    // SAFETY: a live handle; the message is copied before any other call on it.
    let (code, msg) = unsafe {
        let code = ffi::sqlite3_extended_errcode(db);
        let p = ffi::sqlite3_errmsg(db);
        let msg = if p.is_null() { None } else { Some(CStr::from_ptr(p).to_string_lossy().into_owned()) };
        (if code == ffi::SQLITE_OK { rc } else { code }, msg)
    };
    rusqlite::Error::SqliteFailure(ffi::Error::new(code), msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (String, Option<i64>, Option<f64>, Option<String>);

    #[test]
    fn binds_every_kind_and_reports_constraint_errors() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (a TEXT, b INTEGER, c REAL, d TEXT, UNIQUE (a))").unwrap();
        let mut ins = Insert::new(&c, "INSERT INTO t VALUES (?1, ?2, ?3, ?4)").unwrap();
        for i in 0..3 {
            // A fresh string each time: its buffer is gone before the next row is bound.
            let a = format!("row{i}\u{e9}");
            ins.run(&[Val::Text(&a), Val::Int(i), Val::Real(i as f64 / 2.0), Val::from(None::<&str>)]).unwrap();
        }
        ins.run(&[Val::Text(""), Val::Null, Val::from(Some(1.5)), Val::from(Some("x"))]).unwrap();
        let e = ins.run(&[Val::Text("row1\u{e9}"), Val::Int(9), Val::Null, Val::Null]).unwrap_err();
        match e {
            rusqlite::Error::SqliteFailure(f, Some(msg)) => {
                assert_eq!(f.extended_code, ffi::SQLITE_CONSTRAINT_UNIQUE);
                assert!(msg.contains("UNIQUE"), "{msg}");
            }
            other => panic!("{other:?}"),
        }
        // The statement is usable after an error.
        ins.run(&[Val::Text("last"), Val::Int(4), Val::Null, Val::Null]).unwrap();
        drop(ins);
        let rows: Vec<Row> = c
            .prepare("SELECT a, b, c, d FROM t ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[1], ("row1\u{e9}".into(), Some(1), Some(0.5), None));
        assert_eq!(rows[3], (String::new(), None, Some(1.5), Some("x".into())));
        assert_eq!(rows[4].0, "last");
        let typeof_b: String = c.query_row("SELECT typeof(b) FROM t WHERE a = 'row2\u{e9}'", [], |r| r.get(0)).unwrap();
        assert_eq!(typeof_b, "integer");
    }

    #[test]
    fn bad_sql_is_an_error_not_a_panic() {
        let c = Connection::open_in_memory().unwrap();
        assert!(Insert::new(&c, "INSERT INTO missing VALUES (?1)").is_err());
    }
}
