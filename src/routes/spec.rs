//! A route query validates itself, once, and says which of its fields is
//! wrong. Front ends map the field to what their user typed: the CLI to a
//! flag (`cli/query.rs`), the weights file to a `[route]` key
//! (`assess/config.rs`), a web form to an input.

use crate::error::{Error, FieldError};
use crate::graph::hs_encode;

use super::{QuerySpec, MAX_HOPS_LIMIT};

/// A field of [`QuerySpec`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryField {
    From,
    To,
    Via,
    Avoid,
    MaxHops,
    MaxDwellDays,
    HsLevel,
    Hs,
    ChplMaxTier,
    Since,
    Until,
    MinValue,
    MirrorDays,
    MirrorTolerance,
}

impl QueryField {
    /// The field's name in [`QuerySpec`].
    pub fn as_str(self) -> &'static str {
        match self {
            QueryField::From => "from",
            QueryField::To => "to",
            QueryField::Via => "via",
            QueryField::Avoid => "avoid",
            QueryField::MaxHops => "max_hops",
            QueryField::MaxDwellDays => "max_dwell_days",
            QueryField::HsLevel => "hs_level",
            QueryField::Hs => "hs",
            QueryField::ChplMaxTier => "chpl_max_tier",
            QueryField::Since => "since",
            QueryField::Until => "until",
            QueryField::MinValue => "min_value",
            QueryField::MirrorDays => "mirror.max_days",
            QueryField::MirrorTolerance => "mirror.value_tolerance",
        }
    }
}

impl std::fmt::Display for QueryField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is wrong with a query, and in which field (the message names no
/// field itself; see [`FieldError`]): the CLI says `--until`, the serve API
/// `until`, from one error.
pub type QueryError = FieldError<QueryField>;

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message_with(QueryField::as_str))
    }
}

impl From<QueryError> for Error {
    fn from(e: QueryError) -> Self {
        Error::Query(e)
    }
}

/// The longest window a mirror pair may span: beyond a year, two records
/// of the same route are two consignments, not one declared twice.
pub const MIRROR_MAX_DAYS_LIMIT: i32 = 365;

fn bad(field: QueryField, message: impl Into<String>) -> QueryError {
    QueryError::new(field, message)
}

impl QuerySpec {
    /// Checks every limit of the query, in field order (so the first
    /// problem reported is the same whoever calls it).
    ///
    /// # Errors
    /// The first field out of range: no `from` or `to`, `max_hops` outside
    /// 1..=[`MAX_HOPS_LIMIT`], a negative dwell, an HS level other than 4
    /// or 6, an HS prefix that is not digits, a CHPL tier outside 1..=4,
    /// `since` after `until`, a negative or non-finite minimum value.
    pub fn validate(&self) -> Result<(), QueryError> {
        if self.from.is_empty() {
            return Err(bad(QueryField::From, "give at least one selector, e.g. ").mention(QueryField::From, " country:US"));
        }
        if self.to.is_empty() {
            return Err(bad(QueryField::To, "give at least one selector, e.g. ").mention(QueryField::To, " country:RU"));
        }
        if !(1..=MAX_HOPS_LIMIT).contains(&self.max_hops) {
            return Err(bad(QueryField::MaxHops, format!("must be 1 to {MAX_HOPS_LIMIT}, got {}", self.max_hops)));
        }
        if self.max_dwell_days < 0 {
            return Err(bad(QueryField::MaxDwellDays, "must be 0 or more"));
        }
        if self.hs_level != 4 && self.hs_level != 6 {
            return Err(bad(QueryField::HsLevel, format!("must be 4 or 6, got {}", self.hs_level)));
        }
        if let (Some(a), Some(b)) = (self.since, self.until) {
            if a > b {
                return Err(bad(QueryField::Since, format!("{a} is after ")).mention(QueryField::Until, &format!(" {b}")));
            }
        }
        if let Some(t) = self.chpl_max_tier {
            if !(1..=4).contains(&t) {
                return Err(bad(QueryField::ChplMaxTier, format!("must be 1 to 4, got {t}")));
            }
        }
        self.hs_prefixes()?;
        if let Some(v) = self.min_value {
            if !v.is_finite() || v < 0.0 {
                return Err(bad(QueryField::MinValue, format!("must be a non-negative number, got {v}")));
            }
        }
        if !(0..=MIRROR_MAX_DAYS_LIMIT).contains(&self.mirror.max_days) {
            return Err(bad(QueryField::MirrorDays, format!("must be 0 to {MIRROR_MAX_DAYS_LIMIT} days, got {}", self.mirror.max_days)));
        }
        let t = self.mirror.value_tolerance;
        if !t.is_finite() || !(0.0..=0.5).contains(&t) {
            return Err(bad(QueryField::MirrorTolerance, format!("must be 0 to 50 percent, got {}", t * 100.0)));
        }
        Ok(())
    }

    /// The `hs` prefixes as (packed code, digit count).
    ///
    /// # Errors
    /// A prefix that is not 1 to 10 digits (dots, spaces and dashes are ignored).
    pub fn hs_prefixes(&self) -> Result<Vec<(u64, u32)>, QueryError> {
        self.hs
            .iter()
            .map(|p| {
                let digits: String = p.chars().filter(|c| !matches!(c, '.' | ' ' | '-')).collect();
                let code = hs_encode(&digits).ok_or_else(|| {
                    bad(QueryField::Hs, format!("'{p}' is not an HS prefix (expected 1 to 10 digits, e.g. 8542 or 8542.31)"))
                })?;
                Ok((code, digits.len() as u32))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Country;
    use crate::routes::Selector;

    fn ok_spec() -> QuerySpec {
        QuerySpec {
            from: vec![Selector::Country(Country::known("US"))],
            to: vec![Selector::Country(Country::known("RU"))],
            ..QuerySpec::default()
        }
    }

    #[test]
    fn each_limit_names_its_field() {
        assert_eq!(ok_spec().validate(), Ok(()));
        let field = |f: &dyn Fn(&mut QuerySpec)| {
            let mut s = ok_spec();
            f(&mut s);
            s.validate().unwrap_err().field
        };
        assert_eq!(field(&|s| s.from.clear()), QueryField::From);
        assert_eq!(field(&|s| s.to.clear()), QueryField::To);
        assert_eq!(field(&|s| s.max_hops = 0), QueryField::MaxHops);
        assert_eq!(field(&|s| s.max_hops = MAX_HOPS_LIMIT + 1), QueryField::MaxHops);
        assert_eq!(field(&|s| s.max_dwell_days = -1), QueryField::MaxDwellDays);
        assert_eq!(field(&|s| s.hs_level = 5), QueryField::HsLevel);
        assert_eq!(field(&|s| s.hs = vec!["85x".into()]), QueryField::Hs);
        assert_eq!(field(&|s| s.chpl_max_tier = Some(0)), QueryField::ChplMaxTier);
        assert_eq!(field(&|s| s.min_value = Some(f64::NAN)), QueryField::MinValue);
        assert_eq!(field(&|s| s.mirror.max_days = -1), QueryField::MirrorDays);
        assert_eq!(field(&|s| s.mirror.max_days = 366), QueryField::MirrorDays);
        assert_eq!(field(&|s| s.mirror.value_tolerance = 0.6), QueryField::MirrorTolerance);
        assert_eq!(field(&|s| s.mirror.value_tolerance = f64::NAN), QueryField::MirrorTolerance);
        assert_eq!(field(&|s| s.min_value = Some(-1.0)), QueryField::MinValue);
        let e = field(&|s| {
            s.since = crate::model::Day::parse_iso("2024-01-02");
            s.until = crate::model::Day::parse_iso("2024-01-01");
        });
        assert_eq!(e, QueryField::Since);
        let mut s = ok_spec();
        s.hs = vec!["8542.31".into(), "85".into()];
        assert_eq!(s.hs_prefixes().unwrap().iter().map(|p| p.1).collect::<Vec<_>>(), [6, 2]);
        s.max_hops = 0;
        assert_eq!(s.validate().unwrap_err().to_string(), format!("max_hops: must be 1 to {MAX_HOPS_LIMIT}, got 0"));
    }

    #[test]
    fn a_message_names_other_fields_as_the_front_end_calls_them() {
        let mut s = ok_spec();
        s.since = crate::model::Day::parse_iso("2024-01-02");
        s.until = crate::model::Day::parse_iso("2024-01-01");
        let e = s.validate().unwrap_err();
        assert_eq!(e.to_string(), "since: 2024-01-02 is after until 2024-01-01");
        let flag = |f: QueryField| if f == QueryField::Until { "--until" } else { "?" };
        assert_eq!(e.message_with(flag), "2024-01-02 is after --until 2024-01-01");
        let e = QuerySpec { from: vec![], ..ok_spec() }.validate().unwrap_err();
        assert_eq!(e.message_with(|_| "--from"), "give at least one selector, e.g. --from country:US");
        // No flag wording is left in the library's own text.
        assert!(!e.message.contains("--") && !e.to_string().contains("--"), "{e}");
    }
}
