#!/usr/bin/env python3
"""Real-data evaluation from the OFAC extract in fixtures/lists/ofac/.

Subcommands:
  pairs DIR            a case bundle of every entry's primary name and each of its
                       `aka` names as separate records (the real positive pairs);
                       distinct entries with similar names are the real negatives.
                       truth.csv: id, group (ent_num), cls (`base` or `ofac_aka`).
  queries DIR [SEED]   screening queries "written as declarants write them" (seed 11 by default):
                       each listed company respelt by one class (see CLASSES),
                       plus fictional unlisted names for the false-positive rate.
                       truth.csv: id, entry (ent_num, empty when unlisted), cls.
  score TRUTH MATCHES  top-1, recall and false-positive rate of a
                       `divtrace screen --case ... --format csv` run, per class,
                       with a threshold sweep (run screen with a low --threshold).

The variants are written from the list's own names by rules below; nothing
here is shared with the matcher or with `divtrace synth`.
"""
import csv
import os
import random
import re
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OFAC = os.path.join(ROOT, "fixtures", "lists", "ofac")


def clean(v):
    v = v.strip()
    return "" if v == "-0-" else v


def country_codes():
    codes = {}
    with open(os.path.join(ROOT, "src", "refdata", "countries.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            codes[row["name"].lower()] = row["iso2"]
            for alt in row["alt_names"].split("|"):
                codes.setdefault(alt.strip().lower(), row["iso2"])
    codes.update({"russia": "RU", "turkey": "TR", "türkiye": "TR", "hong kong": "HK", "china": "CN", "iran": "IR",
                  "korea, north": "KP", "uzbekistan": "UZ", "kyrgyzstan": "KG", "belarus": "BY", "united arab emirates": "AE"})
    return codes


def load():
    codes = country_codes()
    ents = {}
    with open(os.path.join(OFAC, "sdn.csv"), encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            kind = clean(row[2]).lower()
            ents[row[0]] = {"name": clean(row[1]), "kind": "person" if kind == "individual" else "vessel" if kind == "vessel" else "company",
                            "aka": [], "fka": [], "countries": []}
    with open(os.path.join(OFAC, "alt.csv"), encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            e = ents.get(row[0])
            if e is not None and clean(row[3]):
                e["aka" if clean(row[2]).lower() == "aka" else "fka"].append(clean(row[3]))
    with open(os.path.join(OFAC, "add.csv"), encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            e = ents.get(row[0])
            c = codes.get(clean(row[4]).lower())
            if e is not None and c and c not in e["countries"]:
                e["countries"].append(c)
    return ents


def person_name(n):
    # OFAC writes persons "LAST, First"; declarants write "First Last".
    if "," in n:
        last, first = n.split(",", 1)
        return f"{first.strip()} {last.strip()}"
    return n


def write_bundle(out, rows, truth_head, truth):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "entities.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "kind", "country"])
        w.writerows(rows)
    with open(os.path.join(out, "truth.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(truth_head)
        w.writerows(truth)
    with open(os.path.join(out, "shipments.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "date", "shipper", "consignee", "hs_code"])
        w.writerow(["S1", "2024-01-02", rows[0][0], rows[1][0], "854239"])


def cmd_pairs(out):
    ents = load()
    rows, truth = [], []
    for num, e in sorted(ents.items(), key=lambda x: int(x[0])):
        c = e["countries"][0] if len(e["countries"]) == 1 else ""
        names = [e["name"]] + e["aka"]
        for k, n in enumerate(names):
            if e["kind"] == "person":
                n = person_name(n)
            rid = f"O{num}-{k}"
            rows.append([rid, n, e["kind"], c])
            truth.append([rid, num, "base" if k == 0 else "ofac_aka"])
    write_bundle(out, rows, ["id", "group", "cls"], truth)


# Legal forms as the list writes them -> how a declarant may write them.
DOTS = [("FZE", "F.Z.E."), ("FZCO", "F.Z.C.O."), ("LLC", "L.L.C."), ("FZ-LLC", "FZ LLC"), ("DMCC", "D.M.C.C."), ("JSC", "J.S.C."),
        ("CO., LTD.", "CO LTD"), ("CO. LTD.", "CO LTD"), ("LTD.", "LTD"), ("A.S.", "AS"), ("LTD. STI.", "LTD STI"), ("CO.", "CO"),
        ("INC.", "INC"), ("PJSC", "P.J.S.C."), ("OOO", "O.O.O."), ("L.L.C", "LLC"), ("F.Z.E", "FZE"), ("S.A.", "SA")]
FORMS_AT_END = ["LIMITED LIABILITY COMPANY", "JOINT STOCK COMPANY", "TRADING CO., LTD.", "CO., LTD.", "CO., LIMITED", "COMPANY LIMITED",
                "LTD. STI.", "LIMITED", "LTD.", "LTD", "FZE", "FZCO", "FZ-LLC", "DMCC", "L.L.C.", "LLC", "JSC", "PJSC", "OOO", "A.S.",
                "INC.", "CORPORATION", "CORP.", "GMBH", "S.A."]
SWAPS = [(r"\bCOMPANY\b", "CO"), (r"\bCO\b\.?", "COMPANY"), (r"\bLIMITED\b", "LTD"), (r"\bLTD\b\.?", "LIMITED"),
         (r"\bINTERNATIONAL\b", "INTL"), (r"\bTRADING\b", "TRDG"), (r"\bCORPORATION\b", "CORP")]
TRANSLIT = [("DZH", "DJ"), ("DJ", "DZH"), ("KH", "H"), ("YU", "IU"), ("YA", "IA"), ("TS", "C"), ("ZH", "J"), ("SCH", "SH"),
            ("IY", "Y"), ("OU", "U"), ("SH", "SCH")]
GENERIC = {"LIMITED", "LTD", "COMPANY", "CO", "TRADING", "GENERAL", "INTERNATIONAL", "LLC", "JSC", "FZE", "FZCO", "DMCC", "GROUP",
           "TECHNOLOGY", "TECHNOLOGIES", "ELECTRONICS", "ELECTRONIC", "INDUSTRIAL", "IMPORT", "EXPORT", "AND", "THE", "OF", "HOLDING",
           "SERVICES", "LOGISTICS", "SHIPPING", "MARINE", "ENGINEERING", "SCIENCE", "SYSTEMS", "SUPPLY", "CORPORATION", "BANK",
           "JOINT", "STOCK", "PUBLIC", "OPEN", "CLOSED", "SOCIETY", "RESPONSIBILITY", "PRIVATE", "SANAYI", "TICARET", "STI", "AS",
           # legal-form words: the typo class is about the distinctive word
           "LIABILITY", "SIRKETI", "ANONIM", "OBSHCHESTVO", "AKTSIONERNOE", "OGRANICHENNOY", "OTVETSTVENNOSTYU", "PUBLICHNOE",
           "AKTSIONERNOYE", "ZAKRYTOE", "OTKRYTOE", "ESTABLISHMENT", "INCORPORATED", "PARTNERSHIP", "CORP", "INC", "PJSC", "OAO", "ZAO",
           "OOO", "DIS", "VE", "SAN", "TIC"}
KEYS = "qwertyuiopasdfghjklzxcvbnm"
CLASSES = ["dots", "form_front", "co_company", "typo", "translit", "case_punct"]


def distinctive(name):
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w.upper() not in GENERIC]
    return max(words, key=len) if words else None


def typo(r, w):
    i = r.randrange(2, len(w) - 1)
    up = w[i].isupper()
    pos = KEYS.find(w[i].lower())
    neigh = [KEYS[j] for j in (pos - 1, pos + 1) if 0 <= j < len(KEYS)] if pos >= 0 else ["e"]
    c = r.choice(neigh)
    return w[:i] + (c.upper() if up else c) + w[i + 1:]


def respell(r, name, cls):
    """One declarant-style respelling of `name`, or None when the class does not apply."""
    if cls == "dots":
        hits = [(a, b) for a, b in DOTS if re.search(r"(?<![A-Z.])" + re.escape(a) + r"(?![A-Z])", name)]
        hits += [(b, a) for a, b in DOTS if re.search(r"(?<![A-Z.])" + re.escape(b) + r"(?![A-Z])", name)]
        if not hits:
            return None
        a, b = r.choice(hits)
        return re.sub(r"(?<![A-Z.])" + re.escape(a) + r"(?![A-Z])", b, name, count=1)
    if cls == "form_front":
        for f in FORMS_AT_END:
            if name.endswith(" " + f) or name.endswith(", " + f):
                core = name[: -len(f)].rstrip(" ,")
                return f"{f} {core}"
        return None
    if cls == "co_company":
        opts = [(p, s) for p, s in SWAPS if re.search(p, name)]
        if not opts:
            return None
        p, s = r.choice(opts)
        return re.sub(p, s, name, count=1)
    if cls == "typo":
        w = distinctive(name)
        if not w or len(w) < 7:
            return None
        return name.replace(w, typo(r, w), 1)
    if cls == "translit":
        opts = [(a, b) for a, b in TRANSLIT if a in name.upper()]
        if not opts:
            return None
        a, b = opts[0] if opts[0][0] == "DZH" else r.choice(opts)
        return re.sub(a, b, name.upper(), count=1)
    if cls == "case_punct":
        n = re.sub(r"[.,\"']", "", name)
        return n.title() if r.random() < 0.5 else n.lower()
    return None


ONSET = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "tr", "kr", "st"]
VOW = ["a", "e", "i", "o", "u", "ay", "ei"]
LINE = ["Trading", "General Trading", "Electronics", "Technology", "Industrial", "Logistics", "Import Export", "Components",
        "Machinery", "Engineering", "Systems", "Supply", "Group", "International"]
FORMS = {"TR": ["Ltd. Şti.", "A.Ş."], "AE": ["FZE", "FZCO", "LLC", "DMCC"], "RU": ["OOO", "AO", "LLC"], "CN": ["Co., Ltd."],
         "HK": ["Limited", "Co., Limited"], "KZ": ["TOO", "LLP"], "AM": ["LLC"], "KG": ["OsOO"], "BY": ["OOO"]}


def cmd_queries(out, seed=11):
    r = random.Random(seed)
    ents = load()
    rows, truth = [], []
    listed = [(n, e) for n, e in sorted(ents.items(), key=lambda x: int(x[0])) if e["kind"] == "company" and e["countries"]]
    names = {e["name"].upper() for e in ents.values()} | {a.upper() for e in ents.values() for a in e["aka"]}
    for num, e in listed:
        # Respelling classes in random order; plain case and punctuation only when none applies.
        order = CLASSES[:-1]
        r.shuffle(order)
        order.append("case_punct")
        for cls in order:
            v = respell(r, e["name"], cls)
            if v and v.upper() != e["name"].upper() or (v and cls == "case_punct"):
                break
        else:
            continue
        c = r.choice(e["countries"]) if r.random() < 0.75 else ""
        qid = f"Q{len(rows) + 1:05d}"
        rows.append([qid, v, "company", c])
        truth.append([qid, num, cls])
    n_listed = len(rows)
    made = 0
    while made < n_listed:
        w = "".join(r.choice(ONSET) + r.choice(VOW) for _ in range(r.choice((2, 3)))).capitalize()
        c = r.choice(list(FORMS))
        n = f"{w} {r.choice(LINE)} {r.choice(FORMS[c])}"
        if n.upper() in names:
            continue
        qid = f"Q{len(rows) + 1:05d}"
        rows.append([qid, n, "company", c if r.random() < 0.75 else ""])
        truth.append([qid, "", "unlisted"])
        made += 1
    write_bundle(out, rows, ["id", "entry", "cls"], truth)


def cmd_score(truth_path, matches_path, default=0.90):
    truth = {}
    with open(truth_path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth[row["id"]] = (row["entry"], row["cls"])
    hits = defaultdict(list)
    with open(matches_path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            hits[row["entity"]].append((float(row["score"]), row["entry"]))
    print(evaluate(truth, hits, default, show=True))


def evaluate(truth, hits, default, show=False):
    """truth: query -> (entry or '', cls); hits: query -> [(score, entry)]."""

    def at(t):
        top1 = rec = fp = 0
        per = Counter()
        n_listed = sum(1 for e, _ in truth.values() if e)
        n_un = len(truth) - n_listed
        for q, (want, cls) in truth.items():
            ms = [(s, e) for s, e in hits.get(q, []) if s >= t - 1e-9]
            if not want:
                fp += bool(ms)
                continue
            if ms:
                best = max(s for s, _ in ms)
                ok1 = any(e == want and s >= best - 1e-9 for s, e in ms)
                top1 += ok1
                rec += any(e == want for _, e in ms)
                per[cls] += ok1
        return top1 / n_listed, rec / n_listed, fp / max(n_un, 1), per

    classes = Counter(cls for e, cls in truth.values() if e)
    t1, rc, fp, per = at(default)
    lines = [f"queries {len(truth)} (listed {sum(classes.values())}, unlisted {len(truth) - sum(classes.values())})",
             f"threshold {default:.2f}: top-1 {t1:.4f}  recall {rc:.4f}  false-positive rate {fp:.4f}"]
    for c in sorted(classes):
        lines.append(f"  top-1 {c:12s} {per[c] / classes[c]:.3f}  ({classes[c]} queries)")
    lines.append("  sweep:")
    for t in [0.70, 0.75, 0.80, 0.85, 0.88, 0.90, 0.92, 0.95]:
        a, b, c, _ = at(t)
        lines.append(f"    t={t:.2f}  top-1 {a:.4f}  recall {b:.4f}  FP {c:.4f}")
    return "\n".join(lines)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "pairs":
        cmd_pairs(sys.argv[2])
    elif cmd == "queries":
        cmd_queries(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 11)
    elif cmd == "score":
        cmd_score(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 0.90)
    else:
        sys.exit(__doc__)
