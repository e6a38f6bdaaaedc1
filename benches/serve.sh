#!/usr/bin/env bash
# Load test of `divtrace serve` on a resolved case file:
#
#   benches/serve.sh CASE.db [CLIENTS] [REQUESTS_PER_CLIENT]      (default 50 200)
#
# Starts the server on a free loopback port, finds the party with the most
# shipments (the largest hub), and has CLIENTS concurrent keep-alive clients
# (benches/serve_load.rs) ask REQUESTS each, alternating a capped expansion
# of the hub (/neighbours?limit=20) and its entity panel. Prints the latency
# percentiles, the server's CPU seconds over the run, the load average, and
# as a peer the same expansion answered by sqlite3 (GROUP BY on the indexed
# shipment table). docs/benchmarks.md has the figures.
#
# The 1M case of docs/benchmarks.md:
#   divtrace synth --seed 7 --shipments 1000000 --out /tmp/s1m
#   divtrace ingest /tmp/s1m --case /tmp/s1m.db -q && divtrace resolve --case /tmp/s1m.db
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CASE=${1:?usage: benches/serve.sh CASE.db [CLIENTS] [REQUESTS]}
CLIENTS=${2:-50}
REQUESTS=${3:-200}
DIVTRACE=$REPO/target/release/divtrace
(cd "$REPO" && cargo build --release --quiet && cargo bench --quiet --bench serve_load --no-run 2>/dev/null)

# The entity with the most shipments in and out (its resolved party is what the API expands).
HUB=$(sqlite3 "$CASE" "SELECT e.input_id FROM (SELECT x, count(*) n FROM (SELECT shipper x FROM shipment UNION ALL SELECT consignee FROM shipment) GROUP BY x ORDER BY n DESC LIMIT 1) h JOIN entity e ON e.id = h.x")
HUB_ROW=$(sqlite3 "$CASE" "SELECT id FROM entity WHERE input_id = '$HUB' LIMIT 1")
echo "hub: $HUB (entity row $HUB_ROW), $(sqlite3 "$CASE" "SELECT count(*) FROM shipment WHERE shipper = $HUB_ROW OR consignee = $HUB_ROW") shipments"

LOG=$(mktemp)
START=$(date +%s.%N)
"$DIVTRACE" serve --case "$CASE" --port 0 > "$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$LOG"' EXIT
until grep -q "http://" "$LOG"; do
    kill -0 $PID 2>/dev/null || { cat "$LOG"; exit 1; }
    sleep 0.05
done
ADDR=$(sed -n 's#.*http://\([0-9.]*:[0-9]*\)/.*#\1#p' "$LOG" | head -1)
echo "listening after $(echo "$(date +%s.%N) - $START" | bc) s: $(head -1 "$LOG")"

N_PATH="/api/entities/$HUB/neighbours?limit=20"
E_PATH="/api/entities/$HUB"
curl -s -H "Host: $ADDR" "http://$ADDR$N_PATH" | head -c 300; echo
for p in "$N_PATH" "$E_PATH" "/api/search?q=$HUB"; do
    curl -s -o /dev/null -w "single request $p: %{time_total} s\n" "http://$ADDR$p"
done

cpu() { awk '{print ($14 + $15) / 100}' /proc/$PID/stat; }
C0=$(cpu)
uptime
(cd "$REPO" && cargo bench --quiet --bench serve_load -- "$ADDR" "$CLIENTS" "$REQUESTS" "$N_PATH" "$E_PATH")
C1=$(cpu)
uptime
echo "server CPU over the load run: $(echo "$C1 - $C0" | bc) s"

# Peer: the same capped expansion (partners of the hub by value, 20 heaviest) in SQLite.
echo "sqlite3 peer (outgoing + incoming partners of the hub, 20 heaviest each):"
sqlite3 "$CASE" ".timer on" \
    "SELECT consignee, count(*), sum(value_usd) v, min(date), max(date) FROM shipment WHERE shipper = $HUB_ROW GROUP BY consignee ORDER BY v DESC LIMIT 20;" \
    "SELECT shipper, count(*), sum(value_usd) v, min(date), max(date) FROM shipment WHERE consignee = $HUB_ROW GROUP BY shipper ORDER BY v DESC LIMIT 20;" \
    | grep -i "^run time"
