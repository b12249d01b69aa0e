#!/usr/bin/env bash
# bench/registries.sh DSCTL SCRATCH — publishing to a real OCI registry.
#
# Starts Debian's docker-registry (CNCF distribution) on 127.0.0.1 with its
# storage in SCRATCH, then times, in one run:
#   - dsctl registry ping (median of RUNS);
#   - dsctl contract publish of one package, first time and the idempotent
#     republish (median of RUNS);
#   - 100 packages in one dsctl invocation (target < 10 s): one at a time
#     (--jobs 1), the default --jobs and --jobs 8; the idempotent republish
#     of the 100;
#   - the same 100 to an OCI layout folder, side by side;
#   - oras push of one archive to the registry, when the oras CLI is installed.
# Skips with a note when docker-registry is missing. Prints a markdown table.
# BENCH_BEFORE=PATH adds a row for another dsctl build on the same 100.
set -euo pipefail
BIN="${1:?usage: registries.sh DSCTL SCRATCH}"
W="${2:?usage: registries.sh DSCTL SCRATCH}"
RUNS="${BENCH_RUNS:-11}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v docker-registry >/dev/null 2>&1; then
  echo "skipped: docker-registry not installed (apt-get install -y docker-registry)"
  exit 0
fi
mkdir -p "$W"
W="$(cd "$W" && pwd)"
rm -rf "$W/storage" "$W/pkg" "$W/many" "$W/layout100" "$W/reg.log"
cp -r "$ROOT/examples/orders/contract" "$W/pkg"
cd "$W"

cat > reg.yml <<EOF2
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $W/storage
http:
  addr: 127.0.0.1:0
  relativeurls: true
EOF2
docker-registry serve reg.yml 2>reg.log &
REG_PID=$!
trap 'kill "$REG_PID" 2>/dev/null || true; wait "$REG_PID" 2>/dev/null || true' EXIT
host=""
for _ in $(seq 200); do
  host=$(grep -o 'listening on 127.0.0.1:[0-9]*' reg.log | head -1 | sed 's/listening on //') || true
  [ -n "$host" ] && break
  kill -0 "$REG_PID" 2>/dev/null || { echo "docker-registry exited: $(tail -3 reg.log)"; exit 1; }
  sleep 0.05
done
[ -n "$host" ] || { echo "docker-registry did not start"; exit 1; }
REF="oci://$host/bench"
NET=(--plain-http)

now() { date +%s%N; }
ms() { echo "scale=1; ($2 - $1) / 1000000" | bc; }
median() {
  local times=()
  for _ in $(seq "$RUNS"); do
    local a b
    a=$(now); "$@" >/dev/null 2>&1; b=$(now)
    times+=("$(ms "$a" "$b")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

"$BIN" --quiet registry ping "${NET[@]}" --retries 10 "$REF" >/dev/null
ping_ms=$(median "$BIN" registry ping "${NET[@]}" "$REF")
a=$(now); "$BIN" contract publish pkg --registry "$REF" "${NET[@]}" >/dev/null; b=$(now); first_ms=$(ms "$a" "$b")
idem_ms=$(median "$BIN" contract publish pkg --registry "$REF" "${NET[@]}")

mkdir -p many
for i in $(seq -w 1 100); do
  "$BIN" contract init "many/p$i" --name "p$i" >/dev/null
done
# One after the other (--jobs 1, what publish did before it published
# different names concurrently), then the default, then 8 at a time; each
# into its own prefix, so each publishes all 100.
# BENCH_BEFORE=PATH times another dsctl build (one without --jobs, say) on
# the same 100, for a before/after figure from one registry and one run.
before_row=""
if [ -n "${BENCH_BEFORE:-}" ]; then
  a=$(now); "$BENCH_BEFORE" --quiet contract publish many/p* --registry "$REF/before" "${NET[@]}" >/dev/null; b=$(now)
  before_row=$'\n'"| 100 packages, one invocation of \$BENCH_BEFORE | $(ms "$a" "$b") ms | the build before concurrent publish |"
fi
a=$(now); "$BIN" --quiet contract publish --jobs 1 many/p* --registry "$REF/seq" "${NET[@]}" >/dev/null; b=$(now); seq_ms=$(ms "$a" "$b")
a=$(now); "$BIN" --quiet contract publish many/p* --registry "$REF/many" "${NET[@]}" >/dev/null; b=$(now); many_ms=$(ms "$a" "$b")
a=$(now); "$BIN" --quiet contract publish --jobs 8 many/p* --registry "$REF/many8" "${NET[@]}" >/dev/null; b=$(now); many8_ms=$(ms "$a" "$b")
a=$(now); "$BIN" --quiet contract publish many/p* --registry "$REF/many" "${NET[@]}" >/dev/null; b=$(now); again_ms=$(ms "$a" "$b")
a=$(now); "$BIN" --quiet contract publish many/p* --registry layout100 >/dev/null; b=$(now); layout_ms=$(ms "$a" "$b")

oras_row="| oras push of one archive to the registry | skipped: oras not installed | |"
if command -v oras >/dev/null 2>&1; then
  "$BIN" contract pack pkg --out pkg.tgz >/dev/null
  oras_ms=$(median oras push --plain-http "$host/bench/oras:1.0.0" --artifact-type application/vnd.dsctl.contract.v1 pkg.tgz)
  oras_row="| oras push of one archive to the registry | ${oras_ms} ms | median of $RUNS (no lint, no gate, no immutability check) |"
fi

cat <<EOF2
| what | time | note |
|---|---:|---|
| dsctl registry ping | ${ping_ms} ms | median of $RUNS |
| dsctl contract publish, first (orders) | ${first_ms} ms | lint + pack + 11 registry requests |
| dsctl contract publish, unchanged (idempotent) | ${idem_ms} ms | median of $RUNS; one HEAD request |
| 100 packages, one dsctl invocation, --jobs 1 (one at a time) | ${seq_ms} ms | as before concurrent publish |
| 100 packages, one dsctl invocation (default --jobs) | ${many_ms} ms | target < 10000 ms |
| 100 packages, one dsctl invocation, --jobs 8 | ${many8_ms} ms | |${before_row}
| the same 100 again (idempotent) | ${again_ms} ms | no blob upload |
| the same 100 to an OCI layout folder | ${layout_ms} ms | side by side |
$oras_row
EOF2
