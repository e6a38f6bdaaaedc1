#!/usr/bin/env python3
"""Scores OpenSanctions' matcher (nomenklatura logic-v2, the yente default,
accepted from 0.70) on the screening queries of eval/ofac_eval.py against
the same OFAC extract divtrace screens (fixtures/lists/ofac), and prints the
figures in the same form as `eval/ofac_eval.py score`.

nomenklatura only scores pairs; yente finds candidates with a full-text
index. Here a query is scored against every entry sharing a name word of
three letters or more that fewer than 200 entries hold (a generous stand-in
for that index: the true entry shares words in all but a few typo queries).

Usage: screen_nomenklatura.py QUERIES_DIR [THRESHOLD]  (in a venv with nomenklatura)
"""
import csv
import os
import re
import sys
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eval"))
import ofac_eval  # noqa: E402
from followthemoney import model  # noqa: E402
from nomenklatura.matching import LogicV2  # noqa: E402


def words(n):
    return {w for w in re.findall(r"\w+", n.lower()) if len(w) >= 3}


def main():
    qdir = sys.argv[1]
    threshold = float(sys.argv[2]) if len(sys.argv) > 2 else 0.70
    ents = ofac_eval.load()
    entities, index = {}, defaultdict(set)
    for num, e in ents.items():
        schema = "Person" if e["kind"] == "person" else "Vessel" if e["kind"] == "vessel" else "Organization"
        x = model.make_entity(schema)
        x.id = f"ofac-{num}"
        x.add("name", e["name"])
        x.add("alias", e["aka"] + e["fka"])
        x.add("country", e["countries"])
        entities[num] = x
        for n in [e["name"]] + e["aka"] + e["fka"]:
            for w in words(n):
                index[w].add(num)
    config = LogicV2.default_config()
    truth, hits = {}, defaultdict(list)
    with open(os.path.join(qdir, "truth.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth[row["id"]] = (row["entry"], row["cls"])
    with open(os.path.join(qdir, "entities.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            q = model.make_entity("Company")
            q.id = row["id"]
            q.add("name", row["name"])
            if row["country"]:
                q.add("country", row["country"])
            cands = set()
            for w in words(row["name"]):
                if len(index.get(w, ())) < 200:
                    cands |= index.get(w, set())
            for num in cands:
                s = LogicV2.compare(q, entities[num], config).score
                if s >= 0.5:
                    hits[row["id"]].append((s, num))
    print(f"nomenklatura {LogicV2.NAME} (threshold {threshold:.2f})")
    print(ofac_eval.evaluate(truth, hits, threshold))


if __name__ == "__main__":
    main()
