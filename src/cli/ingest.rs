use std::io::Write;

use divtrace::Result;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _out: &mut dyn Write) -> Result<()> {
    Err(divtrace::Error::Other("ingest: being written".into()))
}
