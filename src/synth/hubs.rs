//! Hub traders (`--hubs N`): the shape of national-scale trade that makes
//! company-level reachability useless for route search.
//!
//! In real customs data a few legitimate distributors and general traders
//! in Türkiye, the UAE, Hong Kong, China and Kazakhstan are huge: they
//! receive thousands of US shipments in the very HS headings that matter
//! (integrated circuits 8542, telecom 8517, computers 8471 and the rest of
//! the CHPL), resell them to customers outside Russia, trade with each
//! other, and also ship other goods — food, textiles, consumer goods,
//! medicine — to Russian buyers. Every US maker is then "two companies away"
//! from Russia, though none of the controlled goods ever go that way.
//!
//! Hub trade never forms a route from a US shipper to Russia: what a hub
//! sends to Russia (goods outside the CHPL and outside electronics, bought
//! from non-US makers) never shares an HS-4 heading with what it receives
//! from the US, and Russia-facing traders and planted intermediaries never
//! trade with hubs. So `--hubs` changes the cost of a search, not its answer.
//!
//! Hubs are added after everything else is planted, from their own random
//! streams, so the rest of the world (ids included) is the same as without
//! them; without `--hubs` none of this runs and the output is byte-identical
//! to earlier releases.

use super::background::{line, Shipment};
use super::names::Flavor;
use super::products::Sector;
use super::rng::{Rng, Weighted};
use super::world::{Category, World};
use crate::model::Day;

/// Countries hubs are registered in, in turn.
const HUB_COUNTRIES: [&str; 5] = ["TR", "AE", "HK", "CN", "KZ"];

/// Per mille of background lines that are hub trade when `--hubs` is given.
pub const HUB_SHARE: u64 = 400;

/// The hubs of a world and what they trade.
pub struct Hubs {
    /// Company indexes of the hubs.
    hubs: Vec<usize>,
    /// Per hub: the (US source, maker, product) lines it imports, CHPL goods.
    inbound: Vec<Vec<(usize, usize, usize)>>,
    /// Per hub: the (maker, product) lines it sells to Russia, never CHPL or electronics.
    to_russia: Vec<Vec<(usize, usize)>>,
    weights: Weighted,
}

/// Adds `n` hub companies to `world` and wires their trade.
pub fn add_hubs(world: &mut World, n: usize, start: Day, rng: &mut Rng) -> Hubs {
    // US sources of controlled goods: US makers of CHPL electronics, and US
    // distributors' CHPL lines (the distributor ships, the maker's brand is declared).
    let mut us_lines: Vec<(usize, usize, usize)> = Vec::new();
    for &m in &world.makers {
        let c = &world.companies[m];
        if c.country == "US" {
            for &p in &c.products {
                if world.catalogue[p].tier.is_some() && world.catalogue[p].sector == Sector::Electronics {
                    us_lines.push((m, m, p));
                }
            }
        }
    }
    for &d in &world.distributors {
        if world.companies[d].country == "US" {
            for &(m, p) in &world.companies[d].supply {
                if world.catalogue[p].tier.is_some() {
                    us_lines.push((d, m, p));
                }
            }
        }
    }
    // Other goods for Russia: non-US makers of food, apparel, consumer goods, medicine, cars.
    let mut other: Vec<(usize, usize)> = Vec::new();
    for &m in &world.non_us_makers {
        for &p in &world.companies[m].products {
            let prod = &world.catalogue[p];
            if prod.tier.is_none() && !matches!(prod.sector, Sector::Electronics | Sector::Industrial) {
                other.push((m, p));
            }
        }
    }
    let mut hubs = Vec::with_capacity(n);
    let mut inbound = Vec::with_capacity(n);
    let mut to_russia = Vec::with_capacity(n);
    let old = Day::from_ymd(1995, 1, 1).expect("valid date");
    for i in 0..n {
        let country = HUB_COUNTRIES[i % HUB_COUNTRIES.len()];
        let inc = Some(Day(rng.range(i64::from(old.0), i64::from(start.0) - 1500) as i32));
        let h = world.add(country, Flavor::Electronics, Category::Distributor, "distributor;trader", inc, "company register", rng);
        hubs.push(h);
        inbound.push(pick_lines(&us_lines, rng.range(8, 25) as usize, rng));
        to_russia.push(pick_lines(&other, rng.range(2, 6) as usize, rng));
    }
    Hubs { weights: Weighted::zipf(n), hubs, inbound, to_russia }
}

/// Up to `k` distinct lines drawn from `from` (all of them when fewer).
fn pick_lines<T: Copy + Ord>(from: &[T], k: usize, rng: &mut Rng) -> Vec<T> {
    if from.is_empty() {
        return Vec::new();
    }
    let mut v: Vec<T> = (0..k).map(|_| rng.pick(from)).collect();
    v.sort_unstable();
    v.dedup();
    v
}

impl Hubs {
    fn hub(&self, rng: &mut Rng) -> usize {
        self.weights.sample(rng)
    }

    /// One line of hub trade dated `date`; `sink` picks a customer outside
    /// Russia for a hub in `country`, `ru_buyer` a Russian buyer.
    pub fn next(
        &self,
        world: &World,
        date: Day,
        rng: &mut Rng,
        sink: &dyn Fn(&'static str, &mut Rng) -> usize,
        ru_buyer: &dyn Fn(&mut Rng) -> usize,
    ) -> Option<Shipment> {
        let i = self.hub(rng);
        let h = self.hubs[i];
        // Lane weights per mille: US source to hub, hub to hub, hub to a
        // customer outside Russia, hub to Russia (other goods), non-US maker to hub (those goods).
        let lane = Weighted::new([500, 15, 235, 150, 100]).sample(rng);
        let (shipper, consignee, maker, product) = match lane {
            0 => {
                let &(src, m, p) = self.inbound[i].get(rng.index(self.inbound[i].len().max(1)))?;
                (src, h, m, p)
            }
            1 => {
                let j = self.hub(rng);
                if j == i || world.companies[self.hubs[j]].country == world.companies[h].country {
                    return None;
                }
                let &(_, m, p) = self.inbound[i].get(rng.index(self.inbound[i].len().max(1)))?;
                (h, self.hubs[j], m, p)
            }
            2 => {
                let &(_, m, p) = self.inbound[i].get(rng.index(self.inbound[i].len().max(1)))?;
                (h, sink(world.companies[h].country, rng), m, p)
            }
            3 => {
                let &(m, p) = self.to_russia[i].get(rng.index(self.to_russia[i].len().max(1)))?;
                (h, ru_buyer(rng), m, p)
            }
            _ => {
                let &(m, p) = self.to_russia[i].get(rng.index(self.to_russia[i].len().max(1)))?;
                if world.companies[m].country == world.companies[h].country {
                    return None;
                }
                (m, h, m, p)
            }
        };
        Some(line(world, date, shipper, consignee, maker, product, 0, rng))
    }
}
