//! The diagram model: what a route diagram shows, independent of DOT.
//! Routes, neighbourhoods and reports are turned into a [`Diagram`]; only
//! `export::dot` turns a diagram into Graphviz.

use serde::Serialize;

/// A node's part in the diversion chain; decides its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Manufacturer,
    Distributor,
    Intermediary,
    Importer,
    EndUser,
    MilitaryEndUser,
    Person,
    /// Several background parties folded into one node ("12 other consignees").
    Folded,
}

impl Part {
    pub fn label(self) -> &'static str {
        match self {
            Part::Manufacturer => "manufacturer",
            Part::Distributor => "distributor",
            Part::Intermediary => "intermediary",
            Part::Importer => "importer",
            Part::EndUser => "end user",
            Part::MilitaryEndUser => "military end user",
            Part::Person => "person",
            Part::Folded => "other parties (folded)",
        }
    }
}

/// Risk band from an assessment, when one was made.
pub use crate::assess::Band;

#[derive(Clone, Debug, Serialize)]
pub struct Node {
    /// Stable key (bundle id of the entity or cluster); orders nodes deterministically.
    pub key: String,
    pub name: String,
    /// The name in Latin letters, when it is written otherwise (an alias, else a transliteration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latin: Option<String>,
    /// Extra lines under the name: ids, members, roles.
    pub details: Vec<String>,
    pub country: Option<String>,
    pub part: Part,
    /// Lists the party is on (entity_list, sdn, ...).
    pub lists: Vec<String>,
    pub band: Option<Band>,
    /// Where the party links to in the report (a page anchor), when drawn for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// Shipments from one node to another with the same goods, folded into one arrow.
#[derive(Clone, Debug, Serialize)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// HS digits shared by the folded shipments (at the query's level).
    pub hs: String,
    pub chpl_tier: Option<String>,
    pub first_date: String,
    pub last_date: String,
    /// Shipments folded into this edge (a consignment declared twice, by
    /// the exporting and the importing country, is one).
    pub shipments: usize,
    /// Of `shipments`, those backed by a mirror declaration (two declarations).
    pub mirrored: usize,
    pub value_usd: f64,
    /// Declaration references (the `source` column, else the shipment id), sorted.
    pub declarations: Vec<String>,
    /// Drawn heavier: an edge of the top-ranked route.
    pub emphasis: bool,
    /// Where the arrow links to in the report (a page anchor), when drawn for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl Edge {
    /// The label lines: goods, dates, count and value, declarations.
    pub fn lines(&self) -> Vec<String> {
        let chpl = self.chpl_tier.as_ref().map(|t| format!(" · CHPL tier {t}")).unwrap_or_default();
        let dates =
            if self.first_date == self.last_date { self.first_date.clone() } else { format!("{} – {}", self.first_date, self.last_date) };
        let count = match (self.shipments, self.mirrored) {
            (1, 0) => String::new(),
            (n, 0) => format!("{n} shipments · "),
            (1, 1) => "1 shipment, 2 declarations · ".to_string(),
            (n, m) => format!("{n} shipments ({m} with 2 declarations) · "),
        };
        let shown: Vec<&str> = self.declarations.iter().take(3).map(String::as_str).collect();
        let more = if self.declarations.len() > 3 { format!(" +{} more", self.declarations.len() - 3) } else { String::new() };
        vec![
            format!("HS {}{chpl}", self.hs),
            dates,
            format!("{count}US$ {}", super::view::money(self.value_usd)),
            format!("decl. {}{more}", shown.join(", ")),
        ]
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Diagram {
    /// First title line: what was asked.
    pub title: String,
    /// Further title lines: inputs' hashes, tool version.
    pub subtitle: Vec<String>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Notes shown under the title (e.g. "38 background parties folded").
    pub notes: Vec<String>,
}
