#!/usr/bin/env python3
"""Writes a fictional sanctions list in OFAC's legacy SDN layout (sdn.csv,
add.csv, alt.csv; no header, `-0- ` for empty cells) for timing
`divtrace screen`.

Entries are fictional companies built like benches/resolve_gen.py's; a
share of them (--from-case, default 500) are respellings of names taken from
an existing entities.csv so that screening finds something. About a third of
the entries get one alias, every entry one address with its country, some a
tax id in the remarks.

Usage: screen_gen.py --entries 20000 --entities B/entities.csv --out DIR [--seed 2]
"""
import argparse, csv, os, random, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resolve_gen import COUNTRIES, CITIES, STREETS, make, render, variant  # noqa: E402

NAMES = {"TR": "Turkey", "AE": "United Arab Emirates", "RU": "Russia", "KZ": "Kazakhstan", "KG": "Kyrgyzstan", "AM": "Armenia",
         "HK": "Hong Kong", "CN": "China", "US": "United States", "DE": "Germany", "GB": "United Kingdom", "IN": "India",
         "SG": "Singapore", "RS": "Serbia", "BY": "Belarus"}
PROGRAMS = ["RUSSIA-EO14024", "UKRAINE-EO13662", "BELARUS-EO14038", "CYBER2", "NPWMD"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=20_000)
    ap.add_argument("--entities", required=True)
    ap.add_argument("--from-case", type=int, default=500)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    r = random.Random(a.seed)
    with open(a.entities, encoding="utf-8") as f:
        ents = [(row["name"], row["country"]) for row in csv.DictReader(f)]
    picked = r.sample(ents, a.from_case)
    os.makedirs(a.out, exist_ok=True)
    sdn = csv.writer(open(os.path.join(a.out, "sdn.csv"), "w", newline="", encoding="utf-8"), lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    add = csv.writer(open(os.path.join(a.out, "add.csv"), "w", newline="", encoding="utf-8"), lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    alt = csv.writer(open(os.path.join(a.out, "alt.csv"), "w", newline="", encoding="utf-8"), lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    add_num = alt_num = 0
    for i in range(a.entries):
        ent = 50_000 + i
        if i < len(picked):
            name, country = picked[i]
            name = name.upper()
            aliases = []
        else:
            country = r.choice(COUNTRIES)
            core, fi = make(r, country)
            name = render(core, country, fi).upper()
            aliases = [variant(r, core, country, fi).upper()] if r.random() < 0.33 else []
        remarks = f"Tax ID No. {r.randrange(10**9, 10**10)} ({NAMES[country]})." if r.random() < 0.3 else "-0- "
        sdn.writerow([ent, name, "-0- ", r.choice(PROGRAMS), "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", remarks])
        add_num += 1
        add.writerow([ent, add_num, f"{r.randrange(1, 300)} {r.choice(STREETS)}", CITIES[country], NAMES[country], "-0- "])
        for al in aliases:
            alt_num += 1
            alt.writerow([ent, alt_num, "aka", al, "-0- "])


if __name__ == "__main__":
    main()
