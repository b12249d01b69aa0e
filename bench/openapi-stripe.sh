#!/usr/bin/env bash
# bench/openapi-stripe.sh DSCTL SCRATCH — dsctl compat check against the
# oasdiff CLI (`oasdiff breaking -f json OLD NEW`, see lib/oasdiff.sh) on
# Stripe's OpenAPI spec, stripe-mock v0.162.0 -> v0.203.0
# (embedded/openapi/spec3.json, 4.9 MB and 8.0 MB), side by side in one run
# (dsctl, oasdiff, dsctl, ...). Prints a markdown table: wall time and peak RSS
# (GNU time -v), findings, and the verdict of each tool.
#
# Bar: dsctl at most 0.5x oasdiff's wall time, no more than its peak memory,
# the same verdict. Each figure is the median of RUNS runs (default 1: oasdiff
# takes about a minute and 4.5 GB). Not part of `make test`.
set -euo pipefail

dsctl=${1:?usage: openapi-stripe.sh DSCTL SCRATCH}
scratch=${2:?usage: openapi-stripe.sh DSCTL SCRATCH}
runs=${RUNS:-1}
work="$scratch/openapi-stripe"
mkdir -p "$work/run"
# shellcheck source=lib/oasdiff.sh
. "$(dirname "$0")/lib/oasdiff.sh"

echo "### compat check, OpenAPI (Stripe spec3.json, stripe-mock v0.162.0 → v0.203.0)"
echo

if ! command -v go >/dev/null 2>&1; then
  echo "_skipped: no go command to fetch the Stripe specs_"
  exit 0
fi
if [ ! -x /usr/bin/time ]; then
  echo "_skipped: GNU time (/usr/bin/time) is missing; apt-get install time_"
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "_skipped: python3 is needed to count findings_"
  exit 0
fi
specdir() {
  go mod download -json "github.com/stripe/stripe-mock@$1" 2>/dev/null | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}
olddir=$(specdir v0.162.0)
newdir=$(specdir v0.203.0)
if [ -z "$olddir" ] || [ -z "$newdir" ]; then
  echo "_skipped: could not download github.com/stripe/stripe-mock@v0.162.0/v0.203.0_"
  exit 0
fi
mkdir -p "$work/run/old" "$work/run/new"
cp "$olddir/embedded/openapi/spec3.json" "$work/run/old/spec3.json"
cp "$newdir/embedded/openapi/spec3.json" "$work/run/new/spec3.json"
chmod u+w "$work/run/old/spec3.json" "$work/run/new/spec3.json"

oasdiff=$(oasdiff_bin)
# shellcheck disable=SC2034 # passed by name to side_by_side
dcmd=("$dsctl" compat check old/spec3.json new/spec3.json --kind openapi --format json --fail-on none)
# shellcheck disable=SC2034
ocmd=()
if [ -n "$oasdiff" ]; then
  # shellcheck disable=SC2034
  ocmd=("$oasdiff" breaking -f json old/spec3.json new/spec3.json)
fi
side_by_side "$runs" dsctl dcmd oasdiff ocmd
have_oasdiff=0
if [ -n "$oasdiff" ]; then have_oasdiff=1; fi

python3 - "$work" "$have_oasdiff" "$oasdiff_version" <<'EOF'
import json, sys
work, have, oversion = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
def fig(name):
    wall, rss, cpu, _ = open(f"{work}/{name}.fig").read().split()
    return float(wall), float(rss) / 1024, float(cpu)
d = json.load(open(f"{work}/dsctl.out"))
changes = d["changes"]
refs = sum(max(1, len(c.get("operations") or [])) for c in changes)
breaking = [c for c in changes if c["impact"] == "major"]
dwall, drss, dcpu = fig("dsctl")
dverdict = "breaking" if d["requiredBump"] == "major" else "not breaking"
print("| tool | wall time | CPU time | peak RSS | findings | verdict |")
print("|---|---:|---:|---:|---:|---|")
print(f"| dsctl compat check (grouped) | {dwall:.1f} s | {dcpu:.1f} s | {drss:,.0f} MB | {len(changes):,} changes ({len(breaking):,} major) affecting {refs:,} (change, operation) pairs | {dverdict} (requires {d['requiredBump']}) |")
if have:
    o = json.load(open(f"{work}/oasdiff.out"))
    owall, orss, ocpu = fig("oasdiff")
    pairs = len({(f.get("id"), f.get("text")) for f in o})
    overdict = "breaking" if o else "not breaking"
    print(f"| oasdiff breaking -f json {oversion} | {owall:.1f} s | {ocpu:.1f} s | {orss:,.0f} MB | {len(o):,} ERR+WARN findings ({pairs:,} distinct rule+text) | {overdict} |")
    print(f"| ratio dsctl / oasdiff | {dwall/owall:.2f}x | {dcpu/ocpu:.2f}x | {drss/orss:.2f}x | | {'same' if dverdict == overdict else 'DIFFERENT'} |")
else:
    print(f"| oasdiff {oversion} | _not installed_ | | | | |")
EOF
