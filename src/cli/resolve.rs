//! `divtrace resolve`: cluster a case's entities, take analyst decisions, list borderline pairs.

use std::collections::HashMap;
use std::io::Write;

use super::output::{self, io, Csv, Format};
use super::CaseArg;
use divtrace::model::Role;
use divtrace::resolve::cluster::{self, Hints, Record};
use divtrace::resolve::manufacturer::{self, Maker, MakerText};
use divtrace::store::resolution::{self, ClusterRecord, PairRecord};
use divtrace::store::Case;
use divtrace::Result;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub case: CaseArg,
    /// Record that entities A and B (bundle ids) are the same, then re-resolve
    #[arg(long, num_args = 2, value_names = ["A", "B"], conflicts_with = "split")]
    pub merge: Option<Vec<String>>,
    /// Record that entities A and B (bundle ids) are different, then re-resolve
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    pub split: Option<Vec<String>>,
    /// List the borderline pairs (not merged, worth an analyst's look) instead of the clusters
    #[arg(long)]
    pub review: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<()> {
    let mut case = Case::open(&args.case.case)?;
    for (pair, same, flag) in [(&args.merge, true, "--merge"), (&args.split, false, "--split")] {
        if let Some(p) = pair {
            let a = resolution::find_entity(&case, &p[0], flag)?;
            let b = resolution::find_entity(&case, &p[1], flag)?;
            if a == b {
                return Err(divtrace::Error::usage(flag, "A and B are the same entity"));
            }
            resolution::record_decision(&mut case, a, b, same)?;
        }
    }
    let ents = resolution::entities(&case)?;
    let records: Vec<Record> = ents
        .iter()
        .map(|e| {
            let mut names = vec![e.name.clone()];
            names.extend(e.aliases.iter().cloned());
            Record {
                id: e.id,
                kind: e.kind,
                names,
                country: e.country.clone(),
                address: e.address.clone(),
                identifiers: e.identifiers.clone(),
            }
        })
        .collect();
    let mut hints = Hints::default();
    for (a, b, kind) in resolution::relations(&case, &["same_as", "not_same", "director", "ownership"])? {
        match kind.to_ascii_lowercase().as_str() {
            "same_as" => hints.same_as.push((a, b)),
            "not_same" => hints.not_same.push((a, b)),
            _ => hints.officers.push((a, b)),
        }
    }
    let res = cluster::resolve(&records, &hints);
    let clusters: Vec<ClusterRecord> = res
        .clusters
        .iter()
        .map(|c| ClusterRecord { representative: c.representative, name: c.name.clone(), members: c.members.clone() })
        .collect();
    let pairs: Vec<PairRecord> = res
        .pairs
        .iter()
        .map(|p| PairRecord {
            a: p.a,
            b: p.b,
            decision: p.decision.as_str(),
            basis: p.basis.as_str(),
            score: p.score,
            detail: p.detail.clone(),
        })
        .collect();
    resolution::write_clusters(&mut case, &clusters, &pairs)?;

    let makers: Vec<Maker> = ents
        .iter()
        .filter(|e| divtrace::model::Roles::from_list(&e.roles).contains(Role::Manufacturer))
        .map(|e| {
            let mut names = vec![e.name.clone()];
            names.extend(e.aliases.iter().cloned());
            Maker { id: e.id, names, country: e.country.clone() }
        })
        .collect();
    let texts: Vec<MakerText> = resolution::manufacturer_texts(&case)?
        .into_iter()
        .map(|t| MakerText { shipment: t.shipment, text: t.manufacturer, origin_country: t.origin_country })
        .collect();
    let links = manufacturer::link(&makers, &texts);
    resolution::write_manufacturer_links(
        &mut case,
        &links.iter().map(|l| (l.shipment, l.entity, l.score, l.matched_name.clone())).collect::<Vec<_>>(),
    )?;

    let by_id: HashMap<i64, &resolution::EntityRecord> = ents.iter().map(|e| (e.id, e)).collect();
    let ext = |id: i64| by_id[&id].input_id.clone();
    let name = |id: i64| by_id[&id].name.clone();
    let pair_json = |p: &cluster::Pair| {
        serde_json::json!({
            "a": ext(p.a), "b": ext(p.b), "a_name": name(p.a), "b_name": name(p.b),
            "basis": p.basis.as_str(), "decision": p.decision.as_str(),
            "score": (p.score * 1000.0).round() / 1000.0, "detail": p.detail,
        })
    };
    let conflicts: Vec<(String, String)> = res.conflicts.iter().map(|&(a, b)| (ext(a), ext(b))).collect();
    if args.review {
        let review: Vec<&cluster::Pair> = res.pairs.iter().filter(|p| p.decision == cluster::Decision::Review).collect();
        return match args.format {
            Format::Json => output::json(out, &serde_json::json!({ "review": review.iter().map(|p| pair_json(p)).collect::<Vec<_>>() })),
            Format::Csv => {
                let mut w = Csv::new(out, ["a", "b", "a_name", "b_name", "score", "detail"])?;
                for p in &review {
                    w.row([ext(p.a), ext(p.b), name(p.a), name(p.b), format!("{:.3}", p.score), p.detail.clone()])?;
                }
                w.finish()
            }
            Format::Table => {
                if review.is_empty() {
                    return io(writeln!(out, "no borderline pairs"));
                }
                for p in review {
                    io(writeln!(
                        out,
                        "{:.3}  {} '{}'  ~  {} '{}'\n       {}",
                        p.score,
                        ext(p.a),
                        name(p.a),
                        ext(p.b),
                        name(p.b),
                        p.detail
                    ))?;
                }
                Ok(())
            }
        };
    }
    let multi: Vec<&cluster::Cluster> = res.clusters.iter().filter(|c| c.members.len() > 1).collect();
    // Merged pairs by cluster, in decision order (one pass: clusters can be many).
    let cluster_of: HashMap<i64, i64> = multi.iter().flat_map(|c| c.members.iter().map(move |&m| (m, c.representative))).collect();
    let mut merged_by: HashMap<i64, Vec<&cluster::Pair>> = HashMap::new();
    for p in res.pairs.iter().filter(|p| p.decision == cluster::Decision::Merged) {
        if let Some(&c) = cluster_of.get(&p.a) {
            merged_by.entry(c).or_default().push(p);
        }
    }
    let evidence_of = |c: &cluster::Cluster| -> Vec<&cluster::Pair> { merged_by.get(&c.representative).cloned().unwrap_or_default() };
    match args.format {
        Format::Json => {
            let cs: Vec<serde_json::Value> = multi
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": ext(c.representative),
                        "name": c.name,
                        "members": c.members.iter().map(|&m| ext(m)).collect::<Vec<_>>(),
                        "evidence": evidence_of(c).into_iter().map(pair_json).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "clusters": cs,
                "conflicts": conflicts.iter().map(|(a, b)| serde_json::json!([a, b])).collect::<Vec<_>>(),
                "manufacturer_links": links.len(),
            });
            output::json(out, &doc)
        }
        Format::Csv => {
            let mut w = Csv::new(out, ["cluster", "cluster_name", "member", "member_name"])?;
            for c in &multi {
                for &m in &c.members {
                    w.row([ext(c.representative), c.name.clone(), ext(m), name(m)])?;
                }
            }
            w.finish()
        }
        Format::Table => {
            for c in &multi {
                let ms: Vec<String> = c.members.iter().map(|&m| ext(m)).collect();
                io(writeln!(out, "{} '{}' ({} records: {})", ext(c.representative), c.name, c.members.len(), ms.join(", ")))?;
                for p in evidence_of(c) {
                    io(writeln!(out, "  {} ~ {}  {} {:.3}  {}", ext(p.a), ext(p.b), p.basis.as_str(), p.score, p.detail))?;
                }
            }
            let review = res.pairs.iter().filter(|p| p.decision == cluster::Decision::Review).count();
            io(writeln!(
                out,
                "{} entities in {} clusters ({} merged clusters); {} pairs for review (resolve --review); {} of {} manufacturer texts linked",
                records.len(),
                res.clusters.len(),
                multi.len(),
                review,
                links.len(),
                texts.len()
            ))?;
            for (a, b) in &conflicts {
                io(writeln!(out, "conflict: {a} and {b} are marked not_same but same_as decisions join them"))?;
            }
            Ok(())
        }
    }
}
