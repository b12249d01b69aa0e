# dsctl — see README.md. Every target works on a fresh clone.
GO        ?= go
BIN       := bin/dsctl
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
PKGS      := ./...
# Release tools, pinned; `go run pkg@version` builds them once into the Go cache.
GORELEASER ?= $(GO) run github.com/goreleaser/goreleaser/v2@v2.17.0
# Every release target (see .goreleaser.yaml).
TARGETS   := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
# make image IMAGE=registry/repo:tag [IMAGE_FLAGS=-insecure]: dsctl's container image.
IMAGE     ?=
IMAGE_BIN ?= dist/dsctl_linux_amd64_v1/dsctl
IMAGE_FLAGS ?=

.PHONY: all build test test-race lint fmt vet staticcheck bench demo fuzz fuzz-archive clean dist cross image release-notes

all: build

build:
	$(GO) build -o $(BIN) ./cmd/dsctl

## test: every test, including the testscript end-to-end scripts and the registry integration tests.
test:
	@command -v docker-registry >/dev/null 2>&1 || echo "make test: docker-registry not found, so the OCI registry integration tests are skipped (apt-get install docker-registry apache2-utils runs them)"
	$(GO) test -count=1 -timeout 30m $(PKGS)

## test-race: the suite under the race detector (the process-level hostile and kill tests run in `test`).
## internal/cli runs every command many times (the exit-code and message tables), which takes over go test's
## default 10 minutes under the race detector on 2 cores.
test-race:
	DSCTL_SKIP_HOSTILE=1 DSCTL_SKIP_CRASH=1 $(GO) test -race -count=1 -timeout 40m $(PKGS)

lint: fmt vet staticcheck

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^examples/.*\.gen\.go$$' ) ); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

staticcheck:
	$(GO) run $(STATICCHECK) $(PKGS)

## bench: Go benchmarks of the hot paths, then whole-command comparisons (bench/run.sh).
bench: build
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)
	@if [ -x bench/run.sh ]; then bench/run.sh; fi

## demo: the README walk-through on examples/.
demo: build
	@cd examples && ../scripts/demo.sh ../$(BIN)

## fuzz: run every fuzz target longer (FUZZTIME each).
FUZZTIME ?= 60s
fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

## fuzz-archive: the package archive reader alone (what pull trusts least), FUZZTIME long.
fuzz-archive:
	$(GO) test -run '^$$' -fuzz '^FuzzReadArchive$$' -fuzztime $(FUZZTIME) ./contracts/

## dist: a snapshot release (GoReleaser): dist/ gets the six archives and checksums.txt.
dist:
	$(GORELEASER) release --snapshot --clean --skip=publish

## cross: go build of every release target (and so of each platform's fallback files).
cross:
	@for t in $(TARGETS); do \
		echo "go build $$t"; \
		CGO_ENABLED=0 GOOS=$${t%/*} GOARCH=$${t#*/} $(GO) build -trimpath -o /dev/null ./cmd/dsctl || exit 1; \
	done

## image: the container image from Debian packages and the linux/amd64 dsctl of `make dist`, pushed to IMAGE.
image:
	@test -n "$(IMAGE)" || { echo "make image IMAGE=registry/repo:tag"; exit 2; }
	@test -x "$(IMAGE_BIN)" || { echo "$(IMAGE_BIN) missing: run make dist (or set IMAGE_BIN)"; exit 2; }
	rm -rf dist/rootfs
	scripts/image-rootfs.sh dist/rootfs
	$(GO) run ./scripts/image build -rootfs dist/rootfs -binary $(IMAGE_BIN) -image $(IMAGE) $(IMAGE_FLAGS) \
		-label org.opencontainers.image.source=https://github.com/dsctl/dsctl \
		-label org.opencontainers.image.licenses=Apache-2.0 \
		-label org.opencontainers.image.revision=$$(git rev-parse HEAD) \
		-label org.opencontainers.image.version=$$("$(IMAGE_BIN)" version -o json | sed -n 's/.*"version": "\(.*\)".*/\1/p')

## release-notes: the section of CHANGELOG.md for VERSION (vX.Y.Z).
release-notes:
	@test -n "$(VERSION)" || { echo "make release-notes VERSION=vX.Y.Z"; exit 2; }
	@awk -v v="$(VERSION)" 'BEGIN { sub(/^v/, "", v) } \
		/^## \[/ { if (on) exit; if (index($$0, "## [" v "]") == 1) { on = 1; next } } \
		/^\[[^]]*\]: / { next } on' CHANGELOG.md | sed -e '/./,$$!d' > .release-notes.tmp; \
		if [ ! -s .release-notes.tmp ]; then rm -f .release-notes.tmp; echo "CHANGELOG.md has no section for $(VERSION)" >&2; exit 1; fi; \
		cat .release-notes.tmp; rm -f .release-notes.tmp

clean:
	rm -rf bin dist
