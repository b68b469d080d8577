# Nexus — `make help` lists the targets.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
FUZZTIME ?= 10s

.PHONY: help build run test test-short fuzz bench bench-import bench-screen bench-finint bench-graph bench-intel bench-access lint clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: ## build bin/nexus
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/nexus ./cmd/nexus

run: build ## build and serve on 127.0.0.1:8080 with the starter lists loaded
	./bin/nexus serve

test: ## vet, then unit and integration tests with -race; fuzz seed corpora run as regression tests (what CI runs)
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m ./...

test-short: ## the tests without -race and fuzzing, for a quick check
	$(GO) test -count=1 ./...

fuzz: ## explore with every fuzz test for FUZZTIME (default 10s) each; commit what it finds to testdata/fuzz
	@set -e; for pkg in $$($(GO) list ./...); do \
	  dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
	  for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/^func //'); do \
	    echo "fuzz $$pkg $$f"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

bench: bench-import bench-screen bench-finint bench-graph bench-intel bench-access ## print every benchmark table

bench-import: build ## import throughput and peak memory, OFAC 2024, SQLite and PostgreSQL
	$(GO) run ./tools/benchimport -nexus ./bin/nexus -runs 3

bench-screen: ## screening accuracy, speed and memory against the published anchors (issue 3)
	$(GO) run ./tools/benchscreen

bench-finint: ## typology P/R/F1 on AMLSim 20K; engine and SQLite/PostgreSQL import rate and latency on a 1M synthetic stream (issue 5)
	$(GO) run ./tools/benchfinint -pg "$(or $(NEXUS_BENCH_POSTGRES_URL),$(NEXUS_TEST_POSTGRES_URL))"

bench-graph: ## link analysis at 200k nodes / 2M edges and against networkx (issue 4); SCALE=full for 1M / 10M
	$(GO) run ./tools/benchgraph -scale $(or $(SCALE),small)

bench-intel: ## 28 CFR Part 23 paths at 1M list statements: submit+approve, need-to-know check vs search, pointer search, five-year purge (issue 6)
	$(GO) run ./tools/benchintel -postgres "$(or $(NEXUS_TEST_POSTGRES_URL),postgres://postgres@127.0.0.1:5432/test?sslmode=disable)"
bench-access: ## policy-filter cost at 1M statements, audit append throughput, 1M-event verify (issue 6); BACKENDS=sqlite,postgres
	$(GO) run ./tools/benchaccess -reps 9 -backends $(or $(BACKENDS),sqlite)

lint: ## gofmt and go vet (and golangci-lint when installed)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	@if command -v golangci-lint >/dev/null; then golangci-lint run ./...; fi

clean: ## remove build output
	rm -rf bin
