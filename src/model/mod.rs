//! Plain data: the records of a case and their normalised value types.
//!
//! Architecture invariant: nothing here does I/O or knows SQL, CSV or DOT.

mod date;
pub mod records;
mod values;

pub use date::Day;
pub use records::{EntityInfo, EntityLabel, ListingRow, RelationRow, ShipmentInfo};
pub use values::{normalize_hs, Country, EntityKind, RelationKind, Role, Roles};
