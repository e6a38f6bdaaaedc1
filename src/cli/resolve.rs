//! `divtrace resolve`: cluster a case's entities, take analyst decisions, list borderline pairs.

use std::io::Write;

use divtrace::app::resolve::{resolve_case, ClustersDoc, Decision, ReviewDoc};
use divtrace::Result;

use super::output::{self, io, Csv, Format};
use super::printers::{conflict_line, resolve_counts};
use super::CaseArg;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub case: CaseArg,
    /// Record that entities A and B (bundle ids) are the same, then re-resolve
    #[arg(long, num_args = 2, value_names = ["A", "B"], conflicts_with = "split")]
    pub merge: Option<Vec<String>>,
    /// Record that entities A and B (bundle ids) are different, then re-resolve
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    pub split: Option<Vec<String>>,
    /// With --merge or --split: the reason, stored beside the decision (at most 1000 characters)
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// List the borderline pairs (not merged, worth an analyst's look) instead of the clusters
    #[arg(long)]
    pub review: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<()> {
    let mut decisions = Vec::new();
    for (pair, same, flag) in [(&args.merge, true, "--merge"), (&args.split, false, "--split")] {
        if let Some(p) = pair {
            decisions.push(Decision { a: &p[0], b: &p[1], same, note: args.note.as_deref(), flag });
        }
    }
    if args.note.is_some() && decisions.is_empty() {
        return Err(divtrace::Error::usage("--note", "a note goes with a decision: give --merge A B or --split A B"));
    }
    let r = resolve_case(args.case.file(), &decisions)?;
    if args.review {
        return match args.format {
            Format::Json => output::json(out, &ReviewDoc { review: &r.review }),
            Format::Csv => {
                let mut w = Csv::new(out, ["a", "b", "a_name", "b_name", "score", "detail"])?;
                for p in &r.review {
                    w.row([&p.a, &p.b, &p.a_name, &p.b_name, &format!("{:.3}", p.raw_score), &p.detail])?;
                }
                w.finish()
            }
            Format::Table => {
                if r.review.is_empty() {
                    return io(writeln!(out, "no borderline pairs"));
                }
                for p in &r.review {
                    io(writeln!(out, "{:.3}  {} '{}'  ~  {} '{}'\n       {}", p.raw_score, p.a, p.a_name, p.b, p.b_name, p.detail))?;
                }
                Ok(())
            }
        };
    }
    match args.format {
        Format::Json => {
            output::json(out, &ClustersDoc { clusters: &r.merged, conflicts: &r.conflicts, manufacturer_links: r.manufacturer_links })
        }
        Format::Csv => {
            let mut w = Csv::new(out, ["cluster", "cluster_name", "member", "member_name"])?;
            for c in &r.merged {
                for (m, name) in c.members.iter().zip(&c.member_names) {
                    w.row([&c.id, &c.name, m, name])?;
                }
            }
            w.finish()
        }
        Format::Table => {
            for c in &r.merged {
                io(writeln!(out, "{} '{}' ({} records: {})", c.id, c.name, c.members.len(), c.members.join(", ")))?;
                for p in &c.evidence {
                    io(writeln!(out, "  {} ~ {}  {} {:.3}  {}", p.a, p.b, p.basis, p.raw_score, p.detail))?;
                }
            }
            io(writeln!(out, "{}", resolve_counts(&r)))?;
            for (a, b) in &r.conflicts {
                io(writeln!(out, "{}", conflict_line(a, b)))?;
            }
            Ok(())
        }
    }
}
