#!/usr/bin/env bash
# Whether two builds of the tool train bit for bit the same: the evidence an entry of
# Sources/Provenance/ReproducedTrainingCode.json needs. Trains a small LeNet++ run (the paper
# profile's network) and a small compact run (the default profile's) with each binary, on the same
# data, seed, thread setting and kernel ISA, then compares every saved epoch's feature arrays with
# `margins results compare` (exit 1 on any difference).
#
# Usage, from the project root: scripts/check-reproduction.sh OLD_BINARY NEW_BINARY [DATA_DIR]
# NETWORKS="lenetpp compact mlp" checks other networks than the default two.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 OLD_BINARY NEW_BINARY [DATA_DIR]" >&2; exit 2; }
old=$(realpath "$1"); new=$(realpath "$2"); data=$(realpath "${3:-data}")
for binary in "$old" "$new"; do [ -x "$binary" ] || { echo "$0: $binary is not an executable" >&2; exit 2; }; done
export DNNL_MAX_CPU_ISA="${DNNL_MAX_CPU_ISA:-AVX512_CORE_AMX}" OPENBLAS_NUM_THREADS=1
# Builds before the fix of Kernels.prepareThreads (primitives created under the creating thread's
# OpenMP default) give thread-timing-dependent bits under load unless every thread starts at one
# OpenMP thread; pinning it here makes an older binary's side deterministic, so a mismatch is real.
export OMP_NUM_THREADS=1
scratch=$(mktemp -d)
keep=0
trap '[ "$keep" = 1 ] || rm -rf "$scratch"' EXIT
mkdir "$scratch/experiments"
caps='"trainCaps": { "0": 500, "1": 500, "2": 500, "3": 500, "4": 500, "5": 500, "6": 500, "7": 500, "8": 500, "9": 500 }'
# Two epochs with a checkpoint after each; L-Softmax (m = 2, lambda annealing) exercises the margin
# path, weight decay and momentum the optimiser's.
for network in ${NETWORKS:-lenetpp compact}; do
  cat > "$scratch/experiments/check-$network.json" <<JSON
{
  "name": "check-$network",
  "description": "Reproduction check of two builds on $network (5,000 training images, 2 epochs).",
  "dataset": { "name": "mnist", $caps },
  "settings": { "network": "$network", "epochs": 2, "batchSize": 256, "optimizer": "sgd", "learningRate": 0.01,
                "momentum": 0.9, "weightDecay": 0.0005, "checkpointEpochs": [1] },
  "runs": [ { "name": "m2", "loss": "l-softmax", "parameters": { "m": 2, "lambda": { "base": 1000, "gamma": 0.01, "power": 35, "minimum": 0 } } } ]
}
JSON
  for side in old new; do
    binary=$old; [ "$side" = new ] && binary=$new
    "$binary" train "$scratch/experiments/check-$network.json" --runs-dir "$scratch/$side" --data-dir "$data" > "$scratch/$side-$network.log" 2>&1 \
      || { cat "$scratch/$side-$network.log" >&2; echo "$0: training check-$network with $binary failed" >&2; exit 1; }
  done
done
selection=()
for network in ${NETWORKS:-lenetpp compact}; do selection+=(--experiment "check-$network"); done
if ! "$new" results compare --require-identical "${selection[@]}" --experiments-dir "$scratch/experiments" \
  --shipped-dir "$scratch/old" --runs-dir "$scratch/new"; then
  keep=1
  echo "$0: the runs differ; both are kept in $scratch (old/, new/) for inspection" >&2
  exit 1
fi
