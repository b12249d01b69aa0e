#!/usr/bin/env bash
# bench/compat-jsonschema.sh DSCTL SCRATCH — `dsctl compat check --kind jsonschema`
# against the npm json-schema-diff CLI on the same schema pairs, side by side
# in one run: PAIRS (default 100) realistic event schema pairs (draft-07, about
# 5 KB each, the pairs of BenchmarkDiff1000) and one 1.5 MB pair (the pair of
# BenchmarkDiff1MB). Each tool runs once per pair as a process, so the figures
# include process start-up (node's is large); the in-process figures are the Go
# benchmarks (`go test -bench . ./compat/jsonschema`). Prints a markdown table.
#
# json-schema-diff (https://www.npmjs.com/package/json-schema-diff) is
# installed into SCRATCH with npm when npm is there; without npm (or network)
# its rows say so. The pairs are written by a Go test, so `go` is required.
#
# dsctl runs the 1.5 MB pair BIG_RUNS times (default 5) and the table gives
# the median. DSCTL_BASELINE=/path/to/another/dsctl adds rows for that binary
# (an older build, say), its big-pair runs interleaved with dsctl's, and the
# ratio of the two.
set -euo pipefail

dsctl=${1:?usage: compat-jsonschema.sh DSCTL SCRATCH}
scratch=${2:?usage: compat-jsonschema.sh DSCTL SCRATCH}
pairs=${PAIRS:-100}
big_timeout=${BIG_TIMEOUT:-300}
big_runs=${BIG_RUNS:-5}
baseline=${DSCTL_BASELINE:-}
repo=$(cd "$(dirname "$0")/.." && pwd)
work="$scratch/compat-jsonschema"
mkdir -p "$work"

echo "### compat check, JSON Schema (event schemas)"
echo

if ! command -v go >/dev/null 2>&1; then
  echo "_skipped: no go command to generate the schema pairs_"
  exit 0
fi
if ! "$dsctl" compat check --help 2>/dev/null | grep -q -- '--kind'; then
  echo "_skipped: this dsctl has no \`compat check --kind\` yet_"
  exit 0
fi
if [ ! -f "$work/pairs/big-new.json" ]; then
  (cd "$repo" && DSCTL_BENCH_PAIRS="$work/pairs" go test -count=1 -run '^TestWriteBenchPairs$' ./compat/jsonschema >/dev/null)
fi

jsd=""
jsd_note=""
if command -v npm >/dev/null 2>&1; then
  if [ ! -x "$work/npm/node_modules/.bin/json-schema-diff" ]; then
    npm install --no-audit --no-fund --silent --prefix "$work/npm" json-schema-diff@0.18.1 >/dev/null 2>&1 || true
  fi
  if [ -x "$work/npm/node_modules/.bin/json-schema-diff" ]; then
    jsd="$work/npm/node_modules/.bin/json-schema-diff"
  else
    jsd_note="npm install json-schema-diff failed"
  fi
else
  jsd_note="npm is not installed"
fi

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# run_pairs NAME CMD...: runs CMD OLD NEW over the pairs; records seconds and
# how many pairs it called breaking (exit 1) in $work/NAME.fig.
run_pairs() {
  local name=$1; shift
  local start end breaking=0 failed=0
  start=$(now)
  for i in $(seq 0 $((pairs - 1))); do
    f=$(printf '%04d.json' "$i")
    set +e
    "$@" "$work/pairs/old/$f" "$work/pairs/new/$f" >/dev/null 2>&1
    rc=$?
    set -e
    case $rc in
      0) ;;
      1) breaking=$((breaking + 1)) ;;
      *) failed=$((failed + 1)) ;;
    esac
  done
  end=$(now)
  echo "$(secs "$start" "$end") $breaking $failed" >"$work/$name.fig"
}

# run_big NAME CMD...: runs CMD on the 1.5 MB pair; records seconds or "timeout".
run_big() {
  local name=$1; shift
  local start end rc
  start=$(now)
  set +e
  timeout "$big_timeout" "$@" "$work/pairs/big-old.json" "$work/pairs/big-new.json" >/dev/null 2>&1
  rc=$?
  set -e
  end=$(now)
  if [ $rc -eq 124 ]; then
    echo "timeout" >"$work/$name.fig"
  else
    echo "$(secs "$start" "$end") $rc" >"$work/$name.fig"
  fi
}

# median FILE: the median of the numbers in FILE, one a line.
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# run_big_median NAME CMD...: run_big BIG_RUNS times (interleaved with the
# baseline's when there is one: see below); NAME.fig gets the median.
check_args=(compat check --kind jsonschema --mode backward --format json)
dsctl_check=("$dsctl" "${check_args[@]}")
run_pairs dsctl "${dsctl_check[@]}"
if [ -n "$baseline" ]; then
  run_pairs base "$baseline" "${check_args[@]}"
fi
: >"$work/dsctl-big.times"
: >"$work/base-big.times"
big_rc=0
base_rc=0
for _ in $(seq "$big_runs"); do
  if [ -n "$baseline" ]; then
    run_big base-big "$baseline" "${check_args[@]}"
    read -r t base_rc <"$work/base-big.fig" || true
    echo "$t" >>"$work/base-big.times"
  fi
  run_big dsctl-big "${dsctl_check[@]}"
  read -r t big_rc <"$work/dsctl-big.fig" || true
  echo "$t" >>"$work/dsctl-big.times"
done
if ! grep -q timeout "$work/dsctl-big.times"; then
  echo "$(median "$work/dsctl-big.times") ${big_rc:-0}" >"$work/dsctl-big.fig"
fi
if [ -n "$baseline" ] && ! grep -q timeout "$work/base-big.times"; then
  echo "$(median "$work/base-big.times") ${base_rc:-0}" >"$work/base-big.fig"
fi
if [ -n "$jsd" ]; then
  run_pairs jsd "$jsd"
  run_big jsd-big "$jsd"
fi

read -r d_s d_b d_f <"$work/dsctl.fig"
echo "| tool | input | wall time | per pair | breaking verdicts | errors |"
echo "|---|---|---|---|---|---|"
per() { awk -v s="$1" -v n="$pairs" 'BEGIN { printf "%.1f ms", 1000 * s / n }'; }
echo "| dsctl compat check | $pairs event pairs | ${d_s} s | $(per "$d_s") | $d_b | $d_f |"
if [ -n "$baseline" ]; then
  read -r b_s b_b b_f <"$work/base.fig"
  echo "| baseline dsctl | $pairs event pairs | ${b_s} s | $(per "$b_s") | $b_b | $b_f |"
fi
if [ -n "$jsd" ]; then
  read -r j_s j_b j_f <"$work/jsd.fig"
  echo "| json-schema-diff 0.18.1 | $pairs event pairs | ${j_s} s | $(per "$j_s") | $j_b | $j_f |"
else
  echo "| json-schema-diff | $pairs event pairs | _skipped: ${jsd_note}_ | | | |"
fi
big() {
  local fig
  fig=$(cat "$work/$1.fig")
  case "$fig" in
    timeout) echo "> ${big_timeout} s (stopped)" ;;
    *" 0" | *" 1") echo "${fig%% *} s" ;;
    *) echo "error (exit ${fig##* })" ;;
  esac
}
echo "| dsctl compat check | 1.5 MB pair, median of $big_runs | $(big dsctl-big) | | | |"
if [ -n "$baseline" ]; then
  echo "| baseline dsctl | 1.5 MB pair, median of $big_runs | $(big base-big) | | | |"
fi
if [ -n "$jsd" ]; then
  echo "| json-schema-diff 0.18.1 | 1.5 MB pair | $(big jsd-big) | | | |"
fi
if [ -n "$baseline" ]; then
  echo
  read -r bb _ <"$work/base-big.fig"
  read -r db _ <"$work/dsctl-big.fig"
  awk -v d="$d_s" -v b="$b_s" -v db="$db" -v bb="$bb" 'BEGIN {
    if (b > 0) printf "dsctl takes %.2fx the time of the baseline on the event pairs", d / b
    if (bb > 0 && db ~ /^[0-9.]+$/) printf ", %.2fx on the 1.5 MB pair", db / bb
    print "."
  }'
fi
if [ -n "$jsd" ]; then
  echo
  awk -v d="$d_s" -v j="$j_s" 'BEGIN { if (d > 0) printf "dsctl takes %.2fx the time of json-schema-diff on the event pairs.\n", d / j }'
  echo "json-schema-diff answers a different question (which instances were added/removed, and"
  echo "exits 1 when any were removed); dsctl names each change and its semver impact."
fi
