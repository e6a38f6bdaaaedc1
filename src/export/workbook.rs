//! The sheets of the `--format xlsx` workbooks: the rows of the CSV output,
//! and beside them the factors (assess) or score reasons (routes) with the
//! evidence ids they rest on, so a compliance reviewer can filter and cite
//! without leaving the workbook.

use crate::app::screen::MatchOut;
use crate::assess::report::{AssessReport, HubsReport};
use crate::routes::report::RoutesReport;

use super::xlsx::{Cell, Sheet};

/// `assess`: one row per assessment (as in the CSV), one per factor.
pub fn assess(rep: &AssessReport) -> Vec<Sheet> {
    let mut rows =
        Sheet::new("Assessments", &["line", "input", "status", "entity", "name", "country", "score", "band", "factors", "members"]);
    let mut factors = Sheet::new("Factors", &["entity", "name", "score", "code", "weight", "detail", "evidence"]);
    for a in &rep.assessments {
        let codes: Vec<String> = a.factors.iter().map(|f| format!("{}={}", f.code, f.weight)).collect();
        let row = |line: Cell, input: Cell| {
            vec![
                line,
                input,
                Cell::text("assessed"),
                Cell::text(&a.entity),
                Cell::text(&a.name),
                Cell::opt(a.country.as_deref()),
                Cell::Number(a.score.into()),
                Cell::text(a.band.as_str()),
                Cell::text(codes.join(";")),
                Cell::text(a.members.join(";")),
            ]
        };
        if a.inputs.is_empty() {
            rows.rows.push(row(Cell::Empty, Cell::Empty));
        }
        for i in &a.inputs {
            rows.rows.push(row(Cell::Number(i.line as f64), Cell::text(&i.input)));
        }
        for f in &a.factors {
            factors.rows.push(vec![
                Cell::text(&a.entity),
                Cell::text(&a.name),
                Cell::Number(a.score.into()),
                Cell::text(f.code.to_string()),
                Cell::Number(f.weight.into()),
                Cell::text(&f.detail),
                Cell::text(f.evidence.join(";")),
            ]);
        }
    }
    for n in &rep.not_found {
        let mut r = vec![Cell::Number(n.line as f64), Cell::text(&n.input), Cell::text("not_found")];
        r.resize(10, Cell::Empty);
        rows.rows.push(r);
    }
    vec![rows, factors]
}

/// `routes`: one row per hop (as in the CSV, with its declaration and
/// source line), one per score reason with its evidence.
pub fn routes(rep: &RoutesReport) -> Vec<Sheet> {
    let mut hops = Sheet::new("Hops", crate::routes::report::HOP_COLUMNS);
    let mut reasons = Sheet::new("Reasons", &["rank", "score", "code", "points", "detail", "evidence"]);
    for r in &rep.routes {
        let (rank, score) = (Cell::Number(r.rank as f64), Cell::Number(r.score as f64));
        for h in &r.hops {
            hops.rows.push(vec![
                rank.clone(),
                score.clone(),
                Cell::Number(h.hop as f64),
                Cell::Date(h.date.clone()),
                Cell::text(&*h.shipment),
                Cell::text(&*h.shipper),
                Cell::text(&*h.shipper_name),
                Cell::opt(h.shipper_country.as_deref()),
                Cell::text(&*h.consignee),
                Cell::text(&*h.consignee_name),
                Cell::opt(h.consignee_country.as_deref()),
                // HS codes are text: leading zeros (0854...) must survive.
                Cell::text(&h.hs),
                Cell::num(h.value_usd),
                Cell::num(h.quantity),
                Cell::opt(h.unit.as_deref()),
                Cell::opt(h.manufacturer.as_deref()),
                Cell::opt(h.origin_country.as_deref()),
                Cell::num(h.dwell_days),
                Cell::opt(h.declaration.as_deref()),
                Cell::text(&*h.source_file),
                Cell::Number(h.source_line as f64),
                Cell::num(h.declared_value.as_ref().map(|d| d.amount)),
                Cell::opt(h.declared_value.as_ref().map(|d| d.currency.as_str())),
                Cell::opt(h.declared_value.as_ref().map(|d| d.usd)),
                Cell::opt(h.mirror.as_ref().map(|m| &*m.shipment)),
                match &h.mirror {
                    Some(m) => Cell::Date(m.date.clone()),
                    None => Cell::Empty,
                },
                Cell::opt(h.mirror.as_ref().and_then(|m| m.declaration.as_deref())),
                Cell::opt(h.mirror.as_ref().map(|m| &*m.source_file)),
                Cell::num(h.mirror.as_ref().map(|m| m.source_line as f64)),
            ]);
        }
        for x in &r.reasons {
            let evidence: Vec<&str> = x.evidence.iter().map(|e| &**e).collect();
            reasons.rows.push(vec![
                rank.clone(),
                score.clone(),
                Cell::text(x.code.to_string()),
                Cell::Number(x.points as f64),
                Cell::text(&x.detail),
                Cell::text(evidence.join(";")),
            ]);
        }
    }
    vec![hops, reasons]
}

/// `hubs`: the countries and the intermediaries, one sheet each.
pub fn hubs(rep: &HubsReport) -> Vec<Sheet> {
    let mut countries = Sheet::new(
        "Countries",
        &["rank", "country", "country_name", "intermediaries", "routes", "route_share", "value_usd", "value_share"],
    );
    for (i, c) in rep.countries.iter().enumerate() {
        countries.rows.push(vec![
            Cell::Number((i + 1) as f64),
            Cell::opt(c.country.as_deref()),
            Cell::opt(c.country_name.as_deref()),
            Cell::Number(c.intermediaries as f64),
            Cell::Number(c.routes as f64),
            Cell::Number(c.route_share),
            Cell::Number(c.value_usd),
            Cell::Number(c.value_share),
        ]);
    }
    let mut hubs = Sheet::new("Hubs", &["rank", "entity", "name", "country", "routes", "shipments", "value_usd", "betweenness"]);
    for h in &rep.hubs {
        hubs.rows.push(vec![
            Cell::Number(h.rank as f64),
            Cell::text(&h.entity),
            Cell::text(&h.name),
            Cell::opt(h.country.as_deref()),
            Cell::Number(h.routes as f64),
            Cell::Number(h.shipments as f64),
            Cell::Number(h.value_usd),
            Cell::Number(h.betweenness),
        ]);
    }
    vec![countries, hubs]
}

/// `screen`: one row per match (as in the CSV, the score unrounded), and
/// the list entry each rests on with its identifier and listing date.
pub fn screen(rows: &[MatchOut]) -> Vec<Sheet> {
    let mut m =
        Sheet::new("Matches", &["entity", "entity_name", "score", "status", "list", "entry", "listed_name", "programs", "explanation"]);
    let mut e = Sheet::new(
        "Entries",
        &["entity", "list", "entry", "listed_name", "matched_name", "countries", "identifier", "listed_on", "programs"],
    );
    for r in rows {
        m.rows.push(vec![
            Cell::text(&r.entity),
            Cell::text(&r.entity_name),
            Cell::Number(r.raw_score),
            Cell::text(if r.accepted { "accepted" } else { "review" }),
            Cell::text(&r.list),
            Cell::text(&r.entry),
            Cell::text(&r.listed_name),
            Cell::text(r.programs.join(";")),
            Cell::text(&r.explanation),
        ]);
        e.rows.push(vec![
            Cell::text(&r.entity),
            Cell::text(&r.list),
            Cell::text(&r.entry),
            Cell::text(&r.listed_name),
            Cell::text(&r.matched_name),
            Cell::text(r.countries.join(";")),
            Cell::opt(r.identifier.as_deref()),
            match r.listed_on.as_deref() {
                Some(d) => Cell::Date(d.to_string()),
                None => Cell::Empty,
            },
            Cell::text(r.programs.join(";")),
        ]);
    }
    vec![m, e]
}
