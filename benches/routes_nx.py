#!/usr/bin/env python3
"""Routes US -> RU (docs/routes.md, no resolution, no filters) with networkx:
build a MultiDiGraph from the bundle's CSV files, then a depth-first search
from the US side (forward) or the RU side (backward).

Nodes are (entity id, HS-6 key) pairs: consecutive hops must share the key,
so the DFS only ever looks at edges carrying the same goods (a graph with
plain entity nodes makes the DFS scan every shipment of a busy trader at
each step: over 12 minutes without finishing on 1,000,000 shipments).

    routes_nx.py BUNDLE_DIR forward|backward [MAX_HOPS] [--times FILE]

Prints the route count; with --times, appends {"build_s", "search_s", "routes"}
as a JSON line to FILE (the harness discards stdout).
"""
import csv, datetime, json, re, sys, time

import networkx as nx

DWELL = 180


def load(bundle):
    g = nx.MultiDiGraph()
    country = {}
    with open(f"{bundle}/entities.csv", newline="") as f:
        for row in csv.DictReader(f):
            country[row["id"]] = (row["country"] or "").strip().upper()
    with open(f"{bundle}/shipments.csv", newline="") as f:
        for row in csv.DictReader(f):
            day = datetime.date.fromisoformat(row["date"]).toordinal()
            key = re.sub(r"[^0-9]", "", row["hs_code"])[:6]
            g.add_edge((row["shipper"], key), (row["consignee"], key), d=day)
    return g, country


def forward(g, country, max_hops):
    count = 0

    def dfs(v, d, hops, seen):
        nonlocal count
        for _, w, a in g.out_edges(v, data=True):
            if a["d"] < d or a["d"] > d + DWELL or w[0] in seen:
                continue
            if country.get(w[0]) == "RU":
                count += 1
            if hops < max_hops:
                seen.add(w[0])
                dfs(w, a["d"], hops + 1, seen)
                seen.discard(w[0])

    for u in g.nodes:
        if country.get(u[0]) != "US":
            continue
        for _, v, a in g.out_edges(u, data=True):
            if v[0] == u[0]:
                continue
            if country.get(v[0]) == "RU":
                count += 1
            if max_hops > 1:
                dfs(v, a["d"], 2, {u[0], v[0]})
    return count


def backward(g, country, max_hops):
    count = 0

    def dfs(v, d, hops, seen):
        nonlocal count
        for u, _, a in g.in_edges(v, data=True):
            if a["d"] > d or d > a["d"] + DWELL or u[0] in seen:
                continue
            if country.get(u[0]) == "US":
                count += 1
            if hops < max_hops:
                seen.add(u[0])
                dfs(u, a["d"], hops + 1, seen)
                seen.discard(u[0])

    for v in g.nodes:
        if country.get(v[0]) != "RU":
            continue
        for u, _, a in g.in_edges(v, data=True):
            if u[0] == v[0]:
                continue
            if country.get(u[0]) == "US":
                count += 1
            if max_hops > 1:
                dfs(u, a["d"], 2, {u[0], v[0]})
    return count


def main():
    args = sys.argv[1:]
    times = None
    if "--times" in args:
        i = args.index("--times")
        times = args[i + 1]
        del args[i : i + 2]
    bundle, direction = args[0], args[1]
    max_hops = int(args[2]) if len(args) > 2 else 4
    sys.setrecursionlimit(10000)
    t0 = time.perf_counter()
    g, country = load(bundle)
    t1 = time.perf_counter()
    n = (forward if direction == "forward" else backward)(g, country, max_hops)
    t2 = time.perf_counter()
    print(n)
    if times:
        with open(times, "a") as f:
            f.write(json.dumps({"direction": direction, "build_s": t1 - t0, "search_s": t2 - t1, "routes": n}) + "\n")


if __name__ == "__main__":
    main()
