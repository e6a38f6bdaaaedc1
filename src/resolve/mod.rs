//! Entity resolution and screening: which records are the same real company
//! or person, and which of them are on a screening list.
//!
//! - [`normalise`]: one comparable key per name (scripts, case, legal forms).
//! - [`matching`]: how similar two names are, 0.0 to 1.0.
//!
//! docs/resolution.md describes the scheme, the thresholds and measured figures.

pub mod identifiers;
pub mod legal_forms;
pub mod matching;
pub mod normalise;
pub mod translit;
pub mod lists;
pub mod screen;
