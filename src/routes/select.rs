//! Selectors (`country:US`, `entity:ID`, `origin:US`, ...) and their
//! resolution against a graph into the masks a [`Query`] holds.

use crate::error::{Error, Result};
use crate::graph::mirror::{self, Mirrors};
use crate::graph::{country_code, hs_key, hs_prefix_of, CaseGraph, Node};
use crate::model::FastMap;
use crate::model::{Country, Role};
use crate::refdata;

use super::rank::{brand_tokens, tokens_contain};
use super::spec::{QueryError, QueryField};
use super::{Query, QuerySpec};

fn query_error(field: QueryField, message: String) -> Error {
    Error::Query(QueryError::new(field, message))
}

/// One `KIND:VALUE` selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// Entities registered in this country (any member of a resolved cluster).
    Country(Country),
    /// An entity by bundle id, optionally `SCOPE:ID`; the raw text after `entity:`.
    Entity(String),
    Role(Role),
    /// Entities on this list (`lists.csv` list name, case-insensitive).
    List(String),
    /// Entities whose name or an alias contains this text (normalised, token-prefix).
    Name(String),
    /// Goods whose declared country of origin is this (first hop only).
    Origin(Country),
    /// Goods whose declared manufacturer matches this text (first hop only).
    Brand(String),
}

const KINDS: &str = "country, entity, role, list, name, origin, brand";

impl Selector {
    /// Parses `KIND:VALUE`, given in query field `field` (errors name it).
    pub fn parse(field: QueryField, text: &str) -> Result<Selector, QueryError> {
        let bad = |message: String| QueryError::new(field, message);
        let Some((kind, value)) = text.split_once(':') else {
            return Err(bad(format!("'{text}' is not a selector; expected KIND:VALUE with KIND one of {KINDS}")));
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(bad(format!("'{text}': the value after '{kind}:' is empty")));
        }
        let country = |v: &str| {
            Country::parse(v)
                .ok_or_else(|| bad(format!("'{text}': unknown country '{v}' (expected an ISO 3166-1 alpha-2 code such as US, TR, RU)")))
        };
        Ok(match kind.trim().to_ascii_lowercase().as_str() {
            "country" => Selector::Country(country(value)?),
            "origin" => Selector::Origin(country(value)?),
            "entity" => Selector::Entity(value.to_string()),
            "role" => Selector::Role(Role::parse(value).ok_or_else(|| {
                let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                bad(format!("'{text}': unknown role '{value}' (expected one of {})", roles.join(", ")))
            })?),
            "list" => Selector::List(value.to_string()),
            "name" => Selector::Name(value.to_string()),
            "brand" => Selector::Brand(value.to_string()),
            other => return Err(bad(format!("'{text}': unknown selector kind '{other}' (expected one of {KINDS})"))),
        })
    }

    fn is_goods(&self) -> bool {
        matches!(self, Selector::Origin(_) | Selector::Brand(_))
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Selector::Country(c) => write!(f, "country:{c}"),
            Selector::Entity(e) => write!(f, "entity:{e}"),
            Selector::Role(r) => write!(f, "role:{}", r.as_str()),
            Selector::List(l) => write!(f, "list:{l}"),
            Selector::Name(n) => write!(f, "name:{n}"),
            Selector::Origin(c) => write!(f, "origin:{c}"),
            Selector::Brand(b) => write!(f, "brand:{b}"),
        }
    }
}

/// What resolution needs from the case beyond the graph (implemented by
/// the store for a case file, and by fakes in tests).
pub trait Directory {
    /// The batch scopes of the case.
    fn scopes(&self) -> Result<Vec<String>>;
    /// `(entity.id, scope)` of entities with this bundle id, in this scope or any.
    fn entities_by_input_id(&self, scope: Option<&str>, input_id: &str) -> Result<Vec<(i64, String)>>;
    /// Every entity's id with its name and aliases.
    fn entity_names(&self) -> Result<Vec<(i64, Vec<String>)>>;
    /// `(shipment.id, batch.id)` of these shipment rows (for mirror pairing).
    fn shipment_batches(&self, rows: &[i64]) -> Result<Vec<(i64, i64)>>;
    /// Every entity's bundle id and name, for "did you mean" after an unknown id
    /// (none by default: no suggestion).
    fn ids_and_names(&self) -> Result<Vec<(String, String)>> {
        Ok(Vec::new())
    }
}

/// The node ids of the graph that hold entity `entity_id`, built once per resolution.
struct EntityIndex(Vec<(i64, Node)>);

impl EntityIndex {
    fn new(g: &CaseGraph) -> Self {
        let mut v = Vec::with_capacity(g.members.len());
        for n in 0..g.node_count() as Node {
            v.extend(g.node_members(n).iter().map(|&e| (e, n)));
        }
        v.sort_unstable();
        EntityIndex(v)
    }
    fn node(&self, e: i64) -> Option<Node> {
        self.0.binary_search_by_key(&e, |p| p.0).ok().map(|i| self.0[i].1)
    }
}

/// Every entity's name and aliases as tokens, loaded on the first `name:` selector.
type NameTokens = Vec<(i64, Vec<Vec<String>>)>;

fn entity_nodes(
    g: &CaseGraph,
    dir: &dyn Directory,
    idx: &EntityIndex,
    field: QueryField,
    sels: &[Selector],
    names: &mut Option<NameTokens>,
) -> Result<Vec<bool>> {
    let n = g.node_count();
    let mut mask = vec![false; n];
    for sel in sels {
        match sel {
            Selector::Country(c) => {
                let code = country_code(c.as_str());
                for v in 0..n as Node {
                    if g.node_member_countries(v).contains(&code) {
                        mask[v as usize] = true;
                    }
                }
            }
            Selector::Role(r) => {
                let bit = {
                    let mut rs = crate::model::Roles::default();
                    rs.insert(*r);
                    rs.0
                };
                for (m, &roles) in mask.iter_mut().zip(&g.node_roles) {
                    if roles & bit != 0 {
                        *m = true;
                    }
                }
            }
            Selector::List(l) => {
                for (li, name) in g.list_names.iter().enumerate() {
                    if name.eq_ignore_ascii_case(l) {
                        for v in 0..n as Node {
                            if g.node_lists(v).contains(&(li as u16)) {
                                mask[v as usize] = true;
                            }
                        }
                    }
                }
            }
            Selector::Entity(text) => {
                for e in resolve_entity_id(dir, field, text)? {
                    if let Some(v) = idx.node(e) {
                        mask[v as usize] = true;
                    }
                }
            }
            Selector::Name(text) => {
                let q = brand_tokens(text);
                if q.is_empty() {
                    return Err(query_error(field, format!("'name:{text}' has no letters or digits to match")));
                }
                let names = match names {
                    Some(v) => v,
                    None => {
                        let all = dir.entity_names()?;
                        names.insert(all.into_iter().map(|(id, ns)| (id, ns.iter().map(|s| brand_tokens(s)).collect())).collect())
                    }
                };
                for (id, toks) in names.iter() {
                    if toks.iter().any(|t| tokens_contain(t, &q)) {
                        if let Some(v) = idx.node(*id) {
                            mask[v as usize] = true;
                        }
                    }
                }
            }
            Selector::Origin(_) | Selector::Brand(_) => {
                let e = QueryError::new(field, format!("'{sel}' describes goods and is only allowed in ")).mention(QueryField::From, "");
                return Err(e.into());
            }
        }
    }
    Ok(mask)
}

/// `entity:ID` or `entity:SCOPE:ID` to entity row ids; an unknown or ambiguous id is a usage error.
fn resolve_entity_id(dir: &dyn Directory, field: QueryField, text: &str) -> Result<Vec<i64>> {
    if let Some((scope, id)) = text.split_once(':') {
        if dir.scopes()?.iter().any(|s| s == scope) {
            let hits = dir.entities_by_input_id(Some(scope), id)?;
            if !hits.is_empty() {
                return Ok(hits.into_iter().map(|h| h.0).collect());
            }
        }
    }
    let hits = dir.entities_by_input_id(None, text)?;
    match hits.len() {
        0 => {
            let hint =
                crate::text::suggest::entities(text, &dir.ids_and_names()?, "entity:", 3).map_or_else(String::new, |d| format!("; {d}"));
            Err(query_error(field, format!("'entity:{text}': no entity with this id in the case{hint}")))
        }
        1 => Ok(vec![hits[0].0]),
        _ => {
            let c: Vec<String> = hits.iter().map(|(_, s)| format!("entity:{s}:{text}")).collect();
            Err(query_error(field, format!("'entity:{text}' is ambiguous: it is an id in several batches; use one of {}", c.join(", "))))
        }
    }
}

/// Resolves a query against a graph.
///
/// # Errors
/// [`QueryError`]s (naming the field) for anything [`QuerySpec::validate`]
/// rejects, unknown or ambiguous entity ids, goods selectors outside
/// `from`, and name or brand selectors with nothing to match.
pub fn resolve_query(g: &CaseGraph, dir: &dyn Directory, spec: &QuerySpec) -> Result<Query> {
    spec.validate()?;
    let prefixes = spec.hs_prefixes()?;

    let idx = EntityIndex::new(g);
    let mut names = None;
    let (goods, ents): (Vec<Selector>, Vec<Selector>) = spec.from.iter().cloned().partition(Selector::is_goods);
    let from_nodes = entity_nodes(g, dir, &idx, QueryField::From, &ents, &mut names)?;
    let to_nodes = entity_nodes(g, dir, &idx, QueryField::To, &spec.to, &mut names)?;
    let via_nodes = if spec.via.is_empty() { None } else { Some(entity_nodes(g, dir, &idx, QueryField::Via, &spec.via, &mut names)?) };
    let avoid_nodes = entity_nodes(g, dir, &idx, QueryField::Avoid, &spec.avoid, &mut names)?;

    let mut from_origins = Vec::new();
    let mut from_brands = vec![false; g.brands.len()];
    // Normalising every brand is costly on a large case: only when a brand selector asks.
    let brand_toks: Vec<Vec<String>> =
        if goods.iter().any(|s| matches!(s, Selector::Brand(_))) { g.brands.iter().map(|b| brand_tokens(b)).collect() } else { Vec::new() };
    for s in &goods {
        match s {
            Selector::Origin(c) => from_origins.push(country_code(c.as_str())),
            Selector::Brand(text) => {
                let q = brand_tokens(text);
                if q.is_empty() {
                    return Err(query_error(QueryField::From, format!("'brand:{text}' has no letters or digits to match")));
                }
                for (b, t) in brand_toks.iter().enumerate().skip(1) {
                    if tokens_contain(t, &q) {
                        from_brands[b] = true;
                    }
                }
            }
            _ => unreachable!("partitioned on is_goods"),
        }
    }
    from_origins.sort_unstable();
    from_origins.dedup();

    let m = g.shipment_count();
    let mut ship_ok = vec![true; m];
    let mut chpl_memo: std::collections::HashMap<u64, bool> = std::collections::HashMap::new();
    let mut goods_memo: std::collections::HashMap<u64, bool> = std::collections::HashMap::new();
    for (i, ok) in ship_ok.iter_mut().enumerate() {
        let d = crate::model::Day(g.date[i]);
        let code = g.hs(i);
        *ok = spec.since.is_none_or(|s| d >= s)
            && spec.until.is_none_or(|u| d <= u)
            && spec.min_value.is_none_or(|mv| !g.value[i].is_nan() && f64::from(g.value[i]) >= mv)
            && (prefixes.is_empty() || prefixes.iter().any(|&(p, len)| hs_prefix_of(p, len, code)))
            && spec.chpl_max_tier.is_none_or(|t| {
                *chpl_memo
                    .entry(hs_key(code, 6))
                    .or_insert_with(|| refdata::chpl_item(&crate::graph::hs_decode(code)).is_some_and(|c| c.tier_number() <= t))
            })
            && (!spec.controlled || *goods_memo.entry(code).or_insert_with(|| spec.goods.controlled(&crate::graph::hs_decode(code))));
    }

    let mirrors = mirror_pairs(g, dir, spec)?;
    for &(a, b) in mirrors.pairs() {
        // The second declaration backs the first's hop and is not a hop of its
        // own; when a filter drops the first but keeps it, it stays (alone).
        if ship_ok[a as usize] {
            ship_ok[b as usize] = false;
        }
    }

    Ok(Query {
        mirrors,
        from_nodes,
        has_goods_selectors: !goods.is_empty(),
        from_origins,
        from_brands,
        to_nodes,
        via_nodes,
        avoid_nodes,
        ship_ok,
        max_hops: spec.max_hops,
        max_dwell_days: spec.max_dwell_days,
        hs_level: spec.hs_level,
        limit: spec.limit,
    })
}

/// The mirror pairs of the case (see [`crate::graph::mirror`]): none in a
/// case of one batch, where every record comes from the same declarations.
pub fn mirror_pairs(g: &CaseGraph, dir: &dyn Directory, spec: &QuerySpec) -> Result<Mirrors> {
    if !spec.mirror.enabled || dir.scopes()?.len() < 2 {
        return Ok(Mirrors::default());
    }
    let cands = mirror::candidates(g, &spec.mirror);
    if cands.is_empty() {
        return Ok(Mirrors::default());
    }
    let rows: Vec<i64> = mirror::candidate_ships(&cands).iter().map(|&s| g.ship_row[s as usize]).collect();
    let batch: FastMap<i64, i64> = dir.shipment_batches(&rows)?.into_iter().collect();
    Ok(mirror::choose(g, &cands, |s| batch.get(&g.ship_row[s as usize]).copied()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_name_the_field() {
        use QueryField::{From, To, Via};
        assert_eq!(Selector::parse(From, "country:us").unwrap(), Selector::Country(Country::known("US")));
        assert_eq!(Selector::parse(From, "origin:US").unwrap(), Selector::Origin(Country::known("US")));
        assert_eq!(Selector::parse(To, "role:end_user").unwrap(), Selector::Role(Role::EndUser));
        assert_eq!(Selector::parse(To, "entity:b1:E7").unwrap(), Selector::Entity("b1:E7".into()));
        let e = Selector::parse(To, "country:XX").unwrap_err();
        assert!(e.field == To && e.to_string().starts_with("to:") && e.message.contains("unknown country 'XX'"), "{e}");
        let e = Selector::parse(Via, "planet:mars").unwrap_err();
        assert!(e.field == Via && e.message.contains("unknown selector kind"), "{e}");
        assert!(Selector::parse(From, "US").is_err());
        assert!(Selector::parse(From, "name:").is_err());
        assert!(Selector::parse(From, "role:pirate").is_err());
    }
}
