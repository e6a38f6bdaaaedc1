#!/usr/bin/env python3
"""Independent name-variant generator for scoring `divtrace resolve`.

Written from scratch for the evaluation: it shares no code and no word
lists with `divtrace synth` or benches/resolve_gen.py, so it cannot share
their assumptions. It writes a case bundle (entities.csv, shipments.csv,
relations.csv) and truth.csv, one row per entity: id, group (entities with
one group are the same real party), cls (the variant class that made the
record, `base` for originals, `neg_*` for planted near-namesakes, which are
each their own group).

Duplicate classes (each a way customs data really differs):
  missing_country  the duplicate lost its country (empty cell)
  address_script   same address, once in Cyrillic, once in Latin; name abbreviated
  shared_address   identical address, name with abbreviated generic words
  abbrev           Gen. Trdg / Autom. / Elec. / Tekn / Ldt / joined words / LtdŞti / Ltd.Sti.
  translit         Russian names in three romanisations, Cyrillic both ways, long legal forms
  chinese          city moved or dropped, (City) in parentheses, split or joined pinyin
  director         shared director (relations.csv), name respelt
Negatives (distinct parties that look alike):
  neg_edit         one edit inside the one distinctive word (Tosato / Tonato Electric Corporation)
  neg_suffix       distinctive words sharing a long suffix (Jinhua / Anhua Electronics Limited)
  neg_person       two different people with the same name, same country

Usage:
  namegen.py --out DIR [--entities 10000] [--dup-share 0.12] [--seed 7]
  namegen.py --out DIR --entities 50000 --no-duplicates   (false-merge case)
"""
import argparse
import csv
import os
import random

# Consonant-vowel pieces for distinctive words. Chosen to read like
# company names in several languages, not like any list elsewhere.
ONSETS = ["b", "br", "d", "f", "g", "gr", "k", "kl", "l", "m", "n", "p", "pr", "r", "s", "st", "t", "tr", "v", "z", "sh", "ch"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ei", "ou"]
CODAS = ["", "", "", "n", "r", "s", "l", "m", "x", "t"]

GENERIC_EN = ["Electric", "Electronics", "Trading", "General Trading", "Automation", "Technologies", "Industrial", "Components",
              "Machinery", "Instruments", "Logistics", "Engineering", "Supply", "Solutions", "Import and Export", "Semiconductors",
              "Equipment", "Systems", "Devices", "Precision"]
GENERIC_TR = ["Elektronik", "Teknoloji", "Otomasyon", "Makina", "Dış Ticaret", "Endüstriyel", "Mühendislik", "Lojistik", "Tekstil"]
# Abbreviations as clerks write them: (full word, short forms).
ABBREV = {"General Trading": ["Gen. Trdg", "Gen Trading", "Genl. Trdg."], "Automation": ["Autom.", "Automat."],
          "Electronics": ["Elec.", "Electr.", "Elecs"], "Electric": ["Elec.", "Elect."], "Teknoloji": ["Tekn", "Tekn."],
          "Technologies": ["Techs", "Technol."], "Engineering": ["Eng.", "Engg"], "Industrial": ["Ind.", "Indl."],
          "Import and Export": ["Imp. & Exp.", "Imp Exp"], "Machinery": ["Mach.", "Machy"], "Equipment": ["Equip.", "Eqpt"],
          "Components": ["Comp.", "Cmpts"], "Mühendislik": ["Müh.", "Muh."], "Dış Ticaret": ["Dış Tic.", "DIS TIC"],
          "Endüstriyel": ["End.", "Endüst."], "Instruments": ["Instr.", "Instrs"], "Precision": ["Prec.", "Precn"]}
FORMS = {
    "TR": ["Ltd. Şti.", "LTD ŞTİ", "Limited Şirketi", "A.Ş.", "Anonim Şirketi"],
    "AE": ["FZE", "F.Z.E.", "FZCO", "L.L.C.", "LLC"],
    "HK": ["Limited", "Ltd", "Co., Limited", "Company Limited"],
    "CN": ["Co., Ltd.", "Co Ltd", "Company Limited", "Co., Limited"],
    "US": ["Inc.", "Incorporated", "Corp.", "Corporation", "LLC"],
    "DE": ["GmbH", "G.m.b.H."],
    "AM": ["LLC", "CJSC", "Limited Liability Company"],
}
TR_FORM_VARIANTS = ["LtdŞti", "Ltd.Sti.", "LTD ŞTİ", "Ltd. Şti.", "LTD. STI.", "Limited Şirketi", "Ldt. Şti."]
CN_CITIES = ["Suzhou", "Shenzhen", "Qingdao", "Ningbo", "Xiamen", "Dongguan", "Hangzhou", "Guangzhou", "Tianjin", "Wuxi"]
PINYIN = ["mei", "run", "ze", "wei", "sheng", "hua", "xin", "da", "long", "tai", "feng", "jia", "heng", "yuan", "kang", "bo",
          "rui", "ming", "hong", "an", "jin", "de", "li", "tong", "chuang", "yi", "zhong", "qiang", "xing", "fu"]
STREETS_LAT = ["Ulitsa Lenina", "Prospekt Mira", "Ulitsa Gagarina", "Ulitsa Sadovaya", "Naberezhnaya Shevchenko", "Ulitsa Zhukova"]
STREETS_CYR = ["улица Ленина", "проспект Мира", "улица Гагарина", "улица Садовая", "набережная Шевченко", "улица Жукова"]
RU_CITIES = [("Moskva", "Москва"), ("Sankt-Peterburg", "Санкт-Петербург"), ("Kazan", "Казань"), ("Almaty", "Алматы"),
             ("Novosibirsk", "Новосибирск"), ("Bishkek", "Бишкек")]
OTHER_STREETS = ["Sheikh Zayed Road", "Ataturk Bulvari", "Nathan Road", "Huaqiang North Road", "Industriestrasse", "Baghramyan Ave"]
# Russian distinctive words, in Cyrillic (romanised three ways below).
RU_SYL = ["сю", "зу", "кя", "ха", "рю", "ги", "жа", "цу", "ля", "мо", "ви", "та", "ро", "не", "ша", "ды", "ку", "пе", "ёл", "щи",
          "ба", "го", "дю", "ря", "ле", "ти", "ны", "хо", "юг", "яр"]
RU_GENERIC = [("Технологии", "Tekhnologii"), ("Электроника", "Elektronika"), ("Снабжение", "Snabzhenie"), ("Логистика", "Logistika"),
              ("Комплектация", "Komplektatsiya"), ("Торговый Дом", "Torgovyy Dom")]
RU_FORMS = [("ООО", ["OOO", "LLC", "Obshchestvo s ogranichennoy otvetstvennostyu", "Общество с ограниченной ответственностью",
                     "Limited Liability Company"]),
            ("АО", ["AO", "JSC", "Aktsionernoe obshchestvo", "Акционерное общество", "Joint Stock Company"])]
# Romanisation systems: BGN/PCGN, ICAO 9303, and a German/Polish-style one.
ROMAN = {
    "bgn": {"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya", "й": "y", "ы": "y", "ё": "yo", "е": "e"},
    "icao": {"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "iu", "я": "ia", "й": "i", "ы": "y", "ё": "e", "е": "e"},
    "ger": {"ж": "j", "х": "h", "ц": "c", "ч": "ch", "ш": "sh", "щ": "sch", "ю": "ju", "я": "ja", "й": "j", "ы": "y", "ё": "jo", "е": "e"},
}
BASIC = dict(zip("абвгдзиклмнопрстуфъьэ", ["a", "b", "v", "g", "d", "z", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "", "", "e"]))
# Latin to Cyrillic for names that start in Latin (a Turkish or English name written by a Russian declarant).
TO_CYR = [("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ya", "я"), ("yu", "ю"), ("a", "а"), ("b", "б"), ("c", "к"),
          ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"), ("h", "х"), ("i", "и"), ("j", "дж"), ("k", "к"), ("l", "л"), ("m", "м"),
          ("n", "н"), ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"), ("w", "в"),
          ("x", "кс"), ("y", "й"), ("z", "з")]
FIRST = ["Ahmet", "Mehmet", "Ivan", "Sergei", "Wei", "Li", "Ali", "Omar", "Elena", "Olga", "Aram", "Nurlan", "Zhang", "Aylin"]
LAST = ["Yilmaz", "Kaya", "Petrov", "Sokolov", "Wang", "Chen", "Hassan", "Rahman", "Ivanova", "Hakobyan", "Abenov", "Demir"]


def roman(word, system):
    out = []
    for ch in word:
        low = ch.lower()
        t = ROMAN[system].get(low, BASIC.get(low, low))
        out.append(t.capitalize() if ch != low and t else t)
    return "".join(out)


def to_cyrillic(word):
    s, out, i = word.lower(), [], 0
    while i < len(s):
        for lat, cyr in TO_CYR:
            if s.startswith(lat, i):
                out.append(cyr)
                i += len(lat)
                break
        else:
            out.append(s[i])
            i += 1
    return "".join(out).capitalize()


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.used = set()

    def word(self, syllables=None):
        r = self.r
        while True:
            n = syllables or r.choice((2, 2, 3))
            w = "".join(r.choice(ONSETS) + r.choice(VOWELS) for _ in range(n)) + r.choice(CODAS)
            if len(w) >= 5 and w not in self.used:
                self.used.add(w)
                return w.capitalize()

    def ru_word(self):
        r = self.r
        while True:
            w = "".join(r.choice(RU_SYL) for _ in range(r.choice((2, 3)))).capitalize()
            if w.lower() not in self.used:
                self.used.add(w.lower())
                return w

    def pinyin(self):
        r = self.r
        while True:
            a, b, c = r.sample(PINYIN, 3)
            w = (a + b + c).capitalize()
            if w.lower() not in self.used:
                self.used.add(w.lower())
                return w, [a, b, c]

    def typo(self, w):
        """Another name one edit (substitute, delete, insert) away from w inside
        the word, in w's own script; never a doubled or undoubled letter, which
        reads as the same name."""
        r = self.r
        cyr = any("\u0400" <= ch <= "\u04ff" for ch in w)
        letters = "абвгдклмнопрстуш" if cyr else "abdeiklmnorstu"
        for _ in range(50):
            i = r.randrange(1, len(w) - 1)
            op = r.randrange(3)
            if op == 0:
                c = r.choice([x for x in letters if x != w[i].lower()])
                v = w[:i] + c + w[i + 1:]
            elif op == 1:
                v = w[:i] + w[i + 1:]
            else:
                v = w[:i] + r.choice(letters) + w[i:]
            if not any(a == b for a, b in zip(v.lower(), v.lower()[1:])) and v.lower() != w.lower() and len(v) >= 5:
                return v
        return w


def company(g, country):
    """A base company: dict with the parts the variants need."""
    r = g.r
    if country in ("RU", "KZ", "KG"):
        dw = g.ru_word()
        gen = r.choice(RU_GENERIC) if r.random() < 0.6 else None
        fi = r.randrange(len(RU_FORMS))
        return {"kind": "ru", "dw": dw, "gen": gen, "fi": fi}
    if country in ("CN", "HK"):
        dw, syl = g.pinyin()
        return {"kind": "cn", "dw": dw, "syl": syl, "gen": r.choice(["Trading", "Electronics", "Import and Export", "Technology", "Industrial"]),
                "city": r.choice(CN_CITIES) if r.random() < 0.7 else None, "form": r.choice(FORMS[country])}
    lang = GENERIC_TR if country == "TR" else GENERIC_EN
    gens = r.sample(lang, r.choice((1, 1, 2)))
    return {"kind": "lat", "dw": g.word(), "gen": gens, "form": r.choice(FORMS.get(country, FORMS["US"])), "country": country}


def render(c, v=None):
    """Name of a base company as its first source writes it."""
    v = v or {}
    if c["kind"] == "ru":
        form = RU_FORMS[c["fi"]][0]
        core = c["dw"] + (" " + c["gen"][0] if c["gen"] else "")
        return f"{form} «{core}»"
    if c["kind"] == "cn":
        city = c["city"]
        return " ".join(x for x in [city, c["dw"], c["gen"], c["form"]] if x)
    return " ".join([c["dw"]] + c["gen"] + [c["form"]])


def variant(g, c, cls):
    """A second source's spelling of company c for duplicate class cls."""
    r = g.r
    if c["kind"] == "ru" and cls in ("translit", "address_script", "missing_country", "director", "shared_address", "abbrev"):
        system = r.choice(list(ROMAN))
        form = r.choice(RU_FORMS[c["fi"]][1])
        core = roman(c["dw"], system)
        if c["gen"]:
            core += " " + (c["gen"][1] if r.random() < 0.5 else roman(c["gen"][0], system))
        if r.random() < 0.3:
            core = core.upper()
        if form[0] in "ОА" or form in ("OOO", "AO") or form.startswith(("Obsh", "Akts")):
            return f"{form} {core}" if r.random() < 0.6 else f'{form} "{core}"'
        return f"{core} {form}"
    if c["kind"] == "cn":
        k = r.randrange(4)
        form = r.choice(FORMS["CN"] + ["Co. Ltd", "CO.,LTD"])
        dw = c["dw"]
        if r.random() < 0.4:
            # Split pinyin: Weisheng -> Wei Sheng; or joined differently.
            dw = " ".join(s.capitalize() for s in c["syl"]) if r.random() < 0.6 else c["syl"][0].capitalize() + " " + "".join(c["syl"][1:])
        if k == 0 or not c["city"]:
            return " ".join([dw, c["gen"], form])
        if k == 1:
            return f"{dw} {c['gen']} ({c['city']}) {form}"
        if k == 2:
            return f"{dw} {c['gen']} {form} {c['city']}".upper()
        return " ".join([c["city"], dw, c["gen"], form]).upper()
    # Latin-script companies.
    dw, gens, form = c["dw"], list(c["gen"]), c["form"]
    if cls in ("abbrev", "shared_address", "address_script"):
        k = r.randrange(3)
        if k == 0 or not any(x in ABBREV for x in gens):
            # Joined words: BrennovaSolutions, DavineineElec.
            g0 = gens[0]
            short = r.choice(ABBREV[g0]) if g0 in ABBREV and r.random() < 0.5 else g0
            name = dw + short.replace(" ", "") + (" " + " ".join(gens[1:]) if gens[1:] else "")
        else:
            name = " ".join([dw] + [r.choice(ABBREV[x]) if x in ABBREV else x for x in gens])
        if c["country"] == "TR" and form.lower().startswith(("ltd", "limited")):
            form = r.choice(TR_FORM_VARIANTS)
        elif form in ("Ltd", "Limited") or r.random() < 0.15:
            form = "Ldt" if form in ("Ltd", "Limited") else form
        return f"{name} {form}"
    if cls == "translit":
        # A Latin name written in Cyrillic by a Russian-speaking declarant.
        return " ".join(to_cyrillic(x) for x in [dw] + " ".join(gens).split())
    # missing_country, director: an ordinary respelling.
    k = r.randrange(3)
    if k == 0:
        return f"{dw} {' '.join(gens)} {form}".upper()
    if k == 1:
        return f"{dw} {' '.join(gens)}"
    return f"{dw.upper()} {' '.join(gens)} {form.replace('.', '')}"


def address(g, country, script="lat"):
    r = g.r
    if country in ("RU", "KZ", "KG"):
        i = r.randrange(len(STREETS_LAT))
        city = r.choice(RU_CITIES)
        num = r.randrange(1, 120)
        return {"lat": f"{STREETS_LAT[i]} {num}, {city[0]}", "cyr": f"{city[1]}, {STREETS_CYR[i]}, д. {num}"}
    s = f"{r.randrange(1, 400)} {r.choice(OTHER_STREETS)}, {r.choice(['Dubai', 'Istanbul', 'Hong Kong', 'Shenzhen', 'Yerevan', 'Berlin', 'Austin'])}"
    return {"lat": s, "cyr": s}


def negative(g, c, cls):
    """A different company whose name looks like c's."""
    r = g.r
    if cls == "neg_edit":
        for _ in range(20):
            w = g.typo(c["dw"]) if c["kind"] != "ru" else g.typo(c["dw"])
            if w.lower() != c["dw"].lower() and w.lower() not in g.used and len(w) >= 5:
                g.used.add(w.lower())
                break
        else:
            return None
        d = dict(c, dw=w)
        if c["kind"] == "cn":
            d["syl"] = [w.lower()]
        return d
    if cls == "neg_suffix" and c["kind"] in ("lat", "cn"):
        dw = c["dw"]
        w = (r.choice(ONSETS) + dw[min(2, len(dw) - 3):]).capitalize()
        if w.lower() == dw.lower() or w.lower() in g.used:
            return None
        g.used.add(w.lower())
        d = dict(c, dw=w)
        if c["kind"] == "cn":
            d["syl"] = [w.lower()]
        return d
    return None


COUNTRIES = ["TR"] * 18 + ["AE"] * 14 + ["RU"] * 16 + ["KZ"] * 4 + ["KG"] * 2 + ["CN"] * 16 + ["HK"] * 10 + ["AM"] * 4 + ["US"] * 10 + ["DE"] * 6
DUP_CLASSES = ["missing_country", "address_script", "shared_address", "abbrev", "translit", "chinese", "director"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--entities", type=int, default=10000)
    ap.add_argument("--dup-share", type=float, default=0.12, help="share of base companies given a duplicate")
    ap.add_argument("--neg-share", type=float, default=0.05, help="share of base companies given a near-namesake")
    ap.add_argument("--no-duplicates", action="store_true", help="false-merge case: near-namesakes only, no duplicates")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    g = Gen(a.seed)
    r = g.r
    if a.no_duplicates:
        a.dup_share = 0.0
        a.neg_share = max(a.neg_share, 0.15)
    rows = []  # (id, name, kind, country, address, identifiers, group, cls)
    relations = []
    group = 0

    def add(name, kind, country, addr, ident, grp, cls):
        eid = f"N{len(rows) + 1:06d}"
        rows.append((eid, name, kind, country, addr, ident, grp, cls))
        return eid

    while len(rows) < a.entities:
        country = r.choice(COUNTRIES)
        group += 1
        if r.random() < 0.06:
            # A person; sometimes a same-name different person in the same country.
            name = f"{r.choice(FIRST)} {r.choice(LAST)}"
            add(name, "person", country, "", "", group, "base")
            if r.random() < 0.3:
                group += 1
                add(name.upper(), "person", country, "", "", group, "neg_person")
            continue
        c = company(g, country)
        script_cyr = c["kind"] == "ru" and r.random() < 0.5
        adr = address(g, country) if r.random() < 0.6 else None
        base_addr = (adr["cyr"] if script_cyr else adr["lat"]) if adr else ""
        ident = f"{'inn' if country == 'RU' else 'vkn' if country == 'TR' else 'reg'}:{r.randrange(10**9, 10**10)}" if r.random() < 0.2 else ""
        base_at = len(rows)
        base = add(render(c), "company", country, base_addr, ident, group, "base")
        if r.random() < a.dup_share:
            for _ in range(1 if r.random() < 0.85 else 2):
                cls = r.choice(DUP_CLASSES)
                if cls == "chinese" and c["kind"] != "cn":
                    cls = "abbrev"
                if cls == "translit" and c["kind"] == "cn":
                    cls = "chinese"
                name = variant(g, c, cls)
                ctry = "" if cls == "missing_country" else country
                if cls == "missing_country" and r.random() < 0.5:
                    ctry, name = "", render(c)
                addr = ""
                if cls in ("address_script", "shared_address"):
                    if not adr:
                        adr = address(g, country)
                        row = rows[base_at]
                        rows[base_at] = row[:4] + (adr["cyr"] if script_cyr else adr["lat"],) + row[5:]
                    if cls == "address_script" and country in ("RU", "KZ", "KG"):
                        addr = adr["lat"] if script_cyr else adr["cyr"]
                    else:
                        addr = adr["cyr"] if script_cyr else adr["lat"]
                elif adr and r.random() < 0.3:
                    addr = adr["cyr"] if script_cyr else adr["lat"]
                dup_ident = ident if ident and r.random() < 0.3 else ""
                dup = add(name, "company", ctry, addr, dup_ident, group, cls)
                if cls == "director":
                    pid = add(f"{r.choice(FIRST)} {r.choice(LAST)} {g.word(2)}", "person", country, "", "", f"d{len(rows)}", "base")
                    relations.append((pid, base, "director"))
                    relations.append((pid, dup, "director"))
        if r.random() < a.neg_share:
            cls = r.choice(["neg_edit", "neg_edit", "neg_suffix"])
            d = negative(g, c, cls)
            if d:
                group += 1
                other = address(g, country)["lat"] if r.random() < 0.4 else ""
                add(render(d), "company", country, other, "", group, cls)
    rows = rows[: a.entities]
    ids = {x[0] for x in rows}
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "entities.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "kind", "country", "address", "identifiers"])
        for x in rows:
            w.writerow(x[:6])
    with open(os.path.join(a.out, "truth.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "group", "cls"])
        for x in rows:
            w.writerow([x[0], x[6], x[7]])
    with open(os.path.join(a.out, "relations.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["from", "to", "kind"])
        for p, c, k in relations:
            if p in ids and c in ids:
                w.writerow([p, c, k])
    with open(os.path.join(a.out, "shipments.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "date", "shipper", "consignee", "hs_code", "value_usd"])
        comp = [x[0] for x in rows if x[2] == "company"]
        for i in range(max(1, len(comp) // 5)):
            s, c = r.choice(comp), r.choice(comp)
            if s != c:
                w.writerow([f"S{i + 1}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", s, c, "854239", 500 + i])


if __name__ == "__main__":
    main()
