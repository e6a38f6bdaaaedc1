//! Entity resolution and screening: which records are the same real company
//! or person, and which of them are on a screening list.
//!
//! - [`normalise`]: one comparable key per name (scripts, case, legal forms),
//!   with [`translit`] (Cyrillic to Latin, variant folding) and [`legal_forms`].
//! - [`matching`]: how similar two names are, 0.0 to 1.0; [`identifiers`].
//! - [`cluster`]: blocking, scoring and union–find with analyst overrides.
//! - [`lists`]: CSL, OFAC and FollowTheMoney files into one `ListEntry` model;
//!   [`screen`]: matching parties against them.
//! - [`manufacturer`]: shipment manufacturer texts to manufacturer entities.
//!
//! Nothing here does I/O. docs/resolution.md describes the scheme, the
//! thresholds and measured figures.

pub mod cluster;
pub mod evidence;
pub mod identifiers;
pub mod legal_forms;
pub mod lists;
pub mod manufacturer;
pub mod matching;
pub mod normalise;
pub mod screen;
pub mod translit;
pub mod vocab;
