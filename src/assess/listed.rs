//! A name that is not in the case, rated from the screening lists alone: a
//! compliance officer's customer list names companies the case may never
//! have seen trade for, and "not found" must not read as "clean". A listed
//! name scores what being on that list scores in the case (`LISTED` by the
//! `[lists]` weights, `MILITARY_END_USER_DESIGNATED` for a military
//! end-user list), and at least the `high` band's threshold: a customer on
//! a published list is never rated below high for lack of trade data.

use super::report::FactorOut;
use super::{Band, RiskFactor, Weights};

/// One accepted list match of a name.
#[derive(Clone, Debug, PartialEq)]
pub struct ListHit {
    /// Short list code (`sdn`, `entity_list`, `meu`, ...).
    pub list: String,
    pub entry: String,
    pub listed_name: String,
    /// The list name (primary or alias) that matched.
    pub matched_name: String,
    pub programs: Vec<String>,
    pub listed_on: Option<String>,
    /// The match score, 0 to 1.
    pub score: f64,
    /// The matcher's explanation of the match.
    pub explanation: String,
    /// Where the entry is: `list file:line`.
    pub record: String,
}

/// The score, band and factors of a name from its list matches; `None`
/// when it has none. One factor per list entry, heaviest first.
pub fn rate(w: &Weights, hits: &[ListHit]) -> Option<(u32, Band, Vec<FactorOut>)> {
    if hits.is_empty() {
        return None;
    }
    let mut factors = factors_for(w, hits, "not in the case");
    factors.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.code.cmp(&b.code)).then_with(|| a.detail.cmp(&b.detail)));
    // At least high: the heaviest factor carries the difference, so the score stays the sum of the weights.
    let sum: u32 = factors.iter().map(|f| f.weight).sum();
    if sum < w.bands.high {
        factors[0].weight += w.bands.high - sum;
    }
    let score = factors.iter().map(|f| f.weight).sum::<u32>().min(100);
    Some((score, w.band(score), factors))
}

/// Adds to a case entity's factors the list matches of its customer-list
/// name that the case does not hold (it was never screened against these
/// lists), then re-scores it: the sum of the weights, capped at 100, at
/// least high when a list matched. Returns the new score and band.
pub fn add_to(w: &Weights, factors: &mut Vec<FactorOut>, hits: &[ListHit]) -> (u32, Band) {
    let names_list = |detail: &str, list: &str| detail.split(|c: char| !c.is_alphanumeric() && c != '_').any(|t| t == list);
    let fresh: Vec<FactorOut> = factors_for(w, hits, "screened now, not stored in the case")
        .into_iter()
        .zip(hits)
        .filter(|(f, h)| !factors.iter().any(|g| g.code == f.code && names_list(&g.detail, &h.list)))
        .map(|(f, _)| f)
        .collect();
    let listed = !fresh.is_empty();
    factors.extend(fresh);
    factors.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.code.cmp(&b.code)).then_with(|| a.detail.cmp(&b.detail)));
    let sum: u32 = factors.iter().map(|f| f.weight).sum();
    if listed && sum < w.bands.high {
        factors[0].weight += w.bands.high - sum;
    }
    let score = factors.iter().map(|f| f.weight).sum::<u32>().min(100);
    (score, w.band(score))
}

/// One factor per list entry: `LISTED` or, for a military end-user list, `MILITARY_END_USER_DESIGNATED`.
fn factors_for(w: &Weights, hits: &[ListHit], context: &str) -> Vec<FactorOut> {
    hits.iter()
        .map(|h| {
            let (code, weight) = if w.is_meu_list(&h.list) {
                (RiskFactor::MilitaryEndUserDesignated, w.end_use.meu_designated)
            } else {
                (RiskFactor::Listed, w.list_weight(&h.list))
            };
            let programs = if h.programs.is_empty() { String::new() } else { format!(" {}", h.programs.join(";")) };
            let since = h.listed_on.as_deref().map_or_else(String::new, |d| format!(" since {d}"));
            FactorOut {
                code,
                weight,
                detail: format!(
                    "{context}; on {}{programs}{since}: entry {} '{}', matched '{}' at {:.3} ({})",
                    h.list, h.entry, h.listed_name, h.matched_name, h.score, h.explanation
                ),
                evidence: vec![h.record.clone()],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(list: &str, score: f64) -> ListHit {
        ListHit {
            list: list.into(),
            entry: "csl-1".into(),
            listed_name: "Denkar Dis Ticaret Ltd Sti".into(),
            matched_name: "DENKAR DIS TIC".into(),
            programs: vec![],
            listed_on: Some("2024-02-23".into()),
            score,
            explanation: "name 0.97".into(),
            record: "small.csv:2".into(),
        }
    }

    #[test]
    fn listed_is_at_least_high_and_says_why() {
        let w = Weights::defaults();
        assert_eq!(rate(&w, &[]), None);
        let (score, band, f) = rate(&w, &[hit("entity_list", 0.97)]).unwrap();
        assert_eq!((score, band), (w.list_weight("entity_list"), Band::High));
        assert_eq!(f[0].code, RiskFactor::Listed);
        assert!(f[0].detail.contains("entry csl-1 'Denkar Dis Ticaret Ltd Sti'") && f[0].detail.contains("0.970"), "{}", f[0].detail);
        assert_eq!(f[0].evidence, vec!["small.csv:2"]);
        let (score, band, f) = rate(&w, &[hit("sdn", 0.95)]).unwrap();
        assert_eq!((score, band), (100, Band::Severe));
        assert_eq!(f.len(), 1);
        // A military end-user list is its own factor.
        let (_, _, f) = rate(&w, &[hit("meu", 0.95)]).unwrap();
        assert_eq!(f[0].code, RiskFactor::MilitaryEndUserDesignated);
    }

    #[test]
    fn a_case_entity_gains_what_the_case_did_not_hold() {
        let w = Weights::defaults();
        let route = FactorOut { code: RiskFactor::TransshipmentCountry, weight: 10, detail: "registered in TR".into(), evidence: vec![] };
        let mut f = vec![route.clone()];
        let (score, band) = add_to(&w, &mut f, &[hit("entity_list", 0.97)]);
        assert_eq!((score, band), (w.list_weight("entity_list") + 10, Band::Severe));
        assert_eq!(f[0].code, RiskFactor::Listed);
        assert!(f[0].detail.starts_with("screened now, not stored in the case; on entity_list"), "{}", f[0].detail);
        // Already on that list in the case: nothing added twice.
        let held = FactorOut { code: RiskFactor::Listed, weight: 70, detail: "on entity_list since 2024-02-23".into(), evidence: vec![] };
        let mut f = vec![held, route];
        assert_eq!(add_to(&w, &mut f, &[hit("entity_list", 0.97)]).0, 80);
        assert_eq!(f.len(), 2);
        // No match: the score is what it was.
        let mut f = vec![FactorOut { code: RiskFactor::TransshipmentCountry, weight: 10, detail: "x".into(), evidence: vec![] }];
        assert_eq!(add_to(&w, &mut f, &[]), (10, Band::Low));
    }

    #[test]
    fn light_lists_are_raised_to_high() {
        let mut w = Weights::defaults();
        w.lists.insert("other".into(), 10);
        let (score, band, f) = rate(&w, &[hit("some_list", 0.95)]).unwrap();
        assert_eq!((score, band), (w.bands.high, Band::High));
        assert_eq!(f[0].weight, w.bands.high);
    }
}
