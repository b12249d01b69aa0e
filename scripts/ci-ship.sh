#!/usr/bin/env bash
# ci-ship.sh: the shipping checks of .ci/run (docs/ci.md, "How this is
# tested"): the GoReleaser config and a snapshot release of all six archives,
# a build of every target, the container image pushed to a local
# docker-registry and checked by digest, actionlint on the workflows in docs/,
# and pre-commit try-repo of the hooks. Idempotent; installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

GORELEASER_VERSION=2.17.0
ACTIONLINT_VERSION=1.7.12
gobin=$(go env GOPATH)/bin
export PATH="$gobin:$PATH"

say() { echo "ci-ship: $*"; }
fail() { echo "ci-ship: FAIL: $*" >&2; exit 1; }

tmp=$(mktemp -d)
reg_pid=
cleanup() {
  if [ -n "$reg_pid" ]; then kill "$reg_pid" 2>/dev/null || true; wait "$reg_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# ---- tools: pinned, installed once (go install; Debian packages)
if ! goreleaser --version 2>/dev/null | grep -q "GitVersion: *v\?$GORELEASER_VERSION\$"; then
  say "go install goreleaser v$GORELEASER_VERSION (a large build: minutes, once per machine)"
  go install "github.com/goreleaser/goreleaser/v2@v$GORELEASER_VERSION"
fi
if ! actionlint -version 2>/dev/null | head -n1 | grep -qx "v$ACTIONLINT_VERSION"; then
  say "go install actionlint v$ACTIONLINT_VERSION"
  go install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
fi
need=()
for t in pre-commit:pre-commit shellcheck:shellcheck jq:jq dpkg-deb:dpkg chroot:coreutils docker-registry:docker-registry; do
  command -v "${t%%:*}" >/dev/null 2>&1 || need+=("${t#*:}")
done
if [ "${#need[@]}" -gt 0 ]; then
  say "apt-get install ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${need[@]}" >/dev/null
fi

# ---- releases: config check, every target, the snapshot archives
say "goreleaser check"
goreleaser check
say "go build of every release target"
make -s cross
say "make dist (GoReleaser snapshot)"
make -s dist GORELEASER=goreleaser >"$tmp/dist.log" 2>&1 || { cat "$tmp/dist.log"; fail "make dist"; }
archives=$(cd dist && ls dsctl_*_linux_amd64.tar.gz dsctl_*_linux_arm64.tar.gz dsctl_*_darwin_amd64.tar.gz \
  dsctl_*_darwin_arm64.tar.gz dsctl_*_windows_amd64.zip dsctl_*_windows_arm64.zip 2>&1) ||
  fail "dist/ lacks an archive: $archives"
[ "$(echo "$archives" | wc -l)" = 6 ] || fail "want six archives, got: $archives"
(cd dist && sha256sum --check --strict checksums.txt) || fail "dist/checksums.txt does not match the archives"
[ "$(wc -l <dist/checksums.txt)" = 6 ] || fail "checksums.txt should list the six archives"
mkdir "$tmp/x"
tar -xzf dist/dsctl_*_linux_amd64.tar.gz -C "$tmp/x"
for f in dsctl LICENSE README.md CHANGELOG.md; do [ -f "$tmp/x/$f" ] || fail "the linux archive lacks $f"; done
ver=$("$tmp/x/dsctl" version)
say "archive: $ver"
# -X stamps, not the build info (which says (devel) or a pseudo-version).
echo "$ver" | grep -Eq '^dsctl v[0-9]+\.[0-9]+\.[0-9]+-snapshot-[0-9a-z]+ \([0-9a-z]+, [0-9]{4}-[0-9]{2}-[0-9]{2}T' ||
  fail "the archive's dsctl version does not carry the stamps: $ver"

# ---- the container image: a local registry, build, pull by digest, run
say "image: docker-registry on 127.0.0.1"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/registry.yml" <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $tmp/registry}}
http: {addr: 127.0.0.1:$port}
EOF
docker-registry serve "$tmp/registry.yml" >"$tmp/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$reg_pid" 2>/dev/null || { cat "$tmp/registry.log"; fail "docker-registry exited"; }
  sleep 0.1
done
say "make image"
make -s image IMAGE="127.0.0.1:$port/dsctl:ci" IMAGE_FLAGS=-insecure >"$tmp/image.log" 2>&1 || { cat "$tmp/image.log"; fail "make image"; }
ref=$(grep -E "^127\.0\.0\.1:$port/dsctl@sha256:[0-9a-f]{64}$" "$tmp/image.log") || { cat "$tmp/image.log"; fail "make image printed no digest"; }
say "pushed $ref; pulling it by digest"
root=$tmp/root
go run ./scripts/image check -image "$ref" -out "$root" -insecure
# What a container runtime provides: /dev/null. Then run as the image does.
mkdir -p "$root/dev" && mknod -m 666 "$root/dev/null" c 1 3
in_image() { chroot --userspec=65532:65532 "$root" /bin/env -i HOME=/home/nonroot PATH=/usr/local/bin:/usr/bin:/bin "$@"; }
iver=$(in_image dsctl version)
say "image: $iver"
[ "$iver" = "$ver" ] || fail "the image's dsctl ($iver) is not the archive's ($ver)"
in_image git --version
in_image /bin/sh -c 'id -u' | grep -qx 65532 || fail "the image does not run as 65532"
# git:REF:PATH inside the image, on a repository owned by another user (root),
# as a mounted CI workspace is: /etc/gitconfig's safe.directory lets git read it.
w=$root/home/nonroot/ws
mkdir -p "$w"
cp "$repo/examples/orders/contract/events/order-placed.schema.json" "$w/e.json"
git -C "$w" init -q && git -C "$w" add e.json &&
  git -C "$w" -c user.name=ci -c user.email=ci@example.com commit -q -m v1
in_image /bin/sh -c 'cd /home/nonroot/ws && dsctl compat check git:HEAD:e.json e.json' | grep -qx 'no changes' ||
  fail "compat check git:HEAD in the image"
cp "$repo/examples/changes/order-placed.v2.schema.json" "$w/e.json"
rc=0
in_image /bin/sh -c 'cd /home/nonroot/ws && dsctl compat check git:HEAD:e.json e.json' >"$tmp/compat.out" || rc=$?
if [ "$rc" != 1 ] || ! grep -q 'requires a MAJOR bump' "$tmp/compat.out"; then
  cat "$tmp/compat.out"
  fail "compat check of a breaking change in the image: exit $rc"
fi
say "image ok: pulled by digest, non-root, static dsctl, git and sh work"

# ---- actionlint (with shellcheck) on every GitHub workflow in docs/
say "actionlint on the workflows in docs/"
lint=$tmp/lint
mkdir -p "$lint/.github/workflows"
cp action.yml "$lint/action.yml"
git -C "$lint" init -q
n=0
for md in docs/*.md README.md; do
  # Each ```yaml block with a jobs: key and a runs-on: is a workflow.
  awk -v out="$lint/.github/workflows/$(basename "$md" .md)" '
    /^```yaml$/ { inb = 1; buf = ""; next }
    /^```$/ && inb { inb = 0; if (buf ~ /\njobs:/ && buf ~ /runs-on:/) { n++; f = out "-" n ".yml"; printf "%s", buf > f; close(f) } next }
    inb { buf = buf "\n" $0 }' "$md"
done
for wf in "$lint"/.github/workflows/*.yml; do
  n=$((n + 1))
  # The same workflow with uses: ./ checks its with: against action.yml.
  if grep -q 'uses: dsctl/dsctl@' "$wf"; then
    sed 's#uses: dsctl/dsctl@.*#uses: ./#' "$wf" >"${wf%.yml}-local.yml"
  fi
done
[ "$n" -ge 2 ] || fail "found $n workflows in docs/, want the action's and the plain one"
(cd "$lint" && actionlint -no-color) || fail "actionlint"
say "actionlint ok: $(find "$lint/.github/workflows" -name '*.yml' | wc -l) workflows"
shellcheck action/dsctl-action.sh scripts/image-rootfs.sh scripts/ci-ship.sh

# ---- pre-commit try-repo: the hooks, built from this repository
say "pre-commit try-repo"
pc=$tmp/precommit
cp -r examples "$pc"
git -C "$pc" init -q
git -C "$pc" add -A
git -C "$pc" -c user.name=ci -c user.email=ci@example.com commit -q -m init
# pre-commit sets GOPATH to its own folder: keep the module and build caches.
GOMODCACHE=$(go env GOMODCACHE) GOCACHE=$(go env GOCACHE)
export PRE_COMMIT_HOME=$tmp/pre-commit-home GOMODCACHE GOCACHE
(
  cd "$pc"
  pre-commit try-repo "$repo" dsctl-gen-check --all-files >"$tmp/pc.log" 2>&1 || { cat "$tmp/pc.log"; fail "dsctl-gen-check on clean examples"; }
  pre-commit try-repo "$repo" dsctl-contract-lint --all-files >"$tmp/pc.log" 2>&1 || { cat "$tmp/pc.log"; fail "dsctl-contract-lint on clean examples"; }
  pre-commit try-repo "$repo" dsctl-compat-check --all-files >"$tmp/pc.log" 2>&1 || { cat "$tmp/pc.log"; fail "dsctl-compat-check on unchanged files"; }
  # A breaking change, staged: the compat hook fails and says why.
  cp "$repo/examples/changes/order-placed.v2.schema.json" orders/contract/events/order-placed.schema.json
  git add orders/contract/events/order-placed.schema.json
  if pre-commit try-repo "$repo" dsctl-compat-check >"$tmp/pc.log" 2>&1; then cat "$tmp/pc.log"; fail "dsctl-compat-check passed a breaking change"; fi
  grep -q 'requires a MAJOR bump' "$tmp/pc.log" || { cat "$tmp/pc.log"; fail "dsctl-compat-check did not report the change"; }
  # A stale generated file: the gen hook fails.
  sed -i 's/^type Order struct {$/type Order struct { Stale int/' billing/ordersapi/dtos.gen.go
  git add billing/ordersapi/dtos.gen.go
  if pre-commit try-repo "$repo" dsctl-gen-check >"$tmp/pc.log" 2>&1; then cat "$tmp/pc.log"; fail "dsctl-gen-check passed a stale file"; fi
  grep -q 'stale' "$tmp/pc.log" || { cat "$tmp/pc.log"; fail "dsctl-gen-check did not say stale"; }
  # An event that lost its id: the lint hook fails on that package.
  sed -i 's/"eventId"/"evtId"/' orders/contract/events/order-cancelled.schema.json
  git add orders/contract/events/order-cancelled.schema.json
  if pre-commit try-repo "$repo" dsctl-contract-lint >"$tmp/pc.log" 2>&1; then cat "$tmp/pc.log"; fail "dsctl-contract-lint passed a broken package"; fi
  grep -q 'event-id-missing' "$tmp/pc.log" || { cat "$tmp/pc.log"; fail "dsctl-contract-lint did not name the rule"; }
)
say "pre-commit ok: three hooks pass on clean files and fail on broken ones"
say "all shipping checks passed"
