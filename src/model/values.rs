//! Small validated value types shared by every module.

use std::fmt;

use crate::refdata;

/// An ISO 3166-1 alpha-2 country code, upper-case and known to the bundled table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country([u8; 2]);

impl Country {
    /// Parses a code case-insensitively and checks it against ISO 3166-1.
    pub fn parse(s: &str) -> Option<Country> {
        let b = s.trim().as_bytes();
        if b.len() != 2 || !b.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let c = Country([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()]);
        refdata::is_country_code(c.0).then_some(c)
    }

    /// A code the program itself names (`US`, `RU`): checked like [`Country::parse`].
    ///
    /// # Panics
    /// When `code` is not in the bundled ISO table: a bug in the caller, never user input.
    pub fn known(code: &str) -> Country {
        Country::parse(code).unwrap_or_else(|| panic!("'{code}' is not an ISO 3166-1 code"))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("country codes are ASCII")
    }

    /// English name from the bundled ISO table.
    pub fn name(&self) -> &'static str {
        refdata::country_name(self.as_str()).unwrap_or("unknown country")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Normalises an HS code to its digits: `8542.31`, `8542 31 00` and `85423100`
/// all become digit strings. Returns `None` unless 4 to 10 digits remain and
/// only dots, spaces and hyphens were dropped.
pub fn normalize_hs(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(10);
    for c in raw.trim().chars() {
        match c {
            '0'..='9' => out.push(c),
            '.' | ' ' | '-' => {}
            _ => return None,
        }
    }
    (4..=10).contains(&out.len()).then_some(out)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Company,
    Person,
    Vessel,
}

impl EntityKind {
    pub const ALL: [EntityKind; 3] = [EntityKind::Company, EntityKind::Person, EntityKind::Vessel];

    pub fn parse(s: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Company => "company",
            EntityKind::Person => "person",
            EntityKind::Vessel => "vessel",
        }
    }
}

/// A role an entity plays in trade, as declared in `entities.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Manufacturer,
    Distributor,
    Trader,
    Forwarder,
    EndUser,
    MilitaryEndUser,
}

impl Role {
    pub const ALL: [Role; 6] = [Role::Manufacturer, Role::Distributor, Role::Trader, Role::Forwarder, Role::EndUser, Role::MilitaryEndUser];

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim();
        Role::ALL.into_iter().find(|r| r.as_str().eq_ignore_ascii_case(s))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manufacturer => "manufacturer",
            Role::Distributor => "distributor",
            Role::Trader => "trader",
            Role::Forwarder => "forwarder",
            Role::EndUser => "end_user",
            Role::MilitaryEndUser => "military_end_user",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of roles as a bit set, so the graph can keep it in one byte per node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Roles(pub u8);

impl Roles {
    pub fn insert(&mut self, r: Role) {
        self.0 |= r.bit();
    }
    pub fn contains(self, r: Role) -> bool {
        self.0 & r.bit() != 0
    }
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }
    /// `;`-joined names, the form stored in the case file.
    pub fn to_list(self) -> String {
        self.iter().map(Role::as_str).collect::<Vec<_>>().join(";")
    }
    pub fn from_list(s: &str) -> Roles {
        let mut r = Roles::default();
        for part in s.split(';') {
            if let Some(role) = Role::parse(part) {
                r.insert(role);
            }
        }
        r
    }
}

/// Kinds of `relations.csv` rows. `NotSame` extends the contract: an analyst's
/// assertion that two ids are different entities, which resolution must respect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RelationKind {
    Ownership,
    Director,
    Subsidiary,
    Agent,
    SharedAddress,
    SameAs,
    NotSame,
}

impl RelationKind {
    pub const ALL: [RelationKind; 7] = [
        RelationKind::Ownership,
        RelationKind::Director,
        RelationKind::Subsidiary,
        RelationKind::Agent,
        RelationKind::SharedAddress,
        RelationKind::SameAs,
        RelationKind::NotSame,
    ];

    pub fn parse(s: &str) -> Option<RelationKind> {
        let s = s.trim();
        RelationKind::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(s))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Ownership => "ownership",
            RelationKind::Director => "director",
            RelationKind::Subsidiary => "subsidiary",
            RelationKind::Agent => "agent",
            RelationKind::SharedAddress => "shared_address",
            RelationKind::SameAs => "same_as",
            RelationKind::NotSame => "not_same",
        }
    }

    /// A stake: counted by the OFAC 50 percent rule and EU/UK ownership.
    pub fn is_ownership(self) -> bool {
        self == RelationKind::Ownership
    }

    /// Direction without a stake (a director or an agent): control under EU/UK guidance.
    pub fn is_control(self) -> bool {
        matches!(self, RelationKind::Director | RelationKind::Agent)
    }
}

impl std::fmt::Display for RelationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Serialised as its `relations.csv` spelling (`ownership`, `shared_address`, ...).
impl serde::Serialize for RelationKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hs_codes_normalise_to_digits() {
        assert_eq!(normalize_hs("8542.31").as_deref(), Some("854231"));
        assert_eq!(normalize_hs("8542 31 00").as_deref(), Some("85423100"));
        assert_eq!(normalize_hs(" 8471 ").as_deref(), Some("8471"));
        assert_eq!(normalize_hs("854"), None);
        assert_eq!(normalize_hs("85423100001"), None);
        assert_eq!(normalize_hs("8542A1"), None);
        assert_eq!(normalize_hs(""), None);
    }

    #[test]
    fn countries_are_checked_against_iso() {
        assert_eq!(Country::parse("tr").unwrap().as_str(), "TR");
        assert_eq!(Country::parse("RU").unwrap().name(), "Russia");
        assert!(Country::parse("XX").is_none());
        assert!(Country::parse("TUR").is_none());
    }

    #[test]
    fn roles_round_trip() {
        let r = Roles::from_list("trader; military_end_user");
        assert!(r.contains(Role::Trader) && r.contains(Role::MilitaryEndUser));
        assert_eq!(Roles::from_list(&r.to_list()), r);
    }
}
