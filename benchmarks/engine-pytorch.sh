#!/usr/bin/env bash
# The engine against PyTorch CPU on the same four networks, batch and thread count, natively and
# with both libraries' kernels capped at AVX2, interleaved on this machine: `margins-bench engine`
# (release build) and benchmarks/engine_pytorch.py run one after the other for each network, cap
# and round, so every ratio compares two numbers measured seconds apart.
#
#   PYTHON=/tmp/torchenv/bin/python benchmarks/engine-pytorch.sh     # ROUNDS=3 by default
#   NETWORKS=lenetpp,mlp CAPS=avx2 ROUNDS=5 PYTHON=... benchmarks/engine-pytorch.sh
#
# PYTHON must have torch (pip install torch --index-url https://download.pytorch.org/whl/cpu).
# The AVX2 cap is DNNL_MAX_CPU_ISA=AVX2 for both oneDNN builds, ATEN_CPU_CAPABILITY=avx2 for
# PyTorch's own kernels and MKL_ENABLE_INSTRUCTIONS=AVX2 for its BLAS; "native" unsets all three.
# Prints each measurement, then per cap and network the median of the rounds' ratios (ours over
# PyTorch's, images per second) with their range. Single runs on a shared machine move by 20 % or
# more: read the medians, and the ranges to see how far to trust them.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:?set PYTHON to a python with torch}
"$PYTHON" -c 'import torch' 2>/dev/null ||
  { echo "$PYTHON cannot import torch (pip install torch --index-url https://download.pytorch.org/whl/cpu)" >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
NETWORKS=${NETWORKS:-lenetpp,compact,anchor-cnn,mlp}
CAPS=${CAPS:-native avx2}
THREADS=${THREADS:-2}
BENCH=${BENCH:-.build/release/margins-bench}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/engine-pytorch.XXXXXX")}
mkdir -p "$WORK"
for cap in $CAPS; do
  case $cap in native | avx2) ;; *) echo "CAPS takes native and avx2, got '$cap'" >&2; exit 2 ;; esac
done
[ -x "$BENCH" ] || swift build -c release --product margins-bench

# Runs a command with the kernels of both libraries limited to the cap named by $1.
capped() {
  local cap=$1; shift
  case $cap in
    native) env -u DNNL_MAX_CPU_ISA -u ATEN_CPU_CAPABILITY -u MKL_ENABLE_INSTRUCTIONS "$@" ;;
    avx2) DNNL_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 "$@" ;;
    *) echo "unknown cap '$cap' (expected native or avx2)" >&2; exit 2 ;;
  esac
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for cap in $CAPS; do
  ours=$(capped "$cap" "$BENCH" engine --network mlp --phase inference --iterations 1 --repeats 1 --warmup 0 | head -1)
  echo "$cap: ours: ${ours#machine: }"
  echo "$cap: peer: $(capped "$cap" "$PYTHON" benchmarks/engine_pytorch.py --describe --threads "$THREADS")"
done
rm -f "$WORK"/rates.txt
for round in $(seq "$ROUNDS"); do
  for cap in $CAPS; do
    for network in ${NETWORKS//,/ }; do
      # margins-bench prints "NETWORK THREADS TRAIN INFER PEAK ITERATIONS"; the reference, given the same
      # iterations, "NETWORK train A infer B".
      read -r a b iterations < <(capped "$cap" "$BENCH" engine --network "$network" |
        awk -v n="$network" '$1 == n {print $3, $4, $6; exit}')
      read -r c d < <(capped "$cap" "$PYTHON" benchmarks/engine_pytorch.py --network "$network" --threads "$THREADS" \
        --iterations "${iterations:?margins-bench printed no iteration count}" |
        awk -v n="$network" '$1 == n {print $3, $5; exit}')
      [ -n "${b:-}" ] && [ -n "${d:-}" ] || { echo "no rates for $network under $cap in round $round" >&2; exit 1; }
      echo "$round $cap $network $a $b $c $d" >> "$WORK/rates.txt"
      awk -v r="$round" -v cap="$cap" -v n="$network" -v a="$a" -v b="$b" -v c="$c" -v d="$d" 'BEGIN {
        printf "round %s %-6s %-10s train %8d / %8d = %.2fx   infer %8d / %8d = %.2fx\n", r, cap, n, a, c, a / c, b, d, b / d }'
    done
  done
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at end; rates in $WORK/rates.txt"
echo
printf "%-7s %-11s %-26s %-26s\n" cap network "train: median (range)" "infer: median (range)"
for cap in $CAPS; do
  for network in ${NETWORKS//,/ }; do
    awk -v cap="$cap" -v n="$network" '
      function median(x, k,   i, j, t) {
        for (i = 2; i <= k; i++) for (j = i; j > 1 && x[j - 1] > x[j]; j--) { t = x[j]; x[j] = x[j - 1]; x[j - 1] = t }
        return k % 2 ? x[(k + 1) / 2] : (x[k / 2] + x[k / 2 + 1]) / 2
      }
      $2 == cap && $3 == n { k++; t[k] = $4 / $6; i[k] = $5 / $7 }
      END {
        mt = median(t, k); mi = median(i, k)
        printf "%-7s %-11s %5.2fx (%.2f-%.2fx)%9s %5.2fx (%.2f-%.2fx)\n", cap, n, mt, t[1], t[k], "", mi, i[1], i[k]
      }' "$WORK/rates.txt"
  done
done
