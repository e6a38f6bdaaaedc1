//! Factor weights and band thresholds: bundled defaults
//! (`src/refdata/assess-weights.toml`), overridden key by key by a user file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, InputError, Result};

/// The bundled defaults, documented in docs/assessment.md.
pub const DEFAULT_WEIGHTS: &str = include_str!("../refdata/assess-weights.toml");

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    pub medium: u32,
    pub high: u32,
    pub severe: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Ownership {
    pub ofac_blocking_lists: Vec<String>,
    pub control_lists: Vec<String>,
    pub ofac_50_blocked: u32,
    pub eu_uk_owned_or_controlled: u32,
    pub listed_minority_owner: u32,
    pub listed_director: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Links {
    pub shared_address: u32,
    pub shared_director: u32,
    pub shared_identifier: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub weight: u32,
    pub chpl_only: bool,
    pub since: String,
    pub max_hops: u32,
    pub max_dwell_days: i32,
    /// The share of a party's controlled exports since `since` (by value) that it sends on along routes, from
    /// which `weight` counts in full; below it the weight shrinks in proportion, to `share_floor` of it. 0: always in full.
    pub share_full: f64,
    pub share_floor: f64,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Trade {
    pub mirror_days: i32,
    pub mirror_tier1: u32,
    pub mirror_tier2: u32,
    pub mirror_tier3: u32,
    pub mirror_tier4: u32,
    pub chpl_share: u32,
    pub chpl_share_min: f64,
    pub chpl_jump: u32,
    pub jump_min: f64,
    pub recently_incorporated: u32,
    pub recent_days: i32,
    pub trades_with_listed: u32,
    pub trades_with_military_end_user: u32,
}

/// Where goods end: Russian/Belarusian recipients and military end users.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EndUse {
    pub ru_by_recipient: u32,
    pub military_recipient: u32,
    pub meu_designated: u32,
    /// Lists (lower-case) that are military end-user lists as a whole.
    pub meu_lists: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Geography {
    pub transshipment_country: u32,
}

/// Every weight and threshold of an assessment.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub bands: Bands,
    /// List name (lower-case) -> weight; `other` for unnamed lists.
    pub lists: BTreeMap<String, u32>,
    pub ownership: Ownership,
    pub links: Links,
    pub route: Route,
    pub trade: Trade,
    pub end_use: EndUse,
    pub geography: Geography,
    /// The goods lists that make goods controlled (`--goods`; the CHPL alone by default). Not read from TOML.
    #[serde(skip)]
    pub goods: crate::refdata::goods::GoodsLists,
}

fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

impl Weights {
    /// The bundled defaults.
    pub fn defaults() -> Weights {
        Self::parse_over(None).expect("bundled weights are valid")
    }

    /// Defaults overridden by the TOML text `user` (from `file`, for errors).
    pub fn from_text(file: &Path, user: &str) -> Result<Weights> {
        let v: toml::Value = toml::from_str(user)
            .map_err(|e| Error::Input(InputError::new(file, line_of(user, e.span()), None, e.message().to_string())))?;
        Self::parse_over(Some(v)).map_err(|m| Error::Input(InputError::new(file, 0, None, m)))
    }

    fn parse_over(user: Option<toml::Value>) -> std::result::Result<Weights, String> {
        let mut base: toml::Value = toml::from_str(DEFAULT_WEIGHTS).map_err(|e| e.to_string())?;
        if let Some(u) = user {
            merge(&mut base, u);
        }
        let mut w: Weights = base.try_into().map_err(|e: toml::de::Error| e.message().to_string())?;
        w.lists = w.lists.into_iter().map(|(k, v)| (k.to_lowercase(), v)).collect();
        let lower = |v: &mut Vec<String>| v.iter_mut().for_each(|s| *s = s.to_lowercase());
        lower(&mut w.ownership.ofac_blocking_lists);
        lower(&mut w.ownership.control_lists);
        lower(&mut w.end_use.meu_lists);
        if !(w.bands.medium <= w.bands.high && w.bands.high <= w.bands.severe) {
            return Err("[bands] must satisfy medium <= high <= severe".into());
        }
        if crate::model::Day::parse_iso(&w.route.since).is_none() {
            return Err(format!("[route] since = '{}' is not a date (expected YYYY-MM-DD)", w.route.since));
        }
        // The route query's limits are the query's own (its fields are named like the `[route]` keys).
        super::exposure::exposure_query(&w).validate().map_err(|e| format!("[route] {e}"))?;
        if !(w.route.share_full >= 0.0 && w.route.share_full <= 1.0 && w.route.share_floor >= 0.0 && w.route.share_floor <= 1.0) {
            return Err("[route] share_full and share_floor must be between 0 and 1".into());
        }
        if w.trade.mirror_days < 0 || w.trade.recent_days < 0 {
            return Err("[trade] day counts must be 0 or more".into());
        }
        Ok(w)
    }

    /// Whether list `name` is a military end-user list (its parties get
    /// `MILITARY_END_USER_DESIGNATED`, not `LISTED`).
    pub fn is_meu_list(&self, name: &str) -> bool {
        self.end_use.meu_lists.iter().any(|l| l.eq_ignore_ascii_case(name))
    }

    /// The weight of being on list `name` directly.
    pub fn list_weight(&self, name: &str) -> u32 {
        let n = name.to_lowercase();
        self.lists.get(&n).or_else(|| self.lists.get("other")).copied().unwrap_or(0)
    }

    /// The band of a score.
    pub fn band(&self, score: u32) -> Band {
        if score >= self.bands.severe {
            Band::Severe
        } else if score >= self.bands.high {
            Band::High
        } else if score >= self.bands.medium {
            Band::Medium
        } else {
            Band::Low
        }
    }

    pub fn mirror_weight(&self, tier: u8) -> u32 {
        match tier {
            1 => self.trade.mirror_tier1,
            2 => self.trade.mirror_tier2,
            3 => self.trade.mirror_tier3,
            _ => self.trade.mirror_tier4,
        }
    }
}

fn line_of(text: &str, span: Option<std::ops::Range<usize>>) -> u64 {
    span.map_or(0, |s| text[..s.start.min(text.len())].matches('\n').count() as u64 + 1)
}

/// Risk band of a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Low,
    Medium,
    High,
    Severe,
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
            Band::Severe => "severe",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_user_keys_override() {
        let d = Weights::defaults();
        assert_eq!(d.list_weight("SDN"), 100);
        assert_eq!(d.list_weight("some_list"), 50);
        assert_eq!(d.band(0), Band::Low);
        assert_eq!(d.band(25), Band::Medium);
        assert_eq!(d.band(100), Band::Severe);
        let w = Weights::from_text(Path::new("w.toml"), "[links]\nshared_address = 3\n").unwrap();
        assert_eq!(w.links.shared_address, 3);
        assert_eq!(w.links.shared_director, d.links.shared_director);
        let e = Weights::from_text(Path::new("w.toml"), "[links]\nshared_adress = 3\n").unwrap_err().to_string();
        assert!(e.contains("w.toml") && e.contains("shared_adress"), "{e}");
        let e = Weights::from_text(Path::new("w.toml"), "[bands]\nmedium = \"x\"\n").unwrap_err().to_string();
        assert!(e.contains("w.toml"), "{e}");
        let e = Weights::from_text(Path::new("w.toml"), "[route]\nmax_hops = 0\n").unwrap_err().to_string();
        assert!(e.contains("w.toml") && e.contains("[route] max_hops: must be 1 to 12, got 0"), "{e}");
        let e = Weights::from_text(Path::new("w.toml"), "[route]\nshare_full = 1.5\n").unwrap_err().to_string();
        assert!(e.contains("[route] share_full and share_floor must be between 0 and 1"), "{e}");
        let e = Weights::from_text(Path::new("w.toml"), "[route]\nmax_dwell_days = -1\n").unwrap_err().to_string();
        assert!(e.contains("[route] max_dwell_days: must be 0 or more"), "{e}");
        let e = Weights::from_text(Path::new("w.toml"), "\n\n[bands\n").unwrap_err().to_string();
        assert!(e.contains("line 3"), "{e}");
    }
}
