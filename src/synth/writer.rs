//! Writes the bundle: entities, relations and lists from memory, shipments
//! streamed day by day (background lines generated on the fly, planted lines
//! merged in), and the truth file once every planted line has its id.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::background::{record_country, Background, Shipment};
use super::rng::Rng;
use super::schemes::Plan;
use super::world::World;
use crate::model::Day;
use crate::{Error, Result};

type CsvOut = csv::Writer<BufWriter<File>>;

fn create(dir: &Path, name: &str) -> Result<CsvOut> {
    let path = dir.join(name);
    let f = File::create(&path).map_err(|e| Error::io(&path, e))?;
    Ok(csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, f)))
}

fn csv_err(dir: &Path, name: &str, e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(dir.join(name), io),
        other => Error::Other(format!("{}: {other:?}", dir.join(name).display())),
    }
}

fn finish(w: CsvOut, dir: &Path, name: &str) -> Result<()> {
    let mut inner = w.into_inner().map_err(|e| Error::io(dir.join(name), std::io::Error::other(e.to_string())))?;
    inner.flush().map_err(|e| Error::io(dir.join(name), e))
}

fn opt_day(d: Option<Day>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Writes `entities.csv`: canonical records first, then every duplicate id.
pub fn write_entities(dir: &Path, world: &World) -> Result<usize> {
    const F: &str = "entities.csv";
    let mut w = create(dir, F)?;
    let e = |err| csv_err(dir, F, err);
    w.write_record(["id", "name", "kind", "country", "aliases", "identifiers", "address", "incorporated", "roles", "source"]).map_err(e)?;
    let mut n = 0;
    for c in &world.companies {
        let kind = if c.person { "person" } else { "company" };
        let inc = opt_day(c.incorporated);
        w.write_record([
            c.id.as_str(),
            &c.display,
            kind,
            c.country,
            &c.aliases.join(";"),
            &c.identifiers,
            &c.address,
            &inc,
            c.roles,
            c.source,
        ])
        .map_err(e)?;
        n += 1;
    }
    for c in &world.companies {
        for d in &c.dups {
            let inc = opt_day(d.incorporated);
            w.write_record([d.id.as_str(), &d.name, "company", c.country, "", &d.identifiers, &d.address, &inc, c.roles, d.source])
                .map_err(e)?;
            n += 1;
        }
    }
    finish(w, dir, F)?;
    Ok(n)
}

/// Writes `relations.csv` and `lists.csv`.
pub fn write_links(dir: &Path, plan: &Plan) -> Result<()> {
    const R: &str = "relations.csv";
    let mut w = create(dir, R)?;
    let e = |err| csv_err(dir, R, err);
    w.write_record(["from", "to", "kind", "share", "start", "end", "source"]).map_err(e)?;
    for r in &plan.relations {
        let share = r.share.map(|s| s.to_string()).unwrap_or_default();
        w.write_record([r.from.as_str(), &r.to, r.kind, &share, &opt_day(r.start), "", r.source]).map_err(e)?;
    }
    finish(w, dir, R)?;
    const L: &str = "lists.csv";
    let mut w = create(dir, L)?;
    let e = |err| csv_err(dir, L, err);
    w.write_record(["entity", "list", "program", "listed_on", "source"]).map_err(e)?;
    for l in &plan.lists {
        w.write_record([l.entity.as_str(), l.list, l.program, &opt_day(l.listed_on), l.source]).map_err(e)?;
    }
    finish(w, dir, L)
}

/// A document reference in the style of the customs service that recorded the line.
fn source_ref(s: &Shipment, seq: u64) -> String {
    let (y, m, d) = s.date.ymd();
    let rc = record_country(s.from, s.to);
    match rc {
        "RU" | "BY" | "KZ" | "KG" | "AM" | "UZ" => {
            // Eurasian Economic Union declaration number: customs post / ddmmyy / serial.
            const POSTS: [&str; 4] = ["10702070", "10013160", "10216170", "10005030"];
            let post = if rc == "RU" { POSTS[(seq % 4) as usize] } else { "55201000" };
            format!("{post}/{d:02}{m:02}{:02}/{:07}", y % 100, seq % 10_000_000)
        }
        "TR" => format!("TR-GTB-{y}-{:07}", seq % 10_000_000),
        "US" => format!("X{y}{m:02}{d:02}{:06}", seq % 1_000_000),
        "DE" | "NL" | "FR" | "IT" | "PL" | "FI" | "ES" | "AT" | "BE" | "SE" => format!("{:02}{rc}E{:013}", y % 100, seq),
        _ => format!("{rc}-CUS-{y}-{:07}", seq % 10_000_000),
    }
}

fn write_shipment(w: &mut CsvOut, id: &str, s: &Shipment, seq: u64) -> csv::Result<()> {
    let date = s.date.to_string();
    let qty = s.quantity.to_string();
    let value = format!("{}.{:02}", s.value_cents / 100, s.value_cents % 100);
    let weight = format!("{}.{:03}", s.grams / 1000, s.grams % 1000);
    let src = source_ref(s, seq);
    w.write_record([
        id,
        &date,
        &s.shipper,
        &s.consignee,
        &s.hs_code,
        &s.description,
        &s.manufacturer,
        s.origin,
        s.from,
        s.to,
        &qty,
        s.unit,
        &value,
        &weight,
        &src,
    ])
}

/// Relative weight of a weekday for customs filings (Monday..Sunday).
fn day_weight(d: Day) -> u64 {
    // 1970-01-01 was a Thursday.
    match (d.0 + 3).rem_euclid(7) {
        5 => 6,
        6 => 3,
        _ => 20,
    }
}

/// Streams `shipments.csv`: `total` lines, planted ones merged in at their dates.
/// Returns the id given to each planted line, in plan order.
pub fn write_shipments(dir: &Path, plan: &Plan, total: u64, start: Day, end: Day, rng: Rng, mut bg: Background) -> Result<Vec<String>> {
    const F: &str = "shipments.csv";
    let mut rng = rng;
    let mut w = create(dir, F)?;
    let e = |err| csv_err(dir, F, err);
    w.write_record([
        "id",
        "date",
        "shipper",
        "consignee",
        "hs_code",
        "description",
        "manufacturer",
        "origin_country",
        "from_country",
        "to_country",
        "quantity",
        "unit",
        "value_usd",
        "weight_kg",
        "source",
    ])
    .map_err(e)?;
    let mut order: Vec<usize> = (0..plan.shipments.len()).collect();
    order.sort_by_key(|&i| (plan.shipments[i].date, i));
    let mut ids = vec![String::new(); plan.shipments.len()];
    let background = total - plan.shipments.len() as u64;
    let days: Vec<Day> = (start.0..=end.0).map(Day).collect();
    let weight_total: u64 = days.iter().map(|&d| day_weight(d)).sum();
    let mut cum = 0u64;
    let mut next_planted = 0usize;
    let mut seq = 0u64;
    for &day in &days {
        let before = (background as u128 * cum as u128 / weight_total as u128) as u64;
        cum += day_weight(day);
        let after = (background as u128 * cum as u128 / weight_total as u128) as u64;
        let mut bg_left = after - before;
        let first = next_planted;
        while next_planted < order.len() && plan.shipments[order[next_planted]].date == day {
            next_planted += 1;
        }
        let mut planted = first..next_planted;
        let mut planted_left = planted.len() as u64;
        while bg_left + planted_left > 0 {
            seq += 1;
            let id = format!("S{seq:08}");
            if planted_left > 0 && rng.below(bg_left + planted_left) < planted_left {
                let i = order[planted.next().expect("counted")];
                write_shipment(&mut w, &id, &plan.shipments[i], seq).map_err(e)?;
                ids[i] = id;
                planted_left -= 1;
            } else {
                let s = bg.next(day);
                write_shipment(&mut w, &id, &s, seq).map_err(e)?;
                bg_left -= 1;
            }
        }
    }
    debug_assert_eq!(seq, total);
    finish(w, dir, F)?;
    Ok(ids)
}
