#!/usr/bin/env python3
"""Pairwise scores of a resolved case against eval/namegen.py's truth.csv.

Reads the clusters `divtrace resolve` stored in the case (entity_cluster)
and its scored pairs (resolution_evidence). Prints precision, recall and F1
over all pairs of records that share a group, recall per duplicate class,
false merges per negative class, false merges per 10,000 entities, and a
threshold sweep over the stored pair scores (pairs at or above the
threshold, without transitive closure).

Usage: score.py TRUTH.csv CASE.db [--json]
"""
import csv
import json
import sqlite3
import sys
from collections import Counter, defaultdict
from itertools import combinations


def main():
    truth_path, case_path = sys.argv[1], sys.argv[2]
    group, cls = {}, {}
    with open(truth_path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            group[row["id"]] = row["group"]
            cls[row["id"]] = row["cls"]
    members = defaultdict(list)
    for i, g in group.items():
        members[g].append(i)
    true_pairs = set()
    for ms in members.values():
        true_pairs.update(combinations(sorted(ms), 2))
    db = sqlite3.connect(case_path)
    found = defaultdict(list)
    for ent, cl in db.execute("SELECT e.input_id, c.cluster FROM entity_cluster c JOIN entity e ON e.id = c.entity"):
        found[cl].append(ent)
    found_pairs = set()
    for ms in found.values():
        found_pairs.update(combinations(sorted(ms), 2))
    tp = len(true_pairs & found_pairs)
    p = tp / len(found_pairs) if found_pairs else 1.0
    r = tp / len(true_pairs) if true_pairs else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0

    def pair_class(a, b):
        ca, cb = cls[a], cls[b]
        return cb if ca == "base" else ca

    per_true, per_hit = Counter(), Counter()
    for a, b in true_pairs:
        c = pair_class(a, b)
        per_true[c] += 1
        per_hit[c] += (a, b) in found_pairs
    false_by = Counter()
    for a, b in found_pairs - true_pairs:
        false_by["/".join(sorted({cls[a], cls[b]}))] += 1
    ev = [(min(a, b), max(a, b), s) for a, b, s in db.execute(
        "SELECT ea.input_id, eb.input_id, r.score FROM resolution_evidence r JOIN entity ea ON ea.id = r.entity_a "
        "JOIN entity eb ON eb.id = r.entity_b WHERE r.basis != 'analyst'")]
    sweep = []
    for t in [0.70, 0.75, 0.80, 0.85, 0.88, 0.90, 0.92, 0.94, 0.96]:
        pred = {(a, b) for a, b, s in ev if s >= t}
        hit = len(pred & true_pairs)
        sweep.append({"threshold": t, "pairs": len(pred), "precision": round(hit / len(pred), 4) if pred else 1.0,
                      "recall": round(hit / len(true_pairs), 4) if true_pairs else 1.0})
    n = len(group)
    out = {
        "entities": n, "true_pairs": len(true_pairs), "found_pairs": len(found_pairs), "true_positives": tp,
        "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
        "false_merges": len(found_pairs - true_pairs), "false_merges_per_10k": round(len(found_pairs - true_pairs) * 10000 / n, 2),
        "recall_by_class": {c: {"pairs": per_true[c], "recall": round(per_hit[c] / per_true[c], 4)} for c in sorted(per_true)},
        "false_merges_by_class": dict(sorted(false_by.items())),
        "sweep": sweep,
    }
    if "--json" in sys.argv:
        print(json.dumps(out, indent=1))
        return
    print(f"entities {n}  true pairs {len(true_pairs)}  found pairs {len(found_pairs)}")
    print(f"precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}  false merges {out['false_merges']} ({out['false_merges_per_10k']} per 10,000 entities)")
    for c, v in out["recall_by_class"].items():
        print(f"  recall {c:16s} {v['recall']:.3f}  ({v['pairs']} pairs)")
    for c, k in out["false_merges_by_class"].items():
        print(f"  false merges {c:24s} {k}")
    print("  sweep (stored pair scores >= t, no closure):")
    for s in sweep:
        print(f"    t={s['threshold']:.2f}  pairs {s['pairs']:6d}  precision {s['precision']:.4f}  recall {s['recall']:.4f}")


if __name__ == "__main__":
    main()
