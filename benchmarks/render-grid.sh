#!/usr/bin/env bash
# The 2 x 4 grid of 70,000-point class-coloured scatters (L-Softmax Fig. 2's size) as PNG (150 dpi)
# and SVG: `margins-bench render` (release build) against matplotlib drawing the same grid, run
# alternately on this machine, so the ratio compares numbers measured side by side.
#
#   PYTHON=/tmp/mplenv/bin/python benchmarks/render-grid.sh        # ROUNDS=3 POINTS=70000 by default
#
# PYTHON must have numpy and matplotlib (pip install matplotlib). Prints each run's seconds and
# sizes, then per format the median over the rounds and the ratio matplotlib / margins. The margins
# SVG is its default (points as one image per panel at 300 dpi); matplotlib's is all vector.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:?set PYTHON to a python with numpy and matplotlib}
ROUNDS=${ROUNDS:-3}
POINTS=${POINTS:-70000}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/render-grid.XXXXXX")}
BENCH=${BENCH:-.build/release/margins-bench}
[ -x "$BENCH" ] || swift build -c release --product margins-bench
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(date -u +%Y-%m-%d); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "matplotlib $("$PYTHON" -c 'import matplotlib; print(matplotlib.__version__)'), $POINTS points per panel, $ROUNDS rounds"
rm -f "$WORK"/{margins,matplotlib}-{PNG,SVG}.txt
mkdir -p "$WORK/margins" "$WORK/matplotlib"
for round in $(seq "$ROUNDS"); do
  echo "round $round"
  # margins-bench prints "PNG  SECONDS SIZE MB" and "SVG raster  SECONDS SIZE MB" rows.
  "$BENCH" render --points "$POINTS" --repeats 1 --output-directory "$WORK/margins" > "$WORK/margins.out"
  awk '$1 == "PNG" {print $2, $3} $1 == "SVG" && $2 == "raster" {print $3, $4}' "$WORK/margins.out" > "$WORK/rows.txt"
  sed -n 1p "$WORK/rows.txt" >> "$WORK/margins-PNG.txt"; sed -n 2p "$WORK/rows.txt" >> "$WORK/margins-SVG.txt"
  "$PYTHON" benchmarks/render_grid_matplotlib.py "$WORK/matplotlib" "$POINTS" > "$WORK/matplotlib.out"
  for format in PNG SVG; do
    awk -v f="$format" '$1 == f {printf "%s %.2f\n", $2, $3 / 1e6}' "$WORK/matplotlib.out" >> "$WORK/matplotlib-$format.txt"
    echo "  $format: margins $(tail -1 "$WORK/margins-$format.txt" | awk '{printf "%.3f s, %.2f MB", $1, $2}'), matplotlib $(tail -1 "$WORK/matplotlib-$format.txt" | awk '{printf "%.3f s, %.2f MB", $1, $2}')"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for format in PNG SVG; do
  a=$(cut -d' ' -f1 "$WORK/margins-$format.txt" | median); b=$(cut -d' ' -f1 "$WORK/matplotlib-$format.txt" | median)
  awk -v f="$format" -v a="$a" -v b="$b" 'BEGIN {printf "%s: margins median %.3f s, matplotlib median %.3f s: matplotlib / margins %.1fx\n", f, a, b, b / a}'
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at end; outputs in $WORK"
