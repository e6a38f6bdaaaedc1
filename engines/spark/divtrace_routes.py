"""divtrace's route search on Apache Spark, for cases that outgrow one machine.

    spark-submit [--master local[N]|yarn|k8s://...|spark://...] \
        engines/spark/divtrace_routes.py PARQUET_DIR \
        --from country:US --to country:RU --max-hops 4 --max-dwell-days 180 \
        --out routes.json

PARQUET_DIR is what `divtrace export --format parquet` wrote (docs/export.md);
the routes are the ones `divtrace routes` would find (docs/routes.md is the
definition, src/routes/ the reference), written as JSON with the same
`routes[].shipments` and `routes[].entities` (bundle ids) that
`divtrace routes --import-routes FILE` ranks, groups and reports.

How: plain DataFrame joins (docs/scale.md). A forward pass marks, per
shipment, the fewest hops from an origin that can reach it with the same HS
key inside the dwell window (over-approximated per party and key, so it
never drops a route); then chains grow backward from the shipments into a
destination, one join per hop on shipper = earlier consignee, same HS key,
date window, no entity twice, keeping only chain heads the forward marks
say can still be reached from the origin side within --max-hops. Routes are
collected to the driver (they are few next to the shipments) and written
sorted, so the same data and query give the same bytes.

--repeat N runs the query N times in the same Spark session and logs each
run to stderr, which spark-submit merges into its stdout ("run 2 of 2:
12.345 s, 20.10 s CPU (driver JVM and Python), 4282 routes"; the CPU where
/proc shows the JVM); the second run is the warm figure of
docs/benchmarks.md, without the JVM start-up and Spark's first-query
warm-up. The runs must find the same routes; routes.json is written once,
after the first. --stats adds chains_per_level and forward_per_level to its
"stats" (one count per level, so not for timing); --no-prune skips the
forward marks (to measure what they save: the same routes, more chains).
Each step's Spark jobs are named ("divtrace run 1: chains level 3") in the
UI and the event log (benches/spark_eventlog.py sums the shuffle per step).

Several queries can run in one JVM (JVM start-up costs about 30 s of CPU): give
--queries FILE, a JSON list of objects, each with "args" (the flags of one
query, as a list of strings), "out" (its output file) and optionally "case"
(its Parquet folder, instead of PARQUET_DIR, which may then be left out).
A query that is refused writes {"error": MESSAGE} to its "out".
"""

import argparse
import datetime
import json
import os
import re
import shlex
import sys
import time

FORMAT = "divtrace-case-parquet"
SCHEMA_VERSION = 1
ROUTES_FORMAT = "divtrace-routes"
ROUTES_VERSION = 1
MAX_HOPS_LIMIT = 12
DEFAULT_MIRROR_DAYS = 45
DEFAULT_MIRROR_TOLERANCE = 10.0

SHIPMENT_COLUMNS = [
    "row_id", "shipment", "batch", "shipper", "consignee", "day", "hs", "hs_key4", "hs_key6",
    "origin", "manufacturer", "value_usd", "quantity", "chpl_tier", "controlled", "mirror_of",
]
ENTITY_COLUMNS = [
    "entity", "id", "name", "country", "member_rows", "member_ids", "member_scopes",
    "member_countries", "roles", "lists",
]
ROLES = ["manufacturer", "distributor", "trader", "forwarder", "end_user", "military_end_user"]
ENTITY_KINDS = ["country", "entity", "role", "list"]
UNSUPPORTED_KINDS = {
    "name": "name: selectors compare names with divtrace's name normaliser, which the job does not have; "
            "use entity:ID, or run `divtrace routes`",
    "brand": "brand: selectors compare manufacturers with divtrace's name normaliser, which the job does not have; "
             "use origin:CC, or run `divtrace routes`",
}


class Refused(Exception):
    """A usage or input error: printed as one line, exit 2."""


def refuse(where, message):
    raise Refused(f"{where}: {message}")


# ---------------------------------------------------------------- the query

def parser():
    p = argparse.ArgumentParser(prog="divtrace_routes.py", description="divtrace route search on Spark")
    p.add_argument("--from", dest="from_", action="append", default=[], metavar="SEL")
    p.add_argument("--to", action="append", default=[], metavar="SEL")
    p.add_argument("--via", action="append", default=[], metavar="SEL")
    p.add_argument("--avoid", action="append", default=[], metavar="SEL")
    p.add_argument("--max-hops", type=int, default=5)
    p.add_argument("--max-dwell-days", type=int, default=180)
    p.add_argument("--hs-level", type=int, default=6)
    p.add_argument("--hs", action="append", default=[], metavar="PREFIX")
    p.add_argument("--chpl", action="store_true")
    p.add_argument("--chpl-tier", type=int)
    p.add_argument("--controlled", action="store_true")
    p.add_argument("--goods", action="append", default=[], metavar="FILE")
    p.add_argument("--since")
    p.add_argument("--until")
    p.add_argument("--min-value", type=float)
    p.add_argument("--mirror-days", type=int, default=DEFAULT_MIRROR_DAYS)
    p.add_argument("--mirror-tolerance", type=float, default=DEFAULT_MIRROR_TOLERANCE)
    p.add_argument("--no-mirror", action="store_true")
    p.add_argument("--no-prune", action="store_true", help="skip the forward pass (to measure what it saves)")
    p.add_argument("--stats", action="store_true", help="count chains per level (costs one action per level)")
    p.add_argument("--repeat", type=int, default=1, metavar="N",
                   help="run the query N times in this Spark session and log each run's time (warm timings)")
    p.add_argument("--out", metavar="FILE")
    return p


class ArgError(Exception):
    pass


class QuietParser(argparse.ArgumentParser):
    def error(self, message):
        raise ArgError(message)


def parse_query(argv):
    p = parser()
    p.__class__ = QuietParser
    try:
        a = p.parse_args(argv)
    except ArgError as e:
        refuse("arguments", str(e))
    if not a.from_:
        refuse("--from", "give at least one selector, e.g. --from country:US")
    if not a.to:
        refuse("--to", "give at least one selector, e.g. --to country:RU")
    if not 1 <= a.max_hops <= MAX_HOPS_LIMIT:
        refuse("--max-hops", f"must be 1 to {MAX_HOPS_LIMIT}, got {a.max_hops}")
    if a.max_dwell_days < 0:
        refuse("--max-dwell-days", "must be 0 or more")
    if not 1 <= a.repeat <= 100:
        refuse("--repeat", f"must be 1 to 100, got {a.repeat}")
    if a.hs_level not in (4, 6):
        refuse("--hs-level", f"must be 4 or 6, got {a.hs_level}")
    a.since_day = day_of("--since", a.since)
    a.until_day = day_of("--until", a.until)
    if a.since_day is not None and a.until_day is not None and a.since_day > a.until_day:
        refuse("--since", f"{a.since} is after --until {a.until}")
    if a.chpl_tier is not None and not 1 <= a.chpl_tier <= 4:
        refuse("--chpl-tier", f"must be 1 to 4, got {a.chpl_tier}")
    a.max_tier = a.chpl_tier if a.chpl_tier is not None else (4 if a.chpl else None)
    a.prefixes = []
    for h in a.hs:
        digits = re.sub(r"[. -]", "", h)
        if not re.fullmatch(r"[0-9]{1,10}", digits):
            refuse("--hs", f"'{h}' is not an HS prefix (expected 1 to 10 digits, e.g. 8542 or 8542.31)")
        a.prefixes.append(digits)
    if a.min_value is not None and (a.min_value != a.min_value or a.min_value < 0 or a.min_value == float("inf")):
        refuse("--min-value", f"must be a non-negative number, got {a.min_value}")
    if a.goods:
        refuse("--goods", "the job knows the bundled goods lists only (the export's `controlled` column); "
                          "run `divtrace routes --goods FILE`, or filter with --hs PREFIX")
    if not a.no_mirror and (a.mirror_days != DEFAULT_MIRROR_DAYS or a.mirror_tolerance != DEFAULT_MIRROR_TOLERANCE):
        refuse("--mirror-days" if a.mirror_days != DEFAULT_MIRROR_DAYS else "--mirror-tolerance",
               "the export pairs mirror records with the default rules (45 days, 10 %); "
               "other rules need `divtrace routes`, or give --no-mirror")
    a.sel_from = [parse_selector("--from", s) for s in a.from_]
    a.sel_to = [parse_selector("--to", s) for s in a.to]
    a.sel_via = [parse_selector("--via", s) for s in a.via]
    a.sel_avoid = [parse_selector("--avoid", s) for s in a.avoid]
    for flag, sels in (("--to", a.sel_to), ("--via", a.sel_via), ("--avoid", a.sel_avoid)):
        for kind, _ in sels:
            if kind == "origin":
                refuse(flag, f"'origin:' describes goods and is only allowed in --from")
    return a


def day_of(flag, text):
    if text is None:
        return None
    try:
        d = datetime.date.fromisoformat(text.strip())
    except ValueError:
        refuse(flag, f"'{text}' is not a date (expected YYYY-MM-DD)")
    return (d - datetime.date(1970, 1, 1)).days


def parse_selector(flag, text):
    if ":" not in text:
        refuse(flag, f"'{text}' is not a selector; expected KIND:VALUE with KIND one of "
                     "country, entity, role, list, name, origin, brand")
    kind, value = text.split(":", 1)
    kind, value = kind.strip().lower(), value.strip()
    if not value:
        refuse(flag, f"'{text}': the value after '{kind}:' is empty")
    if kind in UNSUPPORTED_KINDS:
        refuse(flag, f"'{text}': {UNSUPPORTED_KINDS[kind]}")
    if kind in ("country", "origin"):
        if not re.fullmatch(r"[A-Za-z]{2}", value):
            refuse(flag, f"'{text}': unknown country '{value}' (expected an ISO 3166-1 alpha-2 code such as US, TR, RU)")
        value = value.upper()
    elif kind == "role":
        if value.lower() not in ROLES:
            refuse(flag, f"'{text}': unknown role '{value}' (expected one of {', '.join(ROLES)})")
        value = value.lower()
    elif kind not in ("entity", "list"):
        refuse(flag, f"'{text}': unknown selector kind '{kind}' (expected one of "
                     "country, entity, role, list, name, origin, brand)")
    return (kind, value)


# ---------------------------------------------------------------- the data

def read_case(spark, folder):
    """The two tables, after checking the manifest and the columns."""
    manifest_path = os.path.join(folder, "_divtrace.json")
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except FileNotFoundError:
        refuse(manifest_path, "missing: not a folder written by `divtrace export --format parquet`")
    except (OSError, ValueError) as e:
        refuse(manifest_path, f"not readable as JSON ({e})")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        refuse(manifest_path, f"field 'format': expected \"{FORMAT}\", got {json.dumps(manifest.get('format') if isinstance(manifest, dict) else manifest)}")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        refuse(manifest_path, f"field 'schema_version': this job reads schema version {SCHEMA_VERSION}, "
                              f"the export is version {json.dumps(manifest.get('schema_version'))}; "
                              "export again with the matching divtrace, or use the job of that version")
    tables = {}
    for table, expected in (("shipments", SHIPMENT_COLUMNS), ("entities", ENTITY_COLUMNS)):
        parts = manifest.get(table, {}).get("parts", [])
        paths = [os.path.join(folder, p["path"]) for p in parts]
        if not paths:
            refuse(manifest_path, f"field '{table}.parts': no part files listed")
        for p in paths:
            if not os.path.exists(p) and "://" not in folder:
                refuse(p, "listed in _divtrace.json but missing")
        df = spark.read.parquet(*paths)
        have = set(df.columns)
        for c in expected:
            if c not in have:
                refuse(os.path.join(folder, table), f"column '{c}' is missing (schema version {SCHEMA_VERSION} has "
                                                    f"{', '.join(expected)})")
        tables[table] = df
    return manifest, tables["shipments"], tables["entities"]


# ---------------------------------------------------------------- the search

def node_set(F, spark, entities, flag, sels):
    """A DataFrame (entity) of the nodes matching any of the entity selectors, or None for none given."""
    conds = []
    for kind, value in sels:
        if kind == "country":
            conds.append(F.array_contains("member_countries", value))
        elif kind == "role":
            conds.append(F.array_contains("roles", value))
        elif kind == "list":
            conds.append(F.exists("lists", lambda x: F.lower(x) == value.lower()))
        elif kind == "entity":
            conds.append(F.col("entity").isin(resolve_entity(F, entities, flag, value)))
    if not conds:
        return None
    cond = conds[0]
    for c in conds[1:]:
        cond = cond | c
    return entities.where(cond).select("entity").distinct()


def resolve_entity(F, entities, flag, text):
    """entity:ID or entity:SCOPE:ID to the nodes holding it, as `divtrace routes` resolves it."""
    members = entities.select("entity", F.explode(F.arrays_zip("member_ids", "member_scopes")).alias("m")).select(
        "entity", F.col("m.member_ids").alias("input_id"), F.col("m.member_scopes").alias("scope"))
    if ":" in text:
        scope, bare = text.split(":", 1)
        hits = members.where((F.col("scope") == scope) & (F.col("input_id") == bare)).collect()
        if hits:
            return sorted({r["entity"] for r in hits})
    hits = members.where(F.col("input_id") == text).collect()
    scopes = sorted({r["scope"] for r in hits})
    if not hits:
        refuse(flag, f"'entity:{text}': no entity with this id in the case")
    if len(hits) > 1 and len(scopes) > 1:
        cands = ", ".join(f"entity:{s}:{text}" for s in scopes)
        refuse(flag, f"'entity:{text}' is ambiguous: it is an id in several batches; use one of {cands}")
    return sorted({r["entity"] for r in hits})


def flagged(F, df, col, nodes, name):
    """df with a boolean column `name`: df[col] is in `nodes`."""
    if nodes is None:
        return df.withColumn(name, F.lit(False))
    n = nodes.select(F.col("entity").alias(col), F.lit(True).alias(name))
    return df.join(n, col, "left").withColumn(name, F.coalesce(F.col(name), F.lit(False)))


def search(spark, shipments, entities, q, log, run=1):
    from pyspark.sql import functions as F

    # Each step's Spark jobs carry its name (the UI, the event log): the shuffles of a
    # level can be told apart there, which is how docs/benchmarks.md measured them.
    step = lambda name: spark.sparkContext.setJobDescription(f"divtrace run {run}: {name}")

    key = "hs_key6" if q.hs_level == 6 else "hs_key4"
    # The per-shipment filters (docs/routes.md, clause 7).
    ok = F.lit(True)
    if q.since_day is not None:
        ok = ok & (F.col("day") >= q.since_day)
    if q.until_day is not None:
        ok = ok & (F.col("day") <= q.until_day)
    if q.min_value is not None:
        ok = ok & F.col("value_usd").isNotNull() & (F.col("value_usd").cast("double") >= F.lit(q.min_value))
    if q.prefixes:
        pc = F.lit(False)
        for p in q.prefixes:
            pc = pc | F.col("hs").startswith(p)
        ok = ok & pc
    if q.max_tier is not None:
        ok = ok & F.col("chpl_tier").isNotNull() & (F.col("chpl_tier") <= q.max_tier)
    if q.controlled:
        ok = ok & F.col("controlled")
    s = shipments.select("row_id", "shipper", "consignee", "day", F.col(key).alias("key"), "origin", "mirror_of",
                         ok.alias("ok"))
    if not q.no_mirror:
        # The later declaration of a pair backs the earlier's hop, unless a filter dropped the earlier.
        firsts = s.where("ok").select(F.col("row_id").alias("mirror_of"), F.lit(True).alias("first_ok"))
        s = s.join(firsts, "mirror_of", "left").withColumn("ok", F.col("ok") & F.col("first_ok").isNull())
    s = s.where("ok").where(F.col("shipper") != F.col("consignee"))

    from_nodes = node_set(F, spark, entities, "--from", [x for x in q.sel_from if x[0] != "origin"])
    origins = sorted({v for k, v in q.sel_from if k == "origin"})
    to_nodes = node_set(F, spark, entities, "--to", q.sel_to)
    via_nodes = node_set(F, spark, entities, "--via", q.sel_via)
    avoid_nodes = node_set(F, spark, entities, "--avoid", q.sel_avoid)

    if avoid_nodes is not None:
        av = avoid_nodes.select(F.col("entity").alias("node"))
        s = s.join(av.withColumnRenamed("node", "shipper"), "shipper", "left_anti")
        s = s.join(av.withColumnRenamed("node", "consignee"), "consignee", "left_anti")
    s = flagged(F, s, "shipper", from_nodes, "from_shipper")
    first = F.col("from_shipper")
    if origins:
        first = first | F.col("origin").isin(origins)
    s = s.withColumn("first", first)
    s = flagged(F, s, "consignee", to_nodes, "to_consignee")
    if via_nodes is not None:
        s = flagged(F, s, "shipper", via_nodes, "via_shipper")
        s = flagged(F, s, "consignee", via_nodes, "via_consignee")
    else:
        s = s.withColumn("via_shipper", F.lit(True)).withColumn("via_consignee", F.lit(True))
    s = s.select("row_id", "shipper", "consignee", "day", "key", "first", "to_consignee", "via_shipper",
                 "via_consignee").cache()
    step("filters")
    s.count()
    cached = s

    dwell = q.max_dwell_days
    stats = {"forward": [], "chains": [], "chains_total": 0}
    if q.no_prune:
        s = s.withColumn("fwd", F.lit(1))
    else:
        # Forward marks: the fewest hops from an origin that can deliver the goods into a
        # shipment. Per (party, key) the arrivals' window is widened to
        # [earliest arrival, latest arrival + dwell]: a superset, so no route is lost.
        marked = s.where("first").select("row_id", "consignee", "day", "key", F.lit(1).alias("fwd"))
        frontier = marked
        for j in range(2, q.max_hops + 1):
            win = frontier.groupBy(F.col("consignee").alias("shipper"), "key").agg(
                F.min("day").alias("lo"), F.max("day").alias("hi"))
            nxt = (s.join(win, ["shipper", "key"])
                   .where((F.col("day") >= F.col("lo")) & (F.col("day") <= F.col("hi") + dwell))
                   .join(marked.select("row_id"), "row_id", "left_anti")
                   .select("row_id", "consignee", "day", "key", F.lit(j).alias("fwd")))
            step(f"forward hop {j}")
            nxt = nxt.localCheckpoint()
            if nxt.isEmpty():
                break
            if q.stats:
                stats["forward"].append(nxt.count())
            marked = marked.unionByName(nxt)
            frontier = nxt
        step("forward marks")
        marked = marked.select("row_id", "fwd").localCheckpoint()
        s = s.join(marked, "row_id")
        if q.stats:
            stats["forward"].insert(0, s.where(F.col("fwd") == 1).count())

    # Level 1: the shipments into a destination that an origin can reach within the hops.
    chains = (s.where("to_consignee").where(F.col("fwd") <= q.max_hops)
              .select(F.col("shipper").alias("head"), F.col("day").alias("head_day"), "key",
                      F.array("row_id").alias("ships"), F.array("shipper", "consignee").alias("nodes"),
                      (F.col("via_shipper") | F.col("via_consignee")).alias("via"), "first"))
    routes = []
    cand = s.select(F.col("row_id").alias("p_row"), F.col("shipper").alias("p_shipper"),
                    F.col("consignee").alias("head"), F.col("day").alias("p_day"), "key",
                    F.col("first").alias("p_first"), F.col("fwd").alias("p_fwd"),
                    F.col("via_shipper").alias("p_via"))
    for j in range(1, q.max_hops + 1):
        step(f"chains level {j}")
        chains = chains.localCheckpoint()
        n = chains.count() if q.stats else None
        if q.stats:
            stats["chains"].append(n)
            # As they come: a run stopped at a level that explodes still says how far it got.
            log(f"chains at level {j}: {n}")
        routes.append(chains.where(F.col("first") & F.col("via")).select("ships", "nodes"))
        if j == q.max_hops:
            break
        # One more hop backward: into the chain's head, same key, within the dwell before it, a new entity.
        nxt = (chains.join(cand.where(F.col("p_fwd") - 1 + (j + 1) <= q.max_hops), ["head", "key"])
               .where((F.col("p_day") <= F.col("head_day")) & (F.col("p_day") >= F.col("head_day") - dwell))
               .where(~F.array_contains("nodes", F.col("p_shipper")))
               .select(F.col("p_shipper").alias("head"), F.col("p_day").alias("head_day"), "key",
                       F.concat(F.array("p_row"), "ships").alias("ships"),
                       F.concat(F.array("p_shipper"), "nodes").alias("nodes"),
                       (F.col("via") | F.col("p_via")).alias("via"), F.col("p_first").alias("first")))
        chains = nxt
        if not q.stats and chains.isEmpty():
            break
    found = routes[0]
    for r in routes[1:]:
        found = found.unionByName(r)
    step("collect routes")
    rows = found.collect()
    spark.sparkContext.setJobDescription(None)
    # Not kept for a next query (--repeat, --queries): its run should do the whole work again.
    cached.unpersist()
    log(f"{len(rows)} routes" + (f"; chains per level {stats['chains']}" if q.stats else ""))
    return rows, stats


def label(spark, shipments, entities, rows):
    """Bundle ids of the shipments and nodes the routes cite."""
    from pyspark.sql import functions as F
    ship_ids = sorted({x for r in rows for x in r["ships"]})
    node_ids = sorted({x for r in rows for x in r["nodes"]})
    ships, nodes = {}, {}
    if ship_ids:
        want = spark.createDataFrame([(x,) for x in ship_ids], "row_id long")
        ships = {r["row_id"]: r["shipment"] for r in shipments.join(want, "row_id").select("row_id", "shipment").collect()}
        want = spark.createDataFrame([(x,) for x in node_ids], "entity long")
        nodes = {r["entity"]: r["id"] for r in entities.join(want, "entity").select("entity", "id").collect()}
    return ships, nodes


def driver_cpu():
    """CPU seconds of this process and of the JVM that spark-submit started it from (in
    local mode the executors are threads of that JVM), or None where /proc does not tell."""
    try:
        with open(f"/proc/{os.getppid()}/stat", encoding="ascii") as f:
            stat = f.read()
    except OSError:
        return None
    if "(java)" not in stat:
        return None
    # Fields 14 and 15 (user, system ticks) count from the end of "(comm)".
    fields = stat.rsplit(")", 1)[1].split()
    me = os.times()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") + me.user + me.system


def run_query(spark, manifest, shipments, entities, argv, log):
    q = parse_query(argv)
    first = None
    for run in range(1, q.repeat + 1):
        # A run is the search and the labelling (what the routes cost once the JVM is up);
        # the first includes Spark's own warm-up (code generation, JIT, Parquet footers).
        started, cpu_started = time.perf_counter(), driver_cpu()
        rows, stats = search(spark, shipments, entities, q, log, run)
        spark.sparkContext.setJobDescription(f"divtrace run {run}: label")
        ships, nodes = label(spark, shipments, entities, rows)
        spark.sparkContext.setJobDescription(None)
        out_routes = sorted(([list(r["ships"]), list(r["nodes"])] for r in rows), key=lambda r: (len(r[0]), r[0]))
        if q.repeat > 1:
            cpu = "" if cpu_started is None else f", {driver_cpu() - cpu_started:.2f} s CPU (driver JVM and Python)"
            log(f"run {run} of {q.repeat}: {time.perf_counter() - started:.3f} s{cpu}, {len(out_routes)} routes")
        if first is None:
            # Written after the first run: a measurement stopped during a later one keeps the routes.
            first = out_routes
            write_routes(q, manifest, argv, stats, out_routes, ships, nodes)
        elif out_routes != first:
            raise RuntimeError(f"run {run} found {len(out_routes)} routes, run 1 found {len(first)}: not the same set")
    return len(first)


def write_routes(q, manifest, argv, stats, out_routes, ships, nodes):
    doc = {
        "format": ROUTES_FORMAT,
        "version": ROUTES_VERSION,
        "engine": "spark",
        "case": manifest.get("case"),
        "query": {"args": list(argv)},
        "stats": {"total_routes": len(out_routes), "chains_per_level": stats["chains"] if q.stats else None,
                  "forward_per_level": stats["forward"] if q.stats else None, "pruned": not q.no_prune},
        "routes": [{"shipments": [ships[s] for s in r[0]], "entities": [nodes[v] for v in r[1]]} for r in out_routes],
    }
    if not q.stats:
        del doc["stats"]["chains_per_level"], doc["stats"]["forward_per_level"]
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if q.out is None or q.out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        tmp = q.out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, q.out)


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        parser().print_help()
        return 0
    rest = argv
    folder = None
    if argv[0] != "--queries":
        folder, rest = argv[0], argv[1:]
    queries = None
    if "--queries" in rest:
        i = rest.index("--queries")
        if i + 1 >= len(rest):
            print("--queries: give a file", file=sys.stderr)
            return 2
        qfile = rest[i + 1]
        try:
            with open(qfile, encoding="utf-8") as f:
                queries = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{qfile}: not readable as JSON ({e})", file=sys.stderr)
            return 2
        for n, qd in enumerate(queries):
            if not isinstance(qd, dict) or not isinstance(qd.get("args"), list) or not isinstance(qd.get("out"), str):
                print(f"{qfile}: query {n}: expected {{\"args\": [...], \"out\": \"FILE\"}}", file=sys.stderr)
                return 2
    else:
        # Checked before Spark starts: a usage error should not cost a JVM.
        try:
            parse_query(rest)
        except Refused as e:
            print(str(e), file=sys.stderr)
            return 2

    from pyspark.sql import SparkSession
    spark = SparkSession.builder.appName("divtrace-routes").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    log = lambda m: print(f"divtrace_routes: {m}", file=sys.stderr)
    code = 0
    try:
        if queries is None:
            try:
                manifest, shipments, entities = read_case(spark, folder)
                run_query(spark, manifest, shipments, entities, rest, log)
            except Refused as e:
                print(str(e), file=sys.stderr)
                code = 2
        else:
            # Each query may name its own folder ("case"); each folder is read once.
            cases = {}
            for n, qd in enumerate(queries):
                where = qd.get("case", folder)
                try:
                    if where not in cases:
                        try:
                            cases[where] = read_case(spark, where)
                        except Refused as e:
                            cases[where] = e
                    if isinstance(cases[where], Refused):
                        raise cases[where]
                    manifest, shipments, entities = cases[where]
                    run_query(spark, manifest, shipments, entities, list(qd["args"]) + ["--out", qd["out"]], log)
                except Refused as e:
                    print(f"query {n} ({shlex.join(qd['args'])}): {e}", file=sys.stderr)
                    with open(qd["out"], "w", encoding="utf-8") as f:
                        f.write(json.dumps({"format": ROUTES_FORMAT, "version": ROUTES_VERSION, "error": str(e)}) + "\n")
                    code = 2
    finally:
        spark.stop()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
