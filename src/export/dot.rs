//! DOT output, built with graphviz-rust's syntax tree (never by pasting
//! strings together).
//!
//! graphviz-rust prints identifiers verbatim and escapes nothing, so: node
//! ids are synthetic (`n0`, `n1`, ...), and every text from the data goes
//! into an HTML-like label through [`html`], which escapes `&`, `<`, `>`,
//! quotes, backslashes (Graphviz expands `\N`, `\G`, `\E` even inside HTML
//! labels, so each is doubled); control, bidi-override and invisible
//! characters are shown as `\u{..}` (see `text::safe`). A crafted name
//! therefore cannot add nodes, edges or attributes, and shows as written.
//!
//! Every text piece of a label is capped at [`MAX_LABEL_CHARS`] characters
//! (Graphviz refuses an HTML label longer than 16,384 bytes, and a diagram
//! cannot show more anyway); the report tables and JSON keep the full text.

use std::collections::BTreeMap;

use graphviz_rust::dot_structures::{
    Attribute, Edge as DotEdge, EdgeTy, Graph, GraphAttributes, Id, Node as DotNode, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::diagram::{Band, Diagram, Part};
use crate::refdata;

/// Most characters of one text piece (a name, a detail line) in a label.
pub const MAX_LABEL_CHARS: usize = 120;

/// `s` cut to `max` characters, the cut marked with `…`.
pub fn cap(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max.saturating_sub(1)) {
        Some((i, _)) if s[i..].chars().nth(1).is_some() => std::borrow::Cow::Owned(format!("{}…", &s[..i])),
        _ => std::borrow::Cow::Borrowed(s),
    }
}

/// A text piece for a label: capped, then escaped.
fn label(s: &str) -> String {
    nonempty(html(&cap(s, MAX_LABEL_CHARS)))
}

/// Graphviz rejects the whole file for an empty `<B></B>` or `<FONT></FONT>`
/// (a syntax error), so an empty text piece (an empty detail or list from the
/// data) is written as one space.
fn nonempty(s: String) -> String {
    if s.is_empty() {
        " ".to_string()
    } else {
        s
    }
}

/// Escapes text for an HTML-like Graphviz label (without the outer `<>`).
pub fn html(s: &str) -> String {
    let s = crate::text::safe::term_lines(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<BR/>"),
            // Graphviz expands \N, \G, \E ... even inside HTML labels (entities are
            // decoded first), and turns a doubled backslash into one.
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("&#{};", c as u32)),
            // Graphviz's HTML-label lexer refuses the whole file when a text run
            // starts with `]` (`<B>]</B>`, a name `]]`: "syntax error"), so it is
            // written as an entity; `[` `{` `}` `|` are read literally.
            ']' => out.push_str("&#93;"),
            c => out.push(c),
        }
    }
    out
}

fn id(s: &str) -> Id {
    Id::Plain(s.to_string())
}

/// A quoted attribute value. Only used for our own constant texts (colours, fonts).
fn q(s: &str) -> Id {
    debug_assert!(!s.contains(['"', '\\', '\n']), "constant attribute values only");
    Id::Escaped(format!("\"{s}\""))
}

fn html_id(inner: String) -> Id {
    Id::Html(format!("<{inner}>"))
}

fn attr(k: &str, v: Id) -> Attribute {
    Attribute(id(k), v)
}

/// `href` and `tooltip` of a linked node or edge. Links are the report's
/// own anchors (`report.html#channel-3`); anything else is not written, so
/// no text from the data reaches an attribute. The tooltip replaces
/// Graphviz's default (the synthetic node id).
fn link(to: Option<&str>, what: &str) -> Vec<Attribute> {
    match to {
        Some(l) if l.chars().all(|c| c.is_ascii_alphanumeric() || "#.-_".contains(c)) => {
            vec![attr("href", q(l)), attr("tooltip", q(&format!("Open {what}")))]
        }
        _ => Vec::new(),
    }
}

/// Shape and default fill per part.
fn shape(part: Part) -> (&'static str, &'static str) {
    match part {
        Part::Manufacturer => ("box3d", "#dbe9f6"),
        Part::Distributor => ("box", "#e8f1fa"),
        Part::Intermediary => ("hexagon", "#fff4d6"),
        Part::Importer => ("box", "#f6e3d6"),
        Part::EndUser => ("doubleoctagon", "#f3dcdc"),
        Part::MilitaryEndUser => ("tripleoctagon", "#f3dcdc"),
        Part::Person => ("ellipse", "#eeeeee"),
        Part::Folded => ("note", "#f5f5f5"),
    }
}

fn band_colour(b: Band) -> &'static str {
    match b {
        Band::Low => "#d9ead3",
        Band::Medium => "#fff2cc",
        Band::High => "#fce5cd",
        Band::Severe => "#f4cccc",
    }
}

const LISTED_BORDER: &str = "#b00000";

/// Renders a diagram as DOT text. Same diagram, same bytes.
pub fn to_dot(d: &Diagram) -> String {
    let mut stmts: Vec<Stmt> = vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("rankdir", id("LR")),
            attr("labelloc", id("t")),
            attr("labeljust", id("l")),
            attr("fontname", q("DejaVu Sans")),
            attr("fontsize", id("12")),
            attr("nodesep", id("0.35")),
            attr("ranksep", id("0.9")),
            attr("newrank", id("true")),
            attr("label", html_id(title(d))),
        ])),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            attr("fontname", q("DejaVu Sans")),
            attr("fontsize", id("10")),
            attr("style", q("filled")),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            attr("fontname", q("DejaVu Sans")),
            attr("fontsize", id("8")),
            attr("color", q("#555555")),
        ])),
    ];

    // One cluster per country, in code order; parties without a country stand outside.
    let mut by_country: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, n) in d.nodes.iter().enumerate() {
        by_country.entry(n.country.as_deref()).or_default().push(i);
    }
    for (country, members) in &by_country {
        let nodes: Vec<Stmt> = members.iter().map(|&i| Stmt::Node(node(d, i))).collect();
        match country {
            Some(code) => {
                let name = refdata::country_name(code).unwrap_or("unknown country");
                let mut s = vec![
                    Stmt::Attribute(attr("label", html_id(format!("<B>{}</B> ({})", html(name), html(code))))),
                    Stmt::Attribute(attr("style", q("rounded,filled"))),
                    Stmt::Attribute(attr(
                        "fillcolor",
                        q(if refdata::transshipment_source(code).is_some() { "#fffaf0" } else { "#fafafa" }),
                    )),
                    Stmt::Attribute(attr("color", q("#bbbbbb"))),
                    Stmt::Attribute(attr("fontname", q("DejaVu Sans"))),
                ];
                s.extend(nodes);
                // Cluster ids are built from the checked ISO code, never from free text.
                stmts.push(Stmt::Subgraph(Subgraph { id: id(&format!("cluster_{code}")), stmts: s }));
            }
            None => stmts.extend(nodes),
        }
    }
    for e in &d.edges {
        let mut attrs = vec![attr("label", html_id(e.lines().iter().map(|l| label(l)).collect::<Vec<_>>().join("<BR/>")))];
        let width = 1.0 + (e.shipments as f64).log10().min(3.0);
        attrs.push(attr("penwidth", id(&format!("{:.1}", if e.emphasis { width + 1.5 } else { width }))));
        if e.emphasis {
            attrs.push(attr("color", q("#b00000")));
            attrs.push(attr("fontcolor", q("#700000")));
        }
        attrs.extend(link(e.link.as_deref(), "the route in the report"));
        stmts.push(Stmt::Edge(DotEdge {
            ty: EdgeTy::Pair(Vertex::N(NodeId(id(&format!("n{}", e.from)), None)), Vertex::N(NodeId(id(&format!("n{}", e.to)), None))),
            attributes: attrs,
        }));
    }
    stmts.push(Stmt::Subgraph(legend(d)));
    let g = Graph::DiGraph { id: id("divtrace"), strict: false, stmts };
    let mut out = g.print(&mut PrinterContext::default());
    out.push('\n');
    out
}

fn title(d: &Diagram) -> String {
    let mut t = format!("<B>{}</B>", nonempty(html(&cap(&d.title, 4 * MAX_LABEL_CHARS))));
    for l in d.subtitle.iter().chain(&d.notes) {
        t += &format!("<BR ALIGN=\"LEFT\"/><FONT POINT-SIZE=\"9\">{}</FONT>", label(l));
    }
    t + "<BR ALIGN=\"LEFT\"/>"
}

fn node(d: &Diagram, i: usize) -> DotNode {
    let n = &d.nodes[i];
    let (shape, fill) = shape(n.part);
    let fill = n.band.map(band_colour).unwrap_or(fill);
    let mut text = format!("<B>{}</B>", label(&n.name));
    if let Some(l) = &n.latin {
        text += &format!("<BR/><I>{}</I>", label(l));
    }
    for line in &n.details {
        text += &format!("<BR/><FONT POINT-SIZE=\"8\">{}</FONT>", label(line));
    }
    if !n.lists.is_empty() {
        text += &format!("<BR/><FONT POINT-SIZE=\"8\" COLOR=\"{LISTED_BORDER}\"><B>listed: {}</B></FONT>", label(&n.lists.join(", ")));
    }
    if let Some(b) = n.band {
        text += &format!("<BR/><FONT POINT-SIZE=\"8\">risk: {}</FONT>", b.as_str());
    }
    let mut attrs = vec![attr("label", html_id(text)), attr("shape", id(shape)), attr("fillcolor", q(fill))];
    if !n.lists.is_empty() {
        attrs.push(attr("color", q(LISTED_BORDER)));
        attrs.push(attr("penwidth", id("2.5")));
    }
    attrs.extend(link(n.link.as_deref(), "the party's channel in the report"));
    DotNode { id: NodeId(id(&format!("n{i}")), None), attributes: attrs }
}

/// A legend cluster: one sample node per part present, and the colours used.
fn legend(d: &Diagram) -> Subgraph {
    let mut parts: Vec<Part> = d.nodes.iter().map(|n| n.part).collect();
    parts.sort();
    parts.dedup();
    let mut stmts = vec![
        Stmt::Attribute(attr("label", html_id("<B>Legend</B>".into()))),
        Stmt::Attribute(attr("style", q("rounded"))),
        Stmt::Attribute(attr("color", q("#999999"))),
        Stmt::Attribute(attr("fontname", q("DejaVu Sans"))),
    ];
    for (k, p) in parts.iter().enumerate() {
        let (shape, fill) = shape(*p);
        stmts.push(Stmt::Node(DotNode {
            id: NodeId(id(&format!("legend{k}")), None),
            attributes: vec![
                attr("label", html_id(html(p.label()))),
                attr("shape", id(shape)),
                attr("fillcolor", q(fill)),
                attr("fontsize", id("7")),
                // Small fixed-size samples keep the legend from dwarfing a small diagram.
                attr("fixedsize", id("true")),
                attr("width", id("1.3")),
                attr("height", id("0.38")),
            ],
        }));
    }
    let mut rows = String::new();
    if d.nodes.iter().any(|n| !n.lists.is_empty()) {
        rows +=
            &format!("<TR><TD BORDER=\"2\" COLOR=\"{LISTED_BORDER}\"> </TD><TD ALIGN=\"LEFT\">on a screening list (red border)</TD></TR>");
    }
    let mut bands: Vec<Band> = d.nodes.iter().filter_map(|n| n.band).collect();
    bands.sort();
    bands.dedup();
    for b in bands {
        rows += &format!("<TR><TD BGCOLOR=\"{}\"> </TD><TD ALIGN=\"LEFT\">risk {}</TD></TR>", band_colour(b), b.as_str());
    }
    rows += "<TR><TD BGCOLOR=\"#fffaf0\"> </TD><TD ALIGN=\"LEFT\">country named by FinCEN/BIS as a transshipment point</TD></TR>";
    rows +=
        "<TR><TD><FONT COLOR=\"#b00000\">&#8594;</FONT></TD><TD ALIGN=\"LEFT\">top-ranked route; edge width grows with shipments</TD></TR>";
    stmts.push(Stmt::Node(DotNode {
        id: NodeId(id("legend_key"), None),
        attributes: vec![
            attr("shape", id("plain")),
            attr("style", q("")),
            attr("label", html_id(format!("<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"2\" CELLPADDING=\"3\">{rows}</TABLE>"))),
            attr("fontsize", id("8")),
        ],
    }));
    Subgraph { id: id("cluster_legend"), stmts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::diagram::{Edge, Node};

    fn diagram(names: &[&str]) -> Diagram {
        Diagram {
            title: "t".into(),
            nodes: names
                .iter()
                .enumerate()
                .map(|(i, n)| Node {
                    key: format!("k{i}"),
                    name: n.to_string(),
                    details: vec![],
                    country: Some(["US", "TR", "RU"][i % 3].into()),
                    part: Part::Intermediary,
                    lists: vec![],
                    band: None,
                    latin: None,
                    link: None,
                })
                .collect(),
            edges: vec![Edge {
                from: 0,
                to: 1,
                hs: "854231".into(),
                chpl_tier: Some("1".into()),
                first_date: "2022-05-02".into(),
                last_date: "2022-05-02".into(),
                shipments: 1,
                mirrored: 0,
                value_usd: 1000.0,
                declarations: vec!["S1".into()],
                emphasis: true,
                link: None,
            }],
            ..Diagram::default()
        }
    }

    #[test]
    fn hostile_names_stay_inside_their_labels() {
        let dot = to_dot(&diagram(&["A\" -> n1 [color=red]; \"", "}\ndigraph {", "<script>alert(1)</script>", "back\\slash \\N", "node"]));
        assert!(dot.contains("A&quot; -&gt; n1 [color=red&#93;; &quot;"));
        assert!(dot.contains("}<BR/>digraph {"));
        assert!(dot.contains("&lt;script&gt;"));
        assert!(dot.contains("back\\\\slash \\\\N"));
        assert_eq!(dot.matches(" -> ").count(), 1, "only the one real edge:\n{dot}");
    }

    #[test]
    fn same_diagram_same_bytes() {
        let d = diagram(&["Денкар Dış Ticaret", "شركة", "x"]);
        assert_eq!(to_dot(&d), to_dot(&d));
    }
}
