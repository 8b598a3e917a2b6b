#!/usr/bin/env bash
# Checks that every relative link in the documentation points to something that exists: the file
# (or directory), and for a link into a markdown file with #anchor, a heading of that file with that
# GitHub anchor. Web links (http:, https:, mailto:) are not followed. Links inside fenced code blocks
# and inline code are ignored.
#
# Checked files: README.md, CHANGELOG.md, CONTRIBUTING.md, docs/**/*.md, Sources/Engine/README.md
# (or the files given as arguments). Exit 0 when every link resolves, 1 naming each one that does not.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -gt 0 ]; then
  files=("$@")
else
  files=()
  for f in README.md CHANGELOG.md CONTRIBUTING.md Sources/Engine/README.md; do [ -f "$f" ] && files+=("$f"); done
  [ -d docs ] && while IFS= read -r f; do files+=("$f"); done < <(find docs -name '*.md' | LC_ALL=C sort)
fi

# GitHub's anchors of a markdown file's headings, one per line: lower case, punctuation dropped
# (letters, digits, spaces, '-' and '_' kept, and any non-ASCII letter), spaces to '-', a repeated
# heading gets -1, -2, ...
anchors() {
  awk '
    /^```/ { fence = !fence; next }
    fence { next }
    /^#+[[:space:]]/ {
      h = $0; sub(/^#+[[:space:]]+/, "", h); sub(/[[:space:]]+#*[[:space:]]*$/, "", h)
      h = tolower(h)
      out = ""
      for (i = 1; i <= length(h); i++) {
        c = substr(h, i, 1)
        if (c ~ /[a-z0-9_-]/) out = out c
        else if (c == " ") out = out "-"
        else if (c > "~") out = out c      # bytes of non-ASCII characters are kept
      }
      if (out in seen) { seen[out]++; print out "-" seen[out] } else { seen[out] = 0; print out }
    }' "$1"
}

problems=0
checked=0
for file in "${files[@]}"; do
  [ -f "$file" ] || { echo "check-doc-links: $file does not exist" >&2; problems=$((problems + 1)); continue; }
  dir=$(dirname "$file")
  # Every ](target) outside fenced blocks and inline code, with its line number.
  while IFS=$'\t' read -r line target; do
    [ -n "$target" ] || continue
    checked=$((checked + 1))
    case "$target" in
      http:* | https:* | mailto:*) continue ;;
    esac
    path=${target%%#*}
    anchor=""
    [ "$path" = "$target" ] || anchor=${target#*#}
    if [ -z "$path" ]; then
      resolved=$file
    else
      resolved="$dir/$path"
      if [ ! -e "$resolved" ]; then
        echo "check-doc-links: $file:$line: $target: no such file ($resolved)" >&2
        problems=$((problems + 1))
        continue
      fi
    fi
    if [ -n "$anchor" ] && [[ "$resolved" == *.md ]] && [ -f "$resolved" ]; then
      if ! anchors "$resolved" | grep -qxF -- "$anchor"; then
        echo "check-doc-links: $file:$line: $target: $resolved has no heading with the anchor #$anchor" >&2
        problems=$((problems + 1))
      fi
    fi
  done < <(awk '
    /^[[:space:]]*```/ { fence = !fence; next }
    fence { next }
    {
      s = $0
      gsub(/`[^`]*`/, "", s)                      # inline code
      while (match(s, /\]\([^)[:space:]]+(\)|[[:space:]])/)) {
        t = substr(s, RSTART + 2, RLENGTH - 3)
        print NR "\t" t
        s = substr(s, RSTART + RLENGTH)
      }
    }' "$file")
done

if [ "$problems" -gt 0 ]; then
  echo "check-doc-links: $problems broken link(s) among $checked in ${#files[@]} files" >&2
  exit 1
fi
echo "documentation links resolve ($checked links in ${#files[@]} files)"
