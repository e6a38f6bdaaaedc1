#!/usr/bin/env python3
"""Baseline for divtrace's name scoring: rapidfuzz on the same candidate
pairs (written by `cargo bench --bench resolve_pairs -- ENTITIES PAIRS`).

Times, on one thread, fuzz.token_set_ratio and fuzz.ratio (both with
rapidfuzz's default_process: lower-case, non-alphanumerics to spaces) over
every pair in a Python loop, and rapidfuzz.process.cpdist (the pairs scored
inside C++, no Python loop) with workers=1.

Usage: resolve_rapidfuzz.py PAIRS.csv
"""
import csv, sys, time

import rapidfuzz
from rapidfuzz import fuzz, process, utils


def main():
    with open(sys.argv[1], encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    a = [r[0] for r in rows]
    b = [r[1] for r in rows]
    n = len(rows)
    print(f"rapidfuzz {rapidfuzz.__version__}, {n} pairs")
    for name, scorer in (("token_set_ratio", fuzz.token_set_ratio), ("ratio", fuzz.ratio)):
        t = time.perf_counter()
        s = 0.0
        for x, y in zip(a, b):
            s += scorer(x, y, processor=utils.default_process)
        dt = time.perf_counter() - t
        print(f"{name} (Python loop): {dt:.2f} s = {n / dt:.0f} pairs/s (mean {s / n:.1f})")
        t = time.perf_counter()
        r = process.cpdist(a, b, scorer=scorer, processor=utils.default_process, workers=1)
        dt = time.perf_counter() - t
        print(f"{name} (process.cpdist, workers=1): {dt:.2f} s = {n / dt:.0f} pairs/s (mean {r.mean():.1f})")


if __name__ == "__main__":
    main()
