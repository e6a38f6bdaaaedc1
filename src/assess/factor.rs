//! The risk-factor codes: the one place each is defined.
//!
//! A code is a contract: JSON, CSV and table output, the HTML report and
//! consumers' scripts read it, so [`RiskFactor::code`] spells each exactly
//! as it always was. Each variant names its weight key (in
//! `src/refdata/assess-weights.toml`, overridable with `--weights`) and its
//! row in docs/assessment.md ("Factors"). tests/architecture.rs checks that
//! every code string appears once in `src/`.

use serde::{Serialize, Serializer};

use crate::routes::rank::RouteReason;

/// One red flag an assessment can raise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RiskFactor {
    /// `LISTED`: a member is on a list other than a military end-user list.
    /// Weight: `[lists]` by list name (`other` for the rest), the highest of its lists.
    /// docs/assessment.md, Factors: `LISTED`.
    Listed,
    /// `OFAC_50_BLOCKED`: blocked persons own 50 % or more in aggregate.
    /// Weight: `[ownership] ofac_50_blocked`. docs/assessment.md: `OFAC_50_BLOCKED`, "The OFAC 50 percent rule".
    Ofac50Blocked,
    /// `EU_UK_OWNED_OR_CONTROLLED`: EU/UK-listed parties own more than 50 % or control it.
    /// Weight: `[ownership] eu_uk_owned_or_controlled`. docs/assessment.md: `EU_UK_OWNED_OR_CONTROLLED`.
    EuUkOwnedOrControlled,
    /// `LISTED_MINORITY_OWNER`: blocked persons hold stakes below 50 %.
    /// Weight: `[ownership] listed_minority_owner`. docs/assessment.md: `LISTED_MINORITY_OWNER`.
    ListedMinorityOwner,
    /// `LISTED_DIRECTOR`: a listed or blocked party directs it without owning it.
    /// Weight: `[ownership] listed_director`. docs/assessment.md: `LISTED_DIRECTOR`.
    ListedDirector,
    /// `SHARED_ADDRESS_WITH_LISTED`: an address shared with a listed or blocked party.
    /// Weight: `[links] shared_address`. docs/assessment.md: `SHARED_ADDRESS_WITH_LISTED`.
    SharedAddressWithListed,
    /// `SHARED_DIRECTOR_WITH_LISTED`: a director shared with a listed or blocked party.
    /// Weight: `[links] shared_director`. docs/assessment.md: `SHARED_DIRECTOR_WITH_LISTED`.
    SharedDirectorWithListed,
    /// `SHARED_IDENTIFIER_WITH_LISTED`: a registration or tax number of a listed or blocked company.
    /// Weight: `[links] shared_identifier`. docs/assessment.md: `SHARED_IDENTIFIER_WITH_LISTED`.
    SharedIdentifierWithListed,
    /// `ROUTE_US_TO_RU_BY`: forwards US-origin goods on a route to a Russian/Belarusian party.
    /// Weight: `[route] weight` (the query: the rest of `[route]`). docs/assessment.md: `ROUTE_US_TO_RU_BY`, "Route exposure".
    RouteUsToRuBy,
    /// `MIRROR_TRADE`: exports to RU/BY the HS-6 it imported from the US/EU.
    /// Weight: `[trade] mirror_tier1` .. `mirror_tier4` (best tier), window `mirror_days`. docs/assessment.md: `MIRROR_TRADE`.
    MirrorTrade,
    /// `RU_BY_CHPL_EXPORT_SHARE`: the share of its post-invasion exports that are controlled goods to RU/BY.
    /// Weight: `[trade] chpl_share` times the share, from `chpl_share_min`. docs/assessment.md: `RU_BY_CHPL_EXPORT_SHARE`.
    RuByChplExportShare,
    /// `RU_BY_CHPL_JUMP`: that share rose against its exports before the invasion.
    /// Weight: `[trade] chpl_jump`, from `jump_min`. docs/assessment.md: `RU_BY_CHPL_JUMP`.
    RuByChplJump,
    /// `RECENTLY_INCORPORATED`: incorporated shortly before its first trade in controlled goods.
    /// Weight: `[trade] recently_incorporated`, window `recent_days`. docs/assessment.md: `RECENTLY_INCORPORATED`.
    /// The same code as the route reason [`RouteReason::RecentlyIncorporated`] (one red flag, two scores).
    RecentlyIncorporated,
    /// `TRADES_WITH_LISTED`: trades with a party listed or blocked at the trade's date.
    /// Weight: `[trade] trades_with_listed`. docs/assessment.md: `TRADES_WITH_LISTED`.
    TradesWithListed,
    /// `TRADES_WITH_MILITARY_END_USER`: trades with a military end user.
    /// Weight: `[trade] trades_with_military_end_user`. docs/assessment.md: `TRADES_WITH_MILITARY_END_USER`.
    TradesWithMilitaryEndUser,
    /// `RU_BY_RECIPIENT`: a Russian/Belarusian party at the end of a route of US-origin controlled goods.
    /// Weight: `[end_use] ru_by_recipient`. docs/assessment.md: `RU_BY_RECIPIENT`, "End use".
    RuByRecipient,
    /// `MILITARY_END_USER_RECIPIENT`: the same, and a military end user (replaces `RU_BY_RECIPIENT`).
    /// Weight: `[end_use] military_recipient`. docs/assessment.md: `MILITARY_END_USER_RECIPIENT`, "End use".
    MilitaryEndUserRecipient,
    /// `MILITARY_END_USER_DESIGNATED`: on a military end-user list or the Entity List with footnote 3.
    /// Weight: `[end_use] meu_designated` (lists: `meu_lists`). docs/assessment.md: `MILITARY_END_USER_DESIGNATED`, "End use".
    MilitaryEndUserDesignated,
    /// `TRANSSHIPMENT_COUNTRY`: registered in a FinCEN/BIS transshipment country.
    /// Weight: `[geography] transshipment_country`. docs/assessment.md: `TRANSSHIPMENT_COUNTRY`.
    /// The same code as the route reason [`RouteReason::TransshipmentCountry`].
    TransshipmentCountry,
}

impl RiskFactor {
    pub const ALL: [RiskFactor; 19] = [
        RiskFactor::Listed,
        RiskFactor::Ofac50Blocked,
        RiskFactor::EuUkOwnedOrControlled,
        RiskFactor::ListedMinorityOwner,
        RiskFactor::ListedDirector,
        RiskFactor::SharedAddressWithListed,
        RiskFactor::SharedDirectorWithListed,
        RiskFactor::SharedIdentifierWithListed,
        RiskFactor::RouteUsToRuBy,
        RiskFactor::MirrorTrade,
        RiskFactor::RuByChplExportShare,
        RiskFactor::RuByChplJump,
        RiskFactor::RecentlyIncorporated,
        RiskFactor::TradesWithListed,
        RiskFactor::TradesWithMilitaryEndUser,
        RiskFactor::RuByRecipient,
        RiskFactor::MilitaryEndUserRecipient,
        RiskFactor::MilitaryEndUserDesignated,
        RiskFactor::TransshipmentCountry,
    ];

    /// The code as printed and serialised.
    pub const fn code(self) -> &'static str {
        match self {
            RiskFactor::Listed => "LISTED",
            RiskFactor::Ofac50Blocked => "OFAC_50_BLOCKED",
            RiskFactor::EuUkOwnedOrControlled => "EU_UK_OWNED_OR_CONTROLLED",
            RiskFactor::ListedMinorityOwner => "LISTED_MINORITY_OWNER",
            RiskFactor::ListedDirector => "LISTED_DIRECTOR",
            RiskFactor::SharedAddressWithListed => "SHARED_ADDRESS_WITH_LISTED",
            RiskFactor::SharedDirectorWithListed => "SHARED_DIRECTOR_WITH_LISTED",
            RiskFactor::SharedIdentifierWithListed => "SHARED_IDENTIFIER_WITH_LISTED",
            RiskFactor::RouteUsToRuBy => "ROUTE_US_TO_RU_BY",
            RiskFactor::MirrorTrade => "MIRROR_TRADE",
            RiskFactor::RuByChplExportShare => "RU_BY_CHPL_EXPORT_SHARE",
            RiskFactor::RuByChplJump => "RU_BY_CHPL_JUMP",
            // Shared with the route ranking: spelled once, there.
            RiskFactor::RecentlyIncorporated => RouteReason::RecentlyIncorporated.code(),
            RiskFactor::TradesWithListed => "TRADES_WITH_LISTED",
            RiskFactor::TradesWithMilitaryEndUser => "TRADES_WITH_MILITARY_END_USER",
            RiskFactor::RuByRecipient => "RU_BY_RECIPIENT",
            RiskFactor::MilitaryEndUserRecipient => "MILITARY_END_USER_RECIPIENT",
            RiskFactor::MilitaryEndUserDesignated => "MILITARY_END_USER_DESIGNATED",
            RiskFactor::TransshipmentCountry => RouteReason::TransshipmentCountry.code(),
        }
    }
}

impl RiskFactor {
    /// Where its weight is set: `table.key` in the weights file (for
    /// `LISTED` the whole `[lists]` table, for `MIRROR_TRADE` the tier-1 key
    /// of `mirror_tier1` .. `mirror_tier4`).
    pub const fn weight_key(self) -> &'static str {
        match self {
            RiskFactor::Listed => "lists",
            RiskFactor::Ofac50Blocked => "ownership.ofac_50_blocked",
            RiskFactor::EuUkOwnedOrControlled => "ownership.eu_uk_owned_or_controlled",
            RiskFactor::ListedMinorityOwner => "ownership.listed_minority_owner",
            RiskFactor::ListedDirector => "ownership.listed_director",
            RiskFactor::SharedAddressWithListed => "links.shared_address",
            RiskFactor::SharedDirectorWithListed => "links.shared_director",
            RiskFactor::SharedIdentifierWithListed => "links.shared_identifier",
            RiskFactor::RouteUsToRuBy => "route.weight",
            RiskFactor::MirrorTrade => "trade.mirror_tier1",
            RiskFactor::RuByChplExportShare => "trade.chpl_share",
            RiskFactor::RuByChplJump => "trade.chpl_jump",
            RiskFactor::RecentlyIncorporated => "trade.recently_incorporated",
            RiskFactor::TradesWithListed => "trade.trades_with_listed",
            RiskFactor::TradesWithMilitaryEndUser => "trade.trades_with_military_end_user",
            RiskFactor::RuByRecipient => "end_use.ru_by_recipient",
            RiskFactor::MilitaryEndUserRecipient => "end_use.military_recipient",
            RiskFactor::MilitaryEndUserDesignated => "end_use.meu_designated",
            RiskFactor::TransshipmentCountry => "geography.transshipment_country",
        }
    }
}

impl std::fmt::Display for RiskFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Serialised as its code string, as before the enum existed.
impl Serialize for RiskFactor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Ordered by code string: assessments list factors of equal weight in code order, as they always did.
impl Ord for RiskFactor {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.code().cmp(other.code())
    }
}

impl PartialOrd for RiskFactor {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_upper_snake_case() {
        let mut codes: Vec<&str> = RiskFactor::ALL.iter().map(|f| f.code()).collect();
        assert!(codes.iter().all(|c| c.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_')));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RiskFactor::ALL.len());
    }

    #[test]
    fn serialises_as_its_code() {
        assert_eq!(serde_json::to_string(&RiskFactor::Ofac50Blocked).unwrap(), "\"OFAC_50_BLOCKED\"");
        assert_eq!(RiskFactor::TransshipmentCountry.to_string(), RouteReason::TransshipmentCountry.code());
        assert!(RiskFactor::Listed < RiskFactor::ListedDirector && RiskFactor::MirrorTrade < RiskFactor::Ofac50Blocked);
    }

    #[test]
    fn every_factor_is_documented_with_its_weight() {
        let doc = include_str!("../../docs/assessment.md");
        let weights: toml::Table = include_str!("../refdata/assess-weights.toml").parse().unwrap();
        for f in RiskFactor::ALL {
            assert!(doc.contains(&format!("| `{}` |", f.code())), "{f} has no row in docs/assessment.md");
            let mut at = Some(&weights);
            let mut value = None;
            for part in f.weight_key().split('.') {
                value = at.and_then(|t| t.get(part));
                at = value.and_then(toml::Value::as_table);
            }
            assert!(value.is_some(), "{f}: no `{}` in the bundled weights", f.weight_key());
        }
    }
}
