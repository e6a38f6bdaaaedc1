//! `divtrace info --case FILE`

use std::fmt::Write as _;
use std::io::Write;

use divtrace::app::info;
use divtrace::app::CaseInfo;
use divtrace::refdata;
use divtrace::Result;

use super::output::{self, io, Csv, Format};
use super::CaseArg;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub case: CaseArg,
    /// How many countries and HS headings to list
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// A goods list (CSV hs_code,list,description,source; repeatable): count the shipments on each loaded list
    #[arg(long, value_name = "FILE")]
    pub goods: Vec<std::path::PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<()> {
    let goods = if args.goods.is_empty() { None } else { Some(refdata::goods::GoodsLists::load(&args.goods)?) };
    // Only with --goods, so the output without it stays as it was.
    let (info, lists) = info(args.case.file(), args.top, goods.as_ref())?;
    match args.format {
        Format::Json if lists.is_empty() => output::json(out, &info),
        Format::Json => {
            let mut v = serde_json::to_value(&info).map_err(|e| divtrace::Error::Other(e.to_string()))?;
            v["goods_lists"] = serde_json::to_value(&lists).map_err(|e| divtrace::Error::Other(e.to_string()))?;
            output::json(out, &v)
        }
        Format::Csv => {
            // One row per figure: section, key, value — easy to diff between cases.
            let mut w = Csv::new(out, ["section", "key", "value"])?;
            let mut row = |a: &str, b: &str, c: String| w.row([a, b, &c]);
            for (k, n) in &info.entities {
                row("entities", k, n.to_string())?;
            }
            row("shipments", "count", info.shipments.to_string())?;
            for (k, n) in &info.relations {
                row("relations", k, n.to_string())?;
            }
            for (k, n) in &info.lists {
                row("lists", k, n.to_string())?;
            }
            for c in &info.countries {
                row("country_shipments_out", &c.country, c.shipments_out.to_string())?;
                row("country_shipments_in", &c.country, c.shipments_in.to_string())?;
            }
            for h in &info.hs_headings {
                row("hs_heading_shipments", &h.heading, h.shipments.to_string())?;
                row("hs_heading_chpl_share", &h.heading, format!("{:.4}", h.chpl_share))?;
            }
            for l in &lists {
                row("goods_list_shipments", &l.list, l.shipments.to_string())?;
                row("goods_list_share", &l.list, format!("{:.4}", l.share))?;
            }
            for f in &info.foreign_values {
                row("foreign_value_shipments", &f.currency, f.shipments.to_string())?;
                row("foreign_value_unconverted", &f.currency, f.unconverted.to_string())?;
            }
            for b in &info.batches {
                for f in &b.files {
                    row("batch_file_sha256", &format!("{}:{}", b.scope, f.path), f.sha256.clone())?;
                }
            }
            w.finish()
        }
        Format::Table => {
            let mut s = table(&info, &args.case.case.display().to_string());
            if !lists.is_empty() {
                let _ = writeln!(s, "\nGoods lists\n  {:<24} {:>10} {:>16} {:>7}", "list", "shipments", "value US$", "share");
                for l in &lists {
                    let _ = writeln!(s, "  {:<24} {:>10} {:>16.0} {:>6.1}%", trunc(&l.list, 24), l.shipments, l.value_usd, l.share * 100.0);
                }
            }
            io(out.write_all(s.as_bytes()))
        }
    }
}

fn table(i: &CaseInfo, path: &str) -> String {
    let mut s = String::new();
    let join = |m: &std::collections::BTreeMap<String, i64>| {
        if m.is_empty() {
            "none".to_string()
        } else {
            m.iter().map(|(k, v)| format!("{v} {k}")).collect::<Vec<_>>().join(", ")
        }
    };
    let _ = writeln!(s, "Case file {path} (schema v{}, generation {})", i.schema_version, i.generation);
    let _ = writeln!(s, "  entities   {} ({} aliases, {} identifiers)", join(&i.entities), i.aliases, i.identifiers);
    let _ = writeln!(
        s,
        "  shipments  {} from {} to {}, declared value US$ {:.0}",
        i.shipments,
        i.first_date.as_deref().unwrap_or("-"),
        i.last_date.as_deref().unwrap_or("-"),
        i.total_value_usd
    );
    for f in &i.foreign_values {
        let _ = writeln!(
            s,
            "  not USD    {} shipment(s) declared in {} ({:.2} {}): {} converted with a rate, {} without a USD value (in no US$ total)",
            f.shipments, f.currency, f.amount, f.currency, f.converted, f.unconverted
        );
    }
    let _ = writeln!(s, "  relations  {}", join(&i.relations));
    let _ = writeln!(s, "  listed     {}", join(&i.lists));
    if i.resolved_clusters > 0 {
        let _ = writeln!(s, "  resolved   {} clusters of several ids", i.resolved_clusters);
    }
    let _ = writeln!(s, "\nCountries (by shipments)\n  {:<4} {:<24} {:>9} {:>10} {:>10}", "code", "name", "entities", "out", "in");
    for c in &i.countries {
        let flag = if refdata::transshipment_source(&c.country).is_some() { "FinCEN/BIS transshipment point" } else { "" };
        let _ = writeln!(
            s,
            "  {:<4} {:<24} {:>9} {:>10} {:>10} {}",
            c.country,
            trunc(&c.name, 24),
            c.entities,
            c.shipments_out,
            c.shipments_in,
            flag
        );
    }
    let _ = writeln!(s, "\nHS headings (by shipments); {:.1}% of all shipments are on the BIS CHPL", i.chpl_share * 100.0);
    let _ = writeln!(s, "  {:<8} {:>10} {:>16} {:>7}  tiers", "heading", "shipments", "value US$", "CHPL");
    for h in &i.hs_headings {
        let _ = writeln!(
            s,
            "  {:<8} {:>10} {:>16.0} {:>6.1}%  {}",
            h.heading,
            h.shipments,
            h.value_usd,
            h.chpl_share * 100.0,
            h.chpl_tiers.join(" ")
        );
    }
    let _ = writeln!(s, "\nImport batches");
    for b in &i.batches {
        let _ = writeln!(
            s,
            "  #{} scope {:?}, {} from {} at {} (divtrace {})",
            b.id, b.scope, b.format, b.bundle_path, b.imported_at, b.tool_version
        );
        for f in &b.files {
            let refused = if f.refused > 0 { format!(", {} refused", f.refused) } else { String::new() };
            let _ =
                writeln!(s, "     {:<16} {:>9} rows{refused}  sha256 {}", f.path.rsplit('/').next().unwrap_or(&f.path), f.rows, f.sha256);
        }
    }
    s
}

fn trunc(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}
