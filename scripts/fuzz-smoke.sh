#!/usr/bin/env bash
# A short fuzzing run of every cargo-fuzz target in fuzz/ (default 60 s
# each), seeded from fixtures/: the CSV bundle reader and row checker, the
# column-mapping transforms, the FtM reader, and the CSL, OFAC SDN and FtM
# screening-list parsers. A crash (panic, overflow, hang past 10 s, more
# than 2 GB) fails the run and leaves the input in fuzz/artifacts/TARGET/.
#
#   bash scripts/fuzz-smoke.sh [SECONDS_PER_TARGET] [TARGET...]
#
# cargo-fuzz needs a nightly toolchain: without one this script says so and
# exits 0 (the rest of CI still runs). cargo-fuzz itself is installed from
# crates.io when missing (.ci/setup does it too). Built without a sanitizer
# (the code under test is safe Rust; the aim is panics, overflows and hangs)
# and with debug assertions, so integer overflow panics.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(csv_rows mapping ftm_reader list_csl list_ofac list_ftm)

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz-smoke: SKIPPED: no nightly Rust toolchain (cargo-fuzz needs one; 'rustup toolchain install nightly' enables this step)"
  exit 0
fi
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked

fx="$root/fixtures"
corpus=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$corpus" "$log"' EXIT
mkdir -p "$corpus"/{csv_rows,mapping,ftm_reader,list_csl,list_ofac,list_ftm}
# csv_rows reads entities.csv, shipments.csv, relations.csv and lists.csv from one input, split at pairs of NULs.
i=0
for b in "$fx"/bundles/*/; do
  [ -f "$b/shipments.csv" ] || continue
  i=$((i + 1))
  for f in entities shipments relations lists; do
    [ "$f" = entities ] || printf '\0\0'
    cat "$b/$f.csv" 2>/dev/null || true
  done >"$corpus/csv_rows/bundle$i"
done
# mapping: a cell to transform on the first line, then the mapping file.
for m in "$fx"/mappings/*.toml; do
  i=$((i + 1))
  { echo "12.03.2022"; cat "$m"; } >"$corpus/mapping/map$i"
done
cp "$fx"/ftm/*.jsonl "$corpus/ftm_reader/"
cp "$fx/lists/ftm/small.jsonl" "$corpus/ftm_reader/list-small.jsonl"
cp "$fx"/lists/csl/*.csv "$fx"/lists/bad/csl-*.csv "$corpus/list_csl/"
cp "$fx"/lists/ftm/*.jsonl "$fx"/lists/bad/ftm-*.jsonl "$corpus/list_ftm/"
# list_ofac: sdn, add and alt in one input, split at NULs.
{ cat "$fx/lists/ofac/sdn.csv"; printf '\0'; cat "$fx/lists/ofac/add.csv"; printf '\0'; cat "$fx/lists/ofac/alt.csv"; } >"$corpus/list_ofac/ofac"
cp "$fx/lists/bad/sdn-missing-name.csv" "$corpus/list_ofac/"

cd "$root/fuzz"
echo "fuzz-smoke: building the fuzz targets"
cargo +nightly fuzz build -s none -a
# The built binaries are run directly: a `cargo fuzz run` per target re-plans the build each time.
bin="$root/fuzz/target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"
for t in "${targets[@]}"; do
  echo "== fuzz $t for ${secs}s"
  mkdir -p "artifacts/$t"
  rc=0
  "$bin/$t" -artifact_prefix="artifacts/$t/" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
    -print_final_stats=1 "$corpus/$t" >"$log" 2>&1 || rc=$?
  grep -E '^(Done [0-9]+ runs|INFO: seed corpus)' "$log" || true
  if [ "$rc" -ne 0 ]; then
    tail -40 "$log"
    echo "fuzz-smoke: target $t FAILED (exit $rc); the input is in fuzz/artifacts/$t/"
    exit 1
  fi
done
echo "fuzz-smoke: ${#targets[@]} target(s), ${secs}s each, no crash"
