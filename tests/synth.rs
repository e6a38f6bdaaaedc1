//! `divtrace synth` end to end: determinism, the case-bundle contract, and
//! that the truth file describes what was planted.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use divtrace::model::{normalize_hs, Country, Day};
use serde_json::Value;

fn synth(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_divtrace")).arg("synth").arg("--out").arg(dir).args(args).output().expect("run divtrace")
}

fn generated(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bundle");
    let out = synth(&dir, args);
    assert!(out.status.success(), "synth failed: {}", String::from_utf8_lossy(&out.stderr));
    (tmp, dir)
}

const FILES: [&str; 5] = ["entities.csv", "shipments.csv", "relations.csv", "lists.csv", "truth.json"];

type Rows = Vec<HashMap<String, String>>;

fn read_csv(path: &Path, required: &[&str]) -> Rows {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    for col in required {
        assert!(headers.iter().any(|h| h == col), "{} lacks column {col}", path.display());
    }
    r.records().map(|rec| headers.iter().cloned().zip(rec.unwrap().iter().map(str::to_string)).collect()).collect()
}

struct Bundle {
    entities: Rows,
    shipments: Rows,
    relations: Rows,
    lists: Rows,
    truth: Value,
}

fn load(dir: &Path) -> Bundle {
    Bundle {
        entities: read_csv(
            &dir.join("entities.csv"),
            &["id", "name", "kind", "country", "aliases", "identifiers", "address", "incorporated", "roles", "source"],
        ),
        shipments: read_csv(
            &dir.join("shipments.csv"),
            &[
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
            ],
        ),
        relations: read_csv(&dir.join("relations.csv"), &["from", "to", "kind", "share", "start", "end", "source"]),
        lists: read_csv(&dir.join("lists.csv"), &["entity", "list", "program", "listed_on", "source"]),
        truth: serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap(),
    }
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect()
}

#[test]
fn same_seed_writes_the_same_bytes_and_another_seed_does_not() {
    let args = ["--seed", "7", "--shipments", "3000"];
    let (_a, one) = generated(&args);
    let (_b, two) = generated(&args);
    for f in FILES {
        assert_eq!(std::fs::read(one.join(f)).unwrap(), std::fs::read(two.join(f)).unwrap(), "{f} differs between runs");
    }
    let (_c, other) = generated(&["--seed", "8", "--shipments", "3000"]);
    for f in ["entities.csv", "shipments.csv", "truth.json"] {
        assert_ne!(std::fs::read(one.join(f)).unwrap(), std::fs::read(other.join(f)).unwrap(), "{f} is the same for seeds 7 and 8");
    }
}

#[test]
fn bundle_follows_the_contract() {
    let (_t, dir) = generated(&["--seed", "3", "--shipments", "2500", "--start", "2021-06-01", "--end", "2024-06-30"]);
    let b = load(&dir);
    check_contract(&b);
    assert_eq!(b.shipments.len(), 2500);
    let t = &b.truth;
    assert_eq!(t["generator"], "divtrace synth");
    assert_eq!(t["seed"], 3);
    assert_eq!(t["shipments"], 2500);
    assert_eq!(t["start"], "2021-06-01");

    // Windows entirely after, and entirely before, the invasion still keep every date inside.
    for (start, end) in [("2023-01-01", "2024-12-31"), ("2019-01-01", "2021-12-31")] {
        let (_t, dir) = generated(&["--seed", "4", "--shipments", "1500", "--start", start, "--end", end]);
        let b = load(&dir);
        check_contract(&b);
        check_truth(&b);
    }
}

/// Checks a bundle against the case-bundle contract, with the date window from its truth file.
fn check_contract(b: &Bundle) {
    let start = Day::parse_iso(b.truth["start"].as_str().unwrap()).unwrap();
    let end = Day::parse_iso(b.truth["end"].as_str().unwrap()).unwrap();
    let mut ids = HashSet::new();
    for e in &b.entities {
        assert!(ids.insert(e["id"].clone()), "duplicate entity id {}", e["id"]);
        assert!(!e["name"].trim().is_empty());
        assert!(Country::parse(&e["country"]).is_some(), "bad country {}", e["country"]);
        assert!(matches!(e["kind"].as_str(), "company" | "person"));
        if !e["incorporated"].is_empty() {
            assert!(Day::parse_iso(&e["incorporated"]).is_some());
        }
        for role in e["roles"].split(';').filter(|r| !r.is_empty()) {
            assert!(divtrace::model::Role::parse(role).is_some(), "bad role {role}");
        }
        for ident in e["identifiers"].split(';').filter(|r| !r.is_empty()) {
            let (scheme, value) = ident.split_once(':').expect("scheme:value");
            assert!(!scheme.is_empty() && !value.is_empty());
        }
    }
    assert_eq!(b.shipments.len() as u64, b.truth["shipments"].as_u64().unwrap());
    let mut sids = HashSet::new();
    let mut last = Day(i32::MIN);
    for s in &b.shipments {
        assert!(sids.insert(s["id"].clone()));
        let d = Day::parse_iso(&s["date"]).expect("date");
        assert!(d >= start && d <= end, "{d} outside window");
        assert!(d >= last, "shipments are written in date order");
        last = d;
        assert!(ids.contains(&s["shipper"]) && ids.contains(&s["consignee"]), "{} names an unknown entity", s["id"]);
        assert_ne!(s["shipper"], s["consignee"]);
        assert!(normalize_hs(&s["hs_code"]).is_some(), "hs {}", s["hs_code"]);
        for c in ["origin_country", "from_country", "to_country"] {
            assert!(Country::parse(&s[c]).is_some(), "{c} {}", s[c]);
        }
        assert!(s["quantity"].parse::<u64>().unwrap() > 0);
        let (_, cents) = s["value_usd"].split_once('.').expect("value with decimals");
        assert_eq!(cents.len(), 2);
        let (_, grams) = s["weight_kg"].split_once('.').expect("weight with decimals");
        assert_eq!(grams.len(), 3);
        assert!(!s["source"].is_empty() && !s["description"].is_empty() && !s["unit"].is_empty());
    }
    for r in &b.relations {
        assert!(ids.contains(&r["from"]) && ids.contains(&r["to"]));
        assert!(divtrace::model::RelationKind::parse(&r["kind"]).is_some());
        if r["kind"] == "ownership" {
            let share: u32 = r["share"].parse().unwrap();
            assert!((1..=100).contains(&share));
        }
    }
    for l in &b.lists {
        assert!(ids.contains(&l["entity"]));
        assert!(Day::parse_iso(&l["listed_on"]).is_some());
    }
    for c in b.truth["clusters"].as_array().unwrap() {
        for id in strs(c) {
            assert!(ids.contains(&id), "cluster member {id} is not an entity");
        }
    }
}

/// Maps every id to its canonical id using the truth file's clusters.
fn canon(truth: &Value) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for c in truth["clusters"].as_array().unwrap() {
        let c = strs(c);
        for id in &c {
            m.insert(id.clone(), c[0].clone());
        }
    }
    m
}

#[test]
fn planted_routes_are_time_consistent_diversion_paths() {
    let (_t, dir) = generated(&["--seed", "11", "--shipments", "20000", "--schemes", "12", "--dup-rate", "0.2"]);
    let b = load(&dir);
    assert_eq!(b.truth["schemes"].as_array().unwrap().len(), 12);
    let split = check_truth(&b);
    assert!(split > 0, "with --dup-rate 0.2 some chain should be split across ids");
}

/// Checks every scheme route and decoy in the truth file against the shipments;
/// returns how many schemes are split across duplicate ids.
fn check_truth(b: &Bundle) -> usize {
    let country: HashMap<&str, &str> = b.entities.iter().map(|e| (e["id"].as_str(), e["country"].as_str())).collect();
    let ship: HashMap<&str, &HashMap<String, String>> = b.shipments.iter().map(|s| (s["id"].as_str(), s)).collect();
    let canon = canon(&b.truth);
    let c = |id: &str| canon.get(id).cloned().unwrap_or_else(|| id.to_string());
    let schemes = b.truth["schemes"].as_array().unwrap();
    let mut split = 0;
    for s in schemes {
        let hs6 = s["hs6"].as_str().unwrap();
        assert!(divtrace::refdata::chpl_item(hs6).is_some());
        let chain = strs(&s["entities"]);
        let inter = strs(&s["intermediaries"]);
        assert_eq!(chain[1..=inter.len()], inter[..]);
        for i in &inter {
            assert!(divtrace::refdata::transshipment_source(country[i.as_str()]).is_some(), "{i} is not in a transshipment country");
        }
        assert_eq!(country[chain.last().unwrap().as_str()], "RU");
        let routes = s["routes"].as_array().unwrap();
        assert!(!routes.is_empty());
        let mut uses_dup = false;
        for r in routes {
            let r = strs(r);
            assert_eq!(r.len(), chain.len() - 1, "one shipment per hop");
            for (k, id) in r.iter().enumerate() {
                let sh = ship[id.as_str()];
                assert_eq!(&normalize_hs(&sh["hs_code"]).unwrap()[..6], hs6);
                assert_eq!(c(&sh["shipper"]), chain[k]);
                assert_eq!(c(&sh["consignee"]), chain[k + 1]);
                uses_dup |= sh["shipper"] != chain[k] || sh["consignee"] != chain[k + 1];
                if k > 0 {
                    let prev = Day::parse_iso(&ship[r[k - 1].as_str()]["date"]).unwrap();
                    let gap = Day::parse_iso(&sh["date"]).unwrap().0 - prev.0;
                    assert!((5..=120).contains(&gap), "hop gap {gap} days in {id}");
                }
            }
            let first = ship[r[0].as_str()];
            assert!(country[chain[0].as_str()] == "US" || first["origin_country"] == "US");
        }
        assert_eq!(s["split_by_duplicates"].as_bool().unwrap(), uses_dup);
        split += uses_dup as usize;
    }

    for d in b.truth["decoys"].as_array().unwrap() {
        let kind = d["kind"].as_str().unwrap();
        let sh: Vec<_> = strs(&d["shipments"]).iter().map(|id| ship[id.as_str()]).collect();
        let (first, last) = (sh[0], sh[sh.len() - 1]);
        let date = |s: &HashMap<String, String>| Day::parse_iso(&s["date"]).unwrap().0;
        let hs = |s: &HashMap<String, String>| normalize_hs(&s["hs_code"]).unwrap()[..6].to_string();
        match kind {
            "non_russian_destination" => assert_ne!(last["to_country"], "RU"),
            "hs_mismatch" => assert_ne!(hs(first)[..4], hs(last)[..4]),
            "time_inconsistent" => assert!(date(last) < date(first)),
            "long_dwell" => assert!(date(last) - date(first) > 180),
            _ => {
                assert_eq!(hs(first), hs(last), "{kind}");
                assert!((0..=180).contains(&(date(last) - date(first))), "{kind}");
                assert_eq!(last["to_country"], "RU");
            }
        }
        assert_eq!(
            d["valid_path"].as_bool().unwrap(),
            !matches!(kind, "non_russian_destination" | "hs_mismatch" | "time_inconsistent" | "long_dwell")
        );
    }
    split
}

#[test]
fn bundled_example_case_is_valid_and_its_story_holds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("graphs/turkish-chips");
    let b = load(&dir);
    check_contract(&b);
    assert!(b.entities.len() < 100, "the example must stay small enough to draw");
    assert_eq!(check_truth(&b), 2);
    assert_eq!(b.truth["schemes"].as_array().unwrap().len(), 3);
    // The same trader appears under three ids and no same_as relation says so.
    assert!(b.relations.iter().all(|r| r["kind"] != "same_as"));
    assert!(count_paths(&b) >= 2);
}

#[test]
fn duplicate_ids_form_clusters_and_dup_rate_zero_has_none() {
    let (_t, dir) = generated(&["--seed", "5", "--shipments", "20000", "--dup-rate", "0.1"]);
    let b = load(&dir);
    let names: HashMap<&str, &str> = b.entities.iter().map(|e| (e["id"].as_str(), e["name"].as_str())).collect();
    let clusters = b.truth["clusters"].as_array().unwrap();
    assert!(clusters.len() > 50, "{} clusters", clusters.len());
    for cl in clusters {
        let cl = strs(cl);
        assert!(cl.len() >= 2 && cl.len() <= 3);
        for dup in &cl[1..] {
            assert_ne!(names[dup.as_str()], names[cl[0].as_str()], "a duplicate id must be spelled differently");
        }
    }
    let dup_ids: HashSet<String> = clusters.iter().flat_map(|c| strs(c).into_iter().skip(1)).collect();
    assert!(b.shipments.iter().any(|s| dup_ids.contains(&s["shipper"]) || dup_ids.contains(&s["consignee"])));

    let (_u, none) = generated(&["--seed", "5", "--shipments", "2000", "--dup-rate", "0"]);
    let b = load(&none);
    assert!(b.truth["clusters"].as_array().unwrap().is_empty());
    assert!(b.entities.iter().all(|e| !e["id"].contains("-ENT-")));
    assert!(b.truth["schemes"].as_array().unwrap().iter().all(|s| !s["split_by_duplicates"].as_bool().unwrap()));
}

/// Counts paths from a US shipper to a Russian consignee of at most 4 hops,
/// same HS-6 on every hop, each hop within 0..=180 days after the previous,
/// no entity twice: the brute-force oracle of the route search.
fn count_paths(b: &Bundle) -> usize {
    let country: HashMap<&str, &str> = b.entities.iter().map(|e| (e["id"].as_str(), e["country"].as_str())).collect();
    let mut out: HashMap<(&str, String), Vec<(i32, &str)>> = HashMap::new();
    for s in &b.shipments {
        let hs = normalize_hs(&s["hs_code"]).unwrap()[..6].to_string();
        out.entry((s["shipper"].as_str(), hs)).or_default().push((Day::parse_iso(&s["date"]).unwrap().0, s["consignee"].as_str()));
    }
    fn walk<'a>(
        out: &HashMap<(&'a str, String), Vec<(i32, &'a str)>>,
        country: &HashMap<&str, &str>,
        node: &'a str,
        hs: &str,
        date: i32,
        hops: usize,
        seen: &mut Vec<&'a str>,
    ) -> usize {
        let mut n = 0;
        for &(d, c) in out.get(&(node, hs.to_string())).map(Vec::as_slice).unwrap_or(&[]) {
            if d < date || d > date + 180 || seen.contains(&c) {
                continue;
            }
            if country[c] == "RU" {
                n += 1;
            }
            if hops < 4 {
                seen.push(c);
                n += walk(out, country, c, hs, d, hops + 1, seen);
                seen.pop();
            }
        }
        n
    }
    let mut total = 0;
    for ((shipper, hs), edges) in &out {
        if country[shipper] != "US" {
            continue;
        }
        for &(d, c) in edges {
            if country[c] == "RU" {
                total += 1;
            }
            total += walk(&out, &country, c, hs, d, 2, &mut vec![shipper, c]);
        }
    }
    total
}

#[test]
fn background_does_not_flood_the_route_search() {
    let (_t, dir) = generated(&["--seed", "2", "--shipments", "2000", "--dup-rate", "0"]);
    let b = load(&dir);
    let paths = count_paths(&b);
    let routes: usize = b.truth["schemes"].as_array().unwrap().iter().map(|s| s["routes"].as_array().unwrap().len()).sum();
    // Every planted route is a path; background adds only direct pre-invasion and medicine sales.
    assert!(paths >= routes, "{paths} paths < {routes} routes");
    assert!(paths < 400, "{paths} paths on 2,000 shipments");
}

#[test]
fn refuses_a_non_empty_directory_unless_forced_and_bad_flags() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("keep.txt"), "x").unwrap();
    let out = synth(tmp.path(), &["--shipments", "200"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out"));
    let out = synth(tmp.path(), &["--shipments", "200", "--force"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(tmp.path().join("keep.txt").exists() && tmp.path().join("shipments.csv").exists());

    for (args, flag) in [
        (vec!["--shipments", "99"], "--shipments"),
        (vec!["--shipments", "500", "--start", "2024-13-01"], "--start"),
        (vec!["--shipments", "500", "--start", "2024-01-01", "--end", "2024-06-01"], "--end"),
        (vec!["--shipments", "500", "--dup-rate", "1.5"], "--dup-rate"),
        (vec!["--shipments", "100", "--schemes", "40"], "--schemes"),
    ] {
        let d = tmp.path().join(format!("x{}", flag.len() + args.len()));
        let out = synth(&d, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag), "{args:?}: {err}");
        assert!(!err.contains("panicked"));
    }
}

#[test]
fn smallest_bundle_has_every_decoy_kind() {
    let (_t, dir) = generated(&["--shipments", "100"]);
    let b = load(&dir);
    assert_eq!(b.shipments.len(), 100);
    let kinds: HashSet<String> = b.truth["decoys"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap().to_string()).collect();
    assert_eq!(kinds.len(), 9, "{kinds:?}");
    assert!(b.truth["schemes"].as_array().unwrap().len() >= 3);
}

#[test]
fn hubs_add_hub_trade_and_change_no_answer() {
    let args = ["--seed", "2", "--shipments", "6000", "--dup-rate", "0"];
    let (_a, plain) = generated(&args);
    let (_b, hubbed) = generated(&[&args[..], &["--hubs", "5"]].concat());
    let (p, h) = (load(&plain), load(&hubbed));
    // The world is the same with five hubs appended; the planted schemes keep their ids.
    assert_eq!(h.entities.len(), p.entities.len() + 5);
    assert_eq!(&h.entities[..p.entities.len()], &p.entities[..]);
    assert_eq!(std::fs::read(plain.join("truth.json")).unwrap(), std::fs::read(hubbed.join("truth.json")).unwrap());
    let hubs: Vec<&HashMap<String, String>> = h.entities[p.entities.len()..].iter().collect();
    let countries: Vec<&str> = hubs.iter().map(|e| e["country"].as_str()).collect();
    assert_eq!(countries, ["TR", "AE", "HK", "CN", "KZ"]);
    let country: HashMap<&str, &str> = h.entities.iter().map(|e| (e["id"].as_str(), e["country"].as_str())).collect();
    let is_hub = |id: &str| hubs.iter().any(|e| e["id"] == id);
    let hs6 = |s: &HashMap<String, String>| normalize_hs(&s["hs_code"]).unwrap()[..6].to_string();
    let chpl = |s: &HashMap<String, String>| divtrace::refdata::chpl_item(&hs6(s)).is_some();
    let from_us: Vec<_> = h.shipments.iter().filter(|s| is_hub(&s["consignee"]) && country[s["shipper"].as_str()] == "US").collect();
    let to_ru: Vec<_> = h.shipments.iter().filter(|s| is_hub(&s["shipper"]) && country[s["consignee"].as_str()] == "RU").collect();
    // Hubs are big: a large share of all lines, most of them US goods on the CHPL.
    assert!(from_us.len() > 6000 / 10, "{} US lines into hubs", from_us.len());
    assert!(from_us.iter().all(|s| chpl(s)));
    assert!(!to_ru.is_empty());
    // What a hub sends to Russia never shares an HS-4 heading with what it gets from the US.
    for r in &to_ru {
        assert!(!chpl(r), "{r:?}");
        let heading = &hs6(r)[..4];
        assert!(from_us.iter().all(|u| u["consignee"] != r["shipper"] || &hs6(u)[..4] != heading), "{r:?}");
    }
    // So hub trade adds no route: every path is a planted route or a direct sale, as without hubs.
    let paths = count_paths(&h);
    assert!(paths < 1200, "{paths} paths");
    let out = synth(&hubbed.with_file_name("bad"), &["--shipments", "1000", "--hubs", "100000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--hubs"));
}
