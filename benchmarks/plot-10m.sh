#!/usr/bin/env bash
# Ten million 2-D points to PNG: `margins plot` (release build, density mode) against a whole
# datashader process and a whole matplotlib scatter process, on the same seeded .npz, interleaved.
#
#   PYTHON=/tmp/dsenv/bin/python benchmarks/plot-10m.sh        # ROUNDS=3 N=10000000 by default
#
# PYTHON must have numpy, pandas, datashader and matplotlib (pip install datashader matplotlib).
# Prints wall seconds and peak RSS (/usr/bin/time -f "%e %M") per run, the medians and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:?set PYTHON to a python with numpy, datashader and matplotlib}
ROUNDS=${ROUNDS:-3}
N=${N:-10000000}
SEED=${SEED:-2828}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/plot-10m.XXXXXX")}
MARGINS=${MARGINS:-.build/release/margins}
[ -x "$MARGINS" ] || swift build -c release --product margins
DATA="$WORK/points-$N.npz"
[ -f "$DATA" ] || "$PYTHON" benchmarks/plot-10m.py write "$DATA" "$N" "$SEED"
input_mb=$("$PYTHON" -c "import numpy as np,sys; z=np.load(sys.argv[1]); print(round(sum(z[k].nbytes for k in z.files)/1e6,1))" "$DATA")
echo "file: $DATA ($(du -m "$DATA" | cut -f1) MB on disk, arrays $input_mb MB), rounds: $ROUNDS"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(date -u +%Y-%m-%d)"

measure() { # name, command...: appends "seconds kB" to $WORK/name.txt
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > /dev/null 2> "$WORK/$name.err" || { cat "$WORK/$name.err"; exit 1; }
  cat "$WORK/time.txt" >> "$WORK/$name.txt"
  echo "  $name: $(cat "$WORK/time.txt" | awk '{printf "%.2f s, %.0f MB", $1, $2/1024}')"
}
rm -f "$WORK"/{margins,datashader,matplotlib}.txt
for round in $(seq "$ROUNDS"); do
  echo "round $round"
  rm -f "$WORK/margins.png" "$WORK/margins.json"
  measure margins "$MARGINS" plot "$DATA" -o "$WORK/margins.png"
  measure datashader "$PYTHON" benchmarks/plot-10m.py datashader "$DATA" "$WORK/datashader.png"
  measure matplotlib "$PYTHON" benchmarks/plot-10m.py matplotlib "$DATA" "$WORK/matplotlib.png"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for name in margins datashader matplotlib; do
  t=$(cut -d' ' -f1 "$WORK/$name.txt" | median); m=$(cut -d' ' -f2 "$WORK/$name.txt" | median)
  printf -v "T_$name" '%s' "$t"; printf -v "M_$name" '%s' "$m"
  echo "$name: median $t s, peak $(awk -v m="$m" 'BEGIN{printf "%.0f", m/1024}') MB (runs: $(cut -d' ' -f1 "$WORK/$name.txt" | tr '\n' ' '))"
done
awk -v a="$T_margins" -v b="$T_datashader" -v c="$T_matplotlib" -v m="$M_margins" -v i="$input_mb" 'BEGIN {
  printf "margins / datashader time: %.2f (goal <= 0.5)\n", a / b
  printf "margins / matplotlib time: %.2f\n", a / c
  printf "margins peak memory / input arrays: %.2f (goal <= 1.5)\n", m * 1024 / (i * 1e6)
}'
echo "outputs in $WORK"
