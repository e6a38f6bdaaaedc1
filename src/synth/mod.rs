//! `divtrace synth`: writes a realistic fictional case bundle of any size,
//! with planted diversion schemes, decoys and duplicate ids, plus a truth
//! file that says what was planted, so detection can be scored.
//!
//! The same [`Config`] always gives the same bytes: one seeded generator
//! ([`rng`]) split into independent streams, integer arithmetic only, and no
//! hash-map iteration in output. Shipments are streamed in date order, so
//! memory grows with the number of companies (capped), not of shipments.
//! The format of `truth.json` is described in docs/synth.md.

mod background;
mod decoys;
mod hubs;
mod links;
mod names;
mod places;
mod products;
pub mod rng;
mod schemes;
mod variants;
mod world;
mod writer;

use std::path::Path;

use crate::model::Day;
use crate::{Error, Result};

pub use schemes::OwnershipCase;
pub use variants::{ascii_fold, translit};

/// What to generate.
#[derive(Clone, Debug)]
pub struct Config {
    pub seed: u64,
    /// Total lines in `shipments.csv` (at least [`MIN_SHIPMENTS`]).
    pub shipments: u64,
    /// Planted schemes; `None` for the default, [`default_schemes`].
    pub schemes: Option<usize>,
    /// Decoys; `None` for the default, [`default_decoys`].
    pub decoys: Option<usize>,
    /// Share of background companies with duplicate ids, in per mille (0..=1000).
    pub dup_per_mille: u64,
    pub start: Day,
    pub end: Day,
    /// Hub traders (`--hubs`, see `hubs`); 0 writes the classic world, byte for byte.
    pub hubs: usize,
}

pub const MIN_SHIPMENTS: u64 = 100;
/// The most hub traders `--hubs` may ask for.
pub const MAX_HUBS: usize = 1000;
pub const MAX_SHIPMENTS: u64 = 100_000_000;
/// The shortest date window: room for a long-dwell decoy (over 180 days) and a multi-hop route.
pub const MIN_WINDOW_DAYS: i32 = 400;

/// Default number of schemes: one per 20,000 shipments, at least 3, at most 500.
pub fn default_schemes(shipments: u64) -> usize {
    ((shipments / 20_000) as usize).clamp(3, 500)
}

/// Default number of decoys: one of each kind at least, else as many as schemes.
pub fn default_decoys(schemes: usize) -> usize {
    schemes.clamp(decoys::KINDS.len(), 500)
}

/// What was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub entities: usize,
    pub shipments: u64,
    pub planted_shipments: usize,
    pub schemes: usize,
    pub decoys: usize,
    pub clusters: usize,
}

#[derive(serde::Serialize)]
struct TruthScheme {
    id: String,
    hs6: String,
    chpl_tier: String,
    entities: Vec<String>,
    intermediaries: Vec<String>,
    routes: Vec<Vec<String>>,
    split_by_duplicates: bool,
}

#[derive(serde::Serialize)]
struct TruthDecoy {
    id: String,
    kind: String,
    entities: Vec<String>,
    shipments: Vec<String>,
    valid_path: bool,
}

#[derive(serde::Serialize)]
struct Truth {
    generator: &'static str,
    version: &'static str,
    seed: u64,
    shipments: u64,
    start: String,
    end: String,
    schemes: Vec<TruthScheme>,
    decoys: Vec<TruthDecoy>,
    clusters: Vec<Vec<String>>,
    ownership_cases: Vec<OwnershipCase>,
}

impl Config {
    /// Checks the knobs against each other; errors name the flag at fault.
    pub fn validate(&self) -> Result<()> {
        if !(MIN_SHIPMENTS..=MAX_SHIPMENTS).contains(&self.shipments) {
            return Err(Error::usage(
                "--shipments",
                format!("must be between {MIN_SHIPMENTS} and {MAX_SHIPMENTS}, got {}", self.shipments),
            ));
        }
        if self.end.0 - self.start.0 < MIN_WINDOW_DAYS {
            return Err(Error::usage("--end", format!("the window {}..{} is shorter than {MIN_WINDOW_DAYS} days", self.start, self.end)));
        }
        if self.hubs > MAX_HUBS {
            return Err(Error::usage("--hubs", format!("must be at most {MAX_HUBS}, got {}", self.hubs)));
        }
        if self.dup_per_mille > 1000 {
            return Err(Error::usage("--dup-rate", "must be between 0 and 1"));
        }
        let (s, d) = self.counts();
        // At most 4 hops per route: planted lines must leave room for background.
        if (s * 4 + decoys::max_lines(d)) as u64 > self.shipments * 4 / 5 {
            return Err(Error::usage(
                "--schemes",
                format!(
                    "{s} schemes and {d} decoys need more than --shipments {} allows; raise --shipments or lower --schemes/--decoys",
                    self.shipments
                ),
            ));
        }
        Ok(())
    }

    fn counts(&self) -> (usize, usize) {
        let s = self.schemes.unwrap_or_else(|| default_schemes(self.shipments));
        (s, self.decoys.unwrap_or_else(|| default_decoys(s)))
    }

    /// Routes per scheme: several months of activity on big cases, fewer on small ones.
    fn routes(&self, schemes: usize, decoys: usize) -> usize {
        if schemes == 0 {
            return 0;
        }
        let budget = (self.shipments * 4 / 5).saturating_sub(decoys::max_lines(decoys) as u64);
        let fit = (budget / (schemes as u64 * 4)).max(1) as usize;
        ((self.shipments / (schemes as u64 * 400)) as usize).clamp(2, 8).min(fit)
    }
}

/// Writes a bundle for `cfg` into the existing directory `out`.
pub fn generate(cfg: &Config, out: &Path) -> Result<Summary> {
    cfg.validate()?;
    let (n_schemes, n_decoys) = cfg.counts();
    let invasion = crate::refdata::INVASION_DAY;
    let window = schemes::Window { start: cfg.start, end: cfg.end, invasion, dups: cfg.dup_per_mille > 0 };

    let mut world_rng = rng::Rng::new(cfg.seed, 1);
    let mut world = world::World::build(world::company_count(cfg.shipments), cfg.start, &mut world_rng);
    links::background_dups(&mut world, cfg.dup_per_mille, &mut world_rng);

    let mut plan = schemes::Plan::default();
    let mut plant_rng = rng::Rng::new(cfg.seed, 2);
    let routes = cfg.routes(n_schemes, n_decoys);
    for i in 0..n_schemes {
        schemes::plant_scheme(&mut world, &mut plan, i, routes, &window, &mut plant_rng);
    }
    for i in 0..n_decoys {
        decoys::plant_decoy(&mut world, &mut plan, i, &window, &mut plant_rng);
    }
    links::background_links(&world, &mut plan, &window, &mut rng::Rng::new(cfg.seed, 3));

    // After everything else, from their own stream: the rest of the world is unchanged by hubs.
    let hubs = (cfg.hubs > 0).then(|| hubs::add_hubs(&mut world, cfg.hubs, cfg.start, &mut rng::Rng::new(cfg.seed, 6)));
    let entities = writer::write_entities(out, &world)?;
    writer::write_links(out, &plan)?;
    let mut bg = background::Background::new(&world, rng::Rng::new(cfg.seed, 4), background::DUP_MENTION);
    if let Some(h) = hubs {
        bg = bg.with_hubs(h, rng::Rng::new(cfg.seed, 7));
    }
    let ids = writer::write_shipments(out, &plan, cfg.shipments, cfg.start, cfg.end, rng::Rng::new(cfg.seed, 5), bg)?;

    let id = |i: usize| world.companies[i].id.clone();
    let truth = Truth {
        generator: "divtrace synth",
        version: crate::VERSION,
        seed: cfg.seed,
        shipments: cfg.shipments,
        start: cfg.start.to_string(),
        end: cfg.end.to_string(),
        schemes: plan
            .schemes
            .iter()
            .enumerate()
            .map(|(k, s)| TruthScheme {
                id: format!("scheme-{:03}", k + 1),
                hs6: s.hs6.to_string(),
                chpl_tier: s.tier.to_string(),
                entities: s.chain.iter().map(|&e| id(e)).collect(),
                intermediaries: s.intermediaries.iter().map(|&e| id(e)).collect(),
                routes: s.routes.iter().map(|r| r.iter().map(|&i| ids[i].clone()).collect()).collect(),
                split_by_duplicates: s.split_by_duplicates,
            })
            .collect(),
        decoys: plan
            .decoys
            .iter()
            .enumerate()
            .map(|(k, d)| TruthDecoy {
                id: format!("decoy-{:03}", k + 1),
                kind: d.kind.to_string(),
                entities: d.entities.iter().map(|&e| id(e)).collect(),
                shipments: d.shipments.iter().map(|&i| ids[i].clone()).collect(),
                valid_path: d.valid_path,
            })
            .collect(),
        clusters: world
            .companies
            .iter()
            .filter(|c| !c.dups.is_empty())
            .map(|c| std::iter::once(c.id.clone()).chain(c.dups.iter().map(|d| d.id.clone())).collect())
            .collect(),
        ownership_cases: plan.ownership.clone(),
    };
    let path = out.join("truth.json");
    let mut text = serde_json::to_string_pretty(&truth).map_err(|e| Error::Other(format!("truth.json: {e}")))?;
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;

    Ok(Summary {
        entities,
        shipments: cfg.shipments,
        planted_shipments: plan.shipments.len(),
        schemes: truth.schemes.len(),
        decoys: truth.decoys.len(),
        clusters: truth.clusters.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(shipments: u64, schemes: Option<usize>) -> Config {
        Config {
            seed: 1,
            shipments,
            schemes,
            decoys: None,
            dup_per_mille: 50,
            start: Day::parse_iso("2021-01-01").unwrap(),
            end: Day::parse_iso("2024-12-31").unwrap(),
            hubs: 0,
        }
    }

    #[test]
    fn defaults_scale_with_size() {
        assert_eq!(default_schemes(100), 3);
        assert_eq!(default_schemes(1_000_000), 50);
        assert_eq!(default_schemes(100_000_000), 500);
        assert_eq!(default_decoys(3), decoys::KINDS.len());
        assert_eq!(default_decoys(50), 50);
    }

    #[test]
    fn planted_lines_leave_room_for_background() {
        for n in [100, 1_000, 100_000, 10_000_000] {
            let c = cfg(n, None);
            c.validate().unwrap();
            let (s, d) = c.counts();
            let routes = c.routes(s, d);
            assert!((1..=8).contains(&routes));
            assert!(((s * routes * 4 + decoys::max_lines(d)) as u64) <= n * 4 / 5, "{n}");
        }
        assert!(matches!(cfg(100, Some(40)).validate(), Err(Error::Usage { .. })));
        assert!(matches!(cfg(99, None).validate(), Err(Error::Usage { .. })));
        let mut short = cfg(1000, None);
        short.end = Day(short.start.0 + MIN_WINDOW_DAYS - 1);
        assert!(matches!(short.validate(), Err(Error::Usage { ref flag, .. }) if flag == "--end"));
    }

    #[test]
    fn generate_reports_what_it_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let s = generate(&cfg(500, None), dir.path()).unwrap();
        assert_eq!(s.shipments, 500);
        assert_eq!(s.schemes, 3);
        assert_eq!(s.decoys, decoys::KINDS.len());
        let lines = std::fs::read_to_string(dir.path().join("shipments.csv")).unwrap().lines().count();
        assert_eq!(lines, 501);
        let entities = std::fs::read_to_string(dir.path().join("entities.csv")).unwrap().lines().count();
        assert_eq!(entities, s.entities + 1);
    }
}
