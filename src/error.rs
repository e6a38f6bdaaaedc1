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
            Error::Input(_) | Error::Inputs(_) | Error::Usage { .. } | Error::Query(_) => 2,
            _ => 1,
        }
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
