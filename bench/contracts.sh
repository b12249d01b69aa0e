#!/usr/bin/env bash
# bench/contracts.sh DSCTL SCRATCH — contract packaging and publishing speed.
#
# Times, in one run, against a local OCI image layout store:
#   - dsctl contract pack of examples/orders/contract (median of RUNS);
#   - tar+gzip+sha256sum of the same folder, the shell baseline (not deterministic);
#   - dsctl contract publish, first time, and the idempotent republish (median of RUNS;
#     the target is < 50 ms end to end);
#   - 100 packages published one process each, and in one dsctl invocation (target < 5 s);
#   - oras push of the same archive to an OCI layout, when the oras CLI is installed.
# Prints a markdown table.
set -euo pipefail
BIN="${1:?usage: contracts.sh DSCTL SCRATCH}"
W="${2:?usage: contracts.sh DSCTL SCRATCH}"
RUNS="${BENCH_RUNS:-11}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$W"
W="$(cd "$W" && pwd)"
rm -rf "$W/pkg" "$W/reg" "$W/many" "$W/reg100" "$W/reg100b" "$W/oras"
cp -r "$ROOT/examples/orders/contract" "$W/pkg"
cd "$W"

now() { date +%s%N; }
ms() { echo "scale=1; ($2 - $1) / 1000000" | bc; }
# median CMD...: runs CMD RUNS times, prints the median wall time in ms.
median() {
  local times=()
  for _ in $(seq "$RUNS"); do
    local a b
    a=$(now); "$@" >/dev/null 2>&1; b=$(now)
    times+=("$(ms "$a" "$b")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

pack_ms=$(median "$BIN" contract pack pkg)
tar_ms=$(median bash -c 'tar czf - pkg | sha256sum')
a=$(now); "$BIN" contract publish pkg --registry reg >/dev/null; b=$(now); first_ms=$(ms "$a" "$b")
idem_ms=$(median "$BIN" contract publish pkg --registry reg)

mkdir -p many
for i in $(seq -w 1 100); do
  "$BIN" contract init "many/p$i" --name "p$i" >/dev/null
done
a=$(now)
for i in $(seq -w 1 100); do "$BIN" contract publish "many/p$i" --registry reg100 >/dev/null; done
b=$(now); many_ms=$(ms "$a" "$b")
a=$(now); "$BIN" contract publish many/p* --registry reg100b >/dev/null; b=$(now); one_ms=$(ms "$a" "$b")
count=$("$BIN" contract list --registry reg100 | wc -l)

oras_row="| oras push of the same archive to an OCI layout | skipped: oras not installed | |"
if command -v oras >/dev/null 2>&1; then
  "$BIN" contract pack pkg --out pkg.tgz >/dev/null
  oras_ms=$(median oras push --oci-layout "oras:1.0.0" --artifact-type application/vnd.dsctl.contract.v1 pkg.tgz)
  oras_row="| oras push of the same archive to an OCI layout | ${oras_ms} ms | median of $RUNS |"
fi

cat <<EOF2
| what | time | note |
|---|---:|---|
| dsctl contract pack (orders) | ${pack_ms} ms | median of $RUNS, deterministic digest |
| tar czf \| sha256sum (orders) | ${tar_ms} ms | baseline, not deterministic (mtimes, owners) |
| dsctl contract publish, first | ${first_ms} ms | lint + pack + push to a layout folder |
| dsctl contract publish, unchanged (idempotent) | ${idem_ms} ms | median of $RUNS; target < 50 ms |
| 100 packages, one dsctl process each | ${many_ms} ms | $count versions listed; target < 5000 ms |
| 100 packages, one dsctl invocation | ${one_ms} ms | dsctl contract publish many/p* |
$oras_row
EOF2
