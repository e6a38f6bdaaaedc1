#!/usr/bin/env bash
# Routes benchmark: `divtrace routes --from country:US --to country:RU --max-hops 4`
# vs the same query as a DuckDB recursive CTE (data already loaded) and as a
# networkx depth-first search; both search directions for each peer.
#
#   benches/routes.sh [SHIPMENTS] [RUNS] [NX_RUNS]     (default 1000000 7 3; NX_RUNS=0 skips networkx)
#   HUBS=40 DUCK_DIRS=pruned benches/routes.sh 5000000 5 0   (the hub-heavy case, docs/benchmarks.md)
#
# DUCK_DIRS (default "forward backward pruned") picks the DuckDB queries
# timed in the process harness and TIMER_RUNS (default 3) the .timer runs per
# query: "forward" and "backward" are plain recursive CTEs, "pruned" is the
# backward one after a date-free reachability cut from the US side
# (routes_duckdb_pruned_paths.sql, counted). On hub-heavy data the plain ones explode (at
# 5,000,000 shipments the backward one ran out of 12 GB after 8 minutes), so
# docs/benchmarks.md used DUCK_DIRS=pruned there. The route sets are always
# compared with the pruned query's routes.
source "$(dirname "$0")/common.sh"
N=${1:-1000000}
RUNS=${2:-7}
NX_RUNS=${3:-3}
HERE=$REPO/benches
ensure_build
ensure_peers
DIR=$(bundle "$N")
DB=$(case_db "$N")
OUT=$BENCH_DIR/routes-$N$SUFFIX
mkdir -p "$OUT"
Q="--from country:US --to country:RU --max-hops 4 --max-dwell-days 180"

# Untimed set-up: the graph cache is current (a first run writes it), and
# the bundle is loaded into DuckDB once.
"$DIVTRACE" routes --case "$DB" $Q --limit 1 --format json > "$OUT/limit1.json"
DUCK=$OUT/routes.duckdb
if [ ! -s "$DUCK" ]; then
    sed "s#__DIR__#$DIR#g" "$HERE/routes_duckdb_load.sql" | duckdb "$DUCK.tmp" && mv "$DUCK.tmp" "$DUCK"
fi

# The pruned query's count is its paths query with the last SELECT counting.
sed -e "s/^SELECT array_to_string(sids, ' ') FROM r JOIN/SELECT count(*) AS routes FROM r JOIN/" -e 's/ ORDER BY 1;$/;/' \
    "$HERE/routes_duckdb_pruned_paths.sql" > "$OUT/routes_duckdb_pruned.sql"
sql_of() { if [ "$1" = pruned ]; then echo "$OUT/routes_duckdb_pruned.sql"; else echo "$HERE/routes_duckdb_$1.sql"; fi; }

machine
echo "case: $N shipments ($DB)"

echo "== route counts (must be identical)"
"$DIVTRACE" routes --case "$DB" $Q --all --format json > "$OUT/all.json"
python3 - "$OUT/limit1.json" "$OUT/all.json" <<'PY'
import json, sys
for f in sys.argv[1:]:
    s = json.load(open(f))["stats"]
    print(f"divtrace {f.rsplit('/', 1)[1]:<12} total_routes {s['total_routes']}  routes_shown {s['routes_shown']}")
PY
echo "divtrace --all output: $(wc -c < "$OUT/all.json") bytes of JSON"
TOTAL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"]["total_routes"])' "$OUT/limit1.json")
for dir in ${DUCK_DIRS:-forward backward pruned}; do
    n=$(duckdb -readonly -noheader -csv "$DUCK" < "$(sql_of "$dir")")
    echo "duckdb $dir: $n"
    [ "$n" = "$TOTAL" ] || { echo "route counts differ: divtrace $TOTAL, duckdb $dir $n" >&2; exit 1; }
done
# Not only the counts: the routes themselves, as sequences of shipment ids.
duckdb -readonly -noheader -csv "$DUCK" < "$HERE/routes_duckdb_pruned_paths.sql" > "$OUT/duckdb-routes.txt"
python3 - "$OUT/all.json" "$OUT/duckdb-routes.txt" <<'PY'
import json, sys
ours = sorted(" ".join(r["shipments"]) for r in json.load(open(sys.argv[1]))["routes"])
theirs = sorted(l.strip().strip('"') for l in open(sys.argv[2]) if l.strip())
if ours != theirs:
    sys.exit(f"route sets differ: divtrace {len(ours)}, duckdb {len(theirs)}, {len(set(ours) ^ set(theirs))} not in both")
print(f"route sets identical: {len(ours)} routes, the same shipment ids hop by hop in divtrace and DuckDB")
PY

echo "== the search itself: divtrace (graph in memory) and DuckDB (.timer, data loaded)"
cargo bench --quiet --manifest-path "$REPO/Cargo.toml" --bench routes_search -- "$DB" "$RUNS" 4
for dir in ${DUCK_DIRS:-forward backward pruned}; do
    for i in $(seq "${TIMER_RUNS:-3}"); do
        (echo .timer on; cat "$(sql_of "$dir")") | duckdb -readonly "$DUCK" | grep 'Run Time' | sed "s/^/duckdb $dir: /"
    done
done

duck_args=()
for dir in ${DUCK_DIRS:-forward backward pruned}; do
    short=${dir/forward/fwd}; short=${short/backward/bwd}; short=${short/pruned/prn}
    duck_args+=(--name "duckdb-$short" "duckdb -readonly $DUCK < $(sql_of "$dir")")
done
echo "== whole processes (DuckDB: CLI start + open + query; duckdb-trivial: CLI start + open + count(*))"
python3 "$HARNESS" --runs "$RUNS" --warmup 1 --json "$OUT/process.json" \
    --name divtrace-lim1 "$DIVTRACE routes --case $DB $Q --limit 1 --format json" \
    --name divtrace-all "$DIVTRACE routes --case $DB $Q --all --format json" \
    "${duck_args[@]}" \
    --name duckdb-trivial "duckdb -readonly $DUCK -c 'SELECT count(*) FROM ship'"

if [ "$NX_RUNS" -gt 0 ]; then
    echo "== networkx (whole process: read CSV, build MultiDiGraph, DFS)"
    rm -f "$OUT/nx-times.jsonl"
    python3 "$HARNESS" --runs "$NX_RUNS" --warmup 0 --json "$OUT/nx.json" \
        --name divtrace-lim1 "$DIVTRACE routes --case $DB $Q --limit 1 --format json" \
        --name nx-fwd "python3 $HERE/routes_nx.py $DIR forward 4 --times $OUT/nx-times.jsonl" \
        --name nx-bwd "python3 $HERE/routes_nx.py $DIR backward 4 --times $OUT/nx-times.jsonl"
    python3 - "$OUT/nx-times.jsonl" "$TOTAL" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
bad = {x["routes"] for x in rows} - {int(sys.argv[2])}
if bad:
    sys.exit(f"route counts differ: divtrace {sys.argv[2]}, networkx {sorted(bad)}")
for d in ("forward", "backward"):
    r = [x for x in rows if x["direction"] == d]
    print(f"networkx {d}: build median {statistics.median(x['build_s'] for x in r):.2f} s, "
          f"search median {statistics.median(x['search_s'] for x in r):.2f} s, routes {sorted({x['routes'] for x in r})}")
PY
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
