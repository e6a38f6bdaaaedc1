#!/usr/bin/env bash
# Spark benchmark: the route job (engines/spark/divtrace_routes.py) on
# `local[2]` against `divtrace routes` and DuckDB, on the hub-heavy case
# (`synth --hubs 40`), with the same query and the same routes:
#
#   benches/spark.sh [SHIPMENTS] [SPARK_RUNS] [RUNS]      (default 1000000 1 3)
#   DIVTRACE=/path/to/release/divtrace SKIP_BUILD=1 benches/spark.sh 5000000
#
# Untimed set-up: the bundle, the case file (graph cache current), the
# Parquet export (`divtrace export --format parquet`) and the DuckDB load.
# Then, each figure with its wall time, CPU seconds (user + system, GNU
# time: the process and the children it waited for), peak memory and the
# load average before and after it:
#
# * divtrace: `routes --all --format json`, whole process, RUNS times;
# * DuckDB: the pruned recursive query (routes_duckdb_pruned_paths.sql,
#   counted; the plain ones explode on hub-heavy data, see routes.sh),
#   whole process (CLI start, open, query), RUNS times;
# * Spark: SPARK_RUNS fresh `spark-submit` processes, each running the query
#   twice in one session (`--repeat 2`). Warm = the second run (the job's
#   own timing and the CPU of its JVM and Python driver); cold = the whole
#   process minus that second run: JVM start-up, reading the export, the
#   first run, writing routes.json, stopping Spark.
#
# The route sets (the shipment ids of every route, hop by hop) of the three
# must be identical, or the script fails. Last, two runs with `--stats` and
# Spark's event log: chains per level and shuffle bytes per step with the
# forward pruning and without it (`--no-prune`; SPARK_TIMEOUT seconds,
# default 1800, after which the levels it reached are reported; STATS_MODES
# picks them, default "pruned unpruned", "" for none). SPARK_PARTITIONS
# (default 4, as tests/spark_parity.rs) is spark.sql.shuffle.partitions.
#
# SPARK_VENV (default .venv: pip install -r tests/requirements-spark.txt)
# holds pyspark; Java 17 must be on the PATH. SPARK_DRIVER_MEMORY (default
# 4g) is the driver's heap, which in local mode is the executors' too.
: "${HUBS:=40}"
source "$(dirname "$0")/common.sh"
N=${1:-1000000}
SPARK_RUNS=${2:-1}
RUNS=${3:-3}
SPARK_TIMEOUT=${SPARK_TIMEOUT:-1800}
SPARK_VENV=${SPARK_VENV:-$REPO/.venv}
SPARK_PARTITIONS=${SPARK_PARTITIONS:-4}
SUBMIT=$SPARK_VENV/bin/spark-submit
HERE=$REPO/benches
JOB=$REPO/engines/spark/divtrace_routes.py
[ -x "$SUBMIT" ] || { echo "$SUBMIT is missing: python3 -m venv $SPARK_VENV && $SPARK_VENV/bin/pip install -r $REPO/tests/requirements-spark.txt" >&2; exit 1; }
command -v java >/dev/null 2>&1 || { echo "java is not on the PATH (Debian: openjdk-17-jre-headless)" >&2; exit 1; }
if grep -qs 'opt-level' "$REPO/.cargo/config.toml" && [ -z "${SKIP_BUILD:-}" ]; then
    echo "$REPO/.cargo/config.toml overrides opt-level: divtrace's figures would not be the release build's." >&2
    echo "Move it aside, or give DIVTRACE=... SKIP_BUILD=1 with a build made without it." >&2
    exit 1
fi
ensure_build
ensure_peers

DIR=$(bundle "$N")
DB=$(case_db "$N")
OUT=$BENCH_DIR/spark-$N$SUFFIX
mkdir -p "$OUT"
Q=(--from country:US --to country:RU --max-hops 4 --max-dwell-days 180)
"$DIVTRACE" routes --case "$DB" "${Q[@]}" --limit 1 --format json > "$OUT/limit1.json"
PQ=$OUT/parquet
[ -s "$PQ/_divtrace.json" ] || "$DIVTRACE" export --case "$DB" --format parquet --out "$PQ" >&2
DUCK=$OUT/routes.duckdb
if [ ! -s "$DUCK" ]; then
    sed "s#__DIR__#$DIR#g" "$HERE/routes_duckdb_load.sql" | duckdb "$DUCK.tmp" && mv "$DUCK.tmp" "$DUCK"
fi
sed -e "s/^SELECT array_to_string(sids, ' ') FROM r JOIN/SELECT count(*) AS routes FROM r JOIN/" -e 's/ ORDER BY 1;$/;/' \
    "$HERE/routes_duckdb_pruned_paths.sql" > "$OUT/duckdb_pruned_count.sql"
# spark-submit finds Spark, and the Python it runs, through the venv's interpreter.
SPARK=(env "PATH=$SPARK_VENV/bin:$PATH" "PYSPARK_PYTHON=$SPARK_VENV/bin/python"
       "$SUBMIT" --master 'local[2]' --driver-memory "${SPARK_DRIVER_MEMORY:-4g}" --conf spark.ui.enabled=false
       --conf "spark.sql.shuffle.partitions=$SPARK_PARTITIONS")

machine
echo "pyspark $("$SPARK_VENV/bin/python" -c 'import pyspark; print(pyspark.__version__)'), $(java -version 2>&1 | head -1), local[2], spark.sql.shuffle.partitions=$SPARK_PARTITIONS"
echo "case: $N shipments, $HUBS hubs ($DB; Parquet $(du -sh "$PQ" | cut -f1) in $PQ)"
echo "query: ${Q[*]}"

# timed NAME CMD...: one whole process; prints wall, CPU, peak and the load around it.
timed() {
    local name=$1 l0 wall user sys peak
    shift
    l0=$(cut -d' ' -f1 /proc/loadavg)
    if ! /usr/bin/time -f '%e %U %S %M' -o "$OUT/$name.time" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"; then
        echo "$name failed: $*" >&2
        tail -20 "$OUT/$name.err" >&2
        return 1
    fi
    read -r wall user sys peak < "$OUT/$name.time"
    printf '%-16s %8.2f s wall %8.2f s CPU (%.2f user + %.2f sys) %6d MiB   load %s -> %s\n' \
        "$name" "$wall" "$(awk "BEGIN{print $user + $sys}")" "$user" "$sys" $((peak / 1024)) "$l0" "$(cut -d' ' -f1 /proc/loadavg)"
}

echo "== whole processes: wall, CPU (user + sys), peak, load average (1 min) before -> after"
for i in $(seq "$RUNS"); do
    timed "divtrace-$i" "$DIVTRACE" routes --case "$DB" "${Q[@]}" --all --format json
done
for i in $(seq "$RUNS"); do
    timed "duckdb-$i" sh -c "exec duckdb -readonly -noheader -csv '$DUCK' < '$OUT/duckdb_pruned_count.sql'"
done
rm -f "$OUT"/spark-*.json
INCOMPLETE=
for i in $(seq "$SPARK_RUNS"); do
    if ! timed "spark-$i" timeout "$SPARK_TIMEOUT" "${SPARK[@]}" "$JOB" "$PQ" "${Q[@]}" --repeat 2 --out "$OUT/spark-$i.json"; then
        # Stopped (SPARK_TIMEOUT) or failed: what it got through; routes.json exists after run 1.
        echo "  spark-$i did not finish within ${SPARK_TIMEOUT} s; it logged: $(grep -h 'divtrace_routes:' "$OUT/spark-$i.out" | tr '\n' ';')"
        INCOMPLETE=1
        continue
    fi
    # The job's log lines: spark-submit merges the Python driver's stderr into its stdout.
    python3 - "$OUT/spark-$i.time" "$OUT/spark-$i.out" <<'PY'
import re, sys
wall, user, sys_, _ = open(sys.argv[1]).read().split()[-4:]
runs = {int(m[0]): (float(m[1]), float(m[2]) if m[2] else None)
        for m in re.findall(r"run (\d) of 2: ([0-9.]+) s(?:, ([0-9.]+) s CPU)?", open(sys.argv[2]).read())}
if sorted(runs) != [1, 2]:
    sys.exit(f"{sys.argv[2]}: expected the job's lines for runs 1 and 2 of 2, found {sorted(runs)}")
(w1, c1), (w2, c2) = runs[1], runs[2]
if c1 is None or c2 is None:
    sys.exit(f"{sys.argv[2]}: the job logged no CPU seconds (it reads them from /proc of the JVM)")
cpu = float(user) + float(sys_)
print(f"  spark in the session: run 1 {w1:.2f} s wall, {c1:.2f} s CPU; run 2 (warm) {w2:.2f} s wall, {c2:.2f} s CPU")
print(f"  spark cold (process minus run 2): {float(wall) - w2:.2f} s wall, {cpu - c2:.2f} s CPU")
PY
done

echo "== route sets (must be identical)"
duckdb -readonly -noheader -csv "$DUCK" < "$HERE/routes_duckdb_pruned_paths.sql" > "$OUT/duckdb-routes.txt"
python3 - "$OUT/divtrace-1.out" "$OUT/duckdb-routes.txt" "$OUT/duckdb-1.out" "$OUT"/spark-*.json <<'PY'
import json, os, sys
def routes(doc):
    return sorted(" ".join(r["shipments"]) for r in json.load(open(doc))["routes"])
ours = routes(sys.argv[1])
sets = {"duckdb": sorted(l.strip().strip('"') for l in open(sys.argv[2]) if l.strip())}
for f in (f for f in sys.argv[4:] if os.path.exists(f)):
    sets[f.rsplit("/", 1)[1]] = routes(f)
counted = int(open(sys.argv[3]).read().strip())
if counted != len(ours):
    sys.exit(f"route counts differ: divtrace {len(ours)}, duckdb count query {counted}")
for name, theirs in sets.items():
    if theirs != ours:
        sys.exit(f"route sets differ: divtrace {len(ours)}, {name} {len(theirs)}, {len(set(ours) ^ set(theirs))} not in both")
names = ["divtrace", "DuckDB (count and paths)"] + [n for n in sets if n != "duckdb"]
print(f"identical: {len(ours)} routes in {', '.join(names)}")
PY

echo "== chains per level and shuffle per step, with pruning and without (--stats, event log)"
# `-`, not `:-`: STATS_MODES="" (set but empty) means no stats runs.
for mode in ${STATS_MODES-pruned unpruned}; do
    extra=()
    [ "$mode" = unpruned ] && extra=(--no-prune)
    log=$OUT/events-$mode
    rm -rf "$log" && mkdir -p "$log"
    status=0
    timed "stats-$mode" timeout "$SPARK_TIMEOUT" "${SPARK[@]}" --conf spark.eventLog.enabled=true \
        --conf "spark.eventLog.dir=file://$log" --conf spark.eventLog.compress=false \
        "$JOB" "$PQ" "${Q[@]}" --stats "${extra[@]}" --out "$OUT/stats-$mode.json" || status=$?
    if [ "$status" -eq 0 ]; then
        python3 - "$OUT/stats-$mode.json" "$OUT/divtrace-1.out" "$mode" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1]))["stats"]
want = json.load(open(sys.argv[2]))["stats"]["total_routes"]
if s["total_routes"] != want:
    sys.exit(f"{sys.argv[3]}: {s['total_routes']} routes, divtrace {want}")
print(f"  {sys.argv[3]}: chains per level {s['chains_per_level']}, forward marks per hop {s['forward_per_level']}, "
      f"{s['total_routes']} routes")
PY
    else
        echo "  $mode: stopped after ${SPARK_TIMEOUT} s (or failed); levels reached: $(cat "$OUT/stats-$mode.out" "$OUT/stats-$mode.err" | grep -o 'chains at level [0-9]*: [0-9]*' | tr '\n' ';')"
    fi
    for f in "$log"/*; do
        [ -e "$f" ] && python3 "$HERE/spark_eventlog.py" "$f" --json "$OUT/shuffle-$mode.json"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$INCOMPLETE" ]; then
    echo "incomplete: a Spark run did not finish within SPARK_TIMEOUT=${SPARK_TIMEOUT} s" >&2
    exit 3
fi
