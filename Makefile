# noisebook: `make run` renders every notebook into Output/, `make test` runs the suite.
# Both install missing system packages (libpng, OpenBLAS) first.

SWIFT   ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
BUILD   := $(SWIFT) build -c release
BIN     := .build/release/noisebook
# The tests build with testing enabled (different flags), so into a folder of their own:
# `make run` after `make test` (or the reverse) reuses its own build instead of redoing it.
TESTBUILD := .build-test

.PHONY: all run test deps test-deps build bench golden fuzz clean doctor help

all: run

help:
	@echo "make run     build (release) and run every notebook in Notebooks/ into Output/"
	@echo "make test    build and run the whole test suite"
	@echo "make deps    install missing system packages (libpng, OpenBLAS)"
	@echo "make golden  re-record golden files (HTML pages, error texts)"
	@echo "make bench   time the model forward passes"
	@echo "make fuzz    run each libFuzzer target for FUZZ_SECONDS (default 60)"
	@echo "make doctor  show the BLAS kernel, its speed and where weights are looked for"

deps:
	@sh tools/install-deps.sh

test-deps:
	@sh tools/install-deps.sh --test

build: deps
	$(BUILD) --product noisebook

run: build
	$(BIN) run Notebooks --out Output

doctor: build
	$(BIN) doctor

# The XCTest suite in release (it also builds the noisebook executable the command-line tests
# run), then each fuzzer for 3 seconds; see tools/run-tests.sh.
test: test-deps
	SWIFT=$(SWIFT) SCRATCH=$(TESTBUILD) sh tools/run-tests.sh

FUZZ_SECONDS ?= 60
# libFuzzer targets (Fuzz/README.md): each runs for FUZZ_SECONDS; a finding fails the run.
fuzz: deps
	sh tools/fuzz.sh build
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tools/fuzz.sh run

# Re-records every golden file (HTML pages), then runs those tests again against them.
golden: deps
	NOISEBOOK_RECORD_GOLDEN=1 $(SWIFT) test -c release --scratch-path $(TESTBUILD) --filter "GoldenTests|CorpusGoldenTests|BuiltinReferenceTests"
	$(SWIFT) test -c release --scratch-path $(TESTBUILD) --filter "GoldenTests|CorpusGoldenTests|BuiltinReferenceTests"
	@echo "golden files re-recorded; review them with git diff"

# First the headline: the whole assignment's stage I time on IF-I-M and IF-I-L here (bench
# course: every notebook run on a counting model, times the forwards at each batch size seen).
# Then times the UNet forward (IF-I-M/L shapes, batch 1 and 2, and on one thread against all), a CFG sample, the built-in model's
# step, IF-I-XL's memory, the T5-XXL text encoder and stage II (IF-II-L), then the same UNets
# in PyTorch (2.x preferred) when it is installed, and the ratios; then a CFG loop written in a
# cell against the built-in that does the same work.
bench: deps
	$(BUILD) --product Bench
	.build/release/Bench course
	.build/release/Bench
	$(BUILD) --product noisebook
	sh tools/bench/cell_loop_cost.sh .build/release/noisebook 8
	sh tools/bench/call_reuse.sh .build/release/noisebook

clean:
	rm -rf .build $(TESTBUILD) Output/*.html Output/images
