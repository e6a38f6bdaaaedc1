//! Errors that reach users. Every input error names where it happened
//! (file, line, column or field) and what was expected.

use std::fmt;
use std::path::PathBuf;

/// A problem with one place in a user's input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: PathBuf,
    /// 1-based physical line number in the file (the header is line 1), 0 when unknown.
    pub line: u64,
    /// Column (CSV header name) or field (JSON key) at fault, if any.
    pub column: Option<String>,
    pub message: String,
}

impl InputError {
    pub fn new(file: impl Into<PathBuf>, line: u64, column: Option<&str>, message: impl Into<String>) -> Self {
        InputError { file: file.into(), line, column: column.map(str::to_string), message: message.into() }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ", line {}", self.line)?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column '{c}'")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// An error in one field of a library call, in the library's terms. The
/// message names no field itself: the front end puts its own name for
/// `field` in front, and for each of `mentions` (another field the message
/// refers to, at a byte offset into `message`) — so the CLI says `--until`,
/// the serve API `until`, from one error. Route queries use it with
/// [`crate::routes::QueryField`], the other flows with [`Field`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError<F> {
    pub field: F,
    pub message: String,
    /// (byte offset into `message`, the field named there).
    pub mentions: Vec<(usize, F)>,
}

impl<F: Copy> FieldError<F> {
    /// An error in `field` with a message that names no other field.
    pub fn new(field: F, message: impl Into<String>) -> Self {
        FieldError { field, message: message.into(), mentions: Vec::new() }
    }

    /// Appends a reference to `other` (named by the front end) and then `text`.
    pub fn mention(mut self, other: F, text: &str) -> Self {
        self.mentions.push((self.message.len(), other));
        self.message.push_str(text);
        self
    }

    /// The message with every mentioned field called by `name` (a flag, a
    /// parameter); the field at fault itself is not prefixed.
    pub fn message_with(&self, name: impl Fn(F) -> &'static str) -> String {
        let mut out = String::with_capacity(self.message.len() + 16);
        let mut at = 0;
        for &(i, f) in &self.mentions {
            out.push_str(&self.message[at..i]);
            out.push_str(name(f));
            at = i;
        }
        out.push_str(&self.message[at..]);
        out
    }
}

/// A setting of a library flow other than a route query's (those are
/// [`crate::routes::QueryField`]). The CLI maps each to its flag in
/// `src/cli/fields.rs`; the library never spells a flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The screening lists of a screening (`screen::Lists`: CSL, SDN, FtM files).
    ScreeningLists,
    /// The entity a neighbourhood export is drawn around.
    Entity,
    /// [`crate::app::CaseFile::read_only`].
    ReadOnly,
    /// Rows per Parquet part file.
    PartRows,
    /// The id namespace of an import ([`crate::ingest::Options::scope`]).
    Scope,
    /// The analyst's note on a merge/split decision ([`crate::app::resolve::Decision::note`]).
    Note,
}

impl Field {
    /// The field's name in the library.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::ScreeningLists => "lists",
            Field::Entity => "entity",
            Field::ReadOnly => "read_only",
            Field::PartRows => "part_rows",
            Field::Scope => "scope",
            Field::Note => "note",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for FieldError<Field> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message_with(Field::as_str))
    }
}

/// Every error divtrace reports. `main` prints its `Display` and exits 2
/// (usage, input) or 1 (everything else); no backtraces reach a user.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Input(InputError),
    /// Several input errors found in one pass (shown up to a limit).
    #[error("{}", fmt_many(.0))]
    Inputs(Vec<InputError>),
    /// A bad command-line value; names the flag.
    #[error("{flag}: {message}")]
    Usage { flag: String, message: String },
    /// A route query out of range, naming its field; front ends turn it
    /// into their own terms (the CLI into a [`Error::Usage`] naming the flag).
    #[error("{0}")]
    Query(crate::routes::QueryError),
    /// A bad setting of another flow, naming its [`Field`]; the CLI names the flag.
    #[error("{0}")]
    Field(FieldError<Field>),
    #[error("case file {path}: {message}")]
    Case { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("case file: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Other(String),
}

fn fmt_many(errs: &[InputError]) -> String {
    const SHOWN: usize = 20;
    let mut s = String::new();
    for (i, e) in errs.iter().take(SHOWN).enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&e.to_string());
    }
    if errs.len() > SHOWN {
        s.push_str(&format!("\n... and {} more", errs.len() - SHOWN));
    }
    s
}

impl Error {
    pub fn usage(flag: &str, message: impl Into<String>) -> Error {
        Error::Usage { flag: flag.to_string(), message: message.into() }
    }
    /// A bad value of `field` (see [`Field`]).
    pub fn field(field: Field, message: impl Into<String>) -> Error {
        Error::Field(FieldError::new(field, message))
    }
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
    /// Names the case file and the operation on a raw SQLite error, in words.
    pub fn in_case(self, path: &std::path::Path, operation: &str) -> Error {
        match self {
            Error::Sql(e) => {
                Error::Case { path: path.to_path_buf(), message: format!("{operation} failed: {}", crate::store::describe_sql_error(&e)) }
            }
            other => other,
        }
    }

    /// Exit code: 2 for problems in what the user gave, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Inputs(_) | Error::Usage { .. } | Error::Query(_) | Error::Field(_) => 2,
            _ => 1,
        }
    }
}

impl From<FieldError<Field>> for Error {
    fn from(e: FieldError<Field>) -> Self {
        Error::Field(e)
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_error_speaks_the_library_s_names_until_a_front_end_renames_them() {
        let e = FieldError::new(Field::ReadOnly, "resolve changes the case file; leave out ").mention(Field::ReadOnly, "");
        assert_eq!(Error::from(e.clone()).to_string(), "read_only: resolve changes the case file; leave out read_only");
        assert_eq!(e.message_with(|_| "--read-only"), "resolve changes the case file; leave out --read-only");
        let e = Error::field(Field::Scope, "scope \"a\" is taken");
        assert_eq!((e.to_string().as_str(), e.exit_code()), ("scope: scope \"a\" is taken", 2));
    }
}
