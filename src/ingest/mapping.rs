//! Column mappings (`--map MAPPING.toml`): vendor exports and customs dumps
//! whose headers differ from the contract are mapped onto it, with simple
//! per-column transforms, so nobody edits a 2 GB CSV by hand.
//!
//! ```toml
//! [shipments]
//! file = "declarations.csv"     # default: the contract's file name
//! delimiter = ";"               # default ","
//! [shipments.columns]
//! id = "Номер ДТ"
//! date = { column = "Дата", date_format = "DD.MM.YYYY" }
//! value_usd = { column = "Стоимость", decimal_comma = true }
//! to_country = { value = "RU" }
//! origin_country = { column = "Страна происхождения", country = "name" }
//! manufacturer = { column = "Графа 31", pattern = "ПРОИЗВОДИТЕЛЬ:\\s*([^;]+)" }
//! ```
//! docs/ingest.md documents every key.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use crate::error::InputError;
use crate::model::Day;
use crate::refdata;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Free text saying what layout this maps.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub entities: Option<TableMap>,
    #[serde(default)]
    pub shipments: Option<TableMap>,
    #[serde(default)]
    pub relations: Option<TableMap>,
    #[serde(default)]
    pub lists: Option<TableMap>,
    /// The mapping file's text, stored with the import batch.
    #[serde(skip)]
    pub text: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableMap {
    pub file: Option<String>,
    pub delimiter: Option<String>,
    #[serde(default)]
    pub columns: BTreeMap<String, ColumnSpec>,
}

#[derive(Debug)]
pub enum ColumnSpec {
    Name(String),
    Full(Box<Transform>),
}

// By hand rather than `#[serde(untagged)]`: untagged swallows the inner
// error, so a mistyped key in `{ colum = "x" }` read as "did not match any
// variant" instead of naming the key.
impl<'de> Deserialize<'de> for ColumnSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match toml::Value::deserialize(d)? {
            toml::Value::String(s) => Ok(ColumnSpec::Name(s)),
            v @ toml::Value::Table(_) => {
                Transform::deserialize(v).map(|t| ColumnSpec::Full(Box::new(t))).map_err(|e| serde::de::Error::custom(e.message()))
            }
            other => Err(serde::de::Error::custom(format!(
                "expected a column name (\"Header\") or a table ({{ column = \"Header\", ... }}), found a {}",
                other.type_str()
            ))),
        }
    }
}

/// Where a contract field's value comes from and how it is rewritten.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Transform {
    /// Source column (header name as written).
    pub column: Option<String>,
    /// Several source columns joined with `separator` (e.g. declaration number and item number into one id).
    pub columns: Option<Vec<String>>,
    /// Separator for `columns` (default "/").
    pub separator: Option<String>,
    /// A constant value for every row (e.g. the declaring country).
    pub value: Option<String>,
    /// A regular expression; its first capture group (or whole match) is kept.
    pub pattern: Option<String>,
    /// `DD.MM.YYYY`, `MM/DD/YYYY`, `YYYYMMDD`, ...: tokens DD, MM, YYYY, YY; other characters literal.
    pub date_format: Option<String>,
    /// `1.234,56` means 1234.56.
    #[serde(default)]
    pub decimal_comma: bool,
    /// Multiply a number by this factor (e.g. a fixed exchange rate you state).
    pub scale: Option<f64>,
    /// `"name"`: the cell holds a country name ("Türkiye", "Россия") or alpha-3 code, mapped to alpha-2.
    pub country: Option<String>,
    /// Keep the first N digits of a national tariff code (Turkish GTİP and EU TARIC lines have 12 or more).
    pub hs_digits: Option<usize>,
    /// Prefix added to the value (e.g. `inn:` to turn a tax number column into an identifier).
    pub prefix: Option<String>,
}

impl Mapping {
    /// Reads and checks a mapping file.
    pub fn load(path: &Path) -> Result<Mapping, InputError> {
        let text = std::fs::read_to_string(path).map_err(|e| InputError::new(path, 0, None, format!("cannot read: {e}")))?;
        let mut m: Mapping = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].matches('\n').count() as u64 + 1).unwrap_or(0);
            InputError::new(path, line, None, format!("not a valid mapping: {}", unknown_key_hint(e.message())))
        })?;
        m.text = text;
        for (table, tm) in m.tables() {
            if let Some(d) = &tm.delimiter {
                if d.len() != 1 {
                    return Err(InputError::new(
                        path,
                        0,
                        Some(&format!("{table}.delimiter")),
                        format!("expected one ASCII character, found {d:?}"),
                    ));
                }
            }
            let spec_of = crate::ingest::plan::spec_named(table);
            for (field, spec) in &tm.columns {
                let t = spec.transform();
                let at = format!("{table}.columns.{field}");
                if let Some(known) = spec_of.filter(|sp| !sp.fields.iter().any(|f| f.0 == field)) {
                    let names: Vec<&str> = known.fields.iter().map(|f| f.0).collect();
                    let close: Vec<String> =
                        crate::text::suggest::closest(field, names.iter().copied(), 2).into_iter().map(str::to_string).collect();
                    let mean = crate::text::suggest::did_you_mean(&close).map_or_else(String::new, |d| format!(", {d}"));
                    let line = key_line(&m.text, field);
                    return Err(InputError::new(
                        path,
                        line,
                        Some(&at),
                        format!("unknown key `{field}`{mean} ([{table}.columns] maps these fields: {})", names.join(", ")),
                    ));
                }
                let sources = [t.column.is_some(), t.columns.is_some(), t.value.is_some()].iter().filter(|x| **x).count();
                if sources != 1 {
                    return Err(InputError::new(path, 0, Some(&at), "give exactly one of `column`, `columns` or `value`"));
                }
                if t.columns.as_ref().is_some_and(|c| c.is_empty()) {
                    return Err(InputError::new(path, 0, Some(&at), "`columns` needs at least one column"));
                }
                if let Some(p) = &t.pattern {
                    Regex::new(p).map_err(|e| InputError::new(path, 0, Some(&at), format!("bad pattern: {e}")))?;
                }
                if let Some(f) = &t.date_format {
                    DateFormat::parse(f).map_err(|e| InputError::new(path, 0, Some(&at), e))?;
                }
                if let Some(c) = &t.country {
                    if c != "name" && c != "code" {
                        return Err(InputError::new(path, 0, Some(&at), "country must be \"name\" or \"code\""));
                    }
                }
            }
        }
        Ok(m)
    }

    fn tables(&self) -> impl Iterator<Item = (&'static str, &TableMap)> {
        [("entities", &self.entities), ("shipments", &self.shipments), ("relations", &self.relations), ("lists", &self.lists)]
            .into_iter()
            .filter_map(|(n, t)| t.as_ref().map(|t| (n, t)))
    }

    pub fn table(&self, name: &str) -> Option<&TableMap> {
        self.tables().find(|(n, _)| *n == name).map(|(_, t)| t)
    }
}

/// The first line of `text` that sets `key` (`key =` or `"key" =`), 0 if none does.
fn key_line(text: &str, key: &str) -> u64 {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            let rest = l.strip_prefix(key).or_else(|| l.strip_prefix(&format!("\"{key}\""))).unwrap_or("-");
            rest.trim_start().starts_with('=')
        })
        .map_or(0, |i| i as u64 + 1)
}

/// serde's "unknown field `x`, expected one of `a`, `b`" in the words of a
/// mapping file: "unknown key `x`, did you mean `a`? (keys here: a, b)".
fn unknown_key_hint(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else { return message.to_string() };
    let Some((key, expected)) = rest.split_once("`, ") else { return message.to_string() };
    let keys: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let close: Vec<String> = crate::text::suggest::closest(key, keys.iter().copied(), 2).into_iter().map(str::to_string).collect();
    let mean = crate::text::suggest::did_you_mean(&close).map_or_else(String::new, |d| format!(", {d}"));
    format!("unknown key `{key}`{mean} (the keys allowed here: {}; docs/ingest.md lists them)", keys.join(", "))
}

impl ColumnSpec {
    pub fn transform(&self) -> Transform {
        match self {
            ColumnSpec::Name(c) => Transform { column: Some(c.clone()), ..Transform::default() },
            ColumnSpec::Full(t) => (**t).clone(),
        }
    }
}

/// A compiled transform, applied to each cell of its column.
#[derive(Debug, Clone)]
pub struct Compiled {
    pattern: Option<Regex>,
    date: Option<DateFormat>,
    decimal_comma: bool,
    scale: Option<f64>,
    country_name: bool,
    hs_digits: Option<usize>,
    prefix: Option<String>,
}

impl Compiled {
    pub fn new(t: &Transform) -> Compiled {
        Compiled {
            pattern: t.pattern.as_deref().map(|p| Regex::new(p).expect("checked when the mapping was loaded")),
            date: t.date_format.as_deref().map(|f| DateFormat::parse(f).expect("checked when the mapping was loaded")),
            decimal_comma: t.decimal_comma,
            scale: t.scale,
            country_name: t.country.as_deref() == Some("name"),
            hs_digits: t.hs_digits,
            prefix: t.prefix.clone(),
        }
    }

    /// Rewrites one (trimmed, non-empty) cell into the contract's form.
    pub fn apply<'a>(&self, cell: &'a str) -> Result<Cow<'a, str>, String> {
        let mut v: Cow<'a, str> = Cow::Borrowed(cell);
        if let Some(re) = &self.pattern {
            let caps = re.captures(cell).ok_or_else(|| format!("does not match the pattern {}", re.as_str()))?;
            let m = caps.get(1).or_else(|| caps.get(0)).expect("a match has group 0");
            v = Cow::Owned(m.as_str().trim().to_string());
        }
        if let Some(df) = &self.date {
            let d = df.read(&v).ok_or_else(|| format!("expected a date in the form {}, found {:?}", df.text, v))?;
            v = Cow::Owned(d.to_string());
        }
        if self.decimal_comma || self.scale.is_some() {
            let mut s: String = v.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'')).collect();
            if self.decimal_comma {
                s = s.replace('.', "").replace(',', ".");
            }
            if let Some(k) = self.scale {
                let x: f64 = s.parse().map_err(|_| format!("expected a number, found {v:?}"))?;
                s = format_number(x * k);
            }
            v = Cow::Owned(s);
        }
        if let Some(n) = self.hs_digits {
            let digits: String = v.chars().filter(char::is_ascii_digit).take(n).collect();
            v = Cow::Owned(digits);
        }
        if self.country_name {
            let code =
                refdata::country_by_name(&v).or_else(|| refdata::country_code(&v)).ok_or_else(|| format!("unknown country name {v:?}"))?;
            v = Cow::Borrowed(code);
        }
        if let Some(p) = &self.prefix {
            v = Cow::Owned(format!("{p}{v}"));
        }
        Ok(v)
    }
}

fn format_number(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// A date layout such as `DD.MM.YYYY`.
#[derive(Debug, Clone)]
pub struct DateFormat {
    text: String,
    parts: Vec<DatePart>,
}

#[derive(Debug, Clone, PartialEq)]
enum DatePart {
    Day,
    Month,
    Year4,
    Year2,
    Lit(char),
}

impl DateFormat {
    pub fn parse(f: &str) -> Result<DateFormat, String> {
        let mut parts = Vec::new();
        let mut rest = f;
        while !rest.is_empty() {
            let (p, n) = if rest.starts_with("YYYY") {
                (DatePart::Year4, 4)
            } else if rest.starts_with("YY") {
                (DatePart::Year2, 2)
            } else if rest.starts_with("MM") {
                (DatePart::Month, 2)
            } else if rest.starts_with("DD") {
                (DatePart::Day, 2)
            } else {
                let c = rest.chars().next().expect("not empty");
                if c.is_ascii_alphanumeric() {
                    return Err(format!("date_format {f:?}: unknown token at {rest:?} (use DD, MM, YYYY or YY)"));
                }
                (DatePart::Lit(c), c.len_utf8())
            };
            parts.push(p);
            rest = &rest[n..];
        }
        for need in [DatePart::Day, DatePart::Month] {
            if !parts.contains(&need) {
                return Err(format!("date_format {f:?} needs DD and MM"));
            }
        }
        if !parts.contains(&DatePart::Year4) && !parts.contains(&DatePart::Year2) {
            return Err(format!("date_format {f:?} needs YYYY or YY"));
        }
        Ok(DateFormat { text: f.to_string(), parts })
    }

    /// Reads a date; a trailing time of day (`15.06.2023 00:00:00`) is ignored.
    pub fn read(&self, s: &str) -> Option<Day> {
        let (mut y, mut m, mut d) = (None, None, None);
        let mut rest = s.trim();
        for p in &self.parts {
            let digits = |rest: &str, max: usize| -> Option<(u32, usize)> {
                let n = rest.bytes().take(max).take_while(u8::is_ascii_digit).count();
                if n == 0 {
                    return None;
                }
                Some((rest[..n].parse().ok()?, n))
            };
            match p {
                DatePart::Lit(c) => rest = rest.strip_prefix(*c)?,
                DatePart::Year4 => {
                    let (v, n) = digits(rest, 4).filter(|&(_, n)| n == 4)?;
                    y = Some(v as i32);
                    rest = &rest[n..];
                }
                DatePart::Year2 => {
                    let (v, n) = digits(rest, 2).filter(|&(_, n)| n == 2)?;
                    y = Some(2000 + v as i32);
                    rest = &rest[n..];
                }
                DatePart::Month => {
                    let (v, n) = digits(rest, 2)?;
                    m = Some(v);
                    rest = &rest[n..];
                }
                DatePart::Day => {
                    let (v, n) = digits(rest, 2)?;
                    d = Some(v);
                    rest = &rest[n..];
                }
            }
        }
        let rest = rest.trim_start_matches(['T', ' ']);
        if !rest.is_empty() && !rest.bytes().all(|b| b.is_ascii_digit() || b == b':' || b == b'.') {
            return None;
        }
        Day::from_ymd(y?, m?, d?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(json: &str) -> Compiled {
        let tr: Transform = toml::from_str(json).unwrap();
        Compiled::new(&tr)
    }

    #[test]
    fn dates_in_other_layouts() {
        let c = t("column='x'\ndate_format='DD.MM.YYYY'");
        assert_eq!(c.apply("15.06.2023").unwrap(), "2023-06-15");
        assert_eq!(c.apply("5.6.2023 00:00:00").unwrap(), "2023-06-05");
        assert!(c.apply("31.02.2023").is_err());
        assert!(c.apply("2023-06-15").is_err());
        let us = t("column='x'\ndate_format='MM/DD/YYYY'");
        assert_eq!(us.apply("06/15/2023").unwrap(), "2023-06-15");
        let compact = t("column='x'\ndate_format='YYYYMMDD'");
        assert_eq!(compact.apply("20230615").unwrap(), "2023-06-15");
        assert!(DateFormat::parse("QQ.MM").is_err());
    }

    #[test]
    fn numbers_countries_patterns() {
        assert_eq!(t("column='x'\ndecimal_comma=true").apply("1.234,50").unwrap(), "1234.50");
        assert_eq!(t("column='x'\ndecimal_comma=true").apply("12 345,5").unwrap(), "12345.5");
        assert_eq!(t("column='x'\nscale=0.5").apply("10").unwrap(), "5");
        assert_eq!(t("column='x'\ncountry='name'").apply("Türkiye").unwrap(), "TR");
        assert_eq!(t("column='x'\ncountry='name'").apply("РОССИЯ").unwrap(), "RU");
        assert_eq!(t("column='x'\ncountry='name'").apply("TR").unwrap(), "TR");
        assert!(t("column='x'\ncountry='name'").apply("Atlantis").is_err());
        let p = t("column='x'\npattern='ПРОИЗВОДИТЕЛЬ:\\s*([^;]+)'");
        assert_eq!(p.apply("МИКРОСХЕМЫ; ПРОИЗВОДИТЕЛЬ: TEXAS INSTRUMENTS; МАРКА TI").unwrap(), "TEXAS INSTRUMENTS");
        assert!(p.apply("нет производителя").is_err());
        assert_eq!(t("column='x'\nprefix='inn:'").apply("7701").unwrap(), "inn:7701");
        assert_eq!(t("column='x'\nhs_digits=10").apply("8542.31.90.00.19").unwrap(), "8542319000");
    }
}
