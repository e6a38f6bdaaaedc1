#!/bin/sh
# Counterparty ratings and scheme recovery on independent trade cases (docs/assessment.md, "Measured";
# docs/resolution.md, "Independent evaluation"): for each seed, eval/tradegen.py writes a case, divtrace ingests,
# resolves and assesses it, and eval/trade_eval.py prints ROC AUC / average precision of scheme intermediaries
# against every other non-Russian party, per-class scores, and the share of schemes whose intermediaries' two ids
# were merged.
# Usage: eval/trade.sh [SEED...]   (default 31 32 33; from the repository root after cargo build --release;
#        BIN, OUT, SCALE override; HARD=1 passes --hard, the schemes that look like ordinary trade)
set -eu
BIN=${BIN:-target/release/divtrace}
OUT=${OUT:-/tmp/divtrace-eval}
PY=${PY:-python3}
SCALE=${SCALE:-1.0}
mkdir -p "$OUT"
[ $# -gt 0 ] || set -- 31 32 33
for seed in "$@"; do
  d="$OUT/trade$seed"
  rm -rf "$d" "$d.db"
  "$PY" eval/tradegen.py --out "$d" --seed "$seed" --scale "$SCALE" ${HARD:+--hard}
  "$BIN" ingest "$d" --case "$d.db" --quiet > /dev/null
  "$BIN" resolve --case "$d.db" > /dev/null
  "$BIN" assess --case "$d.db" --all --format csv > "$d.assess.csv"
  echo "== trade case, seed $seed"
  "$PY" eval/trade_eval.py ratings "$d/truth.csv" "$d.assess.csv" --show "${SHOW:-5}"
  "$PY" eval/trade_eval.py schemes "$d/truth.csv" "$d/schemes.csv" "$d.db"
done
