#!/usr/bin/env bash
# Where the convolution time goes, layer by layer, in the engine and in PyTorch: both run a network
# with oneDNN's trace on (DNNL_VERBOSE / ONEDNN_VERBOSE), and each convolution's time per call is
# turned into core-milliseconds per image (time x threads in the call / images in the call; the
# median call of each layer and pass). Both libraries pick their kernels by name in the trace, so
# the table also shows which kernel each side ran.
#
#   PYTHON=/tmp/torchenv/bin/python benchmarks/conv-layers-pytorch.sh       # lenetpp, inference, AVX2 cap
#   NETWORK=compact PHASE=training CAP=native PYTHON=... benchmarks/conv-layers-pytorch.sh
#
# PHASE is inference or training; CAP is avx2 (both libraries' kernels capped at AVX2, as in
# benchmarks/engine-pytorch.sh) or native. The trace slows every call a little, so the untraced
# rates of the same phase, measured right after, are printed beside the table.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:?set PYTHON to a python with torch}
"$PYTHON" -c 'import torch' 2>/dev/null ||
  { echo "$PYTHON cannot import torch (pip install torch --index-url https://download.pytorch.org/whl/cpu)" >&2; exit 2; }
NETWORK=${NETWORK:-lenetpp}
PHASE=${PHASE:-inference}
CAP=${CAP:-avx2}
THREADS=${THREADS:-2}
BENCH=${BENCH:-.build/release/margins-bench}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/conv-layers.XXXXXX")}
mkdir -p "$WORK"
[ -x "$BENCH" ] || swift build -c release --product margins-bench
case $PHASE in inference | training) ;; *) echo "PHASE must be inference or training, got '$PHASE'" >&2; exit 2 ;; esac
case $CAP in
  native) unset DNNL_MAX_CPU_ISA ATEN_CPU_CAPABILITY MKL_ENABLE_INSTRUCTIONS ;;
  avx2) export DNNL_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ;;
  *) echo "CAP must be native or avx2, got '$CAP'" >&2; exit 2 ;;
esac

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$NETWORK, $PHASE, cap $CAP; ours: $("$BENCH" engine --network mlp --phase inference --iterations 1 --repeats 1 --warmup 0 | head -1 | sed 's/^machine: .*; kernel/kernel/')"
echo "peer: $("$PYTHON" benchmarks/engine_pytorch.py --describe --threads "$THREADS")"
# The engine's calls run on one kernel thread each (its workers split the batch); PyTorch's on THREADS.
DNNL_VERBOSE=1 "$BENCH" engine --network "$NETWORK" --phase "$PHASE" --repeats 1 --warmup 1 > "$WORK/ours.txt"
# The same timed steps on both sides: the count margins-bench printed in its last column.
iterations=$(awk -v n="$NETWORK" '$1 == n {print $6; exit}' "$WORK/ours.txt")
ONEDNN_VERBOSE=1 "$PYTHON" benchmarks/engine_pytorch.py --network "$NETWORK" --phase "$PHASE" --threads "$THREADS" \
  --iterations "${iterations:?margins-bench printed no iteration count}" --repeats 1 --warmup 1 > "$WORK/peer.txt"

# Prints "KEY KERNEL CORE_MS_PER_IMAGE" per convolution (median call) and "other - CORE_MS" for the
# rest of the traced primitives (reorders, pooling, ...) per image of the whole run.
per_layer() {
  awk -F, -v threads="$2" '
    /verbose/ && /,exec,/ {
      n = NF; problem = $(n - 1); ms = $n
      for (i = 1; i <= n; i++) if ($i == "cpu") break
      kind = $(i + 1); kernel = $(i + 2); prop = $(i + 3)
      if (kind != "convolution") { other += ms * threads; next }
      mb = problem; sub(/_.*/, "", mb); sub(/^mb/, "", mb)
      shape = problem; sub(/^mb[0-9]+_/, "", shape); sub(/_iw.*/, "", shape); sub(/^g1/, "", shape)
      sub(/forward_(training|inference)/, "forward", prop)
      key = prop ":" shape
      count[key]++; value[key, count[key]] = ms * threads / mb; name[key] = kernel
      if (prop == "forward" && mb + 0 > 0) images[key] += mb
    }
    END {
      most = 0
      for (key in count) {
        k = count[key]
        for (a = 2; a <= k; a++) for (b = a; b > 1 && value[key, b - 1] > value[key, b]; b--) {
          t = value[key, b]; value[key, b] = value[key, b - 1]; value[key, b - 1] = t
        }
        printf "%s %s %.4f\n", key, name[key], k % 2 ? value[key, (k + 1) / 2] : (value[key, k / 2] + value[key, k / 2 + 1]) / 2
        if (images[key] > most) most = images[key]
      }
      printf "other - %.4f\n", (most > 0 ? other / most : 0)
    }' "$1"
}
per_layer "$WORK/ours.txt" 1 | sort > "$WORK/ours.layers"
per_layer "$WORK/peer.txt" "$THREADS" | sort > "$WORK/peer.layers"

printf "%-46s %-26s %9s %9s %8s\n" "convolution (core-ms per image)" "kernels (ours / PyTorch)" ours PyTorch "PyTorch/ours"
join -a1 -a2 -e "?" -o 0,1.2,2.2,1.3,2.3 "$WORK/ours.layers" "$WORK/peer.layers" | awk '
  { a = ($4 == "?" ? 0 : $4); b = ($5 == "?" ? 0 : $5); sa += a; sb += b; if ($2 == "?") untraced++
    printf "%-46s %-26s %9.3f %9.3f %8s\n", $1, $2 " / " $3, a, b, (a > 0 && b > 0 ? sprintf("%.2fx", b / a) : "-") }
  END { printf "%-46s %-26s %9.3f %9.3f %8s\n", "all traced oneDNN time", "", sa, sb, (untraced ? "-" : sprintf("%.2fx", sb / sa))
    if (untraced) print "ours \"?\": the pass ran as a Winograd convolution (5x5 layers below AVX-512), whose products are" \
      " dnnl_sgemm calls, which oneDNN does not trace; compare the untraced rates below" }'

column=$([ "$PHASE" = training ] && echo 3 || echo 4)
ours=$("$BENCH" engine --network "$NETWORK" --phase "$PHASE" | awk -v n="$NETWORK" -v c="$column" '$1 == n {print $c; exit}')
peer=$("$PYTHON" benchmarks/engine_pytorch.py --network "$NETWORK" --phase "$PHASE" --threads "$THREADS" \
  --iterations "$iterations" |
  awk -v c="$([ "$PHASE" = training ] && echo 3 || echo 5)" '{print $c}')
awk -v a="$ours" -v b="$peer" -v p="$PHASE" 'BEGIN {
  printf "untraced %s: ours %d img/s, PyTorch %d img/s, %.2fx\n", p, a, b, a / b }'
echo "traces in $WORK"
