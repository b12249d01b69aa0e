#!/usr/bin/env bash
# Runs every fuzz target in the module for FUZZTIME each ($1, default 60s).
# `make fuzz` runs it (CI only when CI_FUZZTIME is set); failing inputs land in testdata/fuzz/, which `make test` replays.
set -euo pipefail
cd "$(dirname "$0")/.."
T="${1:-60s}"
fail=0
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz: $pkg $target ($T)"
    log="$(mktemp)"
    # Each new coverage input is minimised for up to -fuzzminimizetime (default a
    # minute) with no executions counted, which on a short run looked like a
    # stalled worker; 5s leaves the time to fuzzing (a failing input is then
    # written after 5s of minimising).
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$T" -fuzzminimizetime 5s "$pkg" >"$log" 2>&1; then
      if grep -q "context deadline exceeded" "$log" && ! grep -qE "Failing input written|panic:" "$log"; then
        # Go 1.26's fuzz coordinator can report its own -fuzztime deadline as a failure
        # (golang/go#75804, fixed in Go 1.27): with no failing input written and no panic, it is not one.
        echo "note: $target: the fuzzer's own deadline fired with no failing input; not a failure"
      else
        echo "FAIL: $pkg $target"; tail -30 "$log"; fail=1
      fi
    fi
    rm -f "$log"
  done
done
exit $fail
