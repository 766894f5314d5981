# tokenaudit — build, run and test. Every target works on a fresh machine of
# the project's kind: `deps` installs what the machine lacks.

SWIFT        ?= swift
CONFIG       ?=
PROTO_FILES  := $(shell find proto -name '*.proto' | sort)
REF_OUT      := Sources/CProtobufReference/generated
APT_PACKAGES := libprotobuf-c-dev protobuf-c-compiler protobuf-compiler zlib1g-dev libsqlite3-dev valgrind binutils

.PHONY: run test test-deps build release proto clean deps bench profile eval interop demo fuzz soak

## run: build a release binary if needed, then serve the embedded default config
run: deps release
	.build/release/tokenaudit serve $(if $(CONFIG),--config $(CONFIG),)

## test: build everything and run the whole test suite (the dashboard test drives a headless Chromium)
test: deps test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product tokenaudit

## bench: codec and processor vs libprotobuf-c in one run → bench/results/latest.{json,md}
bench: deps
	$(SWIFT) build -c release --product tokenaudit-bench
	.build/release/tokenaudit-bench --output bench/results

## profile: instructions per span of each workload under valgrind's callgrind, ratios to libprotobuf-c and the
##          processor's hottest functions → bench/results/profile.{json,md} (repeatable where times are not; ~2 min)
PASSES ?= 5
profile: deps
	$(SWIFT) build -c release --product tokenaudit-bench
	.build/release/tokenaudit-bench --profile --passes $(PASSES) --output bench/results

## demo: the daemon on its embedded default, a simulated organisation over OTLP, the summary, the dashboard URL
demo: deps release
	bash examples/demo.sh

## eval: score detection on simulated organisations (seeds not tuned on) → bench/results/eval.md
SEEDS ?= 11,23,37
DAYS  ?= 3
eval: deps release
	.build/release/tokenaudit eval --seeds $(SEEDS) --days $(DAYS) --output bench/results/eval.md

## fuzz: libFuzzer + AddressSanitizer on the protobuf reader, the JSON transcoder and gzip, FUZZ_TIME seconds each
##       (a separate instrumented build in .build-fuzz; crash inputs → Fuzz/regressions/, replayed by `make test`)
FUZZ_TIME    ?= 60
FUZZ_TARGETS ?= protobuf json gzip
FUZZ_FLAGS   := -c release --sanitize=fuzzer --sanitize=address --scratch-path .build-fuzz \
                -Xswiftc -DFUZZING -Xswiftc -sanitize=fuzzer -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table
fuzz: deps
	$(SWIFT) build --product tokenaudit-fuzz $(FUZZ_FLAGS)
	bash Fuzz/run.sh $(FUZZ_TIME) $(FUZZ_TARGETS)

## soak: the release daemon under steady load for DURATION with a backend that keeps failing → bench/results/soak.{json,md}
DURATION ?= 10m
SOAK_RATE ?= 40
soak: deps release
	.build/release/tokenaudit soak --duration $(DURATION) --rate $(SOAK_RATE) --output bench/results

## proto: regenerate the committed libprotobuf-c reference code from proto/
proto: deps
	rm -rf $(REF_OUT) && mkdir -p $(REF_OUT)
	protoc-c --proto_path=proto --c_out=$(REF_OUT) $(PROTO_FILES)

clean:
	rm -rf .build .build-fuzz tokenaudit-data

## interop: only the real-client suites (Python SDK, three OpenAI instrumentations; packages from PyPI). `make test` runs them too.
interop: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter 'Interop'

## test-deps: a real browser for the dashboard test, installed only when missing
test-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing: chromium (dashboard browser test)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

## deps: install the Debian packages the build needs, only when missing
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
