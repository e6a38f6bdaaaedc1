//! Currencies and the rates that turn a declared amount into US dollars.
//!
//! A customs line states its value in the invoice currency. divtrace keeps
//! that amount and currency as declared and converts to USD only with a rate
//! it can name: a row of the user's table (`--fx FILE`, CSV
//! `date_or_month,currency,usd_per_unit`, a day `2022-08-15` or a month
//! `2022-08`) or the bundled monthly averages of the ECB euro reference
//! rates (`fx-monthly.csv`, 2021–2025, src/refdata/SOURCES.md). The user's
//! day beats the user's month beats the bundled month; with none of them the
//! value stays unconverted and is reported as such, never taken as USD.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use crate::error::{Error, InputError, Result};
use crate::model::Day;

const CURRENCIES_CSV: &str = include_str!("currencies.csv");
const FX_MONTHLY_CSV: &str = include_str!("fx-monthly.csv");

/// Where the bundled rates come from, as a converted shipment cites them.
pub const BUNDLED_SOURCE: &str = "ECB euro reference rates, monthly average";

fn currencies() -> &'static Vec<&'static str> {
    static C: OnceLock<Vec<&'static str>> = OnceLock::new();
    C.get_or_init(|| {
        let mut v: Vec<&str> = CURRENCIES_CSV.lines().skip(1).filter_map(|l| l.split(',').next()).filter(|c| c.len() == 3).collect();
        v.sort_unstable();
        v
    })
}

/// The ISO 4217 code of `s` (trimmed, upper-cased) when it is one.
pub fn currency_code(s: &str) -> Option<String> {
    let c = s.trim().to_ascii_uppercase();
    currencies().binary_search(&c.as_str()).is_ok().then_some(c)
}

/// A rate found for one amount: USD per unit of the currency, and what it rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct Rate {
    pub usd_per_unit: f64,
    /// `ECB euro reference rates, monthly average 2022-08` or `rates.csv line 3 (2022-08-15)`.
    pub source: String,
}

/// A rate table: rates by (currency, day) and (currency, month).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FxTable {
    days: BTreeMap<(String, i32), (f64, String)>,
    /// Key: (currency, year * 12 + month - 1).
    months: BTreeMap<(String, i32), (f64, String)>,
}

fn month_key(y: i32, m: u32) -> i32 {
    y * 12 + m as i32 - 1
}

/// `YYYY-MM` as a month key.
fn parse_month(s: &str) -> Option<i32> {
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then(|| month_key(y, m))
}

/// The columns of a rate table, in this order or any other.
pub const COLUMNS: [&str; 3] = ["date_or_month", "currency", "usd_per_unit"];

impl FxTable {
    /// The bundled monthly averages (see the module documentation).
    pub fn bundled() -> &'static FxTable {
        static T: OnceLock<FxTable> = OnceLock::new();
        T.get_or_init(|| {
            let mut t = FxTable::default();
            for l in FX_MONTHLY_CSV.lines().skip(1) {
                let mut f = l.split(',');
                let (Some(m), Some(c), Some(r)) = (f.next(), f.next(), f.next()) else { continue };
                if let (Some(k), Ok(r)) = (parse_month(m), r.parse::<f64>()) {
                    t.months.insert((c.to_string(), k), (r, format!("{BUNDLED_SOURCE} {m}")));
                }
            }
            t
        })
    }

    /// Reads a user's rate table (`path` names it in errors and in each rate's source).
    ///
    /// # Errors
    /// A missing column, a row that is not CSV, a date that is neither
    /// `YYYY-MM-DD` nor `YYYY-MM`, a code that is not ISO 4217, a rate that is
    /// not a positive number, or a second rate for the same currency and
    /// period: file, line and column.
    pub fn parse(path: &Path, text: &str) -> Result<FxTable> {
        let err = |line: u64, col: Option<&str>, m: String| Error::Input(InputError::new(path, line, col, m));
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
        let headers = rdr.headers().map_err(|e| err(1, None, format!("cannot read the header: {e}")))?.clone();
        let col = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}').trim().eq_ignore_ascii_case(name));
        let idx: Vec<Option<usize>> = COLUMNS.iter().map(|c| col(c)).collect();
        let missing: Vec<&str> = COLUMNS.iter().zip(&idx).filter(|(_, i)| i.is_none()).map(|(c, _)| *c).collect();
        if !missing.is_empty() {
            return Err(err(
                1,
                None,
                format!("not a rate table: missing column(s) {} (expected {})", missing.join(", "), COLUMNS.join(",")),
            ));
        }
        let (di, ci, ri) = (idx[0].unwrap_or(0), idx[1].unwrap_or(0), idx[2].unwrap_or(0));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
        let mut t = FxTable::default();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                err(line, None, format!("not a CSV row: {e}"))
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let cell = |i: usize| rec.get(i).unwrap_or("").trim();
            let when = cell(di);
            let cur = currency_code(cell(ci)).ok_or_else(|| {
                err(line, Some(COLUMNS[1]), format!("expected an ISO 4217 currency code such as EUR, TRY, CNY, found {:?}", cell(ci)))
            })?;
            let rate = match cell(ri).parse::<f64>() {
                Ok(x) if x.is_finite() && x > 0.0 => x,
                _ => {
                    return Err(err(
                        line,
                        Some(COLUMNS[2]),
                        format!("expected a positive number of US dollars per unit (e.g. 1.0128), found {:?}", cell(ri)),
                    ))
                }
            };
            let source = format!("{name} line {line} ({when})");
            let (map, key) = if let Some(d) = Day::parse_iso(when) {
                (&mut t.days, d.0)
            } else if let Some(m) = parse_month(when) {
                (&mut t.months, m)
            } else {
                return Err(err(line, Some(COLUMNS[0]), format!("expected a day YYYY-MM-DD or a month YYYY-MM, found {when:?}")));
            };
            if let Some((_, first)) = map.get(&(cur.clone(), key)) {
                return Err(err(line, Some(COLUMNS[0]), format!("a second rate for {cur} on {when}: the first is at {first}")));
            }
            map.insert((cur, key), (rate, source));
        }
        Ok(t)
    }

    /// Reads a rate table from a file.
    pub fn load(path: &Path) -> Result<FxTable> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Input(InputError::new(path, 0, None, format!("cannot read: {e}"))))?;
        FxTable::parse(path, &text)
    }

    /// The table's rate for `currency` on `day`: that day's, else that month's.
    pub fn rate(&self, currency: &str, day: Day) -> Option<Rate> {
        let (y, m, _) = day.ymd();
        let found = self.days.get(&(currency.to_string(), day.0)).or_else(|| self.months.get(&(currency.to_string(), month_key(y, m))));
        found.map(|(r, s)| Rate { usd_per_unit: *r, source: s.clone() })
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty() && self.months.is_empty()
    }
}

/// The rates an import converts with: the user's table, then the bundled one.
#[derive(Clone, Debug, Default)]
pub struct Rates {
    pub user: Option<FxTable>,
}

impl Rates {
    /// The rate for an amount in `currency` declared on `day`; `None` for USD
    /// (nothing to convert) and when no table has one.
    pub fn rate(&self, currency: &str, day: Day) -> Option<Rate> {
        if currency == "USD" {
            return None;
        }
        self.user.as_ref().and_then(|t| t.rate(currency, day)).or_else(|| FxTable::bundled().rate(currency, day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse_iso(s).unwrap()
    }

    #[test]
    fn codes_are_iso_4217() {
        assert_eq!(currency_code(" eur ").as_deref(), Some("EUR"));
        assert_eq!(currency_code("RUB").as_deref(), Some("RUB"));
        assert_eq!(currency_code("AED").as_deref(), Some("AED"));
        assert_eq!(currency_code("EUE"), None);
        assert_eq!(currency_code("US$"), None);
    }

    #[test]
    fn user_day_beats_user_month_beats_bundled_month() {
        let t = FxTable::parse(Path::new("r.csv"), "date_or_month,currency,usd_per_unit\n2022-08,EUR,1.5\n2022-08-15,eur,2\n").unwrap();
        let r = Rates { user: Some(t) };
        assert_eq!(r.rate("EUR", day("2022-08-15")).unwrap(), Rate { usd_per_unit: 2.0, source: "r.csv line 3 (2022-08-15)".into() });
        assert_eq!(r.rate("EUR", day("2022-08-16")).unwrap().usd_per_unit, 1.5);
        // July 2022 from the bundled ECB averages (EUR was near parity).
        let b = r.rate("EUR", day("2022-07-29")).unwrap();
        assert_eq!(b.source, "ECB euro reference rates, monthly average 2022-07");
        assert!((1.0..1.03).contains(&b.usd_per_unit), "{b:?}");
        assert_eq!(r.rate("USD", day("2022-07-29")), None);
        // The ECB publishes no dirham rate; none is invented.
        assert_eq!(r.rate("AED", day("2022-07-29")), None);
        // Nor any before 2021 or after 2025.
        assert_eq!(Rates::default().rate("EUR", day("2020-12-31")), None);
    }

    #[test]
    fn bad_rows_name_line_and_column() {
        let e = |text: &str| FxTable::parse(Path::new("r.csv"), text).unwrap_err().to_string();
        let head = "date_or_month,currency,usd_per_unit\n";
        let m = e(&format!("{head}2022-08,EUR,1.01\n2022-08,EUE,1\n"));
        assert!(m.contains("r.csv") && m.contains("line 3") && m.contains("currency") && m.contains("EUE"), "{m}");
        let m = e(&format!("{head}2022-13,EUR,1\n"));
        assert!(m.contains("line 2") && m.contains("date_or_month") && m.contains("YYYY-MM"), "{m}");
        let m = e(&format!("{head}2022-08,EUR,-1\n"));
        assert!(m.contains("line 2") && m.contains("usd_per_unit"), "{m}");
        let m = e(&format!("{head}2022-08,EUR,1\n2022-08,eur,1.1\n"));
        assert!(m.contains("line 3") && m.contains("second rate") && m.contains("line 2"), "{m}");
        let m = e("month,currency,rate\n");
        assert!(m.contains("line 1") && m.contains("date_or_month"), "{m}");
    }
}
