#!/usr/bin/env bash
# Byte-identity check for refactors: runs every command in every format
# (table, JSON, CSV; export and report files too) on a case and stores what
# each printed or wrote, so two builds can be compared file by file.
#
#   scripts/compare-outputs.sh run BIN CASE OUTDIR
#       Runs the command list with the divtrace binary BIN on CASE and writes
#       one file per command into OUTDIR. CASE is `bundled` (graphs/turkish-chips)
#       or `synth200k` (a 200,000-shipment case the binary generates itself, seed 7).
#   scripts/compare-outputs.sh compare [BASE_REV] [CASES...]
#       Builds BASE_REV (default: main) from `git archive` and the working tree,
#       runs both on each case (default: bundled synth200k) and diffs the outputs.
#       Exit status 0 when every output is byte-identical.
#
# tests/golden.rs runs `run` on the bundled case and compares with the stored
# outputs in fixtures/golden/bundled/ (DIVTRACE_BLESS=1 rewrites them after an
# intended change). It sets NO_GRAPHVIZ=1, which hides Graphviz from divtrace
# (an empty PATH) so that no SVG, whose bytes depend on the Graphviz version,
# is part of the stored outputs.
#
# What is masked, and why: wall-clock figures (ingest's seconds and rows/s),
# import and generation timestamps (UTC, RFC 3339) and the run folder's
# absolute path. MANIFEST.sha256 is checked against the files it names and
# recorded as "verified", since it hashes files holding those masked values.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"

# Every command, once per format. Paths are relative to the run folder.
commands() {
  local case=case.db lists="--csl $FIX/lists/csl/small.csv --sdn $FIX/lists/ofac/sdn.csv --sdn-add $FIX/lists/ofac/add.csv --sdn-alt $FIX/lists/ofac/alt.csv --ftm $FIX/lists/ftm/small.jsonl"
  local q="--from country:US --from origin:US --to country:RU --to country:BY"
  local f
  for f in table json csv; do
    t "ingest.$f" ingest "$BUNDLE" --case "ingest-$f.db" -q --format "$f"
  done
  t ingest.again ingest "$BUNDLE" --case "$case" -q
  for f in table json csv; do
    t "info.$f" info --case "$case" --format "$f"
    t "resolve.$f" resolve --case "$case" --format "$f"
    t "resolve-review.$f" resolve --case "$case" --review --format "$f"
    t "screen.$f" screen --case "$case" $lists --format "$f"
    t "screen-review.$f" screen --case "$case" $lists --review --format "$f"
    t "screen-name.$f" screen --name "$NAME" --country "$NAME_CC" $lists --format "$f"
    t "routes.$f" routes --case "$case" $q --format "$f"
    t "routes-group.$f" routes --case "$case" $q --group --format "$f"
    t "routes-filtered.$f" routes --case "$case" --from role:manufacturer --to list:entity_list --max-hops 4 --hs-level 4 --chpl-tier 2 --since 2022-03-01 --min-value 1000 --limit 5 --format "$f"
    t "routes-explain.$f" routes --case "$case" --from "entity:$FROM" --to "entity:$TO" --max-hops 2 --explain --format "$f"
    t "assess.$f" assess --case "$case" "$FROM" "$TO" "$NAME" --format "$f"
    t "assess-customers.$f" assess --case "$case" --input "$FIX/assess/customers/customers.csv" --format "$f"
    t "hubs.$f" hubs --case "$case" $q --format "$f"
  done
  for f in table json csv; do
    t "assess-all.$f" assess --case "$case" --all --min-score "$MIN_SCORE" --format "$f"
  done
  t routes-all.csv routes --case "$case" $q --all --format csv
  t routes-group-all.table routes --case "$case" $q --group --all
  t routes-via.json routes --case "$case" $q --via "country:$VIA" --avoid country:CN --hs 85 --until 2024-06-30 --limit 3 --format json
  for f in dot graphml ftm; do
    t "export.$f" export --case "$case" $q --out "export/routes.$f" --format "$f"
    t "export-entity.$f" export --case "$case" --entity "$FROM" --depth 2 --max-nodes 20 --out "export/around.$f" --format "$f"
  done
  t export-render export --case "$case" $q --out export/rendered.dot --render svg
  t report report --case "$case" $q --out report
  t investigate investigate "$BUNDLE" --out inv -q
  # Bad input: the same messages and exit codes.
  t err.selector routes --case "$case" --from planet:mars --to country:RU
  t err.hops routes --case "$case" --from country:US --to country:RU --max-hops 0
  t err.date routes --case "$case" --from country:US --to country:RU --since 2022-13-01
  t err.entity export --case "$case" --entity NO-SUCH-ID --out export/x.dot
  t err.assess assess --case "$case"
  t err.assess-unknown assess --case "$case" "$FROM" "Nobody Trading GmbH"
  t err.threshold screen --case "$case" --csl "$FIX/lists/csl/small.csv" --threshold 2
  t err.hubs hubs --case "$case" --from country:US
  t err.nocase info --case missing.db
}

# t NAME ARGS...: runs one command; stdout to NAME, exit code and stderr to NAME.status.
t() {
  local name="$1"
  shift
  local code=0
  PATH="$BIN_PATH" "$BIN" "$@" >"$OUT/$name" 2>"$OUT/$name.status" || code=$?
  printf 'exit %s\n' "$code" >>"$OUT/$name.status"
}

mask() {
  # Wall-clock figures and timestamps, and the run folder's absolute path.
  sed -E -i \
    -e 's#[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z#@TIME@#g' \
    -e 's#records in [0-9.]+ s \([0-9]+ rows/s\)#records in @SECONDS@ s (@RATE@ rows/s)#g' \
    -e 's#"seconds": [0-9.e+-]+#"seconds": @SECONDS@#g' \
    -e "s#$RUN#@RUN@#g" \
    "$@"
}

run() {
  BIN="$(realpath "$1")"
  local which="$2"
  OUT="$(mkdir -p "$3" && realpath "$3")"
  RUN="$(mktemp -d)"
  # Fixtures are read through a relative path: outputs that name a list file must not depend on the checkout's location.
  cp -r "$ROOT/fixtures" "$RUN/fixtures"
  FIX=fixtures
  trap 'rm -rf "$RUN"' RETURN
  BIN_PATH="$PATH"
  if [ "${NO_GRAPHVIZ:-}" = 1 ]; then
    BIN_PATH="$RUN/no-graphviz"
    mkdir "$BIN_PATH"
  fi
  cd "$RUN"
  case "$which" in
    bundled)
      cp -r "$ROOT/graphs/turkish-chips" turkish-chips
      BUNDLE=turkish-chips
      FROM=E0000901 TO=E0000908 VIA=TR NAME="Desert Falcon Electronics" NAME_CC=AE MIN_SCORE=0
      ;;
    synth200k)
      t synth synth --seed 7 --shipments 200000 --out synth-200k
      (cd synth-200k && sha256sum -- *) >"$OUT/synth.files"
      BUNDLE=synth-200k
      # A planted scheme's maker and end user, and one of its traders by name.
      FROM="$(python3 -c 'import json,sys; s=json.load(open("synth-200k/truth.json"))["schemes"][0]; print(s["entities"][0])' 2>/dev/null || true)"
      TO="$(python3 -c 'import json,sys; s=json.load(open("synth-200k/truth.json"))["schemes"][0]; print(s["entities"][-1])' 2>/dev/null || true)"
      [ -n "$FROM" ] && [ -n "$TO" ] || { echo "cannot read a scheme from synth-200k/truth.json" >&2; return 1; }
      NAME="$(awk -F, -v id="$TO" '$1 == id { print $2 }' synth-200k/entities.csv | head -1)"
      NAME_CC=RU VIA=TR MIN_SCORE=40
      ;;
    *)
      echo "unknown case '$which' (bundled or synth200k)" >&2
      return 2
      ;;
  esac
  PATH="$BIN_PATH" "$BIN" ingest "$BUNDLE" --case case.db -q >/dev/null
  commands
  # Files written by export, report and investigate (the case files are binary and carry timestamps; skip them).
  local f
  for f in export/* report/* inv/*; do
    [ -f "$f" ] || continue
    case "$f" in *.db) continue ;; esac
    if [ "$(basename "$f")" = MANIFEST.sha256 ]; then
      (cd "$(dirname "$f")" && sha256sum -c --quiet MANIFEST.sha256 && echo "verified: $(wc -l <MANIFEST.sha256) files: $(cut -c67- MANIFEST.sha256 | tr '\n' ' ')") \
        >"$OUT/file.${f//\//.}" 2>&1 || true
    else
      cp "$f" "$OUT/file.${f//\//.}"
    fi
  done
  mask "$OUT"/*
  cd - >/dev/null
}

compare() {
  local base="${1:-main}"
  shift || true
  local cases=("$@")
  [ ${#cases[@]} -gt 0 ] || cases=(bundled synth200k)
  local work
  work="$(mktemp -d)"
  echo "building $base and the working tree (work folder $work)" >&2
  mkdir -p "$work/base-src"
  git -C "$ROOT" archive "$base" | tar -x -C "$work/base-src"
  # The same target folder: only divtrace itself is rebuilt, the dependencies are reused.
  (cd "$work/base-src" && cargo build --release --quiet --bin divtrace --target-dir "$ROOT/target")
  cp "$ROOT/target/release/divtrace" "$work/divtrace-base"
  (cd "$ROOT" && cargo build --release --quiet --bin divtrace)
  cp "$ROOT/target/release/divtrace" "$work/divtrace-new"
  local status=0 c
  for c in "${cases[@]}"; do
    run "$work/divtrace-base" "$c" "$work/base/$c"
    run "$work/divtrace-new" "$c" "$work/new/$c"
    if diff -r "$work/base/$c" "$work/new/$c" >"$work/$c.diff"; then
      echo "$c: $(ls "$work/new/$c" | wc -l) outputs byte-identical to $base"
    else
      echo "$c: outputs differ from $base (diff in $work/$c.diff):"
      head -40 "$work/$c.diff"
      status=1
    fi
  done
  return $status
}

case "${1:-}" in
  run) shift; run "$@" ;;
  compare) shift; compare "$@" ;;
  *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
