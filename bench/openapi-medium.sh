#!/usr/bin/env bash
# bench/openapi-medium.sh DSCTL SCRATCH — dsctl compat check against the
# oasdiff CLI (`oasdiff breaking -f json OLD NEW`, see lib/oasdiff.sh) on
# medium OpenAPI documents: DataDog's v1 and v2 API specs
# (.generator/schemas/v{1,2}/openapi.yaml of the Go module
# github.com/DataDog/datadog-api-client-go/v2, v2.30.0 -> v2.31.0, fetched with
# `go mod download`), the row beside the Stripe one (openapi-stripe.sh).
# The two tools run in turn (dsctl, oasdiff, dsctl, ...), RUNS times each
# (default 5); the table gives the median wall time, CPU time and peak RSS
# (GNU time -v) of each tool per pair, and their ratios.
#
# Bar (issue 15): dsctl at most 0.7x oasdiff's time and no more than its
# memory, per pair. Not part of `make test`.
set -euo pipefail

dsctl=${1:?usage: openapi-medium.sh DSCTL SCRATCH}
scratch=${2:?usage: openapi-medium.sh DSCTL SCRATCH}
runs=${RUNS:-5}
work="$scratch/openapi-medium"
mkdir -p "$work/run"
# shellcheck source=lib/oasdiff.sh
. "$(dirname "$0")/lib/oasdiff.sh"

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

oasdiff=$(oasdiff_bin)
for v in v1 v2; do
  # shellcheck disable=SC2034 # passed by name to side_by_side
  dcmd=("$dsctl" compat check "old-$v/openapi.yaml" "new-$v/openapi.yaml" --kind openapi --format json --fail-on none)
  # shellcheck disable=SC2034
  ocmd=()
  if [ -n "$oasdiff" ]; then
    # shellcheck disable=SC2034
    ocmd=("$oasdiff" breaking -f json "old-$v/openapi.yaml" "new-$v/openapi.yaml")
  fi
  side_by_side "$runs" "dsctl-$v" dcmd "oasdiff-$v" ocmd
done

python3 - "$work" "${oasdiff:+1}" "$oasdiff_version" <<'PY'
import json, os, sys
work, have, oversion = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
def fig(name):
    wall, rss, cpu, n = open(f"{work}/{name}.fig").read().split()
    return float(wall), float(rss) / 1024, float(cpu), int(n)
print(f"oasdiff {oversion}; medians of the runs; each ratio is dsctl's median over oasdiff's.")
print()
print("| pair | size (old → new) | runs | dsctl wall / CPU / RSS | oasdiff wall / CPU / RSS | ratio wall | ratio CPU | ratio RSS | verdicts |")
print("|---|---|---:|---|---|---:|---:|---:|---|")
for v in ("v1", "v2"):
    size = lambda side: os.path.getsize(f"{work}/run/{side}-{v}/openapi.yaml") / 1e6
    dwall, drss, dcpu, n = fig(f"dsctl-{v}")
    d = json.load(open(f"{work}/dsctl-{v}.out"))
    dverdict = "breaking" if d["requiredBump"] == "major" else "not breaking"
    row = f"| DataDog {v} | {size('old'):.1f} → {size('new'):.1f} MB | {n} | {dwall:.2f} s / {dcpu:.2f} s / {drss:,.0f} MB |"
    if have:
        owall, orss, ocpu, _ = fig(f"oasdiff-{v}")
        o = json.load(open(f"{work}/oasdiff-{v}.out"))
        overdict = "breaking" if o else "not breaking"
        row += f" {owall:.2f} s / {ocpu:.2f} s / {orss:,.0f} MB | {dwall/owall:.2f}x | {dcpu/ocpu:.2f}x | {drss/orss:.2f}x | dsctl {dverdict}, oasdiff {overdict} |"
    else:
        row += " _oasdiff not installed_ | | | | |"
    print(row)
PY
