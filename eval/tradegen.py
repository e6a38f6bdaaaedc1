#!/usr/bin/env python3
"""Independent trade-case generator for scoring `divtrace assess` and scheme recovery after `divtrace resolve`.

Written for the evaluation from the public descriptions of real diversion
(FinCEN/BIS alerts FIN-2022-Alert003, FIN-2023-Alert004; the issue's
"hub traders that legitimately receive thousands of US shipments"), not from
`divtrace synth` or the ranker: it shares no code with either. Names come
from eval/namegen.py (itself independent of synth). It writes a case bundle
(entities.csv, shipments.csv, relations.csv), truth.csv (id, group, cls,
label, country) and schemes.csv (scheme, cls, groups of its intermediaries).

Who trades (cls), negatives first:
  hub           distributor in a transshipment country (TR AE HK CN SG KZ AM IN IL): thousands of US shipments of
                8542/8517/8471 in, sells on to many customers weeks to months later; some also sell food or
                appliances to Russia (legal), some sold chips to Russia before 2022-02-24 only, some unknowingly sell
                to a scheme's shell (they are then upstream on a route to Russia)
  logistics     freight agent: receives US goods and hands them to local customers within days (short dwell, not RU)
  customer      importer that uses what it buys (any country), never re-exports
  ru_exporter   exports food, textiles, appliances (not CHPL) to Russia; a third import US chips for their own products
  prewar        exported chips to Russia before the invasion only
  cn_exporter   sells Chinese/Taiwanese-made chips to Russia (origin and maker declared), imports US chips for local customers
  maker         manufacturer (US, TW, KR, JP, DE, CN)
  ru_importer, ru_military, ru_food  Russian parties (not scored)
Scheme intermediaries (label 1):
  forwarder     imports US CHPL goods from a maker or distributor, forwards most to Russia within days
  shell         recently incorporated, a handful of shipments bought from a legitimate hub, forwarded to Russia;
                sometimes two shells at one address
  layer_first   first of two intermediaries: forwards to a second intermediary in another country, never to Russia
  layer_second  the second: forwards to Russia
  mixed         a busy trader with legitimate customers that diverts 10-25 % of what it imports to Russia
  relabel       declares another subheading of the same heading (8542.31 in, 8542.39 out) and no origin on the way out
  slow          an established trader that holds the goods 2 to 6 months, sells a third to ordinary customers
Half of the intermediaries (and a tenth of the hubs) appear under two ids (a respelt name, sometimes no country):
imports declared under one, exports under the other, so the scheme is only whole when resolve merges them.

--hard makes the schemes look more like ordinary trade, to find where the ratings stop separating them:
  mixed traders are a third of the schemes and divert only 2-6 % of what they import; forwarders sell half
  of what they buy to ordinary customers; shells and other intermediaries are old companies (no recent
  incorporation); a third of the intermediaries sit outside the transshipment countries (DE, PL, IT, IN, VN,
  TH, BR); and half the legitimate hubs also sell Asian-made chips to Russia after the invasion (declared
  with maker and origin), as the Chinese-chip distributors do.

Usage: tradegen.py --out DIR [--seed 31] [--scale 1.0] [--hard]
"""
import argparse
import csv
import datetime
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from namegen import Gen, address, company, render, variant  # noqa: E402

START = datetime.date(2021, 1, 1)
END = 1276  # 2024-06-30
INVASION = (datetime.date(2022, 2, 24) - START).days
CHIPS = [("854231", 12.0), ("854232", 6.0), ("854233", 3.0), ("854239", 4.0), ("851762", 900.0), ("847150", 700.0), ("853224", 0.2),
         ("854129", 1.5), ("852691", 300.0)]
OTHER_GOODS = [("090111", 4.0), ("300490", 30.0), ("610910", 3.0), ("841810", 400.0), ("845011", 350.0), ("080510", 1.0), ("870899", 50.0)]
HUB_COUNTRIES = ["TR", "AE", "HK", "CN", "SG", "KZ", "AM", "IN", "IL", "TR", "AE", "HK"]
SCHEME_COUNTRIES = ["TR", "AE", "HK", "KZ", "AM", "KG", "CN", "UZ", "GE", "RS"]
CUSTOMER_COUNTRIES = ["DE", "FR", "IN", "IL", "SA", "EG", "PK", "TR", "AE", "KZ", "AM", "VN", "TH", "BR", "MX", "PL", "IT", "GB"]
MAKER_COUNTRIES = ["US"] * 5 + ["TW", "KR", "JP", "DE", "CN"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=31)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--hard", action="store_true", help="schemes that look more like ordinary trade (see above)")
    a = ap.parse_args()
    g = Gen(a.seed)
    r = g.r
    ents, ships, rels, schemes = [], [], [], []
    truth = []  # id, group, cls, label, country

    def day(d):
        return (START + datetime.timedelta(days=int(d))).isoformat()

    def new(cls, country, label=0, incorporated=None, roles="", group=None, adr=None):
        c = company(g, country)
        eid = f"T{len(ents) + 1:06d}"
        ad = adr if adr is not None else (address(g, country)["lat"] if r.random() < 0.5 else "")
        inc = day(incorporated) if incorporated is not None else ""
        ents.append([eid, render(c), "company", country, ad, inc, roles])
        grp = group or eid
        truth.append([eid, grp, cls, label, country])
        return {"id": eid, "c": c, "country": country, "addr": ad, "cls": cls, "ids": [eid], "group": grp}

    def second_id(p):
        """A second record of party p, as another data source writes it."""
        cls = r.choice(["abbrev", "missing_country", "shared_address", "translit" if p["c"]["kind"] == "ru" else "abbrev",
                        "chinese" if p["c"]["kind"] == "cn" else "missing_country"])
        name = variant(g, p["c"], cls)
        ctry = "" if cls == "missing_country" else p["country"]
        ad = p["addr"] if (cls == "shared_address" or r.random() < 0.3) else ""
        eid = f"T{len(ents) + 1:06d}"
        ents.append([eid, name, "company", ctry, ad, "", ""])
        truth.append([eid, p["group"], p["cls"], truth[int(p["id"][1:]) - 1][3], p["country"]])
        p["ids"].append(eid)
        return eid

    def ship(d, src, dst, hs, qty, price, maker, origin, src_id=None, dst_id=None):
        sid = f"S{len(ships) + 1:07d}"
        s = src_id or (src["ids"][-1] if len(src["ids"]) > 1 else src["id"])  # exports under the last id
        t = dst_id or dst["id"]  # imports under the first
        ships.append([sid, day(d), s, t, hs, maker, origin, qty, round(qty * price, 2)])
        return sid

    # Makers.
    makers = []
    for _ in range(int(30 * a.scale) + 5):
        m = new("maker", r.choice(MAKER_COUNTRIES), incorporated=r.randrange(-15000, -3000), roles="manufacturer")
        m["brand"] = render(m["c"]).split(" ")[0].upper()
        makers.append(m)
    us_makers = [m for m in makers if m["country"] == "US"]
    customers = [new("customer", r.choice(CUSTOMER_COUNTRIES), incorporated=r.randrange(-9000, -400)) for _ in range(int(1200 * a.scale))]
    ru_imp = [new("ru_importer", "RU", incorporated=r.randrange(-6000, 300)) for _ in range(int(60 * a.scale))]
    ru_mil = [new("ru_military", "RU", roles="military_end_user") for _ in range(int(10 * a.scale) + 1)]
    ru_food = [new("ru_food", "RU") for _ in range(int(50 * a.scale))]
    ru_ends = ru_imp + ru_mil

    def buy_us(dst, n, lo, hi, goods=CHIPS, src_pool=None):
        """n shipments of US-made goods into dst over [lo, hi): (day, hs, qty, price, brand) it now holds."""
        got = []
        for _ in range(n):
            m = r.choice(us_makers)
            src = r.choice(src_pool) if src_pool else m
            hs, p = r.choice(goods)
            d = r.randrange(lo, hi)
            q = r.randrange(50, 5000)
            ship(d, src, dst, hs, q, p, m["brand"], "US")
            got.append((d, hs, q, p, m["brand"]))
        return got

    def sell(src, lots, buyers, dwell, markup=(1.05, 1.3), split=(1, 3), origin_drop=0.0):
        for d, hs, q, p, brand in lots:
            k = r.randint(*split)
            for part in range(k):
                dd = d + r.randint(*dwell)
                if dd >= END:
                    continue
                qq = max(1, q // k)
                ship(dd, src, r.choice(buyers), hs, qq, p * r.uniform(*markup), brand, "" if r.random() < origin_drop else "US")

    # Legitimate hubs.
    hubs = []
    for _ in range(int(40 * a.scale)):
        h = new("hub", r.choice(HUB_COUNTRIES), incorporated=r.randrange(-9000, -1500), roles="distributor")
        if r.random() < 0.1:
            second_id(h)
        n = int(r.uniform(400, 2500))
        lots = buy_us(h, n, 0, END - 30)
        # Non-US goods too (Asian makers), some origin-less.
        for _ in range(n // 4):
            m = r.choice([x for x in makers if x["country"] != "US"])
            hs, p = r.choice(CHIPS)
            ship(r.randrange(0, END), m, h, hs, r.randrange(50, 5000), p, m["brand"], m["country"])
        own = r.sample(customers, r.randint(20, 120))
        sell(h, lots, own, (7, 120))
        if r.random() < 0.3:  # food or appliances to Russia, legal
            for _ in range(r.randint(20, 200)):
                hs, p = r.choice(OTHER_GOODS)
                ship(r.randrange(0, END), h, r.choice(ru_food + ru_imp), hs, r.randrange(10, 2000), p, "", h["country"])
        if a.hard and r.random() < 0.5:  # Asian-made chips to Russia after the invasion, maker and origin declared
            for _ in range(r.randint(20, 150)):
                m = r.choice([x for x in makers if x["country"] in ("CN", "TW")] or [x for x in makers if x["country"] != "US"])
                hs, p = r.choice(CHIPS)
                q = r.randrange(50, 5000)
                d = r.randrange(INVASION, END - 20)
                ship(d, m, h, hs, q, p, m["brand"], m["country"])
                ship(d + r.randint(5, 40), h, r.choice(ru_imp), hs, q, p * 1.2, m["brand"], m["country"])
        if r.random() < 0.2:  # chips to Russia before the invasion only
            for d, hs, q, p, brand in lots:
                if d < INVASION - 60 and r.random() < 0.15:
                    ship(d + r.randint(10, 50), h, r.choice(ru_imp), hs, q // 2 + 1, p * 1.2, brand, "US")
        hubs.append(h)
    # Freight agents: short dwell, local customers.
    for _ in range(int(25 * a.scale)):
        lg = new("logistics", r.choice(HUB_COUNTRIES), incorporated=r.randrange(-9000, -1000), roles="forwarder")
        lots = buy_us(lg, r.randint(50, 600), 0, END - 10)
        sell(lg, lots, r.sample(customers, r.randint(10, 60)), (1, 6), markup=(1.0, 1.02), split=(1, 1))
    # Customers buy US goods directly too.
    for c in r.sample(customers, len(customers) // 3):
        buy_us(c, r.randint(1, 30), 0, END)
    # Exporters of other goods to Russia; a third import US chips for their own products.
    for _ in range(int(120 * a.scale)):
        e = new("ru_exporter", r.choice(["TR", "KZ", "AM", "AE", "CN", "KG", "UZ", "GE", "RS", "IN"]), incorporated=r.randrange(-9000, 200))
        for _ in range(r.randint(10, 300)):
            hs, p = r.choice(OTHER_GOODS)
            d = r.randrange(0, END)
            ship(d, e, r.choice(ru_food + ru_imp), hs, r.randrange(10, 3000), p, "", e["country"])
        if r.random() < 0.33:
            buy_us(e, r.randint(5, 100), 0, END)
    for _ in range(int(30 * a.scale)):
        e = new("prewar", r.choice(HUB_COUNTRIES), incorporated=r.randrange(-9000, -1000))
        lots = buy_us(e, r.randint(10, 120), 0, INVASION - 30)
        sell(e, lots, ru_imp, (5, 25))
        sell(e, buy_us(e, r.randint(5, 60), INVASION, END - 30), r.sample(customers, 10), (10, 90))

    # Distributors of Chinese/Taiwanese-made chips to Russia that also import US chips for local customers:
    # the goods they send to Russia are not US goods (origin and maker say so).
    asian = [x for x in makers if x["country"] in ("CN", "TW")] or [x for x in makers if x["country"] != "US"]
    for _ in range(int(20 * a.scale)):
        e = new("cn_exporter", r.choice(["CN", "HK", "HK", "CN", "KZ", "TR"]), incorporated=r.randrange(-9000, -300))
        sell(e, buy_us(e, r.randint(30, 300), 0, END - 30), r.sample(customers, r.randint(5, 30)), (10, 90))
        for _ in range(r.randint(20, 200)):
            m = r.choice(asian)
            hs, p = r.choice(CHIPS)
            q = r.randrange(50, 5000)
            d = r.randrange(0, END - 20)
            ship(d, m, e, hs, q, p, m["brand"], m["country"])
            if d > INVASION:
                ship(d + r.randint(5, 40), e, r.choice(ru_imp), hs, q, p * 1.2, m["brand"], "" if r.random() < 0.3 else m["country"])

    # Schemes.
    def intermediary(cls, country, recent):
        first = r.randrange(INVASION + 10, END - 200)
        if a.hard:
            recent = False
            if r.random() < 1 / 3:
                country = r.choice(["DE", "PL", "IT", "IN", "VN", "TH", "BR"])
        inc = first - r.randint(20, 330) if recent else r.randrange(-7000, -800)
        p = new(cls, country, label=1, incorporated=inc)
        p["first"] = first
        if r.random() < 0.5:
            second_id(p)
        return p

    for k in range(int(40 * a.scale)):
        kinds = ["forwarder", "forwarder", "shell", "shell", "layer", "mixed", "relabel", "slow"]
        kind = r.choice(kinds + ["mixed"] * 4 if a.hard else kinds)
        end = r.sample(ru_ends, r.randint(1, 3))
        drop = r.choice([0.0, 0.0, 0.5, 1.0])  # the outbound declaration omits the origin
        members = []
        if kind == "forwarder":
            p = intermediary("forwarder", r.choice(SCHEME_COUNTRIES), recent=r.random() < 0.4)
            src = r.sample(hubs, 2) if r.random() < 1 / 3 else None
            lots = buy_us(p, r.randint(8, 80), p["first"], END - 30, src_pool=src)
            sell(p, lots, end, (2, 25), split=(1, 2), origin_drop=drop)
            if a.hard:
                sell(p, lots[: len(lots) // 2], r.sample(customers, 8), (5, 40))
            elif r.random() < 0.3:
                sell(p, lots[: len(lots) // 5], r.sample(customers, 3), (5, 40))
            members = [p]
        elif kind == "shell":
            n_shells = 2 if r.random() < 0.4 else 1
            adr = address(g, "AE")["lat"]
            country = r.choice(SCHEME_COUNTRIES)
            for i in range(n_shells):
                p = intermediary("shell", country, recent=True)
                if n_shells == 2:  # one address for both shells (each id that shows one)
                    for i2 in p["ids"]:
                        if i2 == p["id"] or ents[int(i2[1:]) - 1][4]:
                            ents[int(i2[1:]) - 1][4] = adr
                    p["addr"] = adr
                lots = buy_us(p, r.randint(2, 12), p["first"], min(END - 30, p["first"] + 250), src_pool=r.sample(hubs, r.randint(1, 2)))
                sell(p, lots, end, (3, 30), split=(1, 1), origin_drop=drop)
                members.append(p)
        elif kind == "layer":
            c1, c2 = r.sample(SCHEME_COUNTRIES, 2)
            p1 = intermediary("layer_first", c1, recent=r.random() < 0.5)
            p2 = intermediary("layer_second", c2, recent=r.random() < 0.5)
            p2["first"] = p1["first"]
            lots = buy_us(p1, r.randint(5, 50), p1["first"], END - 80, src_pool=r.choice([None, r.sample(hubs, 1)]))
            for d, hs, q, pr, brand in lots:
                d2 = d + r.randint(2, 20)
                ship(d2, p1, p2, hs, q, pr * 1.1, brand, "US")
                ship(d2 + r.randint(2, 20), p2, r.choice(end), hs, q, pr * 1.2, brand, "" if r.random() < drop else "US")
            members = [p1, p2]
        elif kind == "relabel":  # declares another subheading of the same heading on the way out, no origin
            p = intermediary("relabel", r.choice(SCHEME_COUNTRIES), recent=r.random() < 0.5)
            for d, hs, q, pr, brand in buy_us(p, r.randint(5, 40), p["first"], END - 30, src_pool=r.choice([None, r.sample(hubs, 1)])):
                other = [h for h, _ in CHIPS if h[:4] == hs[:4] and h != hs] or [hs]
                ship(d + r.randint(2, 25), p, r.choice(end), r.choice(other), q, pr * 1.15, brand if r.random() < 0.5 else "", "")
            members = [p]
        elif kind == "slow":  # an established trader that holds the goods for months before sending them on
            p = intermediary("slow", r.choice(SCHEME_COUNTRIES), recent=False)
            lots = buy_us(p, r.randint(10, 60), p["first"], END - 180, src_pool=r.sample(hubs, 2))
            sell(p, lots, end, (60, 170), split=(1, 2), origin_drop=drop)
            sell(p, lots[: len(lots) // 3], r.sample(customers, 5), (10, 60))
            members = [p]
        else:  # mixed: a busy trader with a sideline
            p = intermediary("mixed", r.choice(HUB_COUNTRIES), recent=False)
            lots = buy_us(p, r.randint(150, 800), 0, END - 30)
            lo, hi = (0.02, 0.06) if a.hard else (0.1, 0.25)
            side = [x for x in lots if x[0] > INVASION and r.random() < r.uniform(lo, hi)]
            rest = [x for x in lots if x not in side]
            sell(p, rest, r.sample(customers, r.randint(15, 60)), (7, 90))
            sell(p, side, end, (2, 20), split=(1, 1), origin_drop=drop)
            members = [p]
        schemes.append([f"K{k + 1:03d}", kind, ";".join(m["group"] for m in members)])

    os.makedirs(a.out, exist_ok=True)

    def write(name, header, rows):
        with open(os.path.join(a.out, name), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)

    write("entities.csv", ["id", "name", "kind", "country", "address", "incorporated", "roles"], ents)
    ships.sort(key=lambda s: (s[1], s[0]))
    write("shipments.csv", ["id", "date", "shipper", "consignee", "hs_code", "manufacturer", "origin_country", "quantity", "value_usd"], ships)
    write("relations.csv", ["from", "to", "kind"], rels)
    write("truth.csv", ["id", "group", "cls", "label", "country"], truth)
    write("schemes.csv", ["scheme", "cls", "groups"], schemes)
    print(f"{len(ents)} entities, {len(ships)} shipments, {len(schemes)} schemes, "
          f"{sum(1 for t in truth if t[3] == 1 and t[0] == t[1])} intermediaries", file=sys.stderr)


if __name__ == "__main__":
    main()
