//! The HTML pages of the report: `report.html` (the exhibit: channels,
//! diagram, timeline, the top channels' routes, the parties and their
//! assessments, the inputs) and, when the report holds more routes than
//! one page should, further pages with the rest of the route tables.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::timeline::timeline;
use super::{esc, num, ChannelSection, LatinName, ReportData, ReportPage};
use crate::routes::report::{HopOut, RouteOut};

use crate::store::evidence::EntityRecord;

const STYLE: &str = r#"
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 24px; color: #222; max-width: 1400px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; border-bottom: 1px solid #ccc; padding-bottom: 3px; margin-top: 28px; }
h3 { font-size: 15px; margin: 22px 0 4px; } h4 { font-size: 13px; margin: 14px 0 4px; }
code, .mono { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; }
table { border-collapse: collapse; font-size: 12px; margin: 6px 0 10px; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.num, th.num { text-align: right; white-space: nowrap; }
td.date { white-space: nowrap; }
.meta td:first-child { font-weight: bold; background: #fafafa; }
.latin { color: #555; font-style: italic; }
.diagram { border: 1px solid #ddd; overflow: auto; padding: 4px; }
.diagram svg { width: 100%; height: auto; }
#zoom { position: absolute; opacity: 0; }
#zoom:checked ~ .diagram svg { width: auto; max-width: none; }
.zoom { font-size: 12px; color: #1a4d8f; cursor: pointer; text-decoration: underline; }
.zoom .out { display: none; } #zoom:checked ~ p .zoom .in { display: none; } #zoom:checked ~ p .zoom .out { display: inline; }
.timeline svg { width: 100%; height: auto; }
.listed { color: #b00000; font-weight: bold; }
.pos { color: #1a6b1a; } .neg { color: #a33; }
.note { color: #555; font-size: 12px; }
.chain { font-size: 12px; margin: 2px 0 6px; }
.band-severe { background: #f4cccc; padding: 0 4px; } .band-high { background: #fce5cd; padding: 0 4px; }
.band-medium { background: #fff2cc; padding: 0 4px; } .band-low { background: #d9ead3; padding: 0 4px; }
a { color: #1a4d8f; }
@media print {
  body { margin: 0; max-width: none; } .zoom { display: none; } .diagram { border: none; overflow: visible; }
  .diagram svg { width: 100% !important; } h2, h3, h4 { break-after: avoid; } tr { break-inside: avoid; }
}
"#;

fn money(v: Option<f64>) -> String {
    v.map(|v| format!("US$ {}", super::super::view::money(v))).unwrap_or_else(|| "—".into())
}

/// The HTML pages of the report: (file name, page), `report.html` first.
/// `svg` is the rendered diagram, when Graphviz was available.
pub fn pages(d: &ReportData, svg: Option<&str>) -> Vec<(String, String)> {
    let latin = d.latin();
    let total = d.pages.len();
    d.pages.iter().enumerate().map(|(i, p)| (p.file.clone(), page(d, &latin, p, i, total, svg))).collect()
}

/// A name, its Latin form beside it when it has one.
fn name_html(name: &str, latin: &BTreeMap<&str, &LatinName>) -> String {
    match latin.get(name) {
        Some(l) => format!("{} <span class=\"latin\">({})</span>", esc(name), esc(&l.latin)),
        None => esc(name),
    }
}

fn party_html(id: &str, name: &str, country: Option<&str>, latin: &BTreeMap<&str, &LatinName>) -> String {
    format!("{} <span class=\"mono\">{}</span> ({})", name_html(name, latin), esc(id), esc(country.unwrap_or("??")))
}

/// Where channel `rank`'s section is, as a link target from `here`.
fn channel_href(d: &ReportData, rank: usize, here: &str) -> String {
    match d.page_of_channel(rank) {
        Some(p) if p != here => format!("{p}#channel-{rank}"),
        _ => format!("#channel-{rank}"),
    }
}

fn route_href(d: &ReportData, rank: usize, here: &str) -> Option<String> {
    match d.page_of_route(rank) {
        Some(p) if p != here => Some(format!("{p}#route-{rank}")),
        Some(_) => Some(format!("#route-{rank}")),
        None => None,
    }
}

fn page(d: &ReportData, latin: &BTreeMap<&str, &LatinName>, p: &ReportPage, index: usize, total: usize, svg: Option<&str>) -> String {
    let first = index == 0;
    let mut h = String::new();
    let title = if first { d.title.clone() } else { format!("{} — page {} of {}", d.title, index + 1, total) };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&title)
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(&title));
    if total > 1 {
        let links: Vec<String> = d
            .pages
            .iter()
            .enumerate()
            .map(|(k, q)| if k == index { format!("<b>{}</b>", k + 1) } else { format!("<a href=\"{}\">{}</a>", esc(&q.file), k + 1) })
            .collect();
        let _ = writeln!(
            h,
            "<p class=\"note\">Pages: {} (the first page is the exhibit; the others hold the rest of the route tables)</p>",
            links.join(" · ")
        );
    }
    if first {
        head(&mut h, d);
    }
    let sections: Vec<super::timeline::Row> = p
        .sections
        .iter()
        .filter_map(|s| {
            let c = d.channels.iter().find(|c| c.rank == s.channel)?;
            Some((section_anchor(d, c.rank, &p.file), c, s.routes.iter().filter_map(|&r| d.route(r)).collect()))
        })
        .collect();
    if first && !d.channels.is_empty() {
        let _ = writeln!(h, "<h2 id=\"channels\">Channels</h2>");
        summary(&mut h, d, latin, &p.file);
        let _ = writeln!(h, "<h2 id=\"diagram\">Diagram</h2>");
        diagram(&mut h, d, svg);
    } else if d.channels.iter().any(|c| d.page_of_channel(c.rank) == Some(p.file.as_str())) {
        let _ = writeln!(h, "<h2 id=\"channels\">Channels starting on this page</h2>");
        summary(&mut h, d, latin, &p.file);
    }
    if !sections.is_empty() {
        let _ = writeln!(h, "<h2 id=\"timeline\">Timeline</h2>");
        let _ = writeln!(h, "<p class=\"note\">One row per channel on this page; a circle per hop of its routes shown here (the hop number inside). Click a row or a hop for its table.</p>");
        h += &timeline(&sections);
        let _ = writeln!(h, "<h2 id=\"routes\">Routes by channel</h2>");
        for (anchor, c, routes) in &sections {
            channel_section(&mut h, d, latin, anchor, c, routes, &p.file);
        }
    }
    let ranks: BTreeSet<usize> = p.sections.iter().flat_map(|s| s.routes.iter().copied()).collect();
    let earlier: BTreeSet<usize> = d.pages[..index].iter().flat_map(|q| q.sections.iter().flat_map(|s| s.routes.iter().copied())).collect();
    let on_page = parties_on(d, &ranks, &earlier);
    if !on_page.is_empty() {
        parties(&mut h, d, latin, &on_page, first);
    }
    if first {
        inputs(&mut h, d);
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">The same facts are in <code>report.json</code>; <code>MANIFEST.sha256</code> lists the SHA-256 of every file of this report.</p>\n</body>\n</html>"
    );
    h
}

fn head(h: &mut String, d: &ReportData) {
    let st = &d.channel_stats;
    let mut channels = format!("{} reported of {}", num(st.shown as u64), num(st.total));
    if st.subchains_hidden > 0 {
        channels += &format!(" ({} that are parts of longer ones left out)", num(st.subchains_hidden as u64));
    }
    let _ = writeln!(h, "<table class=\"meta\">");
    for (k, v) in [
        ("Query", format!("<code>{}</code>", esc(&d.query_command))),
        ("Channels", channels),
        ("Routes", format!("{} found, {} shown", num(d.routes.stats.total_routes), num(d.routes.routes.len() as u64))),
        ("Case file", format!("<code>{}</code>", esc(&d.case_file))),
        ("Tool", format!("divtrace {}", esc(&d.tool_version))),
        ("Generated", esc(&d.generated_at)),
    ] {
        let _ = writeln!(h, "<tr><td>{k}</td><td>{v}</td></tr>");
    }
    let _ = writeln!(h, "</table>");
    if let Some(m) = &d.routes.message {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(m));
    }
    for n in &d.notes {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(n));
    }
}

fn chain_html(c: &ChannelSection, latin: &BTreeMap<&str, &LatinName>) -> String {
    c.parties.iter().map(|p| party_html(&p.id, &p.name, p.country.as_deref(), latin)).collect::<Vec<_>>().join(" → ")
}

fn summary(h: &mut String, d: &ReportData, latin: &BTreeMap<&str, &LatinName>, here: &str) {
    let _ = writeln!(
        h,
        "<table>\n<tr><th class=\"num\">#</th><th class=\"num\">score</th><th>parties, first shipper to last consignee</th><th>HS</th><th class=\"num\">routes</th><th class=\"num\">consignments</th><th class=\"num\">value shipped</th><th class=\"num\">value delivered</th><th>first</th><th>last</th></tr>"
    );
    // The exhibit lists the channels of its own sections; the others are listed on the pages that hold them.
    let listed: Vec<&ChannelSection> = d.channels.iter().filter(|c| d.page_of_channel(c.rank) == Some(here)).collect();
    for c in &listed {
        let routes = if c.route_ranks.len() as u64 == c.routes {
            num(c.routes)
        } else {
            format!("{} <span class=\"note\">({} shown)</span>", num(c.routes), num(c.route_ranks.len() as u64))
        };
        let _ = writeln!(
            h,
            "<tr><td class=\"num\"><a href=\"{}\">{}</a></td><td class=\"num\">{}</td><td>{}</td><td class=\"mono\">{}</td><td class=\"num\">{routes}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"date\">{}</td><td class=\"date\">{}</td></tr>",
            esc(&channel_href(d, c.rank, here)),
            c.rank,
            c.score,
            chain_html(c, latin),
            esc(&c.hs),
            num(c.consignments as u64),
            money(Some(c.value_shipped)),
            money(Some(c.value_delivered)),
            esc(&c.first_date),
            esc(&c.last_date)
        );
    }
    let _ = writeln!(h, "</table>");
    if listed.len() < d.channels.len() {
        let _ = writeln!(
            h,
            "<p class=\"note\">{} further channel(s) are on the further pages, each listed there and in <code>report.json</code>.</p>",
            num((d.channels.len() - listed.len()) as u64)
        );
    }
    let _ = writeln!(h, "<p class=\"note\">Consignments: distinct shipments over the channel's hops. Value shipped / delivered: declared values of the distinct shipments of the first / last hop.</p>");
}

fn diagram(h: &mut String, d: &ReportData, svg: Option<&str>) {
    let drawn: Vec<String> = d.channels.iter().filter(|c| c.drawn).map(|c| c.rank.to_string()).collect();
    let _ = writeln!(h, "<input type=\"checkbox\" id=\"zoom\">");
    let _ = writeln!(
        h,
        "<p class=\"note\">The best route of each of channels {} (one route per channel, so each chain is seen once). Click a party for its channel, an arrow for its route. <label for=\"zoom\" class=\"zoom\"><span class=\"in\">Show at full size</span><span class=\"out\">Fit to the page width</span></label> · <a href=\"routes.svg\">open the diagram alone</a></p>",
        if drawn.is_empty() { "—".to_string() } else { drawn.join(", ") }
    );
    match svg {
        Some(svg) => {
            let _ = writeln!(h, "<div class=\"diagram\">{}</div>", strip_prolog(svg));
        }
        None => {
            let _ = writeln!(
                h,
                "<p class=\"note\">Graphviz was not available to render the diagram; <code>routes.dot</code> in this folder holds it ({}).</p>",
                esc(super::super::render::INSTALL_HINT)
            );
        }
    }
}

/// The id of channel `rank`'s section on page `here` (a channel continued from an earlier page has a second one).
fn section_anchor(d: &ReportData, rank: usize, here: &str) -> String {
    if d.page_of_channel(rank) == Some(here) {
        format!("channel-{rank}")
    } else {
        format!("more-channel-{rank}")
    }
}

fn channel_section(
    h: &mut String,
    d: &ReportData,
    latin: &BTreeMap<&str, &LatinName>,
    anchor: &str,
    c: &ChannelSection,
    routes: &[&RouteOut],
    here: &str,
) {
    let starts_here = d.page_of_channel(c.rank) == Some(here);
    let _ = writeln!(
        h,
        "<h3 id=\"{}\">Channel {}{} — score {}, HS {}, {} route(s), {} consignment(s), {} shipped, {} .. {}</h3>",
        esc(anchor),
        c.rank,
        if starts_here { "" } else { " (continued)" },
        c.score,
        esc(&c.hs),
        num(c.routes),
        num(c.consignments as u64),
        money(Some(c.value_shipped)),
        esc(&c.first_date),
        esc(&c.last_date)
    );
    let _ = writeln!(h, "<p class=\"chain\">{}</p>", chain_html(c, latin));
    for r in routes {
        route_section(h, latin, r);
    }
    let here_ranks: Vec<usize> = routes.iter().map(|r| r.rank).collect();
    let elsewhere: Vec<usize> = c.route_ranks.iter().copied().filter(|r| !here_ranks.contains(r)).collect();
    if !elsewhere.is_empty() {
        let links: Vec<String> = elsewhere
            .iter()
            .take(12)
            .filter_map(|&r| route_href(d, r, here).map(|href| format!("<a href=\"{}\">{r}</a>", esc(&href))))
            .collect();
        let more = if elsewhere.len() > 12 { format!(" and {} more", num((elsewhere.len() - 12) as u64)) } else { String::new() };
        let _ = writeln!(h, "<p class=\"note\">Other routes of this channel, on other pages: {}{more}.</p>", links.join(", "));
    }
    let unshown = c.routes - c.route_ranks.len() as u64;
    if unshown > 0 {
        let _ = writeln!(
            h,
            "<p class=\"note\">{} further route(s) of this channel are not in this report (<code>--all</code> puts every route in it, on further pages).</p>",
            num(unshown)
        );
    }
}

fn route_section(h: &mut String, latin: &BTreeMap<&str, &LatinName>, r: &RouteOut) {
    let _ = writeln!(h, "<h4 id=\"route-{}\">Route {} — score {}, {} hop(s)</h4>", r.rank, r.rank, r.score, r.hops.len());
    let _ = writeln!(
        h,
        "<table>\n<tr><th class=\"num\">hop</th><th>date</th><th>shipper</th><th>consignee</th><th>HS</th><th>goods</th><th>manufacturer</th><th>origin</th><th class=\"num\">value</th><th class=\"num\">dwell</th><th>declaration</th><th>shipment</th><th>source</th></tr>"
    );
    for hop in &r.hops {
        hop_row(h, latin, r.rank, hop);
    }
    let _ = writeln!(h, "</table>");
    if r.reasons.is_empty() {
        return;
    }
    let _ = writeln!(h, "<table>\n<tr><th class=\"num\">points</th><th>reason</th><th>detail</th><th>evidence</th></tr>");
    for reason in &r.reasons {
        let class = if reason.points >= 0 { "pos" } else { "neg" };
        let _ = writeln!(
            h,
            "<tr><td class=\"num {class}\">{:+}</td><td class=\"mono\">{}</td><td>{}</td><td class=\"mono\">{}</td></tr>",
            reason.points,
            esc(reason.code.code()),
            esc(&reason.detail),
            esc(&reason.evidence.join(", "))
        );
    }
    let _ = writeln!(h, "</table>");
}

fn hop_row(h: &mut String, latin: &BTreeMap<&str, &LatinName>, rank: usize, hop: &HopOut) {
    let _ = writeln!(
        h,
        "<tr id=\"route-{rank}-hop-{}\"><td class=\"num\">{}</td><td class=\"date\">{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}:{}</td></tr>",
        hop.hop,
        hop.hop,
        esc(&hop.date),
        party_html(&hop.shipper, &hop.shipper_name, hop.shipper_country.as_deref(), latin),
        party_html(&hop.consignee, &hop.consignee_name, hop.consignee_country.as_deref(), latin),
        esc(&hop.hs),
        esc(hop.description.as_deref().unwrap_or("")),
        esc(hop.manufacturer.as_deref().unwrap_or("")),
        esc(hop.origin_country.as_deref().unwrap_or("")),
        match &hop.declared_value {
            Some(d) => format!("{}<br><span class=\"note\">{}</span>", money(hop.value_usd), esc(&d.describe())),
            None => money(hop.value_usd),
        },
        hop.dwell_days.map(|d| format!("{} d", num(d.max(0) as u64))).unwrap_or_default(),
        match &hop.mirror {
            Some(m) => format!(
                "{}<br><span class=\"note\">mirror: {} {} ({}:{}) — two declarations, counted once</span>",
                esc(hop.declaration.as_deref().unwrap_or("")),
                esc(m.declaration.as_deref().unwrap_or(&m.shipment)),
                esc(&m.date),
                esc(&m.source_file),
                m.source_line
            ),
            None => esc(hop.declaration.as_deref().unwrap_or("")),
        },
        esc(&hop.shipment),
        esc(&hop.source_file),
        hop.source_line
    );
}

/// The parties on the routes `ranks` (cluster members included) that no earlier page listed, by id.
fn parties_on<'a>(d: &'a ReportData, ranks: &BTreeSet<usize>, earlier: &BTreeSet<usize>) -> Vec<&'a EntityRecord> {
    let ids = |set: &BTreeSet<usize>| -> BTreeSet<String> {
        set.iter()
            .filter_map(|&r| d.route(r))
            .flat_map(|r| r.hops.iter())
            .flat_map(|h| {
                [&h.shipper, &h.consignee]
                    .into_iter()
                    .chain(h.shipper_members.iter())
                    .chain(h.consignee_members.iter())
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let (here, before) = (ids(ranks), ids(earlier));
    // Route labels are `SCOPE:ID` when the case holds several scopes; parties carry both parts.
    let on = |set: &BTreeSet<String>, p: &EntityRecord| set.contains(&p.id) || set.contains(&format!("{}:{}", p.scope, p.id));
    d.parties.iter().filter(|p| on(&here, p) && !on(&before, p)).collect()
}

fn parties(h: &mut String, d: &ReportData, latin: &BTreeMap<&str, &LatinName>, on_page: &[&EntityRecord], first: bool) {
    let _ = writeln!(h, "<h2 id=\"parties\">Parties{}</h2>", if first { "" } else { " first named on this page" });
    let _ = writeln!(h, "<table>\n<tr><th>id</th><th>name</th><th>kind</th><th>country</th><th>roles</th><th>incorporated</th><th>identifiers</th><th>lists</th><th>source</th></tr>");
    for p in on_page {
        let lists: Vec<String> = p
            .lists
            .iter()
            .map(|l| {
                let extra: Vec<&str> = [l.program.as_deref(), l.listed_on.as_deref()].into_iter().flatten().collect();
                if extra.is_empty() {
                    l.list.clone()
                } else {
                    format!("{} ({})", l.list, extra.join(", "))
                }
            })
            .collect();
        let ids: Vec<String> = p.identifiers.iter().map(|(s, v)| format!("{s}:{v}")).collect();
        let _ = writeln!(
            h,
            "<tr id=\"party-{}\"><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td class=\"listed\">{}</td><td class=\"mono\">{}:{}</td></tr>",
            anchor(&p.id),
            esc(&p.id),
            name_html(&p.name, latin),
            esc(&p.kind),
            esc(p.country.as_deref().unwrap_or("")),
            esc(&p.roles.join(", ")),
            esc(p.incorporated.as_deref().unwrap_or("")),
            esc(&ids.join("; ")),
            esc(&lists.join("; ")),
            esc(&p.source_file),
            p.source_line
        );
    }
    let _ = writeln!(h, "</table>");
    let shown: BTreeSet<&str> = on_page.iter().map(|p| p.id.as_str()).collect();
    let assessed: Vec<_> = d.assessments.iter().filter(|a| shown.contains(a.entity.as_str())).collect();
    if assessed.is_empty() {
        return;
    }
    let _ = writeln!(h, "<h2 id=\"assessments\">Assessments of the parties{}</h2>", if first { "" } else { " first named on this page" });
    for a in assessed {
        let members = if a.members.is_empty() { String::new() } else { format!(" — ids {}", esc(&a.members.join(", "))) };
        let _ = writeln!(
            h,
            "<h3>{} <span class=\"mono\">{}</span> ({}): score {}, <span class=\"band-{}\">{}</span>{members}</h3>",
            name_html(&a.name, latin),
            esc(&a.entity),
            esc(a.country.as_deref().unwrap_or("??")),
            a.score,
            a.band.as_str(),
            a.band.as_str()
        );
        if a.factors.is_empty() {
            let _ = writeln!(h, "<p class=\"note\">No risk factor found.</p>");
            continue;
        }
        let _ = writeln!(h, "<table>\n<tr><th class=\"num\">weight</th><th>factor</th><th>detail</th><th>evidence</th></tr>");
        for f in &a.factors {
            let _ = writeln!(
                h,
                "<tr><td class=\"num\">{}</td><td class=\"mono\">{}</td><td>{}</td><td class=\"mono\">{}</td></tr>",
                f.weight,
                esc(f.code.code()),
                esc(&f.detail),
                esc(&f.evidence.join(", "))
            );
        }
        let _ = writeln!(h, "</table>");
    }
}

fn inputs(h: &mut String, d: &ReportData) {
    if d.inputs.is_empty() {
        return;
    }
    let _ = writeln!(h, "<h2 id=\"inputs\">Inputs</h2>\n<table>\n<tr><th>scope</th><th>file</th><th>SHA-256</th></tr>");
    for f in &d.inputs {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>",
            esc(&f.scope),
            esc(&f.path),
            esc(&f.sha256)
        );
    }
    let _ = writeln!(h, "</table>");
}

/// An id as an anchor name: letters, digits, `-` and `_` kept, anything else as `_XX` (its UTF-8 bytes in hex).
fn anchor(id: &str) -> String {
    let mut o = String::with_capacity(id.len());
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            o.push(c);
        } else {
            let mut b = [0u8; 4];
            for x in c.encode_utf8(&mut b).bytes() {
                let _ = write!(o, "_{x:02X}");
            }
        }
    }
    o
}

/// Drops the XML declaration and DOCTYPE of Graphviz's SVG so it can sit inside HTML.
fn strip_prolog(svg: &str) -> &str {
    svg.find("<svg").map(|i| &svg[i..]).unwrap_or(svg)
}

#[cfg(test)]
mod tests {
    #[test]
    fn anchors_are_plain() {
        assert_eq!(super::anchor("E0000903"), "E0000903");
        assert_eq!(super::anchor("a\"b c"), "a_22b_20c");
        assert_eq!(super::anchor("Ж"), "_D0_96");
    }
}
