#!/usr/bin/env python3
"""Scores `divtrace assess` and `divtrace resolve` on an eval/tradegen.py case.

ratings  TRUTH.csv ASSESS.csv [--show N]
    ASSESS.csv is `divtrace assess --case C --all --format csv`. Each true party (truth group) outside Russia and
    Belarus, makers included, gets the highest score of the assessments that list one of its ids among their
    members; parties never assessed score 0. Prints ROC AUC (ties count half) and average precision (ties
    grouped, as a ranked list read score level by score level) of scheme intermediaries (label 1) against every
    other party, the score of each class, and the highest-scoring parties of the other side.
schemes  TRUTH.csv SCHEMES.csv CASE.db
    A scheme is found when every intermediary with two ids has both in one resolved cluster (entity_cluster).
    Prints the share found, by scheme class.
"""
import csv
import sqlite3
import sys
from collections import Counter, defaultdict


def read_truth(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def auc_ap(scored):
    """scored: [(score, label)]. ROC AUC with ties half; AP with tied scores taken as one step."""
    pos = sum(1 for _, y in scored if y)
    neg = len(scored) - pos
    by = defaultdict(lambda: [0, 0])
    for s, y in scored:
        by[s][1 if y else 0] += 1
    auc, neg_below, tp, fp, ap = 0.0, 0, 0, 0, 0.0
    for s in sorted(by):
        n, p = by[s]
        auc += p * (neg_below + n / 2)
        neg_below += n
    for s in sorted(by, reverse=True):
        n, p = by[s]
        tp += p
        fp += n
        if p:
            ap += (p / pos) * (tp / (tp + fp))
    return auc / (pos * neg), ap, pos, neg


def ratings(truth_path, assess_path, show):
    truth = read_truth(truth_path)
    group_of = {t["id"]: t["group"] for t in truth}
    info = {}
    for t in truth:
        if t["id"] == t["group"]:
            info[t["group"]] = (t["cls"], int(t["label"]), t["country"])
    score = defaultdict(int)
    factors = {}
    with open(assess_path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            ids = [x for x in row["members"].split(";") if x] or [row["entity"]]
            for i in ids:
                grp = group_of.get(i)
                if grp is not None and int(row["score"]) >= score[grp]:
                    score[grp] = int(row["score"])
                    factors[grp] = row["factors"]
    scored = [(score[g], y) for g, (c, y, ctry) in info.items() if ctry not in ("RU", "BY")]
    auc, ap, pos, neg = auc_ap(scored)
    print(f"ratings: {pos} scheme intermediaries, {neg} other non-RU/BY parties: ROC AUC {auc:.4f}, average precision {ap:.4f}")
    per = defaultdict(list)
    for g, (c, y, ctry) in info.items():
        if ctry not in ("RU", "BY"):
            per[c].append(score[g])
    for c in sorted(per):
        v = sorted(per[c])
        print(f"  {c:13s} n={len(v):5d} mean {sum(v) / len(v):5.1f}  min {v[0]:3d}  median {v[len(v) // 2]:3d}  max {v[-1]:3d}"
              f"  >=50: {sum(1 for x in v if x >= 50) / len(v):.3f}")
    if show:
        neg_top = sorted(((score[g], g) for g, (c, y, ctry) in info.items() if not y and ctry not in ("RU", "BY")), reverse=True)[:show]
        pos_low = sorted((score[g], g) for g, (c, y, ctry) in info.items() if y)[:show]
        print("  highest others:")
        for s, g in neg_top:
            print(f"    {s:3d} {g} {info[g][0]} {info[g][2]} {factors.get(g, '')}")
        print("  lowest intermediaries:")
        for s, g in pos_low:
            print(f"    {s:3d} {g} {info[g][0]} {info[g][2]} {factors.get(g, '')}")


def schemes(truth_path, schemes_path, case_path):
    truth = read_truth(truth_path)
    ids = defaultdict(list)
    for t in truth:
        ids[t["group"]].append(t["id"])
    db = sqlite3.connect(case_path)
    cluster = dict(db.execute("SELECT e.input_id, c.cluster FROM entity_cluster c JOIN entity e ON e.id = c.entity"))
    found, total = Counter(), Counter()
    split = 0
    with open(schemes_path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            ok = True
            for grp in row["groups"].split(";"):
                members = ids[grp]
                if len(members) > 1:
                    split += 1
                    cl = {cluster.get(m, ("self", m)) for m in members}
                    ok = ok and len(cl) == 1
            total[row["cls"]] += 1
            found[row["cls"]] += ok
    n, k = sum(total.values()), sum(found.values())
    print(f"schemes found after resolve: {k} of {n} = {k / n:.3f} ({split} intermediaries under two ids)")
    for c in sorted(total):
        print(f"  {c:10s} {found[c]} of {total[c]}")


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "ratings":
        show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 0
        ratings(sys.argv[2], sys.argv[3], show)
    elif len(sys.argv) == 5 and sys.argv[1] == "schemes":
        schemes(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
