# Tapedeck — one binary for session recording and replay.
# `make run` and `make test` are the two set-up commands (README); each installs what it needs.

CARGO ?= cargo
NPM ?= npm
DATA_DIR ?= ./tapedeck-data

.PHONY: run build build-js deps test test-rust test-js test-e2e check fmt clean bench bench-quick

## Installs the JS dependencies when package-lock.json changed since the last install.
deps: node_modules/.package-lock.json
node_modules/.package-lock.json: package-lock.json package.json packages/*/package.json e2e/package.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

## Builds the recorder SDK, the player and the web app (embedded into the server binary).
build-js: deps
	$(NPM) run build

## The release binary at target/release/tapedeck, web app and SDK embedded.
build: build-js
	$(CARGO) build --release --locked -p tapedeck

## Builds everything and serves the embedded default (SQLite + local disk) on 127.0.0.1:7070.
run: build
	./target/release/tapedeck serve --data-dir $(DATA_DIR)

## Every test: Rust unit + integration, TS unit, e2e in real Chromium.
test: build-js test-rust test-js test-e2e

test-rust:
	@# The PostgreSQL cases run on a throwaway cluster, the S3 cases on s3s-fs; neither may skip.
	@if $(CARGO) nextest --version >/dev/null 2>&1; then \
		TAPEDECK_REQUIRE_S3=1 TAPEDECK_REQUIRE_POSTGRES=1 bash scripts/with-s3.sh bash scripts/with-postgres.sh $(CARGO) nextest run --workspace --locked --no-fail-fast; \
	else \
		TAPEDECK_REQUIRE_S3=1 TAPEDECK_REQUIRE_POSTGRES=1 bash scripts/with-s3.sh bash scripts/with-postgres.sh $(CARGO) test --workspace --locked --no-fail-fast; \
	fi

test-js: deps
	$(NPM) test

test-e2e: build-js
	bash scripts/ensure-chromium.sh
	$(CARGO) build --locked -p tapedeck
	@# The scale-out test runs two servers on a throwaway PostgreSQL and s3s-fs.
	TAPEDECK_REQUIRE_S3=1 TAPEDECK_REQUIRE_POSTGRES=1 TAPEDECK_BIN=$(CURDIR)/target/debug/tapedeck \
		bash scripts/with-s3.sh bash scripts/with-postgres.sh $(NPM) run e2e -w @tapedeck/e2e

## Formatting, lints (clippy -D warnings) and TypeScript types.
check: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(NPM) run typecheck

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf packages/*/dist e2e/artifacts

## Benchmarks (bench/run.mjs) in real Chromium against a real server. The full run writes
## docs/BENCHMARKS.md and also measures PostgreSQL on a throwaway cluster (scripts/with-postgres.sh);
## the quick one (under 5 minutes, SQLite alone) writes bench/results/BENCHMARKS-quick.md.
## The server is the release build (what users run), built first; `make bench-quick
## TAPEDECK_BIN=path/to/tapedeck` benchmarks that binary instead and builds nothing (the recorder's
## packages/recorder/dist must exist).
bench bench-quick: deps
	bash scripts/ensure-chromium.sh
	$(if $(TAPEDECK_BIN),,$(NPM) run build && $(CARGO) build --release --locked -p tapedeck)
	TAPEDECK_BIN=$(or $(TAPEDECK_BIN),$(CURDIR)/target/release/tapedeck) $(if $(filter bench,$@),bash scripts/with-postgres.sh) node bench/run.mjs $(if $(filter bench-quick,$@),--quick)
