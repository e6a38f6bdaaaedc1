//! What a route hop says about its value and its declarations beyond the
//! first: a value declared in another currency ([`DeclaredValue`]) and the
//! mirror record of a consignment declared twice ([`MirrorOut`]).

use serde::Serialize;

use super::report::Text;
use crate::model::ShipmentInfo;

/// The mirror record of a hop.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MirrorOut {
    pub shipment: Text,
    pub date: String,
    pub declaration: Option<Text>,
    pub source_file: Text,
    pub source_line: i64,
    pub quantity: Option<f64>,
    pub value_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_value: Option<DeclaredValue>,
}

/// A value declared in a currency other than USD.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DeclaredValue {
    pub amount: f64,
    /// ISO 4217.
    pub currency: String,
    /// `converted` (with `usd_per_unit` from `rate_source`), `declared` (the
    /// record gives its own USD value) or `unconverted` (no rate: `value_usd`
    /// is empty and no total includes the amount).
    pub usd: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usd_per_unit: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_source: Option<Text>,
}

impl DeclaredValue {
    /// The declared value of a record, when it is not in USD.
    pub fn of(i: &ShipmentInfo) -> Option<DeclaredValue> {
        let (amount, currency) = (i.value?, i.currency.as_deref()?);
        if currency == "USD" {
            return None;
        }
        let usd = match (i.usd_rate, i.value_usd) {
            (Some(_), _) => "converted",
            (None, Some(_)) => "declared",
            (None, None) => "unconverted",
        };
        Some(DeclaredValue {
            amount,
            currency: currency.to_string(),
            usd,
            usd_per_unit: i.usd_rate,
            rate_source: i.usd_rate_source.as_deref().map(Text::from),
        })
    }

    /// `EUR 171000 (no USD rate: not converted)`, for tables and reports.
    pub fn describe(&self) -> String {
        match (self.usd, self.usd_per_unit, &self.rate_source) {
            ("converted", Some(r), Some(src)) => format!("{} {} at {r} USD ({src})", self.currency, self.amount),
            ("declared", ..) => format!("declared {} {}", self.currency, self.amount),
            _ => format!("{} {} (no USD rate: not converted)", self.currency, self.amount),
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MirrorEcho {
    pub enabled: bool,
    pub max_days: i32,
    /// Percent of the larger value.
    pub value_tolerance_pct: f64,
}
