#!/usr/bin/env python3
"""Pairwise precision and recall of a resolved case against the planted
groups of benches/resolve_gen.py (truth.csv: id,group).

Usage: resolve_score.py TRUTH.csv CASE.db
"""
import csv, sqlite3, sys
from collections import defaultdict
from itertools import combinations


def pairs(groups):
    out = set()
    for members in groups.values():
        if len(members) > 1:
            out.update(combinations(sorted(members), 2))
    return out


def main():
    truth = defaultdict(list)
    with open(sys.argv[1], encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth[row["group"]].append(row["id"])
    db = sqlite3.connect(sys.argv[2])
    found = defaultdict(list)
    for ent, cl in db.execute("SELECT e.input_id, c.cluster FROM entity_cluster c JOIN entity e ON e.id = c.entity"):
        found[cl].append(ent)
    t, f = pairs(truth), pairs(found)
    tp = len(t & f)
    print(f"truth pairs {len(t)}  found pairs {len(f)}  precision {tp / max(len(f), 1):.4f}  recall {tp / max(len(t), 1):.4f}")


if __name__ == "__main__":
    main()
