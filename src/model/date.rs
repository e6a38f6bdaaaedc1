//! Calendar dates as day numbers.
//!
//! Dates in customs data only need day resolution, and the route search
//! compares and subtracts them in its inner loop, so a date is an `i32`
//! count of days since 1970-01-01. Conversion uses Howard Hinnant's
//! `days_from_civil` algorithm (proleptic Gregorian calendar).

use std::fmt;

/// A calendar day, stored as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Day(pub i32);

impl Day {
    /// Builds a day from a year, month and day, or `None` when the date does not exist.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Day> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy as i32;
        Some(Day(era * 146097 + doe - 719468))
    }

    /// Year, month, day of this day number.
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719468;
        let era = if z >= 0 { z } else { z - 146096 } / 146097;
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// Parses the contract's `YYYY-MM-DD` form, strictly (years 1000..=9999).
    pub fn parse_iso(s: &str) -> Option<Day> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let mut v = 0u32;
            for &c in &b[r] {
                if !c.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + (c - b'0') as u32;
            }
            Some(v)
        };
        let y = num(0..4)? as i32;
        if y < 1000 {
            return None;
        }
        Day::from_ymd(y, num(5..7)?, num(8..10)?)
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// A day as `YYYY-MM-DD` text on the stack (see [`Day::iso`]).
#[derive(Clone, Copy)]
pub struct IsoDay {
    buf: [u8; 16],
    len: u8,
}

impl IsoDay {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len as usize]).expect("ASCII digits and dashes")
    }
}

impl Day {
    /// The same text as `to_string()`, without an allocation or the
    /// formatting machinery: ingest writes one per shipment.
    pub fn iso(self) -> IsoDay {
        let (y, m, d) = self.ymd();
        let mut out = IsoDay { buf: [0; 16], len: 10 };
        if (0..=9999).contains(&y) {
            let y = y as u32;
            let digits = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10, 10, m / 10, m % 10, 10, d / 10, d % 10];
            for (o, v) in out.buf.iter_mut().zip(digits) {
                *o = if v == 10 { b'-' } else { b'0' + v as u8 };
            }
        } else {
            // Outside four-digit years (not from any input date): the formatter's text.
            let s = self.to_string();
            out.buf[..s.len()].copy_from_slice(s.as_bytes());
            out.len = s.len() as u8;
        }
        out
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_text_is_the_display_text() {
        for d in (-800_000..3_000_000).step_by(997).chain([-719_528, -719_529, 0, 19_047, 2_932_896, 2_932_897]) {
            assert_eq!(Day(d).iso().as_str(), Day(d).to_string(), "day {d}");
        }
        assert_eq!(Day(i32::MAX / 2).iso().as_str(), Day(i32::MAX / 2).to_string());
    }

    #[test]
    fn round_trips_known_days() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
        assert_eq!(Day::from_ymd(2022, 2, 24).unwrap().to_string(), "2022-02-24");
        assert_eq!(Day::parse_iso("2000-02-29").unwrap().to_string(), "2000-02-29");
        for n in -800_000..800_000 {
            if n % 997 != 0 {
                continue;
            }
            let (y, m, d) = Day(n).ymd();
            assert_eq!(Day::from_ymd(y, m, d), Some(Day(n)));
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in ["2023-02-29", "2023-13-01", "2023-00-10", "2023-1-01", "23-01-01", "2023/01/01", "0999-01-01", "2023-04-31"] {
            assert_eq!(Day::parse_iso(bad), None, "{bad}");
        }
    }
}
