#!/usr/bin/env bash
# A short fuzzing run of every target (default 60 s each), seeded from
# fixtures/. cargo-fuzz needs a nightly toolchain; it is installed from
# crates.io when missing. Crashes land in fuzz/artifacts/TARGET/ and fail the run.
# Built without a sanitizer (the code under test is safe Rust; the aim is
# panics, overflows and hangs) and with debug assertions (overflow checks).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
fx=../fixtures
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
mkdir -p "$corpus"/{csv_rows,mapping,ftm_reader,list_csl,list_ofac,list_ftm}
i=0
for b in "$fx"/bundles/*/; do
  [ -f "$b/shipments.csv" ] || continue
  i=$((i + 1))
  { cat "$b/entities.csv" 2>/dev/null || true; printf '\0\0'; cat "$b/shipments.csv"; } >"$corpus/csv_rows/bundle$i"
done
for m in "$fx"/mappings/*.toml; do
  i=$((i + 1))
  { echo "12.03.2022"; cat "$m"; } >"$corpus/mapping/map$i"
done
for f in "$fx"/ftm/*.jsonl "$fx"/lists/ftm/*.jsonl; do
  [ -f "$f" ] && cp "$f" "$corpus/ftm_reader/"
done
cp "$fx"/lists/csl/*.csv "$fx"/lists/bad/csl-*.csv "$corpus/list_csl/"
cp "$fx"/lists/ftm/*.jsonl "$fx"/lists/bad/ftm-*.jsonl "$corpus/list_ftm/"
{ cat "$fx/lists/ofac/sdn.csv"; printf '\0'; cat "$fx/lists/ofac/add.csv"; printf '\0'; cat "$fx/lists/ofac/alt.csv"; } >"$corpus/list_ofac/ofac"
cp "$fx/lists/bad/sdn-missing-name.csv" "$corpus/list_ofac/"
targets=(csv_rows mapping ftm_reader list_csl list_ofac list_ftm)
cargo +nightly fuzz build -s none -a
log=$(mktemp)
for t in "${targets[@]}"; do
  echo "== fuzz $t for ${secs}s"
  rc=0
  cargo +nightly fuzz run -s none -a "$t" "$corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -timeout=10 >"$log" 2>&1 || rc=$?
  grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs|INFO: seed corpus)' "$log" || true
  if [ "$rc" -ne 0 ]; then
    tail -40 "$log"
    echo "fuzz target $t failed (exit $rc); the input is in fuzz/artifacts/$t/"
    rm -f "$log"
    exit 1
  fi
done
rm -f "$log"
