//! The evidence report: one self-contained HTML page (no scripts, fonts or
//! styles from elsewhere; the diagram inlined as SVG) and the same facts as
//! JSON. Everything from the data is HTML-escaped.

use std::fmt::Write;

use serde::Serialize;

use crate::assess::report::AssessmentOut;
use crate::routes::report::{RouteOut, RoutesReport};
use crate::store::evidence::{EntityRecord, InputFile};

/// Everything the report states. Serialised as `report.json`.
#[derive(Debug, Serialize)]
pub struct ReportData {
    pub title: String,
    /// The command that reproduces the routes.
    pub query_command: String,
    pub tool_version: String,
    /// UTC; the only part of the bundle that changes between runs on the same input.
    pub generated_at: String,
    pub case_file: String,
    pub inputs: Vec<InputFile>,
    pub routes: RoutesReport,
    /// The parties on the reported routes, with their lists and source lines.
    pub parties: Vec<EntityRecord>,
    /// Their risk assessments (`divtrace assess`), highest score first.
    pub assessments: Vec<AssessmentOut>,
    pub notes: Vec<String>,
}

/// Escapes text for HTML element content and attribute values. Control,
/// bidi-override and invisible characters are shown as `\u{..}` (a browser
/// would apply a character reference, so U+202E would still reverse the
/// text after it); markup characters become entities.
pub fn esc(s: &str) -> String {
    let s = crate::text::safe::term(s);
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = r#"
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 24px; color: #222; max-width: 1400px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; border-bottom: 1px solid #ccc; padding-bottom: 3px; margin-top: 28px; }
h3 { font-size: 14px; margin: 18px 0 6px; }
code, .mono { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; }
table { border-collapse: collapse; font-size: 12px; margin: 6px 0 10px; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.num { text-align: right; }
.meta td:first-child { font-weight: bold; background: #fafafa; }
.diagram { border: 1px solid #ddd; overflow: auto; max-height: 900px; padding: 4px; }
.diagram svg { height: auto; }
.listed { color: #b00000; font-weight: bold; }
.pos { color: #1a6b1a; } .neg { color: #a33; }
.note { color: #555; font-size: 12px; }
.band-severe { background: #f4cccc; padding: 0 4px; } .band-high { background: #fce5cd; padding: 0 4px; }
.band-medium { background: #fff2cc; padding: 0 4px; } .band-low { background: #d9ead3; padding: 0 4px; }
"#;

fn money(v: Option<f64>) -> String {
    v.map(|v| format!("US$ {}", super::view::money(v))).unwrap_or_else(|| "—".into())
}

/// The report page. `svg` is the rendered diagram, when Graphviz was available.
pub fn html(d: &ReportData, svg: Option<&str>) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&d.title)
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(&d.title));
    let _ = writeln!(h, "<table class=\"meta\">");
    for (k, v) in [
        ("Query", format!("<code>{}</code>", esc(&d.query_command))),
        ("Routes", format!("{} found, {} shown", d.routes.stats.total_routes, d.routes.routes.len())),
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

    let _ = writeln!(h, "<h2>Diagram</h2>");
    match svg {
        Some(svg) => {
            let _ = writeln!(h, "<div class=\"diagram\">{}</div>", strip_prolog(svg));
        }
        None => {
            let _ = writeln!(
                h,
                "<p class=\"note\">Graphviz was not available to render the diagram; <code>routes.dot</code> in this folder holds it ({}).</p>",
                esc(super::render::INSTALL_HINT)
            );
        }
    }

    let _ = writeln!(h, "<h2>Timeline</h2>");
    h += &timeline(&d.routes.routes);

    let _ = writeln!(h, "<h2>Routes</h2>");
    for r in &d.routes.routes {
        route_section(&mut h, r);
    }

    let _ = writeln!(h, "<h2>Parties</h2>\n<table>\n<tr><th>id</th><th>name</th><th>kind</th><th>country</th><th>roles</th><th>incorporated</th><th>identifiers</th><th>lists</th><th>source</th></tr>");
    for p in &d.parties {
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
            "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td class=\"listed\">{}</td><td class=\"mono\">{}:{}</td></tr>",
            esc(&p.id),
            esc(&p.name),
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

    let _ = writeln!(h, "<h2>Assessments of the parties</h2>");
    if d.assessments.is_empty() {
        let _ = writeln!(h, "<p class=\"note\">No parties to assess.</p>");
    }
    for a in &d.assessments {
        let members = if a.members.is_empty() { String::new() } else { format!(" — ids {}", esc(&a.members.join(", "))) };
        let _ = writeln!(
            h,
            "<h3>{} <span class=\"mono\">{}</span> ({}): score {}, <span class=\"band-{}\">{}</span>{members}</h3>",
            esc(&a.name),
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
        let _ = writeln!(h, "<table>\n<tr><th>weight</th><th>factor</th><th>detail</th><th>evidence</th></tr>");
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

    let _ = writeln!(h, "<h2>Inputs</h2>\n<table>\n<tr><th>scope</th><th>file</th><th>SHA-256</th></tr>");
    for f in &d.inputs {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>",
            esc(&f.scope),
            esc(&f.path),
            esc(&f.sha256)
        );
    }
    let _ = writeln!(h, "</table>\n<p class=\"note\">The same facts are in <code>report.json</code>; <code>MANIFEST.sha256</code> lists the SHA-256 of every file of this report.</p>\n</body>\n</html>");
    h
}

fn route_section(h: &mut String, r: &RouteOut) {
    let _ = writeln!(h, "<h3 id=\"route-{}\">Route {} — score {}, {} hop(s)</h3>", r.rank, r.rank, r.score, r.hops.len());
    let _ = writeln!(
        h,
        "<table>\n<tr><th>hop</th><th>date</th><th>shipper</th><th>consignee</th><th>HS</th><th>goods</th><th>manufacturer</th><th>origin</th><th>value</th><th>dwell</th><th>declaration</th><th>shipment</th><th>source</th></tr>"
    );
    for hop in &r.hops {
        let party = |id: &str, name: &str, c: &Option<String>| {
            format!("{} <span class=\"mono\">{}</span> ({})", esc(name), esc(id), esc(c.as_deref().unwrap_or("??")))
        };
        let _ = writeln!(
            h,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}:{}</td></tr>",
            hop.hop,
            esc(&hop.date),
            party(&hop.shipper, &hop.shipper_name, &hop.shipper_country),
            party(&hop.consignee, &hop.consignee_name, &hop.consignee_country),
            esc(&hop.hs),
            esc(hop.description.as_deref().unwrap_or("")),
            esc(hop.manufacturer.as_deref().unwrap_or("")),
            esc(hop.origin_country.as_deref().unwrap_or("")),
            match &hop.declared_value {
                Some(d) => format!("{}<br><span class=\"note\">{}</span>", money(hop.value_usd), esc(&d.describe())),
                None => money(hop.value_usd),
            },
            hop.dwell_days.map(|d| format!("{d} d")).unwrap_or_default(),
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
    let _ = writeln!(h, "</table>\n<table>\n<tr><th>points</th><th>reason</th><th>detail</th><th>evidence</th></tr>");
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

/// A date axis with one row per route and a mark per hop (inline SVG).
fn timeline(routes: &[RouteOut]) -> String {
    let days: Vec<i32> =
        routes.iter().flat_map(|r| r.hops.iter()).filter_map(|h| crate::model::Day::parse_iso(&h.date)).map(|d| d.0).collect();
    let (Some(&lo), Some(&hi)) = (days.iter().min(), days.iter().max()) else {
        return "<p class=\"note\">No routes to place on a timeline.</p>\n".into();
    };
    let (lo, hi) = (lo - 7, hi + 7);
    let (left, width, row) = (90.0, 1000.0, 24.0);
    let x = |d: i32| left + (d - lo) as f64 / (hi - lo).max(1) as f64 * width;
    let height = 40.0 + row * routes.len() as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\">\n",
        left + width + 20.0
    );
    // Month ticks: the first day of every month in range, thinned to at most ~14 labels.
    let (y0, m0, _) = crate::model::Day(lo).ymd();
    let (y1, m1, _) = crate::model::Day(hi).ymd();
    let months = (y1 - y0) * 12 + (m1 as i32 - m0 as i32) + 1;
    let step = ((months as f64) / 14.0).ceil().max(1.0) as i32;
    for k in (1..=months).step_by(step as usize) {
        let (y, m) = (y0 + (m0 as i32 - 1 + k) / 12, (m0 as i32 - 1 + k) % 12 + 1);
        if let Some(d) = crate::model::Day::from_ymd(y, m as u32, 1) {
            if d.0 > hi {
                break;
            }
            let xx = x(d.0);
            let _ = writeln!(s, "<line x1=\"{xx:.1}\" y1=\"18\" x2=\"{xx:.1}\" y2=\"{height}\" stroke=\"#eee\"/><text x=\"{xx:.1}\" y=\"12\" text-anchor=\"middle\" fill=\"#666\">{y}-{m:02}</text>");
        }
    }
    for (i, r) in routes.iter().enumerate() {
        let y = 34.0 + row * i as f64;
        let _ = writeln!(s, "<text x=\"4\" y=\"{:.1}\">route {}</text>", y + 4.0, r.rank);
        let pts: Vec<(f64, &crate::routes::report::HopOut)> =
            r.hops.iter().filter_map(|h| crate::model::Day::parse_iso(&h.date).map(|d| (x(d.0), h))).collect();
        if let (Some(a), Some(b)) = (pts.first(), pts.last()) {
            let _ = writeln!(
                s,
                "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#b00000\" stroke-width=\"2\"/>",
                a.0, b.0
            );
        }
        for (px, h) in pts {
            let _ = writeln!(
                s,
                "<circle cx=\"{px:.1}\" cy=\"{y:.1}\" r=\"6\" fill=\"#fff\" stroke=\"#b00000\" stroke-width=\"2\"><title>hop {}: {} {} → {} ({})</title></circle><text x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"8\">{}</text>",
                h.hop,
                esc(&h.date),
                esc(&h.shipper_name),
                esc(&h.consignee_name),
                esc(&h.shipment),
                y + 3.0,
                h.hop
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

/// Drops the XML declaration and DOCTYPE of Graphviz's SVG so it can sit inside HTML.
fn strip_prolog(svg: &str) -> &str {
    svg.find("<svg").map(|i| &svg[i..]).unwrap_or(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("<script>alert(\"x\")</script> & 'y'"), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
    }
}
