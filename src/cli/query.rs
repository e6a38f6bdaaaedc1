//! The route query flags, shared by `routes`, `hubs`, `export` and `report`,
//! and their translation into the library's [`QuerySpec`].

use divtrace::model::Day;
use divtrace::routes::{QueryField, QuerySpec, Selector};
use divtrace::{Error, Result};

/// The route query flags.
#[derive(clap::Args, Clone, Debug)]
pub struct QueryArgs {
    /// Where routes start (repeatable, a union): country:US, entity:ID, role:manufacturer,
    /// list:entity_list, name:TEXT, or goods declared on the first hop: origin:US, brand:TEXT
    #[arg(long, value_name = "SEL")]
    pub from: Vec<String>,
    /// Where routes end (repeatable, a union): country:, entity:, role:, list:, name:
    #[arg(long, value_name = "SEL")]
    pub to: Vec<String>,
    /// Some entity of the route must match (repeatable, a union)
    #[arg(long, value_name = "SEL")]
    pub via: Vec<String>,
    /// No entity of the route may match (repeatable)
    #[arg(long, value_name = "SEL")]
    pub avoid: Vec<String>,
    /// Most shipments in a route
    #[arg(long, default_value_t = 5)]
    pub max_hops: u32,
    /// Most days between a hop and the next
    #[arg(long, default_value_t = 180)]
    pub max_dwell_days: i32,
    /// HS digits consecutive hops must share: 4 or 6
    #[arg(long, default_value_t = 6)]
    pub hs_level: u32,
    /// Only shipments whose HS code starts with PREFIX (repeatable)
    #[arg(long, value_name = "PREFIX")]
    pub hs: Vec<String>,
    /// Only goods on the BIS Common High Priority List
    #[arg(long)]
    pub chpl: bool,
    /// Only CHPL goods of this tier or a more sensitive one (1 = integrated circuits); implies --chpl
    #[arg(long, value_name = "N")]
    pub chpl_tier: Option<u8>,
    /// A goods list to load: CSV hs_code,list,description,source with HS prefixes of 2 to 10 digits (repeatable)
    #[arg(long, value_name = "FILE")]
    pub goods: Vec<std::path::PathBuf>,
    /// Only controlled goods: on the CHPL or on a list loaded with --goods
    #[arg(long)]
    pub controlled: bool,
    /// Only shipments on or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only shipments on or before this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only shipments with a declared value of at least this many USD
    #[arg(long, value_name = "USD")]
    pub min_value: Option<f64>,
    /// Pair an export declaration with the import declaration of the same consignment
    /// when the import is dated 0 to N days after the export
    #[arg(long, value_name = "N", default_value_t = divtrace::graph::mirror::DEFAULT_MAX_DAYS)]
    pub mirror_days: i32,
    /// ... and their declared values differ by at most PCT percent of the larger
    /// (or, without values, their quantities are equal)
    #[arg(long, value_name = "PCT", default_value_t = divtrace::graph::mirror::DEFAULT_VALUE_TOLERANCE * 100.0)]
    pub mirror_tolerance: f64,
    /// Do not pair mirror records: every declaration is a hop of its own
    #[arg(long)]
    pub no_mirror: bool,
    /// Show the K best routes (or channels)
    #[arg(long, value_name = "K", default_value_t = 20)]
    pub limit: usize,
    /// Show every route (or channel)
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
}

fn selectors(field: QueryField, v: &[String]) -> Result<Vec<Selector>> {
    v.iter().map(|s| Selector::parse(field, s).map_err(|e| in_flags(e.into()))).collect()
}

fn date(flag: &str, v: &Option<String>) -> Result<Option<Day>> {
    v.as_deref()
        .map(|s| Day::parse_iso(s.trim()).ok_or_else(|| Error::usage(flag, format!("'{s}' is not a date (expected YYYY-MM-DD)"))))
        .transpose()
}

/// The flag that sets a query field.
pub fn flag(field: QueryField) -> &'static str {
    match field {
        QueryField::From => "--from",
        QueryField::To => "--to",
        QueryField::Via => "--via",
        QueryField::Avoid => "--avoid",
        QueryField::MaxHops => "--max-hops",
        QueryField::MaxDwellDays => "--max-dwell-days",
        QueryField::HsLevel => "--hs-level",
        QueryField::Hs => "--hs",
        QueryField::ChplMaxTier => "--chpl-tier",
        QueryField::Since => "--since",
        QueryField::Until => "--until",
        QueryField::MinValue => "--min-value",
        QueryField::MirrorDays => "--mirror-days",
        QueryField::MirrorTolerance => "--mirror-tolerance",
    }
}

/// A query error in the library's terms (a field, and the fields its
/// message mentions) as a usage error naming the flags. The one place that
/// knows which flag sets which field.
pub fn in_flags(e: Error) -> Error {
    match e {
        Error::Query(q) => Error::usage(flag(q.field), q.message_with(flag)),
        other => other,
    }
}

/// The library query for these flags, checked before the case is opened.
pub fn spec(a: &QueryArgs) -> Result<QuerySpec> {
    let spec = QuerySpec {
        from: selectors(QueryField::From, &a.from)?,
        to: selectors(QueryField::To, &a.to)?,
        via: selectors(QueryField::Via, &a.via)?,
        avoid: selectors(QueryField::Avoid, &a.avoid)?,
        max_hops: a.max_hops,
        max_dwell_days: a.max_dwell_days,
        hs_level: a.hs_level,
        hs: a.hs.clone(),
        chpl_max_tier: a.chpl_tier.or(a.chpl.then_some(4)),
        goods: divtrace::refdata::goods::GoodsLists::load(&a.goods)?,
        controlled: a.controlled,
        since: date("--since", &a.since)?,
        until: date("--until", &a.until)?,
        min_value: a.min_value,
        limit: (!a.all).then_some(a.limit),
        mirror: divtrace::graph::mirror::MirrorRules {
            enabled: !a.no_mirror,
            max_days: a.mirror_days,
            value_tolerance: a.mirror_tolerance / 100.0,
        },
    };
    spec.validate().map_err(|e| in_flags(e.into()))?;
    Ok(spec)
}
