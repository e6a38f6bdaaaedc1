#!/usr/bin/env bash
# Load test of `divtrace serve` on a resolved case file:
#
#   benches/serve.sh CASE.db [CLIENTS] [REQUESTS_PER_CLIENT]      (default 50 200)
#   (DIVTRACE=path/to/divtrace SKIP_BUILD=1 to time a given binary)
#
# Starts the server on a free loopback port, finds the party with the most
# shipments (the largest hub), and has CLIENTS concurrent keep-alive clients
# (benches/serve_load.rs) ask REQUESTS each, alternating a capped expansion
# of the hub (/neighbours?limit=20) and its entity panel (answers are kept
# after the first: the case is read-only). Also times cold answers (30
# distinct filters, one client). Prints the latency percentiles, the
# server's CPU seconds over the run, the load average, and
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
DIVTRACE=${DIVTRACE:-$REPO/target/release/divtrace}
[ -n "${SKIP_BUILD:-}" ] || (cd "$REPO" && cargo build --release --quiet)
# The load client uses std only: compiled on its own, it does not wait for the crate's build.
LOAD=$(mktemp -d)/serve_load
rustc -O --edition 2021 "$REPO/benches/serve_load.rs" -o "$LOAD"

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
echo "server memory after start-up: $(awk '/VmRSS/ {print $2 / 1024 " MB"}' /proc/$PID/status)"

# The assessment runs once in the background at start-up; wait for it so it does not share the run.
until curl -s "http://$ADDR/api/info" | grep -q '"risk":"ready"'; do sleep 0.5; done
echo "assessment ready after $(echo "$(date +%s.%N) - $START" | bc) s"

# Cold answers (nothing kept yet): one client, a capped expansion of the hub under 30 different start dates.
for m in $(seq 1 30); do
    y=$((2021 + (m - 1) / 12)); mm=$(printf %02d $(( (m - 1) % 12 + 1 )))
    curl -s -o /dev/null -w "%{time_total}\n" "http://$ADDR/api/entities/$HUB/neighbours?limit=20&since=$y-$mm-01"
done | sort -n | awk '{a[NR]=$1} END {printf "cold expansion of the hub, 30 distinct filters, one client: p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", a[int(NR*0.5+0.5)]*1000, a[int(NR*0.95+0.5)]*1000, a[NR]*1000}'

# Cold answers under load: CLIENTS clients at once, each asking a different filtered expansion of the hub.
COLD=()
for d in $(seq 1 "$CLIENTS"); do COLD+=("/api/entities/$HUB/neighbours?limit=20&until=$(date -u -d "2024-12-31 - $d days" +%F)"); done
cpu() { awk '{print ($14 + $15) / 100}' /proc/$PID/stat; }
C0=$(cpu)
echo "cold, $CLIENTS concurrent clients, one distinct date-filtered expansion each (load: $(cut -d' ' -f1-3 /proc/loadavg)):"
"$LOAD" "$ADDR" "$CLIENTS" 1 "${COLD[@]}" | tail -1
echo "server CPU: $(echo "$(cpu) - $C0" | bc) s"
COLD=()
for d in $(seq 1 "$CLIENTS"); do COLD+=("/api/entities/$HUB/neighbours?limit=20&controlled=true&hs=85&since=$(date -u -d "2021-01-01 + $d days" +%F)"); done
C0=$(cpu)
echo "cold, $CLIENTS concurrent clients, one distinct expansion each filtered by date, HS 85 and controlled goods (load: $(cut -d' ' -f1-3 /proc/loadavg)):"
"$LOAD" "$ADDR" "$CLIENTS" 1 "${COLD[@]}" | tail -1
echo "server CPU: $(echo "$(cpu) - $C0" | bc) s"
# Cold entity panels: the CLIENTS largest hubs, one each, all at once.
PANELS=()
for id in $(sqlite3 "$CASE" "SELECT e.input_id FROM (SELECT x, count(*) n FROM (SELECT shipper x FROM shipment UNION ALL SELECT consignee FROM shipment) GROUP BY x ORDER BY n DESC LIMIT $CLIENTS) h JOIN entity e ON e.id = h.x"); do
    PANELS+=("/api/entities/$id")
done
C0=$(cpu)
echo "cold, $CLIENTS concurrent clients, the entity panel of one of the $CLIENTS largest hubs each (load: $(cut -d' ' -f1-3 /proc/loadavg)):"
"$LOAD" "$ADDR" "$CLIENTS" 1 "${PANELS[@]}" | tail -1
echo "server CPU: $(echo "$(cpu) - $C0" | bc) s"

N_PATH="/api/entities/$HUB/neighbours?limit=20"
E_PATH="/api/entities/$HUB"
curl -s "http://$ADDR$N_PATH" | cut -c1-300 || true
for p in "$N_PATH" "$E_PATH" "/api/search?q=$HUB"; do
    curl -s -o /dev/null -w "single request $p: %{time_total} s\n" "http://$ADDR$p"
done

C0=$(cpu)
uptime
"$LOAD" "$ADDR" "$CLIENTS" "$REQUESTS" "$N_PATH" "$E_PATH"
C1=$(cpu)
uptime
echo "server CPU over the load run: $(echo "$C1 - $C0" | bc) s"

# Peer: the same capped expansion (partners of the hub by value, 20 heaviest) in SQLite.
echo "sqlite3 peer (outgoing + incoming partners of the hub, 20 heaviest each; needs the shipper/consignee indexes any read-write divtrace command builds):"
for run in 1 2 3; do
    printf '.timer on\nSELECT consignee, count(*), sum(value_usd) v, min(date), max(date) FROM shipment WHERE shipper = %s GROUP BY consignee ORDER BY v DESC LIMIT 20;\nSELECT shipper, count(*), sum(value_usd) v, min(date), max(date) FROM shipment WHERE consignee = %s GROUP BY shipper ORDER BY v DESC LIMIT 20;\n' "$HUB_ROW" "$HUB_ROW" \
        | sqlite3 "$CASE" | grep -i "^run time" | tr '\n' ' '
    echo
done
