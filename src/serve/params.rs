//! Query parameters in, typed values out; and the one error shape every
//! refusal takes: `{"message": ..., "parameter": ...}` with a 4xx status.

use crate::error::Error;
use crate::graph::{country_code, hs_encode};
use crate::model::{Country, Day};
use crate::routes::{QuerySpec, Selector};

use super::partners::Filter;

/// A refusal or failure, as the client sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    /// The query parameter, path segment or header at fault.
    pub parameter: Option<String>,
}

impl ApiError {
    pub fn bad(parameter: &str, message: impl Into<String>) -> ApiError {
        ApiError { status: 400, message: message.into(), parameter: Some(parameter.to_string()) }
    }
    pub fn not_found(parameter: &str, message: impl Into<String>) -> ApiError {
        ApiError { status: 404, message: message.into(), parameter: Some(parameter.to_string()) }
    }
}

impl From<Error> for ApiError {
    /// Library errors: a usage error names a CLI flag (`--from`); the API's parameter is its name without dashes.
    fn from(e: Error) -> ApiError {
        match e {
            Error::Usage { flag, message } => {
                let p = flag.trim_start_matches('-').replace('-', "_");
                ApiError { status: 400, message: format!("{p}: {message}"), parameter: Some(p) }
            }
            // A route query checked by `QuerySpec::validate`: its fields are the API's parameter names.
            Error::Query(q) => {
                let p = query_param(q.field);
                ApiError { status: 400, message: format!("{p}: {}", q.message_with(query_param)), parameter: Some(p.to_string()) }
            }
            // Another flow's setting: the API has no parameter of its own for it, so it is called by the library's name.
            Error::Field(f) => {
                let p = f.field.as_str();
                ApiError {
                    status: 400,
                    message: format!("{p}: {}", f.message_with(crate::error::Field::as_str)),
                    parameter: Some(p.to_string()),
                }
            }
            other => ApiError { status: 500, message: other.to_string(), parameter: None },
        }
    }
}

/// The query parameter that sets a route query field.
fn query_param(f: crate::routes::QueryField) -> &'static str {
    match f {
        crate::routes::QueryField::ChplMaxTier => "chpl_tier",
        f => f.as_str(),
    }
}

/// The query string as (name, value) pairs, in order (names may repeat).
pub struct Params<'a> {
    pairs: &'a [(String, String)],
    known: &'static [&'static str],
}

/// Longest text accepted in one parameter: ids, names and dates are short.
const MAX_VALUE: usize = 500;

impl<'a> Params<'a> {
    /// Refuses parameters not in `known` (a typo should not be silently ignored) and overlong values.
    pub fn new(pairs: &'a [(String, String)], known: &'static [&'static str]) -> Result<Self, ApiError> {
        for (k, v) in pairs {
            if !known.contains(&k.as_str()) {
                return Err(ApiError::bad(k, format!("unknown parameter '{k}' (expected one of {})", known.join(", "))));
            }
            if v.len() > MAX_VALUE {
                return Err(ApiError::bad(k, format!("value longer than {MAX_VALUE} bytes")));
            }
        }
        Ok(Params { pairs, known })
    }

    pub fn all(&self, name: &str) -> Vec<&'a str> {
        debug_assert!(self.known.contains(&name));
        self.pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.trim().is_empty()).collect()
    }

    /// The one value of `name` (empty counts as absent); a repeated parameter is refused.
    pub fn one(&self, name: &str) -> Result<Option<&'a str>, ApiError> {
        let v = self.all(name);
        match v.len() {
            0 => Ok(None),
            1 => Ok(Some(v[0].trim())),
            _ => Err(ApiError::bad(name, format!("'{name}' given {} times; give it once", v.len()))),
        }
    }

    pub fn uint(&self, name: &str, default: u64, max: u64) -> Result<u64, ApiError> {
        let Some(s) = self.one(name)? else { return Ok(default) };
        let n: u64 = s.parse().map_err(|_| ApiError::bad(name, format!("'{s}' is not a whole number")))?;
        if n > max {
            return Err(ApiError::bad(name, format!("{n} is more than the most allowed, {max}")));
        }
        Ok(n)
    }

    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.one(name)? {
            None => Ok(false),
            Some("true" | "1" | "yes" | "on") => Ok(true),
            Some("false" | "0" | "no" | "off") => Ok(false),
            Some(s) => Err(ApiError::bad(name, format!("'{s}' is not true or false"))),
        }
    }

    pub fn date(&self, name: &str) -> Result<Option<Day>, ApiError> {
        self.one(name)?
            .map(|s| Day::parse_iso(s).ok_or_else(|| ApiError::bad(name, format!("'{s}' is not a date (expected YYYY-MM-DD)"))))
            .transpose()
    }

    /// HS prefixes: repeated or comma-separated, dots and spaces ignored.
    pub fn hs(&self, name: &str) -> Result<Vec<(String, u64, u32)>, ApiError> {
        let mut out = Vec::new();
        for v in self.all(name) {
            for p in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let digits: String = p.chars().filter(|c| !matches!(c, '.' | ' ' | '-')).collect();
                let code = hs_encode(&digits).ok_or_else(|| {
                    ApiError::bad(name, format!("'{p}' is not an HS prefix (expected 4 to 10 digits, e.g. 8542 or 8542.31)"))
                })?;
                out.push((digits.clone(), code, digits.len() as u32));
            }
        }
        Ok(out)
    }

    pub fn country(&self, name: &str) -> Result<Option<u16>, ApiError> {
        self.one(name)?
            .map(|s| {
                Country::parse(s)
                    .map(|c| country_code(c.as_str()))
                    .ok_or_else(|| ApiError::bad(name, format!("'{s}' is not a country (expected an ISO 3166-1 alpha-2 code such as TR)")))
            })
            .transpose()
    }

    /// CHPL: `chpl=true` (any tier) or `chpl_tier=N` (1 to 4).
    pub fn chpl(&self) -> Result<Option<u8>, ApiError> {
        let tier = self.one("chpl_tier")?;
        if let Some(t) = tier {
            return match t.parse::<u8>() {
                Ok(n @ 1..=4) => Ok(Some(n)),
                _ => Err(ApiError::bad("chpl_tier", format!("'{t}' is not a CHPL tier (1 to 4)"))),
            };
        }
        Ok(self.flag("chpl")?.then_some(4))
    }

    /// The partner filters of `neighbours` and `shipments`.
    pub fn filter(&self) -> Result<Filter, ApiError> {
        let f = Filter {
            since: self.date("since")?,
            until: self.date("until")?,
            hs: self.hs("hs")?.into_iter().map(|(_, c, l)| (c, l)).collect(),
            chpl_max_tier: self.chpl()?,
            controlled: self.flag("controlled")?,
            country: self.country("country")?,
            partner: None,
        };
        if let (Some(a), Some(b)) = (f.since, f.until) {
            if a > b {
                return Err(ApiError::bad("until", format!("until {b} is before since {a}")));
            }
        }
        Ok(f)
    }
}

/// Parameters of `/api/routes` (the flags of `divtrace routes`, without dashes).
pub const ROUTE_PARAMS: &[&str] = &[
    "from",
    "to",
    "via",
    "avoid",
    "max_hops",
    "max_dwell_days",
    "hs_level",
    "hs",
    "chpl",
    "chpl_tier",
    "controlled",
    "since",
    "until",
    "min_value",
    "limit",
    "all",
    "group",
    "explain",
];

/// Most routes or channels one answer lists; `--all` stays on the command line.
pub const MAX_ROUTES: u64 = 200;

/// What `/api/routes` runs.
pub struct RouteAsk {
    pub spec: QuerySpec,
    pub group: bool,
    pub explain: bool,
}

/// `goods`: the lists the server was started with (`--goods`), which `controlled=true` means.
pub fn route_ask(p: &Params, goods: &crate::refdata::goods::GoodsLists) -> Result<RouteAsk, ApiError> {
    let sels = |field: crate::routes::QueryField| -> Result<Vec<Selector>, ApiError> {
        p.all(query_param(field)).iter().map(|s| Selector::parse(field, s.trim()).map_err(|e| ApiError::from(Error::Query(e)))).collect()
    };
    if p.flag("all")? {
        return Err(ApiError::bad(
            "all",
            format!("the workspace lists at most {MAX_ROUTES} routes; use `divtrace routes --all` for every route"),
        ));
    }
    let min_value = match p.one("min_value")? {
        None => None,
        Some(s) => match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
            _ => return Err(ApiError::bad("min_value", format!("'{s}' is not a non-negative number"))),
        },
    };
    let explain = p.flag("explain")?;
    let group = p.flag("group")?;
    if explain && group {
        return Err(ApiError::bad("explain", "explain and group cannot be combined"));
    }
    let spec = QuerySpec {
        from: sels(crate::routes::QueryField::From)?,
        to: sels(crate::routes::QueryField::To)?,
        via: sels(crate::routes::QueryField::Via)?,
        avoid: sels(crate::routes::QueryField::Avoid)?,
        max_hops: p.uint("max_hops", 5, u64::from(crate::routes::MAX_HOPS_LIMIT))? as u32,
        max_dwell_days: p.uint("max_dwell_days", 180, 3650)? as i32,
        hs_level: p.uint("hs_level", 6, 10)? as u32,
        hs: p.hs("hs")?.into_iter().map(|(d, _, _)| d).collect(),
        chpl_max_tier: p.chpl()?,
        since: p.date("since")?,
        until: p.date("until")?,
        min_value,
        limit: Some(p.uint("limit", 20, MAX_ROUTES)? as usize),
        goods: goods.clone(),
        controlled: p.flag("controlled")?,
        ..QuerySpec::default()
    };
    if spec.from.is_empty() {
        return Err(ApiError::bad("from", "give at least one origin selector, e.g. from=country:US"));
    }
    if spec.to.is_empty() {
        return Err(ApiError::bad("to", "give at least one destination selector, e.g. to=country:RU"));
    }
    spec.validate().map_err(|e| ApiError::from(Error::Query(e)))?;
    Ok(RouteAsk { spec, group, explain })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn refuses_unknown_repeated_and_malformed_values() {
        let v = pairs(&[("limt", "3")]);
        assert_eq!(Params::new(&v, &["limit"]).err().unwrap().parameter.as_deref(), Some("limt"));
        let v = pairs(&[("limit", "3"), ("limit", "4")]);
        assert!(Params::new(&v, &["limit"]).unwrap().uint("limit", 1, 10).is_err());
        let v = pairs(&[("limit", "-1")]);
        assert!(Params::new(&v, &["limit"]).unwrap().uint("limit", 1, 10).is_err());
        let v = pairs(&[("limit", "11")]);
        assert!(Params::new(&v, &["limit"]).unwrap().uint("limit", 1, 10).is_err());
        let v = pairs(&[("since", "2024-02-30")]);
        assert!(Params::new(&v, &["since"]).unwrap().date("since").is_err());
        let v = pairs(&[("hs", "85x")]);
        assert!(Params::new(&v, &["hs"]).unwrap().hs("hs").is_err());
        let v = pairs(&[("country", "Narnia")]);
        assert!(Params::new(&v, &["country"]).unwrap().country("country").is_err());
    }

    #[test]
    fn route_parameters_become_the_cli_query() {
        let v = pairs(&[
            ("from", "country:US"),
            ("from", "origin:US"),
            ("to", "country:RU"),
            ("max_hops", "4"),
            ("hs", "8542.31"),
            ("chpl", "true"),
        ]);
        let ask = route_ask(&Params::new(&v, ROUTE_PARAMS).unwrap(), &crate::refdata::goods::GoodsLists::bundled()).unwrap();
        assert_eq!(ask.spec.from.len(), 2);
        assert_eq!(ask.spec.max_hops, 4);
        assert_eq!(ask.spec.hs, vec!["854231".to_string()]);
        assert_eq!(ask.spec.chpl_max_tier, Some(4));
        let v = pairs(&[("from", "planet:Mars"), ("to", "country:RU")]);
        let e = route_ask(&Params::new(&v, ROUTE_PARAMS).unwrap(), &crate::refdata::goods::GoodsLists::bundled()).err().unwrap();
        assert_eq!((e.status, e.parameter.as_deref()), (400, Some("from")));
        let v = pairs(&[("from", "country:US"), ("to", "country:RU"), ("max_hops", "99")]);
        assert_eq!(
            route_ask(&Params::new(&v, ROUTE_PARAMS).unwrap(), &crate::refdata::goods::GoodsLists::bundled())
                .err()
                .unwrap()
                .parameter
                .as_deref(),
            Some("max_hops")
        );
    }
}
