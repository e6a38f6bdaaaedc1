//! The evidence report: self-contained HTML pages (no scripts, fonts or
//! styles from elsewhere; the diagram inlined as SVG) and the same facts as
//! JSON. Everything from the data is HTML-escaped.
//!
//! [`ReportData`] is what the report states, decided by the application
//! layer (`app::report`): which channels, which of their routes, on which
//! page. This module only lays it out.

mod page;
mod timeline;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::assess::report::AssessmentOut;
use crate::resolve::translit::LatinSource;
use crate::routes::report::{RouteOut, RoutesReport};
use crate::store::evidence::{EntityRecord, InputFile};

pub use page::pages;

/// Everything the report states. Serialised as `report.json`.
#[derive(Debug, Serialize)]
pub struct ReportData {
    pub title: String,
    /// The command that reproduces the routes.
    pub query_command: String,
    pub tool_version: String,
    /// UTC; the only part of the bundle that changes between runs on the same input.
    pub generated_at: String,
    pub case_file: String,
    pub inputs: Vec<InputFile>,
    /// Every route the report shows, by rank (the rank `divtrace routes --all` gives it).
    pub routes: RoutesReport,
    /// The parties on the reported routes, with their lists and source lines.
    pub parties: Vec<EntityRecord>,
    /// Their risk assessments (`divtrace assess`), highest score first.
    pub assessments: Vec<AssessmentOut>,
    pub notes: Vec<String>,
    /// The channels reported, best first: the report is organised by them.
    pub channels: Vec<ChannelSection>,
    pub channel_stats: ChannelStats,
    /// The HTML pages, `report.html` first, and which routes each holds.
    pub pages: Vec<ReportPage>,
    /// A Latin form of every name shown that is written in another script or
    /// with letters outside ASCII, sorted by name.
    pub latin_names: Vec<LatinName>,
}

/// One channel: routes with the same chain of parties and the same goods (HS digits).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ChannelSection {
    pub rank: usize,
    /// The score of its best route.
    pub score: i64,
    /// The chain, first shipper to last consignee.
    pub parties: Vec<PartyRef>,
    /// The HS digits (at --hs-level) its goods share.
    pub hs: String,
    /// Routes in the channel (all of them, shown or not).
    pub routes: u64,
    /// Distinct shipments over all its hops.
    pub consignments: usize,
    pub shipments_per_hop: Vec<usize>,
    /// Declared values summed over distinct shipments of the first / last hop, whole USD.
    pub value_shipped: f64,
    pub value_delivered: f64,
    pub first_date: String,
    pub last_date: String,
    /// Ranks (in `routes.routes`) of the routes shown, best first.
    pub route_ranks: Vec<usize>,
    /// Whether its best route is drawn in the diagram.
    pub drawn: bool,
}

/// A party in a channel's chain.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PartyRef {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ChannelStats {
    /// Channels that meet the query.
    pub total: u64,
    pub shown: usize,
    /// Channels left out because their chain is part of a longer channel's with the same goods.
    pub subchains_hidden: usize,
    /// Most routes a channel shows on the first page (`null`: all, with `--all`, on further pages).
    pub routes_per_channel: Option<usize>,
}

/// One HTML page of the report.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReportPage {
    /// File name in the report folder (`report.html`, `report-2.html`, ...).
    pub file: String,
    pub sections: Vec<PageSection>,
}

/// The routes of one channel on one page.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PageSection {
    pub channel: usize,
    pub routes: Vec<usize>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LatinName {
    pub name: String,
    pub latin: String,
    pub source: LatinSource,
}

impl ReportData {
    /// The Latin forms by name, for the pages and `divtrace investigate`'s console summary.
    pub fn latin(&self) -> BTreeMap<&str, &LatinName> {
        self.latin_names.iter().map(|l| (l.name.as_str(), l)).collect()
    }

    fn route(&self, rank: usize) -> Option<&RouteOut> {
        self.routes.routes.binary_search_by_key(&rank, |r| r.rank).ok().map(|i| &self.routes.routes[i])
    }

    /// The page that holds `route`.
    fn page_of_route(&self, rank: usize) -> Option<&str> {
        self.pages.iter().find(|p| p.sections.iter().any(|s| s.routes.contains(&rank))).map(|p| p.file.as_str())
    }

    /// The page where `channel`'s section starts.
    fn page_of_channel(&self, channel: usize) -> Option<&str> {
        self.pages.iter().find(|p| p.sections.iter().any(|s| s.channel == channel)).map(|p| p.file.as_str())
    }
}

/// Escapes text for HTML element content and attribute values. Control,
/// bidi-override and invisible characters are shown as `\u{..}` (a browser
/// would apply a character reference, so U+202E would still reverse the
/// text after it); markup characters become entities.
pub fn esc(s: &str) -> String {
    let s = crate::text::safe::term(s);
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// The one number format of the report: whole numbers with thousands separators.
pub fn num(v: u64) -> String {
    super::view::money(v as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("<script>alert(\"x\")</script> & 'y'"), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
    }

    #[test]
    fn numbers_have_thousands_separators() {
        assert_eq!(num(1234567), "1,234,567");
        assert_eq!(num(12), "12");
    }
}
