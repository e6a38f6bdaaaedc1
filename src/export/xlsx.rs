//! Excel workbooks (`--format xlsx`): plain tables of typed cells written
//! with rust_xlsxwriter, the one place that knows the xlsx format.
//!
//! Every text cell is written as a string cell, never through a path that
//! could read it as a formula: a name such as `=HYPERLINK(...)` stays text.
//! Dates are Excel dates with a date format, numbers are numbers, the header
//! row is frozen and filterable, and columns are as wide as their content
//! (within bounds). The file goes through [`AtomicFile`]: a failed write
//! leaves no half-written workbook.

use std::io::Write;
use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use crate::atomic::AtomicFile;
use crate::error::{Error, Result};

/// One cell of a sheet.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// `YYYY-MM-DD`; written as an Excel date (as text when it is not a valid date).
    Date(String),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A number, or an empty cell when there is none.
    pub fn num<T: Into<f64>>(v: Option<T>) -> Cell {
        v.map_or(Cell::Empty, |v| Cell::Number(v.into()))
    }

    /// An optional text, empty when absent.
    pub fn opt(v: Option<&str>) -> Cell {
        v.map_or(Cell::Empty, |s| Cell::Text(s.to_string()))
    }

    /// How many characters the cell shows, for the column width.
    fn width(&self) -> usize {
        match self {
            Cell::Empty => 0,
            Cell::Text(s) => s.chars().count(),
            Cell::Number(n) => format!("{n}").len(),
            Cell::Date(_) => 10,
        }
    }
}

/// A sheet: a name (at most 31 characters), a header row and rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub name: &'static str,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(name: &'static str, header: &[&'static str]) -> Sheet {
        Sheet { name, header: header.to_vec(), rows: Vec::new() }
    }
}

/// Column widths in characters: at least the header, at most this.
const MAX_WIDTH: usize = 60;

/// Writes the sheets as one workbook to `path` (temp file, then rename),
/// dated `SOURCE_DATE_EPOCH` when set, else now.
pub fn write(path: &Path, sheets: &[Sheet]) -> Result<()> {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0));
    let bytes = to_bytes(sheets, secs).map_err(|e| Error::Other(format!("{}: writing the workbook: {e}", path.display())))?;
    let mut f = AtomicFile::create(path)?;
    f.write_all(&bytes).map_err(|e| Error::io(path, e))?;
    f.commit()
}

/// The workbook's bytes, created at `secs` (seconds since 1970; `write`
/// passes `SOURCE_DATE_EPOCH` when set, so the same input gives the same bytes).
pub fn to_bytes(sheets: &[Sheet], secs: i64) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&ExcelDateTime::from_timestamp(secs)?));
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(s.name)?;
        let mut widths: Vec<usize> = s.header.iter().map(|h| h.chars().count()).collect();
        for (c, h) in s.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(t) => {
                        ws.write_string(r, col, t)?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, col, *n)?;
                    }
                    Cell::Date(d) => match parse_date(d) {
                        Some((y, m, day)) => {
                            ws.write_datetime_with_format(r, col, ExcelDateTime::from_ymd(y, m, day)?, &date)?;
                        }
                        None => {
                            ws.write_string(r, col, d)?;
                        }
                    },
                }
                if c < widths.len() {
                    widths[c] = widths[c].max(cell.width());
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w).clamp(6, MAX_WIDTH) as f64 + 2.0)?;
        }
        ws.set_freeze_panes(1, 0)?;
        // Printed (or as PDF): landscape, one page wide, the header on every page.
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        ws.set_print_gridlines(true);
        ws.set_repeat_rows(0, 0)?;
        if !s.header.is_empty() {
            ws.autofilter(0, 0, s.rows.len() as u32, s.header.len() as u16 - 1)?;
        }
    }
    wb.save_to_buffer()
}

/// `YYYY-MM-DD` as a date Excel can hold (1900 to 9999).
fn parse_date(s: &str) -> Option<(u16, u8, u8)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: u16 = s[0..4].parse().ok()?;
    let m: u8 = s[5..7].parse().ok()?;
    let d: u8 = s[8..10].parse().ok()?;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => return None,
    };
    ((1900..=9999).contains(&y) && (1..=days).contains(&d)).then_some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_before_excel_sees_them() {
        assert_eq!(parse_date("2023-02-28"), Some((2023, 2, 28)));
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2023-13-01"), None);
        assert_eq!(parse_date("1899-12-31"), None);
        assert_eq!(parse_date("23-01-01"), None);
        assert_eq!(parse_date("2023/01/01"), None);
    }

    #[test]
    fn same_sheets_same_bytes_under_source_date_epoch() {
        // The only varying part of a workbook is its creation time.
        let mut s = Sheet::new("Rows", &["a", "b", "c"]);
        s.rows.push(vec![Cell::text("=1+1"), Cell::Number(2.5), Cell::Date("2023-01-02".into())]);
        let a = to_bytes(std::slice::from_ref(&s), 1_700_000_000).unwrap();
        let b = to_bytes(&[s], 1_700_000_000).unwrap();
        assert_eq!(a, b);
        assert_eq!(&a[..2], b"PK", "an xlsx is a zip archive");
    }
}
