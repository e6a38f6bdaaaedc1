//! Planted diversion schemes: US-origin CHPL goods shipped by a US maker
//! or a US/EU distributor to one or two newly formed intermediaries in
//! FinCEN/BIS transshipment countries, then on to a Russian importer and
//! sometimes a Russian (military) end user. A scheme is a channel that
//! repeats: several routes along the same chain, months apart.

use super::background::{brand, description, line, record_country, Shipment};
use super::names::Flavor;
use super::products::hs_form;
use super::rng::{Rng, Weighted};
use super::world::{Category, World};
use crate::model::Day;

/// A `relations.csv` row.
#[derive(Clone, Debug)]
pub struct Relation {
    pub from: String,
    pub to: String,
    pub kind: &'static str,
    pub share: Option<u32>,
    pub start: Option<Day>,
    pub source: &'static str,
}

/// A `lists.csv` row.
#[derive(Clone, Debug)]
pub struct Listing {
    pub entity: String,
    pub list: &'static str,
    pub program: &'static str,
    pub listed_on: Option<Day>,
    pub source: &'static str,
}

/// An entity whose owners include listed parties, for scoring the OFAC 50% rule.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OwnershipCase {
    pub entity: String,
    pub owners: Vec<String>,
    pub aggregate_share: u32,
    pub blocked_by_50_rule: bool,
}

#[derive(Clone, Debug)]
pub struct SchemePlan {
    pub hs6: &'static str,
    pub tier: &'static str,
    pub chain: Vec<usize>,
    pub intermediaries: Vec<usize>,
    /// Indices into [`Plan::shipments`], one list per route in hop order.
    pub routes: Vec<Vec<usize>>,
    pub split_by_duplicates: bool,
}

#[derive(Clone, Debug)]
pub struct DecoyPlan {
    pub kind: &'static str,
    pub entities: Vec<usize>,
    pub shipments: Vec<usize>,
    pub valid_path: bool,
}

/// Everything planted on top of the background.
#[derive(Default)]
pub struct Plan {
    pub shipments: Vec<Shipment>,
    pub schemes: Vec<SchemePlan>,
    pub decoys: Vec<DecoyPlan>,
    pub relations: Vec<Relation>,
    pub lists: Vec<Listing>,
    pub ownership: Vec<OwnershipCase>,
}

/// The date window and knobs the planters work within.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub start: Day,
    pub end: Day,
    pub invasion: Day,
    /// Whether duplicate ids are wanted at all (`--dup-rate` > 0).
    pub dups: bool,
}

impl Window {
    /// Earliest date for post-invasion activity that still leaves `span` days before the end.
    pub fn post_invasion_from(&self, span: i32) -> Day {
        let lo = Day(self.invasion.0 + 14).max(self.start);
        if lo.0 + span <= self.end.0 {
            lo
        } else {
            self.start
        }
    }

    pub fn pick(&self, lo: Day, span: i32, rng: &mut Rng) -> Day {
        let hi = (self.end.0 - span).max(lo.0);
        Day(rng.range(lo.0 as i64, hi as i64) as i32)
    }
}

/// Chance (per mille) that a planted record names an intermediary by a duplicate id.
const PLANTED_DUP_MENTION: u64 = 400;

/// Picks a CHPL product, weighted to the most sensitive tiers.
pub fn chpl_product(world: &World, rng: &mut Rng) -> usize {
    let tier_weight = |t: &str| match t {
        "1" => 50,
        "2" => 20,
        "3.A" => 15,
        "3.B" => 8,
        _ => 7,
    };
    let chpl: Vec<usize> = (0..world.catalogue.len()).filter(|&p| world.catalogue[p].tier.is_some()).collect();
    let w = Weighted::new(chpl.iter().map(|&p| {
        let t = world.catalogue[p].tier.unwrap();
        let n = chpl.iter().filter(|&&q| world.catalogue[q].tier == Some(t)).count() as u64;
        tier_weight(t) * 1000 / n
    }));
    chpl[w.sample(rng)]
}

/// A US maker of CHPL goods to brand them: an existing one, or a new one if the world has none.
pub fn us_maker(world: &mut World, rng: &mut Rng) -> usize {
    let tech = |w: &World, m: usize| w.companies[m].products.iter().any(|&p| w.catalogue[p].tier.is_some());
    let us: Vec<usize> = world
        .makers
        .iter()
        .copied()
        .filter(|&m| world.companies[m].country == "US" && !world.companies[m].brands.is_empty() && tech(world, m))
        .collect();
    if us.is_empty() {
        let inc = Some(Day(rng.range(Day::from_ymd(1970, 1, 1).unwrap().0 as i64, Day::from_ymd(2005, 1, 1).unwrap().0 as i64) as i32));
        let m = world.add("US", Flavor::Electronics, Category::Maker, "manufacturer", inc, "company register", rng);
        let brands = world.companies[m].name.as_ref().map(super::variants::brand_forms).unwrap_or_default();
        world.companies[m].brands = brands;
        return m;
    }
    us[Weighted::zipf(us.len()).sample(rng)]
}

/// A transshipment country for the first hop (Turkey most often) or the second.
fn hub(rng: &mut Rng, second: bool, not: &str) -> &'static str {
    let table: &[(&str, u64)] = if second {
        &[("AE", 35), ("KZ", 25), ("AM", 15), ("KG", 15), ("HK", 10)]
    } else {
        &[("TR", 45), ("AE", 15), ("HK", 10), ("KZ", 8), ("AM", 6), ("KG", 5), ("CN", 4), ("GE", 3), ("UZ", 2), ("RS", 2)]
    };
    loop {
        let total: u64 = table.iter().map(|x| x.1).sum();
        let mut x = rng.below(total);
        for &(c, w) in table {
            if x < w {
                if c != not {
                    return c;
                }
                break;
            }
            x -= w;
        }
    }
}

/// A planted line with explicit quantity and unit price.
#[allow(clippy::too_many_arguments)]
pub fn planted(
    world: &World,
    date: Day,
    shipper: usize,
    consignee: usize,
    maker: usize,
    product: usize,
    qty: u64,
    price: u64,
    rng: &mut Rng,
) -> Shipment {
    let mut s = line(world, date, shipper, consignee, maker, product, PLANTED_DUP_MENTION, rng);
    let p = &world.catalogue[product];
    s.quantity = qty.max(1);
    s.value_cents = s.quantity * price;
    s.grams = (s.quantity * p.grams * rng.range(1000, 1150) as u64 / 1000).max(1);
    s.manufacturer = brand(world, maker, rng);
    if s.manufacturer.is_empty() {
        s.manufacturer = world.companies[maker].display.clone();
    }
    s.description = description(p, &s.manufacturer, rng);
    s.hs_code = hs_form(p.hs6, record_country(s.from, s.to), &world.national[product], rng);
    s
}

/// A new, recently incorporated trading company in `country`.
pub fn new_intermediary(world: &mut World, country: &'static str, incorporated: Day, rng: &mut Rng) -> usize {
    let flavor = if rng.chance(300) { Flavor::Electronics } else { Flavor::Trade };
    world.add(country, flavor, Category::Planted, "trader", Some(incorporated), "company register", rng)
}

fn listed_person(world: &mut World, plan: &mut Plan, w: &Window, rng: &mut Rng) -> usize {
    let p = world.add_person("RU", rng);
    let on = w.pick(w.post_invasion_from(30), 30, rng);
    plan.lists.push(Listing {
        entity: world.companies[p].id.clone(),
        list: "sdn",
        program: "RUSSIA-EO14024",
        listed_on: Some(on),
        source: "synthetic OFAC SDN entry",
    });
    p
}

fn own(world: &World, plan: &mut Plan, from: usize, to: usize, share: u32, start: Option<Day>) {
    plan.relations.push(Relation {
        from: world.companies[from].id.clone(),
        to: world.companies[to].id.clone(),
        kind: "ownership",
        share: Some(share),
        start,
        source: "synthetic ownership filing",
    });
}

/// Ownership around a scheme's first intermediary, cycling through the cases
/// the OFAC 50% rule distinguishes.
fn plant_ownership(world: &mut World, plan: &mut Plan, case: usize, i1: usize, w: &Window, rng: &mut Rng) {
    let start = world.companies[i1].incorporated;
    let id = |world: &World, x: usize| world.companies[x].id.clone();
    match case % 5 {
        0 => {
            let country = world.companies[i1].country;
            let d = world.add_person(country, rng);
            plan.relations.push(Relation {
                from: id(world, d),
                to: id(world, i1),
                kind: "director",
                share: None,
                start,
                source: "synthetic trade registry gazette",
            });
        }
        1 => {
            let p = listed_person(world, plan, w, rng);
            own(world, plan, p, i1, 60, start);
            plan.ownership.push(OwnershipCase {
                entity: id(world, i1),
                owners: vec![id(world, p)],
                aggregate_share: 60,
                blocked_by_50_rule: true,
            });
        }
        2 => {
            let (p1, p2) = (listed_person(world, plan, w, rng), listed_person(world, plan, w, rng));
            let hq = rng.pick(&["AE", "TR"]);
            let h_inc = start.map(|d| Day(d.0 - rng.range(30, 300) as i32));
            let h = world.add(hq, Flavor::Holding, Category::Holding, "", h_inc, "company register", rng);
            own(world, plan, p1, h, 30, h_inc);
            own(world, plan, p2, h, 30, h_inc);
            own(world, plan, h, i1, 100, start);
            plan.ownership.push(OwnershipCase {
                entity: id(world, h),
                owners: vec![id(world, p1), id(world, p2)],
                aggregate_share: 60,
                blocked_by_50_rule: true,
            });
            plan.ownership.push(OwnershipCase {
                entity: id(world, i1),
                owners: vec![id(world, h)],
                aggregate_share: 100,
                blocked_by_50_rule: true,
            });
        }
        3 => {
            let (p1, p2) = (listed_person(world, plan, w, rng), listed_person(world, plan, w, rng));
            own(world, plan, p1, i1, 20, start);
            own(world, plan, p2, i1, 25, start);
            plan.ownership.push(OwnershipCase {
                entity: id(world, i1),
                owners: vec![id(world, p1), id(world, p2)],
                aggregate_share: 45,
                blocked_by_50_rule: false,
            });
        }
        _ => {}
    }
}

/// Plants one scheme with up to `routes` routes.
pub fn plant_scheme(world: &mut World, plan: &mut Plan, index: usize, routes: usize, w: &Window, rng: &mut Rng) {
    let product = chpl_product(world, rng);
    let maker = us_maker(world, rng);
    // Source: the maker itself, or a US/EU distributor reselling its goods.
    let source = if rng.chance(350) {
        let d: Vec<usize> =
            world.distributors.iter().copied().filter(|&d| matches!(world.companies[d].country, "US" | "DE" | "NL" | "GB")).collect();
        if d.is_empty() {
            maker
        } else {
            d[Weighted::zipf(d.len()).sample(rng)]
        }
    } else {
        maker
    };
    let two = rng.chance(400);
    let end_user = rng.chance(500) && !world.ru_military.is_empty();
    let hops = 2 + two as i32 + end_user as i32;
    let t0 = w.pick(w.post_invasion_from(hops * 60), hops * 60, rng);
    let c1 = hub(rng, false, "");
    let reuse: Vec<usize> = plan
        .schemes
        .iter()
        .map(|s| s.intermediaries[0])
        .filter(|&i| world.companies[i].country == c1 && world.companies[i].incorporated.is_some_and(|d| d.0 + 10 < t0.0))
        .collect();
    let i1 = if !reuse.is_empty() && rng.chance(150) {
        rng.pick(&reuse)
    } else {
        let inc = Day(t0.0 - rng.range(20, 150) as i32);
        let i1 = new_intermediary(world, c1, inc, rng);
        plant_ownership(world, plan, index, i1, w, rng);
        i1
    };
    let mut chain = vec![source, i1];
    if two {
        let c2 = hub(rng, true, c1);
        chain.push(new_intermediary(world, c2, Day(t0.0 - rng.range(10, 120) as i32), rng));
    }
    let importer = if rng.chance(500) {
        let inc = Day(t0.0 - rng.range(30, 240) as i32);
        world.add("RU", Flavor::Trade, Category::Planted, "trader", Some(inc), "EGRUL extract", rng)
    } else {
        let ru: Vec<usize> = world
            .ru_buyers
            .iter()
            .copied()
            .filter(|&b| world.companies[b].category == Category::RuImporter && world.companies[b].country == "RU")
            .collect();
        if ru.is_empty() {
            world.add("RU", Flavor::Trade, Category::Planted, "trader", Some(Day(t0.0 - 90)), "EGRUL extract", rng)
        } else {
            rng.pick(&ru)
        }
    };
    chain.push(importer);
    if end_user {
        chain.push(rng.pick(&world.ru_military.clone()));
    }
    if w.dups {
        for &e in &chain[1..chain.len() - end_user as usize] {
            if world.companies[e].category == Category::Planted && rng.chance(400) {
                world.add_dups(e, rng);
            }
        }
    }

    let p = world.catalogue[product].clone();
    let mut scheme = SchemePlan {
        hs6: p.hs6,
        tier: p.tier.expect("CHPL product"),
        intermediaries: chain[1..chain.len() - 1 - end_user as usize].to_vec(),
        chain,
        routes: vec![],
        split_by_duplicates: false,
    };
    let mut day = t0;
    for r in 0..routes {
        if r > 0 {
            day = Day(day.0 + rng.range(30, 110) as i32);
        }
        let remaining = (w.end.0 - day.0) / hops;
        if remaining < 5 {
            break;
        }
        let mut d = day;
        let mut qty = p.lot * rng.range(1, 4) as u64;
        let mut price = rng.range(p.price.0 as i64, p.price.1 as i64) as u64;
        let mut route = vec![];
        for h in 0..hops as usize {
            if h > 0 {
                let left = (w.end.0 - d.0) / (hops - h as i32);
                d = Day(d.0 + rng.range(5, left.clamp(5, 120) as i64) as i32);
                qty = qty * rng.range(850, 1000) as u64 / 1000;
                price = price * rng.range(1050, 1600) as u64 / 1000;
            }
            let mut s = planted(world, d, scheme.chain[h], scheme.chain[h + 1], maker, product, qty, price, rng);
            s.origin = "US";
            if s.shipper != world.companies[scheme.chain[h]].id || s.consignee != world.companies[scheme.chain[h + 1]].id {
                scheme.split_by_duplicates = true;
            }
            route.push(plan.shipments.len());
            plan.shipments.push(s);
        }
        scheme.routes.push(route);
    }
    let last = plan.shipments[*scheme.routes.last().unwrap().last().unwrap()].date;
    if rng.chance(200) && last.0 + 30 < w.end.0 {
        let on = Day(rng.range(last.0 as i64 + 30, w.end.0 as i64) as i32);
        plan.lists.push(Listing {
            entity: world.companies[i1].id.clone(),
            list: "entity_list",
            program: "",
            listed_on: Some(on),
            source: "synthetic BIS Entity List addition",
        });
    }
    if world.companies[importer].category == Category::Planted && rng.chance(250) {
        let on = Day(rng.range(t0.0 as i64, w.end.0 as i64) as i32);
        plan.lists.push(Listing {
            entity: world.companies[importer].id.clone(),
            list: "sdn",
            program: "RUSSIA-EO14024",
            listed_on: Some(on),
            source: "synthetic OFAC SDN entry",
        });
    }
    plan.schemes.push(scheme);
}
