//! `divtrace serve`: the interactive workspace (docs/serve.md).

use std::io::Write;
use std::net::IpAddr;

use divtrace::serve::assets::Asset;
use divtrace::Result;

use super::CaseArg;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub case: CaseArg,
    /// Address to listen on; the default answers this machine only
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port to listen on (0 picks a free one and prints it)
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// A goods list to load besides the CHPL, for the controlled-goods filter and route queries:
    /// CSV hs_code,list,description,source with HS prefixes of 2 to 10 digits (repeatable)
    #[arg(long, value_name = "FILE")]
    pub goods: Vec<std::path::PathBuf>,
    /// Let the page record merge/split decisions (stored as `resolve --merge/--split` stores them);
    /// every write must carry the token printed at start-up
    #[arg(long)]
    pub allow_edits: bool,
}

const fn asset(path: &'static str, content_type: &'static str, bytes: &'static [u8]) -> Asset {
    Asset { path, content_type, bytes }
}

/// The page, compiled in: the workspace needs nothing at run time but the case file.
const ASSETS: &[Asset] = &[
    asset("/", "text/html; charset=utf-8", include_bytes!("../../assets/serve/index.html")),
    asset("/assets/app.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/serve/app.js")),
    asset("/assets/app.css", "text/css; charset=utf-8", include_bytes!("../../assets/serve/app.css")),
    // Cytoscape.js 3.35.0 from the npm registry (`npm pack cytoscape`), unmodified; its MIT licence beside it.
    asset(
        "/assets/vendor/cytoscape.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/vendor/cytoscape/cytoscape.min.js"),
    ),
    asset("/assets/vendor/cytoscape-LICENSE.txt", "text/plain; charset=utf-8", include_bytes!("../../assets/vendor/cytoscape/LICENSE")),
];

pub fn run(a: Args, out: &mut dyn Write) -> Result<()> {
    let goods = divtrace::refdata::goods::GoodsLists::load(&a.goods)?;
    divtrace::serve::run(
        &divtrace::serve::Options { case: a.case.case, bind: a.bind, port: a.port, goods, allow_edits: a.allow_edits, assets: ASSETS },
        out,
    )
}
