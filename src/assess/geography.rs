//! Geography: registration in a country that FinCEN and BIS name as a
//! common transshipment point for goods bound for Russia and Belarus
//! (FinCEN & BIS joint alert FIN-2022-Alert003, bundled in `refdata`).

use crate::graph::{country_str, CaseGraph, Node};
use crate::refdata;

use super::{Ev, Factor, RiskFactor, Weights};

/// The geography factor of node `v`.
pub fn factors(g: &CaseGraph, w: &Weights, v: Node, out: &mut Vec<Factor>) {
    let Some(c) = country_str(g.node_country[v as usize]) else { return };
    if let Some(src) = refdata::transshipment_source(&c) {
        out.push(Factor {
            code: RiskFactor::TransshipmentCountry,
            weight: w.geography.transshipment_country,
            detail: format!(
                "registered in {} ({c}), named as a common transshipment point: {src}",
                refdata::country_name(&c).unwrap_or("?")
            ),
            evidence: vec![Ev::Entity(g.node_entity[v as usize])],
        });
    }
}
