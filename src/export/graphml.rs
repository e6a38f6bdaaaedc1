//! GraphML out (Gephi, yEd, networkx): entities as nodes, shipments and
//! relations as edges, every record with its bundle id and source line.

use std::fmt::Write;

use crate::store::evidence::Evidence;

/// Escapes text for XML content and attribute values, keeping the data
/// exact for a parser: carriage return, tab and newline as character
/// references (a parser would turn a raw CR into LF, and normalise them to
/// spaces in attributes), and bidi, C1 and invisible format characters as
/// references too, so none is raw in the file (an editor or terminal showing
/// it would reorder the text). The C0 controls XML 1.0 forbids even as
/// references are written visibly as `\u{..}` rather than dropped.
pub fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            '\t' | '\n' | '\r' => o.push_str(&format!("&#{};", c as u32)),
            c if c < ' ' => o.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c if crate::text::safe::is_unsafe_for_terminal(c) => o.push_str(&format!("&#x{:X};", c as u32)),
            c => o.push(c),
        }
    }
    o
}

const NODE_KEYS: &[(&str, &str)] = &[
    ("name", "string"),
    ("kind", "string"),
    ("country", "string"),
    ("roles", "string"),
    ("lists", "string"),
    ("identifiers", "string"),
    ("cluster", "string"),
    ("scope", "string"),
    ("source_file", "string"),
    ("source_line", "long"),
];

const EDGE_KEYS: &[(&str, &str)] = &[
    ("type", "string"),
    ("shipment", "string"),
    ("date", "string"),
    ("hs", "string"),
    ("value_usd", "double"),
    ("manufacturer", "string"),
    ("origin_country", "string"),
    ("declaration", "string"),
    ("share", "double"),
    ("source_file", "string"),
    ("source_line", "long"),
];

/// Node ids: the bundle id, prefixed by its scope only when the export mixes scopes.
fn node_id(ev: &Evidence, row: i64) -> String {
    let multi = ev.entities.values().map(|e| &e.scope).collect::<std::collections::BTreeSet<_>>().len() > 1;
    match ev.entities.get(&row) {
        Some(e) if multi => format!("{}:{}", e.scope, e.id),
        Some(e) => e.id.clone(),
        None => format!("entity-{row}"),
    }
}

/// The evidence as a GraphML document. Same evidence, same bytes.
pub fn to_graphml(ev: &Evidence) -> String {
    let mut o = String::new();
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    for (k, t) in NODE_KEYS {
        let _ = writeln!(o, "  <key id=\"n_{k}\" for=\"node\" attr.name=\"{k}\" attr.type=\"{t}\"/>");
    }
    for (k, t) in EDGE_KEYS {
        let _ = writeln!(o, "  <key id=\"e_{k}\" for=\"edge\" attr.name=\"{k}\" attr.type=\"{t}\"/>");
    }
    o.push_str("  <graph id=\"divtrace\" edgedefault=\"directed\">\n");
    for e in ev.entities.values() {
        let _ = writeln!(o, "    <node id=\"{}\">", xml(&node_id(ev, e.row)));
        let lists: Vec<&str> = e.lists.iter().map(|l| l.list.as_str()).collect();
        let ids: Vec<String> = e.identifiers.iter().map(|(s, v)| format!("{s}:{v}")).collect();
        for (k, v) in [
            ("name", e.name.clone()),
            ("kind", e.kind.clone()),
            ("country", e.country.clone().unwrap_or_default()),
            ("roles", e.roles.join(";")),
            ("lists", lists.join(";")),
            ("identifiers", ids.join(";")),
            ("cluster", node_id(ev, e.cluster)),
            ("scope", e.scope.clone()),
            ("source_file", e.source_file.clone()),
            ("source_line", e.source_line.to_string()),
        ] {
            if !v.is_empty() {
                let _ = writeln!(o, "      <data key=\"n_{k}\">{}</data>", xml(&v));
            }
        }
        o.push_str("    </node>\n");
    }
    for s in ev.shipments.values() {
        let _ = writeln!(
            o,
            "    <edge id=\"s{}\" source=\"{}\" target=\"{}\">",
            s.row,
            xml(&node_id(ev, s.shipper)),
            xml(&node_id(ev, s.consignee))
        );
        for (k, v) in [
            ("type", Some("shipment".to_string())),
            ("shipment", Some(s.id.clone())),
            ("date", Some(s.date.clone())),
            ("hs", Some(s.hs.clone())),
            ("value_usd", s.value_usd.map(|v| v.to_string())),
            ("manufacturer", s.manufacturer.clone()),
            ("origin_country", s.origin_country.clone()),
            ("declaration", s.source.clone()),
            ("source_file", Some(s.source_file.clone())),
            ("source_line", Some(s.source_line.to_string())),
        ] {
            if let Some(v) = v {
                let _ = writeln!(o, "      <data key=\"e_{k}\">{}</data>", xml(&v));
            }
        }
        o.push_str("    </edge>\n");
    }
    for (i, r) in ev.relations.iter().enumerate() {
        let _ = writeln!(o, "    <edge id=\"r{i}\" source=\"{}\" target=\"{}\">", xml(&node_id(ev, r.from)), xml(&node_id(ev, r.to)));
        let _ = writeln!(o, "      <data key=\"e_type\">{}</data>", xml(r.kind.as_str()));
        if let Some(sh) = r.share {
            let _ = writeln!(o, "      <data key=\"e_share\">{sh}</data>");
        }
        let _ = writeln!(o, "      <data key=\"e_source_file\">{}</data>", xml(&r.source_file));
        let _ = writeln!(o, "      <data key=\"e_source_line\">{}</data>", r.source_line);
        o.push_str("    </edge>\n");
    }
    o.push_str("  </graph>\n</graphml>\n");
    o
}
