#!/usr/bin/env bash
# Ingest benchmark: divtrace ingest vs DuckDB read_csv vs sqlite3 .import,
# the same four CSV files into a fresh database file each run.
#
#   benches/ingest.sh [SHIPMENTS] [RUNS]      (default 1000000 5)
#   benches/ingest.sh 10000000 1 divtrace     (divtrace alone, once: memory at 10M)
source "$(dirname "$0")/common.sh"
N=${1:-1000000}
RUNS=${2:-5}
ONLY=${3:-}
ensure_build
ensure_peers
DIR=$(bundle "$N")
OUT=$BENCH_DIR/ingest-$N
mkdir -p "$OUT"

ROWS=0
for f in entities shipments relations lists; do
    ROWS=$((ROWS + $(wc -l < "$DIR/$f.csv") - 1))
done

DUCK_SQL="CREATE TABLE entities AS FROM read_csv('$DIR/entities.csv');
CREATE TABLE shipments AS FROM read_csv('$DIR/shipments.csv');
CREATE TABLE relations AS FROM read_csv('$DIR/relations.csv');
CREATE TABLE lists AS FROM read_csv('$DIR/lists.csv');"

args=(--name divtrace "$DIVTRACE ingest -q $DIR --case $OUT/divtrace.db"
      --setup "divtrace=rm -f $OUT/divtrace.db $OUT/divtrace.db-journal")
if [ -z "$ONLY" ]; then
    args+=(--name duckdb "duckdb $OUT/duck.duckdb -c \"$DUCK_SQL\""
           --setup "duckdb=rm -f $OUT/duck.duckdb $OUT/duck.duckdb.wal"
           --name sqlite3 "sqlite3 $OUT/sqlite.db '.import --csv $DIR/entities.csv entities' '.import --csv $DIR/shipments.csv shipments' '.import --csv $DIR/relations.csv relations' '.import --csv $DIR/lists.csv lists'"
           --setup "sqlite3=rm -f $OUT/sqlite.db")
fi

machine
echo "case: $N shipments, $ROWS data rows in entities/shipments/relations/lists.csv ($(du -sh "$DIR" | cut -f1))"
python3 "$HARNESS" --runs "$RUNS" --warmup "$([ "$RUNS" -gt 1 ] && echo 1 || echo 0)" --json "$OUT/result.json" "${args[@]}"
python3 - "$OUT/result.json" "$ROWS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); rows = int(sys.argv[2])
print(f"{'command':<14} {'rows/s (median wall)':>21}")
for n, v in r.items():
    print(f"{n:<14} {rows / v['wall_median']:>21,.0f}")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
