#!/usr/bin/env bash
# Whole-command comparisons: runs every bench/*.sh (except this one) with the built dsctl
# binary (absolute path) and a scratch folder, and prints their markdown tables.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="$(pwd)/bin/dsctl"
WORK="${BENCH_WORK:-$(pwd)/bench/.work}"
mkdir -p "$WORK"
status=0
for s in bench/*.sh; do
  [ "$(basename "$s")" = run.sh ] && continue
  if [ -n "${BENCH_ONLY:-}" ] && [[ "$s" != *"$BENCH_ONLY"* ]]; then continue; fi
  name="$(basename "$s" .sh)"
  echo
  echo "## $name"
  mkdir -p "$WORK/$name"
  bash "$s" "$BIN" "$WORK/$name" || { echo "($s failed with exit $?)"; status=1; }
done
exit $status
