#!/usr/bin/env python3
"""Writes a fictional case bundle (entities.csv + a small shipments.csv) with
N companies of diverse names for timing `divtrace resolve`.

Names are built from random syllable stems (so they rarely collide by
accident, as real trade names rarely do), a line-of-business word and a
legal form of the country; Russian names are in Cyrillic. A share of the
entities (default 4 %) gets one or two planted duplicates spelled as another
source would: diacritics dropped, upper-cased, legal form spelled out or
abbreviated, a one-letter typo, Cyrillic transliterated, a trade word
abbreviated. About a third of the records carry an identifier; a planted
duplicate keeps it half of the time. Deterministic for a given --seed.

Usage: resolve_gen.py --entities 1000000 --out DIR [--dup-rate 0.04] [--seed 1]
Writes DIR/entities.csv, DIR/shipments.csv, DIR/truth.csv (id,group).
"""
import argparse, csv, os, random

SYL = ["ka", "ra", "mo", "te", "li", "san", "ver", "dor", "nex", "tal", "bel", "ar", "zen", "pol", "mir", "tek",
       "ron", "vin", "sol", "gar", "lum", "dex", "kor", "ban", "sel", "tor", "ul", "ax", "em", "or", "qua", "fen",
       "yal", "ni", "bo", "ru", "sha", "kel", "dan", "vol", "ter", "ma", "is", "on", "gul", "dag", "kay", "er"]
WORDS = {
    "en": ["Trading", "Electronics", "Technologies", "Logistics", "Components", "Systems", "Industrial", "Supply",
           "International", "Engineering", "Semiconductor", "Machinery", "Solutions", "Import Export", "General Trading",
           "Devices", "Instruments", "Holding", "Global", "Distribution"],
    "tr": ["Elektronik", "Dış Ticaret", "Teknoloji", "Lojistik", "Makine", "San. ve Tic.", "Endüstri", "Mühendislik",
           "Bilişim", "Otomasyon", "İthalat İhracat", "Yazılım"],
    "ru": ["Электроника", "Техно", "Торг", "Снаб", "Пром", "Логистик", "Комплект", "Систем", "Инжиниринг", "Импорт"],
}
FORMS = {
    "TR": [("Ltd. Şti.", "Limited Şirketi"), ("A.Ş.", "Anonim Şirketi")],
    "AE": [("FZE", "Free Zone Establishment"), ("FZCO", "Free Zone Company"), ("LLC", "Limited Liability Company"), ("General Trading LLC", "General Trading L.L.C.")],
    "RU": [("ООО", "Общество с ограниченной ответственностью"), ("АО", "Акционерное общество")],
    "KZ": [("ТОО", "Товарищество с ограниченной ответственностью")],
    "KG": [("ОсОО", "Общество с ограниченной ответственностью")],
    "AM": [("LLC", "Limited Liability Company"), ("CJSC", "Closed Joint Stock Company")],
    "HK": [("Limited", "Ltd"), ("Co., Limited", "Company Limited")],
    "CN": [("Co., Ltd.", "Company Limited")],
    "US": [("Inc.", "Incorporated"), ("LLC", "L.L.C."), ("Corp.", "Corporation")],
    "DE": [("GmbH", "Gesellschaft mit beschränkter Haftung")],
    "GB": [("Ltd", "Limited")],
    "IN": [("Pvt. Ltd.", "Private Limited")],
    "SG": [("Pte. Ltd.", "Private Limited")],
    "RS": [("d.o.o.", "D.O.O.")],
    "BY": [("ООО", "Общество с ограниченной ответственностью")],
}
COUNTRIES = ["TR"] * 14 + ["AE"] * 12 + ["RU"] * 16 + ["KZ"] * 6 + ["KG"] * 3 + ["AM"] * 4 + ["HK"] * 10 + ["CN"] * 14 + \
            ["US"] * 8 + ["DE"] * 4 + ["GB"] * 3 + ["IN"] * 3 + ["SG"] * 2 + ["RS"] * 1 + ["BY"] * 2
CYR = {"RU", "KZ", "KG", "BY"}
TR_FOLD = str.maketrans("şŞıİçÇğĞöÖüÜ", "sSiIcCgGoOuU")
TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
                     "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))
LAT2CYR = dict(zip("abcdefghijklmnopqrstuvwyz", "абцдефгхийклмнопкрстуввыз"), x="кс")
STREETS = ["Ataturk Cad.", "Sheikh Zayed Road", "Lenina ul.", "Abaya pr.", "Nathan Road", "Main Street", "Industrial Park", "Free Zone"]
CITIES = {"TR": "Istanbul", "AE": "Dubai", "RU": "Moskva", "KZ": "Almaty", "KG": "Bishkek", "AM": "Yerevan", "HK": "Kowloon",
          "CN": "Shenzhen", "US": "San Jose", "DE": "Munich", "GB": "London", "IN": "Mumbai", "SG": "Singapore", "RS": "Beograd", "BY": "Minsk"}
SCHEMES = {"RU": "inn", "TR": "vkn", "KZ": "bin", "BY": "unp"}


def translit(s):
    out = []
    for ch in s:
        low = ch.lower()
        if low in TRANSLIT:
            t = TRANSLIT[low]
            out.append(t.upper() if ch != low else t)
        else:
            out.append(ch)
    return "".join(out)


def stem(r):
    s = "".join(r.choice(SYL) for _ in range(r.choice((2, 2, 3, 3, 4))))
    return s.capitalize()


def make(r, country):
    lang = "ru" if country in CYR else "tr" if country == "TR" else "en"
    st = stem(r)
    if lang == "ru":
        st = "".join(LAT2CYR.get(c, c) for c in st.lower()).capitalize()
        word = r.choice(WORDS["ru"])
        core = f"{st}{word.lower()}" if r.random() < 0.5 else f"{word}-{st.lower()}"
    else:
        core = f"{st} {r.choice(WORDS[lang])}"
        if r.random() < 0.3:
            core = f"{st} {stem(r)} {r.choice(WORDS[lang])}"
    forms = FORMS[country]
    fi = r.randrange(len(forms))
    return core, fi


def render(core, country, fi, long=False):
    form = FORMS[country][fi][1 if long else 0]
    if country in CYR:
        return f"{form} «{core}»"
    return f"{core} {form}"


def typo(r, s):
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 6:
        return s
    i = r.choice(letters[2:])
    op = r.randrange(3)
    if op == 0:
        return s[:i] + s[i + 1:]
    if op == 1:
        return s[:i] + s[i] + s[i:]
    j = i + 1 if i + 1 < len(s) else i - 1
    a = list(s)
    a[i], a[j] = a[j], a[i]
    return "".join(a)


def variant(r, core, country, fi):
    k = r.randrange(6)
    if country in CYR:
        lat = translit(core)
        if k == 0:
            return f"{translit(FORMS[country][fi][0]).upper()} {lat.upper()}"
        if k == 1:
            return f"{lat} LLC" if FORMS[country][fi][0] != "АО" else f"{lat} JSC"
        if k == 2:
            return render(core, country, fi, long=True)
        if k == 3:
            return render(core.upper(), country, fi)
        return render(typo(r, core), country, fi)
    if k == 0:
        return render(core, country, fi).translate(TR_FOLD).upper()
    if k == 1:
        return render(core, country, fi, long=True)
    if k == 2:
        return render(core.replace("San. ve Tic.", "Sanayi ve Ticaret").replace("International", "Intl").replace("Technologies", "Tech"), country, fi)
    if k == 3:
        return render(typo(r, core), country, fi)
    if k == 4:
        return render(core, country, fi).upper()
    return render(typo(r, core), country, fi).translate(TR_FOLD)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--dup-rate", type=float, default=0.04)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    r = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    n = 0
    seen = set()
    with open(os.path.join(a.out, "entities.csv"), "w", newline="", encoding="utf-8") as f, \
         open(os.path.join(a.out, "truth.csv"), "w", newline="", encoding="utf-8") as t:
        w = csv.writer(f, lineterminator="\n")
        tw = csv.writer(t, lineterminator="\n")
        w.writerow(["id", "name", "kind", "country", "identifiers", "address"])
        tw.writerow(["id", "group"])
        group = 0
        while n < a.entities:
            country = r.choice(COUNTRIES)
            core, fi = make(r, country)
            if (core, country) in seen:
                continue
            seen.add((core, country))
            group += 1
            scheme = SCHEMES.get(country, "lei")
            ident = f"{scheme}:{r.randrange(10**9, 10**10)}" if r.random() < 0.33 else ""
            addr = f"{r.randrange(1, 300)} {r.choice(STREETS)}, {CITIES[country]}" if r.random() < 0.5 else ""
            rows = [(render(core, country, fi), ident, addr)]
            if r.random() < a.dup_rate / 1.3:
                for _ in range(1 if r.random() < 0.7 else 2):
                    rows.append((variant(r, core, country, fi), ident if r.random() < 0.5 else "", addr if r.random() < 0.5 else ""))
            for name, ide, ad in rows:
                if n >= a.entities:
                    break
                n += 1
                eid = f"E{n:07d}"
                w.writerow([eid, name, "company", country, ide, ad])
                tw.writerow([eid, group])
    with open(os.path.join(a.out, "shipments.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "date", "shipper", "consignee", "hs_code", "value_usd"])
        for i in range(1, 1001):
            s, c = r.randrange(1, n + 1), r.randrange(1, n + 1)
            w.writerow([f"S{i}", f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}", f"E{s:07d}", f"E{c:07d}", "854231", 1000 + i])


if __name__ == "__main__":
    main()
