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
    lines: LineIndex,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.lines.scan(&buf[..n]);
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Physical line numbers by byte offset, for LF, CRLF and CR-only files
/// (and mixtures): a line ends at LF, at CRLF, or at a CR not followed by LF.
///
/// The csv crate counts LF bytes only, and reports a record as starting where
/// the previous one ended: one line too low in CRLF files (the LF is not yet
/// read), line 1 throughout CR-only files, and off after blank lines. Instead,
/// this index keeps the start offset and number of every non-blank line the
/// stream has read ahead of the parser; a record's line is that of the first
/// non-blank line at or after the offset csv reports (only line breaks lie
/// between). Entries behind the parser are dropped, so memory stays bounded
/// by the read-ahead buffer.
#[derive(Debug, Default)]
pub struct LineIndex {
    /// `(offset, line)` of each non-blank line start not yet passed by the parser.
    starts: std::collections::VecDeque<(u64, u64)>,
    /// Bytes scanned so far.
    offset: u64,
    /// The number of the line the next byte belongs to.
    line: u64,
    /// The previous byte was a CR (a following LF belongs to the same break).
    after_cr: bool,
    /// The next byte starts a line.
    at_start: bool,
}

impl LineIndex {
    pub fn new() -> Self {
        LineIndex { starts: Default::default(), offset: 0, line: 1, after_cr: false, at_start: true }
    }

    /// Scans the next bytes of the stream (memchr jumps from break to break).
    pub fn scan(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            if self.at_start {
                let b = bytes[i];
                if b == b'\n' && self.after_cr {
                    self.after_cr = false;
                    i += 1;
                    continue;
                }
                if b == b'\n' || b == b'\r' {
                    self.line += 1;
                    self.after_cr = b == b'\r';
                    i += 1;
                    continue;
                }
                self.starts.push_back((self.offset + i as u64, self.line));
                self.at_start = false;
                self.after_cr = false;
            }
            match memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
                Some(k) => {
                    self.line += 1;
                    self.after_cr = bytes[i + k] == b'\r';
                    self.at_start = true;
                    i += k + 1;
                }
                None => break,
            }
        }
        self.offset += bytes.len() as u64;
    }

    /// The line of a record csv reports as starting at `byte`; calls come in
    /// increasing order of `byte`.
    pub fn line_at(&mut self, byte: u64) -> u64 {
        while self.starts.len() > 1 && self.starts[0].0 < byte {
            self.starts.pop_front();
        }
        match self.starts.front() {
            Some(&(o, l)) if o >= byte => l,
            // Past every line seen (the end of the file).
            _ => self.line,
        }
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
        let hashing = HashingReader {
            inner: BufReader::with_capacity(1 << 16, file),
            hasher: Sha256::new(),
            read: bytes_read.clone(),
            lines: LineIndex::new(),
        };
        let mut reader =
            csv::ReaderBuilder::new().delimiter(delimiter).has_headers(true).flexible(false).buffer_capacity(1 << 16).from_reader(hashing);
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                let line = line_of(&mut reader, &e);
                return Err(csv_error(path, &[], line, e));
            }
        };
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
                let byte = row.record.position().map_or(0, csv::Position::byte);
                row.line = self.reader.get_mut().lines.line_at(byte);
                // One scan of the row's bytes; the field is looked for only when there is a NUL.
                let nul =
                    memchr::memchr(0, row.record.as_slice().as_bytes()).and_then(|_| row.record.iter().position(|f| f.contains('\0')));
                if let Some(i) = nul {
                    return Err(InputError::new(
                        &self.path,
                        row.line,
                        self.headers.get(i).map(String::as_str),
                        "a NUL byte in the value: expected text (is the file UTF-16 or binary? re-encode it as UTF-8)",
                    ));
                }
                Ok(more)
            }
            Err(e) => {
                let line = line_of(&mut self.reader, &e);
                Err(csv_error(&self.path, &self.headers, line, e))
            }
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

/// The physical line of a csv error's record.
fn line_of(reader: &mut csv::Reader<HashingReader<BufReader<File>>>, e: &csv::Error) -> u64 {
    match e.position() {
        Some(p) => reader.get_mut().lines.line_at(p.byte()),
        None => 0,
    }
}

/// Whether `path` is a regular file (following symbolic links): `Ok(false)`
/// when nothing is there, an error saying what it is when it is something
/// else (a folder, a dangling link, a FIFO, a device) — never read or skipped silently.
pub fn regular_file(path: &Path) -> Result<bool, InputError> {
    use std::os::unix::fs::FileTypeExt;
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(InputError::new(path, 0, None, format!("cannot look at it: {e}"))),
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if link.file_type().is_symlink() => {
            let target = std::fs::read_link(path).map(|t| t.display().to_string()).unwrap_or_default();
            return Err(InputError::new(
                path,
                0,
                None,
                format!("a dangling symbolic link (its target {target:?} cannot be read: {e}); expected a CSV file"),
            ));
        }
        Err(e) => return Err(InputError::new(path, 0, None, format!("cannot look at it: {e}"))),
    };
    let t = meta.file_type();
    let what = if t.is_file() {
        return Ok(true);
    } else if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    };
    Err(InputError::new(path, 0, None, format!("{what}, not a regular file: expected a CSV file; refusing to read it")))
}

fn csv_error(path: &Path, headers: &[String], line: u64, e: csv::Error) -> InputError {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &[u8]) -> Vec<u64> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        std::fs::write(&p, text).unwrap();
        let mut f = CsvFile::open(&p, b',').unwrap();
        let mut row = Row::new();
        let mut out = Vec::new();
        while f.next_row(&mut row).unwrap() {
            out.push(row.line);
        }
        out
    }

    #[test]
    fn physical_lines_in_every_line_ending() {
        assert_eq!(lines_of(b"a,b\n1,2\n3,4\n"), [2, 3]);
        assert_eq!(lines_of(b"a,b\r\n1,2\r\n3,4\r\n"), [2, 3]);
        assert_eq!(lines_of(b"a,b\r1,2\r3,4\r"), [2, 3]);
        assert_eq!(lines_of(b"a,b\r\n1,2\r\n3,4"), [2, 3]);
        // Blank lines, a quoted field over three lines, mixed endings.
        assert_eq!(lines_of(b"a,b\n\n1,2\r\n\"x\r\ny\nz\",5\r6,7\n\r\n8,9"), [3, 4, 7, 9]);
    }

    #[test]
    fn line_index_over_split_reads() {
        let text = b"h\r\nx\r\n\r\ny\rz\n";
        for cut in 0..text.len() {
            let mut ix = LineIndex::new();
            ix.scan(&text[..cut]);
            ix.scan(&text[cut..]);
            assert_eq!([ix.line_at(0), ix.line_at(2), ix.line_at(6), ix.line_at(10)], [1, 2, 4, 5], "cut {cut}");
        }
    }

    #[test]
    fn nul_bytes_are_refused_with_their_place() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        std::fs::write(&p, b"id,name\r\nA,ok\r\nB,bad\0name\r\n").unwrap();
        let mut f = CsvFile::open(&p, b',').unwrap();
        let mut row = Row::new();
        assert!(f.next_row(&mut row).unwrap());
        let e = f.next_row(&mut row).err().unwrap();
        assert_eq!((e.line, e.column.as_deref()), (3, Some("name")));
    }

    #[test]
    fn odd_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!regular_file(&dir.path().join("none.csv")).unwrap());
        assert!(regular_file(dir.path()).unwrap_err().message.contains("a folder"));
        std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("l.csv")).unwrap();
        assert!(regular_file(&dir.path().join("l.csv")).unwrap_err().message.contains("dangling symbolic link"));
    }
}
