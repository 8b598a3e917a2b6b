#!/usr/bin/env bash
# Prints the code version recorded in checkpoints and next to figures: the commit (git describe)
# when the tree is clean; otherwise the commit, the words "with uncommitted changes" and the hash
# of the working tree as git would store it (computed in a scratch index, the real one untouched),
# so a figure drawn from an uncommitted tree says so and still names exactly what drew it.
#
# With --swift FILE it writes that version as the Provenance module's `BuildInfo` instead (the
# build runs it so, before every build; the file is rewritten only when the version changes).
set -euo pipefail
cd "$(dirname "$0")/.."
version() {
  local commit tree index
  commit=$(git describe --always --tags 2>/dev/null) || { echo "unknown (not a git checkout)"; return; }
  if [ -z "$(git status --porcelain --untracked-files=normal -- . ':!figures' ':!results' 2>/dev/null)" ]; then
    echo "$commit"
    return
  fi
  index=$(mktemp)
  cp "$(git rev-parse --git-dir)/index" "$index" 2>/dev/null || true
  tree=$(GIT_INDEX_FILE="$index" git add -A -- . ':!figures' ':!results' >/dev/null 2>&1 && GIT_INDEX_FILE="$index" git write-tree)
  rm -f "$index"
  echo "$commit with uncommitted changes (tree ${tree:0:12})"
}
if [ "${1:-}" = "--swift" ]; then
  [ -n "${2:-}" ] || { echo "usage: $0 [--swift FILE]" >&2; exit 2; }
  text=$(printf '// Generated before each build by scripts/code-version.sh; not kept in the repository.\nenum BuildInfo {\n  static let codeVersion = "%s"\n}\n' "$(version | sed 's/[\\"]/\\&/g')")
  mkdir -p "$(dirname "$2")"
  [ -f "$2" ] && [ "$(cat "$2")" = "$text" ] || printf '%s\n' "$text" > "$2"
  exit 0
fi
version
