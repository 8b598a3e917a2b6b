#!/usr/bin/env bash
# Checks that docs/architecture.md describes exactly the targets Package.swift declares: the same
# names, the same kind (system, library, executable, test) and the same dependencies.
#
# Package.swift side: every `.target(`, `.executableTarget(`, `.testTarget(`, `.systemLibrary(`
# (and `.binaryTarget(`, `.plugin(`, `.macro(`) call, its `name:` and the quoted names in its
# `dependencies: [...]` (a `.product(name: "X", package: "p")` counts as X).
# docs/architecture.md side: the rows of the table under the heading "## Targets" whose first
# column is a name in backticks:  | `Name` | kind | `Dep1`, `Dep2` (or —) | what it holds |
#
# Usage, from anywhere: scripts/check-architecture.sh          exit 0 when they match, 1 otherwise
#                       scripts/check-architecture.sh --list   print Package.swift's targets as table rows
set -euo pipefail
cd "$(dirname "$0")/.."
package=Package.swift
doc=docs/architecture.md
[ -f "$package" ] || { echo "check-architecture: no $package" >&2; exit 2; }

# name<TAB>kind<TAB>dep1,dep2,... (deps sorted) for every target of Package.swift.
package_targets() {
  # Drop comments (a `//` at the start of a line or after whitespace; URLs keep theirs), join lines.
  sed -E 's@^[[:space:]]*//.*$@@; s@[[:space:]]//([[:space:]].*)?$@@' "$package" | tr '\n' ' ' | awk '
    function closing(s, start, op, cl,    i, depth, c) {
      depth = 0
      for (i = start; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == op) depth++
        else if (c == cl) { depth--; if (depth == 0) return i }
      }
      return 0
    }
    {
      text = $0
      while (match(text, /\.(target|executableTarget|testTarget|systemLibrary|binaryTarget|plugin|macro)\(/)) {
        call = substr(text, RSTART + 1, RLENGTH - 2)
        open_at = RSTART + RLENGTH - 1
        end_at = closing(text, open_at, "(", ")")
        if (end_at == 0) { print "unbalanced parentheses after ." call > "/dev/stderr"; exit 2 }
        body = substr(text, open_at + 1, end_at - open_at - 1)
        text = substr(text, end_at + 1)
        if (!match(body, /name:[[:space:]]*"[^"]+"/)) continue
        name = substr(body, RSTART, RLENGTH); sub(/^name:[[:space:]]*"/, "", name); sub(/"$/, "", name)
        kind = call
        if (call == "target") kind = "library"
        else if (call == "executableTarget") kind = "executable"
        else if (call == "testTarget") kind = "test"
        else if (call == "systemLibrary") kind = "system"
        deps = ""
        if (match(body, /dependencies:[[:space:]]*\[/)) {
          list_at = RSTART + RLENGTH - 1
          list_end = closing(body, list_at, "[", "]")
          list = substr(body, list_at + 1, list_end - list_at - 1)
          gsub(/package:[[:space:]]*"[^"]*"/, "", list)
          while (match(list, /"[^"]+"/)) {
            dep = substr(list, RSTART + 1, RLENGTH - 2)
            deps = deps (deps == "" ? "" : "\n") dep
            list = substr(list, RSTART + RLENGTH)
          }
        }
        n = split(deps, parts, "\n"); sorted = ""
        # insertion sort, so the output does not depend on the order the manifest lists them in
        for (i = 2; i <= n; i++) { v = parts[i]; j = i - 1; while (j > 0 && parts[j] > v) { parts[j + 1] = parts[j]; j-- } parts[j + 1] = v }
        for (i = 1; i <= n; i++) if (parts[i] != "") sorted = sorted (sorted == "" ? "" : ",") parts[i]
        print name "\t" kind "\t" sorted
      }
    }'
}

# The same three columns read from the doc's "## Targets" table.
doc_targets() {
  awk '
    /^## / { in_table = ($0 ~ /^## Targets[[:space:]]*$/); next }
    in_table && /^\|[[:space:]]*`[^`]+`[[:space:]]*\|/ {
      n = split($0, cell, "|")
      name = cell[2]; gsub(/[[:space:]`]/, "", name)
      kind = cell[3]; gsub(/[[:space:]]/, "", kind)
      deps = cell[4]; list = ""; m = 0
      while (match(deps, /`[^`]+`/)) { d[++m] = substr(deps, RSTART + 1, RLENGTH - 2); deps = substr(deps, RSTART + RLENGTH) }
      for (i = 2; i <= m; i++) { v = d[i]; j = i - 1; while (j > 0 && d[j] > v) { d[j + 1] = d[j]; j-- } d[j + 1] = v }
      for (i = 1; i <= m; i++) list = list (list == "" ? "" : ",") d[i]
      print name "\t" kind "\t" list
    }' "$doc"
}

package_list=$(package_targets)
[ -n "$package_list" ] || { echo "check-architecture: found no targets in $package (has its format changed?)" >&2; exit 2; }

if [ "${1:-}" = "--list" ]; then
  echo "| module | kind | depends on | holds |"
  echo "|---|---|---|---|"
  while IFS=$'\t' read -r name kind deps; do
    if [ -z "$deps" ]; then shown="—"; else shown=$(echo "$deps" | sed -E 's/([^,]+)/`\1`/g; s/,/, /g'); fi
    echo "| \`$name\` | $kind | $shown | |"
  done <<< "$package_list"
  exit 0
fi

[ -f "$doc" ] || { echo "check-architecture: $doc is missing" >&2; exit 1; }
doc_list=$(doc_targets)

problems=0
report() { echo "check-architecture: $*" >&2; problems=$((problems + 1)); }

declare -A p_kind p_deps d_kind d_deps
while IFS=$'\t' read -r name kind deps; do
  [ -n "$name" ] || continue
  [ -z "${p_kind[$name]+x}" ] || report "Package.swift declares the target $name twice"
  p_kind[$name]=$kind; p_deps[$name]=$deps
done <<< "$package_list"
while IFS=$'\t' read -r name kind deps; do
  [ -n "$name" ] || continue
  [ -z "${d_kind[$name]+x}" ] || report "$doc lists the module $name twice"
  d_kind[$name]=$kind; d_deps[$name]=$deps
done <<< "$doc_list"

for name in $(printf '%s\n' "${!p_kind[@]}" | LC_ALL=C sort); do
  if [ -z "${d_kind[$name]+x}" ]; then
    report "$name (${p_kind[$name]}) is a target in Package.swift but missing from $doc"
    continue
  fi
  [ "${d_kind[$name]}" = "${p_kind[$name]}" ] ||
    report "$name: $doc says kind '${d_kind[$name]}', Package.swift declares '${p_kind[$name]}'"
  if [ "${d_deps[$name]}" != "${p_deps[$name]}" ]; then
    only_package=$(comm -23 <(tr ',' '\n' <<< "${p_deps[$name]}" | LC_ALL=C sort) <(tr ',' '\n' <<< "${d_deps[$name]}" | LC_ALL=C sort) | paste -sd, -)
    only_doc=$(comm -13 <(tr ',' '\n' <<< "${p_deps[$name]}" | LC_ALL=C sort) <(tr ',' '\n' <<< "${d_deps[$name]}" | LC_ALL=C sort) | paste -sd, -)
    report "$name: dependencies differ${only_package:+; Package.swift also has: $only_package}${only_doc:+; $doc also has: $only_doc}"
  fi
done
for name in $(printf '%s\n' "${!d_kind[@]}" | LC_ALL=C sort); do
  [ -n "${p_kind[$name]+x}" ] || report "$name is listed in $doc but is not a target in Package.swift"
done

if [ "$problems" -gt 0 ]; then
  echo "check-architecture: $problems problem(s); fix $doc (table under \"## Targets\") or Package.swift" >&2
  echo "  (scripts/check-architecture.sh --list prints Package.swift's targets as table rows)" >&2
  exit 1
fi
echo "architecture.md matches Package.swift (${#p_kind[@]} targets)"
