#!/bin/sh
# The real-size analysis benchmark (issue 26): a seeded 1,000,000 x 512 float32 embedding with
# 10,000 classes, analysed by `margins analyze` (release build, figures off) and by
# benchmarks/analysis_numpy.py (the same statistics with numpy), interleaved, ROUNDS times each,
# with wall time and peak resident memory (/usr/bin/time -f %M) of every run and the ratio.
#
#   swift build -c release --product margins && benchmarks/analysis-1m.sh
#
# Environment: DIR (scratch, default /tmp/analysis-1m; the file stays for the next run), MARGINS
# (the executable), ROUNDS (default 2), N, D, C (default 1000000, 512, 10000), THREADS (default: all).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${DIR:-/tmp/analysis-1m}
MARGINS=${MARGINS:-$ROOT/.build/release/margins}
ROUNDS=${ROUNDS:-2}
N=${N:-1000000}
D=${D:-512}
C=${C:-10000}
THREADS=${THREADS:-$(nproc)}
[ -x "$MARGINS" ] || { echo "no $MARGINS: run swift build -c release --product margins" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
mkdir -p "$DIR"
if [ ! -f "$DIR/features-$N-$D-$C.npy" ]; then
  echo "writing $DIR/features-$N-$D-$C.npy (seeded)..."
  python3 - "$DIR" "$N" "$D" "$C" <<'PY'
import sys, numpy as np
out, n, d, c = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(26)
means = rng.normal(size=(c, d)).astype(np.float32)
labels = rng.permutation(np.arange(n) % c).astype(np.int64)
f = np.lib.format.open_memmap(f"{out}/features-{n}-{d}-{c}.npy.part", mode="w+", dtype=np.float32, shape=(n, d))
for a in range(0, n, 1 << 16):
    y = labels[a:a + (1 << 16)]
    f[a:a + y.size] = means[y] * 0.35 + rng.normal(size=(y.size, d)).astype(np.float32)
f.flush()
del f
np.save(f"{out}/labels-{n}-{d}-{c}.npy", labels)
np.save(f"{out}/weights-{n}-{d}-{c}.npy", (means + 0.2 * rng.normal(size=(c, d))).astype(np.float32))
PY
  mv "$DIR/features-$N-$D-$C.npy.part" "$DIR/features-$N-$D-$C.npy"
fi
F="$DIR/features-$N-$D-$C.npy"
L="$DIR/labels-$N-$D-$C.npy"
W="$DIR/weights-$N-$D-$C.npy"
SIZE=$(stat -c %s "$F")
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; file $SIZE bytes"
# Both tools see the file in the page cache.
cat "$F" > /dev/null
: > "$DIR/times.txt"
r=1
while [ "$r" -le "$ROUNDS" ]; do
  /usr/bin/time -f "margins %e %M" -a -o "$DIR/times.txt" \
    "$MARGINS" analyze "$F" --labels "$L" --class-weights "$W" --no-figures --threads "$THREADS" --json "$DIR/margins.json" > "$DIR/margins.txt"
  /usr/bin/time -f "numpy %e %M" -a -o "$DIR/times.txt" \
    python3 "$ROOT/benchmarks/analysis_numpy.py" "$F" --labels "$L" --class-weights "$W" --json "$DIR/numpy.json"
  tail -2 "$DIR/times.txt"
  r=$((r + 1))
done
python3 - "$DIR" "$SIZE" <<'PY'
import json, sys, statistics
out, size = sys.argv[1], int(sys.argv[2])
runs = {}
for line in open(f"{out}/times.txt"):
    tool, wall, kb = line.split()
    runs.setdefault(tool, []).append((float(wall), int(kb)))
for tool, r in runs.items():
    walls = [w for w, _ in r]
    peak = max(k for _, k in r) * 1024
    print(f"{tool:8s} wall {' '.join(f'{w:.1f}' for w in walls)} s (median {statistics.median(walls):.1f}), "
          f"peak {peak / 2**30:.2f} GiB = {peak / size:.2f}x the file")
ratio = statistics.median(w for w, _ in runs["numpy"]) / statistics.median(w for w, _ in runs["margins"])
print(f"numpy / margins wall time: {ratio:.2f}x")
m = json.load(open(f"{out}/margins.json"))["files"][0]["splits"][0]
n = json.load(open(f"{out}/numpy.json"))["files"][0]["splits"][0]
for key in ("wEC", "wInter", "intra", "inter"):
    print(f"{key:7s} margins {m['table3'][key]:.6f}  numpy {n['table3'][key]:.6f}")
print(f"TAR@1e-3 margins {m['pairs']['tarAtFar'][0]['tar']:.4f}  numpy {n['pairs']['tarAtFar'][0]['tar']:.4f} (pairs sampled independently)")
PY
