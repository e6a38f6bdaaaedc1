//! Evidence out: diagrams (DOT, rendered with Graphviz when present),
//! reports and interchange formats.
//!
//! Architecture invariant: only this module knows DOT.

pub mod diagram;
pub mod dot;
pub mod fold;
pub mod ftm;
pub mod ftm_values;
pub mod graphml;
pub mod parquet;
pub mod render;
pub mod report;
pub mod view;
pub mod workbook;
pub mod xlsx;
