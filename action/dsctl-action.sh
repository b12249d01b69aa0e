#!/usr/bin/env bash
# dsctl-action.sh: the logic of the GitHub Action in action.yml, kept in one
# script so that it is tested (action/action_test.go runs it under testscript
# with simulated GITHUB_* files and a fake gh).
#
#   dsctl-action.sh install   put dsctl on GITHUB_PATH: a release archive
#                             (checksum verified) or a build from source
#   dsctl-action.sh run       run the chosen check, write the job summary,
#                             annotations, outputs and one PR comment
#
# Inputs come as environment variables (action.yml sets them):
#   install: DSCTL_VERSION (a tag vX.Y.Z, "source", or empty for the action's
#            own ref), DSCTL_ACTION_REF, DSCTL_REPO (default dsctl/dsctl),
#            GH_TOKEN, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_ACTION_PATH
#   run:     INPUT_COMMAND (compat-check | gen-check | contract-lint),
#            INPUT_PATHS, INPUT_BASE, INPUT_ARGS, INPUT_COMMENT, INPUT_FAIL,
#            GH_TOKEN, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REPOSITORY,
#            GITHUB_STEP_SUMMARY, GITHUB_OUTPUT
#
# Backquotes in single-quoted printf formats are markdown, not expansions.
# shellcheck disable=SC2016
set -euo pipefail

# esc escapes a workflow command's message (GitHub's rules: %, CR, LF).
esc() {
  local s=${1//%/%25}
  s=${s//$'\r'/%0D}
  printf '%s' "${s//$'\n'/%0A}"
}

die() {
  echo "::error title=dsctl action::$(esc "$*")"
  exit 2
}

# sha256 FILE prints the file's SHA-256 (sha256sum on Linux, shasum on macOS).
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# output NAME VALUE appends a step output.
output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}

# ---------------------------------------------------------------- install

install_from_source() {
  local bindir=$1 src=${GITHUB_ACTION_PATH:-}
  if [ -z "$src" ] || [ ! -f "$src/go.mod" ]; then
    die "cannot build dsctl from source: GITHUB_ACTION_PATH has no go.mod"
  fi
  command -v go >/dev/null 2>&1 || die "building dsctl from source needs Go: add actions/setup-go (go-version: '1.26') before this action, or pin a released version"
  echo "dsctl: building from source in $src"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$bindir/dsctl" ./cmd/dsctl) || die "go build of dsctl failed"
}

install_release() {
  local bindir=$1 tag=$2 repo=${DSCTL_REPO:-dsctl/dsctl}
  local os arch ext
  case "${RUNNER_OS:-Linux}" in
    Linux) os=linux ;;
    macOS) os=darwin ;;
    Windows) os=windows ;;
    *) die "unsupported runner OS ${RUNNER_OS}" ;;
  esac
  case "${RUNNER_ARCH:-X64}" in
    X64) arch=amd64 ;;
    ARM64) arch=arm64 ;;
    *) die "unsupported runner architecture ${RUNNER_ARCH}" ;;
  esac
  ext=tar.gz
  [ "$os" = windows ] && ext=zip
  local archive="dsctl_${tag#v}_${os}_${arch}.${ext}"
  local dl
  dl=$(mktemp -d "${RUNNER_TEMP:-/tmp}/dsctl-dl.XXXXXX")
  echo "dsctl: downloading $archive and checksums.txt from the $tag release of $repo"
  if ! gh release download "$tag" --repo "$repo" --dir "$dl" --pattern "$archive" --pattern checksums.txt; then
    return 1
  fi
  local want got
  want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$dl/checksums.txt")
  [ -n "$want" ] || die "checksums.txt of $tag has no line for $archive"
  got=$(sha256 "$dl/$archive")
  if [ "$want" != "$got" ]; then
    # Never fall back to a build here: a mismatch is tampering or corruption.
    die "checksum mismatch for $archive: checksums.txt says $want, the download is $got"
  fi
  echo "dsctl: $archive sha256:$got verified"
  if [ "$ext" = zip ]; then
    unzip -q -o "$dl/$archive" -d "$dl/x"
  else
    mkdir -p "$dl/x" && tar -xzf "$dl/$archive" -C "$dl/x"
  fi
  local exe=dsctl
  [ "$os" = windows ] && exe=dsctl.exe
  [ -f "$dl/x/$exe" ] || die "$archive has no $exe"
  mv "$dl/x/$exe" "$bindir/$exe"
  chmod +x "$bindir/$exe"
  rm -rf "$dl"
}

cmd_install() {
  local want=${DSCTL_VERSION:-}
  if [ -z "$want" ]; then
    # The action's own ref: uses: dsctl/dsctl@v0.1.0 installs v0.1.0; a
    # branch or a commit builds that source.
    want=${DSCTL_ACTION_REF:-}
    if ! [[ "$want" =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+].*)?$ ]]; then
      want=source
    fi
  fi
  local bindir
  bindir=$(mktemp -d "${RUNNER_TEMP:-/tmp}/dsctl-bin.XXXXXX")
  if [ "$want" = source ]; then
    install_from_source "$bindir"
  else
    [[ "$want" =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+].*)?$ ]] || die "version must be a release tag such as v0.1.0, or \"source\"; got \"$want\""
    if ! install_release "$bindir" "$want"; then
      echo "::warning title=dsctl action::could not download the $want release; building dsctl from source instead"
      install_from_source "$bindir"
    fi
  fi
  [ -n "${GITHUB_PATH:-}" ] && echo "$bindir" >>"$GITHUB_PATH"
  local v
  v=$("$bindir/dsctl" version) || die "the installed dsctl does not run"
  echo "$v"
  output dsctl-version "$(printf '%s' "$v" | cut -d' ' -f2)"
  output path "$bindir"
}

# ---------------------------------------------------------------- run

# event_field JQ prints a field of the event payload ("" when absent).
event_field() {
  [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ] || return 0
  jq -r "$1 // empty" "$GITHUB_EVENT_PATH"
}

# base_ref sets base to the commit to compare with: INPUT_BASE, else the pull
# request's base commit from the event payload (fetched when missing). Not
# called in $(...): die's annotation must reach stdout.
base_ref() {
  base=${INPUT_BASE:-}
  if [ -z "$base" ]; then
    base=$(event_field .pull_request.base.sha)
  fi
  [ -n "$base" ] || die "no base to compare with: run on pull_request, or set the base input (e.g. origin/main)"
  if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
    echo "dsctl: fetching $base" >&2
    git fetch --no-tags --depth=1 origin "$base" >&2 || die "cannot fetch the base $base from origin"
  fi
  git rev-parse --verify --quiet "$base^{commit}" >/dev/null || die "the base $base is not a commit in this repository"
}

# worst keeps the highest exit code seen: 3 over 2 over 1 over 0.
status=0
worst() {
  if [ "$1" -gt "$status" ]; then status=$1; fi
}

# paths splits INPUT_PATHS on whitespace and expands globs; a path named
# twice is listed once.
paths() {
  paths_expanded | awk '!seen[$0]++'
}

paths_expanded() {
  local p
  set -f
  # shellcheck disable=SC2086
  set -- ${INPUT_PATHS:-}
  set +f
  for p in "$@"; do
    # shellcheck disable=SC2206
    local expanded=($p)
    printf '%s\n' "${expanded[@]}"
  done
}

run_compat() {
  local base prefix f rc
  base_ref
  prefix=$(git rev-parse --show-prefix)
  local short=$base
  [[ "$base" =~ ^[0-9a-f]{40}$ ]] && short=${base:0:12}
  local files
  files=$(paths)
  [ -n "$files" ] || die "compat-check needs paths: the contract files or package folders to compare with the base"
  echo "## dsctl compat check against \`$short\`" >>"$report"
  echo >>"$report"
  while IFS= read -r f; do
    if ! git cat-file -e "$base:./$f" 2>/dev/null; then
      echo "::notice file=$prefix$f,title=dsctl compat check::new in this change: no baseline at $short"
      printf -- '- `%s`: new, no baseline at `%s`\n\n' "$f" "$short" >>"$report"
      continue
    fi
    if [ ! -e "$f" ]; then
      printf -- '- `%s`: removed\n\n' "$f" >>"$report"
      continue
    fi
    rc=0
    # shellcheck disable=SC2086
    dsctl compat check "git:$base:$f" "$f" $args --format markdown >>"$report" 2>"$tmp/stderr" || rc=$?
    if [ "$rc" -ge 2 ]; then
      local msg
      msg=$(head -n1 "$tmp/stderr")
      echo "::error title=dsctl compat check::$(esc "$f: $msg")"
      printf -- '- `%s`: :x: %s\n' "$f" "$msg" >>"$report"
    fi
    echo >>"$report"
    worst "$rc"
    # Annotations on the changed lines (the exit code is the same run's).
    # shellcheck disable=SC2086
    dsctl compat check "git:$base:$f" "$f" $args --format github 2>/dev/null || true
  done <<<"$files"
}

run_gen() {
  local rc=0
  # shellcheck disable=SC2086
  dsctl gen dtos --check $args >"$tmp/gen.out" 2>"$tmp/gen.err" || rc=$?
  cat "$tmp/gen.out"
  cat "$tmp/gen.err" >&2
  worst "$rc"
  local prefix
  prefix=$(git rev-parse --show-prefix 2>/dev/null || true)
  {
    echo "## dsctl gen dtos --check"
    echo
    case "$rc" in
      0) echo ":white_check_mark: generated DTOs are up to date" ;;
      1)
        echo ":x: generated DTOs are stale: run \`dsctl gen dtos\` and commit the result"
        echo
        echo "<details><summary>diff</summary>"
        echo
        echo '```diff'
        head -c 60000 "$tmp/gen.out" | grep -v -E '^[a-z0-9_.-]+: kept ' || true
        echo '```'
        echo
        echo "</details>"
        ;;
      *) echo ":x: $(head -n1 "$tmp/gen.err")" ;;
    esac
    echo
  } >>"$report"
  if [ "$rc" = 1 ]; then
    sed -n -E 's/^\+\+\+ (.*) \(generated\)$/\1/p' "$tmp/gen.out" | while IFS= read -r f; do
      echo "::error file=$prefix$f,title=dsctl gen dtos --check::stale: run 'dsctl gen dtos' and commit the result"
    done
  elif [ "$rc" -ge 2 ]; then
    echo "::error title=dsctl gen dtos --check::$(esc "$(head -n1 "$tmp/gen.err")")"
  fi
}

run_lint() {
  local dirs d rc prefix
  dirs=$(paths)
  [ -n "$dirs" ] || dirs=.
  prefix=$(git rev-parse --show-prefix 2>/dev/null || true)
  echo "## dsctl contract lint" >>"$report"
  echo >>"$report"
  while IFS= read -r d; do
    rc=0
    # shellcheck disable=SC2086
    dsctl contract lint "$d" $args -o json >"$tmp/lint.json" 2>"$tmp/lint.err" || rc=$?
    worst "$rc"
    if [ "$rc" -ge 2 ]; then
      echo "::error title=dsctl contract lint::$(esc "$d: $(head -n1 "$tmp/lint.err")")"
      printf -- '- `%s`: :x: %s\n\n' "$d" "$(head -n1 "$tmp/lint.err")" >>"$report"
      continue
    fi
    # Annotations: errors and warnings on their file and line.
    jq -r --arg p "$prefix" '.findings[]? |
        "::\(if .severity == "error" then "error" else "warning" end) file=\($p)\(.file),line=\(.line // 1),title=\(.rule)::\(.message | gsub("%"; "%25") | gsub("\r"; "%0D") | gsub("\n"; "%0A"))"' \
      "$tmp/lint.json"
    jq -r --arg d "$d" '
        def cell: tostring | gsub("\\|"; "\\|") | gsub("\n"; " ");
        [.findings[]? | select(.severity == "error")] as $e |
        [.findings[]? | select(.severity != "error")] as $w |
        "### \(if ($e | length) > 0 then ":x:" else ":white_check_mark:" end) `\(.name)@\(.version)` (\($d)): \($e | length) errors, \($w | length) warnings\n",
        (if (.findings // []) | length > 0 then
          "| severity | rule | location | message |\n|---|---|---|---|",
          (.findings[] | "| \(.severity) | `\(.rule)` | `\(.file):\(.line // 1)` | \(.message | cell) |"),
          ""
        else empty end)' "$tmp/lint.json" >>"$report"
    echo >>"$report"
  done <<<"$dirs"
}

# comment posts the report as one PR comment, updated in place on later runs
# (found by a hidden marker naming the command and the folder).
comment() {
  case "${INPUT_COMMENT:-true}" in true | yes | 1) ;; *) return 0 ;; esac
  [ -n "${GH_TOKEN:-}" ] || { echo "dsctl: no token: no pull-request comment"; return 0; }
  local pr
  pr=$(event_field .pull_request.number)
  [ -n "$pr" ] || { echo "dsctl: not a pull request: no comment"; return 0; }
  local repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}
  # Only safe characters: the marker is also part of a jq program below.
  local where
  where=$(git rev-parse --show-prefix 2>/dev/null | tr -cd 'A-Za-z0-9/._-' || true)
  local marker="<!-- dsctl-action ${INPUT_COMMAND}:${where} -->"
  local body="$tmp/comment.md"
  {
    echo "$marker"
    # A comment holds at most 65536 characters: keep the head.
    if [ "$(wc -c <"$report")" -gt 60000 ]; then
      head -c 60000 "$report"
      echo
      echo
      echo "… cut: the whole report is in the job summary."
    else
      cat "$report"
    fi
  } >"$body"
  local id
  if ! id=$(gh api --paginate "repos/$repo/issues/$pr/comments" \
    --jq "[.[] | select(.body | startswith(\"$marker\")) | .id] | first // empty"); then
    echo "::warning title=dsctl action::cannot list the comments of pull request #$pr (token permissions: pull-requests: write)"
    return 0
  fi
  id=$(printf '%s\n' "$id" | head -n1)
  if [ -n "$id" ]; then
    gh api --method PATCH "repos/$repo/issues/comments/$id" -F "body=@$body" >/dev/null ||
      echo "::warning title=dsctl action::cannot update comment $id on pull request #$pr"
    echo "dsctl: updated the comment on pull request #$pr"
  else
    gh api --method POST "repos/$repo/issues/$pr/comments" -F "body=@$body" >/dev/null ||
      echo "::warning title=dsctl action::cannot comment on pull request #$pr (token permissions: pull-requests: write)"
    echo "dsctl: commented on pull request #$pr"
  fi
}

cmd_run() {
  command -v dsctl >/dev/null 2>&1 || die "dsctl is not on PATH: the install step did not run"
  command -v jq >/dev/null 2>&1 || die "jq is not on PATH (GitHub's runners have it; install it on a self-hosted runner)"
  tmp=$(mktemp -d "${RUNNER_TEMP:-/tmp}/dsctl-run.XXXXXX")
  report="$tmp/report.md"
  : >"$report"
  args=${INPUT_ARGS:-}
  case "${INPUT_COMMAND:-}" in
    compat-check) run_compat ;;
    gen-check) run_gen ;;
    contract-lint) run_lint ;;
    *) die "command must be compat-check, gen-check or contract-lint; got \"${INPUT_COMMAND:-}\"" ;;
  esac
  [ -n "${GITHUB_STEP_SUMMARY:-}" ] && cat "$report" >>"$GITHUB_STEP_SUMMARY"
  cp "$report" "${RUNNER_TEMP:-/tmp}/dsctl-report.md"
  output report "${RUNNER_TEMP:-/tmp}/dsctl-report.md"
  output exit-code "$status"
  comment
  rm -rf "$tmp"
  if [ "$status" = 1 ]; then
    case "${INPUT_FAIL:-true}" in true | yes | 1) exit 1 ;; *) exit 0 ;; esac
  fi
  exit "$status"
}

case "${1:-}" in
  install) cmd_install ;;
  run) cmd_run ;;
  *)
    echo "usage: dsctl-action.sh install|run" >&2
    exit 2
    ;;
esac
