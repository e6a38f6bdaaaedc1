//! Legitimate background trade, one customs line at a time, so that any
//! number of lines can be streamed without holding them.
//!
//! Each line follows one of a few trade lanes (maker to distributor,
//! distributor to end user, non-US maker to Russia-facing trader, trader to
//! Russian importer, ...). Lane weights change at the invasion date: direct
//! Western sales of CHPL goods to Russia stop, trade through third countries grows.

use super::products::{hs_form, Product, Sector};
use super::rng::{Rng, Weighted};
use super::world::World;
use crate::model::Day;

/// One customs line before it gets its id and document reference.
#[derive(Clone, Debug)]
pub struct Shipment {
    pub date: Day,
    pub shipper: String,
    pub consignee: String,
    pub hs_code: String,
    pub description: String,
    pub manufacturer: String,
    pub origin: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub quantity: u64,
    pub unit: &'static str,
    pub value_cents: u64,
    pub grams: u64,
}

/// Chance (per mille) that a record names a company by one of its duplicate ids.
pub const DUP_MENTION: u64 = 300;

/// The country whose customs wrote the record: the importer's where the
/// public data comes from import declarations (Russia, Turkey, Central Asia), else the exporter's.
pub fn record_country(from: &'static str, to: &'static str) -> &'static str {
    match to {
        "RU" | "TR" | "KZ" | "BY" | "KG" | "AM" | "UZ" => to,
        _ => from,
    }
}

/// Where goods of `maker` were made: US and Japanese brands are often assembled in South-East Asia.
pub fn origin_of(world: &World, maker: usize, rng: &mut Rng) -> &'static str {
    let c = world.companies[maker].country;
    match c {
        "US" | "JP" | "KR" if rng.chance(300) => rng.pick(&["MY", "PH", "TH", "VN", "MX", "TW"]),
        _ => c,
    }
}

/// Quantity, value in cents and gross grams for one line of `p`.
pub fn amounts(p: &Product, rng: &mut Rng) -> (u64, u64, u64) {
    // Lot multipliers in per mille: most lines are routine, a few are large.
    const MULT: [u64; 10] = [100, 200, 300, 500, 1000, 1000, 1500, 2000, 4000, 10000];
    let m = MULT[rng.index(MULT.len())];
    let qty = (p.lot * m / 1000 * rng.range(700, 1300) as u64 / 1000).max(1);
    let price = rng.range(p.price.0 as i64, p.price.1 as i64) as u64;
    let grams = qty * p.grams * rng.range(1000, 1150) as u64 / 1000;
    (qty, qty * price, grams.max(1))
}

/// A declaration-style description, sometimes with a part number.
pub fn description(p: &Product, brand: &str, rng: &mut Rng) -> String {
    let d = rng.pick(p.descriptions);
    if p.sector == Sector::Electronics && p.tier.is_some() && rng.chance(400) {
        let prefix: String = brand.chars().filter(|c| c.is_ascii_alphabetic()).take(2).collect::<String>().to_uppercase();
        format!("{d}, P/N {prefix}{}{:04}", rng.pick(&["F", "X", "C", "LM", "AD", "Q"]), rng.below(10_000))
    } else {
        d.to_string()
    }
}

/// A manufacturer as a declaration writes it: one of the maker's brand forms, biased to the common ones.
pub fn brand(world: &World, maker: usize, rng: &mut Rng) -> String {
    let b = &world.companies[maker].brands;
    if b.is_empty() {
        return String::new();
    }
    let i = if rng.chance(600) { rng.index(b.len().min(2)) } else { rng.index(b.len()) };
    b[i].clone()
}

/// Builds one line from `shipper` to `consignee` of `product` made by `maker`.
#[allow(clippy::too_many_arguments)]
pub fn line(
    world: &World,
    date: Day,
    shipper: usize,
    consignee: usize,
    maker: usize,
    product: usize,
    dup_mention: u64,
    rng: &mut Rng,
) -> Shipment {
    let p = &world.catalogue[product];
    let from = world.companies[shipper].country;
    let to = world.companies[consignee].country;
    let manufacturer =
        if matches!(p.sector, Sector::Food | Sector::Commodity) && rng.chance(300) { String::new() } else { brand(world, maker, rng) };
    let (quantity, value_cents, grams) = amounts(p, rng);
    Shipment {
        date,
        shipper: world.mention(shipper, dup_mention, rng),
        consignee: world.mention(consignee, dup_mention, rng),
        hs_code: hs_form(p.hs6, record_country(from, to), &world.national[product], rng),
        description: description(p, &manufacturer, rng),
        manufacturer,
        origin: origin_of(world, maker, rng),
        from,
        to,
        quantity,
        unit: p.unit,
        value_cents,
        grams,
    }
}

/// Streams background lines.
pub struct Background<'w> {
    world: &'w World,
    rng: Rng,
    invasion: Day,
    dist: Weighted,
    sinks: Weighted,
    makers: Weighted,
    ru_traders: Weighted,
    ru_buyers: Weighted,
    non_us: Weighted,
    friendly: Weighted,
    humanitarian: Weighted,
    commodity: Weighted,
    dup_mention: u64,
    lanes_before: Weighted,
    lanes_after: Weighted,
    /// Hub trade (`--hubs`), with its own random stream; `None` leaves the background as it always was.
    hubs: Option<(super::hubs::Hubs, Rng)>,
}

impl<'w> Background<'w> {
    pub fn new(world: &'w World, rng: Rng, dup_mention: u64) -> Background<'w> {
        Background {
            world,
            rng,
            invasion: crate::refdata::INVASION_DAY,
            dist: Weighted::zipf(world.distributors.len()),
            sinks: Weighted::zipf(world.sinks.len()),
            makers: Weighted::zipf(world.makers.len()),
            ru_traders: Weighted::zipf(world.ru_traders.len()),
            ru_buyers: Weighted::zipf(world.ru_buyers.len()),
            non_us: Weighted::zipf(world.non_us_makers.len()),
            friendly: Weighted::zipf(world.friendly_makers.len()),
            humanitarian: Weighted::zipf(world.humanitarian_makers.len()),
            commodity: Weighted::zipf(world.commodity.len()),
            dup_mention,
            // Lane weights per mille, before and after the invasion: maker to distributor,
            // distributor to sink, maker to sink, non-US maker to Russia-facing trader, that
            // trader to Russia, non-US maker to Russia, Western maker to Russia, commodities.
            lanes_before: Weighted::new([300, 320, 150, 50, 40, 40, 40, 60]),
            lanes_after: Weighted::new([300, 320, 150, 80, 80, 40, 10, 20]),
            hubs: None,
        }
    }

    /// Mixes hub trade into the background: [`super::hubs::HUB_SHARE`] per mille of the lines.
    pub fn with_hubs(mut self, hubs: super::hubs::Hubs, rng: Rng) -> Background<'w> {
        self.hubs = Some((hubs, rng));
        self
    }

    /// A hub line for `date`, or `None` for an ordinary background line.
    fn hub_line(&mut self, date: Day) -> Option<Shipment> {
        let w = self.world;
        let (hubs, rng) = self.hubs.as_mut()?;
        if !rng.chance(super::hubs::HUB_SHARE) {
            return None;
        }
        let (sinks, ru_buyers) = (&self.sinks, &self.ru_buyers);
        let sink = |not: &'static str, r: &mut Rng| {
            let mut s = w.sinks[sinks.sample(r)];
            for _ in 0..3 {
                if w.companies[s].country != not {
                    break;
                }
                s = w.sinks[sinks.sample(r)];
            }
            s
        };
        let ru = |r: &mut Rng| w.ru_buyers[ru_buyers.sample(r)];
        hubs.next(w, date, rng, &sink, &ru)
    }

    fn sink(&mut self, not_country: &str) -> usize {
        let w = self.world;
        let mut s = w.sinks[self.sinks.sample(&mut self.rng)];
        // Domestic sales do not appear in customs data; retry a few times, then accept.
        for _ in 0..3 {
            if w.companies[s].country != not_country {
                break;
            }
            s = w.sinks[self.sinks.sample(&mut self.rng)];
        }
        s
    }

    fn russian_buyer(&mut self, military_per_mille: u64) -> usize {
        let w = self.world;
        if !w.ru_military.is_empty() && self.rng.chance(military_per_mille) {
            self.rng.pick(&w.ru_military)
        } else {
            w.ru_buyers[self.ru_buyers.sample(&mut self.rng)]
        }
    }

    /// The next background line, dated `date`.
    pub fn next(&mut self, date: Day) -> Shipment {
        if let Some(s) = self.hub_line(date) {
            return s;
        }
        let w = self.world;
        let post = date >= self.invasion;
        let lane = if post { &self.lanes_after } else { &self.lanes_before }.sample(&mut self.rng);
        let r = &mut self.rng;
        let (shipper, consignee, maker, product) = match lane {
            0 => {
                let d = w.distributors[self.dist.sample(r)];
                let (m, p) = r.pick(&w.companies[d].supply);
                (m, d, m, p)
            }
            1 => {
                let d = w.distributors[self.dist.sample(r)];
                let (m, p) = r.pick(&w.companies[d].supply);
                let s = self.sink(w.companies[d].country);
                (d, s, m, p)
            }
            2 => {
                let m = w.makers[self.makers.sample(r)];
                let p = r.pick(&w.companies[m].products);
                let s = self.sink(w.companies[m].country);
                (m, s, m, p)
            }
            3 => {
                let t = w.ru_traders[self.ru_traders.sample(r)];
                let (m, p) = r.pick(&w.companies[t].supply);
                (m, t, m, p)
            }
            4 => {
                let t = w.ru_traders[self.ru_traders.sample(r)];
                let (m, p) = r.pick(&w.companies[t].supply);
                (t, self.russian_buyer(80), m, p)
            }
            5 => {
                // After the invasion only makers in countries that kept trading sell to Russia directly.
                let m = if post && !w.friendly_makers.is_empty() {
                    w.friendly_makers[self.friendly.sample(r)]
                } else {
                    w.non_us_makers[self.non_us.sample(r)]
                };
                let p = r.pick(&w.companies[m].products);
                (m, self.russian_buyer(150), m, p)
            }
            6 if !post => {
                let m = w.makers[self.makers.sample(r)];
                let p = r.pick(&w.companies[m].products);
                (m, self.russian_buyer(0), m, p)
            }
            6 if !w.humanitarian_makers.is_empty() => {
                let m = w.humanitarian_makers[self.humanitarian.sample(r)];
                let p = r.pick(&w.companies[m].products);
                (m, self.russian_buyer(0), m, p)
            }
            _ => {
                let c = w.commodity[self.commodity.sample(r)];
                let p = r.pick(&w.companies[c].products);
                let s = self.sink(w.companies[c].country);
                (c, s, c, p)
            }
        };
        line(w, date, shipper, consignee, maker, product, self.dup_mention, &mut self.rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::normalize_hs;

    #[test]
    fn background_keeps_controlled_western_goods_away_from_russia() {
        let world = World::build(300, Day::from_ymd(2021, 1, 1).unwrap(), &mut Rng::new(1, 0));
        let mut bg = Background::new(&world, Rng::new(1, 1), 0);
        let id_of = |id: &str| world.companies.iter().position(|c| c.id == id).unwrap();
        for i in 0..5000 {
            let date = Day(Day::from_ymd(2021, 1, 1).unwrap().0 + i / 4);
            let s = bg.next(date);
            let (from, to) = (&world.companies[id_of(&s.shipper)], &world.companies[id_of(&s.consignee)]);
            assert!(normalize_hs(&s.hs_code).is_some(), "{}", s.hs_code);
            if to.category == super::super::world::Category::RuTrader {
                assert_ne!(from.country, "US");
            }
            if from.country == "US" && matches!(to.country, "RU" | "BY") {
                // Only direct sales: before the invasion anything, after it goods outside the CHPL.
                let p = crate::refdata::chpl_item(&normalize_hs(&s.hs_code).unwrap());
                assert!(date < bg.invasion || p.is_none(), "{s:?}");
            }
            if from.category == super::super::world::Category::Maker && to.country == "RU" && date >= bg.invasion {
                let chpl = crate::refdata::chpl_item(&normalize_hs(&s.hs_code).unwrap()).is_some();
                assert!(world.friendly_makers.contains(&id_of(&s.shipper)) || !chpl, "{s:?}");
            }
            assert!(s.quantity > 0 && s.value_cents > 0 && s.grams > 0);
        }
    }
}
