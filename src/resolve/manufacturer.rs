//! Manufacturer linking: the free-text `manufacturer` of a shipment
//! (`TEXAS INSTR.`) matched to a manufacturer entity of the case
//! (`Texas Instruments Inc`, US).
//!
//! The manufacturer entities are indexed like a screening list
//! ([`super::screen::ScreenIndex`]) and each distinct text is screened
//! against them with the shipment's origin country; the best match at or
//! above [`LINK_THRESHOLD`] wins (ties: the lower entity id).

use std::collections::BTreeMap;

use super::lists::{ListEntry, ListFile, ScreeningList};
use super::screen::{Query, ScreenIndex};
use crate::model::EntityKind;

/// Score from which a manufacturer text links to an entity.
pub const LINK_THRESHOLD: f64 = 0.88;

/// A manufacturer entity to link to.
#[derive(Clone, Debug)]
pub struct Maker {
    pub id: i64,
    /// Name first, then aliases.
    pub names: Vec<String>,
    pub country: Option<String>,
}

/// A shipment's manufacturer text.
#[derive(Clone, Debug)]
pub struct MakerText {
    pub shipment: i64,
    pub text: String,
    pub origin_country: Option<String>,
}

/// A link from a shipment to a manufacturer entity.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub shipment: i64,
    pub entity: i64,
    pub score: f64,
    /// The entity name or alias that matched.
    pub matched_name: String,
}

/// Links each shipment's manufacturer text to the best-matching maker.
///
/// # Arguments
/// * `makers` - entities declared as manufacturers.
/// * `texts` - shipments with a manufacturer text.
///
/// # Returns
/// One link per shipment that matched, in shipment order.
///
/// # Complexity
/// One screening per distinct (text, origin country), see [`ScreenIndex::screen`].
pub fn link(makers: &[Maker], texts: &[MakerText]) -> Vec<Link> {
    let list = ScreeningList {
        files: vec![ListFile { path: "(case manufacturers)".into(), role: "case", rows: makers.len() as u64 }],
        entries: makers
            .iter()
            .map(|m| ListEntry {
                list: "manufacturers".into(),
                entry_id: m.id.to_string(),
                kind: Some(EntityKind::Company),
                names: m.names.clone(),
                countries: m.country.iter().cloned().collect(),
                identifiers: vec![],
                programs: vec![],
                listed_on: None,
                listed: true,
                file: 0,
                line: 0,
            })
            .collect(),
        relations: vec![],
    };
    let idx = ScreenIndex::new(&list);
    // (text, origin country) -> best (entity, score, matched name), computed once.
    type Best = Option<(i64, f64, String)>;
    let mut memo: BTreeMap<(&str, Option<&str>), Best> = BTreeMap::new();
    let mut out = Vec::new();
    for t in texts {
        let key = (t.text.as_str(), t.origin_country.as_deref());
        let best = memo
            .entry(key)
            .or_insert_with(|| {
                let q = Query { names: vec![t.text.clone()], country: t.origin_country.clone(), identifiers: vec![], kind: None };
                let ms = idx.screen(&q, LINK_THRESHOLD);
                let top = ms.first()?;
                let m = ms.iter().filter(|m| m.score == top.score).min_by_key(|m| makers[m.entry].id).expect("top is among the matches");
                Some((makers[m.entry].id, m.score, m.list_name.clone()))
            })
            .clone();
        if let Some((entity, score, matched_name)) = best {
            out.push(Link { shipment: t.shipment, entity, score, matched_name });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviated_brand_links_to_the_maker() {
        let makers = vec![
            Maker { id: 10, names: vec!["Texas Instruments Inc".into()], country: Some("US".into()) },
            Maker { id: 11, names: vec!["Analog Devices, Inc.".into(), "ADI".into()], country: Some("US".into()) },
            Maker { id: 12, names: vec!["Texas Roadhouse".into()], country: Some("US".into()) },
        ];
        let t = |s: i64, text: &str| MakerText { shipment: s, text: text.into(), origin_country: Some("US".into()) };
        let links = link(&makers, &[t(1, "TEXAS INSTR."), t(2, "ANALOG DEVICES"), t(3, "Unknown Brand Co"), t(4, "TEXAS INSTRUMENTS")]);
        let got: Vec<(i64, i64)> = links.iter().map(|l| (l.shipment, l.entity)).collect();
        assert_eq!(got, vec![(1, 10), (2, 11), (4, 10)]);
    }
}
