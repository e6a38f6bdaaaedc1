//! The `divtrace` command: parse, run, map errors to exit codes.
//!
//! Exit codes: 0 success (also when stdout is closed early, as by `| head`),
//! 1 a failure, 2 a problem with the user's input or flags.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

mod cli;

// mimalloc: the ingest pipeline allocates on one thread and frees on the
// other, which glibc malloc handles poorly (measured in docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = cli::run(cli, &mut out).and_then(|()| out.flush().map_err(|e| divtrace::Error::io("stdout", e)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(divtrace::Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            drop(out);
            // Messages quote input values: no raw escape reaches the terminal.
            eprintln!("error: {}", divtrace::text::safe::term_lines(&e.to_string()));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
