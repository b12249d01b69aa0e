#!/usr/bin/env bash
# bench/gendtos.sh DSCTL SCRATCH — dsctl gen dtos on Stripe's OpenAPI spec
# (spec3.json of the Go module github.com/stripe/stripe-mock@v0.203.0, 7.6 MB,
# 1,454 schemas) against the oapi-codegen v2.8.2 CLI. Prints a markdown table.
#
# Rows: one service selecting root schema `balance`, end to end, spec load
# included (bar: < 2 s); the whole spec's components (bar: <= 0.5x the
# oapi-codegen CLI with its defaults); five services from one spec (bar: < 2x
# one service). Each figure is the best of RUNS runs (default 3).
set -euo pipefail

dsctl=${1:?usage: gendtos.sh DSCTL SCRATCH}
scratch=${2:?usage: gendtos.sh DSCTL SCRATCH}
runs=${RUNS:-3}
work="$scratch/gendtos"
mkdir -p "$work/stripe" "$scratch/bin"

echo "### gen dtos (Stripe spec3.json, stripe-mock v0.203.0)"
echo

if ! command -v go >/dev/null 2>&1; then
  echo "_skipped: no go command to fetch the Stripe spec_"
  exit 0
fi
dir=$(go mod download -json github.com/stripe/stripe-mock@v0.203.0 2>/dev/null | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
spec="$dir/embedded/openapi/spec3.json"
if [ -z "$dir" ] || [ ! -f "$spec" ]; then
  echo "_skipped: could not download github.com/stripe/stripe-mock@v0.203.0_"
  exit 0
fi
cp "$spec" "$work/stripe/spec3.json"
chmod u+w "$work/stripe/spec3.json"

ocg="$scratch/bin/oapi-codegen"
if [ ! -x "$ocg" ]; then
  GOBIN="$scratch/bin" go install github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2 >/dev/null 2>&1 || true
fi

# Stripe's `source` object has an inline enum `type` whose prefixed values
# (SourceTypeCard, ...) clash with the schemas source_type_card, ...: dsctl
# refuses to emit code that does not compile, so the whole-spec run renames them.
renames=""
for t in ach_credit_transfer ach_debit acss_debit alipay au_becs_debit bancontact card card_present eps \
         giropay ideal klarna multibanco p24 sepa_debit sofort three_d_secure wechat; do
  renames="$renames      source_type_$t: SourceTypeDetails_$t"$'\n'
done

svc() { # name root...
  local name=$1; shift
  printf '  - name: %s\n    spec: stripe/spec3.json\n    package: %s\n    output: out/%s/dtos.gen.go\n    schemas: [%s]\n' \
    "$name" "$name" "$name" "$(IFS=,; echo "$*")"
}
{ echo "apiVersion: dsctl.dev/v1"; echo "services:"; svc balance balance; } > "$work/one.yaml"
{ echo "apiVersion: dsctl.dev/v1"; echo "services:"
  svc balance balance; svc coupon coupon; svc product product; svc price price; svc plan plan; } > "$work/five.yaml"
{ echo "apiVersion: dsctl.dev/v1"; echo "services:"
  printf '  - name: stripe\n    spec: stripe/spec3.json\n    package: stripe\n    output: out/all/dtos.gen.go\n    rename:\n%s' "$renames"; } > "$work/all.yaml"

# best RUNS wall-clock seconds of a command (output files removed before each run)
best() {
  local b="" t0 t1 t
  for _ in $(seq "$runs"); do
    rm -rf "$work/out"
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>"$work/stderr" || { echo "FAILED: $*" >&2; cat "$work/stderr" >&2; echo "nan"; return; }
    t1=$(date +%s.%N)
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
    if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
  done
  printf '%.2f' "$b"
}
ratio() { if [ "$1" = nan ] || [ "$2" = nan ]; then echo nan; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; fi; }
# pass VALUE OP LIMIT
pass() {
  if [ "$1" = nan ]; then echo "n/a"; return; fi
  if awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { ok = (op == "<") ? v < l : v <= l; exit !ok }'; then echo yes; else echo "**no**"; fi
}

cd "$work"
one=$(best "$dsctl" gen dtos --config one.yaml)
five=$(best "$dsctl" gen dtos --config five.yaml)
all=$(best "$dsctl" gen dtos --config all.yaml)
kept=$("$dsctl" gen dtos --config one.yaml --check -o json 2>/dev/null | grep -c '^        "' || true)
if [ -x "$ocg" ]; then
  ocgdef=$(best sh -c "'$ocg' -package stripe stripe/spec3.json > ocg.go")
  printf 'package: stripe\ngenerate:\n  models: true\noutput: ocg-models.go\n' > ocg-models.yaml
  ocgmod=$(best "$ocg" -config ocg-models.yaml stripe/spec3.json)
else
  ocgdef=nan ocgmod=nan
fi

echo "| case | dsctl (s) | compared with | (s) | ratio | bar | met |"
echo "|---|---:|---|---:|---:|---|---|"
echo "| one service, root \`balance\` ($kept of 1454 schemas), load included | $one | — | — | — | < 2 s | $(pass "$one" '<' 2) |"
echo "| whole spec's components (1454 schemas) | $all | oapi-codegen CLI, defaults | $ocgdef | $(ratio "$all" "$ocgdef") | <= 0.5x | $(pass "$(ratio "$all" "$ocgdef")" '<=' 0.5) |"
echo "| whole spec's components (1454 schemas) | $all | oapi-codegen CLI, models only | $ocgmod | $(ratio "$all" "$ocgmod") | (context) | — |"
echo "| five services from one spec | $five | one service | $one | $(ratio "$five" "$one") | < 2x | $(pass "$(ratio "$five" "$one")" '<' 2) |"
if [ ! -x "$ocg" ]; then
  echo
  echo "_oapi-codegen could not be installed; its row is n/a_"
fi
