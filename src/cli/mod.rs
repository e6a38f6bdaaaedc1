//! The command line: one file per subcommand, each with its own `Args` and `run`.
//! Flags are validated here, at the edge, into the library's own types;
//! the library never parses flags or prints.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use divtrace::Result;

mod assess;
mod export;
mod hubs;
mod info;
mod ingest;
mod investigate;
pub mod output;
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
}
