//! `divtrace serve`: a local investigation workspace over one case file.
//!
//! The server holds the case's graph and labels in memory ([`state`]),
//! answers a JSON API ([`api`], documented in docs/serve.md) from library
//! flows ([`flows`]), and serves one page ([`assets`], embedded by the binary) that uses
//! only that API. It opens the case read-only and never writes to it,
//! unless started with `--allow-edits` ([`edits`]).
//!
//! Why axum on tokio: a well-kept, widely used HTTP stack (hyper
//! underneath) whose typed extractors make "bad parameter → 400 with a
//! message" the natural path, whose middleware carries the Host guard for
//! every route, and which needs no code generation or build step.

pub mod adjacency;
pub mod api;
pub mod assets;
pub mod cache;
pub mod directory;
pub mod edits;
pub mod flows;
pub mod guard;
pub mod hubs;
pub mod params;
pub mod partners;
pub mod state;

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{Error, Result};

pub struct Options {
    pub case: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    /// Goods lists for the controlled-goods filter and route queries (the CHPL plus `--goods` files).
    pub goods: crate::refdata::goods::GoodsLists,
    /// `--allow-edits`: merge/split decisions from the page, guarded by a token printed at start-up.
    pub allow_edits: bool,
    /// The page and its scripts (see [`assets`]).
    pub assets: &'static [assets::Asset],
}

/// Loads the case, binds, says where it listens (one line on `out`), and
/// serves until interrupted.
pub fn run(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let started = std::time::Instant::now();
    let state = Arc::new(state::State::load(&opts.case, opts.goods.clone())?);
    let missing = state.pool.with(|case| case.missing_lookup_indexes())?;
    let gate = if opts.allow_edits { Some(edits::Edits::new()?) } else { None };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .build()
        .map_err(|e| Error::Other(format!("cannot start the server runtime: {e}")))?;
    rt.block_on(async {
        let addr = SocketAddr::new(opts.bind, opts.port);
        let listener =
            tokio::net::TcpListener::bind(addr).await.map_err(|e| Error::usage("--port", format!("cannot listen on {addr}: {e}")))?;
        let bound = listener.local_addr().map_err(|e| Error::Other(format!("cannot read the bound address: {e}")))?;
        state::spawn_assessment(state.clone());
        let say = |out: &mut dyn Write, s: String| out.write_all(s.as_bytes()).and_then(|()| out.flush());
        let url = match bound.ip() {
            IpAddr::V6(a) => format!("http://[{a}]:{}/", bound.port()),
            IpAddr::V4(a) => format!("http://{a}:{}/", bound.port()),
        };
        let mut lines = format!(
            "divtrace serve: {url} (case {}, {}; {} entities, {} shipments, loaded in {:.1} s; partner index {:.1} MB, {} hubs kept {:.1} MB). Ctrl-C stops.\n",
            opts.case.display(),
            if gate.is_some() { "edits allowed" } else { "read-only" },
            state.graph.node_count(),
            state.graph.shipment_count(),
            started.elapsed().as_secs_f64(),
            state.adj.heap_bytes() as f64 / 1e6,
            state.hubs.len(),
            state.hubs.heap_bytes() as f64 / 1e6
        );
        if !opts.bind.is_loopback() {
            lines += "warning: --bind is not a loopback address: anyone who can reach this machine can read the case\n";
        }
        if let Some(g) = &gate {
            lines += &format!(
                "edit token: {} (the page asks for it once; every write request must send it in the X-Divtrace-Token header)\n",
                g.token()
            );
        }
        // After the token: scripts read the address from the first line and the token from the second.
        if !missing.is_empty() {
            lines += &format!(
                "note: the case's lookup indexes are not built yet ({}): a case straight from `divtrace ingest`, and a read-only \
                 server never writes. Declarations and partner shipments are found by scanning, slow on a large case; \
                 `divtrace assess --case {} --all` (or `export`, `report`, `investigate`) builds them once.\n",
                missing.join(", "),
                opts.case.display()
            );
        }
        say(out, lines).map_err(|e| Error::io("stdout", e))?;
        let live = Arc::new(edits::Live::new(state, gate));
        let app = api::router(live, guard::Allowed::new(bound), opts.assets);
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::Other(format!("server stopped: {e}")))
    })
}
