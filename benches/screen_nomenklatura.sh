#!/bin/sh
# divtrace against OpenSanctions' matcher (nomenklatura logic-v2) on the same
# screening queries: real OFAC entries (fixtures/lists/ofac) written as
# declarants write them, plus unlisted names (eval/ofac_eval.py). The peer is
# installed into a bench venv ($VENV, default target/bench-venv), never a
# dependency of divtrace or of CI. Prints both scores.
# Usage: benches/screen_nomenklatura.sh   (from the repository root after cargo build --release)
set -eu
BIN=${BIN:-target/release/divtrace}
OUT=${OUT:-/tmp/divtrace-nk}
VENV=${VENV:-target/bench-venv}
L=fixtures/lists/ofac
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c "import nomenklatura" 2>/dev/null || "$VENV/bin/pip" install -q "nomenklatura==4.17.4"
rm -rf "$OUT" && mkdir -p "$OUT"
python3 eval/ofac_eval.py queries "$OUT/queries"
"$BIN" ingest "$OUT/queries" --case "$OUT/q.db" --quiet > /dev/null
"$BIN" screen --case "$OUT/q.db" --sdn $L/sdn.csv --sdn-add $L/add.csv --sdn-alt $L/alt.csv --threshold 0.5 --format csv > "$OUT/matches.csv"
echo "divtrace screen (threshold 0.90)"
python3 eval/ofac_eval.py score "$OUT/queries/truth.csv" "$OUT/matches.csv" 0.90
/usr/bin/time -f "nomenklatura: %U s user, %e s wall, %M KiB peak" "$VENV/bin/python" benches/screen_nomenklatura.py "$OUT/queries" 0.70
