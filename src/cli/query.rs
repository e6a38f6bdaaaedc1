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

/// The flags the Spark job recorded (`query.args` of its routes file), read
/// as `divtrace routes` reads its own: the query flags, and the job's flags
/// that change which routes are found not at all (where it writes, whether
/// it counts or prunes, how often it runs the query to time it).
#[derive(clap::Parser)]
#[command(no_binary_name = true, disable_help_flag = true)]
struct JobArgs {
    #[command(flatten)]
    query: QueryArgs,
    #[arg(long)]
    out: Option<String>,
    #[arg(long)]
    stats: bool,
    #[arg(long)]
    no_prune: bool,
    #[arg(long)]
    repeat: Option<u32>,
}

/// The query of the Spark job's flags `args` (its `query.args`).
///
/// # Errors
/// A flag the job does not take (`--goods`, `--limit`, `--all`; the job
/// refuses goods files and finds every route) or one `divtrace routes`
/// refuses, with clap's or the query's message.
pub fn job_spec(args: &[String]) -> Result<QuerySpec> {
    for a in args {
        let name = a.split('=').next().unwrap_or_default();
        if matches!(name, "--goods" | "--limit" | "--all") {
            return Err(Error::usage(name, "not a flag the Spark job runs with (it refuses goods files and finds every route)"));
        }
    }
    let a = <JobArgs as clap::Parser>::try_parse_from(args).map_err(|e| {
        // clap's first line is the message; the rest is usage for a terminal.
        let text = e.to_string();
        let first = text.lines().next().unwrap_or_default().trim_start_matches("error: ").to_string();
        Error::Other(format!("{first} (in {})", shell_words(args)))
    })?;
    spec(&a.query)
}

/// `args` as one line a reader can run again (quoted where needed).
fn shell_words(args: &[String]) -> String {
    let quote = |s: &String| {
        if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_:.=/,".contains(c)) {
            s.clone()
        } else {
            format!("'{}'", s.replace('\'', "'\\''"))
        }
    };
    args.iter().map(quote).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_jobs_flags_read_as_routes_reads_its_own() {
        let s = job_spec(&args(&[
            "--from",
            "country:US",
            "--to",
            "country:RU",
            "--max-hops",
            "4",
            "--hs-level=4",
            "--out",
            "r.json",
            "--stats",
            "--no-prune",
            "--repeat",
            "3",
        ]))
        .unwrap();
        assert_eq!((s.max_hops, s.hs_level, s.from.len(), s.to.len()), (4, 4, 1, 1));
        for bad in [&["--from", "country:US", "--to", "country:RU", "--limit", "3"][..], &["--goods=x.csv"], &["--all"]] {
            let e = job_spec(&args(bad)).unwrap_err().to_string();
            assert!(e.contains("not a flag the Spark job runs with"), "{e}");
        }
        let e = job_spec(&args(&["--from", "country:US", "--to", "country:RU", "--frobnicate", "it's"])).unwrap_err().to_string();
        assert!(e.contains("'--frobnicate'") && e.contains("'it'\\''s'") && !e.contains("Usage"), "{e}");
        let e = job_spec(&args(&["--from", "country:US"])).unwrap_err().to_string();
        assert!(e.starts_with("--to:"), "{e}");
    }
}
