#!/usr/bin/env bash
# bench/inclusion-suite.sh [DSCTL [SCRATCH]] — agreement of `compat/jsonschema`
# with a public labelled suite of JSON Schema inclusion problems: the JSON
# Schema containment test suite (Attouche et al., ER 2021 demo;
# https://github.com/sdbs-uni-p/json-schema-containment-testsuite).
#
# SUITE (environment) is a git repository of the suite (a clone, or a
# bare/mirror git directory) or a folder holding its tests/; without it the
# suite is cloned from GitHub into a temporary folder (skipped, exit 0, when
# that fails). The arguments bench/run.sh passes (the dsctl binary and a
# scratch folder) are not needed: the engine runs in process, in a Go test. The commit SUITE_COMMIT (default: the
# one docs/bench-compat-jsonschema.md was measured on; "HEAD" for the newest)
# is extracted with `git archive` into a temporary folder, so nothing is
# written to SUITE or to this repository. TestInclusionSuite then asks the
# engine every labelled check of the draft folders in DRAFTS (default
# draft7,draft2020-12) and prints the agreement; REPORT (environment), when set, receives
# the Markdown breakdown (by draft, folder, keyword; misses by rule, with
# examples). The test fails when any verdict is unsound.
set -euo pipefail

suite=${SUITE:-}
report=${REPORT:-}
commit=${SUITE_COMMIT:-446fb41c527c8f8b2d2da1554e12fbc556c20a2e}
drafts=${DRAFTS:-draft7,draft2020-12}
repo=$(cd "$(dirname "$0")/.." && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -z "$suite" ]; then
  if ! git clone --quiet https://github.com/sdbs-uni-p/json-schema-containment-testsuite "$tmp/clone" 2>/dev/null; then
    echo "_skipped: cannot clone the suite (set SUITE to a copy)_"
    exit 0
  fi
  suite="$tmp/clone"
fi

if [ -d "$suite/tests" ] && ! git -C "$suite" rev-parse --git-dir >/dev/null 2>&1; then
  tests="$suite/tests"
  desc="folder $suite (no git: commit unknown)"
else
  resolved=$(git -C "$suite" rev-parse --verify "$commit^{commit}")
  mkdir -p "$tmp/suite"
  git -C "$suite" archive "$resolved" tests | tar -x -C "$tmp/suite"
  tests="$tmp/suite/tests"
  desc="commit $resolved"
fi

echo "json-schema-containment-testsuite, $desc, folders $drafts"
out="$tmp/report.md"
status=0
(cd "$repo" && DSCTL_INCLUSION_SUITE="$tests" DSCTL_INCLUSION_DRAFTS="$drafts" \
  DSCTL_INCLUSION_REPORT="$out" go test -count=1 -run '^TestInclusionSuite$' -v ./compat/jsonschema/) \
  | grep -v '^=== RUN' || status=$?
if [ -n "$report" ] && [ -f "$out" ]; then
  { echo "Suite: json-schema-containment-testsuite, $desc, folders $drafts"; echo; cat "$out"; } > "$report.tmp"
  mv "$report.tmp" "$report"
  echo "report: $report"
fi
exit "$status"
