//! Reading one CSV input file: hashing as it streams, header checks, and
//! turning the csv crate's errors into messages that name file, line and column.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::error::InputError;

/// A reader that hashes every byte it hands on and counts them for progress.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// SHA-256 of a whole file, hex-encoded.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut f = BufReader::with_capacity(1 << 16, File::open(path)?);
    let mut h = Sha256::new();
    io::copy(&mut f, &mut h)?;
    Ok(hex(&h.finalize()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An open CSV file with its header checked.
pub struct CsvFile {
    pub path: PathBuf,
    /// Header names as written (BOM and surrounding spaces removed).
    pub headers: Vec<String>,
    reader: csv::Reader<HashingReader<BufReader<File>>>,
    /// Bytes read so far, shared with the progress display.
    pub bytes_read: Arc<AtomicU64>,
    pub size: u64,
}

/// One data row and the physical line it starts on.
pub struct Row {
    pub record: csv::StringRecord,
    pub line: u64,
}

impl CsvFile {
    /// Opens `path`, reads its header and checks that it is usable.
    ///
    /// # Errors
    /// An empty file, an unreadable or non-UTF-8 header, or duplicate column names.
    pub fn open(path: &Path, delimiter: u8) -> Result<CsvFile, InputError> {
        let err = |line, col: Option<&str>, msg: String| InputError::new(path, line, col, msg);
        let file = File::open(path).map_err(|e| err(0, None, format!("cannot open: {e}")))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        if size == 0 {
            return Err(err(1, None, "the file is empty: expected a header row and data rows".into()));
        }
        let bytes_read = Arc::new(AtomicU64::new(0));
        let hashing = HashingReader { inner: BufReader::with_capacity(1 << 16, file), hasher: Sha256::new(), read: bytes_read.clone() };
        let mut reader =
            csv::ReaderBuilder::new().delimiter(delimiter).has_headers(true).flexible(false).buffer_capacity(1 << 16).from_reader(hashing);
        let headers = reader.headers().map_err(|e| csv_error(path, &[], e))?.clone();
        let headers: Vec<String> =
            headers.iter().enumerate().map(|(i, h)| if i == 0 { h.trim_start_matches('\u{feff}') } else { h }.trim().to_string()).collect();
        if headers.iter().all(|h| h.is_empty()) {
            return Err(err(1, None, "the header row is empty: expected column names".into()));
        }
        for (i, h) in headers.iter().enumerate() {
            if h.is_empty() {
                return Err(err(1, None, format!("column {} has no name in the header row", i + 1)));
            }
            if headers[..i].iter().any(|o| o.eq_ignore_ascii_case(h)) {
                return Err(err(1, Some(h), "this column name appears twice in the header row".into()));
            }
        }
        Ok(CsvFile { path: path.to_path_buf(), headers, reader, bytes_read, size })
    }

    /// Index of a header, compared case-insensitively.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.eq_ignore_ascii_case(name))
    }

    /// Reads the next row into `row`; `Ok(false)` at the end of the file.
    pub fn next_row(&mut self, row: &mut Row) -> Result<bool, InputError> {
        match self.reader.read_record(&mut row.record) {
            Ok(more) => {
                row.line = row.record.position().map(|p| p.line()).unwrap_or(0);
                Ok(more)
            }
            Err(e) => Err(csv_error(&self.path, &self.headers, e)),
        }
    }

    /// Reads to the end (so the hash covers the whole file) and returns the SHA-256.
    pub fn finish(self) -> Result<String, InputError> {
        let path = self.path.clone();
        let mut inner = self.reader.into_inner();
        io::copy(&mut inner, &mut io::sink()).map_err(|e| InputError::new(&path, 0, None, format!("read error: {e}")))?;
        Ok(hex(&inner.hasher.finalize()))
    }
}

impl Row {
    pub fn new() -> Row {
        Row { record: csv::StringRecord::new(), line: 0 }
    }
}

impl Default for Row {
    fn default() -> Self {
        Row::new()
    }
}

fn csv_error(path: &Path, headers: &[String], e: csv::Error) -> InputError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            let col = headers.get(err.field()).map(String::as_str);
            InputError::new(
                path,
                line,
                col,
                format!(
                    "invalid UTF-8 at byte {} of the field: expected UTF-8 text (re-encode the file, e.g. `iconv -f CP1251 -t UTF-8` or `-f CP1254` for Turkish exports)",
                    err.valid_up_to()
                ),
            )
        }
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => InputError::new(
            path,
            line,
            None,
            format!(
                "expected {expected_len} fields as in the header, found {len} (a quote opened in this row and never closed, or an unquoted delimiter?)"
            ),
        ),
        csv::ErrorKind::Io(io) => InputError::new(path, line, None, format!("read error: {io}")),
        _ => InputError::new(path, line, None, format!("malformed CSV: {e}")),
    }
}
