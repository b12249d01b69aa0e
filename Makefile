# dsctl — see README.md. Every target works on a fresh clone.
GO        ?= go
BIN       := bin/dsctl
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
PKGS      := ./...

.PHONY: all build test test-race lint fmt vet staticcheck bench demo fuzz fuzz-archive clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/dsctl

## test: every test, including the testscript end-to-end scripts and the registry integration tests.
test:
	$(GO) test -count=1 $(PKGS)

## test-race: the suite under the race detector (the process-level hostile and kill tests run in `test`).
test-race:
	DSCTL_SKIP_HOSTILE=1 DSCTL_SKIP_CRASH=1 $(GO) test -race -count=1 $(PKGS)

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

clean:
	rm -rf bin
