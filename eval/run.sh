#!/bin/sh
# The independent evaluation (docs/resolution.md, "Independent evaluation"):
#   1. eval/namegen.py case of 10,000 entities with ~1,200 duplicate pairs: resolve, pairwise P/R/F1, per class, sweep;
#   2. eval/namegen.py case of 50,000 entities with no duplicates: false merges per 10,000 entities;
#   3. OFAC primary name <-> aka pairs (fixtures/lists/ofac): resolve, pairwise;
#   4. OFAC screening queries written as declarants write them, plus unlisted names: top-1, recall, FP rate.
# Usage: eval/run.sh   (from the repository root after cargo build --release; BIN and OUT override)
set -eu
BIN=${BIN:-target/release/divtrace}
OUT=${OUT:-/tmp/divtrace-eval}
PY=${PY:-python3}
L=fixtures/lists/ofac
mkdir -p "$OUT"
resolve_case() { # name, generator args...
  name=$1; shift
  rm -rf "$OUT/$name" "$OUT/$name.db"
  "$PY" "$@" "$OUT/$name"
  "$BIN" ingest "$OUT/$name" --case "$OUT/$name.db" --quiet
  "$BIN" resolve --case "$OUT/$name.db" > /dev/null
  echo "== $name"
  "$PY" eval/score.py "$OUT/$name/truth.csv" "$OUT/$name.db"
}
resolve_case gen10k eval/namegen.py --entities 10000 --seed 7 --out
resolve_case nodup50k eval/namegen.py --entities 50000 --seed 8 --no-duplicates --out
resolve_case ofac_pairs eval/ofac_eval.py pairs
rm -rf "$OUT/queries" "$OUT/queries.db"
"$PY" eval/ofac_eval.py queries "$OUT/queries"
"$BIN" ingest "$OUT/queries" --case "$OUT/queries.db" --quiet
"$BIN" screen --case "$OUT/queries.db" --sdn $L/sdn.csv --sdn-add $L/add.csv --sdn-alt $L/alt.csv --threshold 0.7 --format csv > "$OUT/queries.matches.csv"
echo "== screening (OFAC queries)"
"$PY" eval/ofac_eval.py score "$OUT/queries/truth.csv" "$OUT/queries.matches.csv"
