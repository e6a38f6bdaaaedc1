//! The fictional trading world: manufacturers, distributors, traders,
//! importers and end users in many countries, their products and suppliers,
//! and the extra ids (spelling variants) some of them carry.
//!
//! The background is built in tiers so that legitimate trade does not form
//! chains from US shippers to Russia: makers only ship; distributors buy from
//! makers and sell to "sinks" (end users and local importers, which never
//! re-export); Russia-facing traders in transshipment countries buy only from
//! non-US makers. Diversion chains exist only where [`super::schemes`] plants them.

use super::names::{company_name, disambiguate, person_name, CompanyName, Flavor};
use super::places::{address, identifiers};
use super::products::{catalogue, national_suffix, Product, Sector};
use super::rng::{Rng, Weighted};
use super::variants::{brand_forms, latin_alias, spelling_variant};
use crate::model::Day;
use std::collections::HashSet;

/// The part a company plays in the generated world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Maker,
    Distributor,
    /// End users and local importers: they buy and never re-export.
    Sink,
    /// Traders in transshipment countries that sell non-US goods to Russia.
    RuTrader,
    RuImporter,
    RuEndUser,
    RuMilitary,
    Commodity,
    /// Created by a planted scheme or a decoy.
    Planted,
    Holding,
    Person,
}

/// Another id under which a source records the same company.
#[derive(Clone, Debug)]
pub struct Dup {
    pub id: String,
    pub name: String,
    pub identifiers: String,
    pub address: String,
    pub incorporated: Option<Day>,
    pub source: &'static str,
}

#[derive(Clone, Debug)]
pub struct Company {
    pub id: String,
    pub name: Option<CompanyName>,
    pub display: String,
    pub person: bool,
    pub country: &'static str,
    pub category: Category,
    pub roles: &'static str,
    pub aliases: Vec<String>,
    pub identifiers: String,
    pub address: String,
    pub incorporated: Option<Day>,
    pub source: &'static str,
    pub dups: Vec<Dup>,
    /// Manufacturer spellings for declarations (makers only).
    pub brands: Vec<String>,
    /// Catalogue indices a maker makes.
    pub products: Vec<usize>,
    /// (maker, product) pairs a distributor or trader sells.
    pub supply: Vec<(usize, usize)>,
}

/// Everything the shipment generators draw from.
pub struct World {
    pub companies: Vec<Company>,
    pub catalogue: Vec<Product>,
    /// Fixed national tariff suffix per product.
    pub national: Vec<String>,
    pub makers: Vec<usize>,
    pub distributors: Vec<usize>,
    pub sinks: Vec<usize>,
    pub ru_traders: Vec<usize>,
    pub ru_buyers: Vec<usize>,
    pub ru_military: Vec<usize>,
    pub commodity: Vec<usize>,
    /// Makers whose goods reach Russia legitimately or through Russia-facing traders (not US).
    pub non_us_makers: Vec<usize>,
    /// Non-US makers in countries that kept selling to Russia after the invasion.
    pub friendly_makers: Vec<usize>,
    /// Western makers of goods Russia may still import (medicine, food, consumer goods).
    pub humanitarian_makers: Vec<usize>,
    names_used: HashSet<String>,
    dup_counter: usize,
}

const MAKER_SEEDS: &[(&str, Sector)] = &[
    ("US", Sector::Electronics),
    ("US", Sector::Electronics),
    ("DE", Sector::Industrial),
    ("JP", Sector::Electronics),
    ("CN", Sector::Electronics),
    ("US", Sector::Pharma),
    ("TR", Sector::Food),
    ("DE", Sector::Auto),
    ("TR", Sector::Apparel),
    ("CN", Sector::Consumer),
    ("US", Sector::Industrial),
    ("KR", Sector::Electronics),
];

fn weighted_pick<T: Copy>(rng: &mut Rng, table: &[(T, u64)]) -> T {
    let total: u64 = table.iter().map(|x| x.1).sum();
    let mut x = rng.below(total);
    for &(v, w) in table {
        if x < w {
            return v;
        }
        x -= w;
    }
    table[table.len() - 1].0
}

fn maker_country(sector: Sector, rng: &mut Rng) -> &'static str {
    use Sector::*;
    let t: &[(&str, u64)] = match sector {
        Electronics => {
            &[("US", 35), ("JP", 10), ("KR", 8), ("TW", 10), ("CN", 15), ("DE", 8), ("NL", 4), ("GB", 3), ("FR", 3), ("IT", 2), ("IN", 2)]
        }
        Industrial => &[("DE", 25), ("JP", 15), ("US", 15), ("IT", 10), ("CN", 15), ("KR", 5), ("TW", 5), ("CH", 5), ("SE", 5)],
        Pharma => &[("US", 25), ("DE", 15), ("CH", 15), ("FR", 10), ("IN", 15), ("GB", 10), ("IT", 5), ("TR", 5)],
        Food => &[("BR", 20), ("TR", 20), ("IT", 15), ("FR", 10), ("ES", 10), ("VN", 10), ("IN", 10), ("US", 5)],
        Auto => &[("DE", 25), ("JP", 20), ("KR", 15), ("US", 10), ("CN", 15), ("TR", 5), ("FR", 5), ("IT", 5)],
        Apparel => &[("TR", 30), ("CN", 30), ("IN", 15), ("VN", 15), ("IT", 10)],
        Consumer => &[("CN", 40), ("TR", 20), ("DE", 10), ("PL", 10), ("IT", 10), ("KR", 10)],
        Commodity => &[("RU", 35), ("KZ", 10), ("BR", 10), ("CA", 10), ("AU", 10), ("NO", 5), ("TR", 5), ("IN", 5), ("CN", 10)],
    };
    weighted_pick(rng, t)
}

fn flavor_of(sector: Sector) -> Flavor {
    match sector {
        Sector::Electronics => Flavor::Electronics,
        Sector::Industrial => Flavor::Industrial,
        Sector::Pharma => Flavor::Pharma,
        Sector::Food => Flavor::Food,
        Sector::Auto => Flavor::Auto,
        Sector::Apparel => Flavor::Apparel,
        Sector::Commodity => Flavor::Commodity,
        Sector::Consumer => Flavor::Consumer,
    }
}

const SINK_COUNTRIES: &[(&str, u64)] = &[
    ("DE", 8),
    ("US", 8),
    ("FR", 5),
    ("IT", 5),
    ("GB", 5),
    ("NL", 4),
    ("PL", 4),
    ("ES", 3),
    ("JP", 5),
    ("KR", 4),
    ("CN", 6),
    ("TW", 3),
    ("IN", 5),
    ("TR", 8),
    ("AE", 5),
    ("KZ", 2),
    ("AM", 1),
    ("KG", 1),
    ("GE", 1),
    ("HK", 3),
    ("SG", 2),
    ("MX", 3),
    ("BR", 3),
    ("IL", 2),
    ("SE", 1),
    ("FI", 1),
    ("CH", 1),
    ("AT", 1),
    ("BE", 1),
    ("MY", 2),
    ("VN", 2),
    ("TH", 2),
    ("ZA", 1),
    ("RS", 1),
    ("UZ", 1),
    ("CA", 2),
    ("AU", 1),
];

/// How many companies a bundle of `shipments` lines gets: about one per twenty
/// lines, at least enough for every kind of trade, capped so memory stays small.
pub fn company_count(shipments: u64) -> usize {
    (shipments / 20).clamp(60, 200_000) as usize
}

impl World {
    /// Builds the background world of about `n` companies.
    pub fn build(n: usize, start: Day, rng: &mut Rng) -> World {
        let catalogue = catalogue();
        let national = catalogue.iter().map(|_| national_suffix(rng)).collect();
        let mut w = World {
            companies: Vec::with_capacity(n + n / 10),
            catalogue,
            national,
            makers: vec![],
            distributors: vec![],
            sinks: vec![],
            ru_traders: vec![],
            ru_buyers: vec![],
            ru_military: vec![],
            commodity: vec![],
            non_us_makers: vec![],
            friendly_makers: vec![],
            humanitarian_makers: vec![],
            names_used: HashSet::new(),
            dup_counter: 0,
        };
        let part = |pct: usize, min: usize| (n * pct / 1000).max(min);
        let (n_makers, n_dist, n_comm) = (part(80, 12), part(40, 4), part(40, 3));
        let (n_rut, n_rui, n_rue, n_mil) = (part(80, 4), part(70, 4), part(15, 2), part(15, 2));
        let old = |rng: &mut Rng| Some(Day(rng.range(Day::from_ymd(1965, 1, 1).unwrap().0 as i64, start.0 as i64 - 400) as i32));

        for i in 0..n_makers {
            let (country, sector) = match MAKER_SEEDS.get(i) {
                Some(&(c, s)) => (c, s),
                None => {
                    let s = weighted_pick(
                        rng,
                        &[
                            (Sector::Electronics, 40),
                            (Sector::Industrial, 20),
                            (Sector::Pharma, 8),
                            (Sector::Food, 8),
                            (Sector::Auto, 8),
                            (Sector::Apparel, 8),
                            (Sector::Consumer, 8),
                        ],
                    );
                    (maker_country(s, rng), s)
                }
            };
            let inc = old(rng);
            let idx = w.add(country, flavor_of(sector), Category::Maker, "manufacturer", inc, "company register", rng);
            w.give_products(idx, sector, rng);
        }
        for _ in 0..n_dist {
            let country = weighted_pick(
                rng,
                &[
                    ("US", 25),
                    ("DE", 15),
                    ("NL", 10),
                    ("GB", 8),
                    ("JP", 8),
                    ("SG", 7),
                    ("HK", 7),
                    ("CN", 6),
                    ("TW", 5),
                    ("KR", 4),
                    ("FR", 3),
                    ("IT", 2),
                ],
            );
            let inc = old(rng);
            let idx = w.add(country, Flavor::Electronics, Category::Distributor, "distributor", inc, "company register", rng);
            w.distributors.push(idx);
        }
        for _ in 0..n_comm {
            let country = maker_country(Sector::Commodity, rng);
            let inc = old(rng);
            let idx = w.add(country, Flavor::Commodity, Category::Commodity, "manufacturer;trader", inc, "company register", rng);
            w.give_products(idx, Sector::Commodity, rng);
            w.commodity.push(idx);
        }
        for _ in 0..n_rut {
            let country = weighted_pick(
                rng,
                &[("TR", 28), ("AE", 18), ("KZ", 12), ("CN", 10), ("HK", 10), ("AM", 6), ("KG", 6), ("BY", 5), ("UZ", 3), ("GE", 2)],
            );
            let inc = old(rng);
            let idx = w.add(country, Flavor::Trade, Category::RuTrader, "trader", inc, "company register", rng);
            w.ru_traders.push(idx);
        }
        for _ in 0..n_rui {
            let country = if rng.chance(900) { "RU" } else { "BY" };
            let flavor = rng.pick(&[Flavor::Trade, Flavor::Electronics, Flavor::Industrial, Flavor::Logistics]);
            let inc = old(rng);
            let idx = w.add(country, flavor, Category::RuImporter, "trader", inc, "EGRUL extract", rng);
            w.ru_buyers.push(idx);
        }
        for _ in 0..n_rue {
            let flavor = rng.pick(&[Flavor::Electronics, Flavor::Industrial, Flavor::Auto]);
            let inc = old(rng);
            let idx = w.add("RU", flavor, Category::RuEndUser, "end_user", inc, "EGRUL extract", rng);
            w.ru_buyers.push(idx);
        }
        for _ in 0..n_mil {
            let inc = old(rng);
            let idx = w.add("RU", Flavor::Defence, Category::RuMilitary, "end_user;military_end_user", inc, "EGRUL extract", rng);
            w.ru_military.push(idx);
        }
        let n_sinks = n.saturating_sub(w.companies.len()).max(20);
        for _ in 0..n_sinks {
            let country = weighted_pick(rng, SINK_COUNTRIES);
            let (flavor, roles) = weighted_pick(
                rng,
                &[
                    ((Flavor::Electronics, "end_user"), 30),
                    ((Flavor::Industrial, "end_user"), 20),
                    ((Flavor::Trade, "trader"), 20),
                    ((Flavor::Consumer, "trader"), 10),
                    ((Flavor::Auto, "trader"), 7),
                    ((Flavor::Food, "trader"), 7),
                    ((Flavor::Pharma, "trader"), 6),
                ],
            );
            let inc = old(rng);
            let idx = w.add(country, flavor, Category::Sink, roles, inc, "company register", rng);
            w.sinks.push(idx);
        }
        w.wire_supply(rng);
        w
    }

    fn give_products(&mut self, idx: usize, sector: Sector, rng: &mut Rng) {
        let fits: Vec<usize> = (0..self.catalogue.len()).filter(|&p| self.catalogue[p].sector == sector).collect();
        let k = rng.range(2, 6) as usize;
        let mut products: Vec<usize> = (0..k).map(|_| rng.pick(&fits)).collect();
        products.sort_unstable();
        products.dedup();
        let c = &mut self.companies[idx];
        c.products = products;
        c.brands = c.name.as_ref().map(brand_forms).unwrap_or_default();
        if c.category == Category::Maker {
            self.makers.push(idx);
            if c.country != "US" {
                self.non_us_makers.push(idx);
            }
            if matches!(c.country, "CN" | "TR" | "IN" | "BY" | "KZ" | "HK" | "BR" | "VN" | "TH" | "MY" | "AE" | "RS" | "UZ") {
                self.friendly_makers.push(idx);
            }
            if matches!(sector, Sector::Pharma | Sector::Food | Sector::Consumer) && c.country != "CN" {
                self.humanitarian_makers.push(idx);
            }
        }
    }

    /// Gives each distributor and Russia-facing trader its (maker, product) lines.
    fn wire_supply(&mut self, rng: &mut Rng) {
        let tech: Vec<usize> = self
            .makers
            .iter()
            .copied()
            .filter(|&m| {
                self.companies[m].products.iter().any(|&p| matches!(self.catalogue[p].sector, Sector::Electronics | Sector::Industrial))
            })
            .collect();
        for i in 0..self.distributors.len() {
            let d = self.distributors[i];
            let k = rng.range(5, 40) as usize;
            self.companies[d].supply = self.supply_lines(d, &tech, k, rng);
        }
        let sources = self.non_us_makers.clone();
        for i in 0..self.ru_traders.len() {
            let t = self.ru_traders[i];
            let k = rng.range(3, 20) as usize;
            self.companies[t].supply = self.supply_lines(t, &sources, k, rng);
        }
    }

    /// Up to `k` (maker, product) lines for `buyer`, makers drawn Zipf-wise from
    /// `makers`. Makers in the buyer's own country are skipped: domestic
    /// purchases do not appear in customs data.
    fn supply_lines(&self, buyer: usize, makers: &[usize], k: usize, rng: &mut Rng) -> Vec<(usize, usize)> {
        let zipf = Weighted::zipf(makers.len());
        let home = self.companies[buyer].country;
        let mut supply = Vec::new();
        for _ in 0..k * 2 {
            if supply.len() >= k {
                break;
            }
            let m = makers[zipf.sample(rng)];
            if self.companies[m].country != home {
                supply.push((m, rng.pick(&self.companies[m].products)));
            }
        }
        if supply.is_empty() {
            let m = makers.iter().copied().find(|&m| self.companies[m].country != home).unwrap_or(makers[0]);
            supply.push((m, self.companies[m].products[0]));
        }
        supply.sort_unstable();
        supply.dedup();
        supply
    }

    /// Adds a company with a fresh unique name; returns its index.
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        country: &'static str,
        flavor: Flavor,
        category: Category,
        roles: &'static str,
        incorporated: Option<Day>,
        source: &'static str,
        rng: &mut Rng,
    ) -> usize {
        let mut name = company_name(country, flavor, rng);
        let base = name.core.clone();
        let mut attempt = 0;
        while self.names_used.contains(&name.render()) {
            attempt += 1;
            name.core = base.clone();
            disambiguate(&mut name, attempt);
        }
        let display = name.render();
        self.names_used.insert(display.clone());
        let aliases = latin_alias(&name).into_iter().collect();
        let identifiers = match incorporated {
            Some(d) => identifiers(country, d, rng),
            None => String::new(),
        };
        let idx = self.companies.len();
        self.companies.push(Company {
            id: format!("E{:07}", idx + 1),
            name: Some(name),
            display,
            person: false,
            country,
            category,
            roles,
            aliases,
            identifiers,
            address: address(country, rng),
            incorporated,
            source,
            dups: vec![],
            brands: vec![],
            products: vec![],
            supply: vec![],
        });
        idx
    }

    /// Adds a natural person (owner or director).
    pub fn add_person(&mut self, country: &'static str, rng: &mut Rng) -> usize {
        let idx = self.companies.len();
        let display = person_name(country, rng);
        self.companies.push(Company {
            id: format!("E{:07}", idx + 1),
            name: None,
            display,
            person: true,
            country,
            category: Category::Person,
            roles: "",
            aliases: vec![],
            identifiers: String::new(),
            address: String::new(),
            incorporated: None,
            source: "ownership filing",
            dups: vec![],
            brands: vec![],
            products: vec![],
            supply: vec![],
        });
        idx
    }

    /// Gives `idx` one or two extra ids with variant spellings, numbered in
    /// the order they are made (`TR-ENT-000042`). Some keep the
    /// identifier, some only the address, some share nothing but name and country.
    pub fn add_dups(&mut self, idx: usize, rng: &mut Rng) {
        let Some(name) = self.companies[idx].name.clone() else { return };
        if !self.companies[idx].dups.is_empty() {
            return;
        }
        let k = if rng.chance(250) { 2 } else { 1 };
        for _ in 0..k {
            let c = &self.companies[idx];
            let evidence = rng.below(3);
            let identifiers = if evidence == 0 && !c.identifiers.is_empty() {
                c.identifiers.split(';').next().unwrap_or("").to_string()
            } else {
                String::new()
            };
            let address = if evidence <= 1 { c.address.clone() } else { String::new() };
            let incorporated = if rng.chance(500) { c.incorporated } else { None };
            self.dup_counter += 1;
            let dup = Dup {
                id: format!("{}-ENT-{:06}", c.country, self.dup_counter),
                name: spelling_variant(&name, rng),
                identifiers,
                address,
                incorporated,
                source: rng.pick(&["customs declarations", "trade data vendor", "shipping manifest"]),
            };
            self.companies[idx].dups.push(dup);
        }
    }

    /// The id a record uses for company `idx`: usually the canonical one,
    /// with probability `per_mille` one of its duplicates.
    pub fn mention(&self, idx: usize, per_mille: u64, rng: &mut Rng) -> String {
        let c = &self.companies[idx];
        if !c.dups.is_empty() && rng.chance(per_mille) {
            c.dups[rng.index(c.dups.len())].id.clone()
        } else {
            c.id.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        World::build(400, Day::from_ymd(2021, 1, 1).unwrap(), &mut Rng::new(1, 0))
    }

    #[test]
    fn tiers_keep_us_goods_away_from_russia_facing_traders() {
        let w = world();
        for &t in &w.ru_traders {
            for &(m, _) in &w.companies[t].supply {
                assert_ne!(w.companies[m].country, "US");
            }
        }
        assert!(w.makers.iter().any(|&m| w.companies[m].country == "US"));
        for &d in &w.distributors {
            assert!(!w.companies[d].supply.is_empty());
            assert!(w.companies[d].supply.iter().all(|&(m, _)| w.companies[m].country != w.companies[d].country), "domestic supply");
        }
        assert!(!w.distributors.is_empty() && !w.sinks.is_empty() && !w.ru_military.is_empty());
    }

    #[test]
    fn names_are_unique_and_ids_sequential() {
        let w = world();
        let mut names = HashSet::new();
        for (i, c) in w.companies.iter().enumerate() {
            assert!(names.insert(c.display.clone()), "{}", c.display);
            assert_eq!(c.id, format!("E{:07}", i + 1));
        }
    }

    #[test]
    fn duplicates_get_distinct_ids_and_variant_names() {
        let mut w = world();
        let mut rng = Rng::new(2, 0);
        for i in 0..50 {
            w.add_dups(i, &mut rng);
        }
        let mut ids = HashSet::new();
        for c in &w.companies[..50] {
            assert!(!c.dups.is_empty());
            for d in &c.dups {
                assert!(ids.insert(d.id.clone()));
                assert_ne!(d.name, c.display);
            }
        }
    }
}
