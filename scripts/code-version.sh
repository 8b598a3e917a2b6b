#!/usr/bin/env bash
# Prints the code version recorded in checkpoints and next to figures: the commit (git describe)
# when the tree is clean; otherwise the commit, the words "with uncommitted changes" and the hash
# of the working tree as git would store it (computed in a scratch index, the real one untouched),
# so a figure drawn from an uncommitted tree says so and still names exactly what drew it.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$(git describe --always --tags 2>/dev/null) || { echo "unknown (not a git checkout)"; exit 0; }
if [ -z "$(git status --porcelain --untracked-files=normal -- . ':!figures' ':!results' 2>/dev/null)" ]; then
  echo "$commit"
  exit 0
fi
index=$(mktemp)
trap 'rm -f "$index"' EXIT
cp "$(git rev-parse --git-dir)/index" "$index" 2>/dev/null || true
tree=$(GIT_INDEX_FILE="$index" git add -A -- . ':!figures' ':!results' >/dev/null 2>&1 && GIT_INDEX_FILE="$index" git write-tree)
echo "$commit with uncommitted changes (tree ${tree:0:12})"
