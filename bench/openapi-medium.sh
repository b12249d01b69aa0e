#!/usr/bin/env bash
# bench/openapi-medium.sh DSCTL SCRATCH — dsctl compat check against the
# oasdiff v1.37.0 CLI (`oasdiff breaking -f json OLD NEW`) on medium OpenAPI
# documents (1-6 MB): DataDog's v1 and v2 API specs
# (.generator/schemas/v{1,2}/openapi.yaml of the Go module
# github.com/DataDog/datadog-api-client-go/v2, v2.30.0 -> v2.31.0, fetched with
# `go mod download`), side by side in one run, the row beside the Stripe one
# (openapi-stripe.sh). Prints a markdown table: wall time, CPU time and peak
# RSS (GNU time -v) of each tool per pair, and their ratios.
#
# Bar (issue 15): dsctl at most 0.7x oasdiff's time and no more than its
# memory, per pair. Not part of `make test`.
set -euo pipefail

dsctl=${1:?usage: openapi-medium.sh DSCTL SCRATCH}
scratch=${2:?usage: openapi-medium.sh DSCTL SCRATCH}
runs=${RUNS:-1}
work="$scratch/openapi-medium"
mkdir -p "$work/run" "$scratch/bin"

echo "### compat check, OpenAPI, medium documents (DataDog v1 and v2, datadog-api-client-go v2.30.0 → v2.31.0)"
echo

for tool in go python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "_skipped: $tool is needed_"
    exit 0
  fi
done
if [ ! -x /usr/bin/time ]; then
  echo "_skipped: GNU time (/usr/bin/time) is missing; apt-get install time_"
  exit 0
fi
moddir() {
  go mod download -json "github.com/DataDog/datadog-api-client-go/v2@$1" 2>/dev/null | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}
olddir=$(moddir v2.30.0)
newdir=$(moddir v2.31.0)
if [ -z "$olddir" ] || [ -z "$newdir" ]; then
  echo "_skipped: could not download github.com/DataDog/datadog-api-client-go/v2@v2.30.0/v2.31.0_"
  exit 0
fi
for v in v1 v2; do
  mkdir -p "$work/run/old-$v" "$work/run/new-$v"
  cp "$olddir/.generator/schemas/$v/openapi.yaml" "$work/run/old-$v/openapi.yaml"
  cp "$newdir/.generator/schemas/$v/openapi.yaml" "$work/run/new-$v/openapi.yaml"
  chmod u+w "$work/run/old-$v/openapi.yaml" "$work/run/new-$v/openapi.yaml"
done

oasdiff="$scratch/bin/oasdiff"
if [ ! -x "$oasdiff" ]; then
  GOBIN="$scratch/bin" go install github.com/oasdiff/oasdiff@v1.37.0 >/dev/null 2>&1 || true
fi

# measure NAME CMD...: as in openapi-stripe.sh (an empty working folder; the
# best wall time of RUNS runs with its peak RSS and CPU time in NAME.fig).
measure() {
  local name=$1; shift
  local best=""
  for _ in $(seq "$runs"); do
    (cd "$work/run" && /usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.time") || true
    local wall rss cpu
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$name.time" |
      awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.time")
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$work/$name.time")
    if [ -z "$best" ] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
      best="$wall $rss $cpu"
    fi
  done
  echo "$best" >"$work/$name.fig"
}

have_oasdiff=0
[ -x "$oasdiff" ] && have_oasdiff=1
for v in v1 v2; do
  measure "dsctl-$v" "$dsctl" compat check "old-$v/openapi.yaml" "new-$v/openapi.yaml" --kind openapi --format json --fail-on none
  if [ "$have_oasdiff" = 1 ]; then
    measure "oasdiff-$v" "$oasdiff" breaking -f json "old-$v/openapi.yaml" "new-$v/openapi.yaml"
  fi
done

python3 - "$work" "$have_oasdiff" <<'PY'
import json, os, sys
work, have = sys.argv[1], sys.argv[2] == "1"
def fig(name):
    wall, rss, cpu = open(f"{work}/{name}.fig").read().split()
    return float(wall), int(rss) / 1024, float(cpu)
print("| pair | size (old → new) | dsctl wall / CPU / RSS | oasdiff wall / CPU / RSS | ratio wall | ratio CPU | ratio RSS | verdicts |")
print("|---|---|---|---|---:|---:|---:|---|")
for v in ("v1", "v2"):
    size = lambda side: os.path.getsize(f"{work}/run/{side}-{v}/openapi.yaml") / 1e6
    dwall, drss, dcpu = fig(f"dsctl-{v}")
    d = json.load(open(f"{work}/dsctl-{v}.out"))
    dverdict = "breaking" if d["requiredBump"] == "major" else "not breaking"
    row = f"| DataDog {v} | {size('old'):.1f} → {size('new'):.1f} MB | {dwall:.2f} s / {dcpu:.2f} s / {drss:,.0f} MB |"
    if have:
        owall, orss, ocpu = fig(f"oasdiff-{v}")
        o = json.load(open(f"{work}/oasdiff-{v}.out"))
        overdict = "breaking" if o else "not breaking"
        row += f" {owall:.2f} s / {ocpu:.2f} s / {orss:,.0f} MB | {dwall/owall:.2f}x | {dcpu/ocpu:.2f}x | {drss/orss:.2f}x | dsctl {dverdict}, oasdiff {overdict} |"
    else:
        row += " _oasdiff not installed_ | | | | |"
    print(row)
PY
