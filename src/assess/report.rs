//! Assessment and hub results as serialisable records with bundle ids.
//! What they need of the case beyond the graph comes through [`Records`],
//! which the application layer implements over the case file.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::graph::{country_str, CaseGraph, Node};
use crate::model::{EntityInfo, EntityLabel, ListingRow, RelationRow};
use crate::routes::report::{Lookup, QueryEcho};
use crate::routes::QuerySpec;

use super::customers::{CustomerRow, NameIndex};
use super::hubs::Hubs;
use super::{assess, day_or_none, Band, Context, Ev, Listing, Relation, Weights};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FactorOut {
    pub code: super::RiskFactor,
    pub weight: u32,
    pub detail: String,
    /// Bundle ids of entities and shipments, `file:line` of list and relation rows.
    pub evidence: Vec<String>,
}

/// A customer-list row that named this entity.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct InputRef {
    pub line: u64,
    pub input: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AssessmentOut {
    /// Bundle id of the cluster's representative.
    pub entity: String,
    pub name: String,
    pub score: u32,
    pub band: Band,
    pub factors: Vec<FactorOut>,
    pub country: Option<String>,
    /// Bundle ids of the resolved cluster's members, when it has several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// The customer-list rows that named it (with `--input`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputRef>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NotFound {
    pub line: u64,
    pub input: String,
    pub reason: String,
}

/// `divtrace assess` output.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AssessReport {
    /// Highest score first, then entity id.
    pub assessments: Vec<AssessmentOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_found: Vec<NotFound>,
}

/// Which entities to assess.
pub enum Selection<'a> {
    All,
    /// Bundle ids (`ID` or `SCOPE:ID`) or names given on the command line.
    Entities(&'a [String]),
    Customers(&'a [CustomerRow]),
}

/// What an assessment reads of a case besides its graph.
pub trait Records: Lookup {
    /// Every entity with its labels and aliases, in id order.
    fn entity_labels(&self) -> Result<Vec<EntityLabel>>;
    /// Every list membership, in row order.
    fn listings(&self) -> Result<Vec<ListingRow>>;
    /// Every relation, in row order.
    fn relations(&self) -> Result<Vec<RelationRow>>;
    /// Every identifier as (entity, scheme, value), in row order.
    fn identifiers(&self) -> Result<Vec<(i64, String, String)>>;
    /// `(scope, input_id)` of the shipments with these row ids (missing ids are left out).
    fn shipment_input_ids(&self, rows: &[i64]) -> Result<HashMap<i64, (String, String)>>;
}

/// The case's records mapped onto graph nodes, plus every entity's labels.
pub fn load_context<'g>(case: &dyn Records, g: &'g CaseGraph) -> Result<(Context<'g>, Vec<EntityLabel>)> {
    let labels = case.entity_labels()?;
    let mut ent_node: Vec<(i64, Node)> = Vec::with_capacity(g.members.len());
    for v in 0..g.node_count() as Node {
        ent_node.extend(g.node_members(v).iter().map(|&e| (e, v)));
    }
    ent_node.sort_unstable();
    let node = |e: i64| ent_node.binary_search_by_key(&e, |p| p.0).ok().map(|i| ent_node[i].1);
    let ls: Vec<Listing> = case
        .listings()?
        .into_iter()
        .filter_map(|l| {
            Some(Listing {
                node: node(l.entity)?,
                entity: l.entity,
                list: l.list.to_lowercase(),
                program: l.program,
                source: l.source,
                since: day_or_none(l.listed_on.as_deref()),
                reference: l.reference,
            })
        })
        .collect();
    let rs: Vec<Relation> = case
        .relations()?
        .into_iter()
        .filter_map(|r| {
            let end = day_or_none(r.end.as_deref());
            Some(Relation {
                from: node(r.from)?,
                to: node(r.to)?,
                from_entity: r.from,
                to_entity: r.to,
                kind: r.kind,
                share: r.share,
                start: day_or_none(r.start.as_deref()),
                end: if end == crate::graph::NO_DATE { i32::MAX } else { end },
                reference: r.reference,
            })
        })
        .collect();
    let addresses = labels.iter().filter_map(|e| Some((node(e.id)?, e.id, e.address.clone()?))).collect();
    let idents = case.identifiers()?.into_iter().filter_map(|(e, s, v)| Some((node(e)?, e, s, v))).collect();
    let names: HashMap<i64, String> = labels.iter().map(|e| (e.id, e.name.clone())).collect();
    Ok((Context::new(g, ls, rs, addresses, idents, names), labels))
}

/// Bundle ids for entities and shipments.
struct Ids {
    multi_scope: bool,
    entities: HashMap<i64, (String, String)>,
    shipments: HashMap<i64, (String, String)>,
}

impl Ids {
    fn scoped(&self, scope: &str, id: &str) -> String {
        if self.multi_scope {
            format!("{scope}:{id}")
        } else {
            id.to_string()
        }
    }
    fn entity(&self, e: i64) -> String {
        self.entities.get(&e).map_or_else(|| format!("#{e}"), |(s, i)| self.scoped(s, i))
    }
    fn shipment(&self, row: i64) -> String {
        self.shipments.get(&row).map_or_else(|| format!("#{row}"), |(s, i)| self.scoped(s, i))
    }
    fn record(&self, r: &str) -> String {
        if self.multi_scope {
            r.to_string()
        } else {
            r.split_once(':').map_or(r, |x| x.1).to_string()
        }
    }
}

/// The nodes to assess, the customer rows that named each, and the rows that named nothing.
type Selected = (Vec<Node>, BTreeMap<Node, Vec<InputRef>>, Vec<NotFound>);

/// Resolves the selection to nodes; rows that name nothing come back as [`NotFound`].
fn select(g: &CaseGraph, labels: &[EntityLabel], sel: &Selection) -> Result<Selected> {
    let index =
        || NameIndex::new(labels.iter().map(|e| (e.id, e.scope.as_str(), e.input_id.as_str(), e.name.as_str(), e.aliases.as_slice())));
    let mut ent_node: HashMap<i64, Node> = HashMap::new();
    for v in 0..g.node_count() as Node {
        for &e in g.node_members(v) {
            ent_node.insert(e, v);
        }
    }
    let mut refs: BTreeMap<Node, Vec<InputRef>> = BTreeMap::new();
    let mut missing = Vec::new();
    match sel {
        Selection::All => return Ok(((0..g.node_count() as Node).collect(), refs, missing)),
        Selection::Entities(list) => {
            let idx = index();
            for text in list.iter() {
                let hits: Vec<Node> = idx.find(text).iter().filter_map(|e| ent_node.get(e).copied()).collect();
                if hits.is_empty() {
                    return Err(Error::usage("ENTITY", format!("'{text}': no entity with this id or name in the case")));
                }
                for v in hits {
                    refs.entry(v).or_default();
                }
            }
        }
        Selection::Customers(rows) => {
            let idx = index();
            for row in rows.iter() {
                let hits: Vec<Node> = idx.find(&row.text).iter().filter_map(|e| ent_node.get(e).copied()).collect();
                if hits.is_empty() {
                    missing.push(NotFound {
                        line: row.line,
                        input: row.text.clone(),
                        reason: "not found: no entity with this id or name".into(),
                    });
                }
                for v in hits {
                    let r = refs.entry(v).or_default();
                    if !r.iter().any(|x| x.line == row.line) {
                        r.push(InputRef { line: row.line, input: row.text.clone() });
                    }
                }
            }
        }
    }
    Ok((refs.keys().copied().collect(), refs, missing))
}

/// Assesses the selected entities of a case.
pub fn assess_report(case: &dyn Records, g: &CaseGraph, w: &Weights, sel: &Selection) -> Result<AssessReport> {
    let (ctx, labels) = load_context(case, g)?;
    let (targets, refs, not_found) = select(g, &labels, sel)?;
    let results = assess(&ctx, w, Some(&targets));
    let mut rows: Vec<i64> = results
        .iter()
        .flat_map(|a| a.factors.iter().flat_map(|f| f.evidence.iter()))
        .filter_map(|e| if let Ev::Shipment(s) = e { Some(g.ship_row[*s as usize]) } else { None })
        .collect();
    rows.sort_unstable();
    rows.dedup();
    let mut scopes: Vec<&str> = labels.iter().map(|e| e.scope.as_str()).collect();
    scopes.sort_unstable();
    scopes.dedup();
    let ids = Ids {
        multi_scope: scopes.len() > 1,
        entities: labels.iter().map(|e| (e.id, (e.scope.clone(), e.input_id.clone()))).collect(),
        shipments: case.shipment_input_ids(&rows)?,
    };
    let mut assessments: Vec<AssessmentOut> = results
        .into_iter()
        .map(|a| {
            let v = a.node;
            let rep = g.node_entity[v as usize];
            let members = g.node_members(v);
            AssessmentOut {
                entity: ids.entity(rep),
                name: ctx.name(rep).to_string(),
                score: a.score,
                band: a.band,
                factors: a
                    .factors
                    .into_iter()
                    .map(|f| FactorOut {
                        code: f.code,
                        weight: f.weight,
                        detail: f.detail,
                        evidence: f
                            .evidence
                            .iter()
                            .map(|e| match e {
                                Ev::Entity(x) => ids.entity(*x),
                                Ev::Shipment(s) => ids.shipment(g.ship_row[*s as usize]),
                                Ev::Record(r) => ids.record(r),
                            })
                            .fold(Vec::new(), |mut acc, s| {
                                if !acc.contains(&s) {
                                    acc.push(s);
                                }
                                acc
                            }),
                    })
                    .collect(),
                country: country_str(g.node_country[v as usize]),
                members: if members.len() > 1 { members.iter().map(|&e| ids.entity(e)).collect() } else { Vec::new() },
                inputs: refs.get(&v).cloned().unwrap_or_default(),
            }
        })
        .collect();
    assessments.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.entity.cmp(&b.entity)));
    Ok(AssessReport { assessments, not_found })
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HubOut {
    pub rank: usize,
    pub entity: String,
    pub name: String,
    pub country: Option<String>,
    pub routes: u64,
    pub shipments: usize,
    pub value_usd: f64,
    pub betweenness: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CountryOut {
    pub country: Option<String>,
    pub country_name: Option<String>,
    pub intermediaries: usize,
    pub routes: u64,
    pub route_share: f64,
    pub value_usd: f64,
    pub value_share: f64,
}

/// `divtrace hubs` output.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HubsReport {
    pub query: QueryEcho,
    pub total_routes: u64,
    pub countries: Vec<CountryOut>,
    pub hubs: Vec<HubOut>,
}

fn round(x: f64, places: i32) -> f64 {
    let m = 10f64.powi(places);
    (x * m).round() / m
}

/// Labels a [`Hubs`] result; `limit` caps the intermediaries listed.
pub fn hubs_report(case: &dyn Lookup, g: &CaseGraph, spec: &QuerySpec, h: &Hubs, limit: Option<usize>) -> Result<HubsReport> {
    let shown: Vec<_> = h.hubs.iter().take(limit.unwrap_or(usize::MAX)).collect();
    let reps: Vec<i64> = shown.iter().map(|x| g.node_entity[x.node as usize]).collect();
    let infos = case.entities_by_id(&reps)?;
    let multi = case.scopes()?.len() > 1;
    let by_id: HashMap<i64, &EntityInfo> = infos.iter().map(|e| (e.id, e)).collect();
    let hubs = shown
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let rep = g.node_entity[x.node as usize];
            let info = by_id.get(&rep);
            HubOut {
                rank: i + 1,
                entity: info
                    .map_or_else(|| format!("#{rep}"), |e| if multi { format!("{}:{}", e.scope, e.input_id) } else { e.input_id.clone() }),
                name: info.map_or_else(String::new, |e| e.name.clone()),
                country: country_str(g.node_country[x.node as usize]),
                routes: x.routes,
                shipments: x.shipments,
                value_usd: x.value.round(),
                betweenness: round(x.betweenness, 3),
            }
        })
        .collect();
    let countries = h
        .countries
        .iter()
        .map(|c| {
            let code = country_str(c.country);
            CountryOut {
                country_name: code.as_deref().and_then(crate::refdata::country_name).map(str::to_string),
                country: code,
                intermediaries: c.intermediaries,
                routes: c.routes,
                route_share: round(c.route_share, 4),
                value_usd: c.value.round(),
                value_share: round(c.value_share, 4),
            }
        })
        .collect();
    Ok(HubsReport { query: QueryEcho::new(spec, false), total_routes: h.total_routes, countries, hubs })
}
