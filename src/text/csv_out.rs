//! The CSV writer every CSV divtrace writes goes through (command output,
//! rejects files): each cell passes [`safe::csv_cell`], so a name from the
//! data never becomes a spreadsheet formula. Cells that are plain numbers
//! stay numbers; quoting is the csv crate's.

use std::io::Write;

use super::safe;

pub struct CsvOut<W: Write> {
    inner: csv::Writer<W>,
}

fn io_err(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

impl<W: Write> CsvOut<W> {
    pub fn new(out: W) -> Self {
        CsvOut { inner: csv::Writer::from_writer(out) }
    }

    /// A writer with the csv crate's builder settings (e.g. another terminator).
    pub fn with_builder(b: &csv::WriterBuilder, out: W) -> Self {
        CsvOut { inner: b.from_writer(out) }
    }

    /// Writes one row, each cell neutralised.
    pub fn write_record<I, T>(&mut self, row: I) -> std::io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        for cell in row {
            self.inner.write_field(safe::csv_cell(cell.as_ref()).as_bytes()).map_err(io_err)?;
        }
        self.inner.write_record(None::<&[u8]>).map_err(io_err)
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }

    /// Flushes and hands back the underlying writer.
    pub fn into_inner(self) -> std::io::Result<W> {
        self.inner.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_is_neutralised_and_numbers_stay() {
        let mut w = CsvOut::new(Vec::new());
        w.write_record(["name", "value"]).unwrap();
        w.write_record(["=HYPERLINK(\"http://evil.example\",\"x\")", "-12.5"]).unwrap();
        w.write_record(["@cmd", "1e3"]).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(text, "name,value\n\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",-12.5\n'@cmd,1e3\n");
    }
}
