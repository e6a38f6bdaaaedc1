//! divtrace: trace how export-controlled goods are diverted through third
//! countries, from customs records to evidence diagrams.
//!
//! Data flow: a case bundle (CSV files) is read by [`ingest`] into a case
//! file ([`store`]); [`graph`] loads its shipments into a compact graph;
//! [`routes`] searches it for time-consistent transshipment paths;
//! [`export`] turns routes into DOT diagrams and reports. See
//! docs/architecture.md.

pub mod app;
pub mod assess;
pub mod atomic;
pub mod error;
pub mod export;
pub mod graph;
pub mod ingest;
pub mod model;
pub mod refdata;
pub mod resolve;
pub mod routes;
pub mod serve;
pub mod store;
#[cfg(feature = "synth")]
pub mod synth;
pub mod text;

pub use error::{Error, InputError, Result};

/// The tool's version, recorded in every import batch and diagram title.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
