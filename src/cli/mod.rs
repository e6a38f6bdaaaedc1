//! The command line: one file per subcommand, each with its own `Args` and `run`.
//! Flags are validated here, at the edge, into the library's own types;
//! the library never parses flags or prints.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use divtrace::Result;

mod assess;
mod export;
mod hubs;
mod info;
mod ingest;
mod investigate;
mod report;
mod resolve;
mod routes;
mod screen;
mod serve;
mod synth;

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

/// Output format shared by every subcommand that prints records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

/// `--case FILE`, the same on every subcommand that reads a case.
#[derive(clap::Args, Clone, Debug)]
pub struct CaseArg {
    /// The case file (SQLite), e.g. case.db
    #[arg(long = "case", value_name = "FILE")]
    pub case: PathBuf,
}

/// Writes a JSON document (pretty, newline-terminated): the shapes users script against.
pub fn write_json<W: Write + ?Sized, T: serde::Serialize>(out: &mut W, v: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, v).map_err(|e| match e.io_error_kind() {
        Some(_) => divtrace::Error::io("stdout", e.into()),
        None => divtrace::Error::Other(format!("writing JSON: {e}")),
    })?;
    io(writeln!(out))
}

/// Writes output, mapping I/O errors (a closed pipe among them) to the error type `main` understands.
pub fn io(r: std::io::Result<()>) -> Result<()> {
    r.map_err(|e| divtrace::Error::io("stdout", e))
}
