#!/bin/sh
# Times `divtrace resolve` on generated bundles of 100,000 and 1,000,000
# entities (benches/resolve_gen.py) and `divtrace screen` of the 100,000 against a
# generated 20,000-entry OFAC-layout list (benches/screen_gen.py); peak memory
# from /usr/bin/time -v. Results go to $OUT (default /tmp/divtrace-rbench).
# Usage: benches/resolve.sh [SIZES...]   (run from the repository root after cargo build --release)
set -eu
OUT=${OUT:-/tmp/divtrace-rbench}
BIN=${BIN:-target/release/divtrace}
SIZES=${*:-100000 1000000}
mkdir -p "$OUT"
for n in $SIZES; do
  [ -f "$OUT/b$n/entities.csv" ] || python3 benches/resolve_gen.py --entities "$n" --out "$OUT/b$n"
  rm -f "$OUT/c$n.db"
  "$BIN" ingest "$OUT/b$n" --case "$OUT/c$n.db" --quiet
  /usr/bin/time -v "$BIN" resolve --case "$OUT/c$n.db" > "$OUT/resolve$n.txt" 2> "$OUT/resolve$n.time"
  tail -1 "$OUT/resolve$n.txt"
  grep -E "Elapsed|User time|System time|Maximum resident" "$OUT/resolve$n.time"
  python3 benches/resolve_score.py "$OUT/b$n/truth.csv" "$OUT/c$n.db"
done
