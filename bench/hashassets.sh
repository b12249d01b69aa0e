#!/usr/bin/env bash
# bench/hashassets.sh DSCTL SCRATCH — hash-assets against sha256sum and gulp-rev.
#
# Builds a deterministic corpus in SCRATCH (2,000 files of 10 KB in 20 folders,
# 20 files of 20 MB, and a 70-file HTML/CSS site that references all 2,020),
# then times, side by side in one run, with a warm page cache:
#   - dsctl hash-assets (hash + copy + rewrite + manifest): a first build (durable: syncs
#     before the manifest), --dry-run (everything but writing: sha256sum's work plus sha384,
#     rewriting and the manifest), the same with --no-sync, with --integrity sha256, an
#     unchanged rerun, and a first build right after rm -rf of the previous output;
#   - with BENCH_BASELINE=OTHER_DSCTL, the same first builds by another binary (an A/B:
#     its durable build, with GODEBUG=cpu.avx512f=off, and with --integrity sha256);
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

# once LABEL PREP CMD...: runs PREP then CMD once and records its wall time,
# CPU time (user + sys) and peak RSS; summarize LABEL keeps the medians and
# the largest peak. The tools take turns (one run of each, RUNS times), so
# that a noisy minute on this shared machine hits them all alike.
declare -A WALL RSS CPU TIMES CPUS
once() {
  local label="$1" prep="$2"; shift 2
  eval "$prep"
  /usr/bin/time -f '%e %M %U %S' -o "$W/time.txt" "$@" > "$W/out.txt" 2> "$W/err.txt" || {
    echo "$label failed:"; cat "$W/err.txt" >&2; return 1; }
  read -r e m u s < <(tail -1 "$W/time.txt")
  TIMES[$label]+="$e "
  CPUS[$label]+="$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }') "
  [ "$m" -gt "${RSS[$label]:-0}" ] && RSS[$label]=$m
  return 0
}
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
summarize() {
  WALL[$1]=$(echo "${TIMES[$1]}" | median)
  CPU[$1]=$(echo "${CPUS[$1]}" | median)
}
# measure LABEL PREP CMD...: RUNS runs of one tool in a row (for gulp-rev).
measure() {
  for _ in $(seq "${MEASURE_RUNS:-$RUNS}"); do once "$@"; done
  summarize "$1"
}

if [ ! -x /usr/bin/time ]; then
  echo "/usr/bin/time is missing (apt-get install time); skipped"
  exit 0
fi

build_corpus
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
# Warm the page cache so every tool reads from memory.
find "$C" -type f -not -name .done -exec cat {} + > /dev/null

# Before each first build the previous output is moved aside, not deleted:
# on ext4 without a journal (this build machine's root file system), the
# inode allocator skips every inode freed in the last 30 s one by one
# (recently_deleted()), which makes creating N files right after deleting N
# files quadratic; a journalled ext4, XFS or btrfs does not do that. The
# moved-aside outputs are deleted at the end. The row "after rm -rf" shows
# the other case: the previous output deleted right before the run.
TRASH="$W/trash"
rm -rf "$TRASH"; mkdir -p "$TRASH"
aside() { [ -e "$1" ] && mv "$1" "$(mktemp -d "$TRASH/XXXXXX")/"; sync; }
DSCTL_TIMINGS=1 "$BIN" hash-assets "$C/" --out "$W/out-timing" --dry-run -q 2> "$W/timings.txt" > /dev/null || true
REWRITE=$(awk '/^timing rewrite /{print $3}' "$W/timings.txt")
( cd "$C" && find . -type f -not -name .done | sort > "$W/files.txt" )
"$BIN" hash-assets "$C" --out "$W/out-dsctl" -q # the rerun's previous build
TOOLS="dsctl dsctl-dry-run dsctl-no-sync dsctl-sha256-sri dsctl-rerun dsctl-after-rm sha256sum"
BASE="${BENCH_BASELINE:-}"
[ -n "$BASE" ] && TOOLS="$TOOLS baseline baseline-no-avx512 baseline-sha256-sri"
for _ in $(seq "$RUNS"); do
  once dsctl-rerun ':' "$BIN" hash-assets "$C" --out "$W/out-dsctl" -q
  once dsctl 'aside "$W/out-dsctl"' "$BIN" hash-assets "$C" --out "$W/out-dsctl" -q
  once sha256sum ':' sh -c "cd '$C' && xargs -d '\n' sha256sum < '$W/files.txt' > /dev/null"
  if [ -n "$BASE" ]; then
    once baseline 'aside "$W/out-dsctl"' "$BASE" hash-assets "$C" --out "$W/out-dsctl" -q
    once baseline-no-avx512 'aside "$W/out-dsctl"' env GODEBUG=cpu.avx512f=off "$BASE" hash-assets "$C" --out "$W/out-dsctl" -q
    once baseline-sha256-sri 'aside "$W/out-dsctl"' "$BASE" hash-assets "$C" --out "$W/out-dsctl" -q --integrity sha256
  fi
  once dsctl-dry-run ':' "$BIN" hash-assets "$C" --out "$W/out-dry" -q --dry-run
  once dsctl-no-sync 'aside "$W/out-dsctl"' "$BIN" hash-assets "$C" --out "$W/out-dsctl" -q --no-sync
  once dsctl-sha256-sri 'aside "$W/out-dsctl"' "$BIN" hash-assets "$C" --out "$W/out-dsctl" -q --integrity sha256
  "$BIN" hash-assets "$C" --out "$W/out-dsctl" -q # the next rerun's previous build (sha384)
done
# Last: deleting an output makes the next 30 s of file creation slow (above).
for _ in $(seq "$RUNS"); do
  once dsctl-after-rm 'rm -rf "$W/out-dsctl"; sync' "$BIN" hash-assets "$C" --out "$W/out-dsctl" -q
done
for t in $TOOLS; do summarize "$t"; done

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
for t in $TOOLS ${GULP:+gulp-rev}; do
  g="n/a"; [ -n "$GULP" ] && g=$(ratio "${WALL[$t]}" "${WALL[gulp-rev]}")
  echo "| $t | ${WALL[$t]} s | ${CPU[$t]} s | $(mib "${RSS[$t]}") | $(ratio "${WALL[$t]}" "${WALL[sha256sum]}") | $g |"
done
[ -z "$GULP" ] && echo && echo "gulp-rev: skipped (npm or node missing, or npm install failed)."
echo
echo "Rewriting the 70-file site against the 2,020-entry manifest (dsctl's rewrite phase): ${REWRITE:-n/a} s."
rm -rf "$TRASH"
