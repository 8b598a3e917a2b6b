#!/usr/bin/env bash
# Every module a target imports must be one it declares in Package.swift: SwiftPM builds targets in
# one folder, so an undeclared import often compiles by luck of the build order and breaks a clean
# or partial build later. Reads the targets and dependencies from `scripts/check-architecture.sh
# --list` (one parser of Package.swift) and the `import` lines of each target's Swift files.
# Exit 1 naming each file, import and target; 0 with a summary otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
# Modules of the toolchain and the platform, which no target declares.
system='^(Foundation|FoundationXML|FoundationNetworking|FoundationEssentials|Dispatch|Glibc|Musl|Darwin|Testing|XCTest|PackagePlugin|Synchronization|_[A-Za-z]+)$'
# Products of other packages by the module names they import as.
declare -A product_module=([ArgumentParser]=ArgumentParser [Crypto]=Crypto [ZIPFoundation]=ZIPFoundation [CSV]=CSV)
# This package's own modules, which an underscore does not make system modules (`_TestSupport`).
own=" $(scripts/check-architecture.sh --list | awk -F'|' 'NR > 2 {gsub(/[` ]/, "", $2); print $2}' | tr '-' '_' | tr '\n' ' ') "
failures=0
checked=0
while IFS='|' read -r _ name kind deps _; do
  name=$(echo "$name" | tr -d '` '); kind=$(echo "$kind" | tr -d ' ')
  [ -n "$name" ] && [ "$name" != module ] && [[ "$name" != ---* ]] || continue
  if [ "$kind" = system ] || [ "$kind" = plugin ]; then continue; fi
  # Where the target's sources are: an explicit path in Package.swift, or Sources/ and Tests/.
  dir=$(grep -oE "name: \"$name\"[^)]*path: \"[^\"]+\"" Package.swift | sed -E 's/.*path: "([^"]+)"/\1/' | head -1 || true)
  [ -n "$dir" ] || { [ "$kind" = test ] && dir="Tests/$name" || dir="Sources/$name"; }
  [ -d "$dir" ] || continue
  # A target's module name is its name with `-` as `_` (`margins-bench` imports as `margins_bench`).
  allowed=" $(echo "$name $deps" | tr -d '`,—' | tr '-' '_') "
  for d in $(echo "$deps" | tr -d '`,—'); do allowed+=" ${product_module[$d]:-} "; done
  while IFS=: read -r file module; do
    [[ "$module" =~ $system && "$own" != *" $module "* ]] && continue
    checked=$((checked + 1))
    if [[ "$allowed" != *" $module "* ]]; then
      echo "check-imports: $file imports $module, which target $name does not declare in Package.swift" >&2
      failures=$((failures + 1))
    fi
  done < <(grep -rHoE '^((@_exported|@testable|@_spi\([A-Za-z]+\)) )*import +[A-Za-z_][A-Za-z0-9_]*' --include='*.swift' "$dir" \
             | sed -E 's/^([^:]+):.*import +([A-Za-z0-9_]+)$/\1:\2/' || true)
done < <(scripts/check-architecture.sh --list)
[ "$failures" -eq 0 ] || { echo "check-imports: $failures undeclared import(s)" >&2; exit 1; }
echo "imports match Package.swift ($checked imports checked)"
