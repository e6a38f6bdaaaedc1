#!/usr/bin/env bash
# Where `divtrace routes --all` spends its time beyond the search: the same
# query on the case file as ingest leaves it (no lookup indexes) and on a copy
# with the store's lookup indexes built (src/store/schema.rs INDEXES, as
# `Case::ensure_indexes` would), side by side with the networkx peer
# (backward, its faster direction). See docs/benchmarks.md, "Profile".
#
#   benches/routes_report_cost.sh [SHIPMENTS] [RUNS]     (default 1000000 3)
source "$(dirname "$0")/common.sh"
N=${1:-1000000}
RUNS=${2:-3}
ensure_build
ensure_peers
DIR=$(bundle "$N")
DB=$(case_db "$N")
OUT=$BENCH_DIR/routes-$N
mkdir -p "$OUT"
Q="--from country:US --to country:RU --max-hops 4"
"$DIVTRACE" routes --case "$DB" $Q --limit 1 --format json > /dev/null   # graph cache current
IDX=$OUT/indexed.db
cp "$DB" "$IDX"
sed -n '/^pub const INDEXES/,/^"#;/p' "$REPO/src/store/schema.rs" | grep '^CREATE' | sqlite3 "$IDX"
cmp <("$DIVTRACE" routes --case "$DB" $Q --all --format json) <("$DIVTRACE" routes --case "$IDX" $Q --all --format json) \
    && echo "same output with and without the indexes"
machine
python3 "$HARNESS" --runs "$RUNS" --warmup 1 --json "$OUT/report-cost.json" \
    --name divtrace-all "$DIVTRACE routes --case $DB $Q --all --format json" \
    --name all-indexed "$DIVTRACE routes --case $IDX $Q --all --format json" \
    --name lim1-indexed "$DIVTRACE routes --case $IDX $Q --limit 1 --format json" \
    --name nx-bwd "python3 $REPO/benches/routes_nx.py $DIR backward 4"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
