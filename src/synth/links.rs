//! Background relations and list entries: distributor groups and their
//! subsidiaries, companies sharing an address, Russian defence plants on the
//! Entity List and some Russian importers under sanctions; and which
//! background companies also appear under duplicate ids.

use super::rng::Rng;
use super::schemes::{Listing, Plan, Relation, Window};
use super::world::{Category, World};
use crate::model::Day;

/// Gives about `dup_per_mille` / 1000 of the background companies extra ids.
pub fn background_dups(world: &mut World, dup_per_mille: u64, rng: &mut Rng) {
    if dup_per_mille == 0 {
        return;
    }
    for i in 0..world.companies.len() {
        let c = &world.companies[i];
        if c.person || c.category == Category::Planted {
            continue;
        }
        if rng.below(1_000_000) < dup_per_mille * 1000 {
            world.add_dups(i, rng);
        }
    }
}

fn day_in(w: &Window, lo: Day, rng: &mut Rng) -> Day {
    let lo = lo.max(w.start);
    Day(rng.range(lo.0 as i64, w.end.0.max(lo.0) as i64) as i32)
}

/// Relations and list entries among background companies.
pub fn background_links(world: &World, plan: &mut Plan, w: &Window, rng: &mut Rng) {
    let id = |i: usize| world.companies[i].id.clone();
    // The largest distributors own some of the smaller ones abroad.
    let heads = world.distributors.len().min(3);
    for &d in world.distributors.iter().skip(heads) {
        if rng.chance(250) {
            let parent = world.distributors[rng.index(heads)];
            let start = world.companies[d].incorporated.map(|x| Day(x.0 + rng.range(0, 3000) as i32));
            let share = rng.pick(&[100, 100, 51, 75]);
            plan.relations.push(Relation {
                from: id(parent),
                to: id(d),
                kind: "ownership",
                share: Some(share),
                start,
                source: "annual report",
            });
            if share == 100 {
                plan.relations.push(Relation {
                    from: id(d),
                    to: id(parent),
                    kind: "subsidiary",
                    share: None,
                    start,
                    source: "annual report",
                });
            }
        }
    }
    // Small importers in the same business centre.
    for pair in world.sinks.chunks(2) {
        if pair.len() == 2 && rng.chance(20) && world.companies[pair[0]].country == world.companies[pair[1]].country {
            plan.relations.push(Relation {
                from: id(pair[0]),
                to: id(pair[1]),
                kind: "shared_address",
                share: None,
                start: None,
                source: "address register",
            });
        }
    }
    for &m in &world.ru_military {
        if rng.chance(700) {
            plan.lists.push(Listing {
                entity: id(m),
                list: "entity_list",
                program: "",
                listed_on: Some(day_in(w, w.invasion, rng)),
                source: "synthetic BIS Entity List addition",
            });
        }
        if rng.chance(400) {
            plan.lists.push(Listing {
                entity: id(m),
                list: "sdn",
                program: "RUSSIA-EO14024",
                listed_on: Some(day_in(w, w.invasion, rng)),
                source: "synthetic OFAC SDN entry",
            });
        }
    }
    for &b in &world.ru_buyers {
        if world.companies[b].category == Category::RuImporter && rng.chance(50) {
            plan.lists.push(Listing {
                entity: id(b),
                list: "sdn",
                program: "RUSSIA-EO14024",
                listed_on: Some(day_in(w, w.invasion, rng)),
                source: "synthetic OFAC SDN entry",
            });
        }
    }
    for &c in &world.commodity {
        if world.companies[c].country == "RU" && rng.chance(100) {
            plan.lists.push(Listing {
                entity: id(c),
                list: "eu_sanctions",
                program: "",
                listed_on: Some(day_in(w, w.invasion, rng)),
                source: "synthetic EU Council annex",
            });
        }
    }
}
