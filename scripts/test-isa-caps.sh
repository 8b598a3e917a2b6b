#!/usr/bin/env bash
# Runs the whole test suite once per oneDNN ISA cap that this CPU can honour, so that a verdict
# that depends on the bits a kernel family produces shows up here and not on a user's machine.
# oneDNN JIT-compiles its kernels for the best ISA at or below DNNL_MAX_CPU_ISA, so on an AVX-512
# machine the caps reach the AVX2 and SSE4.1 kernels (and their nChw8c blocked layouts) as well as
# the AVX-512 ones (nChw16c). A cap above what the CPU has would repeat a lower cap's run: it is
# skipped and named in the summary.
#
# Usage: scripts/test-isa-caps.sh [CAP...]   (default: SSE41 AVX2 AVX512_CORE ALL)
# Environment: SWIFT (the swift driver), SWIFT_TEST_FLAGS (extra `swift test` arguments).
set -uo pipefail
cd "$(dirname "$0")/.."
swift=${SWIFT:-swift}
caps=("$@")
[ ${#caps[@]} -gt 0 ] || caps=(SSE41 AVX2 AVX512_CORE ALL)

flags=$(grep -m1 -E '^flags[[:space:]]*:' /proc/cpuinfo 2>/dev/null | cut -d: -f2)
has() { for f in "$@"; do [[ " $flags " == *" $f "* ]] || return 1; done; }
# The CPU features oneDNN requires for each cap (its cpu_isa_traits).
supported() {
  case "$1" in
    SSE41) has sse4_1 ;;
    AVX) has avx ;;
    AVX2) has avx2 ;;
    AVX512_CORE) has avx512f avx512bw avx512vl avx512dq ;;
    AVX512_CORE_VNNI) has avx512f avx512bw avx512vl avx512dq avx512_vnni ;;
    AVX512_CORE_BF16) has avx512f avx512bw avx512vl avx512dq avx512_vnni avx512_bf16 ;;
    AVX512_CORE_AMX) has avx512f avx512bw avx512vl avx512dq amx_tile amx_bf16 amx_int8 ;;
    ALL) return 0 ;;
    *) echo "error: unknown ISA cap '$1' (expected SSE41, AVX, AVX2, AVX512_CORE, AVX512_CORE_VNNI, AVX512_CORE_BF16, AVX512_CORE_AMX or ALL)" >&2; exit 2 ;;
  esac
}

if [ -z "$flags" ]; then
  # Not an x86 Linux machine (or no /proc): oneDNN has no caps to choose between here.
  echo "== swift test (no x86 CPU flags found: one run, without an ISA cap)"
  exec "$swift" test ${SWIFT_TEST_FLAGS:-}
fi

summary=()
failed=0
for cap in "${caps[@]}"; do
  if ! supported "$cap"; then
    summary+=("$(printf '%-18s skipped: this CPU lacks the features it needs' "$cap")")
    continue
  fi
  log=$(mktemp)
  echo "== swift test under DNNL_MAX_CPU_ISA=$cap"
  start=$(date +%s)
  DNNL_MAX_CPU_ISA=$cap "$swift" test ${SWIFT_TEST_FLAGS:-} 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  seconds=$(( $(date +%s) - start ))
  effective=$(grep -m1 -oE 'kernel ISA under test: [a-z0-9_]+' "$log" | awk '{print $NF}')
  result=$(grep -E 'Test run with [0-9]+ tests' "$log" | tail -n1 | sed -E 's/.*(Test run with .*)/\1/')
  rm -f "$log"
  [ "$status" -eq 0 ] || failed=1
  summary+=("$(printf '%-18s %-18s rc %d, %4d s  %s' "$cap" "${effective:-?}" "$status" "$seconds" "${result:-no Swift Testing summary}")")
done

echo
echo "== suites by ISA cap (cap, effective kernel ISA, exit status, time, result)"
printf '%s\n' "${summary[@]}"
exit $failed
