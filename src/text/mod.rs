//! Text that leaves the tool: the pure rules that keep hostile names from
//! becoming spreadsheet formulas or terminal escapes ([`safe`]), and the one
//! CSV writer every CSV output goes through ([`csv_out`]).

pub mod csv_out;
pub mod safe;
