//! Decoys: trade that a naive "US goods in, same goods out to Russia" search
//! would flag but that is not diversion, or that satisfies the hard route
//! constraints with only weak evidence. Each is labelled by kind in the truth file.

use super::names::Flavor;
use super::products::Sector;
use super::rng::{Rng, Weighted};
use super::schemes::{chpl_product, new_intermediary, planted, us_maker, DecoyPlan, Plan, Window};
use super::world::{Category, World};
use crate::model::Day;

/// Every decoy kind, in the order they are planted.
pub const KINDS: &[&str] = &[
    "non_russian_destination",
    "hs_mismatch",
    "time_inconsistent",
    "long_dwell",
    "pre_invasion",
    "non_chpl",
    "brand_mismatch",
    "value_inconsistent",
    "established_intermediary",
];

/// The most lines the first `n` decoys can take.
pub fn max_lines(n: usize) -> usize {
    (0..n).map(|i| if KINDS[i % KINDS.len()] == "established_intermediary" { 6 } else { 2 }).sum()
}

fn old_day(rng: &mut Rng) -> Day {
    Day(rng.range(Day::from_ymd(1988, 1, 1).unwrap().0 as i64, Day::from_ymd(2012, 12, 31).unwrap().0 as i64) as i32)
}

fn russian_importer(world: &World, rng: &mut Rng) -> usize {
    let ru: Vec<usize> = world.ru_buyers.iter().copied().filter(|&b| world.companies[b].country == "RU").collect();
    ru[Weighted::zipf(ru.len()).sample(rng)]
}

/// Plants decoy number `index`; its kind cycles through [`KINDS`] (skipping
/// `pre_invasion` when the window has no room before the invasion).
pub fn plant_decoy(world: &mut World, plan: &mut Plan, index: usize, w: &Window, rng: &mut Rng) {
    let mut kind = KINDS[index % KINDS.len()];
    if kind == "pre_invasion" && w.start.0 + 150 > w.invasion.0 {
        kind = "non_chpl";
    }
    let maker = us_maker(world, rng);
    let mut product = chpl_product(world, rng);
    let p = world.catalogue[product].clone();
    let qty = p.lot * rng.range(1, 3) as u64;
    let price = rng.range(p.price.0 as i64, p.price.1 as i64) as u64;
    let up = |price: u64, rng: &mut Rng| price * rng.range(1080, 1400) as u64 / 1000;
    let t0 = w.pick(w.post_invasion_from(320), 320, rng);
    let gap = |rng: &mut Rng| rng.range(10, 90) as i32;
    let new_inc = |t: Day, rng: &mut Rng| Day(t.0 - rng.range(30, 200) as i32);
    let first = plan.shipments.len();
    let mut push = |s| plan.shipments.push(s);
    let (entities, valid_path): (Vec<usize>, bool) = match kind {
        "non_russian_destination" => {
            let t = new_intermediary(world, "TR", new_inc(t0, rng), rng);
            let de: Vec<usize> =
                world.sinks.iter().copied().filter(|&s| matches!(world.companies[s].country, "DE" | "FR" | "IT" | "NL" | "PL")).collect();
            let buyer = if de.is_empty() {
                world.add("DE", Flavor::Electronics, Category::Planted, "end_user", Some(old_day(rng)), "company register", rng)
            } else {
                rng.pick(&de)
            };
            push(planted(world, t0, maker, t, maker, product, qty, price, rng));
            push(planted(world, Day(t0.0 + gap(rng)), t, buyer, maker, product, qty * 9 / 10, up(price, rng), rng));
            (vec![maker, t, buyer], false)
        }
        "hs_mismatch" => {
            let t = new_intermediary(world, rng.pick(&["TR", "AE"]), new_inc(t0, rng), rng);
            let ru = russian_importer(world, rng);
            push(planted(world, t0, maker, t, maker, product, qty, price, rng));
            let other = loop {
                let o = chpl_product(world, rng);
                if world.catalogue[o].hs6[..4] != p.hs6[..4] {
                    break o;
                }
            };
            let op = world.catalogue[other].clone();
            let cn = world.non_us_makers.first().copied().unwrap_or(maker);
            push(planted(world, Day(t0.0 + gap(rng)), t, ru, cn, other, op.lot, op.price.1, rng));
            (vec![maker, t, ru], false)
        }
        "time_inconsistent" => {
            // The export precedes the import by up to 60 days; keep it inside the window.
            let t0 = Day(t0.0.max(w.start.0 + 61));
            let t = new_intermediary(world, "KZ", new_inc(Day(t0.0 - 60), rng), rng);
            let ru = russian_importer(world, rng);
            push(planted(world, t0, maker, t, maker, product, qty, price, rng));
            push(planted(world, Day(t0.0 - rng.range(10, 60) as i32), t, ru, maker, product, qty, up(price, rng), rng));
            (vec![maker, t, ru], false)
        }
        "long_dwell" => {
            let t = new_intermediary(world, "AM", new_inc(t0, rng), rng);
            let ru = russian_importer(world, rng);
            push(planted(world, t0, maker, t, maker, product, qty, price, rng));
            push(planted(world, Day(t0.0 + rng.range(200, 300) as i32), t, ru, maker, product, qty, up(price, rng), rng));
            (vec![maker, t, ru], false)
        }
        "pre_invasion" => {
            let t = world.add("TR", Flavor::Electronics, Category::Planted, "distributor", Some(old_day(rng)), "company register", rng);
            let ru = russian_importer(world, rng);
            let d = Day(rng.range(w.start.0 as i64, w.invasion.0 as i64 - 100) as i32);
            push(planted(world, d, maker, t, maker, product, qty, price, rng));
            push(planted(world, Day(d.0 + gap(rng)), t, ru, maker, product, qty, up(price, rng), rng));
            (vec![maker, t, ru], true)
        }
        "non_chpl" => {
            let pharma =
                world.catalogue.iter().position(|q| q.sector == Sector::Pharma && q.tier.is_none()).expect("catalogue has medicines");
            product = pharma;
            let q = world.catalogue[product].clone();
            let src = world.humanitarian_makers.iter().copied().find(|&m| world.companies[m].country == "US").unwrap_or(maker);
            let t = new_intermediary(world, "TR", new_inc(t0, rng), rng);
            let ru = russian_importer(world, rng);
            let price = q.price.0 * 3;
            push(planted(world, t0, src, t, src, product, q.lot, price, rng));
            push(planted(world, Day(t0.0 + gap(rng)), t, ru, src, product, q.lot * 9 / 10, up(price, rng), rng));
            (vec![src, t, ru], true)
        }
        "brand_mismatch" => {
            let t = new_intermediary(world, "AE", new_inc(t0, rng), rng);
            let ru = russian_importer(world, rng);
            push(planted(world, t0, maker, t, maker, product, qty, price, rng));
            let cn = world
                .non_us_makers
                .iter()
                .copied()
                .find(|&m| world.companies[m].country == "CN")
                .or(world.non_us_makers.first().copied())
                .unwrap_or(maker);
            let mut s = planted(world, Day(t0.0 + gap(rng)), t, ru, cn, product, qty, price / 5 + 1, rng);
            s.origin = world.companies[cn].country;
            push(s);
            (vec![maker, t, ru], true)
        }
        "value_inconsistent" => {
            let t = new_intermediary(world, "HK", new_inc(t0, rng), rng);
            let ru = russian_importer(world, rng);
            push(planted(world, t0, maker, t, maker, product, qty, price, rng));
            push(planted(world, Day(t0.0 + gap(rng)), t, ru, maker, product, qty * 20, price / 20 + 1, rng));
            (vec![maker, t, ru], true)
        }
        _ => {
            // A long-established distributor outside the transshipment list with steady Western customers.
            let country = rng.pick(&["FI", "CH", "AT", "SE"]);
            let t = world.add(country, Flavor::Industrial, Category::Planted, "distributor", Some(old_day(rng)), "company register", rng);
            let ru = russian_importer(world, rng);
            push(planted(world, t0, maker, t, maker, product, qty * 3, price, rng));
            let western: Vec<usize> = world
                .sinks
                .iter()
                .copied()
                .filter(|&s| matches!(world.companies[s].country, "DE" | "FR" | "IT" | "GB" | "NL" | "US" | "JP"))
                .collect();
            let mut ents = vec![maker, t, ru];
            for k in 0..rng.range(3, 5) {
                let Some(buyer) = (!western.is_empty()).then(|| rng.pick(&western)) else { break };
                push(planted(world, Day(t0.0 + 5 + 12 * k as i32), t, buyer, maker, product, qty / 2, up(price, rng), rng));
                ents.push(buyer);
            }
            push(planted(world, Day(t0.0 + gap(rng) + 60), t, ru, maker, product, qty / 3, up(price, rng), rng));
            let mut seen = std::collections::HashSet::new();
            ents.retain(|e| seen.insert(*e));
            (ents, true)
        }
    };
    let shipments = (first..plan.shipments.len()).collect();
    plan.decoys.push(DecoyPlan { kind, entities, shipments, valid_path });
}
