//! The one way the command line prints records: JSON documents, CSV tables
//! and plain text, all mapping write errors to [`Error::Io`] with their
//! [`std::io::ErrorKind`] intact, so that a closed pipe (`| head`) reaches
//! `main` as `BrokenPipe` and ends the process cleanly for every command and
//! every format.

use std::io::Write;

use clap::ValueEnum;
use serde::Serialize;

use divtrace::{Error, Result};

/// Output format shared by every subcommand that prints records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

/// The formats of the commands that also write Excel workbooks (`assess`,
/// `routes`, `screen`, `hubs`); a separate type so that the other commands
/// do not offer `xlsx`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum SheetFormat {
    #[default]
    Table,
    Json,
    Csv,
    /// An Excel workbook, written to --out FILE
    Xlsx,
}

/// What a command with `--format` and `--out` is to write.
pub enum Target<'a> {
    /// Text on the output, in this format.
    Print(Format),
    /// An Excel workbook at this path.
    Workbook(&'a std::path::Path),
}

impl SheetFormat {
    /// Checks `--format` against `--out`: a workbook is binary, so it needs a
    /// file and is never written to the terminal or stdout; the text formats
    /// print to stdout and take no `--out`.
    pub fn target(self, out: Option<&std::path::Path>) -> Result<Target<'_>> {
        let text = match self {
            SheetFormat::Table => Format::Table,
            SheetFormat::Json => Format::Json,
            SheetFormat::Csv => Format::Csv,
            SheetFormat::Xlsx => {
                return match out {
                    Some(p) if p.as_os_str() != "-" => Ok(Target::Workbook(p)),
                    _ => Err(Error::usage(
                        "--out",
                        "--format xlsx writes a binary workbook, never to the terminal or stdout: give --out FILE.xlsx",
                    )),
                };
            }
        };
        match out {
            None => Ok(Target::Print(text)),
            Some(_) => Err(Error::usage("--out", "--out is for --format xlsx; the other formats print to stdout")),
        }
    }
}

/// Where printed output goes in error messages.
const STDOUT: &str = "stdout";

/// Maps a write error (a closed pipe among them) to the error type `main` understands.
pub fn io(r: std::io::Result<()>) -> Result<()> {
    r.map_err(|e| Error::io(STDOUT, e))
}

/// Writes a JSON document (pretty, newline-terminated): the shapes users script against.
pub fn json<T: Serialize + ?Sized>(out: &mut dyn Write, v: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, v).map_err(|e| match e.io_error_kind() {
        Some(_) => Error::io(STDOUT, e.into()),
        None => Error::Other(format!("writing JSON: {e}")),
    })?;
    io(writeln!(out))
}

/// Text for a terminal (tables, status lines): everything written through it
/// has control, bidi-override and invisible characters shown as `\u{..}`
/// (`text::safe`). `cli::run` wraps every command that prints text in it.
pub fn terminal(out: &mut dyn Write) -> divtrace::text::safe::TermWriter<&mut dyn Write> {
    divtrace::text::safe::TermWriter::new(out)
}

/// A CSV table on the output; rows are written as they come. Every cell
/// passes `text::safe::csv_cell`: a cell a spreadsheet would evaluate as a
/// formula gets a leading `'`, plain numbers stay numbers.
pub struct Csv<'a> {
    w: csv::Writer<&'a mut dyn Write>,
}

impl<'a> Csv<'a> {
    /// Starts a table with its header row.
    pub fn new<I, T>(out: &'a mut dyn Write, header: I) -> Result<Csv<'a>>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let mut c = Csv { w: csv::Writer::from_writer(out) };
        c.row(header)?;
        Ok(c)
    }

    /// A table whose caller writes the header itself (as the first `row`).
    pub fn headless(out: &'a mut dyn Write) -> Csv<'a> {
        Csv { w: csv::Writer::from_writer(out) }
    }

    pub fn row<I, T>(&mut self, fields: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        for f in fields {
            let b = f.as_ref();
            match std::str::from_utf8(b) {
                Ok(text) => self.w.write_field(divtrace::text::safe::csv_cell(text).as_bytes()),
                Err(_) => self.w.write_field(b),
            }
            .map_err(csv_error)?;
        }
        self.w.write_record(None::<&[u8]>).map_err(csv_error)
    }

    /// Flushes the table; call it, or buffered rows are lost.
    pub fn finish(mut self) -> Result<()> {
        io(self.w.flush())
    }
}

/// A CSV error as our error, keeping an I/O error's kind.
fn csv_error(e: csv::Error) -> Error {
    if e.is_io_error() {
        if let csv::ErrorKind::Io(io) = e.into_kind() {
            return Error::io(STDOUT, io);
        }
        unreachable!("is_io_error said so");
    }
    Error::Other(format!("writing CSV: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that fails like a pipe whose reader has gone.
    struct ClosedPipe;
    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }

    fn broken_pipe(r: Result<()>) -> bool {
        matches!(r, Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    #[test]
    fn closed_pipe_keeps_its_kind_in_every_format() {
        let mut p = ClosedPipe;
        assert!(broken_pipe(json(&mut p, &vec![1, 2, 3])));
        let mut p = ClosedPipe;
        let r = Csv::new(&mut p, ["a", "b"]).and_then(|mut c| {
            for i in 0..10_000 {
                c.row([i.to_string(), "x".into()])?;
            }
            c.finish()
        });
        assert!(broken_pipe(r));
        let mut p = ClosedPipe;
        assert!(broken_pipe(io(writeln!(p, "text"))));
    }

    #[test]
    fn csv_writes_what_the_csv_crate_writes() {
        let mut v: Vec<u8> = Vec::new();
        let mut c = Csv::new(&mut v, ["a", "b"]).unwrap();
        c.row(["1", "x,y"]).unwrap();
        c.row(["", "say \"hi\""]).unwrap();
        c.finish().unwrap();
        assert_eq!(String::from_utf8(v).unwrap(), "a,b\n1,\"x,y\"\n,\"say \"\"hi\"\"\"\n");
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_evaluate_get_a_quote() {
        let mut v: Vec<u8> = Vec::new();
        let mut c = Csv::new(&mut v, ["name", "value"]).unwrap();
        c.row(["=HYPERLINK(\"http://evil.example\")", "-12.5"]).unwrap();
        c.row(["@SUM(A1)", "+3"]).unwrap();
        c.finish().unwrap();
        assert_eq!(String::from_utf8(v).unwrap(), "name,value\n\"'=HYPERLINK(\"\"http://evil.example\"\")\",-12.5\n'@SUM(A1),+3\n");
    }
}
