# shellcheck shell=bash disable=SC2154 # scratch and work are the caller's
# bench/lib/oasdiff.sh — sourced by bench/openapi-*.sh: the oasdiff CLI they
# compare dsctl with, and timing under GNU time. Not run by bench/run.sh
# (it runs bench/*.sh only).
#
# Before sourcing, set: scratch (the script's scratch folder) and work (its
# working folder; commands run in $work/run, an empty folder apart from the
# documents, because oasdiff reads a config file named oasdiff.* from the
# working folder).

# oasdiff_version is the oasdiff release both scripts compare with.
oasdiff_version=v1.37.0

# oasdiff_bin installs oasdiff (go install, into $scratch/bin) unless it is
# there, and prints its path, or nothing when it cannot be installed.
oasdiff_bin() {
  local bin="$scratch/bin/oasdiff"
  mkdir -p "$scratch/bin"
  if [ ! -x "$bin" ]; then
    GOBIN="$scratch/bin" go install "github.com/oasdiff/oasdiff@$oasdiff_version" >/dev/null 2>&1 || true
  fi
  if [ -x "$bin" ]; then echo "$bin"; fi
}

# timed NAME CMD...: runs CMD once in $work/run under /usr/bin/time -v, its
# stdout to $work/NAME.out, and appends "wall-seconds max-RSS-KB CPU-seconds"
# (CPU = user + system) to $work/NAME.runs.
timed() {
  local name=$1; shift
  (cd "$work/run" && /usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.time") || true
  local wall rss cpu
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$name.time" |
    awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.time")
  cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$work/$name.time")
  echo "$wall $rss $cpu" >>"$work/$name.runs"
}

# side_by_side RUNS NAME-A ARRAY-A NAME-B ARRAY-B: runs the command in the
# array named ARRAY-A and the one in ARRAY-B in turn (A B A B ...), RUNS times
# each, so both see the same machine state; an empty ARRAY-B (no oasdiff) runs
# A alone. Then writes each NAME.fig (see medians).
side_by_side() {
  local runs=$1 a=$2 b=$4
  local -n acmd=$3 bcmd=$5
  rm -f "$work/$a.runs" "$work/$b.runs"
  for _ in $(seq "$runs"); do
    timed "$a" "${acmd[@]}"
    if [ "${#bcmd[@]}" -gt 0 ]; then timed "$b" "${bcmd[@]}"; fi
  done
  medians "$a"
  if [ "${#bcmd[@]}" -gt 0 ]; then medians "$b"; fi
}

# medians NAME: the median wall time, max RSS and CPU time of NAME's runs
# (each figure on its own), "wall rss cpu runs", in $work/NAME.fig.
medians() {
  local f="$work/$1.runs" col out=""
  for col in 1 2 3; do
    out="$out $(cut -d' ' -f"$col" "$f" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"
  done
  echo "$out $(wc -l <"$f")" >"$work/$1.fig"
}
