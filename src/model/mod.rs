//! Plain data: the records of a case and their normalised value types.
//!
//! Architecture invariant: nothing here does I/O or knows SQL, CSV or DOT.

mod date;
pub mod records;
mod values;

pub use date::Day;

/// The hash map for in-process keys (ids, graph indexes, brand names): foldhash,
/// not std's SipHash, whose flooding defence these keys do not need and which
/// cost a third of route scoring and a tenth of a bulk load. The one choice
/// for every such map; stable hashes that reach outputs or key by content use
/// xxh3, and manifests SHA-256.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub use records::{EntityInfo, EntityLabel, ListingRow, RelationRow, ShipmentInfo};
pub use values::{normalize_hs, Country, EntityKind, RelationKind, Role, Roles};
