#!/usr/bin/env bash
# Runs every fuzz target in the module for FUZZTIME each ($1, default 60s).
# CI runs it with a short time as a smoke test; `make fuzz` runs it longer.
set -euo pipefail
cd "$(dirname "$0")/.."
T="${1:-60s}"
fail=0
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz: $pkg $target ($T)"
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$T" "$pkg" >/tmp/fuzz-$target.log 2>&1; then
      echo "FAIL: $pkg $target"; tail -30 /tmp/fuzz-$target.log; fail=1
    fi
  done
done
exit $fail
