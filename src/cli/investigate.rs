//! `divtrace investigate BUNDLE[=MAPPING]... --out DIR`: the main job in
//! one command. Ingests every bundle (each with its own column mapping)
//! into DIR/case.db, resolves and screens it, searches the routes of the
//! query (by default from US-origin goods and US makers to Russian and
//! Belarusian consignees), and writes the diagram and evidence report into DIR.

use std::io::Write;
use std::path::PathBuf;

use divtrace::app::investigate::{investigate, BundleIn, Plan};
use divtrace::{Error, Result};

use super::lists::ListArgs;
use super::printers::{ingest_summary, resolve_summary};
use super::query::{spec, QueryArgs};
use super::{io, Format};

#[derive(clap::Args)]
// investigate lists 10 channels unless told otherwise, as it always has; `routes` lists 20.
#[command(mut_arg("limit", |a| a.default_value("10")))]
pub struct Args {
    /// The case bundles to investigate together (e.g. a Turkish export dump and a Russian import
    /// dump), each BUNDLE_DIR, BUNDLE_DIR=MAPPING.toml (its column mapping) or a FollowTheMoney FILE.jsonl
    #[arg(value_name = "BUNDLE[=MAPPING]", required = true, num_args = 1..)]
    pub bundles: Vec<String>,
    /// The column mapping of the bundle when only one is given (the same as BUNDLE=MAPPING)
    #[arg(long = "map", value_name = "MAPPING.toml")]
    pub map: Option<PathBuf>,
    /// Where the case file, diagram and report go (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// No progress bars
    #[arg(long, short)]
    pub quiet: bool,
    /// The route query; without --from and --to: US makers and US-origin goods to Russia and Belarus
    #[command(flatten)]
    pub query: QueryArgs,
    /// Screening lists: the case's entities are screened and accepted matches stored before assessing
    #[command(flatten)]
    pub lists: ListArgs,
}

/// `BUNDLE` or `BUNDLE=MAPPING.toml`: split at the last `=` when what
/// follows names a `.toml` file and the whole text is not itself a path.
pub fn bundle_arg(text: &str) -> BundleIn {
    if !std::path::Path::new(text).exists() {
        if let Some((b, m)) = text.rsplit_once('=') {
            if m.to_ascii_lowercase().ends_with(".toml") && !b.is_empty() {
                return BundleIn { path: PathBuf::from(b), mapping: Some(PathBuf::from(m)) };
            }
        }
    }
    BundleIn { path: PathBuf::from(text), mapping: None }
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<()> {
    // Flags first, then the goods lists: a bad file stops the run before anything is written.
    let mut bundles: Vec<BundleIn> = args.bundles.iter().map(|b| bundle_arg(b)).collect();
    if let Some(m) = &args.map {
        match bundles.as_mut_slice() {
            [one] if one.mapping.is_none() => one.mapping = Some(m.clone()),
            [_] => return Err(Error::usage("--map", "the bundle already names its mapping (BUNDLE=MAPPING.toml): give one of the two")),
            _ => {
                return Err(Error::usage(
                    "--map",
                    "with several bundles, give each its own mapping as BUNDLE=MAPPING.toml (--map is for a single bundle)",
                ))
            }
        }
    }
    // An end left open is the default query's end (checked with the rest of the query).
    let mut query = args.query.clone();
    let d = divtrace::app::investigate::default_query(0)?;
    if query.from.is_empty() {
        query.from = d.from.iter().map(|s| s.to_string()).collect();
    }
    if query.to.is_empty() {
        query.to = d.to.iter().map(|s| s.to_string()).collect();
    }
    let spec = spec(&query)?;
    let lists = args.lists.any().then(|| args.lists.lists()).transpose()?;
    let plan = Plan {
        bundles: &bundles,
        out: &args.out,
        spec,
        screening: lists.as_ref().map(|l| (l, args.lists.threshold)),
        progress: !args.quiet,
    };
    let inv = investigate(&plan)?;
    let case_path = &inv.case_path;
    for s in &inv.summaries {
        ingest_summary(s, case_path, Format::Table, out)?;
    }
    io(writeln!(out, "\n== Entity resolution\n"))?;
    io(writeln!(out, "{}", resolve_summary(&inv.resolution)))?;
    io(writeln!(out, "(divtrace resolve --case {} lists the clusters and their evidence)", case_path.display()))?;
    if let Some(n) = inv.screened {
        io(writeln!(out, "\n== Screening\n"))?;
        io(writeln!(
            out,
            "{n} accepted list match(es) stored in the case (divtrace screen --case {} --review shows the borderline ones)",
            case_path.display()
        ))?;
    }

    let rep = &inv.report;
    let what = if args.query.from.is_empty() && args.query.to.is_empty() {
        "US makers and US-origin goods to Russia and Belarus".to_string()
    } else {
        let list = |v: &[divtrace::routes::Selector]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" or ");
        format!("from {} to {}", list(&inv.spec.from), list(&inv.spec.to))
    };
    io(writeln!(out, "\n== Routes: {what}, grouped into channels\n"))?;
    // One line per channel here, the same channels as the report (which has every hop).
    let num = divtrace::export::report::num;
    io(writeln!(
        out,
        "{} route(s) in {} channel(s); the {} best:",
        num(rep.routes.stats.total_routes),
        num(rep.channel_stats.total),
        rep.channels.len()
    ))?;
    // A party as both tables show it: the name, its Latin form beside it when
    // written in another script (as the report pages show it), and its id.
    let latin = rep.latin();
    let term = divtrace::text::safe::term;
    let party = |name: &str, id: &str| match latin.get(name) {
        Some(l) => format!("{} ({}) [{}]", term(name), term(&l.latin), term(id)),
        None => format!("{} [{}]", term(name), term(id)),
    };
    for c in &rep.channels {
        io(writeln!(
            out,
            "\n{:>3}. score {:>3}  {} route(s)  {} consignment(s)  HS {}  {} .. {}  US$ {} shipped",
            c.rank,
            c.score,
            num(c.routes),
            num(c.consignments as u64),
            c.hs,
            c.first_date,
            c.last_date,
            divtrace::export::view::money(c.value_shipped)
        ))?;
        let chain: Vec<String> = c.parties.iter().map(|p| party(&p.name, &p.id)).collect();
        io(writeln!(out, "     {}", chain.join(" -> ")))?;
    }
    if rep.channel_stats.subchains_hidden > 0 {
        io(writeln!(
            out,
            "\n({} channel(s) that are parts of longer ones above are not listed; `divtrace routes --group` lists all)",
            rep.channel_stats.subchains_hidden
        ))?;
    }
    if let Some(m) = &rep.routes.message {
        io(writeln!(out, "{m}"))?;
    }

    io(writeln!(out, "\n== Parties on these routes by risk (divtrace assess; every factor is in the report)\n"))?;
    let shown = inv.spec.limit.unwrap_or(usize::MAX);
    for a in rep.assessments.iter().take(shown) {
        let codes: Vec<&str> = a.factors.iter().take(4).map(|f| f.code.code()).collect();
        io(writeln!(
            out,
            "  {:>3} {:<7} {} ({})  {}",
            a.score,
            a.band.as_str(),
            party(&a.name, &a.entity),
            term(a.country.as_deref().unwrap_or("??")),
            codes.join(", ")
        ))?;
    }
    io(writeln!(out, "\n== Evidence report\n"))?;
    for line in &inv.report_lines {
        io(writeln!(out, "{line}"))?;
    }
    io(writeln!(
        out,
        "Open {} in a browser. Next: divtrace routes --case {} --from ... --to ...  (see README)",
        args.out.join("report.html").display(),
        case_path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_and_mapping_split_at_the_last_equals_sign() {
        let b = bundle_arg("dumps/tr=maps/tr.toml");
        assert_eq!((b.path, b.mapping), (PathBuf::from("dumps/tr"), Some(PathBuf::from("maps/tr.toml"))));
        let b = bundle_arg("a=b/c=d.TOML");
        assert_eq!((b.path, b.mapping), (PathBuf::from("a=b/c"), Some(PathBuf::from("d.TOML"))));
        // Not a mapping: kept whole.
        assert_eq!(bundle_arg("odd=name").mapping, None);
        assert_eq!(bundle_arg("=x.toml").mapping, None);
    }
}
