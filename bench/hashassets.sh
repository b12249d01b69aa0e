#!/usr/bin/env bash
# bench/hashassets.sh DSCTL SCRATCH — hash-assets against sha256sum and gulp-rev.
#
# Builds a deterministic corpus in SCRATCH (2,000 files of 10 KB in 20 folders,
# 20 files of 20 MB, and a 70-file HTML/CSS site that references all 2,020),
# then times, side by side in one run, with a warm page cache:
#   - dsctl hash-assets (hash + copy + rewrite + manifest), first build (durable: one syncfs
#     before the manifest), first build with --no-sync, and an unchanged rerun;
#   - coreutils sha256sum over the same 2,020 + 70 files (hashing only, no copy);
#   - gulp-rev + gulp-rev-rewrite (npm install into SCRATCH/node when npm is there).
# Peak memory comes from /usr/bin/time -v. Prints a markdown table.
set -euo pipefail
BIN="${1:?usage: hashassets.sh DSCTL SCRATCH}"
W="${2:?usage: hashassets.sh DSCTL SCRATCH}"
RUNS="${BENCH_RUNS:-3}"
mkdir -p "$W"
W="$(cd "$W" && pwd)"
C="$W/corpus"

# fill TEXT BYTES: TEXT repeated up to BYTES (yes ends on SIGPIPE, which is fine).
fill() { yes "$1" | head -c "$2" || true; }

build_corpus() {
  [ -f "$C/.done" ] && return 0
  rm -rf "$C"
  mkdir -p "$C/media" "$C/css"
  for d in $(seq -w 0 19); do
    mkdir -p "$C/assets/d$d"
    for f in $(seq -w 0 99); do
      # 10 KB of a line that names the file: every file differs, same size.
      fill "dsctl bench asset d$d/f$f" 10240 > "$C/assets/d$d/f$f.png"
    done
  done
  for b in $(seq -w 0 19); do
    fill "dsctl bench media big$b" $((20 * 1024 * 1024)) > "$C/media/big$b.mp4"
  done
  # The site: 35 pages and 35 style sheets; asset k is referenced by page
  # k%70 (k%70 < 35) or by style sheet k%70-35 (otherwise).
  for p in $(seq 0 34); do
    {
      echo "<!doctype html><html><head><meta charset=utf-8><title>page $p</title>"
      echo "<link rel=stylesheet href=\"css/site$p.css\"></head><body>"
      echo "<a href=\"page$(( (p + 1) % 35 )).html\">next</a>"
    } > "$C/page$p.html"
    { echo "/* style sheet $p */"; echo "body { margin: 0 }"; } > "$C/css/site$p.css"
  done
  k=0
  for d in $(seq -w 0 19); do
    for f in $(seq -w 0 99); do
      s=$((k % 70))
      if [ $s -lt 35 ]; then
        echo "<img src=\"assets/d$d/f$f.png\" alt=\"\" loading=lazy>" >> "$C/page$s.html"
      else
        echo ".a$k { background: url(\"../assets/d$d/f$f.png\") no-repeat }" >> "$C/css/site$((s - 35)).css"
      fi
      k=$((k + 1))
    done
  done
  for b in $(seq -w 0 19); do
    echo "<video src=\"media/big$b.mp4\" poster=\"assets/d00/f00.png\"></video>" >> "$C/page$((10#$b % 35)).html"
  done
  for p in $(seq 0 34); do echo "</body></html>" >> "$C/page$p.html"; done
  touch "$C/.done"
}

# measure LABEL PREP CMD...: runs PREP then CMD, RUNS times; keeps the median wall
# time, the median CPU time (user + sys) and the largest peak RSS.
declare -A WALL RSS CPU
measure() {
  local label="$1" prep="$2"; shift 2
  local RUNS="${MEASURE_RUNS:-$RUNS}"
  local times=() cpus=() rss=0
  for _ in $(seq "$RUNS"); do
    eval "$prep"
    /usr/bin/time -f '%e %M %U %S' -o "$W/time.txt" "$@" > "$W/out.txt" 2> "$W/err.txt" || {
      echo "$label failed:"; cat "$W/err.txt" >&2; return 1; }
    read -r e m u s < <(tail -1 "$W/time.txt")
    times+=("$e")
    cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  WALL[$label]=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  RSS[$label]=$rss
  CPU[$label]=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
}

if [ ! -x /usr/bin/time ]; then
  echo "/usr/bin/time is missing (apt-get install time); skipped"
  exit 0
fi

build_corpus
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
# Warm the page cache so every tool reads from memory.
find "$C" -type f -not -name .done -exec cat {} + > /dev/null

# The previous output is removed and synced before each first build, so that
# its deletion is not charged to the next run.
measure dsctl 'rm -rf "$W/out-dsctl"; sync' "$BIN" hash-assets "$C" --out "$W/out-dsctl" -q
measure dsctl-no-sync 'rm -rf "$W/out-dsctl"; sync' "$BIN" hash-assets "$C" --out "$W/out-dsctl" -q --no-sync
measure dsctl-rerun ':' "$BIN" hash-assets "$C" --out "$W/out-dsctl" -q
DSCTL_TIMINGS=1 "$BIN" hash-assets "$C/" --out "$W/out-timing" --dry-run -q 2> "$W/timings.txt" > /dev/null || true
REWRITE=$(awk '/^timing rewrite /{print $3}' "$W/timings.txt")
( cd "$C" && find . -type f -not -name .done | sort > "$W/files.txt" )
measure sha256sum ':' sh -c "cd '$C' && xargs -d '\n' sha256sum < '$W/files.txt' > /dev/null"

GULP=""
if [ -z "${BENCH_NO_GULP:-}" ] && command -v npm > /dev/null && command -v node > /dev/null; then
  if [ ! -d "$W/node/node_modules/gulp-rev-rewrite" ]; then
    mkdir -p "$W/node"
    ( cd "$W/node" && npm init -y > /dev/null && npm install --no-audit --no-fund --silent gulp@5 gulp-rev@12 gulp-rev-rewrite@6 > /dev/null 2>&1 ) || true
  fi
  if [ -d "$W/node/node_modules/gulp-rev-rewrite" ]; then
    cat > "$W/node/gulpfile.mjs" <<JS
import gulp from 'gulp';
import rev from 'gulp-rev';
import revRewrite from 'gulp-rev-rewrite';
export default function () {
  return gulp.src('$C/**', { encoding: false, base: '$C' })
    .pipe(rev())
    .pipe(revRewrite())
    .pipe(gulp.dest('$W/out-gulp'))
    .pipe(rev.manifest())
    .pipe(gulp.dest('$W/out-gulp'));
}
JS
    # gulp-rev takes minutes: one run.
    MEASURE_RUNS=1 measure gulp-rev 'rm -rf "$W/out-gulp"; sync' sh -c "cd '$W/node' && npx --no-install gulp --silent"
    GULP=1
  fi
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
echo
echo "Load average before the run: $LOAD."
echo "Corpus: 2,000 x 10 KB in 20 folders, 20 x 20 MB, 70-file HTML/CSS site referencing all ($(du -sm "$C" | cut -f1) MB); $(nproc) cores; median of $RUNS runs (gulp-rev: one run)."
echo
echo "| tool | wall time | CPU (user+sys) | peak RSS | wall vs sha256sum | wall vs gulp-rev |"
echo "|---|---|---|---|---|---|"
for t in dsctl dsctl-no-sync dsctl-rerun sha256sum ${GULP:+gulp-rev}; do
  g="n/a"; [ -n "$GULP" ] && g=$(ratio "${WALL[$t]}" "${WALL[gulp-rev]}")
  echo "| $t | ${WALL[$t]} s | ${CPU[$t]} s | $(mib "${RSS[$t]}") | $(ratio "${WALL[$t]}" "${WALL[sha256sum]}") | $g |"
done
[ -z "$GULP" ] && echo && echo "gulp-rev: skipped (npm or node missing, or npm install failed)."
echo
echo "Rewriting the 70-file site against the 2,020-entry manifest (dsctl's rewrite phase): ${REWRITE:-n/a} s."
