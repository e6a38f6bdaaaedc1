//! The command line: one file per subcommand, each with its own `Args` and `run`.
//! Flags are validated here, at the edge, into the library's own types;
//! the library never parses flags or prints.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use divtrace::Result;

mod assess;
mod export;
mod fields;
mod hubs;
mod info;
mod ingest;
mod investigate;
mod lists;
pub mod output;
mod printers;
mod query;
mod report;
mod resolve;
mod routes;
mod screen;
mod serve;
#[cfg(feature = "synth")]
mod synth;

pub use output::{io, Format};

#[derive(Parser)]
#[command(name = "divtrace", version, about = "Trace diversion of export-controlled goods through customs records", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import a case bundle (a folder of CSV files) into a case file
    Ingest(ingest::Args),
    /// Show what a case file holds
    Info(info::Args),
    /// The main job: ingest a bundle, search routes, write the diagram and report
    Investigate(investigate::Args),
    /// Search a case for time-consistent transshipment routes
    Routes(routes::Args),
    /// Rate counterparties: a score, a band and the factors behind it
    Assess(assess::Args),
    /// Rank the intermediaries that carry routes, by value and betweenness
    Hubs(hubs::Args),
    /// Write the routes of a query (or one company's trade) as a diagram, GraphML or FollowTheMoney
    Export(export::Args),
    /// Write an evidence report (HTML page, diagram, JSON, SHA-256 manifest) for the routes of a query
    Report(report::Args),
    /// Write a fictional case bundle with planted diversion schemes and a truth file
    #[cfg(feature = "synth")]
    Synth(synth::Args),
    /// Cluster records of the same company or person; analyst merge/split; review borderline pairs
    Resolve(resolve::Args),
    /// Match a case's entities, or one name, against screening lists (CSL, OFAC SDN, OpenSanctions)
    Screen(screen::Args),
    /// Open a case in the interactive workspace: a local web page (search, link chart, routes)
    Serve(serve::Args),
}

pub fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    // Text meant for a terminal passes one guard: control, bidi-override and
    // invisible characters from the data are shown as `\u{..}`. JSON and CSV
    // stay exact (CSV cells are neutralised for spreadsheets instead).
    let case = cli.case_operation();
    let result = if cli.prints_text() {
        let mut guarded = output::terminal(out);
        let r = dispatch(cli, &mut guarded);
        r.and_then(|()| io(guarded.flush()))
    } else {
        dispatch(cli, out)
    };
    // A query or setting error names a field of the library: say which flag sets it.
    let result = result.map_err(query::in_flags).map_err(fields::in_flags);
    // A raw SQLite error names neither the file nor what was being done: say both.
    match case {
        Some((path, op)) => result.map_err(|e| e.in_case(&path, op)),
        None => result,
    }
}

impl Cli {
    /// The case file this command works on, and what it does to it (for error messages).
    fn case_operation(&self) -> Option<(PathBuf, &'static str)> {
        match &self.command {
            Command::Ingest(a) => Some((a.case.case.clone(), "importing into it")),
            Command::Investigate(_) => None,
            #[cfg(feature = "synth")]
            Command::Synth(_) => None,
            Command::Info(a) => Some((a.case.case.clone(), "reading it")),
            Command::Routes(a) => Some((a.case.case.clone(), "reading it")),
            Command::Assess(a) => Some((a.case.case.clone(), "reading it")),
            Command::Hubs(a) => Some((a.case.case.clone(), "reading it")),
            Command::Export(a) => Some((a.case.case.clone(), "reading it")),
            Command::Report(a) => Some((a.case.case.clone(), "reading it")),
            Command::Resolve(a) => Some((a.case.case.clone(), "resolving entities in it")),
            Command::Screen(a) => a.case.clone().map(|p| (p, "storing screening results in it")),
            Command::Serve(a) => Some((a.case.case.clone(), "serving it")),
        }
    }

    /// Whether this command prints text for a terminal (tables, status lines) rather than JSON or CSV.
    fn prints_text(&self) -> bool {
        let f = |f: Format| f == Format::Table;
        // An xlsx goes to a file; nothing is printed but errors.
        let s = |f: output::SheetFormat| matches!(f, output::SheetFormat::Table | output::SheetFormat::Xlsx);
        match &self.command {
            Command::Ingest(a) => matches!(a.format, ingest::IngestFormat::Table | ingest::IngestFormat::Ftm),
            Command::Info(a) => f(a.format),
            Command::Routes(a) => s(a.format),
            Command::Assess(a) => s(a.format),
            Command::Hubs(a) => s(a.format),
            Command::Resolve(a) => f(a.format),
            Command::Screen(a) => s(a.format),
            // `export --out -` writes the file's exact bytes to stdout.
            Command::Export(a) => !divtrace::app::input::is_dash(&a.out),
            Command::Investigate(_) | Command::Report(_) | Command::Serve(_) => true,
            #[cfg(feature = "synth")]
            Command::Synth(_) => true,
        }
    }
}

fn dispatch(cli: Cli, out: &mut dyn Write) -> Result<()> {
    match cli.command {
        Command::Ingest(a) => ingest::run(a, out),
        Command::Info(a) => info::run(a, out),
        Command::Investigate(a) => investigate::run(a, out),
        Command::Routes(a) => routes::run(a, out),
        #[cfg(feature = "synth")]
        Command::Synth(a) => synth::run(a, out),
        Command::Assess(a) => assess::run(a, out),
        Command::Hubs(a) => hubs::run(a, out),
        Command::Export(a) => export::run(a, out),
        Command::Report(a) => report::run(a, out),
        Command::Resolve(a) => resolve::run(a, out),
        Command::Screen(a) => screen::run(a, out),
        Command::Serve(a) => serve::run(a, out),
    }
}

/// `--case FILE`, the same on every subcommand that reads a case.
#[derive(clap::Args, Clone, Debug)]
pub struct CaseArg {
    /// The case file (SQLite), e.g. case.db
    #[arg(long = "case", value_name = "FILE")]
    pub case: PathBuf,
    /// Open the case file read-only (SQLite immutable mode: not written, not even locked);
    /// for evidence on read-only media. Commands that change the case refuse it
    #[arg(long)]
    pub read_only: bool,
}

impl CaseArg {
    /// The case file and how reading flows open it.
    pub fn file(&self) -> divtrace::app::CaseFile<'_> {
        divtrace::app::CaseFile { path: &self.case, read_only: self.read_only }
    }
}
