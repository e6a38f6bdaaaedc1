# Shared set-up for the benchmark scripts (sourced, not run).
# Builds divtrace, installs the peers if missing, and generates synthetic
# cases once into $BENCH_DIR (kept between runs: generation is not measured).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/divtrace-bench}
# DIVTRACE=path/to/divtrace SKIP_BUILD=1 times a given binary (e.g. a release
# build made apart from a local profile override).
DIVTRACE=${DIVTRACE:-$REPO/target/release/divtrace}
HARNESS=$REPO/benches/harness.py
mkdir -p "$BENCH_DIR"

ensure_build() {
    [ -n "${SKIP_BUILD:-}" ] || (cd "$REPO" && cargo build --release --quiet)
}

# Peers live in a bench venv of their own (not the test venv, not the system):
# the DuckDB command line from PyPI's duckdb-cli, and networkx.
BENCH_VENV=${BENCH_VENV:-$BENCH_DIR/venv}
ensure_peers() {
    [ -x "$BENCH_VENV/bin/python3" ] || python3 -m venv "$BENCH_VENV"
    [ -x "$BENCH_VENV/bin/duckdb" ] || "$BENCH_VENV/bin/pip" install --quiet duckdb-cli
    "$BENCH_VENV/bin/python3" -c 'import networkx' 2>/dev/null || "$BENCH_VENV/bin/pip" install --quiet networkx
    export PATH="$BENCH_VENV/bin:$PATH"
    if ! command -v sqlite3 >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq sqlite3
    fi
}

# bundle N: a synthetic bundle of N shipments, without duplicate
# spellings (--dup-rate 0) so that peers working on raw ids see the same
# entities as divtrace (no resolution is involved). With HUBS=H (default 0)
# the bundle has H hub traders (`synth --hubs H`, the hub-heavy case).
HUBS=${HUBS:-0}
SUFFIX=$([ "$HUBS" -gt 0 ] && echo "-hubs$HUBS" || true)
bundle() {
    local n=$1 dir=$BENCH_DIR/synth-$1$SUFFIX
    if [ ! -s "$dir/shipments.csv" ]; then
        rm -rf "$dir"
        "$DIVTRACE" synth --seed 1 --shipments "$n" --dup-rate 0 --hubs "$HUBS" --out "$dir" >&2
    fi
    echo "$dir"
}

# case_db N: that bundle ingested into a divtrace case file (graph cache
# written by a first `routes` run).
case_db() {
    local n=$1 db=$BENCH_DIR/case-$1$SUFFIX.db dir
    dir=$(bundle "$n")
    if [ ! -s "$db" ]; then
        rm -f "$db"
        "$DIVTRACE" ingest -q "$dir" --case "$db" >&2
    fi
    echo "$db"
}

machine() {
    echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB, kernel $(uname -r); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "divtrace $(git -C "$REPO" rev-parse --short HEAD), $(duckdb --version | cut -d' ' -f1) (DuckDB), sqlite3 $(sqlite3 --version | cut -d' ' -f1), networkx $(python3 -c 'import networkx; print(networkx.__version__)')"
}
