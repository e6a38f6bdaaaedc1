//! The workspace's questions, answered from the library: each function
//! takes typed input and returns the JSON body (or the exported file).
//! No HTTP here, and no case-file access but through
//! [`crate::app::workspace::OpenCase`].

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::app::workspace::{EntityRecord, OpenCase};
use crate::error::Result;
use crate::export::diagram::Band;
use crate::export::dot;
use crate::graph::{country_str, hs_decode, CaseGraph, Node};
use crate::model::Day;
use crate::resolve::translit::latin_form;

use super::params::{ApiError, RouteAsk};
use super::partners::{Edge, Filter};
use super::state::State;

fn day(d: i32) -> String {
    Day(d).to_string()
}

/// What the page needs before the first search: counts, the date range
/// (for the slider), countries and HS headings present (for the filters).
pub fn info_of(case: &OpenCase, g: &CaseGraph) -> Result<Value> {
    let (first, last) = (g.date.iter().min().copied(), g.date.iter().max().copied());
    let mut countries: BTreeMap<String, usize> = BTreeMap::new();
    for &c in &g.node_country {
        if let Some(s) = country_str(c) {
            *countries.entry(s).or_default() += 1;
        }
    }
    let mut headings: BTreeMap<u64, usize> = BTreeMap::new();
    for h in (0..g.shipment_count()).map(|s| g.hs(s)) {
        *headings.entry(crate::graph::hs_key(h, 4)).or_default() += 1;
    }
    let mut top: Vec<(u64, usize)> = headings.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let inputs = case.input_files()?;
    Ok(json!({
        "tool_version": crate::VERSION,
        "case_file": case.path().file_name().map(|n| n.to_string_lossy().into_owned()),
        "read_only": true,
        "generation": case.generation()?,
        "entities": g.node_count(),
        "shipments": g.shipment_count(),
        "first_date": first.map(day),
        "last_date": last.map(day),
        "countries": countries.iter().map(|(c, n)| json!({
            "country": c, "name": crate::refdata::country_name(c), "entities": n
        })).collect::<Vec<_>>(),
        "hs_headings": top.iter().take(40).map(|(h, n)| json!({"heading": hs_decode(*h), "shipments": n})).collect::<Vec<_>>(),
        "lists": g.list_names,
        "inputs": inputs.iter().map(|f| json!({"scope": f.scope, "role": f.role, "path": f.path, "sha256": f.sha256})).collect::<Vec<_>>(),
        "limits": {"search": super::api::MAX_SEARCH, "neighbours": super::api::MAX_PAGE, "routes": super::params::MAX_ROUTES,
                   "export_nodes": MAX_EXPORT_NODES},
    }))
}

/// A node as every list shows it, with its risk when assessed.
pub fn card(state: &State, v: Node) -> Value {
    let c = state.dir.card(v);
    let mut o = serde_json::to_value(c).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut o {
        match state.assessment(v) {
            Some(a) => {
                m.insert("band".into(), json!(a.band));
                m.insert("score".into(), json!(a.score));
            }
            None => {
                m.insert("band".into(), Value::Null);
                m.insert("score".into(), Value::Null);
            }
        }
    }
    o
}

fn risk_status(state: &State) -> &'static str {
    match state.risk.get() {
        None => "pending",
        Some(Ok(_)) => "ready",
        Some(Err(_)) => "failed",
    }
}

pub fn search(state: &State, q: &str, limit: usize) -> Value {
    let (hits, total) = state.dir.search(q, limit);
    let hits: Vec<Value> = hits
        .iter()
        .map(|h| {
            let mut c = card(state, h.node);
            if let Value::Object(m) = &mut c {
                m.insert("matched".into(), json!(h.matched));
                m.insert("match".into(), json!(h.how));
            }
            c
        })
        .collect();
    json!({"query": q, "total": total, "hits": hits, "risk": risk_status(state)})
}

/// The node a path's id names: a bundle id (bare or `SCOPE:ID`) of any member.
pub fn node_of(state: &State, id: &str) -> Result<Node, ApiError> {
    match state.dir.nodes_of_id(id) {
        [] => Err(ApiError::not_found("id", format!("no entity '{id}' in this case"))),
        [v] => Ok(*v),
        many => Err(ApiError::bad(
            "id",
            format!("'{id}' names {} entities in different scopes; give SCOPE:ID (e.g. {})", many.len(), state.dir.card(many[0]).id),
        )),
    }
}

fn edge_json(state: &State, e: &Edge) -> Value {
    json!({
        "partner": card(state, e.partner),
        "direction": if e.outgoing { "out" } else { "in" },
        "shipments": e.shipments,
        "value_usd": e.value.round(),
        "first_date": day(e.first),
        "last_date": day(e.last),
        "hs": hs_decode(e.top_hs).get(..6).map(str::to_string),
        "chpl": e.chpl,
        "controlled": e.controlled,
    })
}

/// The entity panel: profile, lists, risk with its factors, top partners, timeline.
pub fn entity(state: &State, v: Node) -> Result<Value> {
    let g = &state.graph;
    let members = g.node_members(v);
    let (records, decisions) =
        state.pool.with(|case| Ok((case.entity_records(members)?, case.decisions_about(members, state.dir.multi_scope)?)))?;
    let mut names: Vec<Value> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for e in records.values() {
        for (text, alias) in std::iter::once((&e.name, false)).chain(e.aliases.iter().map(|a| (a, true))) {
            if !seen.contains(text) {
                seen.push(text.clone());
                names.push(json!({"text": text, "latin": latin_form(text), "alias": alias, "entity": e.id}));
            }
        }
    }
    let trade = state.trade();
    let edges = trade.all_edges(v);
    let top: Vec<Edge> =
        edges.iter().filter(|e| e.outgoing).take(10).chain(edges.iter().filter(|e| !e.outgoing).take(10)).cloned().collect();
    let side = |out: bool| -> Vec<Value> { top.iter().filter(|e| e.outgoing == out).map(|e| edge_json(state, e)).collect() };
    let total = |out: bool| {
        let es = edges.iter().filter(|e| e.outgoing == out);
        json!({
            "partners": es.clone().count(),
            "shipments": es.clone().map(|e| u64::from(e.shipments)).sum::<u64>(),
            "value_usd": es.map(|e| e.value).sum::<f64>().round(),
        })
    };
    let timeline: Vec<Value> = trade
        .months(v, &Filter::default())
        .into_iter()
        .map(|(m, oc, ov, ic, iv)| {
            json!({"month": format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1),
                   "out_shipments": oc, "out_value_usd": ov.round(), "in_shipments": ic, "in_value_usd": iv.round()})
        })
        .collect();
    let members: Vec<&EntityRecord> = records.values().collect();
    Ok(json!({
        "entity": card(state, v),
        "country_name": country_str(g.node_country[v as usize]).as_deref().and_then(crate::refdata::country_name),
        "names": names,
        "members": members,
        "decisions": decisions,
        "risk": risk_status(state),
        "assessment": state.assessment(v),
        "out": total(true),
        "in": total(false),
        "top_out": side(true),
        "top_in": side(false),
        "timeline": timeline,
    }))
}

/// One page of partner edges, heaviest first; `more` says how many follow.
pub fn neighbours(state: &State, v: Node, f: &Filter, limit: usize, offset: usize) -> Value {
    let (shown, total) = state.trade().page(v, f, offset, limit);
    let page: Vec<Value> = shown.iter().map(|e| edge_json(state, e)).collect();
    json!({
        "entity": card(state, v),
        "total": total,
        "offset": offset,
        "limit": limit,
        "edges": page,
        "more": total.saturating_sub(offset + shown.len()),
    })
}

/// Bundle id of a shipment as reports print it.
fn ship_id(state: &State, info: &crate::model::ShipmentInfo) -> String {
    if state.dir.multi_scope {
        format!("{}:{}", info.scope, info.input_id)
    } else {
        info.input_id.clone()
    }
}

/// One page of an entity's declarations (newest first), each with its source file and line.
pub fn shipments_of(state: &State, v: Node, f: &Filter, limit: usize, offset: usize) -> Result<Value> {
    let g = &state.graph;
    let all = state.trade().shipments(v, f);
    let page: Vec<_> = all.iter().skip(offset).take(limit).collect();
    let rows: Vec<i64> = page.iter().map(|(s, _, _)| g.ship_row[*s as usize]).collect();
    let infos = state.pool.with(|case| case.shipments_by_id(&rows))?;
    let by_row: std::collections::HashMap<i64, &crate::model::ShipmentInfo> = infos.iter().map(|i| (i.id, i)).collect();
    let items: Vec<Value> = page
        .iter()
        .filter_map(|(s, p, out)| {
            let i = by_row.get(&g.ship_row[*s as usize])?;
            Some(json!({
                "id": ship_id(state, i),
                "date": i.date,
                "direction": if *out { "out" } else { "in" },
                "partner": card(state, *p),
                "hs": i.hs,
                "description": i.description,
                "manufacturer": i.manufacturer,
                "origin_country": i.origin_country,
                "quantity": i.quantity,
                "unit": i.unit,
                "value_usd": i.value_usd,
                "declaration": i.source,
                "source_file": i.src_path,
                "source_line": i.src_line,
            }))
        })
        .collect();
    Ok(json!({"entity": card(state, v), "total": all.len(), "offset": offset, "limit": limit,
              "more": all.len().saturating_sub(offset + items.len()), "shipments": items}))
}

/// One declaration in full: every column, its source file, line and the file's SHA-256, and both parties.
pub fn shipment(state: &State, id: &str) -> Result<Value, ApiError> {
    let g = &state.graph;
    let id = id.trim();
    let rows = state.pool.with(|case| case.shipment_rows(id))?;
    let row = match rows.as_slice() {
        [] => return Err(ApiError::not_found("id", format!("no shipment '{id}' in this case"))),
        [r] => *r,
        many => return Err(ApiError::bad("id", format!("'{id}' names {} shipments in different scopes; give SCOPE:ID", many.len()))),
    };
    let ev = state.pool.with(|case| case.evidence(&[row], &[]))?;
    let rec = ev.shipments.get(&row).ok_or_else(|| ApiError::not_found("id", format!("no shipment '{id}' in this case")))?;
    let party = |e: i64| g.node_of_entity(e).map(|v| card(state, v));
    Ok(json!({
        "shipment": rec,
        "shipper": party(rec.shipper),
        "consignee": party(rec.consignee),
        "chpl": crate::refdata::chpl_item(&rec.hs).map(|c| json!({"tier": c.tier, "description": c.description})),
    }))
}

/// A route query, answered with exactly the bytes `divtrace routes --format json` prints
/// (the same flow, `app::routes`, on the graph the server holds).
pub fn routes(state: &State, ask: &RouteAsk) -> Result<Vec<u8>> {
    use crate::app::routes::{Answer, Mode};
    let _one_at_a_time = state.route_lock.lock().unwrap_or_else(|p| p.into_inner());
    let mode = if ask.explain {
        Mode::Explain
    } else if ask.group {
        Mode::Channels
    } else {
        Mode::Routes
    };
    let answer = state.pool.with(|case| case.routes(&state.graph, &ask.spec, mode))?;
    let mut body = match &answer {
        Answer::Routes(r) => serde_json::to_vec_pretty(r),
        Answer::Explain(r) => serde_json::to_vec_pretty(r),
    }
    .map_err(|e| crate::Error::Other(e.to_string()))?;
    body.push(b'\n');
    Ok(body)
}

/// Most parties one exported view may hold (Graphviz's dot slows sharply past this; docs/export.md).
pub const MAX_EXPORT_NODES: usize = 150;
/// Most shipments drawn into one exported view.
const MAX_EXPORT_SHIPMENTS: usize = 20_000;

pub enum ExportFormat {
    Dot,
    Svg,
    Png,
}

/// The parties on the canvas and the shipments among them (under the
/// canvas filters), drawn by the same code as `divtrace export`, so the
/// exhibit has the same escaping, layout and legend.
pub fn export(state: &State, nodes: &[Node], f: &Filter, format: ExportFormat) -> Result<(Vec<u8>, &'static str), ApiError> {
    let g = &state.graph;
    let set: std::collections::HashSet<Node> = nodes.iter().copied().collect();
    let mut rows: Vec<i64> = Vec::new();
    for &v in nodes {
        state.trade().each(v, f, |s, p, out| {
            if out && set.contains(&p) {
                rows.push(g.ship_row[s]);
            }
        });
        if rows.len() > MAX_EXPORT_SHIPMENTS {
            return Err(ApiError::bad(
                "nodes",
                format!("the view holds more than {MAX_EXPORT_SHIPMENTS} shipments; narrow the dates or goods"),
            ));
        }
    }
    let members: Vec<i64> = nodes.iter().flat_map(|&v| g.node_members(v).iter().copied()).collect();
    let mut bands: BTreeMap<i64, Band> = BTreeMap::new();
    for &v in nodes {
        if let Some(a) = state.assessment(v) {
            bands.insert(g.node_entity[v as usize], a.band);
        }
    }
    let mut what = Vec::new();
    if let Some(d) = f.since {
        what.push(format!("since {d}"));
    }
    if let Some(d) = f.until {
        what.push(format!("until {d}"));
    }
    if !f.hs.is_empty() {
        what.push(format!("HS {}", f.hs.iter().map(|&(c, _)| hs_decode(c)).collect::<Vec<_>>().join(", ")));
    }
    if f.chpl_max_tier.is_some() {
        what.push("CHPL goods only".into());
    }
    if f.controlled {
        what.push(format!("controlled goods only ({})", state.goods.names().join(", ")));
    }
    let title = format!("divtrace serve: a view of {} parties", nodes.len());
    let notes = vec![format!(
        "{} shipments among them{}",
        rows.len(),
        if what.is_empty() { String::new() } else { format!(" ({})", what.join("; ")) }
    )];
    let sel = state.pool.with(|case| case.view(&rows, &members, &bands, title, notes))?;
    let diagram = sel.diagram;
    let text = dot::to_dot(&diagram);
    let fmt = match format {
        ExportFormat::Dot => return Ok((text.into_bytes(), "text/vnd.graphviz; charset=utf-8")),
        ExportFormat::Svg => crate::export::render::RenderFormat::Svg,
        ExportFormat::Png => crate::export::render::RenderFormat::Png,
    };
    if !crate::export::render::dot_available() {
        return Err(ApiError { status: 501, message: crate::export::render::INSTALL_HINT.to_string(), parameter: Some("format".into()) });
    }
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "divtrace-serve-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let done = render_in(&dir, &text, fmt, diagram.nodes.len());
    let _ = std::fs::remove_dir_all(&dir);
    let bytes = done?;
    Ok((bytes, if matches!(format, ExportFormat::Svg) { "image/svg+xml" } else { "image/png" }))
}

/// Renders DOT text with Graphviz in `dir` (a fresh temporary folder) and returns the file's bytes.
/// The layout (dot, or sfdp for a large view) is chosen as `divtrace export --render` chooses it.
fn render_in(dir: &std::path::Path, text: &str, fmt: crate::export::render::RenderFormat, nodes: usize) -> Result<Vec<u8>> {
    std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
    let p = dir.join("view.dot");
    std::fs::write(&p, text.as_bytes()).map_err(|e| crate::Error::io(&p, e))?;
    let (out, _) = crate::app::export::render(&p, fmt, nodes)?;
    std::fs::read(&out).map_err(|e| crate::Error::io(&out, e))
}
