//! The evidence report: HTML pages, the diagram (DOT, and SVG when
//! Graphviz is installed), the same facts as JSON, and a manifest of SHA-256 sums.
//!
//! The report is organised by channel (routes with the same chain of
//! parties and the same goods): the channels of the query, best first, each
//! with its best routes; the diagram draws the best route of each channel of
//! the first page. This module decides all of that as typed data
//! ([`ReportData`]); `export::report` lays it out.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::atomic::AtomicFile;
use crate::error::{Error, Result};
use crate::export::dot;
use crate::export::render::{dot_available, render_to, RenderFormat};
use crate::export::report::{pages, ChannelSection, ChannelStats, LatinName, PageSection, PartyRef, ReportData, ReportPage};
use crate::export::view::Link;
use crate::graph::CaseGraph;
use crate::model::Day;
use crate::routes::collect::{Found, RouteHit};
use crate::routes::group::{drop_subchains_of, fold_channels, ChannelRoutes};
use crate::routes::report::routes_report;
use crate::routes::{collect_routes, resolve_query, Query, QuerySpec};
use crate::store::evidence::Evidence;
use crate::store::Case;

use super::export::{assess_parties, bands_by_cluster, draw, fit, query_title, route_evidence};
use super::CaseFile;

/// Channels with their sections on the first page.
pub const FIRST_PAGE_CHANNELS: usize = 20;
/// Most routes of one channel on the first page (and in the report, without `--all`).
pub const ROUTES_PER_CHANNEL: usize = 3;
/// Most route tables on each further page.
pub const ROUTES_PER_PAGE: usize = 100;

/// The channels a report and investigate's summary show, with every route found.
pub struct Picked {
    /// Every route of the query, ranked (route `rank` is `found.routes[rank - 1]`).
    pub found: Found,
    /// The channels shown, best first.
    pub channels: Vec<ChannelRoutes>,
    pub total_channels: u64,
    /// Channels left out as parts of longer ones.
    pub hidden: usize,
}

/// The channels of `q`: every route found and folded; channels that are
/// contiguous parts of a longer channel with the same goods (that channel
/// tells the story) are left out; then the `limit` best (all when `None`).
pub fn pick(g: &CaseGraph, q: &Query, limit: Option<usize>) -> Picked {
    let all = Query { limit: None, ..q.clone() };
    let found = collect_routes(g, &all);
    let mut channels = fold_channels(g, q.hs_level, &found.routes);
    let total_channels = channels.len() as u64;
    // Sub-chains are looked for among five times the channels shown (as investigate always has).
    if let Some(l) = limit {
        channels.truncate(l.saturating_mul(5));
    }
    let hidden = drop_subchains_of(&mut channels, |c| &c.channel);
    if let Some(l) = limit {
        channels.truncate(l);
    }
    Picked { found, channels, total_channels, hidden }
}

/// Writes the evidence report for `spec` on `case` into `dir`; returns lines saying what was written.
pub fn report(case: CaseFile, spec: &QuerySpec, dir: &Path, max_nodes: usize) -> Result<Vec<String>> {
    let case = case.open()?;
    let (g, _) = crate::store::graph::load_graph(&case)?;
    let q = resolve_query(&g, &case, spec)?;
    let picked = pick(&g, &q, spec.limit);
    Ok(write_report(&case, &g, spec, &q, &picked, dir, max_nodes)?.0)
}

/// Which routes of each channel the report holds and on which page.
fn layout(picked: &Picked, all: bool) -> (Vec<Vec<usize>>, Vec<ReportPage>) {
    // Ranks are 1-based positions in the full ranking.
    let ranks: Vec<Vec<usize>> = picked
        .channels
        .iter()
        .map(|c| c.members.iter().take(if all { usize::MAX } else { ROUTES_PER_CHANNEL }).map(|&i| i + 1).collect())
        .collect();
    let mut first = ReportPage { file: "report.html".into(), sections: Vec::new() };
    let mut rest: Vec<PageSection> = Vec::new();
    for (k, (c, r)) in picked.channels.iter().zip(&ranks).enumerate() {
        let rank = k + 1;
        let on_first = if k < FIRST_PAGE_CHANNELS { r.len().min(ROUTES_PER_CHANNEL) } else { 0 };
        if on_first > 0 {
            first.sections.push(PageSection { channel: rank, routes: r[..on_first].to_vec() });
        }
        if r.len() > on_first {
            rest.push(PageSection { channel: rank, routes: r[on_first..].to_vec() });
        }
        debug_assert!(c.members.len() >= r.len());
    }
    let mut pages = vec![first];
    // Further pages of at most ROUTES_PER_PAGE routes; a long channel continues on the next page.
    let mut cur: Vec<PageSection> = Vec::new();
    let mut n = 0;
    for s in rest {
        let mut routes = s.routes.as_slice();
        while !routes.is_empty() {
            let take = routes.len().min(ROUTES_PER_PAGE - n);
            cur.push(PageSection { channel: s.channel, routes: routes[..take].to_vec() });
            routes = &routes[take..];
            n += take;
            if n == ROUTES_PER_PAGE {
                pages.push(ReportPage { file: format!("report-{}.html", pages.len() + 1), sections: std::mem::take(&mut cur) });
                n = 0;
            }
        }
    }
    if !cur.is_empty() {
        pages.push(ReportPage { file: format!("report-{}.html", pages.len() + 1), sections: cur });
    }
    (ranks, pages)
}

/// A Latin form for every name of `ev` written otherwise: a Latin alias or
/// Latin-named record of the same company, else a transliteration.
fn latin_names(ev: &Evidence) -> Vec<LatinName> {
    let mut by_cluster: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
    for e in ev.entities.values() {
        let v = by_cluster.entry(e.cluster).or_default();
        v.push(&e.name);
        v.extend(e.aliases.iter().map(String::as_str));
    }
    let mut out: BTreeMap<&str, LatinName> = BTreeMap::new();
    for e in ev.entities.values() {
        if out.contains_key(e.name.as_str()) {
            continue;
        }
        // Its own aliases first, then the other records of its company.
        let own = e.aliases.iter().map(String::as_str);
        let others = by_cluster.get(&e.cluster).into_iter().flatten().copied();
        if let Some((latin, source)) = crate::resolve::translit::latin_name(&e.name, own.chain(others)) {
            out.insert(&e.name, LatinName { name: e.name.clone(), latin, source });
        }
    }
    out.into_values().collect()
}

/// Writes the evidence bundle of the `picked` channels into `dir`; returns
/// lines saying what was written, and what the report states.
pub fn write_report(
    case: &Case,
    g: &CaseGraph,
    spec: &QuerySpec,
    q: &Query,
    picked: &Picked,
    dir: &Path,
    max_nodes: usize,
) -> Result<(Vec<String>, ReportData)> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let all = spec.limit.is_none();
    let (ranks, pages_of) = layout(picked, all);
    let hit = |rank: usize| &picked.found.routes[rank - 1];
    let shown: Vec<usize> = ranks.iter().flatten().copied().collect::<BTreeSet<_>>().into_iter().collect();
    let hits: Vec<RouteHit> = shown.iter().map(|&r| hit(r).clone()).collect();
    let mut routes = routes_report(case, g, spec, q, &Found { total: picked.found.total, routes: hits })?;
    // Ranks as in the full ranking (`divtrace routes --all`), not as positions in this list.
    for (r, &rank) in routes.routes.iter_mut().zip(&shown) {
        r.rank = rank;
    }

    // The parties of every route shown, their assessments, and the colours of the diagram.
    let shown_hits: Vec<&RouteHit> = shown.iter().map(|&r| hit(r)).collect();
    let evidence = route_evidence(case, g, &shown_hits)?;
    let assessments = assess_parties(case, g, &evidence, spec)?;
    let bands = bands_by_cluster(&evidence, &assessments);

    // The diagram: the best route of each channel on the first page, while they fit.
    let first_page: Vec<usize> = pages_of[0].sections.iter().map(|s| s.channel).collect();
    let bests: Vec<&RouteHit> = first_page.iter().map(|&c| hit(picked.channels[c - 1].members[0] + 1)).collect();
    let (drawn, left_out) = fit(g, bests.iter().copied(), max_nodes);
    // `fit` keeps the order: walk both lists to see which channels made it.
    let mut drawn_channels: Vec<usize> = Vec::new();
    let mut next = drawn.iter().peekable();
    for (&c, &h) in first_page.iter().zip(&bests) {
        if next.peek().is_some_and(|d| std::ptr::eq(**d, h)) {
            drawn_channels.push(c);
            next.next();
        }
    }
    let links: Vec<Link> = drawn_channels
        .iter()
        .map(|&c| Link {
            node: format!("report.html#channel-{c}"),
            edge: format!("report.html#route-{}", picked.channels[c - 1].members[0] + 1),
        })
        .collect();
    let mut notes = vec![format!(
        "the best route of each of {} channel(s) drawn, of {} found",
        drawn.len(),
        crate::export::report::num(picked.total_channels)
    )];
    if left_out > 0 {
        notes.push(format!("{left_out} channel(s) of the first page left out of the diagram to stay within --max-nodes {max_nodes}"));
    }
    let diagram = draw(case, g, spec, q, &drawn, &evidence, &bands, &links, notes)?;

    // A channel's chain as its best route's labels name it (the same ids and names as its hop tables).
    let chain = |best_rank: usize| -> Vec<PartyRef> {
        let Some(r) = routes.routes.iter().find(|r| r.rank == best_rank) else { return Vec::new() };
        let mut v: Vec<PartyRef> = r
            .hops
            .first()
            .map(|h| PartyRef { id: h.shipper.to_string(), name: h.shipper_name.to_string(), country: h.shipper_country.clone() })
            .into_iter()
            .collect();
        v.extend(r.hops.iter().map(|h| PartyRef {
            id: h.consignee.to_string(),
            name: h.consignee_name.to_string(),
            country: h.consignee_country.clone(),
        }));
        v
    };
    let mut channels = Vec::with_capacity(picked.channels.len());
    for (k, (c, r)) in picked.channels.iter().zip(&ranks).enumerate() {
        let ch = &c.channel;
        let consignments = ch.hop_shipments.iter().flatten().collect::<BTreeSet<_>>().len();
        channels.push(ChannelSection {
            rank: k + 1,
            score: ch.best.score,
            parties: chain(c.members[0] + 1),
            hs: ch.hs_prefix.clone(),
            routes: ch.routes,
            consignments,
            shipments_per_hop: ch.hop_shipments.iter().map(Vec::len).collect(),
            value_shipped: ch.value_shipped.round(),
            value_delivered: ch.value_delivered.round(),
            first_date: Day(ch.first_date).to_string(),
            last_date: Day(ch.last_date).to_string(),
            route_ranks: r.clone(),
            drawn: drawn_channels.contains(&(k + 1)),
        });
    }

    let mut parties: Vec<_> = evidence.entities.values().cloned().collect();
    parties.sort_by(|a, b| a.id.cmp(&b.id));
    let data = ReportData {
        title: format!(
            "divtrace evidence report: {} route(s) in {} channel(s) from {} to {}",
            crate::export::report::num(routes.stats.total_routes),
            crate::export::report::num(picked.total_channels),
            routes.query.from.join(" or "),
            routes.query.to.join(" or ")
        ),
        query_command: query_title(spec),
        tool_version: crate::VERSION.to_string(),
        generated_at: crate::ingest::now_rfc3339(),
        case_file: case.path().canonicalize().unwrap_or_else(|_| case.path().to_path_buf()).display().to_string(),
        inputs: case.input_files()?,
        latin_names: latin_names(&evidence),
        routes,
        parties,
        assessments,
        notes: diagram.notes.clone(),
        channel_stats: ChannelStats {
            total: picked.total_channels,
            shown: channels.len(),
            subchains_hidden: picked.hidden,
            routes_per_channel: (!all).then_some(ROUTES_PER_CHANNEL),
        },
        channels,
        pages: pages_of,
    };
    let said = write_files(dir, &data, &dot::to_dot(&diagram))?;
    Ok((said, data))
}

/// Writes the pages, report.json, the diagram and the manifest; every file
/// beside its final name, renamed only when all are complete: a failure
/// (Graphviz refusing the diagram, a full disk) leaves no half report.
fn write_files(dir: &Path, data: &ReportData, dot_text: &str) -> Result<Vec<String>> {
    let mut said = Vec::new();
    let mut dot_file = AtomicFile::create(&dir.join("routes.dot"))?;
    dot_file.write_all(dot_text.as_bytes()).map_err(|e| Error::io(dot_file.path(), e))?;
    dot_file.flush().map_err(|e| Error::io(dot_file.path(), e))?;
    let svg = if dot_available() {
        let f = AtomicFile::create(&dir.join("routes.svg"))?;
        render_to(dot_file.temp_path(), f.temp_path(), RenderFormat::Svg, "dot")?;
        let text = std::fs::read_to_string(f.temp_path()).map_err(|e| Error::io(f.path(), e))?;
        Some((f, text))
    } else {
        said.push(format!("Diagram not rendered: {}", crate::export::render::INSTALL_HINT));
        None
    };
    let html = pages(data, svg.as_ref().map(|(_, t)| t.as_str()));
    let json = serde_json::to_string_pretty(data).map_err(|e| Error::Other(e.to_string()))?;
    // The manifest covers every file of the bundle but itself.
    let mut files: Vec<(&str, &[u8])> = vec![("report.json", json.as_bytes()), ("routes.dot", dot_text.as_bytes())];
    files.extend(html.iter().map(|(n, p)| (n.as_str(), p.as_bytes())));
    if let Some((_, t)) = &svg {
        files.push(("routes.svg", t.as_bytes()));
    }
    files.sort_unstable_by_key(|f| f.0);
    let mut manifest = String::new();
    for (n, bytes) in &files {
        manifest += &format!("{}  {n}\n", crate::ingest::source::hex(&Sha256::digest(bytes)));
    }
    let mut pending = vec![dot_file];
    let mut out: Vec<(&str, &[u8])> = html.iter().map(|(n, p)| (n.as_str(), p.as_bytes())).collect();
    out.push(("report.json", json.as_bytes()));
    out.push(("MANIFEST.sha256", manifest.as_bytes()));
    for (name, bytes) in out {
        let mut f = AtomicFile::create(&dir.join(name))?;
        f.write_all(bytes).map_err(|e| Error::io(f.path(), e))?;
        pending.push(f);
    }
    let has_svg = svg.is_some();
    if let Some((f, _)) = svg {
        pending.push(f);
    }
    // Everything on disk first (a full disk fails here, before any file is renamed), then the renames.
    for f in &mut pending {
        f.finish()?;
    }
    for f in pending {
        f.commit()?;
    }
    // Further pages of an earlier, longer report would be stale: they go.
    let kept: BTreeSet<&str> = html.iter().map(|(n, _)| n.as_str()).collect();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            let page = n.strip_prefix("report-").and_then(|r| r.strip_suffix(".html")).is_some_and(|k| k.parse::<u32>().is_ok());
            if page && !kept.contains(n.as_str()) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let more = if html.len() > 1 { format!(", report-2.html .. report-{}.html", html.len()) } else { String::new() };
    said.insert(
        0,
        format!(
            "Wrote the evidence report to {} (report.html{more}, report.json, routes.dot{}, MANIFEST.sha256): {} route(s) in {} channel(s) found; {} channel(s) and {} route(s) reported.",
            dir.display(),
            if has_svg { ", routes.svg" } else { "" },
            data.routes.stats.total_routes,
            data.channel_stats.total,
            data.channels.len(),
            data.routes.routes.len()
        ),
    );
    Ok(said)
}
